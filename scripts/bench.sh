#!/usr/bin/env bash
# Benchmarks against shell baselines measured in the same run (ratios, not absolute targets).
#   scripts/bench.sh [SIZE_MIB]     default 2048
# Two shapes, read from page cache:
#   tree     a registry storage tree of SIZE_MIB of incompressible blobs (like gzip layers)
#            plus 2000 small ones
#   archive  one oc-mirror mirror_000001.tar of sixteen 64 MiB layers (LAYERS=16), as a
#            mirror-to-disk run leaves it
# Each figure is printed with its ceiling beside it: SHA-256 on one core and on all
# (`openssl speed -evp sha256`), the file system's write speed through the page cache and
# durably around it (dd, 4 MiB blocks, O_DIRECT, then fsync, as create and expand end; taken
# again for as many bytes right before each of those two), `zstd -b1`. Peak RSS from
# /usr/bin/time.
#   verify-digests  vs  sha256sum over the files (the archive: over the archive)
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
random_bytes() { # N: incompressible bytes, fast (AES-CTR keystream, not for secrets)
  head -c "$1" < <(openssl enc -aes-128-ctr -nosalt -pass "pass:$RANDOM$RANDOM" -pbkdf2 -in /dev/zero 2>/dev/null)
}
add_blob() { # FILE TREE: moves FILE into the storage TREE under its sha256
  local hex blobs=$2/docker/registry/v2/blobs/sha256
  hex=$(openssl dgst -sha256 -r "$1" | cut -c1-64)
  mkdir -p "$blobs/${hex:0:2}/$hex"
  mv "$1" "$blobs/${hex:0:2}/$hex/data"
}
sums_of() { (cd "$1" && find . -name data -print0 | xargs -0 sha256sum); } # TREE

echo "bench: generating ${size_mib} MiB of blobs and a $((${LAYERS:-16} * 64)) MiB archive in $work"
tree=$work/storage
for _ in $(seq $(( size_mib / 64 ))); do
  random_bytes $((64 << 20)) >"$work/blob"
  add_blob "$work/blob" "$tree"
done
for _ in $(seq 2000); do
  head -c $((RANDOM % 8192 + 100)) /dev/urandom >"$work/blob" # small: urandom is fine
  add_blob "$work/blob" "$tree"
done
layers=$work/layers
for _ in $(seq "${LAYERS:-16}"); do
  random_bytes $((64 << 20)) >"$work/blob"
  add_blob "$work/blob" "$layers"
done
mkdir "$work/archive"
tar -C "$layers" -cf "$work/archive/mirror_000001.tar" docker
sums_of "$layers" >"$work/archive.sums"
rm -rf "$layers"
archive=$work/archive/mirror_000001.tar
"$zbundle" keygen --out "$work/key" >/dev/null

seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; echo "$EPOCHREALTIME - $start" | bc -l; }
mb_per_s() { echo "scale=0; $1 / 1000000 / $2" | bc -l; } # BYTES SECONDS
ratio() { echo "scale=2; $1 / $2" | bc -l; }
rss_mib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%d", $1 / 1024}'; }
sha_speed() { # CORES: MB/s of SHA-256 over 1 MiB blocks
  openssl speed -evp sha256 -multi "$1" -seconds 2 -bytes 1048576 2>/dev/null \
    | awk '/^sha256/ {gsub("k", "", $NF); printf "%d", $NF * 1000 / 1000000}'
}

# MB/s of a durable write of BYTES (O_DIRECT in 4 MiB blocks, then fsync, as create and expand
# end with one), deleted afterwards. On a VM the fsync is where the host's own cache is flushed.
sustained_write() {
  local speed
  speed=$(mb_per_s "$1" "$(seconds dd if=/dev/zero of="$work/dd" bs=4M count=$(( ($1 + (4 << 20) - 1) >> 22 )) oflag=direct conv=fsync)")
  rm -f "$work/dd"
  sync
  echo "$speed"
}

cores=$(nproc)
sha_one=$(sha_speed 1)
sha_all=$(sha_speed "$cores")
zstd_ceiling=$(zstd -b1 -q "$archive" 2>&1 | grep -o '[0-9.]* MB/s' | head -1 | cut -d' ' -f1)
# create and expand write as much as they read: what the file system takes is a ceiling too,
# through the page cache (tar) and around it (expand writes big files with O_DIRECT)
sync
write_cached=$(mb_per_s $((1 << 30)) "$(seconds dd if=/dev/zero of="$work/dd" bs=4M count=256)")
rm -f "$work/dd"
sync
write_direct=$(sustained_write $((1 << 30)))

printf '\n%d cores (%s, %s); ceilings: sha256 %s MB/s on one core, %s on %d; zstd -b1 %s MB/s;\n' \
  "$cores" "$(uname -m)" "$(. /etc/os-release && echo "$PRETTY_NAME")" "$sha_one" "$sha_all" "$cores" "$zstd_ceiling"
printf '  writes to %s: %s MB/s through the page cache, %s MB/s O_DIRECT and fsync\n' \
  "$(df --output=target "$work" | tail -1)" "$write_cached" "$write_direct"

