#!/usr/bin/env bash
# A disk that fails writes (EIO from tests/fault/eio_shim.cpp, preloaded) in the middle of
# create, expand and apply: each stops with an error naming the file it was writing and the
# reason, exits non-zero, and leaves nothing half-written: no bundle, the target tree and the
# root exactly as they were.
source "$(dirname "$0")/lib.sh"
: "${ZB_EIO_SHIM:?set ZB_EIO_SHIM to the EIO shim library}"
cd "$work"
# The shim comes before a sanitizer's runtime in the library list; that is all right here.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
failing() { # PATH-PART AFTER-BYTES COMMAND...: runs COMMAND with writes failing there
  local part=$1 after=$2
  shift 2
  LD_PRELOAD=$ZB_EIO_SHIM ZB_EIO_PATH=$part ZB_EIO_AFTER=$after "$@"
}

zb keygen --out key >/dev/null
"$TEST_DATA/make-pki.sh" pki >/dev/null
"$PYTHON" "$TEST_DATA/make_storage.py" big 4 2
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key -o big.zb
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key \
  --mirror mirror.test:8443 --ca pki/root.pem -o small.zb

# the shim itself: without ZB_EIO_PATH nothing changes
failing '' 0 zb create "${release_keys[@]}" big --sign-key key.key -o made-ok.zb >/dev/null \
  || fail "the shim broke a run it should leave alone"

# create: the bundle file fails after 3 MiB
mkdir made
expect 2 '^zbundle: error: made/big.zb: .*Input/output error' \
  -- failing /made/ $((3 << 20)) zb create "${release_keys[@]}" big --sign-key key.key -o made/big.zb
[ -z "$(ls -A made)" ] || fail "a failed create left $(ls -A made)"

# expand: a blob fails after 3 MiB, into a new target and into one holding small.zb
expect 2 'zbundle-extract: error: registry/docker/registry/v2/blobs/sha256/[0-9a-f]{2}/[0-9a-f]{64}/data: .*Input/output error' \
  -- failing /target/ $((3 << 20)) zbx expand big.zb --to target --pubkey key.pub
[ ! -e target ] || fail "a failed expand left the new target behind"
expect 0 '' -- zbx expand small.zb --to target --pubkey key.pub
snapshot target >before
expect 2 'Input/output error' -- failing /target/ $((3 << 20)) zbx expand big.zb --to target --pubkey key.pub --allow-rollback
snapshot target >after
cmp -s before after || fail "a failed expand changed the target: $(diff before after | head -5)"

# apply: the first file written below the root fails
mkdir -p root/etc/pki/ca-trust/source/anchors root/etc/containers
printf '[[registry]]\nlocation = "other.example"\n' >root/etc/containers/registries.conf
# every path, type, mode, size and content (a directory made and removed again touches its
# parent's time, which is all it leaves)
tree() { (cd "$1" && find . -printf '%p %y %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }
tree root >before
expect 2 'zbundle-extract: error: .*root/etc/.*: .*Input/output error' \
  -- failing /root/ 0 zbx apply small.zb --pubkey key.pub --root root --authfile root/auth.json --state-dir state
tree root >after
cmp -s before after || fail "a failed apply changed the root: $(diff before after | head -5)"
expect 0 '' -- zbx apply small.zb --pubkey key.pub --root root --authfile root/auth.json --state-dir state
