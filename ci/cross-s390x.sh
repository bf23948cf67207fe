#!/usr/bin/env bash
# Cross-builds zbundle and zbundle-extract for s390x, fully static, and runs the tests under
# qemu-s390x-static.
#   ci/cross-s390x.sh            unit and cli labels plus the byte-order interop test
#   ci/cross-s390x.sh --full     every test that can run under qemu (integration stays native)
#   ci/cross-s390x.sh --release  also dist/zbundle-s390x, dist/zbundle-extract-s390x (stripped),
#                                the s390x .deb and .rpm packages and dist/SHA256SUMS
#   ci/cross-s390x.sh --dynamic  instead: zbundle linked against glibc dynamically, for IBM Z
#                                connected hosts whose signing key sits in a Crypto Express card
#                                (openCryptoki is loaded with dlopen, which a static program
#                                cannot do); tests/cli/pkcs11.sh runs it under qemu against the
#                                s390x SoftHSM
# The libraries come from Debian's s390x packages, fetched with a private apt state (the host's
# dpkg architectures stay as they are) and unpacked with dpkg -x into a sysroot cached under
# .cache/, keyed by the packages' versions.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in ""|--full|--release|--dynamic) ;; *) echo "usage: $0 [--full|--release|--dynamic]" >&2; exit 2 ;; esac

scripts/bootstrap.sh cross
root=$PWD
cache=$root/.cache/s390x
build=${BUILD_DIR:-build-s390x}
native_build=${NATIVE_BUILD_DIR:-build}
packages=(libarchive-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libzstd-dev
          libboost-program-options1.74-dev libboost1.74-dev libgtest-dev
          zlib1g-dev liblzma-dev libbz2-dev liblz4-dev libacl1-dev nettle-dev libxml2-dev)
if [ "$mode" = --dynamic ]; then
  build=${BUILD_DIR:-build-s390x-dynamic}
  # The shared libraries the -dev packages' links point to, the loader and C++ runtime qemu
  # runs the program with, p11-kit's header, and SoftHSM to sign with.
  packages+=(libarchive13 libssl3 libyaml-cpp0.7 libzstd1 libboost-program-options1.74.0
             zlib1g liblzma5 libbz2-1.0 liblz4-1 libacl1 libnettle8 libxml2 libicu72
             libc6 libstdc++6 libgcc-s1 libp11-kit-dev libsofthsm2 softhsm2 softhsm2-common
             libsqlite3-0)
fi

# --- sysroot ------------------------------------------------------------------------------
apt_state=$cache/apt
mkdir -p "$apt_state/lists/partial" "$apt_state/archives/partial"
touch "$apt_state/status"
apt_opts=(-q -o Dir::State::Lists="$apt_state/lists" -o Dir::State::Status="$apt_state/status"
          -o Dir::Cache="$apt_state" -o Dir::Cache::Archives="$apt_state/archives"
          -o APT::Architecture=s390x -o APT::Architectures::=s390x -o Debug::NoLocking=1)
apt-get "${apt_opts[@]}" update >/dev/null
versions=$(apt-cache "${apt_opts[@]}" show --no-all-versions "${packages[@]}" \
  | awk '/^Package:/ {p=$2} /^Version:/ {print p "=" $2}' | sort)
