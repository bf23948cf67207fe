#!/usr/bin/env bash
# create's seal gate (issue 23): a mirror that would fail the installation is not signed, every
# problem named with its kind and image, nothing written; a waiver (--allow KIND) signs it and
# the bundle says so first in inspect, on both sides; faults of the bytes cannot be waived.
source "$(dirname "$0")/lib.sh"
cd "$work"
m2d=$SAMPLE/v2/mirror_000001.tar
tamper() { "$PYTHON" "$TEST_DATA/tamper_mirror.py" "$m2d" "$2" "$1" "${@:3}"; }
zb keygen --out key >/dev/null

# the sample is complete: signed, and inspect says nothing was waived
expect 0 '' -- zb create "${release_keys[@]}" "$m2d" --sign-key key.key -o clean.zb
expect 0 '' -- zbx inspect clean.zb --pubkey key.pub
[ "$(head -1 "$work/out")" = "waivers: none (every check passed when it was signed)" ] \
  || fail "inspect does not open with the waivers: $(head -3 "$work/out")"

# an image the ImageSetConfiguration names is not in the mirror: refused, named, nothing written
mkdir image && tamper drop-image image/mirror_000001.tar
expect 1 'not signed: 1 problems would fail the installation.*--allow missing-image' -- zb create "${release_keys[@]}" image --sign-key key.key -o image.zb
grep -q 'missing-image: registry.redhat.io/ubi9/ubi@sha256:[0-9a-f]\{64\}: expected ubi9/ubi@sha256:' "$work/err" \
  || fail "the missing image is not named: $(cat "$work/err")"
[ ! -e image.zb ] || fail "a refused bundle was written"
# waived: signed, and the waiver comes first on both sides, in text and JSON
expect 0 '' -- zb create "${release_keys[@]}" image --sign-key key.key --allow missing-image -o image.zb
for inspect in "zb inspect" "zbx inspect"; do
  expect 0 '' -- $inspect image.zb --pubkey key.pub
  [ "$(head -1 "$work/out")" = "WAIVED missing-image (1): signed despite" ] \
    || fail "$inspect does not open with the waiver: $(head -3 "$work/out")"
  grep -q '^  registry.redhat.io/ubi9/ubi@sha256:' "$work/out" || fail "$inspect does not name the waived image"
  # the readiness section: the waived image missing, the others present
  grep -q '^  image:        generic registry.redhat.io/ubi9/ubi@sha256:[0-9a-f]* MISSING at ubi9/ubi@sha256:' "$work/out" \
    || fail "$inspect does not show the missing image: $(grep image: "$work/out")"
  [ "$(grep -c '^  image: .* present at ' "$work/out")" -ge 5 ] || fail "$inspect does not show the present images"
done
validate image.zb
expect 0 '' -- zbx inspect image.zb --pubkey key.pub --json
"$PYTHON" - "$work/out" <<'PY'
import json, sys
waivers = json.load(open(sys.argv[1]))["waivers"]
assert [w["kind"] for w in waivers] == ["missing-image"], waivers
assert len(waivers[0]["problems"]) == 1 and "registry.redhat.io/ubi9/ubi@sha256:" in waivers[0]["problems"][0], waivers
PY

# a single-arch release cannot run a hosted control plane on an amd64 management cluster (the
# tampered tag names a manifest the sample did not sign, hence missing-signature waived too)
mkdir single && tamper single-arch-release single/mirror_000001.tar
expect 1 'release-arch: openshift/release-images:4.16.5-multi: expected amd64, got s390x' -- zb create "${release_keys[@]}" single --sign-key key.key -o single.zb
expect 1 '--allow release-arch' -- zb create "${release_keys[@]}" single --sign-key key.key -o single.zb
expect 0 '' -- zb create "${release_keys[@]}" single --sign-key key.key --management-arch none --allow missing-signature -o single.zb
expect 0 '' -- zb create "${release_keys[@]}" single --sign-key key.key --allow release-arch,missing-signature -o waived.zb
expect 0 '' -- zbx inspect waived.zb --pubkey key.pub
contains '^WAIVED release-arch \(1\): signed despite$' "$work/out"
# the nodes' platform: a bundle for amd64 nodes lacks it in most of the sample
expect 1 'missing-arch: .*expected amd64, got s390x' -- zb create "${release_keys[@]}" "$m2d" --sign-key key.key --arch amd64 -o amd.zb

