#!/usr/bin/env bash
# zbundle-extract receipt against Debian's docker-registry on 127.0.0.1 (TLS from an
# OpenSSL-made CA, htpasswd auth): after a push, the receipt lists every tag of the bundle with
# its digest, every blob the bundle carried as confirmed by the registry, and the bundle
# pushed; OpenSSL verifies its signature with the bastion's public key. A blob removed from
# the registry's storage moves to missingBlobs; an empty namespace lists nothing; a wrong CA,
# wrong credentials or a wrong passphrase leave no receipt.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
command -v htpasswd >/dev/null || fail "htpasswd is not installed (scripts/bootstrap.sh installs apache2-utils)"
cd "$work"

htpasswd -Bbn pusher 's3cret pass' >htpasswd
start_tls_registry "$work/storage" '' "auth: {htpasswd: {realm: zbundle-test, path: $work/htpasswd}}"
registry=127.0.0.1:$port
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror "$registry/mirror" --ca pki/root.pem -o b.zb
auth_file() { printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$registry" "$(printf '%s' "$1" | base64 -w0)" >"$2"; }
auth_file 'pusher:s3cret pass' auth.json
auth_file 'pusher:wrong' wrong-auth.json
expect 0 '' -- zbx push b.zb --to "$registry/mirror" --pubkey key.pub --authfile auth.json

# the bastion's own key, passphrase-protected
printf 'bastion pass\n' >pass
printf 'not it\n' >wrong-pass
zb keygen --out bastion --passphrase-file pass >/dev/null
take() { zbx receipt --to "$registry/$1" --sign-key bastion.key --passphrase-file pass --ca pki/root.pem --authfile auth.json -o "$2" "${@:3}"; }

# refused, and nothing written
expect 2 'bastion.key' -- zbx receipt --to "$registry/mirror" --sign-key bastion.key --passphrase-file wrong-pass --ca pki/root.pem --authfile auth.json -o r.json
"$TEST_DATA/make-pki.sh" other-pki >/dev/null
expect 1 'not trusted' -- zbx receipt --to "$registry/mirror" --sign-key bastion.key --passphrase-file pass --ca other-pki/root.pem --authfile auth.json -o r.json
expect 1 'credentials were refused' -- zbx receipt --to "$registry/mirror" --sign-key bastion.key --passphrase-file pass --ca pki/root.pem --authfile wrong-auth.json -o r.json
expect 2 'required' -- zbx receipt --to "$registry/mirror" --sign-key bastion.key
[ ! -e r.json ] || fail "a refused receipt was written"

expect 0 '' -- take mirror receipt.json
contains 'receipt of 127.0.0.1:[0-9]+/mirror: [1-9][0-9]* repositories.*1 bundles recorded' out

# onto a small file system (a tmpfs in a mount namespace of the test's own): refused before
# writing, naming the bound; with --no-space-check the full disk fails clean; nothing left
mkdir small
cat >inner.sh <<'SH'
set -euo pipefail
mount -t tmpfs -o size=8k zbundle-test small
for mode in checked filled; do
  status=0
  take mirror small/r.json $([ "$mode" = filled ] && echo --no-space-check) >"$mode.out" 2>"$mode.err" || status=$?
  echo "$status" >"$mode.status"
  ls -A small >"$mode.left"
done
SH
(export -f take zbx; export registry; unshare -m bash inner.sh)
for mode in checked filled; do
  [ "$(cat $mode.status)" = 2 ] || fail "receipt onto a full disk ($mode) exited $(cat $mode.status): $(cat $mode.err)"
  [ ! -s $mode.left ] || fail "receipt ($mode) left files on the small file system: $(cat $mode.left)"
done
contains 'small: [0-9]+ bytes free, the receipt needs up to [0-9]+' checked.err
contains 'small/r.json: .*No space left on device' filled.err

# the signature, checked by OpenSSL with the bastion's public key over the body's bytes
body_field() { "$PYTHON" -c "import json,sys; print(json.load(open('receipt.json'))['$1'])"; }
body_field body | base64 -d >body.json
body_field signature | base64 -d >body.sig
[ "$(body_field mediaType)" = application/vnd.zbundle.receipt.v1+json ] || fail "receipt media type"
[ "$(body_field keyId)" = "$(openssl pkey -pubin -in bastion.pub -outform DER | sha256sum | cut -c1-64)" ] \
  || fail "the receipt names another key than the bastion's"
openssl pkeyutl -verify -pubin -inkey bastion.pub -rawin -in body.json -sigfile body.sig >verify.out 2>&1 \
  || fail "OpenSSL does not verify the receipt's signature: $(cat verify.out)"
printf 'x' >>body.json
openssl pkeyutl -verify -pubin -inkey bastion.pub -rawin -in body.json -sigfile body.sig >/dev/null 2>&1 \
  && fail "an altered body verifies"
body_field body | base64 -d >body.json

# what the bundle pushed is what the receipt confirms: every tag with its digest, every blob
zstd -dc b.zb | tar -xOf - ZBUNDLE/manifest.json >manifest.json
"$PYTHON" - <<'PY' || fail "the receipt does not match the push"
import json, sys
bundle = json.load(open("manifest.json"))
body = json.load(open("body.json"))
assert body["mediaType"] == "application/vnd.zbundle.receipt.body.v1+json", body["mediaType"]
assert body["namespace"] == "mirror", body["namespace"]
assert [b["id"] for b in body["bundles"]] == [bundle["bundle_id"]], body["bundles"]
held = {r["name"]: r for r in body["repositories"]}
carried, confirmed = set(), set()
for repo in bundle["repositories"]:
    got = held.get(repo["name"])
    assert got is not None, "repository missing: " + repo["name"]
    for tag, digest in repo["tags"].items():
        assert got["tags"].get(tag) == digest, (repo["name"], tag, digest, got["tags"].get(tag))
    for digest in repo["manifests"]:
        assert digest in got["manifests"], (repo["name"], digest)
    carried |= set(repo["blobs"])
for repo in body["repositories"]:
    for digest, manifest in repo["manifests"].items():
        assert not manifest["missingBlobs"], (repo["name"], digest, manifest["missingBlobs"])
        confirmed |= set(manifest["blobs"])
assert carried and carried <= confirmed, sorted(carried - confirmed)[:3]
print(len(body["repositories"]), "repositories,", len(confirmed), "blobs")
PY

# day 2: the next bundle from the receipt leaves out every blob and manifest it confirms
create_delta() { zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --ca pki/root.pem "$@"; }
expect 2 'needs --receipt-key' -- create_delta --mirror "$registry/mirror" --receipt receipt.json -o d.zb
expect 2 "it is of $registry/mirror; give --mirror $registry/mirror" -- create_delta --mirror "$registry/other" --receipt receipt.json --receipt-key bastion.pub -o d.zb
expect 1 'receipt.json: the signature does not verify with key' -- create_delta --mirror "$registry/mirror" --receipt receipt.json --receipt-key key.pub -o d.zb
"$PYTHON" - <<'PY'
import base64, json
document = json.load(open("receipt.json"))
body = base64.b64decode(document["body"]).replace(b'"namespace": "mirror"', b'"namespace": "mirrox"')
document["body"] = base64.b64encode(body).decode()
json.dump(document, open("edited.json", "w"))
PY
expect 1 'edited.json: the signature does not verify' -- create_delta --mirror "$registry/mirror" --receipt edited.json --receipt-key bastion.pub -o d.zb
[ ! -e d.zb ] || fail "a refused create wrote a bundle"
expect 0 '' -- create_delta --mirror "$registry/mirror" --receipt receipt.json --receipt-key bastion.pub -o d.zb
validate d.zb
"$PYTHON" -c 'import json,sys; r=json.load(open("manifest.json"))["receipt"]; print(r["id"], r["key_id"])' >recorded
members d.zb
grep -q '^registry/docker/registry/v2/blobs/' "$work/members" && fail "the receipt's delta carries blobs the registry confirmed: $(grep -c '^registry/docker/registry/v2/blobs/' "$work/members")"
members b.zb
contains '^registry/docker/registry/v2/blobs/' "$work/members"
echo "full bundle $(stat -c %s b.zb) bytes, delta from the receipt $(stat -c %s d.zb) bytes"
receipt_id="sha256:$(sha256sum <body.json | cut -c1-64)"
[ "$(cat recorded)" = "$receipt_id $(body_field keyId)" ] || fail "the manifest records $(cat recorded), not the receipt"
expect 0 '' -- zbx inspect d.zb --pubkey key.pub
contains "receipt: +$receipt_id \(bastion key $(body_field keyId)\)" out
# pushed where the receipt was taken: nothing to upload, every tag in place
expect 0 '' -- zbx push d.zb --to "$registry/mirror" --pubkey key.pub --authfile auth.json --json
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["blobs"]["uploaded"] == 0 and not d["failures"] else 1)' out \
  || fail "the receipt's delta did not push clean: $(cat out)"
