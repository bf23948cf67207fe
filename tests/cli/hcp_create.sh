#!/usr/bin/env bash
# hcp-create-cluster.sh as zbundle renders it from a bundle, run against a stand-in `hcp` that
# records its arguments (no hosted cluster can be made here): the procedure's flags, the
# release by digest, SingleReplica by default, the default catalogs by the digest the bundle's
# registry holds, --render writing the manifests for review, and what it refuses.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --mirror mirror.test:8443/ocp \
  --ca pki/root.pem --sign-key key.key -o b.zb
expect 0 '' -- zb artifacts b.zb --pubkey key.pub --mirror site.example:5000/mirror --ca pki/root.pem -o rendered
catalog_digest=$(tar -xOf "$SAMPLE/v2/mirror_000001.tar" \
  docker/registry/v2/repositories/redhat/redhat-operator-index/_manifests/tags/v4.16/current/link)

mkdir bin
cat >bin/hcp <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$HCP_ARGS"
case " $* " in *" --render "*) echo "kind: HostedCluster" ;; esac
SH
chmod +x bin/hcp
export HCP_ARGS=$work/args
# The site's values, as an admin fills them in
sed -e 's|^NAME=.*|NAME=hc1|' -e "s|^PULL_SECRET='.*|PULL_SECRET=ps.json|" -e 's|^AGENT_NAMESPACE=.*|AGENT_NAMESPACE=agents|' \
  -e 's|^BASE_DOMAIN=.*|BASE_DOMAIN=example.com|' -e 's|^API_SERVER_ADDRESS=.*|API_SERVER_ADDRESS=192.0.2.10|' \
  -e 's|^ETCD_STORAGE_CLASS=.*|ETCD_STORAGE_CLASS=lvms|' -e 's|^SSH_KEY=.*|SSH_KEY=id.pub|' \
  -e 's|^NAMESPACE=.*|NAMESPACE=clusters|' rendered/hcp-create-cluster.sh >rendered/site.sh
run() { PATH="$work/bin:$PATH" sh rendered/site.sh "$@"; }
# arg FLAG: the value hcp got for FLAG (every one, one per line)
arg() { awk -v flag="$1" 'take { print; take = 0 } $0 == flag { take = 1 }' args; }

run 2>err || fail "hcp-create-cluster.sh failed: $(cat err)"
[ "$(arg --control-plane-availability-policy)" = SingleReplica ] || fail "not SingleReplica by default: $(cat args)"
[ "$(arg --olm-catalog-placement)" = management ] || fail "catalog placement: $(cat args)"
[ "$(arg --name)" = hc1 ] && [ "$(arg --namespace)" = clusters ] || fail "the site's values were not passed: $(cat args)"
[ "$(arg --image-content-sources)" = "$work/rendered/icsp.yaml" ] || fail "no --image-content-sources"
[ "$(arg --additional-trust-bundle)" = "$work/rendered/ca-bundle.crt" ] || fail "no --additional-trust-bundle"
arg --release-image | grep -Eq '^quay.io/openshift-release-dev/ocp-release@sha256:[0-9a-f]{64}$' \
  || fail "the release is not pinned by digest: $(arg --release-image)"
[ "$(arg --annotations)" = "hypershift.openshift.io/redhat-operators-catalog-image=site.example:5000/mirror/redhat/redhat-operator-index@$catalog_digest" ] \
  || fail "the redhat-operators catalog is not the mirrored one by digest: $(arg --annotations)"

run --availability-policy HighlyAvailable --olm-catalog-placement guest 2>err || fail "HighlyAvailable failed: $(cat err)"
[ "$(arg --control-plane-availability-policy)" = HighlyAvailable ] || fail "HighlyAvailable was not passed"
[ -z "$(arg --annotations)" ] || fail "guest placement still annotates the management catalogs"

# --render: the manifests for review, readable by their owner only (they hold the secrets)
run --render 2>err || fail "--render failed: $(cat err)"
contains 'review it, then oc apply -f it' err
[ "$(cat rendered/hosted-cluster.yaml)" = "kind: HostedCluster" ] || fail "--render did not write hosted-cluster.yaml"
[ "$(stat -c %a rendered/hosted-cluster.yaml)" = 600 ] || fail "hosted-cluster.yaml is readable by others"
grep -qx -- --render-sensitive args || fail "--render without --render-sensitive leaves the secrets out"

rm args
expect 2 'usage: hcp-create-cluster.sh' -- run --availability-policy Single
expect 2 'usage: hcp-create-cluster.sh' -- run --olm-catalog-placement nowhere
expect 2 'replace the placeholder <cluster-name>' -- env PATH="$work/bin:$PATH" sh rendered/hcp-create-cluster.sh
[ ! -e args ] || fail "hcp ran though the script refused"

# rendered from oc-mirror output, which has no registry index: no digest, so no annotation
expect 0 '' -- zb artifacts "$SAMPLE/v2" --mirror site.example:5000/mirror --ca pki/root.pem -o from-source
contains 'no default catalog is mirrored' from-source/hcp-create-cluster.sh
