#!/usr/bin/env bash
# zbundle-extract push of a damaged bundle into Debian's docker-registry on 127.0.0.1: cut at
# 30, 50 and 70 % of its size, or with a corrupt zstd frame, the push ends within seconds
# (it used to wait forever for the entry it had begun), exits 1 naming the entry or the cut,
# and tags no image whose blobs did not all arrive, with one, two or four uploads at once (the
# big layers are uploaded beside the pass's own by the frame readers). Then rollback against
# the registry.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
cd "$work"

start_plain_registry
registry=127.0.0.1:$port
"$PYTHON" "$TEST_DATA/make_storage.py" big 8 8
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key --mirror "$registry" -o b.zb
size=$(stat -c %s b.zb)

# tagged_complete: every tag the registry has resolves to a manifest whose blobs it all holds.
tagged_complete() {
  "$PYTHON" - "$registry" <<'PY'
import json, sys, urllib.request
base = "http://" + sys.argv[1]
accept = "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json"
def get(path, head=False):
    request = urllib.request.Request(base + path, method="HEAD" if head else "GET", headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
for repository in ("big/app", "big/copy"):
    status, body = get(f"/v2/{repository}/tags/list")
    for tag in (json.loads(body).get("tags") or []) if status == 200 else []:
        _, manifest = get(f"/v2/{repository}/manifests/{tag}")
        manifest = json.loads(manifest)
        for blob in [manifest["config"]] + manifest["layers"]:
            status, _ = get(f"/v2/{repository}/blobs/{blob['digest']}", head=True)
            if status != 200:
                sys.exit(f"{repository}:{tag} is tagged but lacks {blob['digest']}")
PY
}

for percent in 30 50 70; do
  head -c $((size * percent / 100)) b.zb >t.zb
  expect 1 "t.zb: truncated|problems found|not pushed|missing" -- \
    timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push t.zb --to "$registry" --pubkey key.pub --insecure-http
  tagged_complete || fail "after the push cut at $percent %"
done

# A corrupt frame in the middle: a compressed block's bytes changed.
cp b.zb t.zb
"$PYTHON" - t.zb <<'PY'
import sys
with open(sys.argv[1], "r+b") as bundle:
    bundle.seek(0, 2)
    middle = bundle.tell() // 2
    bundle.seek(middle)
    chunk = bytearray(bundle.read(4096))
    for i in range(len(chunk)):
        chunk[i] ^= 0x5a
    bundle.seek(middle)
    bundle.write(chunk)
PY
for jobs in 1 2 4; do
  expect 1 "corrupt|digest mismatch|truncated|tar header" -- \
    timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push t.zb --to "$registry" --pubkey key.pub --insecure-http --jobs "$jobs"
  tagged_complete || fail "after the push of a corrupt bundle with --jobs $jobs"
done

# One layer's bytes changed where its stored frame holds them (the tar headers intact): the
# frame reader that uploads it beside the pass learns the digest is wrong; its upload is
# dropped, never committed, and the rest still lands.
layer=$(find big -path '*/blobs/*' -name data -size +1M | head -1)
layer_digest=sha256:$(basename "$(dirname "$layer")")
cp b.zb t.zb
"$PYTHON" - t.zb "$layer" <<'PY'
import sys
with open(sys.argv[2], "rb") as layer:
    start = layer.read(4096)
with open(sys.argv[1], "r+b") as bundle:
    data = bundle.read()
    at = data.find(start)
    assert at > 0 and data.find(start, at + 1) < 0, "the layer is not stored once, as is"
    bundle.seek(at + 3 * 2**20)
    bundle.write(bytes(b ^ 0x5a for b in data[at + 3 * 2**20:at + 3 * 2**20 + 64]))
PY
expect 1 "$layer_digest: its bytes do not match the bundle's manifest; the upload was dropped" -- \
  timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push t.zb --to "$registry/damaged" --rewrite --pubkey key.pub --insecure-http --jobs 4
status=$(curl -s -o /dev/null -w '%{http_code}' -I "http://$registry/v2/damaged/big/app/blobs/$layer_digest")
[ "$status" = 404 ] || fail "the damaged layer was committed (HTTP $status)"
grep -q 'not pushed: blob' "$work/err" || fail "no image was refused for the damaged layer: $(cat "$work/err")"

# The whole bundle still lands afterwards, every tag complete; with one and two uploads at a
# time as well (one worker is always kept for the pass: a frame reader's upload waits for the
# pass to confirm its digest).
expect 0 '' -- zbx push b.zb --to "$registry" --pubkey key.pub --insecure-http
tagged_complete
for jobs in 1 2; do
  expect 0 '' -- timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push b.zb --to "$registry/jobs$jobs" --rewrite \
    --pubkey key.pub --insecure-http --jobs "$jobs" --json
  "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["failures"] or (d["blobs"]["uploaded"], d["blobs"]["mounted"]) != (9, 2))' \
    "$work/out" || fail "--jobs $jobs did not upload 9 blobs and mount 2: $(cat "$work/out")"
done

# Rollback: after a newer bundle, the older one is refused for this registry (only complete
# pushes count: the damaged ones above left no sequence), unless asked for.
sleep 1
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key --mirror "$registry" -o newer.zb
expect 0 '' -- zbx push newer.zb --to "$registry" --pubkey key.pub --insecure-http
expect 1 'b.zb: bundle [0-9a-f]{32} was created .* before bundle [0-9a-f]{32}' -- \
  zbx push b.zb --to "$registry" --pubkey key.pub --insecure-http
expect 0 '' -- zbx push b.zb --to "$registry" --pubkey key.pub --insecure-http --allow-rollback
echo "push_damaged: ok"
