#!/usr/bin/env bash
# Untrusted input that is well-formed enough to get past the first look: crafted oc-mirror
# trees and bundles re-signed with the test key (tests/data/bundle_tool.py edit). Each ends
# within a timeout, exits with the documented code naming the file or field, and stays within
# a stated peak memory (/usr/bin/time; the bound leaves room for the ASan build and qemu).
source "$(dirname "$0")/lib.sh"
tool=$TEST_DATA/bundle_tool.py
cd "$work"
limit_kib=$((400 * 1024))
# Under ASan the peak is mostly its quarantine of freed blocks (256 MB by default): keep it
# small, so the bound measures zbundle.
[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=16"

# bounded EXIT PATTERN -- ZB|ZBX ARGS...: expect, within 60 s and $limit_kib of peak RSS.
bounded() {
  local want=$1 pattern=$2 rss
  shift 3
  local binary=$ZBUNDLE
  [ "$1" = ZBX ] && binary=$ZBUNDLE_EXTRACT
  shift
  # shellcheck disable=SC2086
  expect "$want" "$pattern" -- /usr/bin/time -o "$work/rss" -f %M timeout 60 ${ZB_EXEC_PREFIX:-} "$binary" "$@"
  rss=$(tail -1 "$work/rss")
  [ "$rss" -le "$limit_kib" ] || fail "'$*' peaked at $rss KiB (bound $limit_kib KiB)"
}

"$TEST_DATA/make-pki.sh" pki >/dev/null
zb keygen --out key >/dev/null
zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443 --ca pki/root.pem -o b.zb >/dev/null
resign() { "$PYTHON" "$tool" b.zb t.zb edit key.key "$1"; }
# refused_by_readers PATTERN: every reader of a bundle refuses t.zb with exit 1, within bounds.
refused_by_readers() {
  bounded 1 "$1" -- ZBX verify t.zb --pubkey key.pub
  bounded 1 "$1" -- ZBX list t.zb --pubkey key.pub
  bounded 1 "$1" -- ZBX inspect t.zb --pubkey key.pub
  bounded 1 "$1" -- ZB inspect t.zb
  mkdir -p root
  bounded 1 "$1" -- ZBX apply t.zb --pubkey key.pub --root root --dry-run
}

# 3. Unbounded nesting. An oc-mirror tree whose image-references is 200 KB of nested arrays.
mkdir unpacked deep
tar -xf "$SAMPLE/v2/mirror_000001.tar" -C unpacked
refs=$(find unpacked -path '*release-manifests/image-references' | head -1)
[ -n "$refs" ] || fail "the sample's archive has no image-references"
"$PYTHON" -c 'import sys; n = 100000; sys.stdout.write("[" * n + "]" * n)' >"$refs"
(cd unpacked && tar -cf ../deep/mirror_000001.tar -- *)
bounded 2 "image-references: JSON nested deeper than 64 levels" -- ZB inspect deep
bounded 2 "image-references: JSON nested deeper than 64 levels" -- ZB ics deep --mirror mirror.test:8443
# verify-digests reports unreadable records as one of its problems (exit 1), naming the file
bounded 1 "verify-digests: 1 problems found" -- ZB verify-digests deep
contains "unreadable: .*image-references: JSON nested deeper than 64 levels" "$work/out"
bounded 2 "image-references: JSON nested deeper than 64 levels" -- ZB create deep --sign-key key.key -o deep.zb
[ ! -e deep.zb ] || fail "create left deep.zb behind"
# A signed manifest with deeply nested base_bundles, verified or not.
cat >nest.py <<'PY'
manifest["base_bundles"] = ["DEEP"]
replace = ('["DEEP"]', "[" * 50000 + "]" * 50000)
PY
resign nest.py
refused_by_readers 'manifest.json: JSON: nested deeper than 16 levels'

# 4. A YAML alias bomb: nine levels of ten-way anchors under an UpdateService's spec.
cp -r "$SAMPLE/v2-m2m" bomb
"$PYTHON" - bomb/working-dir/cluster-resources/updateService.yaml <<'PY'
import sys
lines = ["apiVersion: updateservice.operator.openshift.io/v1", "kind: UpdateService",
         "metadata:", "  name: update-service-oc-mirror", "spec:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
for level in range(1, 10):
    lines.append("  a%d: &a%d [%s]" % (level, level, ", ".join(["*a%d" % (level - 1)] * 10)))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
bounded 2 'updateService.yaml: more than 200000 YAML nodes once aliases are expanded' -- \
  ZB artifacts bomb --mirror mirror.test:8443 --ca pki/root.pem -o bomb-out
[ ! -e bomb-out ] || fail "artifacts wrote bomb-out"
cat >bomb.py <<'PY'
text = "kind: UpdateService\nmetadata: {name: u}\nspec:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
for level in range(1, 10):
    text += "  a%d: &a%d [%s]\n" % (level, level, ", ".join(["*a%d" % (level - 1)] * 10))
manifest["cluster_resources"] = [{"kind": "UpdateService", "name": "u", "text": text}]
PY
resign bomb.py
refused_by_readers 'cluster_resources\[\]: cluster_resources\[\]\.text: more than 200000 YAML nodes'

# 5. A second document appended to a cluster resource: refused, never passed on as text.
cp -r "$SAMPLE/v2-m2m" appended
cat >>appended/working-dir/cluster-resources/signature-configmap.yaml <<'YAML'
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pwned}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: attacker}]
YAML
bounded 2 'signature-configmap.yaml: holds 2 documents, where one ConfigMap or UpdateService belongs' -- \
  ZB artifacts appended --mirror mirror.test:8443 --ca pki/root.pem -o appended-out