# release signatures: required, naming the release's digest, verified with --release-key
key=("${release_keys[@]}")
expect 1 'unverified-signature: openshift/release-images:4.16.5-multi -> sha256-[0-9a-f]{64}.sig: present, not verified: no --release-key given' -- zb create "$m2d" --sign-key key.key -o unverified.zb
expect 0 '' -- zb create "$m2d" --sign-key key.key --allow unverified-signature -o unverified.zb
"$TEST_DATA/make-pki.sh" other >/dev/null
openssl pkey -in other/leaf.key -pubout -out other.pub
expect 1 'invalid-signature: .*expected a signature of sha256:[0-9a-f]{64}, got no --release-key verifies it' -- zb create "$m2d" --sign-key key.key --release-key other.pub -o other.zb
expect 0 '' -- zb create "$m2d" --sign-key key.key --release-key other.pub "${key[@]}" -o either.zb
expect 2 '--allow invalid-signature: cannot be waived' -- zb create "$m2d" --sign-key key.key --allow invalid-signature -o other.zb
mkdir unsigned && tamper drop-signature unsigned/mirror_000001.tar
expect 1 'missing-signature: openshift/release-images:4.16.5-multi: expected sha256-[0-9a-f]{64}.sig, got no such tag in the mirror' -- zb create unsigned "${key[@]}" --sign-key key.key -o unsigned.zb
expect 0 '' -- zb create unsigned "${key[@]}" --sign-key key.key --allow missing-signature -o unsigned.zb
mkdir other-digest && tamper signature-of-other other-digest/mirror_000001.tar
expect 1 'invalid-signature: openshift/release-images:4.16.5-multi -> sha256-[0-9a-f]{64}.sig: expected a signature of (sha256:[0-9a-f]{64}), got names sha256:' -- zb create other-digest "${key[@]}" --sign-key key.key --management-arch none -o other-digest.zb
[ ! -e other.zb ] && [ ! -e other-digest.zb ] || fail "a bundle with an invalid signature was written"

# OpenPGP release signatures: verified through gpgv with --release-keyring, naming the digest
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent 2>/dev/null; rm -rf "$work"' EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key 'zbundle test release key' ed25519 sign never 2>/dev/null
gpg --batch --quiet --export --output test-keyring.gpg
release_digest=$(tar -xOf "$m2d" --wildcards '*/openshift/release-images/_manifests/tags/4.16.5-multi/current/link')
openpgp_sign() { # NAME DIGEST [TYPE]: a signed message of an atomic container signature
  printf '{"critical":{"identity":{"docker-reference":"quay.io/openshift-release-dev/ocp-release:4.16.5-multi"},"image":{"docker-manifest-digest":"%s"},"type":"%s"},"optional":{}}' \
    "$2" "${3:-atomic container signature}" >"$1.json"
  gpg --batch --quiet --yes --sign --output "$1.gpg" "$1.json"
}
sigstore=(--release-key "$SAMPLE/release-key.pem")
expect 1 'unverified-signature: openshift/release-images:4.16.5-multi -> release signature: present, not verified: no --release-keyring given' -- zb create "$m2d" "${sigstore[@]}" --sign-key key.key -o pgp.zb
expect 0 '' -- zb create "$m2d" "${sigstore[@]}" --allow unverified-signature --sign-key key.key -o pgp.zb
rm pgp.zb
expect 1 "invalid-signature: openshift/release-images:4.16.5-multi -> release signature: expected a signature of $release_digest, got no key of --release-keyring verifies it \\(gpgv\\)" -- zb create "$m2d" "${sigstore[@]}" --release-keyring test-keyring.gpg --sign-key key.key -o pgp.zb
expect 2 'missing.gpg: --release-keyring: not a readable file' -- zb create "$m2d" "${sigstore[@]}" --release-keyring missing.gpg --sign-key key.key -o pgp.zb
# the run's signature replaced by one of the test key: that keyring verifies it, the sample's not
openpgp_sign good "$release_digest"
mkdir pgp-good && tamper openpgp-signature pgp-good/mirror_000001.tar good.gpg
expect 0 '' -- zb create pgp-good "${sigstore[@]}" --release-keyring test-keyring.gpg --sign-key key.key -o pgp.zb
expect 1 'invalid-signature: .* -> release signature: .*no key of --release-keyring verifies it' -- zb create pgp-good "${release_keys[@]}" --sign-key key.key -o never.zb
expect 0 '' -- zb inspect pgp-good --readiness "${sigstore[@]}" --release-keyring test-keyring.gpg
contains '^    at openshift/release-images:4.16.5-multi: .*, signature verified, release signature verified$' "$work/out"
openpgp_sign other "sha256:$(printf '0%.0s' {1..64})"
mkdir pgp-other && tamper openpgp-signature pgp-other/mirror_000001.tar other.gpg
expect 1 'invalid-signature: .* -> release signature: expected a signature of sha256:[0-9a-f]{64}, got names sha256:0{64}' -- zb create pgp-other "${sigstore[@]}" --release-keyring test-keyring.gpg --sign-key key.key -o never.zb
openpgp_sign cosign "$release_digest" 'cosign container image signature'
mkdir pgp-type && tamper openpgp-signature pgp-type/mirror_000001.tar cosign.gpg
expect 1 'invalid-signature: .*got the signed payload is not an atomic container signature' -- zb create pgp-type "${sigstore[@]}" --release-keyring test-keyring.gpg --sign-key key.key -o never.zb
# a signed message that inflates past 64 KiB is cut short, gpgv killed: refused, nothing read on
head -c 2000000 /dev/zero >bomb.json
gpg --batch --quiet --sign --output bomb.gpg bomb.json
[ "$(stat -c %s bomb.gpg)" -lt 65536 ] || fail "the bomb does not compress"
mkdir pgp-bomb && tamper openpgp-signature pgp-bomb/mirror_000001.tar bomb.gpg
expect 1 'invalid-signature: .*got its signed content is larger than 65536 bytes' -- zb create pgp-bomb "${sigstore[@]}" --release-keyring test-keyring.gpg --sign-key key.key -o never.zb
printf 'not an OpenPGP message' >garbage.gpg
mkdir pgp-garbage && tamper openpgp-signature pgp-garbage/mirror_000001.tar garbage.gpg
expect 1 'invalid-signature: .* -> release signature: .*no key of --release-keyring verifies it' -- zb create pgp-garbage "${sigstore[@]}" --release-keyring test-keyring.gpg --sign-key key.key -o never.zb
mkdir pgp-none && tamper openpgp-signature pgp-none/mirror_000001.tar -
expect 1 "missing-signature: openshift/release-images:4.16.5-multi -> release signature: no OpenPGP signature of $release_digest in the run" -- zb create pgp-none "${release_keys[@]}" --sign-key key.key -o never.zb
expect 0 '' -- zb create pgp-none "${release_keys[@]}" --allow missing-signature --sign-key key.key -o pgp-none.zb
[ ! -e never.zb ] || fail "a bundle with a bad release signature was written"

