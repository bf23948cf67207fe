#!/usr/bin/env bash
# What the signature covers, and what it cannot: bundles re-signed with the test key, as a
# hostile signer would make them (tests/data/bundle_tool.py edit rebuilds and signs the index
# too, so only the reader's own rules can refuse them).
#  - a registry blob whose content is not what its name says, its entry updated to match;
#  - `created` in another spelling than the schema's;
#  - rollback: per trust configuration and per target, for expand and apply (push: in
#    integration.push_damaged); the same bundle again is a re-run; --allow-rollback;
#  - apply verifies every byte before it changes anything.
source "$(dirname "$0")/lib.sh"
tool=$TEST_DATA/bundle_tool.py
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
zb keygen --out key >/dev/null
zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443 --ca pki/root.pem -o old.zb >/dev/null
sleep 1
zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443 --ca pki/root.pem -o new.zb >/dev/null
members new.zb
blob=$(grep -m1 '^registry/docker/registry/v2/blobs/' "$work/members")

# A blob under its name with other content, its entry's size and SHA-256 made to match.
printf 'not what the name says\n' >evil-blob
"$PYTHON" "$tool" new.zb step.zb replace "$blob" evil-blob
cat >blob.py <<PY
import hashlib
data = open("evil-blob", "rb").read()
for entry in manifest["entries"]:
    if entry["path"] == "$blob":
        entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
manifest["totals"]["bytes"] = sum(entry["size"] for entry in manifest["entries"])
PY
"$PYTHON" "$tool" step.zb t.zb edit key.key blob.py
for binary in zb zbx; do
  expect 1 "entries\[$blob\]: a registry blob whose sha256 is not its name" -- $binary verify t.zb --pubkey key.pub
done
expect 1 'a registry blob whose sha256 is not its name' -- zbx expand t.zb --to blob-out --pubkey key.pub
[ ! -e blob-out ] || fail "expand wrote a blob under another digest's name"
# The tool's own rebuild of a bundle is accepted when nothing is wrong: the refusals above
# come from the rule, not from the tool.
printf 'pass\n' >noop.py
"$PYTHON" "$tool" new.zb t.zb edit key.key noop.py
expect 0 '' -- zbx verify t.zb --pubkey key.pub

# The writer's headers are the ones Python's tarfile writes (an independent implementation of
# the same encoding), for short, long and non-ASCII names alike.
mkdir names-tree names
tar -xf "$SAMPLE/v2/mirror_000001.tar" -C names-tree
mkdir -p names-tree/working-dir/logs
long=$(printf 'l%.0s' $(seq 150))
printf 'x\n' >"names-tree/working-dir/logs/$long.log"
printf 'y\n' >"names-tree/working-dir/logs/ünïcödé-ログ.log"
printf 'z\n' >"names-tree/working-dir/logs/$(printf 'a%.0s' $(seq 60))-ü.log"
(cd names-tree && tar -cf ../names/mirror_000001.tar -- *)
zb create "${release_keys[@]}" names --sign-key key.key -o names.zb >/dev/null
members names.zb
grep -q "$long" "$work/members" || fail "the long name is not in the bundle"
"$PYTHON" "$tool" names.zb differing canonical || fail "headers differ from tarfile's: $(cat differing)"
expect 0 '' -- zbx verify names.zb --pubkey key.pub

