#!/usr/bin/env bash
# zbundle-extract push of a damaged bundle into Debian's docker-registry on 127.0.0.1: cut at
# 30, 50 and 70 % of its size, or with a corrupt zstd frame, the push ends within seconds
# (it used to wait forever for the entry it had begun), exits 1 naming the entry or the cut,
# and tags no image whose blobs did not all arrive. Then rollback against the registry.
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
expect 1 "corrupt|digest mismatch|truncated|tar header" -- \
  timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push t.zb --to "$registry" --pubkey key.pub --insecure-http
tagged_complete || fail "after the push of a corrupt bundle"

# The whole bundle still lands afterwards, every tag complete.
expect 0 '' -- zbx push b.zb --to "$registry" --pubkey key.pub --insecure-http
tagged_complete

# Rollback: after a newer bundle, the older one is refused for this registry (only complete
# pushes count: the damaged ones above left no sequence), unless asked for.
sleep 1
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key --mirror "$registry" -o newer.zb
expect 0 '' -- zbx push newer.zb --to "$registry" --pubkey key.pub --insecure-http
expect 1 'b.zb: bundle [0-9a-f]{32} was created .* before bundle [0-9a-f]{32}' -- \
  zbx push b.zb --to "$registry" --pubkey key.pub --insecure-http
expect 0 '' -- zbx push b.zb --to "$registry" --pubkey key.pub --insecure-http --allow-rollback
echo "push_damaged: ok"