[ "$(wc -l <<<"$versions")" -eq "${#packages[@]}" ] || { echo "cross: missing s390x packages:" >&2; echo "$versions" >&2; exit 1; }
key=$(sha256sum <<<"$versions" | cut -c1-16)
sysroot=$cache/sysroot-$key
if [ ! -f "$sysroot/.complete" ]; then
  echo "cross: building the s390x sysroot ($key)"
  rm -rf "$sysroot" "$cache/debs-$key"
  mkdir -p "$cache/debs-$key" "$sysroot"
  (cd "$cache/debs-$key" && apt-get "${apt_opts[@]}" download $(sed 's/=.*//' <<<"$versions" | sed 's/$/:s390x/') 2>&1 \
    | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' || true)
  for deb in "$cache/debs-$key"/*.deb; do dpkg -x "$deb" "$sysroot"; done
  rm -rf "$cache/debs-$key"
  echo "$versions" >"$sysroot/.complete"
fi

if [ "$mode" = --dynamic ]; then
  # The linker resolves the libraries' own dependencies (liblzma for libarchive, ...) there too.
  link_paths="-Wl,-rpath-link,$sysroot/usr/lib/s390x-linux-gnu -Wl,-rpath-link,$sysroot/lib/s390x-linux-gnu"
  cmake -S . -B "$build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/s390x-linux-gnu.cmake" -DZBUNDLE_SYSROOT="$sysroot" \
    -DCMAKE_EXE_LINKER_FLAGS="$link_paths" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$(nproc)" --target zbundle zbundle-extract
  description=$(file -b "$build/src/cli/zbundle")
  if ! grep -q 'IBM S/390' <<<"$description" || ! grep -q 'dynamically linked' <<<"$description"; then
    echo "cross: zbundle is not a dynamic s390x program: $description" >&2
    exit 1
  fi
  build=$(cd "$build" && pwd)
  sample=$build/sample
  [ -d "$sample/v2" ] || scripts/make-sample.sh "$sample" >/dev/null
  # qemu finds the loader, glibc and the libraries in the sysroot; the token is s390x SoftHSM,
  # initialised by its own s390x softhsm2-util.
  run=(qemu-s390x-static -L "$sysroot")
  ZBUNDLE="$build/src/cli/zbundle" ZBUNDLE_EXTRACT="$build/src/cli/zbundle-extract" \
    SAMPLE="$sample" TEST_DATA="$root/tests/data" \
    ZB_EXEC_PREFIX="${run[*]}" SOFTHSM2_UTIL="${run[*]} $sysroot/usr/bin/softhsm2-util" \
    PKCS11_MODULE=/usr/lib/s390x-linux-gnu/softhsm/libsofthsm2.so \
    bash tests/cli/pkcs11.sh
  echo "cross: dynamic s390x zbundle signs with a PKCS#11 token under qemu"
  exit 0
fi

# --- build ----------------------------------------------------------------------------------
# Optimised for size: the static binaries travel across the air gap and zbundle-extract must
# stay under 8 MB; the time goes to OpenSSL's SHA-256 and zstd, which keep their own flags
# (static archives from Debian), so -Os costs our code little.
cmake -S . -B "$build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/s390x-linux-gnu.cmake" -DZBUNDLE_SYSROOT="$sysroot" \
  -DZBUNDLE_STATIC=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-Os -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELEASE="-Os -DNDEBUG" >/dev/null
cmake --build "$build" -j "$(nproc)"

for binary in zbundle zbundle-extract; do
  description=$(file -b "$build/src/cli/$binary")
  grep -q 'IBM S/390' <<<"$description" || { echo "cross: $binary is not s390x: $description" >&2; exit 1; }
  grep -q 'statically linked' <<<"$description" || { echo "cross: $binary is not static: $description" >&2; exit 1; }
done

# --- tests under qemu -------------------------------------------------------------------------
labels='unit|cli'
[ "$mode" = --full ] && labels='unit|cli|integration|conformance'
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -L "$labels"
# The static binary's network side (name resolution, TLS, the registry API) under qemu: push
# into docker-registry over TLS, resumed after kill -9; a receipt of that registry (the catalog
# and tag listings, HEADs) and a delta made from it.
[ "$mode" = --full ] || ctest --test-dir "$build" --output-on-failure -j "$(nproc)" \
  -R '^integration[.](push_registry|receipt)$'

# Byte order: the native and the s390x build must agree on every output for the same input.
if [ ! -x "$native_build/src/cli/zbundle" ]; then
  cmake -S . -B "$native_build" -G Ninja >/dev/null
  cmake --build "$native_build" -j "$(nproc)" --target zbundle zbundle-extract
fi
tests/interop/byte_order.sh "$native_build/src/cli/zbundle" "$build/src/cli/zbundle"

# --- sizes and release ----------------------------------------------------------------------
mkdir -p "$build/stripped"
for binary in zbundle zbundle-extract; do
  s390x-linux-gnu-strip -o "$build/stripped/$binary-s390x" "$build/src/cli/$binary"
  printf 'cross: %-16s %8d bytes static, %8d bytes stripped\n' "$binary" \
    "$(stat -c %s "$build/src/cli/$binary")" "$(stat -c %s "$build/stripped/$binary-s390x")"
done
size_limit=8000000 # 8 MB: what the bastion's extractor may weigh
if [ "$(stat -c %s "$build/stripped/zbundle-extract-s390x")" -gt $size_limit ]; then
  echo "cross: the stripped zbundle-extract exceeds $size_limit bytes" >&2
  exit 1
fi
if [ "$mode" = --release ]; then
  # The bare binaries and the packages (.deb and .rpm of zbundle and zbundle-extract, checked
  # by tests/package/check_packages.sh under qemu), with SHA256SUMS over all of dist/.
  mkdir -p dist
  cp "$build/stripped/zbundle-s390x" "$build/stripped/zbundle-extract-s390x" dist/
  scripts/package.sh --built "$build" dist
  echo "cross: release in dist/"; cat dist/SHA256SUMS
fi