# pushed where the receipt was not taken: refused before anything is sent, naming the receipt
expect 1 "push to $registry/fresh: [0-9]+ manifests left out for receipt $receipt_id are not in the registry, the first fresh/[^ ]+@sha256:[0-9a-f]{64}: take a new receipt and make the bundle from it; nothing was sent" \
  -- zbx push d.zb --to "$registry/fresh" --rewrite --pubkey key.pub --authfile auth.json
[ ! -e storage/docker/registry/v2/repositories/fresh ] || fail "a refused delta push wrote into the registry"

# a namespace the registry has nothing below
expect 0 '' -- take elsewhere empty.json
contains 'receipt of 127.0.0.1:[0-9]+/elsewhere: 0 repositories, 0 manifests, 0 blobs' out

# a blob gone from the registry's storage is reported missing, not confirmed
blob=$("$PYTHON" -c '
import json
body = json.load(open("body.json"))
print(next(m["blobs"][-1] for r in body["repositories"] for m in r["manifests"].values() if m["blobs"]))')
rm -r "storage/docker/registry/v2/blobs/sha256/${blob:7:2}/${blob#sha256:}"
expect 0 '' -- take mirror after.json
"$PYTHON" - "$blob" <<'PY' || fail "the removed blob is not reported missing"
import base64, json, sys
body = json.loads(base64.b64decode(json.load(open("after.json"))["body"]))
missing = {d for r in body["repositories"] for m in r["manifests"].values() for d in m["missingBlobs"]}
held = {d for r in body["repositories"] for m in r["manifests"].values() for d in m["blobs"]}
assert sys.argv[1] in missing and sys.argv[1] not in held, sys.argv[1]
PY
# the receipt's delta, pushed now, is refused before anything is sent: the blob it promised is gone
expect 1 "push to $registry/mirror: 1 blobs left out for receipt $receipt_id are not in the registry, the first [^ ]+@$blob: take a new receipt" \
  -- zbx push d.zb --to "$registry/mirror" --pubkey key.pub --authfile auth.json

# a hostile registry's listings: a name outside the grammar, a next page elsewhere, pages
# that never end, tags of a name outside the grammar; each refused, nothing written
cat >hostile.py <<'PY'
import http.server, json, sys
ANSWERS = {
    "badname": {"/v2/_catalog": ({"repositories": ["mirror/../../etc"]}, None)},
    "elsewhere": {"/v2/_catalog": ({"repositories": ["mirror/a"]}, "</v2/other/tags/list?n=1>; rel=\"next\"")},
    "endless": {"/v2/_catalog": ({"repositories": []}, "</v2/_catalog?last=a&n=1000>; rel=\"next\""),
                "/v2/_catalog?last=a&n=1000": ({"repositories": []}, "</v2/_catalog?n=1000>; rel=\"next\"")},
    "badtag": {"/v2/_catalog": ({"repositories": ["mirror/a"]}, None),
               "/v2/mirror/a/tags/list": ({"name": "mirror/a", "tags": ["x y"]}, None)},
}
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        answers = ANSWERS[sys.argv[1]]
        path = self.path if self.path in answers else self.path.split("?")[0]
        body, link = answers.get(path, ({}, None)) if self.path != "/v2/" else ({}, None)
        data = json.dumps(body).encode()
        self.send_response(200 if self.path == "/v2/" or path in answers else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        if link:
            self.send_header("link", link)
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
for case in 'badname:not a valid name: "mirror/../../etc"' 'elsewhere:the next page is elsewhere: /v2/other/tags/list' \
    'endless:the catalog: the pages do not end' 'badtag:mirror/a tags: not a valid name: "x y"'; do
  start_helper hostile "$PYTHON" hostile.py "${case%%:*}"
  expect 1 "${case#*:}" -- zbx receipt --to "127.0.0.1:$helper_port/mirror" --insecure-http --sign-key bastion.key --passphrase-file pass -o hostile.json
  [ ! -e hostile.json ] || fail "a receipt was written from a hostile registry (${case%%:*})"
  stop_helpers
done
echo "receipt: ok"
