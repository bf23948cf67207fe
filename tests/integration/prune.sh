#!/usr/bin/env bash
# Day 2 against Debian's docker-registry on 127.0.0.1: bundle 1 (release N) pushed; a receipt;
# bundle 2 (release N+1, the other images the same) made from the receipt carries only the new
# blobs, pushes clean, and every N+1 image inspects. Its signed prune list names release N's
# manifests; `zbundle-extract prune` refuses until bundle 2 was pushed, keeps them while N is
# among the releases kept, keeps what another tag names, fails whole on a registry that allows
# no deletes, deletes the rest (an audit line each), and after the registry's garbage
# collection N's blobs are gone while N+1 still pulls whole. The same for an expanded tree
# (receipt --from, prune --from).
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
command -v skopeo >/dev/null || fail "skopeo is not installed (scripts/bootstrap.sh installs it)"
cd "$work"

registry_config() {
  printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s/storage}\n  delete: {enabled: %s}\nhttp: {addr: "127.0.0.1:@PORT@", secret: zbundle-test}\n' \
    "$work" "$1" >"$work/registry-$1.yml"
}
registry_config false
registry_config true
start_registry "$work/registry-false.yml"
registry=127.0.0.1:$port
target=$registry/mirror
SAMPLE_RELEASE=4.16.6-multi "$(dirname "$0")/../../scripts/make-sample.sh" next >/dev/null
next_keys=(--release-key next/release-key.pem --release-keyring next/release-keyring.gpg)
zb keygen --out key >/dev/null
zb keygen --out bastion >/dev/null
on_registry() { zbx "$@" --to "$target" --insecure-http --pubkey key.pub; }
prune() { on_registry prune "$@"; }

expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror "$target" -o b1.zb
expect 0 '' -- on_registry push b1.zb
# bundle 1 drops nothing: nothing to prune, nothing logged
expect 0 '' -- prune b1.zb
contains "pruned $target for bundle [0-9a-f]{32}: 0 deleted, 0 kept, 0 already gone" out
[ ! -e "$ZBUNDLE_STATE_DIR/prune.log" ] || fail "a prune that deleted nothing wrote the audit log"

expect 0 '' -- zbx receipt --to "$target" --insecure-http --sign-key bastion.key -o receipt.json
sleep 1 # a bundle created in the same second as the one applied before it is refused (rollback)
expect 0 '' -- zb create "${next_keys[@]}" next/v2 --sign-key key.key --mirror "$target" \
  --receipt receipt.json --receipt-key bastion.pub -o b2.zb
zstd -dc b1.zb | tar -xOf - ZBUNDLE/manifest.json >m1.json
zstd -dc b2.zb | tar -xOf - ZBUNDLE/manifest.json >m2.json
validate b2.zb
base64 -d <<<"$("$PYTHON" -c 'import json; print(json.load(open("receipt.json"))["body"])')" >receipt-body.json
# The prune list is exactly release N's manifests in release-images (its index, both platform
# manifests, its signature); bundle 2 carries blobs, none the receipt confirmed.
"$PYTHON" - <<'PY' >expected || fail "bundle 2's prune list or payload is wrong"
import json
m1, m2 = json.load(open("m1.json")), json.load(open("m2.json"))
receipt = json.load(open("receipt-body.json"))
r1 = {r["name"]: r for r in m1["repositories"]}
r2 = {r["name"]: r for r in m2["repositories"]}
dropped = sorted((name, d) for name, r in r1.items() for d in r["manifests"]
                 if d not in r2.get(name, {"manifests": []})["manifests"])
listed = [(p["repository"], p["digest"]) for p in m2["prune"]]
assert listed == dropped, (listed, dropped)
assert len(dropped) == 4 and {n for n, _ in dropped} == {"openshift/release-images"}, dropped
tags = {t for p in m2["prune"] for t in p["tags"]}
assert "4.16.5-multi" in tags and any(t.endswith(".sig") for t in tags), tags
confirmed = {d for r in receipt["repositories"] for digest, m in r["manifests"].items() for d in m["blobs"] + [digest]}
carried = {"sha256:" + e["path"].split("/")[-2] for e in m2["entries"] if e["path"].startswith("registry/docker/registry/v2/blobs/")}
assert carried and not carried & confirmed, sorted(carried & confirmed)
index = next(p for p in m2["prune"] if "4.16.5-multi" in p["tags"])["digest"]
print(index, len(carried))
PY
read -r release_n carried <expected
echo "bundle 2 carries $carried new blobs; $(stat -c %s b1.zb) bytes for bundle 1, $(stat -c %s b2.zb) for bundle 2"