# the hosted control planes artifacts rendered (--mirror, --ca): the Agent platform's multicluster
# engine and assisted-service content is named where the mirror lacks it (a warning: a management
# cluster may have it from an earlier bundle)
agent=(--mirror mirror.test:8443 --ca other/root.pem --sign-key key.key)
expect 0 'warning: missing-agent-content: multicluster-engine/assisted-service-\*: not in the mirror' -- zb create "$m2d" "${release_keys[@]}" "${agent[@]}" -o agent.zb
[ "$(grep -c 'warning: missing-agent-content: multicluster-engine/' "$work/err")" = 8 ] || fail "not every agent component is named: $(cat "$work/err")"
# --json carries the same warnings (a script hears what a person reads on stderr)
expect 0 '' -- zb create "$m2d" "${release_keys[@]}" "${agent[@]}" --json -o agent-json.zb
"$PYTHON" - "$work/out" <<'PY' || fail "create --json lacks the agent warnings: $(cat "$work/out")"
import json, sys
warnings = json.load(open(sys.argv[1]))["warnings"]
agent = [w for w in warnings if w["kind"] == "missing-agent-content"]
assert len(agent) == 8 and all(w["path"].startswith("multicluster-engine/") for w in agent), warnings
PY
expect 0 '' -- zb create "$m2d" "${release_keys[@]}" --sign-key key.key -o agent.zb
! grep -q missing-agent-content "$work/err" || fail "agent content named although held or not rendered: $(cat "$work/err")"
mkdir agent-but-one && tamper agent-content agent-but-one/mirror_000001.tar assisted-installer-agent-rhel9
expect 0 '' -- zb create agent-but-one "${release_keys[@]}" "${agent[@]}" -o agent.zb
[ "$(grep 'missing-agent-content' "$work/err")" = "zbundle: warning: missing-agent-content: multicluster-engine/assisted-installer-agent-rhel*: not in the mirror; the Agent platform's management cluster pulls it" ] \
  || fail "the missing agent is not named alone: $(cat "$work/err")"
mkdir agent-all && tamper agent-content agent-all/mirror_000001.tar
expect 0 '' -- zb create agent-all "${release_keys[@]}" "${agent[@]}" -o agent.zb
! grep -q missing-agent-content "$work/err" || fail "agent content named although held or not rendered: $(cat "$work/err")"

# faults of the bytes are never waivable; unknown kinds are named
mkdir flip && tamper flip flip/mirror_000001.tar
expect 1 'digest-mismatch' -- zb create "${release_keys[@]}" flip --sign-key key.key -o flip.zb
expect 2 '--allow digest-mismatch: cannot be waived.*waivable: missing-image, missing-arch, release-arch, missing-signature, unverified-signature, schema1' -- zb create "${release_keys[@]}" flip --sign-key key.key --allow missing-image,digest-mismatch -o flip.zb
expect 2 '--allow no-such-kind: no such problem kind' -- zb create "${release_keys[@]}" "$m2d" --sign-key key.key --allow no-such-kind -o never.zb
[ ! -e flip.zb ] && [ ! -e never.zb ] || fail "a refused bundle was written"
echo "seal_gate: ok"