bounded 2 'signature-configmap.yaml: holds 2 documents' -- ZB inspect appended
cat >appended.py <<'PY'
manifest["cluster_resources"] = [{"kind": "ConfigMap", "name": "s",
    "text": "kind: ConfigMap\nmetadata: {name: s}\n---\nkind: ClusterRoleBinding\nmetadata: {name: pwned}\n"}]
PY
resign appended.py
refused_by_readers 'cluster_resources\[\]: cluster_resources\[\]\.text: holds 2 documents'
cat >wrongkind.py <<'PY'
manifest["cluster_resources"] = [{"kind": "ConfigMap", "name": "s",
    "text": "kind: ClusterRoleBinding\nmetadata: {name: pwned}\n"}]
PY
resign wrongkind.py
refused_by_readers 'cluster_resources\[\]\.text: not a ConfigMap \(kind ClusterRoleBinding\)'
# What passes is emitted again from the parsed object: one document, nothing appended.
expect 0 '' -- zb artifacts "$SAMPLE/v2-m2m" --mirror mirror.test:8443 --ca pki/root.pem -o good
"$PYTHON" - good/release-signatures-mirrored-release-signatures.yaml <<'PY'
import sys, yaml
documents = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]
assert len(documents) == 1 and documents[0]["kind"] == "ConfigMap", documents
PY

# 6. A newline in an image content source: from oc-mirror's IDMS, and from the signed model.
cp -r "$SAMPLE/v2-m2m" newline
"$PYTHON" - newline/working-dir/cluster-resources/idms-oc-mirror.yaml <<'PY'
import sys
path = sys.argv[1]
text = open(path).read().replace("- mirror.example.internal:8443/openshift/release",
                                 '- "mirror.example.internal:8443/openshift/release\\n[[registry]]\\nlocation = \\"evil\\""', 1)
assert "evil" in text
open(path, "w").write(text)
PY
bounded 2 'idms-oc-mirror.yaml: image content mirror: mirror.example.internal:8443/openshift/release\\x0a\[\[registry\]\].*: not a mirror registry name' -- \
  ZB ics newline --format registries-conf
cat >newline.py <<'PY'
manifest["image_content_sources"][0]["mirrors"][0]["location"] = "mirror.test:8443/a\n[[registry]]"
PY
resign newline.py
refused_by_readers 'image_content_sources\[\]\.mirrors\[\]\.location: holds a control character: mirror.test:8443/a\\x0a'
cat >space.py <<'PY'
manifest["image_content_sources"][0]["source"] = "quay.io/a b"
PY
resign space.py
refused_by_readers "image_content_sources\[\]: image content source: quay.io/a b: not a mirror registry name"

