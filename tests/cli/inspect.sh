#!/usr/bin/env bash
# inspect on every layout of the generated sample; numbers are checked against what the
# sample holds on disk, counted here independently of zbundle.
source "$(dirname "$0")/lib.sh"

blob_files=$(tar -tf "$SAMPLE/v2/mirror_000001.tar" | grep -c '^docker/registry/v2/blobs/sha256/../[0-9a-f]\{64\}/data$')
blob_bytes=$(tar -tvf "$SAMPLE/v2/mirror_000001.tar" | awk '$6 ~ /^docker\/registry\/v2\/blobs\// {s += $3} END {print s}')
repos=$(tar -tf "$SAMPLE/v2/mirror_000001.tar" | sed -n 's|^docker/registry/v2/repositories/\(.*\)/_manifests/.*|\1|p' | sort -u | wc -l)
[ "$blob_files" -gt 10 ] || fail "sample has only $blob_files blobs"

for input in "$SAMPLE/v2/mirror_000001.tar" "$SAMPLE/v2"; do
  expect 0 '' -- zb inspect "$input"
  contains '^source: +oc-mirror v2, archive set' "$work/out"
  contains '^releases: +1: 4\.16\.5-multi$' "$work/out"
  contains '^catalogs: +1: redhat-operator-index:v4\.16$' "$work/out"
  contains "^repositories: +$repos\$" "$work/out"
  contains "^blobs: +$blob_files, .* \\($blob_bytes bytes\\)\$" "$work/out"
  contains '^image content sources: 5 \(derived from the run' "$work/out"
done

for input in "$SAMPLE/v1/mirror_seq1_000000.tar" "$SAMPLE/v1/oc-mirror-workspace" "$SAMPLE/v1"; do
  expect 0 '' -- zb inspect "$input"
  contains '^source: +oc-mirror v1' "$work/out"
  contains '^releases: +1: 4\.16\.5-multi$' "$work/out"
  contains "^blobs: +$blob_files, " "$work/out"
done

# --json carries everything; check it against the archive listing and the manifests.
expect 0 '' -- zb inspect --json "$SAMPLE/v2/mirror_000001.tar" "$SAMPLE/v2-m2m"
"$PYTHON" - "$work/out" "$SAMPLE" "$blob_files" "$blob_bytes" <<'PY'
import json, sys, tarfile, hashlib
doc = json.load(open(sys.argv[1]))
sample, blob_files, blob_bytes = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
assert [i["format"] for i in doc["inputs"]] == ["oc-mirror v2", "oc-mirror v2"], doc["inputs"]
assert doc["blobs"] == {"count": blob_files, "bytes": blob_bytes}, doc["blobs"]
assert len(doc["imageContentSources"]) == 5, doc["imageContentSources"]
# Every tag must point at a blob that really hashes to the digest (sample is real).
with tarfile.open(sample + "/v2/mirror_000001.tar") as tar:
    names = set(tar.getnames())
    for repo, info in doc["repositories"].items():
        for tag, digest in info["tags"].items():
            hexd = digest.split(":")[1]
            member = f"docker/registry/v2/blobs/sha256/{hexd[:2]}/{hexd}/data"
            assert member in names, member
            assert hashlib.sha256(tar.extractfile(member).read()).hexdigest() == hexd
assert doc["releases"][0]["name"] == "4.16.5-multi"
PY
echo "inspect: ok"