# pruning for a bundle not pushed yet could delete what the registry still needs
expect 1 "b2.zb: bundle [0-9a-f]{32} is not the bundle applied last to $target \(that is [0-9a-f]{32}" -- prune b2.zb
expect 0 '' -- on_registry push b2.zb --json
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if not d["failures"] and d["blobs"]["uploaded"] > 0 else 1)' out \
  || fail "bundle 2 did not push clean: $(cat out)"
images_of_bundle_2() {
  "$PYTHON" -c '
import json
for r in json.load(open("m2.json"))["repositories"]:
    for tag in r["tags"]:
        print(r["name"] + ":" + tag)'
}
images_of_bundle_2 >images
while read -r image; do
  skopeo inspect --raw --tls-verify=false "docker://$target/$image" >/dev/null 2>skopeo.err \
    || fail "skopeo inspect $image: $(cat skopeo.err)"
done <images

# release N is among the last two applied: all of it stays
expect 0 '' -- prune b2.zb
contains '0 deleted, 4 kept, 0 already gone' out
contains "kept mirror/openshift/release-images@$release_n \(was 4.16.5-multi\): release 4.16.5-multi \(bundle [0-9a-f]{32}\) is among the last 2 releases applied" out

# an administrator's tag on one of N's platform manifests keeps that one
child=$("$PYTHON" -c 'import json; print(next(p["digest"] for p in json.load(open("m2.json"))["prune"] if not p["tags"]))')
skopeo copy --src-tls-verify=false --dest-tls-verify=false \
  "docker://$target/openshift/release-images@$child" "docker://$target/openshift/release-images:pinned" >/dev/null 2>&1 \
  || fail "skopeo could not tag $child"
held() { skopeo inspect --raw --tls-verify=false "docker://$target/openshift/release-images@$1" >/dev/null 2>&1; }

# a registry that allows no deletes: refused at the first, nothing deleted
expect 1 "does not allow deletes: .*storage.delete.enabled: true" -- prune b2.zb --keep-release 1
held "$release_n" || fail "release N went from a registry that allows no deletes"
restart_registry "$work/registry-true.yml"

expect 0 '' -- prune b2.zb --keep-release 1 --dry-run
contains '3 to delete, 1 kept, 0 already gone' out
contains "kept mirror/openshift/release-images@$child: the tag pinned still names it" out
held "$release_n" || fail "a dry run deleted release N"

expect 0 '' -- prune b2.zb --keep-release 1
contains '3 deleted, 1 kept, 0 already gone' out
contains 'docker-registry garbage-collect' out
grep -Eo '^deleted [^@]+@sha256:[0-9a-f]{64}' out | cut -d@ -f2 >deleted
while read -r digest; do
  ! held "$digest" || fail "$digest was reported deleted but the registry still serves it"
  grep -q "deleted $target mirror/openshift/release-images@$digest tags .* bundle " "$ZBUNDLE_STATE_DIR/prune.log" \
    || fail "no audit line for $digest"
done <deleted
[ "$(wc -l <"$ZBUNDLE_STATE_DIR/prune.log")" = 3 ] || fail "prune.log: $(cat "$ZBUNDLE_STATE_DIR/prune.log")"
held "$child" || fail "the pinned platform manifest was deleted"
# again: nothing left to do
expect 0 '' -- prune b2.zb --keep-release 1
contains '0 deleted, 1 kept, 3 already gone' out

# the registry's garbage collection frees release N's blobs; N+1 still pulls whole
blob_count() { find storage/docker/registry/v2/blobs -name data | wc -l; }
before=$(blob_count)
kill "$registry_pid"
wait "$registry_pid" 2>/dev/null || true
docker-registry garbage-collect "$work/registry-config.yml" >gc.out 2>&1 || fail "garbage-collect: $(cat gc.out)"
after=$(blob_count)
[ "$after" -lt "$before" ] || fail "garbage collection freed nothing ($before blobs before, $after after)"
[ ! -e "storage/docker/registry/v2/blobs/sha256/${release_n:7:2}/${release_n#sha256:}" ] || fail "release N's index is still stored"
restart_registry "$work/registry-true.yml"
n=0
while read -r image; do # every manifest and blob of every N+1 image, read back whole
  n=$((n + 1))
  skopeo copy --all --quiet --src-tls-verify=false "docker://$target/$image" "oci:pulled-$n:latest" \
    >/dev/null 2>skopeo.err || fail "skopeo copy $image after garbage collection: $(cat skopeo.err)"
done <images