# 7. CA claims that are not the certificates' own.
cat >claims.py <<'PY'
manifest["ca_certificates"][0]["subject"] = "CN=Trusted Corporate Root"
PY
resign claims.py
refused_by_readers "ca_certificates\[CN=Trusted Corporate Root\]: the certificate's own subject and expiry are CN="
cat >fingerprint.py <<'PY'
manifest["ca_certificates"][0]["sha256"] = "0" * 64
PY
resign fingerprint.py
refused_by_readers "sha256 0{64} is not the certificate's"
cat >two.py <<'PY'
manifest["ca_certificates"][0]["pem"] += manifest["ca_certificates"][0]["pem"]
PY
resign two.py
refused_by_readers "holds 2 certificates, where one belongs"

# 8. Many entries. A signed manifest listing 100,000 entries the payload lacks (about 8 MB of
# JSON, near the 64 MiB cap that bounds every manifest): read, then refused naming the first.
cat >many.py <<'PY'
manifest["entries"] += [{"path": "oc-mirror/many/%07d" % i, "size": 1, "sha256": "0" * 64} for i in range(100000)]
manifest["totals"] = {"entries": len(manifest["entries"]), "bytes": sum(e["size"] for e in manifest["entries"])}
PY
resign many.py
bounded 1 't.zb: 100001 problems found' -- ZBX verify t.zb --pubkey key.pub
contains '^  oc-mirror/many/0000000: missing from the bundle' "$work/out"
bounded 1 'oc-mirror/many/0000000' -- ZBX apply t.zb --pubkey key.pub --root root --dry-run
# An oc-mirror archive of 50,000 tiny files: the readers stream, so their memory does not grow
# with the count (64 MiB natively; the sanitizer build and qemu get the general bound).
stream_kib=$((64 * 1024))
[ -z "${ASAN_OPTIONS:-}" ] && [ -z "${ZB_EXEC_PREFIX:-}" ] || stream_kib=$limit_kib
mkdir tiny
"$PYTHON" - "$SAMPLE/v2/mirror_000001.tar" tiny/mirror_000001.tar <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1]) as old, tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as new:
    for member in old.getmembers():
        new.addfile(member, old.extractfile(member) if member.isfile() else None)
    for i in range(50000):
        new.addfile(tarfile.TarInfo("working-dir/junk/%07d" % i), io.BytesIO(b""))
PY
for command in inspect verify-digests; do
  bounded 0 '' -- ZB $command tiny
  [ "$(tail -1 "$work/rss")" -le "$stream_kib" ] || fail "$command of 50,000 files peaked at $(tail -1 "$work/rss") KiB"
done
# create keeps a line per entry for the manifest: about 1.2 KiB each (354 MiB for 300,000,
# measured 2026-12-03); here 50,000 within the general bound.
bounded 0 '' -- ZB create tiny "${release_keys[@]}" --sign-key key.key -o tiny.zb
bounded 0 '' -- ZBX verify tiny.zb --pubkey key.pub
contains '^verified tiny.zb: 500[0-9][0-9] entries' "$work/out"

# 9. Very long names: a path of 1 MiB in the signed model and in an oc-mirror archive.
cat >longname.py <<'PY'
manifest["entries"][-1]["path"] = "oc-mirror/" + "a" * (1 << 20)
PY
resign longname.py
refused_by_readers 'at most 4096 bytes|longer than'
mkdir long
"$PYTHON" - "$SAMPLE/v2/mirror_000001.tar" long/mirror_000001.tar <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1]) as old, tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as new:
    for member in old.getmembers():
        new.addfile(member, old.extractfile(member) if member.isfile() else None)
    new.addfile(tarfile.TarInfo("working-dir/" + "b" * (1 << 20)), io.BytesIO(b"x"))
PY
bounded 2 'mirror_000001.tar' -- ZB inspect long

echo "untrusted_input: ok"
