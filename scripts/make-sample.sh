#!/usr/bin/env bash
# Generates small but real oc-mirror output for the demo and the tests:
#   OUT/v2/mirror_000001.tar + OUT/v2/working-dir   an oc-mirror v2 mirror-to-disk run
#   OUT/v2-m2m/working-dir/cluster-resources/       what a v2 mirror-to-mirror run writes
#   OUT/v1/oc-mirror-workspace/{src,results-*}      an oc-mirror v1 workspace after publishing
#   OUT/v1/mirror_seq1_000000.tar                   the v1 archive of that workspace's src/
# Every blob is real: gzip layers made with tar, configs, OCI manifests and two multi-arch
# indexes (linux/amd64 + linux/s390x: the release, as hosted control planes on IBM Z need it,
# and one additional image), each stored under its true sha256. Output is
# reproducible: fixed timestamps, owners and ordering.
#
# usage: scripts/make-sample.sh OUT_DIR
set -euo pipefail

out=${1:?usage: make-sample.sh OUT_DIR}
mirror=mirror.example.internal:8443
epoch=1735689600
stamp=2025-01-01T00:00:00Z
# SAMPLE_RELEASE: the release's tag; another than the default makes another release image
# (the next z-stream of a day-2 test), everything else the same.
release=${SAMPLE_RELEASE:-4.16.5-multi}
release_image_name=ocp-release
[ "$release" = 4.16.5-multi ] || release_image_name=ocp-release-$release

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store=$work/cache/docker/registry/v2
mkdir -p "$store"

