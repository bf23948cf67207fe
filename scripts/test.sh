#!/usr/bin/env bash
# Configures, builds and runs the tests through ctest.
#   scripts/test.sh                 native build in build/, every test
#   SANITIZE=1 scripts/test.sh      ASan+UBSan build with clang-14 in build-asan/, the unit, cli
#                                   and fuzz (every fuzz reproducer replayed) labels; it also
#                                   builds the libFuzzer targets, which FUZZ_BUILD_DIR=build-asan
#                                   scripts/fuzz.sh runs (CI: a short budget)
#   LABELS=unit scripts/test.sh     only the ctest labels matching this regex
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SANITIZE:-0}" = 1 ]; then scripts/bootstrap.sh fuzz; else scripts/bootstrap.sh; fi

jobs=$(nproc)
if [ "${SANITIZE:-0}" = 1 ]; then
  build=${BUILD_DIR:-build-asan}
  labels=${LABELS:-unit|cli|fuzz}
  extra=(-DZBUNDLE_SANITIZE="address;undefined" -DCMAKE_BUILD_TYPE=Debug -DZBUNDLE_FUZZ=ON)
  # clang: the fuzz targets need libFuzzer, and one sanitizer build serves both.
  export CC=clang-14 CXX=clang++-14
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build=${BUILD_DIR:-build}
  labels=${LABELS:-}
  # Linked as the x86_64 packages are (static but glibc), so package.native packs what was tested.
  extra=(-DZBUNDLE_PORTABLE=ON)
fi

cmake -S . -B "$build" -G Ninja -DZBUNDLE_BUILD_TESTS=ON "${extra[@]}" >/dev/null
cmake --build "$build" -j "$jobs"
ctest_args=(--test-dir "$build" --output-on-failure -j "$jobs")
[ -n "$labels" ] && ctest_args+=(-L "$labels")
ctest "${ctest_args[@]}"
