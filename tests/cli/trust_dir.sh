#!/usr/bin/env bash
# zbundle-extract --trust-dir: every *.pub in the directory is trusted, and the rollback
# sequence belongs to the directory: a bundle from a newly added key applies when it is newer,
# an older bundle from a key still in the directory is refused, a removed key signs nothing,
# and a bastion moving from --pubkey to a directory keeps its place in the sequence.
source "$(dirname "$0")/lib.sh"
cd "$work"

create() { # create KEY OUT
  expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key "$1" -o "$2"
}

expect 0 '' -- zb keygen --out old
expect 0 '' -- zb keygen --out new --type ecdsa-p256
expect 0 '' -- zb keygen --out stranger
mkdir trusted
cp old.pub trusted/

create old.key first.zb
expect 0 '' -- zbx expand first.zb --trust-dir trusted --to site
contains 'first.zb' "$work/out"
expect 0 '' -- zbx verify first.zb --trust-dir trusted
contains "signed by Ed25519 key [0-9a-f]{64} \(trusted/old.pub\)" "$work/out"

# Rotation: the new key joins, its bundle is newer and applies; the old key is still trusted,
# but its older bundle cannot roll the site back.
cp new.pub trusted/
sleep 1
create new.key second.zb
expect 0 '' -- zbx expand second.zb --trust-dir trusted --to site
expect 1 'first.zb: bundle [0-9a-f]{32} was created .* before bundle [0-9a-f]{32}' \
  -- zbx expand first.zb --trust-dir trusted --to site
sleep 1
create old.key third.zb
expect 0 '' -- zbx expand third.zb --trust-dir trusted --to site

# The old key retires: what it signed no longer verifies.
rm trusted/old.pub
expect 1 'manifest.sig: the signature does not verify with any of the 1 keys in trusted' \
  -- zbx verify third.zb --trust-dir trusted
create stranger.key stranger.zb
expect 1 'does not verify with any of the 1 keys' -- zbx expand stranger.zb --trust-dir trusted --to site

# From --pubkey to a directory: the record the pinned key left still counts.
expect 0 '' -- zbx expand third.zb --pubkey old.pub --to moved
cp old.pub trusted/
expect 1 'first.zb: bundle [0-9a-f]{32} was created .* before bundle' \
  -- zbx expand first.zb --trust-dir trusted --to moved
expect 0 '' -- zbx expand third.zb --trust-dir trusted --to moved

# A broken trust configuration is an error, never skipped.
mkdir empty
expect 2 'trust-dir empty: no \*.pub key in it' -- zbx verify first.zb --trust-dir empty
expect 2 'trust-dir missing: cannot read' -- zbx verify first.zb --trust-dir missing
echo 'not a key' >trusted/broken.pub
expect 2 'trusted/broken.pub: not a PEM public key' -- zbx verify first.zb --trust-dir trusted
rm trusted/broken.pub
mkdir trusted/dir.pub
expect 2 'trusted/dir.pub: not a regular file' -- zbx verify first.zb --trust-dir trusted
rmdir trusted/dir.pub
mkdir crowded
for n in $(seq 1 65); do cp old.pub "crowded/key-$n.pub"; done
expect 2 'trust-dir crowded: more than 64 keys' -- zbx verify first.zb --trust-dir crowded
rm crowded/key-65.pub
expect 0 '' -- zbx verify first.zb --trust-dir crowded
expect 2 'give one of them' -- zbx verify first.zb --trust-dir trusted --pubkey old.pub
echo "trust_dir: ok"
