#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) on our sources, or on the files given, using the compile
# commands of build/ (configured if needed). Exits non-zero on any finding.
#   scripts/tidy.sh                every source of src/ (some 20 minutes on 2 cores)
#   scripts/tidy.sh FILE...        those
#   scripts/tidy.sh --baseline     only the sources that read a file changed since the commit in
#                                  .tidy-baseline (the last one a full run passed on), by the
#                                  dependencies ninja recorded in build/; all of them when that
#                                  cannot be told (scripts/tidy_affected.py). CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
[ -f "$build/compile_commands.json" ] || cmake -S . -B "$build" -G Ninja >/dev/null
clang_tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
if [ "${1:-}" = --baseline ]; then
  base=$(grep -v '^#' .tidy-baseline | head -1)
  mapfile -t files < <(scripts/tidy_affected.py "$build" "$base")
  if [ "${files[*]}" = ALL ]; then
    mapfile -t files < <(git ls-files 'src/*.cpp')
  elif [ ${#files[@]} -eq 0 ]; then
    echo "tidy: no source reads a file changed since ${base:0:12}"
    exit 0
  fi
  echo "tidy: ${#files[@]} sources read files changed since ${base:0:12}"
elif [ $# -gt 0 ]; then
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
