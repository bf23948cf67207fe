#!/usr/bin/env bash
# ics: every format on the sample's v2 mirror-to-mirror and v1 workspace output, checked
# structurally (YAML/TOML parsed back), plus --mirror rewriting and -o.
source "$(dirname "$0")/lib.sh"

m2m=$SAMPLE/v2-m2m
v1=$SAMPLE/v1/oc-mirror-workspace

# hcp (default): one YAML document whose root is the list hcp reads; digest sources only.
expect 0 '' -- zb ics "$m2m"
cp "$work/out" "$work/hcp.yaml"
"$PYTHON" - "$work/hcp.yaml" <<'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
assert len(docs) == 1 and isinstance(docs[0], list), docs
by_source = {e["source"]: e["mirrors"] for e in docs[0]}
assert by_source == {
    "quay.io/openshift-release-dev/ocp-release": ["mirror.example.internal:8443/openshift/release-images"],
    "quay.io/openshift-release-dev/ocp-v4.0-art-dev": ["mirror.example.internal:8443/openshift/release"],
    "registry.redhat.io/compliance": ["mirror.example.internal:8443/compliance"],
    "registry.redhat.io/ubi9": ["mirror.example.internal:8443/ubi9"],
}, by_source
assert list(by_source) == sorted(by_source), "not sorted"
PY

# icsp, idms, itms: valid manifests of the right kind and list field.
for format in icsp:ImageContentSourcePolicy:repositoryDigestMirrors:4 \
              idms:ImageDigestMirrorSet:imageDigestMirrors:4 \
              itms:ImageTagMirrorSet:imageTagMirrors:2; do
  IFS=: read -r name kind field count <<<"$format"
  expect 0 '' -- zb ics --format "$name" "$m2m"
  "$PYTHON" - "$work/out" "$kind" "$field" "$count" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kind, field, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
assert len(docs) == 1, docs
doc = docs[0]
assert doc["kind"] == kind and doc["metadata"]["name"], doc
assert doc["apiVersion"] in ("config.openshift.io/v1", "operator.openshift.io/v1alpha1")
entries = doc["spec"][field]
assert len(entries) == count, entries
assert all(e["source"] and e["mirrors"] for e in entries)
PY
done

# registries-conf: TOML parsed back; the containers/image rules hold.
expect 0 '' -- zb ics --format registries-conf "$m2m"
"$PYTHON" - "$work/out" <<'PY'
import sys, tomllib
conf = tomllib.load(open(sys.argv[1], "rb"))
regs = {r["location"]: r for r in conf["registry"]}
assert len(regs) == 5, regs
for r in regs.values():
    assert r["prefix"] == "" and r["insecure"] is False and r["blocked"] is False, r
    assert r["mirror"] and all(m["insecure"] is False and m["location"] for m in r["mirror"]), r
    # never both settings on one registry (containers-registries.conf(5))
    assert not (r.get("mirror-by-digest-only") and any("pull-from-mirror" in m for m in r["mirror"])), r
# digest-only sources use the registry-wide flag, as the hosted control planes procedure shows
assert regs["quay.io/openshift-release-dev/ocp-v4.0-art-dev"]["mirror-by-digest-only"] is True
# the release image is mirrored by digest and tag; rhel9 by tag only
assert regs["quay.io/openshift-release-dev/ocp-release"]["mirror"][0]["pull-from-mirror"] == "all"
assert regs["registry.redhat.io/rhel9"]["mirror"][0]["pull-from-mirror"] == "tag-only"
PY

# json: the whole model, digest and tag per mirror.
expect 0 '' -- zb ics --format json "$m2m"
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["kind"]=="ImageContentSources" and len(d["sources"])==5' "$work/out"

# v1 workspace: ICSP documents of the newest results directory.
expect 0 '' -- zb ics "$v1"
contains '^- source: registry.redhat.io/rhel9$' "$work/out"
expect 0 '' -- zb ics --results results-1735689600 --format icsp "$v1"
contains 'kind: ImageContentSourcePolicy' "$work/out"

# Several inputs merge; output is deterministic.
expect 0 '' -- zb ics --format json "$m2m" "$v1"
cp "$work/out" "$work/merged-1.json"
expect 0 '' -- zb ics --format json "$v1" "$m2m"
cmp -s "$work/out" "$work/merged-1.json" || fail "merged output depends on input order"

# --mirror moves every mirror; the path below the registry stays.
expect 0 '' -- zb ics --mirror bastion.example:5000/zone1 "$m2m"
contains 'bastion\.example:5000/zone1/openshift/release-images' "$work/out"
if grep -q mirror.example.internal "$work/out"; then fail "--mirror left an old mirror"; fi

# -o writes the file (and nothing on stdout).
expect 0 '' -- zb ics --format idms -o "$work/idms.yaml" "$m2m"
[ ! -s "$work/out" ] || fail "-o also wrote to stdout"
contains 'kind: ImageDigestMirrorSet' "$work/idms.yaml"

# A mirror-set file and a mapping file are inputs too.
expect 0 '' -- zb ics --format itms "$m2m/working-dir/cluster-resources/itms-oc-mirror.yaml"
contains 'registry.redhat.io/rhel9' "$work/out"
expect 0 '' -- zb ics "$v1/results-1735689600/mapping.txt"
contains 'registry.redhat.io/compliance' "$work/out"
echo "ics: ok"
