#!/usr/bin/env bash
# Every way of damaging a bundle that bundle-schema/README.md section 7 names: each is refused
# by verify (both binaries) with exit 1 and the culprit named. Tampered copies are rewritten
# with tests/data/bundle_tool.py, which keeps one zstd frame per member unless told otherwise.
source "$(dirname "$0")/lib.sh"
tool=$TEST_DATA/bundle_tool.py
cd "$work"

zb keygen --out key >/dev/null
zb keygen --out other >/dev/null
zb create "$SAMPLE/v2" --sign-key key.key --mirror registry.example.com:5000 -o b.zb >/dev/null
"$PYTHON" "$tool" b.zb members members
blob=$(grep -m1 '^registry/' members)
second=$(grep '^registry/' members | sed -n 2p)
rewrite() { "$PYTHON" "$tool" b.zb t.zb "$@"; }
refused() {
  local binary
  for binary in zb zbx; do
    expect 1 'error: ' -- $binary verify t.zb --pubkey key.pub
    cat "$work/out" "$work/err" >both
    contains "$1" both
  done
}

# R7: a flipped byte in a payload entry
rewrite flip "$blob"
refused "$blob: digest mismatch: expected sha256:"
# R2: a flipped byte in the manifest, in the signature
rewrite flip ZBUNDLE/manifest.json
refused 'ZBUNDLE/manifest.sig: the signature does not verify'
rewrite flip ZBUNDLE/manifest.sig
refused 'ZBUNDLE/manifest.sig: the signature does not verify'
# R9: a flipped byte in the index
rewrite flip ZBUNDLE/index.json
refused 'ZBUNDLE/index.sig: the signature does not verify'
# R7: two entries swapped, an extra entry
rewrite swap "$blob" "$second"
refused "$second: out of order"
rewrite extra registry/extra
refused 'registry/extra: an entry the manifest does not list'
# R8: a symlink or a hardlink entry
rewrite symlink registry/evil
refused 'registry/evil: not a regular file'
rewrite hardlink oc-mirror/evil
refused 'oc-mirror/evil: not a regular file'
# R10: two members in one frame, a truncated bundle, data after the end
rewrite merge "$blob"
refused "$second: does not start a zstd frame of its own"
head -c $(( $(stat -c %s b.zb) - 100 )) b.zb >t.zb
refused 't.zb: truncated'
{ cat b.zb; printf 'trailing' | zstd -q -c; } >t.zb
refused 't.zb: the end of the archive is not one frame'
# R1: something else first
rewrite swap ZBUNDLE/manifest.json ZBUNDLE/manifest.sig
refused 'ZBUNDLE/manifest.json must come next, found ZBUNDLE/manifest.sig'
# R2: a wrong key; R3: a manifest re-signed by the right key but naming another key id
cp b.zb t.zb
expect 1 'manifest.sig: the signature does not verify with the trusted Ed25519 key' -- zb verify t.zb --pubkey other.pub
zstd -dc b.zb | tar -xOf - ZBUNDLE/manifest.json >manifest.json
"$PYTHON" - manifest.json <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["signer"]["key_id"] = "0" * 64
open(sys.argv[1], "w").write(json.dumps(manifest, separators=(",", ":")) + "\n")
PY
openssl pkeyutl -sign -inkey key.key -rawin -in manifest.json -out manifest.sig
"$PYTHON" "$tool" b.zb step.zb replace ZBUNDLE/manifest.json manifest.json
"$PYTHON" "$tool" step.zb t.zb replace ZBUNDLE/manifest.sig manifest.sig
refused 'ZBUNDLE/manifest.json: names signer key 0000000000000000000000000000000000000000000000000000000000000000, but the trusted key is'
# R11: a missing volume, two volumes swapped, an extra one
zb create "$SAMPLE/v2" --sign-key key.key -o s.zb --split 2K >/dev/null
mv s.zb.003 hidden
expect 1 'problems found' -- zbx verify s.zb --pubkey key.pub
contains 's.zb.003: missing volume' "$work/out"
mv s.zb.004 s.zb.003 && mv hidden s.zb.004
expect 1 'problems found' -- zbx verify s.zb --pubkey key.pub
contains 's.zb.003: ' "$work/out"
mv s.zb.003 hidden && mv s.zb.004 s.zb.003 && mv hidden s.zb.004
expect 0 '' -- zbx verify s.zb --pubkey key.pub
last=$(ls s.zb.0* | tail -1)
cp "$last" "s.zb.$(printf %03d $((10#${last##*.} + 1)))"
expect 1 'problems found' -- zbx verify s.zb --pubkey key.pub
contains 'a volume the manifest does not list' "$work/out"
echo "bundle_tamper: ok"