row() { # NAME BYTES BASELINE OURS RSS CEILING
  printf '  %-15s %6s MB/s  baseline %5s MB/s  %5sx  ceiling %5s MB/s  peak RSS %s MiB\n' \
    "$1" "$(mb_per_s "$2" "$4")" "$(mb_per_s "$2" "$3")" "$(ratio "$3" "$4")" "$6" "$5"
}

# One shape: INPUT (a tree or an archive), its files' sums (relative ./docker/... paths), the
# shell baseline's digest command, and the files to read into the page cache.
bench_shape() { # NAME INPUT SUMS DIGEST_BASELINE WARM...
  local name=$1 input=$2 sums=$3 digest_baseline=$4
  shift 4
  local warm=("$@") bytes files
  bytes=$(du -b -c "${warm[@]}" | tail -1 | cut -f1)
  files=$(wc -l <"$sums")
  cold() { cat "${warm[@]}" >/dev/null; sync; } # page cache warm, dirty pages written
  cold
  local digest_base digest_ours digest_rss
  digest_base=$(seconds sh -c "$digest_baseline")
  digest_ours=$(seconds "$zbundle" verify-digests "$input")
  digest_rss=$(rss_mib "$zbundle" verify-digests "$input")
  cold
  local create_base create_ours create_rss
  create_base=$(seconds sh -c "$digest_baseline >'$work/s' \
    && tar -C '$(dirname "$input")' -cf - '$(basename "$input")' | zstd -3 -T0 -q >'$work/base.tar.zst' \
    && openssl pkeyutl -sign -inkey '$work/key.key' -rawin -in '$work/s' -out '$work/s.sig'")
  rm -f "$work/base.tar.zst"
  cold
  local create_disk expand_disk
  create_disk=$(sustained_write "$bytes")
  create_ours=$(seconds "$zbundle" create "$input" --sign-key "$work/key.key" -o "$work/b.zb")
  rm -f "$work/b.zb"
  create_rss=$(rss_mib "$zbundle" create "$input" --sign-key "$work/key.key" -o "$work/b.zb")

  # the verify baseline unpacks the blobs and checks their sums, as verify does
  if [ -d "$input" ]; then
    (cd "$input" && tar -cf - .) | zstd -3 -T0 -q >"$work/base.tar.zst"
  else
    zstd -3 -T0 -q <"$input" >"$work/base.tar.zst"
  fi
  mkdir "$work/x"
  local verify_base verify_ours verify_rss
  verify_base=$(seconds sh -c "zstd -dc '$work/base.tar.zst' | tar -xf - -C '$work/x' && cd '$work/x' && sha256sum -c --quiet '$sums'")
  rm -rf "$work/x" "$work/base.tar.zst"
  cat "$work/b.zb" >/dev/null # create wrote it around the page cache (O_DIRECT): read it in
  verify_ours=$(seconds "$zbundle" verify "$work/b.zb" --pubkey "$work/key.pub")
  verify_rss=$(rss_mib "$zbundle" verify "$work/b.zb" --pubkey "$work/key.pub")
  # both into new directories, deleting nothing in between: ext4 scans past recently deleted
  # inodes when it allocates new ones, which would slow whichever runs second
  local expand_base expand_ours expand_rss
  expand_disk=$(sustained_write "$bytes")
  expand_ours=$(seconds "$zbundle_extract" expand "$work/b.zb" --to "$work/expanded" --pubkey "$work/key.pub")
  mkdir "$work/x"
  expand_base=$(seconds sh -c "zstd -dc '$work/b.zb' | tar -xf - -C '$work/x'")
  rm -rf "$work/x" "$work/expanded"
  expand_rss=$(rss_mib "$zbundle_extract" expand "$work/b.zb" --to "$work/expanded" --pubkey "$work/key.pub")
  rm -rf "$work/expanded" "$work/b.zb"

  printf '\n%s: %d blobs, %d MiB\n' "$name" "$files" $((bytes >> 20))
  row verify-digests "$bytes" "$digest_base" "$digest_ours" "$digest_rss" "$sha_all"
  # create hashes each entry once and writes it once: the slower of the two bounds it. The
  # disk's part is what it took just before, for as many bytes (a short write would catch its
  # burst, not the rate it keeps up).
  row create "$bytes" "$create_base" "$create_ours" "$create_rss" \
    "$(( sha_all < create_disk ? sha_all : create_disk ))"
  row verify "$bytes" "$verify_base" "$verify_ours" "$verify_rss" "$sha_all"
  row expand "$bytes" "$expand_base" "$expand_ours" "$expand_rss" \
    "$(( sha_all < expand_disk ? sha_all : expand_disk ))"
  printf '  (the disk took %s MB/s, O_DIRECT and fsync, for as many bytes just before create; %s before expand)\n' \
    "$create_disk" "$expand_disk"
}

sums_of "$tree" >"$work/tree.sums"
mapfile -t tree_files < <(find "$tree" -name data)
bench_shape "tree (storage, few big and 2000 small blobs)" "$tree" "$work/tree.sums" \
  "cd '$tree' && find . -name data -print0 | xargs -0 sha256sum" "${tree_files[@]}"
bench_shape "archive (mirror_000001.tar of 64 MiB layers)" "$archive" "$work/archive.sums" \
  "sha256sum '$archive'" "$archive"

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
