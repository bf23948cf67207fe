#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14, ASan and UBSan, and runs them.
#   scripts/fuzz.sh [TARGET] [SECONDS]     every target (or TARGET), SECONDS each (default 60)
#   FUZZ_BUILD_DIR=DIR scripts/fuzz.sh ...  build and run in DIR; a DIR already configured with
#                                          ZBUNDLE_FUZZ (SANITIZE=1 scripts/test.sh makes one)
#                                          is built as configured
# Seeds: the sample's files (tests/data), a PKI made by tests/data/make-pki.sh, the manifest of
# a bundle made from the sample; the corpus grows in build-fuzz/corpus/<target>. Dictionaries
# (tests/fuzz/dictionaries: the grammar's tokens and the formats' keys) join per target. A crash leaves
# build-fuzz/crash-* and exits non-zero: fix the cause, then keep the input under
# tests/fuzz/regressions/<target>/ (ctest replays it on every build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh fuzz
only=${1:-all}
seconds=${2:-60}
build=${FUZZ_BUILD_DIR:-build-fuzz}
targets=(bundle_manifest oci_manifest mirror_sets mapping image_set_config names www_authenticate
  certificates cluster_merge bundle_reader catalog frames receipt release_signatures ocmirror_archive
  bundle_resigned registry_answers)

if ! grep -q '^ZBUNDLE_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DZBUNDLE_BUILD_TESTS=OFF -DZBUNDLE_FUZZ=ON -DZBUNDLE_SANITIZE="address;undefined" >/dev/null
fi
mapfile -t build_targets < <(printf 'fuzz_%s\n' "${targets[@]}")
cmake --build "$build" --target "${build_targets[@]}" zbundle >/dev/null

