#!/usr/bin/env bash
# apply-cluster.sh as zbundle renders it, run against tests/data/fake_oc.py: a stand-in `oc`
# that keeps the cluster's objects in a JSON file, validates every object against the schemas
# in tests/data/schemas and refuses what it does not know. No OpenShift API server can run
# here; this is the one stand-in the project allows (every other test runs the real thing).
# The merges are done by the real zbundle-extract.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
echo '{"auths":{"cloud.openshift.com":{"auth":"b3BlbjpzaGlmdA=="}}}' >ps.json
echo '{"auths":{"mirror.test:8443":{"auth":"dXNlcjpzZWNyZXQ="}}}' >auth.json
for namespace in ocp ops; do
  expect 0 '' -- zb artifacts "$SAMPLE/v2" --mirror "mirror.test:8443/$namespace" --ca pki/root.pem \
    --pull-secret ps.json --mirror-auth auth.json -o "rendered-$namespace"
done

mkdir bin
printf '#!/bin/sh\nexec %s %s "$@"\n' "$PYTHON" "$TEST_DATA/fake_oc.py" >bin/oc
printf '#!/bin/sh\nexec %s %s "$@"\n' "${ZB_EXEC_PREFIX:-}" "$ZBUNDLE_EXTRACT" >bin/zbundle-extract
chmod +x bin/oc bin/zbundle-extract
export FAKE_OC_STATE=$work/state.json FAKE_OC_LOG=$work/oc.log

# run DIR [ARGS...]: DIR/apply-cluster.sh against the cluster; stdout in $work/out
# (ZBUNDLE_EXTRACT names the wrapper: the harness's own ZBUNDLE_EXTRACT is the bare binary,
# which under the s390x cross build only runs through qemu)
run() {
  local dir=$1
  shift
  ZBUNDLE_EXTRACT="$work/bin/zbundle-extract" PATH="$work/bin:$PATH" \
    sh "$dir/apply-cluster.sh" --backup-dir "$work/backup" "$@" >"$work/out"
}
# query PYTHON_EXPRESSION: evaluates with `s` bound to the cluster's objects, prints the value
query() { "$PYTHON" -c "import base64, json; s = json.load(open('state.json')); print($1)"; }
restarts() { query 's["Deployment/hypershift/operator"].get("status", {}).get("restarts", 0)'; }

# The procedure's cluster: a hand-made registry-config and mirror-config (with the
# multicluster-engine entry the discovery ISO needs), an AgentServiceConfig naming it, a pull
# secret with other entries, an oc-mirror v1 ICSP, HyperShift with one hosted cluster.
"$PYTHON" "$TEST_DATA/procedure_cluster.py" state.json
cp state.json procedure.json
: >oc.log

# --dry-run: the changes listed, every one tried by the server, nothing changed
run rendered-ocp --dry-run 2>err || fail "apply-cluster.sh --dry-run failed: $(cat err)"
cmp -s procedure.json state.json || fail "--dry-run changed the cluster"
contains 'ConfigMap multicluster-engine/mirror-config: data.registries.conf: added \[\[registry\]\] registry.redhat.io/ubi9' out
contains 'Secret openshift-config/pull-secret: auths.mirror.test:8443 added' out
contains 'dry run: the server accepted every change above; nothing was changed' err
grep -q -- '--dry-run=server' oc.log || fail "--dry-run did not ask the server"
if grep -q -- '--dry-run=none\|rollout' oc.log; then fail "--dry-run made a change"; fi
[ ! -e backup ] || fail "--dry-run wrote a backup"

# The real run: every hand-made entry kept byte for byte, ours added
: >oc.log
run rendered-ocp 2>err || fail "apply-cluster.sh failed: $(cat err)"
contains 'OCPBUGS-29466' err
contains 'oc adm migrate icsp' err
"$PYTHON" - <<'PY' || fail "the cluster is not what the merge must make of it"
import base64, json, sys, tomllib
before, after = json.load(open("procedure.json")), json.load(open("state.json"))
problems = []
def check(ok, text):
    if not ok:
        problems.append(text)
mc_before = before["ConfigMap/multicluster-engine/mirror-config"]["data"]
mc = after["ConfigMap/multicluster-engine/mirror-config"]["data"]
check(mc["registries.conf"].startswith(mc_before["registries.conf"]), "mirror-config: the hand-made registries.conf changed")
locations = [r["location"] for r in tomllib.loads(mc["registries.conf"])["registry"]]
check("registry.redhat.io/multicluster-engine" in locations and "registry.redhat.io/ubi9" in locations,
      f"mirror-config registries.conf: {locations}")
check(mc["ca-bundle.crt"].startswith(mc_before["ca-bundle.crt"]) and mc["ca-bundle.crt"].count("BEGIN CERTIFICATE") == 2,
      "mirror-config: the CA bundle lost the site's certificate or lacks ours")
rc = after["ConfigMap/openshift-config/registry-config"]["data"]
check(rc.get("other.site..5000") == before["ConfigMap/openshift-config/registry-config"]["data"]["other.site..5000"],
      "registry-config lost the site's key")
