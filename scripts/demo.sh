#!/usr/bin/env bash
# The main job on a generated sample: read oc-mirror v1 and v2 output, summarize it, and
# print the image content sources `hcp create cluster agent --image-content-sources` needs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j "$(nproc)" --target zbundle zbundle-extract >/dev/null
zbundle=$build/src/cli/zbundle
sample=$build/demo-sample
scripts/make-sample.sh "$sample" >/dev/null

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "Sample oc-mirror output (real blobs, sha256-named) in $sample"
step "$zbundle" inspect "$sample/v2/mirror_000001.tar"
step "$zbundle" inspect "$sample/v1/oc-mirror-workspace"
printf '\nA mirror-to-disk run carries no mirror sets; zbundle derives them with oc-mirror'"'"'s rules:\n'
step "$zbundle" ics "$sample/v2/mirror_000001.tar" --format hcp --mirror mirror.example:8443
step "$zbundle" ics "$sample/v2/mirror_000001.tar" --format registries-conf --mirror mirror.example:8443
printf '\nThe same rules checked against what oc-mirror wrote after mirror-to-mirror:\n'
step "$zbundle" ics --check "$sample/v2/mirror_000001.tar" "$sample/v2-m2m"
step "$zbundle" ics --format idms "$sample/v2-m2m"
step "$zbundle" ics --format hcp --mirror bastion.example:5000/ocp "$sample/v1/oc-mirror-workspace"
