#!/usr/bin/env bash
# zbundle-extract apply into a temporary root: --dry-run changes nothing; the CA lands in
# certs.d and the host trust store, the drop-in and the artifacts where they belong; the
# credentials the bundle carries (CMS, opened by the extractor) merge into the auth file with
# other registries kept; a second run changes nothing; replaced files are backed up; an older
# bundle is refused; an expired CA is refused; secrets are never printed.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
zb keygen --out key >/dev/null
echo '{"auths":{"mirror.test:8443":{"auth":"dXNlcjpzZWNyZXQ="}}}' >creds.json
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout bastion.key \
  -out bastion.pem -days 2 -subj /CN=bastion 2>/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443/ocp --ca pki/root.pem \
  --mirror-auth creds.json --recipient bastion.pem -o b.zb

opened=(--recipient-cert bastion.pem --recipient-key bastion.key)

# A RHEL-like root, with another registry's login already in the auth file
mkdir -p root/etc/pki/ca-trust/source/anchors root/root/.config/containers
echo '{"auths":{"quay.io":{"auth":"cTpx"}}}' >root/root/.config/containers/auth.json
chmod 600 root/root/.config/containers/auth.json
snapshot root >before
expect 0 '' -- zbx apply b.zb --pubkey key.pub --root root --dry-run "${opened[@]}"
contains '^/etc/containers/certs.d/mirror.test:8443/ca.crt: would be new$' "$work/out"
contains '^update-ca-trust: would run$' "$work/out"
snapshot root >after
cmp -s before after || fail "--dry-run changed the root"

expect 0 '' -- zbx apply b.zb --pubkey key.pub --root root "${opened[@]}"
grep -q 'dXNlcjpzZWNyZXQ' "$work/out" "$work/err" && fail "apply printed the credentials"
contains '^update-ca-trust: not run \(the root is not /\)$' "$work/out"
cmp -s root/etc/containers/certs.d/mirror.test:8443/ca.crt root/var/lib/zbundle/artifacts/ca-bundle.crt || fail "certs.d CA differs"
openssl x509 -in root/etc/pki/ca-trust/source/anchors/zbundle-mirror.test-8443.crt -noout -subject | grep -q 'zbundle test root' \
  || fail "the trust anchor is not the mirror's CA"
conf=root/etc/containers/registries.conf.d/50-zbundle-mirror.test-8443.conf
"$PYTHON" -c 'import sys, tomllib; c = tomllib.load(open(sys.argv[1], "rb")); assert all(m["location"].startswith("mirror.test:8443/ocp/") for r in c["registry"] for m in r["mirror"])' "$conf" \
  || fail "the drop-in does not point at the mirror"
auth=root/root/.config/containers/auth.json
[ "$(stat -c %a $auth)" = 600 ] || fail "the auth file is not 0600"
[ "$("$PYTHON" -c 'import json,sys; a = json.load(open(sys.argv[1]))["auths"]; print(a["quay.io"]["auth"], a["mirror.test:8443"]["auth"])' $auth)" = "cTpx dXNlcjpzZWNyZXQ=" ] \
  || fail "the auth file did not keep quay.io and gain the mirror: $(cat $auth)"
[ "$(stat -c %a root/var/lib/zbundle/artifacts/apply-cluster.sh)" = 755 ] || fail "apply-cluster.sh is not 0755"
[ -d root/var/lib/zbundle/backups/"$(zb inspect b.zb --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["bundle_id"])')"/root ] \
  || fail "the replaced auth file was not backed up"
ls root/etc/pki/ca-trust/source/anchors | grep -qv '^zbundle-mirror.test-8443.crt$' && fail "a backup landed among the trust anchors"

# A second run changes nothing, and says so
snapshot root >before
expect 0 '' -- zbx apply b.zb --pubkey key.pub --root root "${opened[@]}"
grep -v -e ': unchanged$' -e '^applied bundle' "$work/out" && fail "a second run changed something"
snapshot root >after
cmp -s before after || fail "a second run changed the root: $(diff before after | head)"

# The bastion's own mirror and CA override the bundle's; a replaced file is backed up
expect 0 'encrypted' -- zbx apply b.zb --pubkey key.pub --root root --mirror other.test:5000 --ca pki/inter.pem
contains '^/var/lib/zbundle/artifacts/icsp.yaml: replaced$' "$work/out"
grep -q 'other.test:5000/' root/var/lib/zbundle/artifacts/icsp.yaml || fail "--mirror did not override"
find root/var/lib/zbundle/backups -name icsp.yaml | grep -q . || fail "the replaced icsp.yaml was not backed up"

# Rollback: an older bundle of the same signer is refused, unless asked for
sleep 1
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443/ocp --ca pki/root.pem -o newer.zb
expect 0 '' -- zbx apply newer.zb --pubkey key.pub --root root
snapshot root >before
expect 1 'b.zb: bundle [0-9a-f]{32} was created .* before bundle [0-9a-f]{32} .* --allow-rollback' \
  -- zbx apply b.zb --pubkey key.pub --root root
snapshot root >after
cmp -s before after || fail "a refused rollback changed the root"
expect 0 'encrypted' -- zbx apply b.zb --pubkey key.pub --root root --allow-rollback

# Refused before anything is written: an expired CA, a CA that is not one, a wrong key
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout expired.key \
  -out expired.csr -subj /CN=expired 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >ca.ext
openssl x509 -req -in expired.csr -signkey expired.key -days -1 -extfile ca.ext -out pki/expired-root.pem 2>/dev/null
snapshot root >before
expect 1 'expired' -- zbx apply b.zb --pubkey key.pub --root root --ca pki/expired-root.pem
expect 1 'not a CA' -- zbx apply b.zb --pubkey key.pub --root root --ca pki/no-ca.pem
zb keygen --out other >/dev/null
expect 1 'signature does not verify' -- zbx apply b.zb --pubkey other.pub --root root
snapshot root >after
cmp -s before after || fail "a refused apply changed the root"

# A Debian-like root; a root with no trust store is reported, not fatal
mkdir -p debian/usr/local/share/ca-certificates bare
expect 0 'encrypted' -- zbx apply b.zb --pubkey key.pub --root debian
[ -f debian/usr/local/share/ca-certificates/zbundle-mirror.test-8443.crt ] || fail "no Debian trust anchor"
contains '^update-ca-certificates: not run' "$work/out"
expect 0 'no host trust store' -- zbx apply b.zb --pubkey key.pub --root bare
contains 'encrypted; --recipient-cert and --recipient-key open them' "$work/err"
