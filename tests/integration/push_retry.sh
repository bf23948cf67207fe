#!/usr/bin/env bash
# zbundle-extract push against a registry that fails: a proxy in front of docker-registry
# answers blob uploads with 503 a given number of times. Two failures: just those two blobs are
# read again (seeking through the index) and everything lands. Endless failures: bounded
# attempts, exit 1, each blob named, and no manifest reported as pushed whose blobs did not
# arrive; the same with big layers, uploaded beside the pass, failing after their bodies or
# in the middle of them. A blob that changed in the bundle file before its retry is caught
# when read again and never committed. A registry that lacks the organization (Quay) gets
# advice; plain HTTP goes to loopback only.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
cd "$work"

start_plain_registry
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key -o b.zb

# start_proxy FAILURES [MISSING [CORRUPT]]: the flaky proxy in front of the registry; sets proxy_port
start_proxy() {
  stop_helpers
  : >proxy.log
  start_helper proxy "$PYTHON" "$TEST_DATA/flaky_proxy.py" "$port" "$1" proxy.log "${2:-}" "${3:-}"
  proxy_port=$helper_port
}
summary() { "$PYTHON" -c "import json,sys; d=json.load(open('$1')); print($2)"; }

# a volume set, so reading a blob again seeks into a data volume
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --split 2K -o split.zb
start_proxy 2
expect 0 '' -- zbx push split.zb.001 --to "127.0.0.1:$proxy_port/retried" --insecure-http --pubkey key.pub --json
cp "$work/out" retried.json
[ "$(grep -c 'PATCH .* 503' proxy.log)" = 2 ] || fail "the proxy did not fail two uploads: $(cat proxy.log)"
[ "$(summary retried.json '(d["reread"]["blobs"], len(d["failures"]), d["blobs"]["uploaded"] + d["blobs"]["mounted"] == d["blobs"]["planned"])')" = "(2, 0, True)" ] \
  || fail "two failed uploads were not retried by reading those two blobs again: $(cat retried.json)"
[ "$(summary retried.json 'd["reread"]["bytes"] < d["bytes"]["planned"] / 2')" = True ] \
  || fail "the retry read more than the two blobs: $(cat retried.json)"

# a manifest request answered 500 once (a registry finishing an interrupted push) is tried again
export MANIFEST_FAILURES=1
start_proxy 0
unset MANIFEST_FAILURES
expect 0 '' -- zbx push b.zb --to "127.0.0.1:$proxy_port/manifest-retried" --insecure-http --pubkey key.pub --json
[ "$(grep -c '/manifests/.* 500' proxy.log)" = 1 ] || fail "the proxy did not fail one manifest request: $(cat proxy.log)"
[ "$(summary "$work/out" 'len(d["failures"])')" = 0 ] || fail "a 500 on a manifest was not retried: $(cat "$work/out")"

start_proxy 1000
expect 1 'UNAVAILABLE: try again' -- zbx push b.zb --to "127.0.0.1:$proxy_port/failing" --insecure-http --pubkey key.pub --attempts 2 --json
cp "$work/out" failing.json
[ "$(summary failing.json '(d["reread"]["blobs"] > 0, d["blobs"]["uploaded"], d["manifests"]["pushed"], d["tags"]["pushed"])')" = "(True, 0, 0, 0)" ] \
  || fail "a push whose uploads all failed reported something pushed: $(cat failing.json)"
[ "$(summary failing.json 'all("@sha256:" in f or ":" in f for f in d["failures"]) and len(d["failures"]) > 0')" = True ] \
  || fail "the failures do not name their images: $(cat failing.json)"
grep -q 'PUT /v2/failing/.*/manifests/' proxy.log && fail "a manifest was pushed without its blobs"

# Every first upload fails; as the first 503 goes out (the reader is past the bundle's first
# blob by then) the proxy flips a byte inside that blob's frame. Reading it again to retry
# finds the change: named, exit 1, never committed; the other blobs land.
zstd -qdc b.zb | tar -xO ZBUNDLE/manifest.json >manifest.json
zstd -qdc b.zb | tar -xO ZBUNDLE/index.json >index.json
read -r blob_count victim_digest victim_offset < <("$PYTHON" - <<'PY'
import json
manifest, index = json.load(open("manifest.json")), json.load(open("index.json"))
blobs = {b for r in manifest["repositories"] for b in r["blobs"]}
frames = index["frames"]
for i, frame in enumerate(frames):
    path = frame["path"]
    digest = "sha256:" + path.split("/")[-2] if path.endswith("/data") else ""
    if digest in blobs:
        middle = (frame["offset"] + frames[i + 1]["offset"]) // 2
        print(len(blobs), digest, middle)
        break
PY
)
[ -n "$victim_offset" ] || fail "no blob frame found in the index"
cp b.zb changing.zb
start_proxy "$blob_count" '' "changing.zb:$victim_offset"
expect 1 "${victim_digest#sha256:}/data: read again: " -- zbx push changing.zb --to "127.0.0.1:$proxy_port/changing" --insecure-http --pubkey key.pub --json
[ "$(summary "$work/out" '(d["reread"]["blobs"], d["blobs"]["uploaded"])')" = "($blob_count, $((blob_count - 1)))" ] \
  || fail "the changed blob was retried more than once, or the others did not land: $(cat "$work/out")"
