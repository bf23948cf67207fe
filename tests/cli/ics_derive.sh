#!/usr/bin/env bash
# Image content sources derived from a mirror-to-disk run alone (issue 4): the icsp.yaml
# `hcp create cluster agent --image-content-sources` needs, --check against oc-mirror's own
# mirror sets, and --strict when the run's records are incomplete.
source "$(dirname "$0")/lib.sh"

m2d=$SAMPLE/v2/mirror_000001.tar

# Written by hand from oc-mirror v2's disk-to-mirror rules (oc-mirror-formats.md 2.3) for the sample's
# release, operator bundle + related image, and additional images; the catalog is left out.
cat >"$work/expected.yaml" <<'YAML'
- source: quay.io/openshift-release-dev/ocp-release
  mirrors:
    - mirror.example:8443/openshift/release-images
- source: quay.io/openshift-release-dev/ocp-v4.0-art-dev
  mirrors:
    - mirror.example:8443/openshift/release
- source: registry.redhat.io/compliance
  mirrors:
    - mirror.example:8443/compliance
- source: registry.redhat.io/ubi9
  mirrors:
    - mirror.example:8443/ubi9
YAML
expect 0 '' -- zb ics "$m2d" --format hcp --mirror mirror.example:8443
diff -u "$work/expected.yaml" "$work/out" || fail "derived icsp.yaml differs"

# --max-nested-paths 2 into a namespace: repository scope, every path below the mirror one
# component under zone (oc-mirror's WithMaxNestedPaths, by hand); the option is bounded.
expect 0 '' -- zb ics "$m2d" --format hcp --mirror mirror.example:8443/zone --max-nested-paths 2
grep -q -- '- mirror.example:8443/zone/openshift-release-images$' "$work/out" || fail "release images not limited: $(cat "$work/out")"
grep -q -- '- mirror.example:8443/zone/openshift-release$' "$work/out" || fail "release payload not limited: $(cat "$work/out")"
grep -q -- '- source: registry.redhat.io/ubi9/ubi$' "$work/out" || fail "not repository scope: $(cat "$work/out")"
if grep -E -- '- mirror.example:8443/zone/[^ ]*/' "$work/out"; then fail "a path deeper than 2 below the registry"; fi
expect 2 'max-nested-paths 65: at most 64' -- zb ics "$m2d" --mirror m.example --max-nested-paths 65

# The tag-mirrored additional image goes to the ITMS only; the release image to both.
expect 0 '' -- zb ics "$m2d" --format itms --mirror mirror.example:8443
contains 'source: registry.redhat.io/rhel9' "$work/out"
contains 'source: quay.io/openshift-release-dev/ocp-release' "$work/out"

# v1: the seq archive's .metadata.json gives the same sources, all by digest (ICSP).
expect 0 '' -- zb ics "$SAMPLE/v1/mirror_seq1_000000.tar" --format json --mirror mirror.example:8443
"$PYTHON" - "$work/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
got = {s["source"]: [(m["location"], m["digest"], m["tag"]) for m in s["mirrors"]] for s in doc["sources"]}
want = {
    "quay.io/openshift-release-dev/ocp-release": [("mirror.example:8443/openshift/release-images", True, False)],
    "quay.io/openshift-release-dev/ocp-v4.0-art-dev": [("mirror.example:8443/openshift/release", True, False)],
    "registry.redhat.io/compliance": [("mirror.example:8443/compliance", True, False)],
    "registry.redhat.io/rhel9": [("mirror.example:8443/rhel9", True, False)],
    "registry.redhat.io/ubi9": [("mirror.example:8443/ubi9", True, False)],
}
assert got == want, got
PY

# --check: our rules against oc-mirror's own output for the same run.
expect 0 'agree' -- zb ics --check "$m2d" "$SAMPLE/v2-m2m"
expect 0 'agree' -- zb ics --check "$SAMPLE/v1/mirror_seq1_000000.tar" "$SAMPLE/v1/oc-mirror-workspace"
sed 's|source: registry.redhat.io/ubi9|source: registry.redhat.io/ubi8|' \
  "$SAMPLE/v2-m2m/working-dir/cluster-resources/idms-oc-mirror.yaml" >"$work/idms-disagreeing.yaml"
expect 1 '2 differences between oc-mirror' -- zb ics --check "$m2d" "$work/idms-disagreeing.yaml" \
  "$SAMPLE/v2-m2m/working-dir/cluster-resources/itms-oc-mirror.yaml"
contains '^only in oc-mirror.s mirror sets: registry.redhat.io/ubi8 -> mirror.example.internal:8443/ubi9 \(digest\)$' "$work/out"
contains '^only derived: registry.redhat.io/ubi9 -> mirror.example.internal:8443/ubi9 \(digest\)$' "$work/out"

# A run whose release records are missing: the rest is still derived, the gap is named, and
# --strict turns it into a failure.
"$PYTHON" - "$m2d" "$work/mirror_000001.tar" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as src, tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as dst:
    for member in src.getmembers():
        if "/hold-release/" not in member.name:
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
PY
expect 0 'warning: release 4.16.5-multi: its payload images cannot be mapped' -- zb ics "$work/mirror_000001.tar" --mirror m.example
if grep -q ocp-v4.0-art-dev "$work/out"; then fail "payload sources derived without records"; fi
contains 'openshift/release-images' "$work/out"
expect 1 'cannot be mapped \(--strict\)' -- zb ics "$work/mirror_000001.tar" --mirror m.example --strict -o "$work/strict.yaml"
[ ! -e "$work/strict.yaml" ] || fail "--strict failure still wrote its output"
echo "ics_derive: ok"