check("mirror.test..8443" in rc, "registry-config lacks the mirror's CA")
check(after["Image//cluster"]["spec"].get("additionalTrustedCA") == {"name": "registry-config"}, "image.config")
auths = lambda s: json.loads(base64.b64decode(s["Secret/openshift-config/pull-secret"]["data"][".dockerconfigjson"]))["auths"]
old, new = auths(before), auths(after)
check(all(new.get(k) == v for k, v in old.items()), "the pull secret lost or changed an entry")
check(new.get("mirror.test:8443") == {"auth": "dXNlcjpzZWNyZXQ=", "email": ""}, f"the mirror's entry: {new.get('mirror.test:8443')}")
check(after["ImageContentSourcePolicy//redhat-operator-index-0"] == before["ImageContentSourcePolicy//redhat-operator-index-0"],
      "the old ICSP changed")
for name in ("release", "operator", "generic"):
    check(f"ImageDigestMirrorSet//zbundle-{name}" in after, f"no ImageDigestMirrorSet zbundle-{name}")
sources = {e["source"]: e["mirrors"] for e in after["HostedCluster/clusters/hc1"]["spec"]["imageContentSources"]}
check(sources.get("registry.redhat.io/old") == ["mirror.test:8443/old"], "the hosted cluster lost its source")
check(sources.get("quay.io/openshift-release-dev/ocp-release") == ["mirror.test:8443/ocp/openshift/release-images"],
      f"the hosted cluster lacks the release source: {sources}")
check(after["HostedCluster/clusters/hc1"]["spec"]["release"] == before["HostedCluster/clusters/hc1"]["spec"]["release"],
      "the hosted cluster's release changed")
check("CatalogSource/openshift-marketplace/cs-redhat-operator-index-v4-16" in after, "no CatalogSource")
check("ClusterCatalog//cc-redhat-operator-index-v4-16" not in after, "a ClusterCatalog without OLM v1")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
[ "$(restarts)" = 1 ] || fail "the HyperShift operator was not restarted once after the mirror sets changed"
contains 'reads mirror sets only when it starts' err
grep -q 'rollout status deployment/operator -n hypershift' oc.log || fail "the restart was not waited for"
# each changed live object saved before the change, the pull secret only readable by its owner
compgen -G "backup/*assisted-service*" >/dev/null || fail "no backup of mirror-config: $(ls backup)"
[ "$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["spec"])' backup/patched-image-config*.json)" = '{}' ] \
  || fail "image.config was not saved before its patch: $(ls backup)"
