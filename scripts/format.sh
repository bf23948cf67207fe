#!/usr/bin/env bash
# Formats our C++ sources with .clang-format; --check only reports files that differ.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=$(command -v clang-format-14 || command -v clang-format)
mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp')
if [ "${1:-}" = --check ]; then
  "$clang_format" --dry-run --Werror "${files[@]}"
  echo "format: ${#files[@]} files clean"
else
  "$clang_format" -i "${files[@]}"
fi