# A --base delta with new blobs pushes and expands clean as well: what the base carried is
# found in the registry (HEAD) or the tree, and tagged.
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror "$registry/base" -o base1.zb
sleep 1 # as for bundle 2
expect 0 '' -- zb create "${next_keys[@]}" next/v2 --sign-key key.key --mirror "$registry/base" --base base1.zb -o base2.zb
zbx push base1.zb --to "$registry/base" --insecure-http --pubkey key.pub >/dev/null || fail "base1 did not push"
expect 0 '' -- zbx push base2.zb --to "$registry/base" --insecure-http --pubkey key.pub --json
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if not d["failures"] and d["blobs"]["uploaded"] > 0 else 1)' out \
  || fail "the --base delta did not push clean: $(cat out)"
skopeo inspect --raw --tls-verify=false "docker://$registry/base/openshift/release-images:4.16.6-multi" >/dev/null 2>&1 \
  || fail "the --base delta's release is not tagged"
expect 0 '' -- zbx expand base1.zb --to base-tree --pubkey key.pub
expect 0 '' -- zbx expand base2.zb --to base-tree --pubkey key.pub
[ -s base-tree/registry/docker/registry/v2/repositories/openshift/release-images/_manifests/tags/4.16.6-multi/current/link ] \
  || fail "the --base delta's release is not tagged in the tree"
rm -rf base-tree

# The same for an expanded tree, no registry asked: its receipt lists what the registry's did
# after bundle 1, prune --from deletes by distribution's rules, and docker-registry serving the
# tree after its garbage collection still serves N+1 whole.
expect 0 '' -- zbx expand b1.zb --to tree --pubkey key.pub
expect 0 '' -- zbx receipt --from tree --to "$target" --sign-key bastion.key -o tree-receipt.json
"$PYTHON" - <<'PY' || fail "the tree's receipt differs from the registry's"
import base64, json
def held(path):
    body = json.loads(base64.b64decode(json.load(open(path))["body"]))
    return body["registry"], body["namespace"], {r["name"]: (r["tags"], r["manifests"]) for r in body["repositories"]}
assert held("tree-receipt.json") == held("receipt.json"), (held("tree-receipt.json"), held("receipt.json"))
PY
# a tree whose link or manifest is not what it says is refused, naming the file; no receipt
cp -r tree bad
printf 'sha256:zz' >"$(find bad -path '*/_manifests/tags/*/current/link' | head -1)"
expect 1 '/current/link: not a sha256 digest link' -- zbx receipt --from bad --to "$target" --sign-key bastion.key -o bad.json
[ ! -e bad.json ] || fail "a receipt was written from a damaged tree"
rm -rf bad
expect 1 "b2.zb: bundle [0-9a-f]{32} is not the bundle applied last to $work/tree" -- zbx prune b2.zb --from tree --pubkey key.pub
expect 0 '' -- zbx expand b2.zb --to tree --pubkey key.pub
# a signer may list anything: only repositories bundles brought here are pruned (the history
# edited to show none that had release-images)
cp -r "$ZBUNDLE_STATE_DIR" edited-state
"$PYTHON" - edited-state/applied.json <<'PY'
import json, sys
history = json.load(open(sys.argv[1]))
for records in history.values():
    for record in records:
        record["repositories"].pop("openshift/release-images", None)
json.dump(history, open(sys.argv[1], "w"))
PY
expect 0 '' -- zbx prune b2.zb --from tree --pubkey key.pub --keep-release 1 --state-dir edited-state
contains '0 deleted, 4 kept, 0 already gone' out
contains 'kept openshift/release-images@sha256:[0-9a-f]{64}.*: no bundle applied here has this repository' out
expect 0 '' -- zbx prune b2.zb --from tree --pubkey key.pub --keep-release 1
contains '4 deleted, 0 kept, 0 already gone' out
[ ! -e "tree/registry/docker/registry/v2/repositories/openshift/release-images/_manifests/tags/4.16.5-multi" ] \
  || fail "prune --from left release N's tag"
sed "s|$work/storage|$work/tree/registry|; s|enabled: true|enabled: false|" registry-config.yml >tree-config.yml
docker-registry garbage-collect tree-config.yml >gc.out 2>&1 || fail "garbage-collect of the tree: $(cat gc.out)"
[ ! -e "tree/registry/docker/registry/v2/blobs/sha256/${release_n:7:2}/${release_n#sha256:}" ] || fail "release N's index is still in the tree"
sed "s|$work/storage|$work/tree/registry|; s|127.0.0.1:$port|127.0.0.1:@PORT@|" registry-config.yml >tree-template.yml
restart_registry "$work/tree-template.yml"
while read -r image; do
  n=$((n + 1))
  skopeo copy --all --quiet --src-tls-verify=false "docker://$registry/$image" "oci:pulled-$n:latest" \
    >/dev/null 2>skopeo.err || fail "skopeo copy $image from the pruned tree: $(cat skopeo.err)"
done <images
echo "prune: ok ($before blobs before garbage collection, $after after)"
