#!/usr/bin/env bash
# verify-digests on what a real registry stores: images built with umoci (an s390x and an amd64
# image, and a multi-arch index over both written here as JSON), pushed with skopeo into
# Debian's docker-registry (distribution) on 127.0.0.1, whose storage tree is what oc-mirror
# archives. Then tamper with that storage and check each problem is found.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
for tool in skopeo umoci; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/bootstrap.sh installs it)"
done
storage=$work/storage
mkdir -p "$storage"
start_plain_registry

# Two single-arch images with umoci, one layer each.
oci=$work/oci
umoci init --layout "$oci"
for arch in s390x amd64; do
  umoci new --image "$oci:$arch"
  umoci config --image "$oci:$arch" --architecture "$arch" --os linux
  mkdir -p "$work/payload-$arch"
  head -c 200000 /dev/urandom >"$work/payload-$arch/data"
  umoci insert --image "$oci:$arch" "$work/payload-$arch" /opt/payload
done
# An index over both, added to the layout under the name "multi".
"$PYTHON" - "$oci" <<'PY'
import hashlib, json, os, sys
oci = sys.argv[1]
layout = json.load(open(f"{oci}/index.json"))
by_ref = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in layout["manifests"]}
children = []
for arch in ("amd64", "s390x"):
    d = dict(by_ref[arch]); d.pop("annotations", None)
    d["platform"] = {"architecture": arch, "os": "linux"}
    children.append(d)
index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": children}).encode()
digest = hashlib.sha256(index).hexdigest()
open(f"{oci}/blobs/sha256/{digest}", "wb").write(index)
layout["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": f"sha256:{digest}",
                            "size": len(index), "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(layout, open(f"{oci}/index.json", "w"))
PY
push() { skopeo copy -q --all --dest-tls-verify=false "oci:$oci:$1" "docker://127.0.0.1:$port/zbundle/app:$2"; }
push s390x s390x
push amd64 amd64
push multi multi

# The OCI image layout umoci wrote is an input too (an amd64 image among them: platforms are
# checked further down).
expect 0 '' -- zb verify-digests --arch none "$oci"
contains '^[0-9]+ blobs .* 3 tags .* 0 problems$' "$work/out"
expect 0 '' -- zb inspect "$oci"
contains '^source: +OCI image layout, directory' "$work/out"
contains '^images: +3 \(3 tags\)$' "$work/out"

# What the registry stored verifies clean, and the platforms are what was pushed.
expect 0 '' -- zb verify-digests --arch none "$storage"
contains '^[0-9]+ blobs .* 3 tags .* 0 problems$' "$work/out"
expect 1 'problems found' -- zb verify-digests --arch s390x,amd64 --json "$storage"
"$PYTHON" - "$work/out" <<'PY'
import json, sys
problems = json.load(open(sys.argv[1]))["problems"]
got = sorted((p["kind"], p["path"], p["expected"]) for p in problems)
assert got == [("missing-arch", "zbundle/app:amd64", "s390x"), ("missing-arch", "zbundle/app:s390x", "amd64")], got
PY

blob_of() { # TAG: the storage path of the tag's manifest blob
  local digest; digest=$(cat "$storage/docker/registry/v2/repositories/zbundle/app/_manifests/tags/$1/current/link")
  echo "$storage/docker/registry/v2/blobs/sha256/${digest:7:2}/${digest:7}/data"
}
layer_of() { # TAG: the storage path of the tag's first layer
  local digest; digest=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' "$(blob_of "$1")")
  echo "$storage/docker/registry/v2/blobs/sha256/${digest:7:2}/${digest:7}/data"
}

# A flipped byte in a layer.
layer=$(layer_of s390x)
cp "$layer" "$work/layer.orig"
printf '\xff' | dd of="$layer" bs=1 seek=1000 conv=notrunc 2>/dev/null
expect 1 'problems found' -- zb verify-digests "$storage"
contains "^  digest-mismatch: $storage/docker/registry/v2/blobs/sha256/../[0-9a-f]{64}/data: expected sha256:" "$work/out"
cp "$work/layer.orig" "$layer"

# A deleted blob.
mv "$layer" "$work/layer.moved"
expect 1 'problems found' -- zb verify-digests "$storage"
contains '^  missing-blob: zbundle/app:(s390x|multi -> linux/s390x) layer: expected sha256:' "$work/out"
mv "$work/layer.moved" "$layer"

# A truncated manifest.
manifest=$(blob_of amd64)
cp "$manifest" "$work/manifest.orig"
truncate -s 20 "$manifest"
expect 1 'problems found' -- zb verify-digests "$storage"
contains '^  dangling-tag: zbundle/app:amd64: ' "$work/out"
cp "$work/manifest.orig" "$manifest"

# A tag pointing at nothing.
link=$storage/docker/registry/v2/repositories/zbundle/app/_manifests/tags/s390x/current/link
cp "$link" "$work/link.orig"
printf 'sha256:%064d' 0 >"$link"
expect 1 'problems found' -- zb verify-digests "$storage"
contains '^  dangling-tag: zbundle/app:s390x: expected sha256:0{64}, got no such blob$' "$work/out"
cp "$work/link.orig" "$link"

# The s390x child dropped from the index (pushed as a new tag).
"$PYTHON" - "$oci" <<'PY'
import hashlib, json, sys
oci = sys.argv[1]
layout = json.load(open(f"{oci}/index.json"))
multi = next(m for m in layout["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == "multi")
index = json.load(open(f"{oci}/blobs/sha256/{multi['digest'][7:]}"))
index["manifests"] = [m for m in index["manifests"] if m["platform"]["architecture"] != "s390x"]
data = json.dumps(index).encode()
digest = hashlib.sha256(data).hexdigest()
open(f"{oci}/blobs/sha256/{digest}", "wb").write(data)
layout["manifests"].append({"mediaType": index["mediaType"], "digest": f"sha256:{digest}", "size": len(data),
                            "annotations": {"org.opencontainers.image.ref.name": "no-s390x"}})
json.dump(layout, open(f"{oci}/index.json", "w"))
PY
push no-s390x no-s390x
expect 0 '' -- zb verify-digests --arch none "$storage"
expect 1 'problems found' -- zb verify-digests --arch s390x "$storage"
contains '^  missing-arch: zbundle/app:no-s390x: expected s390x, got amd64$' "$work/out"
echo "verify_digests_registry: ok"
