#!/usr/bin/env bash
# push against a hostile bundle and a hostile network, with a stand-in registry on 127.0.0.1 that
# logs every raw byte it receives (tests/data/raw_registry.py):
#  - a signed repository name that would end the request line and smuggle a second request
#    (with the bastion's credentials), or climb out with dot segments: refused where the
#    manifest is read, naming the field, before anything is sent;
#  - a Location header with dot segments: refused by the HTTP client, nothing sent there;
#  - --insecure-http to a name that --resolve points at a non-loopback address: refused before
#    any connection, in a network namespace of the test's own (unshare -n).
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
tool=$TEST_DATA/bundle_tool.py
cd "$work"

zb keygen --out key >/dev/null
start_helper raw "$PYTHON" "$TEST_DATA/raw_registry.py" "$work/raw.log" "/v2/mirror/x/../../../admin/uploads/1"
registry=127.0.0.1:$helper_port
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror "$registry/mirror" -o b.zb
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$registry" "$(printf 'pusher:s3cret' | base64 -w0)" >auth.json
push() { zbx push "$1" --to "$registry/mirror" --pubkey key.pub --authfile auth.json --insecure-http; }
nothing_sent() {
  [ ! -s raw.log ] || fail "the registry received: $(head -c 600 raw.log | cat -v)"
}

# A repository name with CR LF and a second request in it.
cat >smuggle.py <<'PY'
manifest["repositories"][0]["name"] = "evil/x HTTP/1.1\r\nX-Injected: yes\r\n\r\nDELETE /v2/victim/manifests/latest"
PY
"$PYTHON" "$tool" b.zb t.zb edit key.key smuggle.py
expect 1 'manifest.json: repositories\[\]\.name: holds a control character: evil/x HTTP/1\.1\\x0d\\x0aX-Injected' -- push t.zb
nothing_sent
expect 1 'repositories\[\]\.name: holds a control character' -- zbx verify t.zb --pubkey key.pub
# Dot segments.
cat >climb.py <<'PY'
manifest["repositories"][0]["name"] = "../../../v2/other"
PY
"$PYTHON" "$tool" b.zb t.zb edit key.key climb.py
expect 1 'repositories\[\]\.name: not a repository name: \.\./\.\./\.\./v2/other' -- push t.zb
nothing_sent
# A tag that is no tag.
cat >tag.py <<'PY'
repository = manifest["repositories"][0]
repository["tags"]["a b\r\nX: y"] = next(iter(repository["tags"].values()))
PY
"$PYTHON" "$tool" b.zb t.zb edit key.key tag.py
expect 1 'tags: not a tag: a b\\x0d\\x0aX: y' -- push t.zb
nothing_sent

# The untouched bundle: the registry answers an upload with a Location that climbs out of /v2/.
expect 1 'refusing the request target "?/v2/mirror/x/\.\./\.\./\.\./admin/uploads/1' -- push b.zb
grep -aq 'GET /v2/ ' raw.log || fail "push did not reach the stand-in registry"
! grep -aq 'admin' raw.log || fail "a request went to the Location with dot segments: $(grep -a admin raw.log | head -3)"

# --insecure-http is decided on the address: in a namespace of our own, "localhost" resolved to
# a non-loopback address there is refused before any connection.
cat >netns.sh <<'NS'
set -euo pipefail
ip link set lo up
ip addr add 192.0.2.2/32 dev lo
"$PYTHON" "$TEST_DATA/raw_registry.py" "$work/ns.log" /v2/upload/1 192.0.2.2 5999 >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/192.0.2.2/5999) 2>/dev/null && break; sleep 0.05; done
: >"$work/ns.log" # the readiness probe above is not the client's
status=0
${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" push "$work/b.zb" --to localhost:5999/mirror --rewrite \
  --resolve localhost:192.0.2.2 --insecure-http --pubkey "$work/key.pub" \
  --authfile "$work/auth-ns.json" >"$work/ns.out" 2>"$work/ns.err" || status=$?
echo "$status" >"$work/ns.status"
NS
printf '{"auths": {"localhost:5999": {"auth": "%s"}}}\n' "$(printf 'pusher:s3cret' | base64 -w0)" >auth-ns.json
work=$work PYTHON=$PYTHON TEST_DATA=$TEST_DATA unshare -n bash netns.sh
[ "$(cat ns.status)" -ne 0 ] || fail "push over plain HTTP to 192.0.2.2 succeeded"
contains 'plain HTTP only to a loopback address, and localhost is at 192\.0\.2\.2' ns.err
[ ! -s ns.log ] || fail "the non-loopback server received: $(head -c 300 ns.log | cat -v)"
echo "push_hostile: ok"
