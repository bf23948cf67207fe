#!/usr/bin/env bash
# Usage errors exit 2 with one line naming the problem; help exits 0.
source "$(dirname "$0")/lib.sh"

expect 2 'usage: zbundle' -- zb
expect 0 '' -- zb --help
contains '^  inspect' "$work/out"
for tool in zb zbx; do
  expect 0 '' -- $tool --version
  # the version, the commit it was built from, and the libraries it runs with (issue 28)
  grep -Eq '^zbundle(-extract)? [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)$' "$work/out" \
    || fail "$tool --version: $(cat "$work/out")"
  grep -Eq '^linked with OpenSSL [0-9]+\.[0-9]+\.[0-9]+.*, libarchive [0-9.]+, zstd [0-9.]+, Boost' "$work/out" \
    || fail "$tool --version names no libraries: $(cat "$work/out")"
done
expect 2 '^zbundle: error: frobnicate: unknown command' -- zb frobnicate
expect 2 '^zbundle: error: .*unrecognised option|^zbundle: error: .*unknown option' -- zb inspect --no-such-flag "$SAMPLE/v2"
expect 2 '^zbundle: error: no input' -- zb inspect
expect 2 '^zbundle: error: --format yaml: unknown format' -- zb ics --format yaml "$SAMPLE/v2-m2m"
expect 2 '^zbundle: error: https://m.example: not a mirror registry name' -- zb ics --mirror https://m.example "$SAMPLE/v2-m2m"
expect 0 '' -- zb ics --help
contains 'format arg' "$work/out"

expect 2 'usage: zbundle-extract' -- zbx
expect 0 '' -- zbx --help
expect 2 '^zbundle-extract: error: frobnicate: unknown command' -- zbx frobnicate
expect 2 '^zbundle-extract: error: no trust: give --pubkey' -- zbx verify x
# every command that reads a bundle names itself when the bundle or its target is missing
for command in verify list expand apply push; do
  expect 2 "^zbundle-extract: error: $command: no bundle given" -- zbx "$command" --pubkey x
done
expect 2 '^zbundle-extract: error: expand: --to DIR is required' -- zbx expand b.zb --pubkey x
expect 2 '^zbundle-extract: error: push: --to HOST\[:PORT\]\[/NAMESPACE\] is required' -- zbx push b.zb --pubkey x
echo "usage: ok"
