#!/usr/bin/env bash
# The packages people install: zbundle (the connected host) and zbundle-extract (the bastion),
# each as .deb and .rpm, into dist/ with SHA256SUMS, then checked by
# tests/package/check_packages.sh (unpacked and run, dependencies and files listed).
#   scripts/package.sh                    x86_64: builds build/ (static but glibc) and packs it
#   scripts/package.sh --built DIR [OUT]  packs what DIR holds already (x86_64 or the s390x cross
#                                         build, told apart by the binary) into OUT (dist/)
# ci/cross-s390x.sh --release runs the second form for s390x.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --built ]; then
  build=${2:?usage: package.sh --built DIR [OUT]}
  out=${3:-dist}
else
  scripts/bootstrap.sh
  build=${BUILD_DIR:-build}
  out=dist
  cmake -S . -B "$build" -G Ninja -DZBUNDLE_PORTABLE=ON >/dev/null
  cmake --build "$build" -j "$(nproc)" --target zbundle zbundle-extract man completion
fi
build=$(cd "$build" && pwd)
case "$(file -b "$build/src/cli/zbundle")" in
  *"IBM S/390"*) arch=s390x ;;
  *x86-64*) arch=x86_64 ;;
  *) echo "package: $build/src/cli/zbundle is neither x86_64 nor s390x" >&2; exit 1 ;;
esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
(cd "$build" && cpack --config CPackConfig.cmake -B "$staging" >"$staging/cpack.log" 2>&1) \
  || { cat "$staging/cpack.log" >&2; echo "package: cpack failed" >&2; exit 1; }
packages=()
for file in "$staging"/*.deb "$staging"/*.rpm; do packages+=("$(basename "$file")"); done
# dist/ holds one version per architecture: this architecture's earlier packages go
if [ "$arch" = x86_64 ]; then rm -f "$out"/*_amd64.deb "$out"/*.x86_64.rpm; else rm -f "$out"/*_s390x.deb "$out"/*.s390x.rpm; fi
mv "$staging"/*.deb "$staging"/*.rpm "$out/"
tests/package/check_packages.sh "$out" "$arch"
(cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | sort >"$staging/files" \
  && xargs sha256sum <"$staging/files" >SHA256SUMS)
echo "package: ${packages[*]} in $out"
