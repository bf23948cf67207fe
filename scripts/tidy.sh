#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) on our sources, or on the files given, using the compile
# commands of build/ (configured if needed). Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
[ -f "$build/compile_commands.json" ] || cmake -S . -B "$build" -G Ninja >/dev/null
clang_tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'src/*.cpp')
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 "$clang_tidy" -p "$build" --quiet >"$log" 2>&1 || status=$?
grep -v -E '^[0-9]+ warnings?( and [0-9]+ errors?)? generated\.$' "$log" || true
[ "$status" -eq 0 ] || { echo "tidy: findings above" >&2; exit 1; }
echo "tidy: ${#files[@]} files clean"