printf 'pass\n' >noop.py
# Every header byte is fixed by (path, size, created): headers written again without the key,
# the manifest and its signature untouched, are refused by both binaries, naming the member.
last=$(grep '^registry/docker/registry/v2/blobs/' "$work/members" | tail -1)
for case in "mode:$last:its tar header is not the one the format fixes" \
  "owner:$last:its tar header is not the one the format fixes" \
  "comment:$last:carries a pax record the format does not allow: comment" \
  "global:$last:carries a global pax header" \
  "longname:$last:carries a GNU long name" \
  "type7:$last:not a regular file" \
  "base256:ZBUNDLE/index.sig:a number in its tar header is not octal" \
  "mode:ZBUNDLE/index.json:its tar header is not the one the format fixes"; do
  how=${case%%:*} rest=${case#*:}
  member=${rest%%:*} why=${rest#*:}
  "$PYTHON" "$tool" new.zb t.zb rehead "$member" "$how"
  for binary in zb zbx; do
    expect 1 'problems found|error: ' -- $binary verify t.zb --pubkey key.pub
    cat "$work/out" "$work/err" >both
    contains "$member: $why" both
  done
done
# The tool's own canonical rewrite of the same member passes (with the index rebuilt for the
# tool's frames): the refusals come from the rule.
zstd -dc new.zb | tar -xOf - "$last" >last-content
"$PYTHON" "$tool" new.zb step.zb replace "$last" last-content
"$PYTHON" "$tool" step.zb t.zb edit key.key noop.py
expect 0 '' -- zbx verify t.zb --pubkey key.pub

# created in spellings the schema does not allow.
for created in '2026-01-01T00:00:00+00:00' '2026-01-01T00:00:00.5Z' '2026-01-01 00:00:00Z'; do
  printf 'manifest["created"] = "%s"\n' "$created" >created.py
  "$PYTHON" "$tool" new.zb t.zb edit key.key created.py
  expect 1 'manifest.json: created: not a time of the form YYYY-MM-DDTHH:MM:SSZ' -- zbx verify t.zb --pubkey key.pub
done

# Rollback, expand: the newer bundle, then the older one into the same directory.
expect 0 '' -- zbx expand new.zb --to exp --pubkey key.pub
expect 0 '' -- zbx expand new.zb --to exp --pubkey key.pub # the same bundle: a re-run
snapshot exp >before
expect 1 'old.zb: bundle [0-9a-f]{32} was created .*, before bundle [0-9a-f]{32} .* --allow-rollback' \
  -- zbx expand old.zb --to exp --pubkey key.pub
snapshot exp >after
cmp -s before after || fail "a refused rollback changed the expanded directory"
expect 0 '' -- zbx expand old.zb --to elsewhere --pubkey key.pub # another target, its own sequence
expect 0 '' -- zbx expand old.zb --to exp --pubkey key.pub --allow-rollback
# As old as the last one, but another bundle: refused too.
expect 0 '' -- zbx expand new.zb --to same --pubkey key.pub
printf 'manifest["bundle_id"] = "f" * 32\n' >twin.py
"$PYTHON" "$tool" new.zb twin.zb edit key.key twin.py
expect 1 'twin.zb: bundle f{32} was created .*, as was bundle [0-9a-f]{32}' -- zbx expand twin.zb --to same --pubkey key.pub
# --state-dir keeps the sequence where it is told.
expect 0 '' -- zbx expand new.zb --to kept --pubkey key.pub --state-dir own-state
grep -q 'expand:' own-state/sequence.json || fail "--state-dir was not used"
expect 0 '' -- zbx expand old.zb --to kept --pubkey key.pub # another state: another sequence

# Rollback, apply: the same, and a state per trust: another key's bundles are their own sequence.
mkdir -p root/etc/pki/ca-trust/source/anchors
expect 0 '' -- zbx apply new.zb --pubkey key.pub --root root
expect 1 'old.zb: bundle [0-9a-f]{32} was created .* before bundle' -- zbx apply old.zb --pubkey key.pub --root root
zb keygen --out other >/dev/null
zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key other.key --mirror mirror.test:8443 --ca pki/root.pem -o other-old.zb >/dev/null
expect 0 '' -- zbx apply other-old.zb --pubkey other.pub --root root

# apply verifies every byte before it changes anything: one flipped payload byte.
rm -rf root2 && mkdir -p root2/etc/pki/ca-trust/source/anchors
"$PYTHON" "$tool" new.zb flipped.zb flip "$blob"
snapshot root2 >before
expect 1 "$blob: digest mismatch" -- zbx apply flipped.zb --pubkey key.pub --root root2
snapshot root2 >after
cmp -s before after || fail "apply changed the root before it found the damage"
expect 0 '' -- zbx apply old.zb --pubkey key.pub --root root2 # the damaged bundle left no sequence
echo "signed_scope: ok"
