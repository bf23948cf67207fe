#!/usr/bin/env bash
# ctest package.native: the x86_64 packages of the build under test, made into a scratch
# directory and checked (scripts/package.sh --built BUILD OUT).
#   tests/package/package_native.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: package_native.sh BUILD_DIR}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$(dirname "$0")/../../scripts/package.sh" --built "$build" "$out"
