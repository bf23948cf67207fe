#!/usr/bin/env bash
# Benchmarks zbundle-extract push against skopeo in the same run (a ratio, not a target):
#   scripts/bench-push.sh [SIZE_MIB]     default 2048
# Data: SIZE_MIB of incompressible layers in 64 MiB images (tests/data/make_storage.py), packed
# into a bundle; the same images as an OCI layout for `skopeo copy --all`. Each tool pushes into
# its own fresh docker-registry on 127.0.0.1 over plain HTTP (the registry shares the cores, so
# both are capped alike). Peak RSS from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-2048}
scripts/bootstrap.sh
build=${BUILD_DIR:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZBUNDLE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target zbundle zbundle-extract >/dev/null
zbundle=$build/src/cli/zbundle
zbundle_extract=$build/src/cli/zbundle-extract
work=$(mktemp -d)
registry_pid=
cleanup() {
  [ -n "$registry_pid" ] && { kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

images=$(( (size_mib + 63) / 64 ))
echo "bench-push: $images images of 64 MiB in $work"
/usr/bin/python3 tests/data/make_storage.py "$work/storage" "$images" 64 "$work/oci"
"$zbundle" keygen --out "$work/key" >/dev/null
"$zbundle" create "$work/storage" --sign-key "$work/key.key" -o "$work/b.zb" >/dev/null
bytes=$(find "$work/oci/blobs" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')

# serve NAME: a fresh registry with its own storage; sets $port
serve() {
  [ -n "$registry_pid" ] && { kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; }
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp: {addr: "127.0.0.1:%s", secret: x}\n' \
    "$work/served-$1" "$port" >"$work/$1.yml"
  docker-registry serve "$work/$1.yml" >"$work/$1.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return; sleep 0.1; done
  echo "bench-push: docker-registry did not start: $(cat "$work/$1.log")" >&2
  exit 1
}
timed() { # OUT_VAR COMMAND...: seconds and peak RSS (MiB) of COMMAND
  local start=$EPOCHREALTIME
  /usr/bin/time -f %M -o "$work/rss" "${@:2}" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  printf -v "$1" '%s %d' "$(echo "$EPOCHREALTIME - $start" | bc -l)" "$(( $(cat "$work/rss") / 1024 ))"
}

ours='' theirs=''
cat "$work/b.zb" >/dev/null # page cache, as for skopeo's layout below
serve zbundle
timed ours "$zbundle_extract" push "$work/b.zb" --to "127.0.0.1:$port/bench" --insecure-http --pubkey "$work/key.pub"
cat "$work"/oci/blobs/sha256/* >/dev/null
serve skopeo
# shellcheck disable=SC2016 # expanded by the inner shell
timed theirs bash -c 'for n in $(seq "$1"); do
  skopeo copy --quiet --all --dest-tls-verify=false "oci:$2/oci:t$n" "docker://127.0.0.1:$3/bench/big/app:t$n"
done' _ "$images" "$work" "$port"
read -r ours_s ours_rss <<<"$ours"
read -r theirs_s theirs_rss <<<"$theirs"
printf 'push %d MiB (%d images): zbundle-extract %.0f MB/s (peak RSS %s MiB), skopeo copy --all %.0f MB/s (peak RSS %s MiB): %.2fx\n' \
  "$(( bytes >> 20 ))" "$images" "$(echo "$bytes / 1000000 / $ours_s" | bc -l)" "$ours_rss" \
  "$(echo "$bytes / 1000000 / $theirs_s" | bc -l)" "$theirs_rss" "$(echo "$theirs_s / $ours_s" | bc -l)"
