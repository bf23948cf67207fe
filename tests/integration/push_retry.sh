#!/usr/bin/env bash
# zbundle-extract push against a registry that fails: a proxy in front of docker-registry
# answers blob uploads with 503 a given number of times. Two failures: the blobs are retried by
# another read of the bundle and everything lands. Endless failures: bounded attempts, exit 1,
# each blob named, and no manifest reported as pushed whose blobs did not arrive. A registry
# that lacks the organization (Quay) gets advice; plain HTTP goes to loopback only.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
cd "$work"

proxy_pid=
stop_all() {
  [ -n "$proxy_pid" ] && { kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; }
  stop_registry
}
trap stop_all EXIT

cat >config.yml <<YAML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $work/storage}
http: {addr: "127.0.0.1:@PORT@", secret: zbundle-test}
YAML
start_registry config.yml
zb keygen --out key >/dev/null
expect 0 '' -- zb create "$SAMPLE/v2" --sign-key key.key -o b.zb

# start_proxy FAILURES [MISSING]: the flaky proxy in front of the registry; sets proxy_port
start_proxy() {
  [ -n "$proxy_pid" ] && { kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; }
  : >proxy.log
  "$PYTHON" "$TEST_DATA/flaky_proxy.py" "$port" "$1" proxy.log "${2:-}" >proxy.port &
  proxy_pid=$!
  for _ in $(seq 100); do [ -s proxy.port ] && break; sleep 0.05; done
  proxy_port=$(cat proxy.port)
  [ -n "$proxy_port" ] || fail "the proxy did not start"
}
summary() { "$PYTHON" -c "import json,sys; d=json.load(open('$1')); print($2)"; }

start_proxy 2
expect 0 '' -- zbx push b.zb --to "127.0.0.1:$proxy_port/retried" --insecure-http --pubkey key.pub --json
cp "$work/out" retried.json
[ "$(grep -c 'PATCH .* 503' proxy.log)" = 2 ] || fail "the proxy did not fail two uploads: $(cat proxy.log)"
[ "$(summary retried.json '(d["reads"], len(d["failures"]), d["blobs"]["uploaded"] == d["blobs"]["planned"])')" = "(2, 0, True)" ] \
  || fail "two failed uploads were not retried by a second read: $(cat retried.json)"

start_proxy 1000
expect 1 'UNAVAILABLE: try again' -- zbx push b.zb --to "127.0.0.1:$proxy_port/failing" --insecure-http --pubkey key.pub --attempts 2 --json
cp "$work/out" failing.json
[ "$(summary failing.json '(d["reads"], d["blobs"]["uploaded"], d["manifests"]["pushed"], d["tags"]["pushed"])')" = "(2, 0, 0, 0)" ] \
  || fail "a push whose uploads all failed reported something pushed: $(cat failing.json)"
[ "$(summary failing.json 'all("@sha256:" in f or ":" in f for f in d["failures"]) and len(d["failures"]) > 0')" = True ] \
  || fail "the failures do not name their images: $(cat failing.json)"
grep -q 'PUT /v2/failing/.*/manifests/' proxy.log && fail "a manifest was pushed without its blobs"

# a registry without the organization (Quay) says so, and what to do; nothing is retried
start_proxy 0 noorg
expect 1 'NAME_UNKNOWN.*Quay needs the organization to exist' -- zbx push b.zb --to "127.0.0.1:$proxy_port/noorg" --insecure-http --pubkey key.pub
grep -q 'PUT /v2/noorg/' proxy.log && fail "something was pushed into a missing organization"
# plain HTTP only to a loopback registry
expect 2 'insecure-http: only for a registry on 127.0.0.1' -- zbx push b.zb --to mirror.example:5000 --insecure-http --pubkey key.pub
true
