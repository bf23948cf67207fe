#!/usr/bin/env bash
# The main job on a generated sample: read oc-mirror v1 and v2 output, summarize it, print
# the image content sources `hcp create cluster agent --image-content-sources` needs, then
# pack the mirror into a signed bundle, verify it with the bastion's binary and inspect it;
# day 2: a signed receipt of the expanded registry and the next bundle made from it.
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
# A step that must be refused (exit 1): the demo stops if it is not.
step_refused() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  local status=0
  "$@" || status=$?
  [ "$status" -eq 1 ] || { echo "demo: expected exit 1, got $status" >&2; exit 1; }
}

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

printf '\nThe signed bundle: a key pair, the mirror packed, every byte verified, the manifest read:\n'
keys=$build/demo-keys
rm -rf "$keys" "$build/demo.zb" && mkdir -p "$keys"
zbundle_extract=$build/src/cli/zbundle-extract
step "$zbundle" keygen --out "$keys/signer"
step "$zbundle" create "$sample/v2" --release-key "$sample/release-key.pem" --release-keyring "$sample/release-keyring.gpg" --sign-key "$keys/signer.key" --mirror mirror.example:8443 -o "$build/demo.zb"
step "$zbundle_extract" verify "$build/demo.zb" --pubkey "$keys/signer.pub"
step "$zbundle" inspect "$build/demo.zb" --pubkey "$keys/signer.pub"

printf '\nThe seal gate: a run that lacks an image its ImageSetConfiguration names would fail at the\ncluster'"'"'s first pull, so it is not signed; a waiver signs it, and the bundle says so first:\n'
rm -rf "$build/demo-incomplete" "$build/demo-waived.zb" && mkdir -p "$build/demo-incomplete"
python3 tests/data/tamper_mirror.py "$sample/v2/mirror_000001.tar" \
  "$build/demo-incomplete/mirror_000001.tar" drop-image
step_refused "$zbundle" create "$build/demo-incomplete" --release-key "$sample/release-key.pem" --release-keyring "$sample/release-keyring.gpg" --sign-key "$keys/signer.key" -o "$build/demo-waived.zb"
step "$zbundle" create "$build/demo-incomplete" --release-key "$sample/release-key.pem" --release-keyring "$sample/release-keyring.gpg" --sign-key "$keys/signer.key" --allow missing-image \
  -o "$build/demo-waived.zb"
step "$zbundle_extract" inspect "$build/demo-waived.zb" --pubkey "$keys/signer.pub"

printf '\nThe artifacts of the hosted control planes procedure, rendered from the signed bundle for\nthe bastion'"'"'s registry and its CA (an OpenSSL-made CA here):\n'
pki=$build/demo-pki
rm -rf "$pki" "$build/demo-artifacts"
tests/data/make-pki.sh "$pki" >/dev/null
echo '{"auths": {"bastion.example:5000": {"auth": "ZGVtbzpkZW1v"}}}' >"$build/demo-auth.json"
step "$zbundle" artifacts "$build/demo.zb" --pubkey "$keys/signer.pub" --mirror bastion.example:5000/ocp \
  --ca "$pki/root.pem" --mirror-auth "$build/demo-auth.json" -o "$build/demo-artifacts"
step cat "$build/demo-artifacts/registry-config.yaml" "$build/demo-artifacts/icsp.yaml"
step sed -n '/^set --/,$p' "$build/demo-artifacts/hcp-create-cluster.sh"

printf '\napply-cluster.sh --dry-run on a management cluster that already holds the procedure'"'"'s\nhand-made objects (mirror-config, registry-config, a pull secret, an old ICSP, a hosted cluster).\nNo cluster runs here: a stand-in oc keeps them in a file. Every change is a merge, computed by\nzbundle-extract merge and tried with --dry-run=server; nothing changes:\n'
rm -rf "$build/demo-bin" && mkdir -p "$build/demo-bin"
printf '#!/bin/sh\nexec python3 %s "$@"\n' "$PWD/tests/data/fake_oc.py" >"$build/demo-bin/oc"
chmod +x "$build/demo-bin/oc"
python3 tests/data/procedure_cluster.py "$build/demo-cluster.json"
export FAKE_OC_STATE=$build/demo-cluster.json FAKE_OC_LOG=$build/demo-oc.log
PATH="$PWD/$build/demo-bin:$PWD/$build/src/cli:$PATH" step sh "$build/demo-artifacts/apply-cluster.sh" --dry-run

printf '\nOn the bastion: expand (the registry as distribution serves it), then apply --dry-run\n(what apply would install below a root; nothing is touched):\n'
rm -rf "$build/demo-bastion" "$build/demo-root" "$build/demo-state"
mkdir -p "$build/demo-root/etc/pki/ca-trust/source/anchors"
# --state-dir: the sequence against rollback stays in the build tree, not in /var/lib/zbundle
step "$zbundle_extract" expand "$build/demo.zb" --to "$build/demo-bastion" --pubkey "$keys/signer.pub" \
  --state-dir "$build/demo-state"
step "$zbundle_extract" apply "$build/demo.zb" --pubkey "$keys/signer.pub" --root "$build/demo-root" \
  --mirror bastion.example:5000/ocp --ca "$pki/root.pem" --dry-run

printf '\nDay 2: the expanded tree served by docker-registry on 127.0.0.1, a receipt of what it holds\n(signed with the bastion'"'"'s key), and the next bundle made from the receipt beside the full one:\n'
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$build/demo-registry.yml" <<YAML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $PWD/$build/demo-bastion/registry}
http: {addr: "127.0.0.1:$port", secret: zbundle-demo}
YAML
docker-registry serve "$build/demo-registry.yml" >"$build/demo-registry.log" 2>&1 &
registry_pid=$!
trap 'kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
rm -f "$build/demo-receipt.json" "$build/demo-delta.zb" "$build/demo-full.zb" "$keys"/bastion.*
step "$zbundle" keygen --out "$keys/bastion"
step "$zbundle_extract" receipt --to "127.0.0.1:$port" --insecure-http --sign-key "$keys/bastion.key" \
  --state-dir "$build/demo-state" -o "$build/demo-receipt.json"
step "$zbundle" create "$sample/v2" --release-key "$sample/release-key.pem" --release-keyring "$sample/release-keyring.gpg" --sign-key "$keys/signer.key" \
  --mirror "127.0.0.1:$port" -o "$build/demo-full.zb"
step "$zbundle" create "$sample/v2" --release-key "$sample/release-key.pem" --release-keyring "$sample/release-keyring.gpg" --sign-key "$keys/signer.key" \
  --mirror "127.0.0.1:$port" --receipt "$build/demo-receipt.json" --receipt-key "$keys/bastion.pub" \
  -o "$build/demo-delta.zb"
printf '\nfull bundle: %s bytes; delta from the receipt: %s bytes (the registry confirmed every blob)\n' \
  "$(stat -c %s "$build/demo-full.zb")" "$(stat -c %s "$build/demo-delta.zb")"
printf '\nOn the bastion, push finds everything the delta left out in the registry before sending\nanything, then tags what is new:\n'
step "$zbundle_extract" push "$build/demo-delta.zb" --to "127.0.0.1:$port" --insecure-http \
  --pubkey "$keys/signer.pub" --state-dir "$build/demo-state"

printf '
A page for the change request: the bundle, verified, as one offline HTML file:
'
step "$zbundle_extract" report "$build/demo.zb" --pubkey "$keys/signer.pub" -o "$build/demo-report.html"
printf '
The report: %s
' "$PWD/$build/demo-report.html"