contains "not retried: its bytes in the bundle no longer match" "$work/err"
grep -q "PUT /v2/changing/.*/blobs/uploads/.* 201" proxy.log || fail "no blob landed on the retry: $(cat proxy.log)"
curl -sf -o /dev/null -I "http://127.0.0.1:$port/v2/changing/$(summary manifest.json 'next(r["name"] for r in d["repositories"] if "'"$victim_digest"'" in r["blobs"])')/blobs/$victim_digest" \
  && fail "the blob that changed before its retry was committed"

# Big layers, which the frame readers upload beside the pass (--jobs 4): the registry fails
# the first three layer uploads, after reading each body and, with EARLY_FAILURE, before (503
# and the connection closed while push is still sending). Those layers are read again and
# land. Then every layer upload fails mid-body: the push ends (no worker waits for bytes that
# never come, no frame reader for a worker), exits 1 naming the layers with the registry's own
# answer (it used to be "broken pipe"), and pushes no manifest.
"$PYTHON" "$TEST_DATA/make_storage.py" big 6 8
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key --mirror "127.0.0.1:$port" -o big.zb
export FAIL_MIN_BYTES=$((4 << 20))
for early in 0 1; do
  export EARLY_FAILURE=$early
  start_proxy 3
  expect 0 '' -- timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push big.zb --to "127.0.0.1:$proxy_port/big$early" \
    --rewrite --pubkey key.pub --insecure-http --jobs 4 --json
  [ "$(grep -c 'PATCH .* 503' proxy.log)" = 3 ] || fail "the proxy did not fail three layer uploads: $(cat proxy.log)"
  [ "$(summary "$work/out" '(d["reread"]["blobs"], len(d["failures"]), d["blobs"]["uploaded"] + d["blobs"]["mounted"] == d["blobs"]["planned"])')" = "(3, 0, True)" ] \
    || fail "three failed layer uploads (early=$early) were not read again and landed: $(cat "$work/out")"
done
start_proxy 1000
expect 1 'UNAVAILABLE: try again' -- timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push big.zb \
  --to "127.0.0.1:$proxy_port/bigfailing" --rewrite --pubkey key.pub --insecure-http --jobs 4 --attempts 2 --json
# (the one upload that lands is the config all the images share: it is under FAIL_MIN_BYTES)
[ "$(summary "$work/out" '(d["blobs"]["uploaded"], d["manifests"]["pushed"], d["tags"]["pushed"], len(d["failures"]) >= 6)')" = "(1, 0, 0, True)" ] \
  || fail "a push whose layer uploads all failed reported images pushed: $(cat "$work/out")"
grep -q 'PUT /v2/bigfailing/.*/manifests/' proxy.log && fail "a manifest was pushed without its layer"
grep -q 'sending the body failed' "$work/err" && fail "the registry's answer to a refused upload was not read: $(cat "$work/err")"
# a registry that claims the upload went well before it read the body is not believed
export EARLY_STATUS=202
start_proxy 1000
expect 1 'the blob upload failed' -- timeout 60 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push big.zb \
  --to "127.0.0.1:$proxy_port/bigclaimed" --rewrite --pubkey key.pub --insecure-http --jobs 4 --json
[ "$(summary "$work/out" '(d["blobs"]["uploaded"], d["manifests"]["pushed"])')" = "(1, 0)" ] \
  || fail "an upload answered 202 before its body was read counted as uploaded: $(cat "$work/out")"
unset EARLY_STATUS FAIL_MIN_BYTES EARLY_FAILURE

# a registry without the organization (Quay) says so, and what to do; nothing is retried
start_proxy 0 noorg
expect 1 'NAME_UNKNOWN.*Quay needs the organization to exist' -- zbx push b.zb --to "127.0.0.1:$proxy_port/noorg" --insecure-http --pubkey key.pub
grep -q 'PUT /v2/noorg/' proxy.log && fail "something was pushed into a missing organization"
# plain HTTP only to a loopback registry
expect 2 'insecure-http: only for a registry on 127.0.0.1' -- zbx push b.zb --to mirror.example:5000 --insecure-http --pubkey key.pub
true
