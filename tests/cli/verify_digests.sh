#!/usr/bin/env bash
# verify-digests on the generated sample (real blobs), then on tampered copies made here with
# Python's tarfile and hashlib: a flipped byte, a deleted blob, a truncated manifest, a tag
# pointing at nothing, the s390x child dropped from the multi-arch index, a release that is
# single-arch. The platforms are checked by default: s390x nodes, an amd64 management cluster.
source "$(dirname "$0")/lib.sh"
m2d=$SAMPLE/v2/mirror_000001.tar

expect 0 '' -- zb verify-digests "$m2d"
contains '^32 blobs .* 0 problems$' "$work/out"
expect 0 '' -- zb verify-digests "$SAMPLE/v1/oc-mirror-workspace"
expect 0 '' -- zb verify-digests "$SAMPLE/v1/mirror_seq1_000000.tar"
# The multi-arch indexes carry both platforms; single-arch images are named.
expect 1 'problems found' -- zb verify-digests --arch s390x,amd64 "$m2d"
contains '^  missing-arch: openshift/release:4.16.5-multi-etcd: expected amd64, got s390x$' "$work/out"
if grep -q 'rhel9/postgresql-15\|release-images' "$work/out"; then fail "a multi-arch index was reported"; fi

# tamper MODE OUT: the sample archive with one defect (tests/data/tamper_mirror.py).
tamper() { "$PYTHON" "$TEST_DATA/tamper_mirror.py" "$m2d" "$2" "$1"; }

tamper flip "$work/flip.tar"
expect 1 'problems found' -- zb verify-digests --json "$work/flip.tar"
"$PYTHON" -c 'import json,sys; p=json.load(open(sys.argv[1]))["problems"]; k={x["kind"] for x in p}; assert "digest-mismatch" in k and any("/blobs/sha256/" in x["path"] for x in p if x["kind"]=="digest-mismatch"), p' "$work/out"
tamper delete "$work/delete.tar"
expect 1 'problems found' -- zb verify-digests "$work/delete.tar"
contains '^  missing-blob: openshift/release-images:4.16.5-multi -> linux/s390x config: expected sha256:' "$work/out"
tamper truncate "$work/truncate.tar"
expect 1 'problems found' -- zb verify-digests "$work/truncate.tar"
contains '^  digest-mismatch: .*/data: expected sha256:' "$work/out"
contains '^  dangling-tag: openshift/release:4.16.5-multi-etcd: ' "$work/out"
tamper dangling "$work/dangling.tar"
expect 1 'problems found' -- zb verify-digests "$work/dangling.tar"
contains '^  dangling-tag: rhel9/postgresql-15:latest: expected sha256:0{64}, got no such blob$' "$work/out"
tamper drop-image "$work/image.tar"
expect 1 'problems found' -- zb verify-digests "$work/image.tar"
contains '^  missing-image: registry.redhat.io/ubi9/ubi@sha256:[0-9a-f]{64}: expected ubi9/ubi@sha256:[0-9a-f]{64}, got not in the mirror$' "$work/out"
contains ' 6 images of the run verified' "$work/out"
tamper drop-s390x "$work/drop.tar"
expect 0 '' -- zb verify-digests --arch none "$work/drop.tar"
expect 1 'problems found' -- zb verify-digests "$work/drop.tar"
contains '^  missing-arch: rhel9/postgresql-15:latest: expected s390x, got amd64$' "$work/out"

tamper single-arch-release "$work/single.tar"
expect 1 'problems found' -- zb verify-digests "$work/single.tar"
contains '^  release-arch: openshift/release-images:4.16.5-multi: expected amd64, got s390x$' "$work/out"
expect 0 '' -- zb verify-digests --management-arch none "$work/single.tar"
expect 1 'problems found' -- zb verify-digests --management-arch arm64 "$m2d"
contains '^  release-arch: openshift/release-images:4.16.5-multi: expected arm64, got amd64,s390x$' "$work/out"

# A truncated archive is a problem in the report, not a crash; a missing input is bad input.
head -c 30000 "$m2d" >"$work/mirror_000001.tar"
expect 1 'problems found' -- zb verify-digests "$work/mirror_000001.tar"
contains '^  unreadable: .*mirror_000001.tar' "$work/out"
expect 2 'absent: cannot read' -- zb verify-digests "$work/absent"
echo "verify_digests: ok"