seeds=$build/seeds
if [ ! -d "$seeds" ]; then
  mkdir -p "$seeds/data" "$seeds/pki" "$seeds/manifest" "$seeds/bundle"
  cp -r tests/data/ocmirror tests/data/schemas "$seeds/data/"
  tests/data/make-pki.sh "$seeds/pki.work" >/dev/null
  cp "$seeds"/pki.work/*.pem "$seeds/pki/"
  # A whole presented chain, leaf to anchor, for path building.
  cat "$seeds"/pki.work/leaf-chain.pem "$seeds"/pki.work/root.pem >"$seeds/pki/full-chain.pem"
  sample=$(mktemp -d)
  trap 'rm -rf "$sample"' EXIT
  scripts/make-sample.sh "$sample/run" >/dev/null
  "$build/src/cli/zbundle" keygen --out "$seeds/key" >/dev/null
  "$build/src/cli/zbundle" create "$sample/run/v2/mirror_000001.tar" --sign-key "$seeds/key.key" \
    --release-key "$sample/run/release-key.pem" --release-keyring "$sample/run/release-keyring.gpg" \
    -o "$seeds/bundle/b.zb" >/dev/null
  zstd -dc "$seeds/bundle/b.zb" | tar -xOf - ZBUNDLE/manifest.json >"$seeds/manifest/manifest.json"
fi
# ocmirror_archive: the sample's v2 and v1 archives, the first byte naming each.
if [ ! -d "$seeds/archive" ]; then
  mkdir -p "$seeds/archive"
  sample_run=$(mktemp -d)
  scripts/make-sample.sh "$sample_run/run" >/dev/null
  { printf '\x00'; cat "$sample_run/run/v2/mirror_000001.tar"; } >"$seeds/archive/v2"
  { printf '\x01'; cat "$sample_run/run/v1/mirror_seq1_000000.tar"; } >"$seeds/archive/v1"
  rm -rf "$sample_run"
fi
# registry_answers: answers as registries give them (an error, a listing page, a token).
if [ ! -d "$seeds/answers" ]; then
  mkdir -p "$seeds/answers"
  printf '404\ncontent-type: application/json\n\n{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}' >"$seeds/answers/error"
  printf '200\nlink: </v2/_catalog?last=a%%2Fb&n=1000>; rel="next"\n\n{"repositories":["a/b","c"]}' >"$seeds/answers/catalog"
  printf '200\n\n{"name":"a/b","tags":["v1","latest",null]}' >"$seeds/answers/tags"
  printf '200\n\n{"token":"abc","access_token":"def","expires_in":300}' >"$seeds/answers/token"
  printf '401\nwww-authenticate: Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push"\n\n' >"$seeds/answers/challenge"
  printf '202\nlocation: https://r.example/v2/a/b/blobs/uploads/1?_state=x\n\n' >"$seeds/answers/upload"
fi
# www_authenticate: challenges as registries send them (Docker's, quay's, a Basic realm).
if [ ! -d "$seeds/challenges" ]; then
  mkdir -p "$seeds/challenges"
  printf 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"' >"$seeds/challenges/docker"
  printf 'Bearer realm="https://quay.io/v2/auth",service="quay.io",error="insufficient_scope",scope="repository:a/b:pull,push"' >"$seeds/challenges/quay"
  printf 'Basic realm="Registry Realm"' >"$seeds/challenges/basic"
  printf 'Bearer realm="https://r.example/token", service="r.example", scope="repository:a/b:pull repository:c:pull"' >"$seeds/challenges/spaced"
fi
# bundle_resigned mutates a bundle's plain tar stream and signs it again itself.
if [ ! -d "$seeds/resigned" ]; then
  mkdir -p "$seeds/resigned"
  zstd -dc "$seeds/bundle/b.zb" >"$seeds/resigned/b.tar"
fi
# frames and catalog read their first bytes as parameters: their seeds carry them.
if [ ! -d "$seeds/frames" ]; then
  mkdir -p "$seeds/frames" "$seeds/catalog"
  { printf '\x14\x00'; cat "$seeds/bundle/b.zb"; } >"$seeds/frames/whole"
  { printf '\x14\x01'; cat "$seeds/bundle/b.zb"; } >"$seeds/frames/skipping"
  find "$seeds/data" -name '*.json' -size -64k | head -50 | while read -r json; do
    { printf '\x07'; cat "$json"; } >"$seeds/catalog/$(sha256sum <"$json" | cut -c1-16)"
  done
fi
seed_dirs() {
  case $1 in
    frames) echo "$seeds/frames" ;;
    catalog) echo "$seeds/catalog" ;;
    certificates) echo "$seeds/pki" ;;
    bundle_manifest) echo "$seeds/manifest" ;;
    bundle_reader) echo "$seeds/bundle" ;;
    ocmirror_archive) echo "$seeds/archive" ;;
    bundle_resigned) echo "$seeds/resigned" ;;
    registry_answers) echo "$seeds/answers" ;;
    www_authenticate) echo "$seeds/challenges" ;;
    *) echo "$seeds/data" ;;
  esac
}
# The dictionaries a target's input is made of (tests/fuzz/dictionaries/NAME.dict).
dictionaries() {
  case $1 in
    bundle_manifest | oci_manifest | receipt | catalog) echo json ;;
    release_signatures) echo yaml json ;;
    mirror_sets | image_set_config) echo yaml ;;
    cluster_merge) echo yaml json toml ;;
    registry_answers) echo http json ;;
    www_authenticate) echo http ;;
    names | mapping) echo names ;;
    certificates) echo pem ;;
    bundle_reader | bundle_resigned | frames | ocmirror_archive) echo tar json ;;
  esac
}
# libFuzzer takes one -dict: a target's parts are joined under the build directory.
dictionary_flag() {
  local parts joined=$build/dictionaries/$1.dict
  read -r -a parts <<<"$(dictionaries "$1")"
  [ ${#parts[@]} -gt 0 ] || return 0
  mkdir -p "$build/dictionaries"
  printf 'tests/fuzz/dictionaries/%s.dict\n' "${parts[@]}" | xargs cat >"$joined"
  echo "-dict=$joined"
}

# bundle_reader trusts the key the seed bundle is signed with; bundle_resigned signs with it
export ZB_FUZZ_PUBKEY=$seeds/key.pub ZB_FUZZ_SIGN_KEY=$seeds/key.key
status=0
for target in "${targets[@]}"; do
  [ "$only" = all ] || [ "$only" = "$target" ] || continue
  corpus=$build/corpus/$target
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  # Git keeps no empty directory: a target without kept reproducers has none, and libFuzzer
  # stops at a corpus directory that is not there.
  regressions=()
  [ -d "tests/fuzz/regressions/$target" ] && regressions=("tests/fuzz/regressions/$target")
  # shellcheck disable=SC2046 # one directory per word
  "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
    $(dictionary_flag "$target") -artifact_prefix="$build/crash-$target-" "$corpus" $(seed_dirs "$target") \
    "${regressions[@]}" 2>"$build/$target.log" || {
    status=1
    echo "fuzz: $target found a crash: see $build/$target.log and $build/crash-$target-*" >&2
  }
  grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$build/$target.log" | tr '\n' ' '
  echo
done
exit $status
