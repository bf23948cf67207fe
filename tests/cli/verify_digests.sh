#!/usr/bin/env bash
# verify-digests on the generated sample (real blobs), then on tampered copies made here with
# Python's tarfile and hashlib: a flipped byte, a deleted blob, a truncated manifest, a tag
# pointing at nothing, the s390x child dropped from the multi-arch index.
source "$(dirname "$0")/lib.sh"
m2d=$SAMPLE/v2/mirror_000001.tar

expect 0 '' -- zb verify-digests "$m2d"
contains '^25 blobs .* 0 problems$' "$work/out"
expect 0 '' -- zb verify-digests "$SAMPLE/v1/oc-mirror-workspace"
expect 0 '' -- zb verify-digests "$SAMPLE/v1/mirror_seq1_000000.tar"
# The multi-arch index carries both platforms; single-arch images are named.
expect 1 'problems found' -- zb verify-digests --arch s390x,amd64 "$m2d"
contains '^  missing-arch: openshift/release-images:4.16.5-s390x: expected amd64, got s390x$' "$work/out"
if grep -q 'rhel9/postgresql-15' "$work/out"; then fail "the multi-arch index was reported"; fi

# tamper MODE OUT: rewrites the sample archive with one defect.
tamper() {
  "$PYTHON" - "$m2d" "$2" "$1" <<'PY'
import hashlib, io, json, sys, tarfile
source, target, mode = sys.argv[1:4]
with tarfile.open(source) as tar:
    members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
def blob_name(digest):
    h = digest.split(":")[1]
    return f"docker/registry/v2/blobs/sha256/{h[:2]}/{h}/data"
def find(suffix):
    return next(i for i, (m, _) in enumerate(members) if m.name.endswith(suffix))
def link(repo, tag):
    return next(d.decode() for m, d in members if m.name == f"docker/registry/v2/repositories/{repo}/_manifests/tags/{tag}/current/link")
if mode == "flip":   # a byte of the ubi image's layer
    manifest = json.loads(members[find(blob_name(link("ubi9/ubi", next(m.name.split("/")[-3] for m, _ in members if "/ubi9/ubi/_manifests/tags/" in m.name))))][1])
    i = find(blob_name(manifest["layers"][0]["digest"]))
    data = bytearray(members[i][1]); data[10] ^= 0xFF; members[i] = (members[i][0], bytes(data))
elif mode == "delete":   # the release image's config
    manifest = json.loads(members[find(blob_name(link("openshift/release-images", "4.16.5-s390x")))][1])
    del members[find(blob_name(manifest["config"]["digest"]))]
elif mode == "truncate":   # the etcd manifest
    i = find(blob_name(link("openshift/release", "4.16.5-s390x-etcd")))
    members[i] = (members[i][0], members[i][1][:40])
elif mode == "dangling":
    i = find("repositories/rhel9/postgresql-15/_manifests/tags/latest/current/link")
    members[i] = (members[i][0], b"sha256:" + b"0" * 64)
elif mode == "drop-image":   # the ubi image the ISC names: its repository links are gone
    members = [(m, d) for m, d in members if "/repositories/ubi9/ubi/" not in m.name]
elif mode == "drop-s390x":   # a new index without the s390x child, tagged latest
    index = json.loads(members[find(blob_name(link("rhel9/postgresql-15", "latest")))][1])
    index["manifests"] = [m for m in index["manifests"] if m["platform"]["architecture"] != "s390x"]
    data = json.dumps(index).encode(); digest = "sha256:" + hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo(blob_name(digest)); members.append((info, data))
    i = find("repositories/rhel9/postgresql-15/_manifests/tags/latest/current/link")
    members[i] = (members[i][0], digest.encode())
with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as out:
    for member, data in members:
        member.size = len(data)
        out.addfile(member, io.BytesIO(data))
PY
}

tamper flip "$work/flip.tar"
expect 1 'problems found' -- zb verify-digests --json "$work/flip.tar"
"$PYTHON" -c 'import json,sys; p=json.load(open(sys.argv[1]))["problems"]; k={x["kind"] for x in p}; assert "digest-mismatch" in k and any("/blobs/sha256/" in x["path"] for x in p if x["kind"]=="digest-mismatch"), p' "$work/out"
tamper delete "$work/delete.tar"
expect 1 'problems found' -- zb verify-digests "$work/delete.tar"
contains '^  missing-blob: openshift/release-images:4.16.5-s390x config: expected sha256:' "$work/out"
tamper truncate "$work/truncate.tar"
expect 1 'problems found' -- zb verify-digests "$work/truncate.tar"
contains '^  digest-mismatch: .*/data: expected sha256:' "$work/out"
contains '^  dangling-tag: openshift/release:4.16.5-s390x-etcd: ' "$work/out"
tamper dangling "$work/dangling.tar"
expect 1 'problems found' -- zb verify-digests "$work/dangling.tar"
contains '^  dangling-tag: rhel9/postgresql-15:latest: expected sha256:0{64}, got no such blob$' "$work/out"
tamper drop-image "$work/image.tar"
expect 1 'problems found' -- zb verify-digests "$work/image.tar"
contains '^  missing-image: registry.redhat.io/ubi9/ubi@sha256:[0-9a-f]{64}: expected ubi9/ubi@sha256:[0-9a-f]{64}, got not in the mirror$' "$work/out"
contains ' 6 images of the run verified' "$work/out"
tamper drop-s390x "$work/drop.tar"
expect 0 '' -- zb verify-digests "$work/drop.tar"
expect 1 'problems found' -- zb verify-digests --arch s390x "$work/drop.tar"
contains '^  missing-arch: rhel9/postgresql-15:latest: expected s390x, got amd64$' "$work/out"

# A truncated archive is a problem in the report, not a crash; a missing input is bad input.
head -c 30000 "$m2d" >"$work/mirror_000001.tar"
expect 1 'problems found' -- zb verify-digests "$work/mirror_000001.tar"
contains '^  unreadable: .*mirror_000001.tar' "$work/out"
expect 2 'absent: cannot read' -- zb verify-digests "$work/absent"
echo "verify_digests: ok"
