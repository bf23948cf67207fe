#!/usr/bin/env bash
# zbundle-extract expand: the registry lands as distribution stores it (compared with the
# storage tree oc-mirror archived, link files included); modes; a re-run writes nothing; --only;
# a damaged bundle, a wrong key or a planted symlink leave the target byte-for-byte unchanged.
source "$(dirname "$0")/lib.sh"
tool=$TEST_DATA/bundle_tool.py
cd "$work"
zb keygen --out key >/dev/null
zb keygen --out other >/dev/null
"$TEST_DATA/make-pki.sh" pki >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443 --ca pki/root.pem -o b.zb

# snapshot DIR: every path with its type, mode, size, mtime and content hash
snapshot() { (cd "$1" && find . -printf '%p %y %m %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }

expect 0 '' -- zbx expand b.zb --to out-dir --pubkey key.pub
contains '^expanded b.zb into out-dir: [0-9]+ files written .* 0 unchanged, bundle [0-9a-f]{32}$' "$work/out"
# the registry is exactly the storage tree oc-mirror archived: blobs, and the link files
# derived from the signed repository lists
mkdir archived && tar -xf "$SAMPLE/v2/mirror_000001.tar" -C archived docker
diff -r archived/docker out-dir/registry/docker >report || fail "the expanded registry differs from oc-mirror's: $(head -20 report)"
[ -f out-dir/oc-mirror/working-dir/.history/"$(ls -A "$SAMPLE/v2/working-dir/.history")" ] || fail "oc-mirror/ was not expanded"
[ "$(stat -c %a out-dir/artifacts/apply-cluster.sh)" = 755 ] || fail "a rendered script is not 0755"
[ "$(stat -c %a out-dir/artifacts/icsp.yaml)" = 644 ] || fail "an artifact is not 0644"
[ -z "$(find out-dir -name '.zbundle-staging-*')" ] || fail "the staging directory was left behind"
[ -z "$(find out-dir -perm /022 -type f)" ] || fail "a file is group- or world-writable"

# a second run over the same content rewrites nothing
snapshot out-dir >before
sleep 1
expect 0 '' -- zbx expand b.zb --to out-dir --pubkey key.pub
contains ': 0 files written .*, [0-9]+ unchanged' "$work/out"
snapshot out-dir >after
cmp -s before after || fail "a re-run changed the target: $(diff before after | head)"

# --only
expect 0 '' -- zbx expand b.zb --to only-artifacts --only artifacts --pubkey key.pub
[ "$(ls only-artifacts)" = artifacts ] || fail "--only artifacts wrote $(ls only-artifacts)"
expect 2 'only bogus: use registry, artifacts, oc-mirror or boot' -- zbx expand b.zb --to x --only bogus --pubkey key.pub

# Failures leave the target as it was: a damaged blob, a wrong key, an existing target
blob=$("$PYTHON" "$tool" b.zb /dev/stdout members | grep -m1 '/data$')
"$PYTHON" "$tool" b.zb damaged.zb flip "$blob"
expect 1 "$blob: digest mismatch" -- zbx expand damaged.zb --to new-dir --pubkey key.pub
[ ! -e new-dir ] || fail "a failed expand left new-dir"
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v1/oc-mirror-workspace" --sign-key key.key -o v1.zb
"$PYTHON" "$tool" v1.zb damaged-v1.zb flip "$("$PYTHON" "$tool" v1.zb /dev/stdout members | grep -m1 '^oc-mirror/')"
expect 1 'digest mismatch' -- zbx expand damaged-v1.zb --to out-dir --pubkey key.pub
expect 1 'signature does not verify' -- zbx expand b.zb --to out-dir --pubkey other.pub
snapshot out-dir >after
cmp -s before after || fail "a failed expand changed the target: $(diff before after | head)"

# A symlink planted in the target is never followed
mkdir planted elsewhere && ln -s ../elsewhere planted/registry
expect 2 'registry is not a directory' -- zbx expand b.zb --to planted --pubkey key.pub
[ -z "$(ls elsewhere)" ] || fail "expand wrote through a planted symlink"
[ -z "$(find planted -name '.zbundle-staging-*')" ] || fail "the staging directory was left behind"

# Many directories, few descriptors: 300 directories with one file each expand with 64
# descriptors (a registry has a directory per blob; none may stay open per directory)
mkdir -p many/working-dir/.history && : >many/working-dir/.history/.history-2026-01-01T00:00:00Z
for i in $(seq 300); do mkdir -p "many/working-dir/d$i" && echo "$i" >"many/working-dir/d$i/f"; done
expect 0 '' -- zb create "${release_keys[@]}" many --sign-key key.key -o many.zb
(ulimit -n 64 && zbx expand many.zb --to many-dir --pubkey key.pub >/dev/null) || fail "expand of 300 directories ran out of descriptors"
[ "$(find many-dir -name f | wc -l)" = 300 ] || fail "not every file of many.zb was expanded"

# A --base delta carries none of b.zb's blobs: it expands where b.zb went (the tree already
# holds them: its registry is left as it was) and is refused, leaving nothing, where b.zb never went.
sleep 1 # a later creation time than b.zb's, which out-dir's sequence now holds
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443 --ca pki/root.pem --base b.zb -o delta.zb
snapshot out-dir/registry >registry-before
expect 0 '' -- zbx expand delta.zb --to out-dir --pubkey key.pub
cmp -s registry-before <(snapshot out-dir/registry) || fail "the delta changed a registry that held everything"
expect 1 'delta-dir: [0-9]+ blobs left out for the base bundle \([0-9a-f]{32}\) are not in the tree, the first registry/docker/registry/v2/blobs/sha256/[0-9a-f]{2}/[0-9a-f]{64}/data: expand the base bundle here first' \
  -- zbx expand delta.zb --to delta-dir --pubkey key.pub
[ ! -e delta-dir ] || fail "a refused delta left delta-dir behind"
