#!/usr/bin/env bash
# Benchmarks against shell baselines measured in the same run (ratios, not absolute targets).
#   scripts/bench.sh [SIZE_MIB]     default 2048
# Data: a synthetic registry storage tree of SIZE_MIB of incompressible blobs (like gzip
# layers) plus 2000 small ones, read from page cache. Ceilings: `openssl speed -evp sha256
# -multi N` and `zstd -b1`. Peak RSS from /usr/bin/time.
#   verify-digests  vs  sha256sum over the files
#   create          vs  sha256sum, then tar -cf - | zstd -3 -T0, then openssl pkeyutl -sign
#   verify          vs  zstd -dc | tar -xf -, then sha256sum -c
#   expand          vs  zstd -dc | tar -xf -
# Then a bundle of ENTRIES (default 100000) small files: peak RSS of verify and expand, which
# the extractor's memory goal bounds (64 MiB), and their times.
# Then scripts/bench-push.sh: zbundle-extract push against skopeo copy --all.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON3=/usr/bin/python3
size_mib=${1:-2048}
scripts/bootstrap.sh
build=${BUILD_DIR:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZBUNDLE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target zbundle zbundle-extract >/dev/null
zbundle=$build/src/cli/zbundle
zbundle_extract=$build/src/cli/zbundle-extract
work=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$work"' EXIT
tree=$work/storage
blobs=$tree/docker/registry/v2/blobs/sha256

echo "bench: generating ${size_mib} MiB of blobs in $work"
mkdir -p "$blobs"
add_blob() { # FILE: moves it into the tree under its sha256
  local hex
  hex=$(openssl dgst -sha256 -r "$1" | cut -c1-64)
  mkdir -p "$blobs/${hex:0:2}/$hex"
  mv "$1" "$blobs/${hex:0:2}/$hex/data"
}
random_bytes() { # N: incompressible bytes, fast (AES-CTR keystream, not for secrets)
  head -c "$1" < <(openssl enc -aes-128-ctr -nosalt -pass "pass:$RANDOM$RANDOM" -pbkdf2 -in /dev/zero 2>/dev/null)
}
for _ in $(seq $(( size_mib / 64 ))); do
  random_bytes $((64 << 20)) >"$work/blob"
  add_blob "$work/blob"
done
for _ in $(seq 2000); do
  head -c $((RANDOM % 8192 + 100)) /dev/urandom >"$work/blob" # small: urandom is fine
  add_blob "$work/blob"
done
files=$(find "$tree" -name data | wc -l)
bytes=$(find "$tree" -name data -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
(cd "$tree" && find . -name data -print0 | xargs -0 sha256sum >"$work/sums")
"$zbundle" keygen --out "$work/key" >/dev/null

cold() { cat $(find "$tree" -name data) >/dev/null; sync; } # page cache warm, dirty pages written
seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; echo "$EPOCHREALTIME - $start" | bc -l; }
mbps() { echo "scale=0; $bytes / 1000000 / $1" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
rss_mib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%d", $1 / 1024}'; }

cores=$(nproc)
sha_ceiling=$(openssl speed -evp sha256 -multi "$cores" -seconds 2 -bytes 1048576 2>/dev/null | awk '/^sha256/ {print $NF}' | tr -d k)
sha_ceiling=$(echo "scale=0; $sha_ceiling * 1000 / 1000000" | bc -l)
zstd_ceiling=$(zstd -b1 -q "$blobs"/*/*/data 2>&1 | grep -o '[0-9.]* MB/s' | head -1 | cut -d' ' -f1)
# create writes as much as it reads: what the file system takes is its ceiling too
sync
write_ceiling=$(mbps "$(seconds dd if=/dev/zero of="$work/dd" bs=1M count=$((bytes >> 20)))")
rm -f "$work/dd"

cold
digest_base=$(seconds sh -c "cd '$tree' && find . -name data -print0 | xargs -0 sha256sum")
digest_ours=$(seconds "$zbundle" verify-digests "$tree")
digest_rss=$(rss_mib "$zbundle" verify-digests "$tree")

cold
create_base=$(seconds sh -c "cd '$tree' && find . -name data -print0 | xargs -0 sha256sum >'$work/s' \
  && tar -cf - . | zstd -3 -T0 -q >'$work/base.tar.zst' && openssl pkeyutl -sign -inkey '$work/key.key' -rawin -in '$work/s' -out '$work/s.sig'")
rm -f "$work/base.tar.zst"
cold
create_ours=$(seconds "$zbundle" create "$tree" --sign-key "$work/key.key" -o "$work/b.zb")
rm -f "$work/b.zb"
create_rss=$(rss_mib "$zbundle" create "$tree" --sign-key "$work/key.key" -o "$work/b.zb")

(cd "$tree" && tar -cf - . | zstd -3 -T0 -q >"$work/base.tar.zst")
mkdir "$work/x"
verify_base=$(seconds sh -c "zstd -dc '$work/base.tar.zst' | tar -xf - -C '$work/x' && cd '$work/x' && sha256sum -c --quiet '$work/sums'")
rm -rf "$work/x" "$work/base.tar.zst"
cat "$work/b.zb" >/dev/null # create wrote it around the page cache (O_DIRECT): read it in
verify_ours=$(seconds "$zbundle" verify "$work/b.zb" --pubkey "$work/key.pub")
verify_rss=$(rss_mib "$zbundle" verify "$work/b.zb" --pubkey "$work/key.pub")

printf '\n%d blobs, %d MiB, page cache, %d cores (%s, %s)\n' "$files" $((bytes >> 20)) "$cores" "$(uname -m)" "$(. /etc/os-release && echo "$PRETTY_NAME")"
printf '  ceilings: openssl speed sha256 -multi %d %s MB/s, zstd -b1 %s MB/s, dd to %s %s MB/s\n' \
  "$cores" "$sha_ceiling" "$zstd_ceiling" "$(df --output=target "$work" | tail -1)" "$write_ceiling"
row() { # NAME BASELINE OURS RSS
  printf '  %-15s %6s MB/s  baseline %5s MB/s  %5sx  %3d%% of sha256 ceiling  peak RSS %s MiB\n' \
    "$1" "$(mbps "$3")" "$(mbps "$2")" "$(ratio "$2" "$3")" "$(echo "scale=0; 100 * $(mbps "$3") / $sha_ceiling" | bc -l)" "$4"
}
row verify-digests "$digest_base" "$digest_ours" "$digest_rss"
row create "$create_base" "$create_ours" "$create_rss"
row verify "$verify_base" "$verify_ours" "$verify_rss"
# both into new directories, deleting nothing in between: ext4 scans past recently deleted
# inodes when it allocates new ones, which would slow whichever runs second
expand_ours=$(seconds "$zbundle_extract" expand "$work/b.zb" --to "$work/expanded" --pubkey "$work/key.pub")
mkdir "$work/x"
expand_base=$(seconds sh -c "zstd -dc '$work/b.zb' | tar -xf - -C '$work/x'")
rm -rf "$work/x" "$work/expanded"
expand_rss=$(rss_mib "$zbundle_extract" expand "$work/b.zb" --to "$work/expanded" --pubkey "$work/key.pub")
rm -rf "$work/expanded" "$work/b.zb"
row expand "$expand_base" "$expand_ours" "$expand_rss"

# Many entries: what the manifest costs. oc-mirror's working-dir holds the small files.
entries=${ENTRIES:-100000}
many=$work/many/working-dir/operator-catalogs/many
mkdir -p "$many"
"$PYTHON3" - "$many" "$entries" <<'PY'
import os, sys
base, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    directory = f"{base}/d{i // 1000:04}"
    if i % 1000 == 0:
        os.makedirs(directory)
    with open(f"{directory}/catalog-{i:07}.json", "w") as f:
        f.write('{"n": %d}\n' % i)
PY
mkdir -p "$work/many/working-dir/.history" && : >"$work/many/working-dir/.history/.history-2026-01-01T00:00:00Z"
"$zbundle" create "$work/many" --sign-key "$work/key.key" -o "$work/many.zb" >/dev/null
many_verify_s=$(seconds "$zbundle_extract" verify "$work/many.zb" --pubkey "$work/key.pub")
many_verify_rss=$(rss_mib "$zbundle_extract" verify "$work/many.zb" --pubkey "$work/key.pub")
many_expand_s=$(seconds "$zbundle_extract" expand "$work/many.zb" --to "$work/many-x" --pubkey "$work/key.pub")
rm -rf "$work/many-x"
many_expand_rss=$(rss_mib "$zbundle_extract" expand "$work/many.zb" --to "$work/many-x" --pubkey "$work/key.pub")
printf '\n%d entries (%s manifest): verify %.1f s, peak RSS %s MiB; expand %.1f s, peak RSS %s MiB (goal: 64 MiB)\n' \
  "$entries" "$(zstd -dc "$work/many.zb" | tar -xOf - ZBUNDLE/manifest.json | wc -c | numfmt --to=iec)" \
  "$many_verify_s" "$many_verify_rss" "$many_expand_s" "$many_expand_rss"

# Push into a registry, against skopeo.
scripts/bench-push.sh "$size_mib"
