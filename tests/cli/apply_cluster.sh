#!/usr/bin/env bash
# apply-cluster.sh as zbundle renders it, run against tests/data/fake_oc.py: a stand-in `oc`
# that keeps the cluster's objects in a JSON file. No OpenShift API server can run here; this
# is the one stand-in the project allows (every other test runs the real thing).
# Cases: a fresh cluster; a cluster that already names its own trust and mirror ConfigMaps
# (ours are added to those, never replace them); a second run (changes nothing); a conflicting
# registries.conf (stops in the dry run, before any change).
source "$(dirname "$0")/lib.sh"
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
echo '{"auths":{"cloud.openshift.com":{"auth":"b3BlbjpzaGlmdA=="}}}' >ps.json
echo '{"auths":{"mirror.test:8443":{"auth":"dXNlcjpzZWNyZXQ="}}}' >auth.json
expect 0 '' -- zb artifacts "$SAMPLE/v2" --mirror mirror.test:8443/ocp --ca pki/root.pem \
  --pull-secret ps.json --mirror-auth auth.json -o rendered

mkdir bin
printf '#!/bin/sh\nexec %s %s "$@"\n' "$PYTHON" "$TEST_DATA/fake_oc.py" >bin/oc
chmod +x bin/oc
export FAKE_OC_STATE=$work/state.json FAKE_OC_LOG=$work/oc.log

# cluster STATE_JSON: a cluster to apply to; run: apply-cluster.sh against it
cluster() { echo "$1" >state.json && : >oc.log; }
run() { PATH="$work/bin:$PATH" sh rendered/apply-cluster.sh; }
# query PYTHON_EXPRESSION: evaluates with `s` bound to the cluster's objects, prints the value
query() { "$PYTHON" -c "import json; s = json.load(open('state.json')); print($1)"; }

fresh='{"Image//cluster": {"kind": "Image", "metadata": {"name": "cluster"}, "spec": {}},
 "AgentServiceConfig//agent": {"kind": "AgentServiceConfig", "metadata": {"name": "agent"}, "spec": {}},
 "Secret/openshift-config/pull-secret": {"kind": "Secret", "data": {".dockerconfigjson": "{}"}}}'

# A fresh cluster: our ConfigMaps, the patches, the pull secret, mirror sets, the catalog
cluster "$fresh"
run 2>err || fail "apply-cluster.sh failed on a fresh cluster: $(cat err)"
[ "$(query 's["Image//cluster"]["spec"]["additionalTrustedCA"]["name"]')" = registry-config ] \
  || fail "image.config does not name registry-config"
query 's["ConfigMap/openshift-config/registry-config"]["data"]["mirror.test..8443"]' >ca-in-cluster
diff <(grep -v '^$' ca-in-cluster) <(grep -v '^$' rendered/ca-bundle.crt) >/dev/null || fail "registry-config does not hold the CA"
[ "$(query 's["AgentServiceConfig//agent"]["spec"]["mirrorRegistryRef"]["name"]')" = mirror-config ] \
  || fail "AgentServiceConfig does not name mirror-config"
[ "$(query 's["ConfigMap/multicluster-engine/mirror-config"]["metadata"]["labels"]["app"]')" = assisted-service ] \
  || fail "mirror-config is missing"
query 's["Secret/openshift-config/pull-secret"]["data"][".dockerconfigjson"]' >secret
cmp -s <(head -c -0 secret | "$PYTHON" -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read()), sort_keys=True))') \
  <("$PYTHON" -c 'import json,sys; print(json.dumps(json.load(open("rendered/pull-secret.json")), sort_keys=True))') \
  || fail "the pull secret is not the merged one"
for object in ImageDigestMirrorSet//zbundle-digest-mirrors ImageTagMirrorSet//zbundle-tag-mirrors \
  CatalogSource//cs-redhat-operator-index-v4-16; do
  [ "$(query "'$object' in s")" = True ] || fail "$object was not applied"
done
[ "$(query "'ClusterCatalog//cc-redhat-operator-index-v4-16' in s")" = False ] \
  || fail "a ClusterCatalog was applied on a cluster without OLM v1"
