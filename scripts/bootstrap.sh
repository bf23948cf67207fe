#!/usr/bin/env bash
# Installs every build and test dependency of zbundle with apt.
#   scripts/bootstrap.sh          native build and tests
#   scripts/bootstrap.sh cross    also the s390x cross toolchain and qemu (ci/cross-s390x.sh)
#   scripts/bootstrap.sh fuzz     also clang and libFuzzer (scripts/fuzz.sh)
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git file
  libarchive-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libzstd-dev zstd
  libboost-program-options-dev libboost-dev libgtest-dev googletest
  clang-format clang-tidy python3 python3-jsonschema python3-yaml
  openssl ca-certificates publicsuffix time bc shellcheck
  docker-registry skopeo umoci libarchive-tools apache2-utils curl procps
  libp11-kit-dev p11-kit-modules softhsm2 scdoc gpgv gnupg chromium rpm binutils
)
if [ "${1:-}" = cross ]; then
  packages+=(g++-s390x-linux-gnu qemu-user-static)
fi
if [ "${1:-}" = fuzz ]; then
  packages+=(clang-14 libfuzzer-14-dev)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
