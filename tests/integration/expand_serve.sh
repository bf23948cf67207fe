#!/usr/bin/env bash
# End to end on the bastion side: a bundle of the generated sample is expanded, the expanded
# registry is served by Debian's docker-registry over TLS on 127.0.0.1 with a certificate from
# an OpenSSL-made CA, the bundle is applied to a temporary root with that CA, and skopeo pulls
# the release image by its ORIGINAL name and digest through the mirror, using only the applied
# registries.conf drop-in and certs.d; without the CA it fails.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
command -v skopeo >/dev/null || fail "skopeo is not installed (scripts/bootstrap.sh installs it)"
cd "$work"

start_tls_registry "$work/bastion/registry" '  maintenance: {readonly: {enabled: true}}'
mirror=127.0.0.1:$port
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key --mirror "$mirror" --ca pki/root.pem -o b.zb
expect 0 '' -- zbx expand b.zb --to bastion --pubkey key.pub


mkdir -p root/etc/pki/ca-trust/source/anchors
expect 0 '' -- zbx apply b.zb --pubkey key.pub --root root
release_digest=$(zb inspect b.zb --pubkey key.pub --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["releases"][0]["digest"])')
[[ $release_digest =~ ^sha256:[0-9a-f]{64}$ ]] || fail "no release digest in the bundle"
source_ref="docker://quay.io/openshift-release-dev/ocp-release@$release_digest"
conf=root/etc/containers/registries.conf.d/50-zbundle-127.0.0.1-$port.conf
certs=root/etc/containers/certs.d/$mirror

# through the mirror, by the original name: the drop-in redirects, certs.d makes TLS trusted
skopeo --registries-conf "$conf" inspect --raw --cert-dir "$certs" "$source_ref" >manifest.json \
  || fail "skopeo could not pull $source_ref through the mirror"
[ "sha256:$(sha256sum <manifest.json | cut -c1-64)" = "$release_digest" ] || fail "the mirror served other bytes"
skopeo --override-arch s390x --registries-conf "$conf" inspect --no-tags --cert-dir "$certs" "$source_ref" | grep -q '"Architecture": "s390x"' \
  || fail "the release image's config did not come through"
# without the CA the same pull fails: trust comes from what apply installed, nothing else
mkdir empty-certs
if skopeo --registries-conf "$conf" inspect --raw --cert-dir empty-certs "$source_ref" >/dev/null 2>err; then
  fail "the pull succeeded without the mirror's CA"
fi
grep -qi 'certificate' err || fail "the failure without the CA is not about the certificate: $(cat err)"
