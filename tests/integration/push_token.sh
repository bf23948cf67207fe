#!/usr/bin/env bash
# zbundle-extract push into a registry that wants bearer tokens, as Quay and Harbor do:
# docker-registry with `auth: token`, and a token service on 127.0.0.1 over TLS that checks the
# credentials and signs JWTs. Every tag lands with the bundle's digest (read from the registry's
# storage); tokens were asked per repository with push rights; a wrong password is refused by
# the token service, exit 1, nothing pushed.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
cd "$work"

"$TEST_DATA/make-pki.sh" pki >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.pem -subj /CN=zbundle-token \
  -days 1 2>/dev/null
start_helper token-service "$PYTHON" "$TEST_DATA/token_server.py" pki/leaf-chain.pem pki/leaf.key \
  token.key token.pem zbundle-issuer zbundle-registry 'pusher:s3cret' token.log
token_port=$helper_port

start_tls_registry "$work/storage" '' "auth:
  token:
    realm: https://127.0.0.1:$token_port/token
    service: zbundle-registry
    issuer: zbundle-issuer
    rootcertbundle: $work/token.pem"
registry=127.0.0.1:$port
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --ca pki/root.pem -o b.zb
auth_file() { printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$registry" "$(printf '%s' "$1" | base64 -w0)" >"$2"; }
auth_file 'pusher:s3cret' auth.json
auth_file 'pusher:wrong' wrong.json

expect 1 'token service refused a token.*credentials were refused' -- zbx push b.zb --to "$registry/m" --pubkey key.pub --authfile wrong.json
[ ! -d storage/docker/registry/v2/repositories ] || fail "a push with a wrong password stored something"

expect 0 '' -- zbx push b.zb --to "$registry/m" --pubkey key.pub --authfile auth.json
contains ' 0 failed$' "$work/out"
zstd -dc b.zb | tar -xOf - ZBUNDLE/manifest.json | "$PYTHON" -c '
import json, sys
for repo in json.load(sys.stdin)["repositories"]:
    for tag, digest in repo["tags"].items():
        print(repo["name"], tag, digest)' >tags
[ -s tags ] || fail "the bundle lists no tags"
while read -r name tag digest; do
  link=storage/docker/registry/v2/repositories/m/$name/_manifests/tags/$tag/current/link
  [ "$(cat "$link" 2>/dev/null)" = "$digest" ] || fail "m/$name:$tag is not $digest in the registry"
done <tags
grep -q '^200 repository:m/openshift/release-images:pull,push' token.log \
  || fail "no token with push rights was asked for the release repository: $(cat token.log)"
# a second run: every manifest is there already, under tokens again
expect 0 '' -- zbx push b.zb --to "$registry/m" --pubkey key.pub --authfile auth.json
contains ': 0 manifests pushed, [0-9]+ present; 0 tags pushed.* blobs 0 uploaded' "$work/out"
