#!/usr/bin/env bash
# inspect --readiness (issue 23): per release, catalog and image the run names, where it is, what
# it carries and, for a release, its signature; ready or not as create's seal gate would judge.
# The JSON is checked field by field against what the sample was made of.
source "$(dirname "$0")/lib.sh"
cd "$work"
m2d=$SAMPLE/v2/mirror_000001.tar
key=("${release_keys[@]}")
release_digest=$(zb inspect "$m2d" --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["releases"][0]["digest"])')

expect 0 '' -- zb inspect "$m2d" --readiness --json "${key[@]}"
"$PYTHON" - "$work/out" "$release_digest" <<'PY' || fail "the readiness report of the sample is wrong: $(cat "$work/out")"
import json, sys
report, release_digest = json.load(open(sys.argv[1])), sys.argv[2]
assert report["ready"] is True and report["problems"] == [], report
by_source = {image["source"]: image for image in report["images"]}
assert len(by_source) == 7, sorted(by_source)
release = by_source["quay.io/openshift-release-dev/ocp-release:4.16.5-multi"]
assert release == {"category": "release", "source": "quay.io/openshift-release-dev/ocp-release:4.16.5-multi",
                   "location": "openshift/release-images:4.16.5-multi", "present": True,
                   "digest": release_digest, "platforms": ["amd64", "s390x"], "signature": "verified",
                   "release_signature": "verified"}, release
catalog = by_source["registry.redhat.io/redhat/redhat-operator-index:v4.16"]
assert (catalog["category"], catalog["location"], catalog["present"], catalog["platforms"], catalog["signature"],
        catalog["release_signature"]) == ("catalog", "redhat/redhat-operator-index:v4.16", True, ["s390x"], None, None), catalog
postgresql = by_source["registry.redhat.io/rhel9/postgresql-15:latest"]
assert (postgresql["category"], postgresql["platforms"]) == ("generic", ["amd64", "s390x"]), postgresql
assert all(i["digest"].startswith("sha256:") and len(i["digest"]) == 71 for i in report["images"]), report
PY
expect 0 '' -- zb inspect "$m2d" --readiness "${key[@]}"
contains '^readiness: ready$' "$work/out"
contains '^    at openshift/release-images:4.16.5-multi: present, amd64,s390x, signature verified, release signature verified$' "$work/out"

# without the keys the signatures are there but unverified: not ready, as create would refuse
expect 1 'readiness: 2 problems' -- zb inspect "$m2d" --readiness --json
"$PYTHON" - "$work/out" <<'PY' || fail "an unverified signature is not reported: $(cat "$work/out")"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["ready"] is False, report
assert [p["kind"] for p in report["problems"]] == ["unverified-signature"] * 2, report["problems"]
release = next(i for i in report["images"] if i["category"] == "release")
assert (release["signature"], release["release_signature"]) == ("unverified-signature",) * 2, release
PY

# an image the run names that the mirror lacks: MISSING, no digest, no platforms
mkdir image && "$PYTHON" "$TEST_DATA/tamper_mirror.py" "$m2d" image/mirror_000001.tar drop-image
expect 1 'readiness: 1 problems' -- zb inspect image --readiness "${key[@]}" --json
"$PYTHON" - "$work/out" <<'PY' || fail "a missing image is not reported: $(cat "$work/out")"
import json, sys
report = json.load(open(sys.argv[1]))
ubi = next(i for i in report["images"] if i["source"].startswith("registry.redhat.io/ubi9/ubi@"))
assert (ubi["present"], ubi["digest"], ubi["platforms"]) == (False, "", []), ubi
assert [p["kind"] for p in report["problems"]] == ["missing-image"], report["problems"]
PY
expect 1 'readiness: 1 problems' -- zb inspect image --readiness "${key[@]}"
contains '^readiness: NOT READY, 1 problems$' "$work/out"
contains '^    at ubi9/ubi@sha256:[0-9a-f]{64}: MISSING$' "$work/out"
expect 2 'name at least one oc-mirror output' -- zb inspect --readiness
echo "readiness: ok"