cmp -s <("$PYTHON" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' backup/*pull-secret*.json) \
  <("$PYTHON" -c 'import json; print(json.dumps(json.load(open("procedure.json"))["Secret/openshift-config/pull-secret"], sort_keys=True))') \
  || fail "the pull secret's backup is not the live object before the change"
[ "$(stat -c %a backup/*pull-secret*.json)" = 600 ] || fail "the pull secret's backup is readable by others"
# live objects are replaced at the resourceVersion read, ours created; oc apply only for the
# objects zbundle alone makes (apply would copy a pull secret into its annotation)
grep -q '^replace --dry-run=none -f .*/replace-[0-9]*.json$' oc.log || fail "no live object was replaced: $(cat oc.log)"
grep -q '^create --dry-run=none -f .*/create-[0-9]*.json$' oc.log || fail "no object was created"
if grep '^apply --dry-run=none' oc.log | grep -qv 'catalogsource-\|release-signatures-\|clustercatalog-\|updateservice-'; then
  fail "oc apply was used for a live object: $(grep '^apply' oc.log)"
fi
# every change was tried with --dry-run=server before the first real one
first_real=$(grep -n -- '--dry-run=none' oc.log | head -1 | cut -d: -f1)
last_dry=$(grep -n -- '--dry-run=server' oc.log | tail -1 | cut -d: -f1)
[ -n "$first_real" ] && [ "$last_dry" -lt "$first_real" ] || fail "a real change came before the dry run ended"

# A second run changes nothing, restarts nothing
cp state.json once.json
run rendered-ocp 2>err || fail "the second run failed: $(cat err)"
cmp -s once.json state.json || fail "the second run changed the cluster: $(diff once.json state.json)"
contains 'nothing to change' err
[ "$(restarts)" = 1 ] || fail "the second run restarted the HyperShift operator"

# A second bundle (another namespace of the mirror) keeps the first one's mappings
run rendered-ops 2>err || fail "the second bundle failed: $(cat err)"
[ "$(query 's["ImageDigestMirrorSet//zbundle-release"]["spec"]["imageDigestMirrors"][0]["mirrors"]')" \
  = "['mirror.test:8443/ocp/openshift/release-images', 'mirror.test:8443/ops/openshift/release-images']" ] \
  || fail "the second bundle did not merge into zbundle-release: $(query 's["ImageDigestMirrorSet//zbundle-release"]')"
[ "$(query 'len(s["HostedCluster/clusters/hc1"]["spec"]["imageContentSources"][1]["mirrors"])')" = 2 ] \
  || fail "the hosted cluster did not gain the second bundle's mirror"
[ "$(restarts)" = 2 ] || fail "the HyperShift operator was not restarted after the second bundle"

# A live registries.conf that defines a registry twice: stopped before any change, named
cp procedure.json state.json
"$PYTHON" - <<'PY'
import json
s = json.load(open("state.json"))
conf = s["ConfigMap/multicluster-engine/mirror-config"]["data"]["registries.conf"]
s["ConfigMap/multicluster-engine/mirror-config"]["data"]["registries.conf"] = conf + conf.split("\n\n", 1)[1]
json.dump(s, open("state.json", "w"))
PY
cp state.json broken.json
: >oc.log
status=0
run rendered-ocp 2>err || status=$?
[ "$status" -ne 0 ] || fail "a registry defined twice was merged"
contains 'ConfigMap multicluster-engine/mirror-config: data.registries.conf: registry registry.redhat.io/multicluster-engine is defined twice' err
cmp -s broken.json state.json || fail "a stopped run changed the cluster"
if grep -q -- '--dry-run' oc.log; then fail "a change was tried before the problem was found"; fi

# image.config naming another ConfigMap: ours goes into that one, registry-config is left alone
cp procedure.json state.json
"$PYTHON" - <<'PY'
import json
s = json.load(open("state.json"))
s["Image//cluster"]["spec"]["additionalTrustedCA"] = {"name": "site-ca"}
s["ConfigMap/openshift-config/site-ca"] = {"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "site-ca", "namespace": "openshift-config"}, "data": {"x..1": "PEM"}}
json.dump(s, open("state.json", "w"))
PY
run rendered-ocp 2>err || fail "apply-cluster.sh failed with a site trust ConfigMap: $(cat err)"
[ "$(query 'sorted(s["ConfigMap/openshift-config/site-ca"]["data"])')" = "['mirror.test..8443', 'x..1']" ] \
  || fail "site-ca did not get the mirror's CA"
[ "$(query 's["Image//cluster"]["spec"]["additionalTrustedCA"]["name"]')" = site-ca ] || fail "image.config's trust was replaced"
[ "$(query 'sorted(s["ConfigMap/openshift-config/registry-config"]["data"])')" = "['other.site..5000']" ] \
  || fail "registry-config was changed though image.config names site-ca"

# A bundle with boot images, rendered with the URL the site serves them at: the existing
# AgentServiceConfig gains osImages and keeps its storage; a cluster without one is refused
# until the storage class is filled in, then gets ours, valid against assisted-service's schema
zb keygen --out key >/dev/null
mkdir boot
echo iso >boot/rhcos-416.94.202406251923-0-live.s390x.iso
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --mirror mirror.test:8443/ocp \
  --ca pki/root.pem --sign-key key.key --boot-images boot -o boot.zb
expect 0 '' -- zb artifacts boot.zb --pubkey key.pub --mirror mirror.test:8443/ocp --ca pki/root.pem \
  --boot-url http://boot.example/rhcos -o rendered-boot
cp procedure.json state.json
run rendered-boot 2>err || fail "apply-cluster.sh with boot images failed: $(cat err)"
[ "$(query 's["AgentServiceConfig//agent"]["spec"]["osImages"][0]["url"]')" \
  = http://boot.example/rhcos/rhcos-416.94.202406251923-0-live.s390x.iso ] || fail "osImages not merged: $(query 's["AgentServiceConfig//agent"]')"
[ "$(query 's["AgentServiceConfig//agent"]["spec"]["databaseStorage"]["resources"]["requests"]["storage"]')" = 10Gi ] \
  && [ "$(query '"storageClassName" in s["AgentServiceConfig//agent"]["spec"]["databaseStorage"]')" = False ] \
  || fail "the cluster's storage claims changed"
"$PYTHON" -c 'import json; s = json.load(open("procedure.json")); del s["AgentServiceConfig//agent"]; json.dump(s, open("state.json", "w"))'
cp state.json no-asc.json
expect 1 'replace <storage-class> in .*agentserviceconfig.yaml first' -- run rendered-boot
cmp -s no-asc.json state.json || fail "a refused run changed the cluster"
sed -i 's/<storage-class>/lvms-vg1/' rendered-boot/agentserviceconfig.yaml
run rendered-boot 2>err || fail "creating the AgentServiceConfig failed: $(cat err)"
[ "$(query 's["AgentServiceConfig//agent"]["spec"]["mirrorRegistryRef"]["name"]')" = mirror-config ] \
  || fail "the AgentServiceConfig was not created from ours"

# Without zbundle-extract the script stops before it reads anything
cp procedure.json state.json
: >oc.log
status=0
PATH="$work/bin:$PATH" ZBUNDLE_EXTRACT=/nonexistent sh rendered-ocp/apply-cluster.sh >out 2>err || status=$?
[ "$status" = 2 ] || fail "without zbundle-extract the script exited $status"
contains 'zbundle-extract is not on PATH' err
[ ! -s oc.log ] || fail "the script called oc without zbundle-extract"
expect 2 'usage: apply-cluster.sh' -- sh rendered-ocp/apply-cluster.sh --force
true
