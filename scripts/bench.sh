#!/usr/bin/env bash
# Benchmarks against shell baselines measured in the same run (ratios, not absolute targets).
#   scripts/bench.sh [SIZE_MIB]     default 2048
# verify-digests: a synthetic registry storage tree of SIZE_MIB of incompressible blobs (like
# gzip layers) plus many small ones, read from page cache, against `sha256sum` over the same
# files and the `openssl speed -evp sha256 -multi N` ceiling; peak RSS from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-2048}
scripts/bootstrap.sh
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
build=${BUILD_DIR:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZBUNDLE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target zbundle >/dev/null
zbundle=$build/src/cli/zbundle
work=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$work"' EXIT
storage=$work/storage/docker/registry/v2/blobs/sha256

echo "bench: generating ${size_mib} MiB of blobs in $work"
mkdir -p "$storage"
add_blob() { # FILE: moves it into the tree under its sha256
  local hex
  hex=$(openssl dgst -sha256 -r "$1" | cut -c1-64)
  mkdir -p "$storage/${hex:0:2}/$hex"
  mv "$1" "$storage/${hex:0:2}/$hex/data"
}
big=$(( size_mib / 64 ))
random_bytes() { # N: incompressible bytes, fast (AES-CTR keystream, not for secrets)
  head -c "$1" < <(openssl enc -aes-128-ctr -nosalt -pass "pass:$RANDOM$RANDOM" -pbkdf2 -in /dev/zero 2>/dev/null)
}
for i in $(seq "$big"); do
  random_bytes $((64 << 20)) >"$work/blob"
  add_blob "$work/blob"
done
for i in $(seq 2000); do
  head -c $((RANDOM % 8192 + 100)) /dev/urandom >"$work/blob" # small: urandom is fine
  add_blob "$work/blob"
done
files=$(find "$work/storage" -name data | wc -l)
bytes=$(find "$work/storage" -name data -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
cat $(find "$work/storage" -name data) >/dev/null # into page cache

seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; echo "$EPOCHREALTIME - $start" | bc -l; }
mbps() { echo "scale=0; $bytes / 1000000 / $1" | bc -l; }

cores=$(nproc)
ceiling=$(openssl speed -evp sha256 -multi "$cores" -seconds 2 -bytes 1048576 2>/dev/null | awk '/^sha256/ {print $NF}' | tr -d k)
ceiling_mbps=$(echo "scale=0; $ceiling * 1000 / 1000000" | bc -l)
baseline=$(seconds sh -c "find '$work/storage' -name data -print0 | xargs -0 sha256sum")
ours=$(seconds "$zbundle" verify-digests "$work/storage")
rss=$(/usr/bin/time -f %M "$zbundle" verify-digests "$work/storage" 2>&1 >/dev/null | tail -1)

printf '\nverify-digests, %d blobs, %d MiB, page cache, %d cores (%s)\n' "$files" $((bytes >> 20)) "$cores" "$(uname -m)"
printf '  openssl speed -evp sha256 -multi %d   %6s MB/s  (ceiling)\n' "$cores" "$ceiling_mbps"
printf '  sha256sum over the files               %6s MB/s  (baseline)\n' "$(mbps "$baseline")"
printf '  zbundle verify-digests                 %6s MB/s  %.2fx baseline, %d%% of ceiling, peak RSS %d MiB\n' \
  "$(mbps "$ours")" "$(echo "$baseline / $ours" | bc -l)" "$(echo "scale=0; 100 * $(mbps "$ours") / $ceiling_mbps" | bc -l)" $((rss / 1024))
