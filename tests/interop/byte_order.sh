#!/usr/bin/env bash
# Byte-order interop: the x86_64 (little-endian) and the s390x (big-endian) builds read the same
# oc-mirror output and must print the same bytes, for every format and for --json; a bundle
# made by either build verifies with the other, and their manifests agree on every entry.
#   tests/interop/byte_order.sh NATIVE_ZBUNDLE S390X_ZBUNDLE
set -euo pipefail
native=${1:?native zbundle}
s390x=${2:?s390x zbundle}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
# the sequence against rollback that expand keeps: the test's own, not the machine's /var/lib/zbundle
export ZBUNDLE_STATE_DIR=$work/state
trap 'rm -rf "$work"' EXIT
"$here/scripts/make-sample.sh" "$work/sample" >/dev/null
release_keys=(--release-key "$work/sample/release-key.pem" --release-keyring "$work/sample/release-keyring.gpg")

run_both() {
  local name=$1
  shift
  "$native" "$@" >"$work/$name.native"
  ${S390X_EXEC_PREFIX:-qemu-s390x-static} "$s390x" "$@" >"$work/$name.s390x"
  cmp "$work/$name.native" "$work/$name.s390x" || { echo "byte_order: $name differs" >&2; diff "$work/$name.native" "$work/$name.s390x" | head >&2; exit 1; }
}

run_both inspect-v2 inspect --json "$work/sample/v2/mirror_000001.tar"
run_both inspect-v1 inspect --json "$work/sample/v1/mirror_seq1_000000.tar" "$work/sample/v1/oc-mirror-workspace"
for format in hcp icsp idms itms registries-conf json; do
  run_both "ics-$format" ics --format "$format" --mirror mirror.example:8443 "$work/sample/v2/mirror_000001.tar"
done

# Bundles across the byte-order line, signed by a key each side made.
qemu=${S390X_EXEC_PREFIX:-qemu-s390x-static}
"$native" keygen --out "$work/native-key" >/dev/null
$qemu "$s390x" keygen --out "$work/s390x-key" >/dev/null
"$native" create "$work/sample/v2" "${release_keys[@]}" --sign-key "$work/native-key.key" --mirror m.example:5000 -o "$work/native.zb" >/dev/null
$qemu "$s390x" create "$work/sample/v2" "${release_keys[@]}" --sign-key "$work/s390x-key.key" --mirror m.example:5000 -o "$work/s390x.zb" >/dev/null
$qemu "$s390x" verify "$work/native.zb" --pubkey "$work/native-key.pub"
"$native" verify "$work/s390x.zb" --pubkey "$work/s390x-key.pub"
$qemu "$(dirname "$s390x")/zbundle-extract" list "$work/native.zb" --pubkey "$work/native-key.pub" >"$work/list.s390x"
"$(dirname "$native")/zbundle-extract" list "$work/s390x.zb" --pubkey "$work/s390x-key.pub" >"$work/list.native"
cmp "$work/list.native" "$work/list.s390x" || { echo "byte_order: the bundles list different entries" >&2; exit 1; }
# Expanded by the other build: the same files, byte for byte; artifacts rendered alike
"$here/tests/data/make-pki.sh" "$work/pki" >/dev/null
"$native" create "$work/sample/v2" "${release_keys[@]}" --sign-key "$work/native-key.key" --mirror m.example:5000 \
  --ca "$work/pki/root.pem" -o "$work/rendered.zb" >/dev/null
$qemu "$(dirname "$s390x")/zbundle-extract" expand "$work/rendered.zb" --to "$work/on-s390x" \
  --pubkey "$work/native-key.pub" >/dev/null
"$(dirname "$native")/zbundle-extract" expand "$work/rendered.zb" --to "$work/on-native" \
  --pubkey "$work/native-key.pub" >/dev/null
diff -r "$work/on-native" "$work/on-s390x" || { echo "byte_order: the expansions differ" >&2; exit 1; }
$qemu "$s390x" artifacts "$work/rendered.zb" --pubkey "$work/native-key.pub" --mirror m.example:5000 \
  --ca "$work/pki/root.pem" -o "$work/artifacts-s390x" >/dev/null
diff -r "$work/on-native/artifacts" "$work/artifacts-s390x" || { echo "byte_order: the artifacts differ" >&2; exit 1; }
echo "byte_order: native and s390x outputs are identical, each verifies the other's bundle, and an x86_64 bundle expands and renders identically on s390x"