# every change was tried with --dry-run=server before the first real one
first_real=$(grep -n -- '--dry-run=none' oc.log | head -1 | cut -d: -f1)
last_dry=$(grep -n -- '--dry-run=server' oc.log | tail -1 | cut -d: -f1)
[ -n "$first_real" ] && [ "$last_dry" -lt "$first_real" ] || fail "a real change came before the dry run ended"

# A cluster with its own trust ConfigMap and mirror registry ConfigMap: ours are added to them
own='{"Image//cluster": {"kind": "Image", "metadata": {"name": "cluster"}, "spec": {"additionalTrustedCA": {"name": "site-ca"}}},
 "ConfigMap/openshift-config/site-ca": {"kind": "ConfigMap", "metadata": {"name": "site-ca"}, "data": {"other.example..5000": "OTHER PEM\n"}},
 "AgentServiceConfig//agent": {"kind": "AgentServiceConfig", "metadata": {"name": "agent"}, "spec": {"mirrorRegistryRef": {"name": "site-mirrors"}}},
 "ConfigMap/multicluster-engine/site-mirrors": {"kind": "ConfigMap", "metadata": {"name": "site-mirrors"},
   "data": {"ca-bundle.crt": "OTHER PEM\n", "registries.conf": "[[registry]]\nlocation = \"docker.io/library\"\n"}},
 "Secret/openshift-config/pull-secret": {"kind": "Secret", "data": {".dockerconfigjson": "{}"}},
 "CustomResourceDefinition//clustercatalogs.olm.operatorframework.io": {"kind": "CustomResourceDefinition"}}'
cluster "$own"
run 2>err || fail "apply-cluster.sh failed on a configured cluster: $(cat err)"
contains 'trusts ConfigMap site-ca already' err
[ "$(query 's["Image//cluster"]["spec"]["additionalTrustedCA"]["name"]')" = site-ca ] || fail "image.config's trust was replaced"
[ "$(query 'sorted(s["ConfigMap/openshift-config/site-ca"]["data"])')" = "['mirror.test..8443', 'other.example..5000']" ] \
  || fail "site-ca lost a key or did not get ours"
[ "$(query "'ConfigMap/openshift-config/registry-config' in s")" = False ] || fail "registry-config was created anyway"
[ "$(query 's["AgentServiceConfig//agent"]["spec"]["mirrorRegistryRef"]["name"]')" = site-mirrors ] \
  || fail "mirrorRegistryRef was replaced"
query 's["ConfigMap/multicluster-engine/site-mirrors"]["data"]["registries.conf"]' >merged.conf
"$PYTHON" -c 'import sys, tomllib; c = tomllib.load(open(sys.argv[1], "rb")); locs = [r["location"] for r in c["registry"]]; sys.exit(0 if "docker.io/library" in locs and "registry.redhat.io/ubi9" in locs and len(locs) == len(set(locs)) else 1)' merged.conf \
  || fail "the merged registries.conf is not what it must be: $(cat merged.conf)"
[ "$(query 's["ConfigMap/multicluster-engine/site-mirrors"]["data"]["ca-bundle.crt"].count("BEGIN CERTIFICATE")')" = 1 ] \
  || fail "the mirror's CA was not added to site-mirrors"
[ "$(query "'ClusterCatalog//cc-redhat-operator-index-v4-16' in s")" = True ] || fail "no ClusterCatalog with OLM v1 there"

# A second run changes nothing
cp state.json before.json
run 2>err || fail "the second run failed: $(cat err)"
cmp -s before.json state.json || fail "the second run changed the cluster: $(diff before.json state.json)"

# A registries.conf that configures one of our sources already: stop, change nothing
conflict=$(echo "$own" | sed 's|location = \\"docker.io/library\\"|location = \\"registry.redhat.io/ubi9\\"|')
cluster "$conflict"
cp state.json before.json
expect 1 'already configures registry.redhat.io/ubi9: merge .*registries.conf by hand' -- run
cmp -s before.json state.json || fail "a stopped run changed the cluster"
grep -q -- '--dry-run=none' oc.log && fail "a real change was made before the conflict was found"
true
