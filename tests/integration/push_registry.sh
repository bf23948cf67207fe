#!/usr/bin/env bash
# zbundle-extract push into Debian's docker-registry on 127.0.0.1, over TLS (a certificate from
# an OpenSSL-made CA) with htpasswd basic auth: every tag lands with the bundle's digest, skopeo
# copies an image out and resolves the original source names through the image content
# sources; a second push sends nothing; a wrong CA, a wrong password, a registry that is down,
# a --to the bundle was not made for and a damaged blob fail clearly with nothing reported as
# pushed that was not.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
command -v skopeo >/dev/null || fail "skopeo is not installed (scripts/bootstrap.sh installs it)"
command -v htpasswd >/dev/null || fail "htpasswd is not installed (scripts/bootstrap.sh installs apache2-utils)"
cd "$work"

htpasswd -Bbn pusher 's3cret pass' >htpasswd
start_tls_registry "$work/storage" '' "auth: {htpasswd: {realm: zbundle-test, path: $work/htpasswd}}"
registry=127.0.0.1:$port
"$TEST_DATA/make-pki.sh" other-pki >/dev/null
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror "$registry/mirror" --ca pki/root.pem -o b.zb

auth_file() { printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$registry" "$(printf '%s' "$1" | base64 -w0)" >"$2"; }
auth_file 'pusher:s3cret pass' auth.json
auth_file 'pusher:wrong' wrong-auth.json

# refused before anything is sent
expect 1 'credentials were refused' -- zbx push b.zb --to "$registry/mirror" --pubkey key.pub --authfile wrong-auth.json
expect 1 'not trusted' -- zbx push b.zb --to "$registry/mirror" --pubkey key.pub --authfile auth.json --ca other-pki/root.pem
expect 1 'cannot connect' -- zbx push b.zb --to "127.0.0.1:$(free_port)/mirror" --rewrite --pubkey key.pub --authfile auth.json
expect 2 'rendered for 127.0.0.1:[0-9]+/mirror.*--rewrite' -- zbx push b.zb --to "$registry/elsewhere" --pubkey key.pub --authfile auth.json
[ ! -d storage/docker/registry/v2/blobs ] || fail "a refused push stored blobs"

# the push: the CA comes from the bundle, the credentials from the auth file
expect 0 '' -- zbx push b.zb --to "$registry/mirror" --pubkey key.pub --authfile auth.json --json
summary() { "$PYTHON" -c "import json,sys; d=json.load(open('$1')); print($2)"; }
cp "$work/out" first.json
[ "$(summary first.json 'len(d["failures"])')" = 0 ] || fail "the push reported failures: $(cat first.json)"
[ "$(summary first.json 'd["blobs"]["uploaded"] > 0 and d["manifests"]["pushed"] > 0')" = True ] \
  || fail "nothing was uploaded: $(cat first.json)"
grep -q 's3cret' first.json && fail "the password was printed"

# every tag of every repository is there, with the bundle's digest
zstd -dc b.zb | tar -xOf - ZBUNDLE/manifest.json >manifest.json
"$PYTHON" -c '
import json
for repo in json.load(open("manifest.json"))["repositories"]:
    for tag, digest in repo["tags"].items():
        print(repo["name"], tag, digest)' >tags
[ -s tags ] || fail "the bundle lists no tags"
while read -r name tag digest; do
  skopeo inspect --raw --cert-dir pki-certs --creds 'pusher:s3cret pass' "docker://$registry/mirror/$name:$tag" >raw 2>err \
    || fail "$name:$tag is not in the registry: $(cat err)"
  [ "sha256:$(sha256sum <raw | cut -c1-64)" = "$digest" ] || fail "$name:$tag has other bytes than the bundle"
done < <(mkdir -p pki-certs && cp pki/root.pem pki-certs/ca.crt && cat tags)
# an image copied out whole (every blob fetched and checked by skopeo)
read -r name tag _ < <(grep -m1 release-images tags || head -1 tags)
skopeo copy --quiet --src-cert-dir pki-certs --src-creds 'pusher:s3cret pass' \
  "docker://$registry/mirror/$name:$tag" "oci:copied:$tag" 2>err || fail "skopeo copy failed: $(cat err)"
# the original name resolves through the image content sources rendered for this registry
mkdir -p root/etc/pki/ca-trust/source/anchors
expect 0 '' -- zbx apply b.zb --pubkey key.pub --root root --authfile root-auth.json
release_digest=$(zb inspect b.zb --pubkey key.pub --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["releases"][0]["digest"])')
skopeo --registries-conf "root/etc/containers/registries.conf.d/50-zbundle-127.0.0.1-$port.conf" inspect --raw \
  --cert-dir "root/etc/containers/certs.d/$registry" --authfile auth.json \
  "docker://quay.io/openshift-release-dev/ocp-release@$release_digest" >raw 2>err \
  || fail "the release's source name does not resolve through the mirror: $(cat err)"

# a second push finds everything there and sends no blob
expect 0 '' -- zbx push b.zb --to "$registry/mirror" --pubkey key.pub --authfile auth.json --json
cp "$work/out" second.json
[ "$(summary second.json '(d["blobs"]["uploaded"], d["manifests"]["pushed"], d["tags"]["pushed"])')" = "(0, 0, 0)" ] \
  || fail "a second push sent something again: $(cat second.json)"

# a registry that limits path depth (oc-mirror's --max-nested-paths 2): every repository below
# flat/ is one component, pushed there and named so in the rendered mirror sets, which resolve
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror "$registry/flat" --max-nested-paths 2 --ca pki/root.pem -o flat.zb
expect 0 '' -- zbx push flat.zb --to "$registry/flat" --pubkey key.pub --authfile auth.json --json
[ "$(summary "$work/out" 'len(d["failures"])')" = 0 ] || fail "the limited push failed: $(cat "$work/out")"
curl -s --cacert pki/root.pem -u 'pusher:s3cret pass' "https://$registry/v2/_catalog" >catalog.json
"$PYTHON" -c '
import json, sys
names = json.load(open("catalog.json"))["repositories"]
flat = [n for n in names if n.startswith("flat/")]
deep = [n for n in flat if n.count("/") > 1]
assert flat and not deep, names
assert "flat/openshift-release-images" in flat, flat' || fail "the limited push made other repositories: $(cat catalog.json)"
rm -rf flat-root && mkdir -p flat-root/etc/pki/ca-trust/source/anchors
expect 0 '' -- zbx apply flat.zb --pubkey key.pub --root flat-root --authfile flat-auth.json --state-dir flat-state
grep -q "location = \"$registry/flat/openshift-release-images\"" "flat-root/etc/containers/registries.conf.d/50-zbundle-127.0.0.1-$port.conf" \
  || fail "registries.conf does not name the limited path: $(cat "flat-root/etc/containers/registries.conf.d/50-zbundle-127.0.0.1-$port.conf")"
skopeo --registries-conf "flat-root/etc/containers/registries.conf.d/50-zbundle-127.0.0.1-$port.conf" inspect --raw \
  --cert-dir "flat-root/etc/containers/certs.d/$registry" --authfile auth.json \
  "docker://quay.io/openshift-release-dev/ocp-release@$release_digest" >raw 2>err \
  || fail "the release's source name does not resolve through the limited mirror: $(cat err)"

# by name, as a bastion names its registry: the certificate is checked for mirror.test, the
# credentials are looked up under mirror.test:PORT, and --resolve gives the address (a static
# binary cannot count on NSS); the images are all there already
named=mirror.test:$port
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$named" "$(printf '%s' 'pusher:s3cret pass' | base64 -w0)" >named-auth.json
expect 0 '' -- zbx push b.zb --to "$named/mirror" --rewrite --resolve mirror.test:127.0.0.1 --pubkey key.pub --authfile named-auth.json --json
[ "$(summary "$work/out" '(d["blobs"]["uploaded"], d["manifests"]["present"] > 0, d["failures"])')" = "(0, True, [])" ] \
  || fail "the push by name did not find the images: $(cat "$work/out")"
expect 1 'mirror.test:[0-9]+: the registry asks for credentials and the auth file has none for it' -- zbx push b.zb --to "$named/mirror" --rewrite --resolve mirror.test:127.0.0.1 --pubkey key.pub --authfile auth.json
expect 1 'cannot resolve nowhere.invalid: not in /etc/hosts, and DNS says: .*; give the address with --resolve nowhere.invalid:ADDRESS' -- zbx push b.zb --to nowhere.invalid:5000/mirror --rewrite --pubkey key.pub --authfile auth.json

# interrupted (kill -9 once two layers are in), then run again: only the rest is sent
"$PYTHON" "$TEST_DATA/make_storage.py" big 24 8
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key -o big.zb
layers() { find storage/docker/registry/v2/blobs -name data -size +1M 2>/dev/null | wc -l; }
zbx push big.zb --to "$registry/big" --pubkey key.pub --authfile auth.json --ca pki/root.pem >/dev/null 2>&1 &
push_pid=$!
for _ in $(seq 1000); do [ "$(layers)" -ge 2 ] && break; sleep 0.01; done
kill -9 "$push_pid" 2>/dev/null || fail "the push ended before it could be interrupted"
wait "$push_pid" 2>/dev/null || true
landed=$(layers)
[ "$landed" -lt 24 ] || fail "the interrupted push had sent everything"
expect 0 '' -- zbx push big.zb --to "$registry/big" --pubkey key.pub --authfile auth.json --ca pki/root.pem --json
cp "$work/out" resumed.json
[ "$(summary resumed.json 'd["blobs"]["present"] >= '"$landed"' and sum(d["blobs"][k] for k in ("uploaded", "present", "mounted")) == d["blobs"]["planned"] == 27')" = True ] \
  || fail "the resumed push did not skip the $landed layers already sent: $(cat resumed.json)"
[ "$(summary resumed.json 'd["bytes"]["uploaded"] <= (24 - '"$landed"') * 8 * 2**20 + 4096')" = True ] \
  || fail "the resumed push sent more bytes than were missing: $(cat resumed.json)"
[ "$(layers)" = 24 ] || fail "after the resumed push $(layers) of 24 layers are in the registry"
# into a fresh namespace: each blob goes up once, big/copy mounts the two it shares with big/app
expect 0 '' -- zbx push big.zb --to "$registry/big2" --rewrite --pubkey key.pub --authfile auth.json --ca pki/root.pem --json
[ "$(summary "$work/out" '(d["blobs"]["uploaded"], d["blobs"]["mounted"], d["blobs"]["present"], d["tags"]["pushed"])')" = "(25, 2, 0, 25)" ] \
  || fail "shared blobs were not mounted: $(cat "$work/out")"

# a damaged blob (signature intact): refused with its name, never committed, the rest pushed
blob=$("$PYTHON" "$TEST_DATA/bundle_tool.py" b.zb /dev/stdout members | grep -m1 '^registry/.*/data$')
digest=sha256:$(basename "$(dirname "$blob")")
"$PYTHON" "$TEST_DATA/bundle_tool.py" b.zb damaged.zb flip "$blob"
expect 1 "$blob: digest mismatch" -- zbx push damaged.zb --to "$registry/fresh" --rewrite --pubkey key.pub --authfile auth.json --json
grep -q "\"failures\"" "$work/out" || fail "no summary after a damaged blob"
[ "$(summary "$work/out" 'd["blobs"]["uploaded"] > 0 and d["manifests"]["pushed"] > 0')" = True ] \
  || fail "a damaged blob stopped the other images"
while read -r name _ _; do
  status=$(curl -s -o /dev/null -w '%{http_code}' --cacert pki/root.pem -u 'pusher:s3cret pass' -I \
    "https://$registry/v2/fresh/$name/blobs/$digest")
  [ "$status" = 404 ] || fail "the damaged blob was committed to fresh/$name (HTTP $status)"
done <tags

# a delta (--base big.zb) carries none of big's blobs or manifests; pushed where big went, it
# finds them all, and a tag moved meanwhile (big/app:t2 onto t1's image) is put back with the
# registry's own bytes of the manifest the signed record names
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key --base big.zb -o delta.zb
skopeo copy --quiet --src-cert-dir pki-certs --dest-cert-dir pki-certs \
  --src-creds 'pusher:s3cret pass' --dest-creds 'pusher:s3cret pass' \
  "docker://$registry/big/big/app:t1" "docker://$registry/big/big/app:t2" 2>err || fail "skopeo could not move the tag: $(cat err)"
expect 0 '' -- zbx push delta.zb --to "$registry/big" --pubkey key.pub --authfile auth.json --ca pki/root.pem --json
cp "$work/out" delta.json
[ "$(summary delta.json '(d["blobs"]["uploaded"], d["manifests"]["pushed"], d["manifests"]["present"], d["tags"]["pushed"], d["tags"]["present"], d["failures"])')" = "(0, 0, 25, 1, 24, [])" ] \
  || fail "the delta did not push clean: $(cat delta.json)"
zstd -dc big.zb | tar -xOf - ZBUNDLE/manifest.json >big-manifest.json
t2=$("$PYTHON" -c 'import json; print([r for r in json.load(open("big-manifest.json"))["repositories"] if r["name"] == "big/app"][0]["tags"]["t2"])')
skopeo inspect --raw --cert-dir pki-certs --creds 'pusher:s3cret pass' "docker://$registry/big/big/app:t2" >raw 2>err \
  || fail "big/app:t2 is gone: $(cat err)"
[ "sha256:$(sha256sum <raw | cut -c1-64)" = "$t2" ] || fail "big/app:t2 was not put back on $t2"
# where the base never went, the delta is refused before anything is sent, naming what the
# base carried
expect 1 'push to 127.0.0.1:[0-9]+/big3: 25 manifests left out for the base bundle \([0-9a-f]{32}\) are not in the registry, the first big3/big/app@sha256:[0-9a-f]{64}: push the base bundle first; nothing was sent' \
  -- zbx push delta.zb --to "$registry/big3" --rewrite --pubkey key.pub --authfile auth.json --ca pki/root.pem
[ ! -e storage/docker/registry/v2/repositories/big3 ] || fail "a refused delta push wrote into the registry"