tar_flags=(--sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=pax
           --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# put_blob FILE: stores FILE as a registry blob; prints its digest.
put_blob() {
  local hex
  hex=$(sha "$1")
  mkdir -p "$store/blobs/sha256/${hex:0:2}/$hex"
  cp "$1" "$store/blobs/sha256/${hex:0:2}/$hex/data"
  echo "sha256:$hex"
}

link() { mkdir -p "$(dirname "$1")"; printf '%s' "$2" >"$1"; }

# make_image NAME ARCH: a one-layer image; prints the manifest digest. Leaves
# $work/manifest-<digest>.json behind for indexes and the v1 layout.
make_image() {
  local name=$1 arch=$2 dir=$work/layer-$1-$2
  mkdir -p "$dir/etc"
  printf 'image %s for %s\nbuilt by zbundle make-sample.sh\n' "$name" "$arch" >"$dir/etc/zbundle-sample"
  head -c 2048 /dev/zero | tr '\0' "${arch:0:1}" >"$dir/etc/padding"
  tar "${tar_flags[@]}" -cf "$work/$name-$arch.tar" -C "$dir" etc
  gzip -n -9 -c "$work/$name-$arch.tar" >"$work/$name-$arch.tar.gz"
  local diff_id layer layer_size config config_size manifest
  diff_id=sha256:$(sha "$work/$name-$arch.tar")
  layer=$(put_blob "$work/$name-$arch.tar.gz")
  layer_size=$(size "$work/$name-$arch.tar.gz")
  printf '{"architecture":"%s","os":"linux","config":{"Labels":{"name":"%s"}},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$arch" "$name" "$diff_id" >"$work/$name-$arch.config.json"
  config=$(put_blob "$work/$name-$arch.config.json")
  config_size=$(size "$work/$name-$arch.config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config" "$config_size" "$layer" "$layer_size" >"$work/m.json"
  manifest=$(put_blob "$work/m.json")
  mv "$work/m.json" "$work/manifest-$manifest.json"
  printf '%s %s\n' "$config" "$layer" >"$work/blobs-of-$manifest"
  echo "$manifest"
}

# make_index NAME: a linux/amd64 + linux/s390x index; prints its digest.
make_index() {
  local amd s390 amd_size s390_size index
  amd=$(make_image "$1" amd64)
  s390=$(make_image "$1" s390x)
  amd_size=$(size "$work/manifest-$amd.json")
  s390_size=$(size "$work/manifest-$s390.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"s390x","os":"linux"}}]}' \
    "$amd" "$amd_size" "$s390" "$s390_size" >"$work/i.json"
  index=$(put_blob "$work/i.json")
  mv "$work/i.json" "$work/manifest-$index.json"
  printf '%s %s\n' "$amd" "$s390" >"$work/children-of-$index"
  cat "$work/blobs-of-$amd" "$work/blobs-of-$s390" | tr '\n' ' ' >"$work/blobs-of-$index"
  echo "$index"
}

# sign_release DIGEST: a sigstore signature of the release as cosign attaches it (an OCI manifest
# whose layer is the simple-signing payload, the ECDSA P-256 signature in its annotation) made
# with a key generated here; prints the signature manifest's digest. OUT/release-key.pem is its
# public key, for `zbundle create --release-key`. The key and signature are the one part of
# the sample that differs from run to run.
sign_release() {
  local payload payload_size config config_size signature manifest
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/release.key" 2>/dev/null
  openssl pkey -in "$work/release.key" -pubout -out "$out/release-key.pem"
  printf '{"critical":{"identity":{"docker-reference":"quay.io/openshift-release-dev/ocp-release"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
    "$1" >"$work/payload.json"
  payload=$(put_blob "$work/payload.json")
  payload_size=$(size "$work/payload.json")
  signature=$(openssl dgst -sha256 -sign "$work/release.key" "$work/payload.json" | base64 -w0)
  printf '{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{}}' \
    "$payload" >"$work/signature-config.json"
  config=$(put_blob "$work/signature-config.json")
  config_size=$(size "$work/signature-config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"%s","size":%s,"annotations":{"dev.cosignproject.cosign/signature":"%s"}}]}' \
    "$config" "$config_size" "$payload" "$payload_size" "$signature" >"$work/m.json"
  manifest=$(put_blob "$work/m.json")
  mv "$work/m.json" "$work/manifest-$manifest.json"
  printf '%s %s\n' "$config" "$payload" >"$work/blobs-of-$manifest"
  echo "$manifest"
}

# openpgp_sign_release TAG DIGEST: the release's OpenPGP signature as Red Hat publishes it, a
# signed message whose literal data is an "atomic container signature" naming the digest the
# release is pulled by, made with an Ed25519 key generated here into WORK/release-signature.gpg.
# OUT/release-keyring.gpg is the key, for `zbundle create --release-keyring`.
openpgp_sign_release() {
  local home
  home=$(mktemp -d) # short: gpg-agent's socket path has a length limit
  printf '{"critical":{"identity":{"docker-reference":"quay.io/openshift-release-dev/ocp-release:%s"},"image":{"docker-manifest-digest":"%s"},"type":"atomic container signature"},"optional":{"creator":"zbundle sample"}}' \
    "$1" "$2" >"$work/release-payload.json"
  GNUPGHOME=$home gpg --batch --quiet --passphrase '' --quick-gen-key 'zbundle sample release key' ed25519 sign never 2>/dev/null
  GNUPGHOME=$home gpg --batch --quiet --sign --output "$work/release-signature.gpg" "$work/release-payload.json"
  GNUPGHOME=$home gpg --batch --quiet --export --output "$out/release-keyring.gpg"
  GNUPGHOME=$home gpgconf --kill gpg-agent 2>/dev/null || true
  rm -rf "$home"
}

# register REPO TAG DIGEST: distribution link files for a tagged manifest (oc-mirror-formats.md 3).
register() {
  local repo=$store/repositories/$1 tag=$2 digest=$3 hex=${3#sha256:} blob child
  link "$repo/_manifests/tags/$tag/current/link" "$digest"
  link "$repo/_manifests/tags/$tag/index/sha256/$hex/link" "$digest"
  link "$repo/_manifests/revisions/sha256/$hex/link" "$digest"
  for child in $(cat "$work/children-of-$digest" 2>/dev/null); do
    link "$repo/_manifests/revisions/sha256/${child#sha256:}/link" "$child"
  done
  for blob in $(cat "$work/blobs-of-$digest"); do
    link "$repo/_layers/sha256/${blob#sha256:}/link" "$blob"
  done
}

release_image=$(make_index "$release_image_name")
release_signature=$(sign_release "$release_image")
openpgp_sign_release "$release" "$release_image"
etcd=$(make_image etcd s390x)
postgresql=$(make_index postgresql-15)
ubi=$(make_image ubi s390x)
catalog=$(make_image redhat-operator-index s390x)
compliance=$(make_image compliance-operator s390x)
bundle=$(make_image compliance-operator-bundle s390x)

register openshift/release-images "$release" "$release_image"
register openshift/release-images "sha256-${release_image#sha256:}.sig" "$release_signature"
register openshift/release "$release-etcd" "$etcd"
register rhel9/postgresql-15 latest "$postgresql"
register ubi9/ubi "sha256-${ubi#sha256:}" "$ubi"
register redhat/redhat-operator-index v4.16 "$catalog"
register compliance/openshift-compliance-rhel8-operator "sha256-${compliance#sha256:}" "$compliance"
register compliance/openshift-compliance-operator-bundle "sha256-${bundle#sha256:}" "$bundle"

isc() {
  cat <<EOF
kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/$1
mirror:
  platform:
    architectures:
    - multi
    channels:
    - name: stable-4.16
      type: ocp
      minVersion: 4.16.5
      maxVersion: 4.16.5
  operators:
  - catalog: registry.redhat.io/redhat/redhat-operator-index:v4.16
    packages:
    - name: compliance-operator
  additionalImages:
  - name: registry.redhat.io/rhel9/postgresql-15:latest
  - name: registry.redhat.io/ubi9/ubi@$ubi
EOF
}

# --- oc-mirror v2 mirror-to-disk: mirror_000001.tar and its working-dir -------------------
v2=$work/v2stage
mkdir -p "$v2/working-dir/.history" "$v2/working-dir/logs" "$v2/working-dir/cluster-resources"
find "$store/blobs" -name data | sed 's|.*/\([0-9a-f]\{64\}\)/data|sha256:\1|' | sort \
  >"$v2/working-dir/.history/.history-$stamp"
printf '%s level=info msg="mirror-to-disk run of the zbundle sample"\n' "$stamp" \
  >"$v2/working-dir/logs/oc-mirror-20250101_000000.log"
isc v2alpha1 >"$v2/isc_$stamp"
# What oc-mirror keeps to know what it mirrored (run records): the release payload's
# image-references and the filtered file-based catalog (a stream of JSON objects).
payload=$v2/working-dir/hold-release/ocp-release/$release/release-manifests
mkdir -p "$payload"
printf '{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"%s"},"spec":{"tags":[{"name":"etcd","from":{"kind":"DockerImage","name":"quay.io/openshift-release-dev/ocp-v4.0-art-dev@%s"}}]}}\n' \
  "${release%-multi}" "$etcd" >"$payload/image-references"
# The release's OpenPGP signature as a mirror-to-disk run keeps it (<tag>-sha256-<hex>).
mkdir -p "$v2/working-dir/signatures"
cp "$work/release-signature.gpg" "$v2/working-dir/signatures/$release-sha256-${release_image#sha256:}"
fbc=$v2/working-dir/operator-catalogs/redhat-operator-index/${catalog#sha256:}/filtered-catalogs/0123456789abcdef/catalog-config/compliance-operator
mkdir -p "$fbc"
cat >"$fbc/catalog.json" <<EOF
{
    "schema": "olm.package",
    "name": "compliance-operator",
    "defaultChannel": "stable"
}
{
    "schema": "olm.channel",
    "name": "stable",
    "package": "compliance-operator",
    "entries": [{"name": "compliance-operator.v1.5.0"}]
}
{
    "schema": "olm.bundle",
    "name": "compliance-operator.v1.5.0",
    "package": "compliance-operator",
    "image": "registry.redhat.io/compliance/openshift-compliance-operator-bundle@$bundle",
    "properties": [{"type": "olm.package", "value": {"packageName": "compliance-operator", "version": "1.5.0"}}],
    "relatedImages": [
        {"name": "operator", "image": "registry.redhat.io/compliance/openshift-compliance-rhel8-operator@$compliance"},
        {"name": "bundle", "image": "registry.redhat.io/compliance/openshift-compliance-operator-bundle@$bundle"}
    ]
}
EOF
cp -r "$work/cache/docker" "$v2/docker"
(
  cd "$v2"
  # The order oc-mirror v2 writes (oc-mirror-formats.md 2.9): repositories, blobs, working-dir, isc.
  { find docker/registry/v2/repositories -type f | sort
    find docker/registry/v2/blobs -type f | sort
    find working-dir -type f | sort
    echo "isc_$stamp"; } >"$work/v2.list"
  mkdir -p "$out/v2"
  tar "${tar_flags[@]}" --no-recursion -cf "$out/v2/mirror_000001.tar" -T "$work/v2.list"
)
cp -r "$v2/working-dir" "$out/v2/working-dir"

# --- oc-mirror v2 mirror-to-mirror: the cluster resources it writes ---------------------------
cr=$out/v2-m2m/working-dir/cluster-resources
mkdir -p "$cr"
annotations="  annotations:
    createdAt: \"$stamp\"
    createdBy: oc-mirror v2
    oc-mirror_version: 4.16.0-sample"
cat >"$cr/idms-oc-mirror.yaml" <<EOF
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
$annotations
  name: idms-release-0
spec:
  imageDigestMirrors:
  - mirrors:
    - $mirror/openshift/release
    source: quay.io/openshift-release-dev/ocp-v4.0-art-dev
  - mirrors:
    - $mirror/openshift/release-images
    source: quay.io/openshift-release-dev/ocp-release
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
$annotations
  name: idms-operator-0
spec:
  imageDigestMirrors:
  - mirrors:
    - $mirror/compliance
    source: registry.redhat.io/compliance
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
$annotations
  name: idms-generic-0
spec:
  imageDigestMirrors:
  - mirrors:
    - $mirror/ubi9
    source: registry.redhat.io/ubi9
EOF
cat >"$cr/itms-oc-mirror.yaml" <<EOF
---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
$annotations
  name: itms-release-0
spec:
  imageTagMirrors:
  - mirrors:
    - $mirror/openshift/release-images
    source: quay.io/openshift-release-dev/ocp-release
---
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
$annotations
  name: itms-generic-0
spec:
  imageTagMirrors:
  - mirrors:
    - $mirror/rhel9
    source: registry.redhat.io/rhel9
EOF
cat >"$cr/cs-redhat-operator-index-v4-16.yaml" <<EOF
apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata:
$annotations
  name: cs-redhat-operator-index-v4-16
  namespace: openshift-marketplace
spec:
  image: $mirror/redhat/redhat-operator-index:v4.16
  sourceType: grpc
EOF
cat >"$cr/cc-redhat-operator-index-v4-16.yaml" <<EOF
apiVersion: olm.operatorframework.io/v1
kind: ClusterCatalog
metadata:
$annotations
  name: cc-redhat-operator-index-v4-16
spec:
  priority: 0
  source:
    image:
      ref: $mirror/redhat/redhat-operator-index:v4.16
    type: Image
EOF
cat >"$cr/updateService.yaml" <<EOF
apiVersion: updateservice.operator.openshift.io/v1
kind: UpdateService
metadata:
$annotations
  name: update-service-oc-mirror
  namespace: openshift-update-service
spec:
  graphDataImage: $mirror/openshift/graph-image:latest
  releases: $mirror/openshift/release-images
  replicas: 2
EOF
cat >"$cr/signature-configmap.yaml" <<EOF
apiVersion: v1
binaryData:
  sha256-${release_image#sha256:}-1: $(base64 -w0 "$work/release-signature.gpg")
kind: ConfigMap
metadata:
$annotations
  labels:
    release.openshift.io/verification-signatures: ""
  name: mirrored-release-signatures
  namespace: openshift-config-managed
EOF

# --- oc-mirror v1 workspace and archive -------------------------------------------------------
ws=$out/v1/oc-mirror-workspace
src=$ws/src
mkdir -p "$src/publish" "$src/blobs"
# v1 keeps manifests per repository (tags are symlinks) and blobs flat (oc-mirror-formats.md 1.7).
v1_repo() {
  local repo=$1 tag=$2 digest=$3 child blob
  mkdir -p "$src/v2/$repo/manifests"
  cp "$work/manifest-$digest.json" "$src/v2/$repo/manifests/$digest"
  ln -sfn "$digest" "$src/v2/$repo/manifests/$tag"
  for child in $(cat "$work/children-of-$digest" 2>/dev/null); do
    cp "$work/manifest-$child.json" "$src/v2/$repo/manifests/$child"
  done
  for blob in $(cat "$work/blobs-of-$digest"); do
    cp "$store/blobs/sha256/${blob:7:2}/${blob#sha256:}/data" "$src/blobs/$blob"
  done
}
v1_repo openshift/release-images "$release" "$release_image"
v1_repo openshift/release-images "sha256-${release_image#sha256:}.sig" "$release_signature"
v1_repo openshift/release "$release-etcd" "$etcd"
v1_repo rhel9/postgresql-15 latest "$postgresql"
v1_repo ubi9/ubi "${ubi:7:6}" "$ubi"
v1_repo redhat/redhat-operator-index v4.16 "$catalog"
v1_repo compliance/openshift-compliance-rhel8-operator "${compliance:7:6}" "$compliance"
v1_repo compliance/openshift-compliance-operator-bundle "${bundle:7:6}" "$bundle"
# The release's OpenPGP signature as `oc adm release mirror` writes it into a v1 archive: one
# ConfigMap per release, as JSON.
mkdir -p "$src/release-signatures"
printf '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"sha256-%s","namespace":"openshift-config-managed","creationTimestamp":null,"labels":{"release.openshift.io/verification-signatures":""}},"binaryData":{"sha256-%s-1":"%s"}}\n' \
  "${release_image#sha256:}" "${release_image#sha256:}" "$(base64 -w0 "$work/release-signature.gpg")" \
  >"$src/release-signatures/signature-sha256-${release_image:7:16}.json"

association() { # NAME PATH DIGEST TAG TYPE
  printf '{"name":"%s","path":"%s","id":"%s","tagSymlink":"%s","type":"%s","layerDigests":[]}' "$@"
}
{
  printf '{"kind":"Metadata","apiVersion":"mirror.openshift.io/v1alpha2","uid":"6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5","singleUse":false,"pastMirror":{"timestamp":%s,"sequence":1,"mirror":{},"associations":[' "$epoch"
  association "quay.io/openshift-release-dev/ocp-release:$release" openshift/release-images "$release_image" "$release" ocpRelease; printf ,
  association "quay.io/openshift-release-dev/ocp-v4.0-art-dev@$etcd" openshift/release "$etcd" "$release-etcd" ocpReleaseContent; printf ,
  association "registry.redhat.io/redhat/redhat-operator-index:v4.16" redhat/redhat-operator-index "$catalog" v4.16 operatorCatalog; printf ,
  association "registry.redhat.io/compliance/openshift-compliance-rhel8-operator@$compliance" compliance/openshift-compliance-rhel8-operator "$compliance" "${compliance:7:6}" operatorRelatedImage; printf ,
  association "registry.redhat.io/compliance/openshift-compliance-operator-bundle@$bundle" compliance/openshift-compliance-operator-bundle "$bundle" "${bundle:7:6}" operatorBundle; printf ,
  association "registry.redhat.io/rhel9/postgresql-15:latest" rhel9/postgresql-15 "$postgresql" latest generic; printf ,
  association "registry.redhat.io/ubi9/ubi@$ubi" ubi9/ubi "$ubi" "${ubi:7:6}" generic
  printf ']}}\n'
} >"$src/publish/.metadata.json"
isc v1alpha2 >"$out/v1/imageset-config.yaml"

results=$ws/results-$epoch
mkdir -p "$results/release-signatures" "$results/charts"
cat >"$results/imageContentSourcePolicy.yaml" <<EOF
---
apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: generic-0
spec:
  repositoryDigestMirrors:
  - mirrors:
    - $mirror/rhel9
    source: registry.redhat.io/rhel9
  - mirrors:
    - $mirror/ubi9
    source: registry.redhat.io/ubi9
---
apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  labels:
    operators.openshift.org/catalog: "true"
  name: operator-0
spec:
  repositoryDigestMirrors:
  - mirrors:
    - $mirror/compliance
    source: registry.redhat.io/compliance
---
apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: release-0
spec:
  repositoryDigestMirrors:
  - mirrors:
    - $mirror/openshift/release
    source: quay.io/openshift-release-dev/ocp-v4.0-art-dev
  - mirrors:
    - $mirror/openshift/release-images
    source: quay.io/openshift-release-dev/ocp-release
EOF
cat >"$results/catalogSource-cs-redhat-operator-index.yaml" <<EOF
apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata:
  name: cs-redhat-operator-index
  namespace: openshift-marketplace
spec:
  image: $mirror/redhat/redhat-operator-index:v4.16
  sourceType: grpc
EOF
cat >"$results/mapping.txt" <<EOF
quay.io/openshift-release-dev/ocp-release@$release_image=$mirror/openshift/release-images:$release
quay.io/openshift-release-dev/ocp-v4.0-art-dev@$etcd=$mirror/openshift/release:$release-etcd
registry.redhat.io/redhat/redhat-operator-index:v4.16=$mirror/redhat/redhat-operator-index:v4.16
registry.redhat.io/compliance/openshift-compliance-rhel8-operator@$compliance=$mirror/compliance/openshift-compliance-rhel8-operator:${compliance:7:6}
registry.redhat.io/compliance/openshift-compliance-operator-bundle@$bundle=$mirror/compliance/openshift-compliance-operator-bundle:${bundle:7:6}
registry.redhat.io/rhel9/postgresql-15@$postgresql=$mirror/rhel9/postgresql-15:latest
registry.redhat.io/ubi9/ubi@$ubi=$mirror/ubi9/ubi:${ubi:7:6}
EOF
# v1 archives start with publish/.metadata.json and keep './' prefixes, directories and
# tag symlinks (oc-mirror-formats.md 1.7).
tar --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -cf "$out/v1/mirror_seq1_000000.tar" \
  -C "$src" ./publish ./v2 ./blobs ./release-signatures

echo "sample written to $out"
