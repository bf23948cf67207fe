#!/usr/bin/env bash
# zbundle artifacts on the generated sample and on a bundle: every file is parsed back,
# validated against the schemas in tests/data/schemas and compared with what the inputs say
# (tests/data/check_artifacts.py); the scripts pass shellcheck; modes; bad input writes nothing.
source "$(dirname "$0")/lib.sh"
check=$TEST_DATA/check_artifacts.py
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
echo '{"auths":{"cloud.openshift.com":{"auth":"b3BlbjpzaGlmdA==","email":"ops@example.com"},"quay.io":{"auth":"cTpx"}}}' >ps.json
echo '{"auths":{"mirror.test:8443":{"auth":"dXNlcjpzZWNyZXQ="},"elsewhere:5000":{"auth":"eDp5"}}}' >auth.json

# check DIR MIRROR [extra check_artifacts options]
check() {
  local dir=$1 mirror=$2
  shift 2
  "$PYTHON" "$check" "$dir" --mirror "$mirror" --ca pki/root.pem "$@" >report || fail "$dir: $(cat report)"
  shellcheck -s sh "$dir"/*.sh >report || fail "$dir: shellcheck: $(cat report)"
}

# From oc-mirror output, with credentials: everything the procedure needs
expect 0 '' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test:8443/ocp --ca pki/root.pem \
  --pull-secret ps.json --mirror-auth auth.json -o full
for name in registry-config.yaml image-config-patch.yaml \
  mirror-config.yaml agentserviceconfig-patch.yaml registries.conf ca-bundle.crt icsp.yaml \
  imagedigestmirrorset.yaml imagetagmirrorset.yaml imagecontentsourcepolicy.yaml \
  catalogsource-redhat-operator-index-v4-16.yaml clustercatalog-redhat-operator-index-v4-16.yaml \
  pull-secret.json hcp-create-cluster.sh apply-cluster.sh; do
  [ -f "full/$name" ] || fail "full/$name was not written"
  contains "^full/$name\$" "$work/out"
done
check full mirror.test:8443/ocp --pull-secret ps.json --mirror-auth auth.json
[ "$(stat -c %a full/hcp-create-cluster.sh)" = 755 ] || fail "hcp-create-cluster.sh is not 0755"
[ "$(stat -c %a full/registry-config.yaml)" = 644 ] || fail "registry-config.yaml is not 0644"
# the release is pinned by the digest the sample's release image really has
release_digest=$(zb inspect "$SAMPLE/v2" --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["releases"][0]["digest"])')
contains "--release-image 'quay.io/openshift-release-dev/ocp-release@$release_digest'" full/hcp-create-cluster.sh
contains '^#   quay.io/openshift-release-dev/ocp-release:4.16.5-multi$' full/hcp-create-cluster.sh
# the release signatures a mirror-to-disk run keeps become the ConfigMap the cluster reads
"$PYTHON" - full "$release_digest" "$SAMPLE/v2/working-dir/signatures" "$TEST_DATA/schemas/configmap.json" <<'PY' || fail "no signature ConfigMap from the run's signature files"
import base64, json, os, sys, yaml, jsonschema
out, digest, signatures_dir, schema = sys.argv[1:]
cm = yaml.safe_load(open(f"{out}/release-signatures-mirrored-release-signatures.yaml"))
jsonschema.validate(cm, json.load(open(schema)))
assert cm["metadata"] == {"name": "mirrored-release-signatures", "namespace": "openshift-config-managed",
                          "labels": {"release.openshift.io/verification-signatures": ""}}, cm["metadata"]
(name,) = os.listdir(signatures_dir)
key = digest.replace(":", "-") + "-1"
assert base64.b64decode(cm["binaryData"][key]) == open(f"{signatures_dir}/{name}", "rb").read(), cm
PY
# the placeholders stop it before hcp runs
expect 2 "replace the placeholder <cluster-name>" -- sh full/hcp-create-cluster.sh

# oc-mirror's own resources (mirror-to-mirror output) are carried, their images moved
expect 0 '' -- zb artifacts "$SAMPLE/v2-m2m" --mirror mirror.test:8443/ocp --ca pki/root.pem -o m2m
check m2m mirror.test:8443/ocp
"$PYTHON" - "$SAMPLE/v2-m2m/working-dir/cluster-resources" m2m "$TEST_DATA/schemas/configmap.json" <<'PY' || fail "carried resources are wrong"
import json, sys, yaml, jsonschema
origin, out, schema = sys.argv[1:]
update = yaml.safe_load(open(f"{out}/updateservice-update-service-oc-mirror.yaml"))
assert update["spec"]["graphDataImage"] == "mirror.test:8443/ocp/openshift/graph-image:latest", update
assert update["spec"]["releases"] == "mirror.test:8443/ocp/openshift/release-images", update
assert isinstance(update["metadata"]["annotations"]["createdAt"], str), "createdAt lost its quotes"
signatures = yaml.safe_load(open(f"{out}/release-signatures-mirrored-release-signatures.yaml"))
assert signatures == yaml.safe_load(open(f"{origin}/signature-configmap.yaml")), "signatures changed"
jsonschema.validate(signatures, json.load(open(schema)))
PY

# A mirror without a port, and an IPv6 one (no ConfigMap key can spell it)
expect 0 '' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test --ca pki/root.pem -o plain
check plain mirror.test
expect 0 '' -- zb artifacts "$SAMPLE/v2" --mirror '[fd00::5]:5000' --ca pki/root.pem -o v6
[ ! -e v6/registry-config.yaml ] || fail "a registry-config ConfigMap for an IPv6 mirror"
contains 'IPv6' v6/apply-cluster.sh

# From a bundle made for another registry: the bastion's mirror wins, paths kept
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror old.example:5000/ns -o b.zb
expect 0 '' -- zb artifacts b.zb --pubkey key.pub --mirror mirror.test:8443/site --ca pki/root.pem -o from-bundle
check from-bundle mirror.test:8443/site
grep -q 'old.example' from-bundle/* && fail "from-bundle still names the bundle's registry"
contains "rendered by zbundle from bundle [0-9a-f]{32}" from-bundle/apply-cluster.sh
# identical facts, identical files, whichever side renders them
expect 0 '' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test:8443/site --ca pki/root.pem -o from-source
diff <(cd from-source && cat icsp.yaml registries.conf mirror-config.yaml imagedigestmirrorset.yaml) \
  <(cd from-bundle && cat icsp.yaml registries.conf mirror-config.yaml imagedigestmirrorset.yaml) \
  || fail "the bundle and its source render different artifacts"

# Bad input: a clear error naming the input, exit 2 (1 for a CA that fails its check), nothing written
expect 2 '^zbundle: error: auth.json: no credentials for the mirror other.test:8443 \(it has: mirror.test:8443, elsewhere:5000\)$' \
  -- zb artifacts "$SAMPLE/v2" --mirror other.test:8443 --ca pki/root.pem --pull-secret ps.json --mirror-auth auth.json -o bad1
echo '{"auths": []}' >broken.json
expect 2 'broken.json: no "auths" object' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test --ca pki/root.pem --pull-secret broken.json -o bad2
expect 1 'no-ca.pem.*not a CA' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test --ca pki/no-ca.pem -o bad3
expect 2 'ca.*required' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test -o bad4
expect 2 'missing.pem' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test --ca missing.pem -o bad5
expect 2 'release 9.9: no mirrored release' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test --ca pki/root.pem --release 9.9 -o bad6
expect 2 'no trust' -- zb artifacts b.zb --mirror mirror.test --ca pki/root.pem -o bad7
zb keygen --out other >/dev/null
expect 1 'signature does not verify' -- zb artifacts b.zb --pubkey other.pub --mirror mirror.test --ca pki/root.pem -o bad8
for n in 1 2 3 4 5 6 7 8; do [ ! -e "bad$n" ] || fail "a failed run left bad$n"; done

# create --mirror --ca renders the same files into the bundle as the bastion renders from it
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror mirror.test:8443/ocp --ca pki/root.pem -o rendered.zb
mkdir in-bundle && (cd in-bundle && zstd -dc ../rendered.zb | tar -xf - --strip-components=1 --wildcards 'artifacts/*')
expect 0 '' -- zb artifacts rendered.zb --pubkey key.pub --mirror mirror.test:8443/ocp --ca pki/root.pem -o on-bastion
diff -r in-bundle on-bastion >report || fail "create and the bastion render different artifacts: $(cat report)"
check in-bundle mirror.test:8443/ocp

# Credentials travel only encrypted to the bastion's certificate; stock openssl opens them
openssl req -x509 -newkey rsa:2048 -nodes -keyout bastion.key -out bastion.pem -days 2 -subj /CN=bastion 2>/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror-auth auth.json --recipient bastion.pem -o creds.zb
members creds.zb
contains '^artifacts/mirror-auth.json.cms.pem$' "$work/members"
zstd -dc creds.zb | tar -xOf - artifacts/mirror-auth.json.cms.pem >creds.pem
grep -q dXNlcjpzZWNyZXQ creds.pem && fail "the credentials are in the bundle in plaintext"
openssl cms -decrypt -inform PEM -in creds.pem -recip bastion.pem -inkey bastion.key -out opened.json \
  || fail "stock openssl cannot open the credentials"
cmp -s opened.json auth.json || fail "the decrypted credentials differ from auth.json"
expect 2 'mirror-auth and --recipient go together' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror-auth auth.json -o plain.zb
openssl req -x509 -newkey ed25519 -nodes -keyout ed.key -out ed.pem -days 2 -subj /CN=ed 2>/dev/null
expect 2 'ed.pem: cannot encrypt to this certificate' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror-auth auth.json --recipient ed.pem -o ed.zb
[ ! -e plain.zb ] && [ ! -e ed.zb ] || fail "a refused create left a bundle"
