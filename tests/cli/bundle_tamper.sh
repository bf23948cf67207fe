#!/usr/bin/env bash
# Every way of damaging a bundle that bundle-schema/README.md section 7 names: each is refused
# by verify (both binaries) with exit 1 and the culprit named. Tampered copies are rewritten
# with tests/data/bundle_tool.py, which keeps one zstd frame per member unless told otherwise.
source "$(dirname "$0")/lib.sh"
tool=$TEST_DATA/bundle_tool.py
cd "$work"

zb keygen --out key >/dev/null
zb keygen --out other >/dev/null
zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror registry.example.com:5000 -o b.zb >/dev/null
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
zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key -o s.zb --split 2K >/dev/null
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

# Entries of 1 MiB and more in stored frames: verify hashes them on several threads, each read
# again from its frame while the pass skips their data unread. Damage there is found all the same.
blobs=big/docker/registry/v2/blobs/sha256
for size in 3145728 2097152 1500000; do
  head -c "$size" /dev/urandom >blob
  hex=$(sha256sum blob | cut -c1-64)
  mkdir -p "$blobs/${hex:0:2}/$hex" && mv blob "$blobs/${hex:0:2}/$hex/data"
done
zb create "${release_keys[@]}" big --sign-key key.key -o big.zb >/dev/null
expect 0 '' -- zb verify big.zb --pubkey key.pub
zstd -dc big.zb | tar -xOf - ZBUNDLE/index.json >index.json
members big.zb
blob=$(grep -m1 '^registry/' "$work/members")
frame=$("$PYTHON" -c 'import json, sys
print(next(f["offset"] for f in json.load(open(sys.argv[1]))["frames"] if f["path"] == sys.argv[2]))' index.json "$blob")
patch_byte() { # OFFSET MASK: t.zb is big.zb with the byte at OFFSET xor MASK
  cp big.zb t.zb
  "$PYTHON" -c 'import sys
f = open("t.zb", "r+b"); at = int(sys.argv[1]); f.seek(at); b = f.read(1)[0]
f.seek(at); f.write(bytes([b ^ int(sys.argv[2])]))' "$1" "$2"
}
patch_byte $((frame + 4096)) 1 # in the data of the first raw block
refused "$blob: digest mismatch: expected sha256:"
mkdir big-bad
expect 1 "$blob: digest mismatch" -- zbx expand t.zb --to big-bad --pubkey key.pub
[ -z "$(ls -A big-bad)" ] || fail "a damaged big entry left files behind: $(ls -A big-bad)"
patch_byte $((frame + 6 + 3 + 131072)) 4 # the second block's type: raw becomes compressed
refused 't.zb: frame [0-9]+ is corrupt: a stored frame holds only raw blocks'
head -c $((frame + 1048576)) big.zb >t.zb
refused 't.zb: truncated'
# the same bundle read in order: expanded, and as a volume set
expect 0 '' -- zbx expand big.zb --to big-out --pubkey key.pub
diff -r big/docker big-out/registry/docker || fail "expanded big blobs differ"
zb create "${release_keys[@]}" big --sign-key key.key -o split.zb --split 1M >/dev/null
expect 0 '' -- zbx verify split.zb --pubkey key.pub
echo "bundle_tamper: ok"
