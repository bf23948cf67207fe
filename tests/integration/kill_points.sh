#!/usr/bin/env bash
# kill -9 at seeded points inside create, expand, apply and push (into Debian's docker-registry
# over TLS), then the invariants each must keep:
#   create  no bundle is published but a whole one that verifies; nothing else is left;
#   expand  every file of the target is absent or the undisturbed run's; no staging left once
#           it runs again;
#   apply   every file below --root is its old content or the undisturbed run's;
#   push    the registry holds no tag whose manifest, config or layers it lacks;
# and each, run again, converges to what an undisturbed run leaves.
#   KILL_POINTS   how many points (default 12, three per command: the ctest budget)
#   KILL_SEED     the seed of the points (default fixed, so a failure replays)
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
cd "$work"
points=${KILL_POINTS:-12}
RANDOM=${KILL_SEED:-20261202}

start_tls_registry "$work/storage"
registry=127.0.0.1:$port
zb keygen --out key >/dev/null
"$PYTHON" "$TEST_DATA/make_storage.py" big 16 8
expect 0 '' -- zb create "${release_keys[@]}" big --sign-key key.key -o big.zb
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key \
  --mirror mirror.test:8443 --ca pki/root.pem -o small.zb

# contents DIR: every regular file's path and hash (times and staging left out)
contents() {
  (cd "$1" && find . -type f -not -path './.zbundle-staging-*' -not -path './var/lib/zbundle/*' \
    -exec sha256sum {} + | sort -k2)
}
# within OLD NEW NOW: each file of NOW is as in OLD or in NEW (contents lists)
within() {
  "$PYTHON" - "$@" <<'PY' || exit 1
import sys
def read(path):
    return dict(reversed(line.rstrip("\n").split("  ", 1)) for line in open(path) if line.strip())
old, new, now = (read(p) for p in sys.argv[1:4])
bad = [f for f, h in now.items() if h not in (old.get(f), new.get(f))]
if bad:
    print(f"FAIL: half-written after the kill: {bad[:5]}", file=sys.stderr)
    sys.exit(1)
PY
}
# registry_whole NAMESPACE: every tag below NAMESPACE in the storage names a manifest whose
# children, config and layers are all stored
registry_whole() {
  "$PYTHON" - "$work/storage/docker/registry/v2" "$1" <<'PY' || exit 1
import json, os, sys
root, namespace = sys.argv[1], sys.argv[2]
def blob(digest):
    return os.path.join(root, "blobs/sha256", digest[7:9], digest[7:], "data")
def whole(digest):  # a manifest or index: itself, then what it names
    if not os.path.exists(blob(digest)):
        return False
    document = json.load(open(blob(digest)))
    blobs = [d["digest"] for d in document.get("layers", [])]
    blobs += [document["config"]["digest"]] if "config" in document else []
    return all(os.path.exists(blob(b)) for b in blobs) and all(
        whole(child["digest"]) for child in document.get("manifests", []))
broken = []
for folder, _, files in os.walk(os.path.join(root, "repositories", namespace)):
    if folder.endswith("/current") and "link" in files:
        digest = open(os.path.join(folder, "link")).read().strip()
        if not whole(digest):
            broken.append(folder)
if broken:
    print(f"FAIL: tags whose content is missing after the kill: {broken[:5]}", file=sys.stderr)
    sys.exit(1)
PY
}

# The commands, each run as `run_NAME [&]` in $work; reference results from undisturbed runs.
run_create() { zb create "${release_keys[@]}" big --sign-key key.key -o made/big.zb; }
run_expand() { zbx expand big.zb --to target --pubkey key.pub; }
run_apply() { zbx apply small.zb --pubkey key.pub --root root --authfile root/auth.json --state-dir root/state; }
run_push() { zbx push big.zb --to "$registry/kp" --pubkey key.pub --ca pki/root.pem; }
fresh_root() {
  rm -rf root && mkdir -p root/etc/pki/ca-trust/source/anchors root/etc/containers/registries.conf.d
  printf '[[registry]]\nlocation = "other.example"\n' >root/etc/containers/registries.conf
}
declare -A took_ms
timed() { # NAME: runs it undisturbed, keeps how long it took
  local start=$EPOCHREALTIME
  "run_$1" >/dev/null 2>&1 || fail "undisturbed $1 failed"
  took_ms[$1]=$(( (${EPOCHREALTIME/./} - ${start/./}) / 1000 + 1 ))
}
mkdir -p made
timed create
timed expand && contents target >expand.ref && rm -rf target
fresh_root && contents root >apply.old && timed apply && contents root >apply.ref
timed push

commands=(create expand apply push)
for point in $(seq "$points"); do
  name=${commands[$(( (point - 1) % 4 ))]}
  delay=$(( RANDOM * (took_ms[$name] * 12 / 10) / 32768 ))
  case $name in
    create) rm -rf made && mkdir made ;;
    apply) fresh_root ;;
  esac
  # In a process group of its own (job control on for the launch), so that kill -9 reaches the
  # binary itself, not only the shell function that runs it.
  set -m
  "run_$name" >/dev/null 2>&1 &
  pid=$!
  set +m
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  while pgrep -g "$pid" >/dev/null; do sleep 0.01; done # every process of the group is gone
  echo "kill point $point: $name after ${delay} ms (undisturbed ${took_ms[$name]} ms)"
  case $name in
    create)
      for file in made/* made/.*; do
        [ -e "$file" ] || continue
        case $file in made/. | made/..) continue ;; esac
        [ "$file" = made/big.zb ] || fail "create left $file behind"
        zbx verify made/big.zb --pubkey key.pub >/dev/null 2>&1 || fail "create published a bundle that does not verify"
      done ;;
    expand) [ ! -d target ] || within /dev/null expand.ref <(contents target) ;;
    apply) within apply.old apply.ref <(contents root) ;;
    push) registry_whole kp ;;
  esac
  "run_$name" >/dev/null 2>"$work/err" || fail "$name did not converge after the kill: $(cat "$work/err")"
  case $name in
    create) zbx verify made/big.zb --pubkey key.pub >/dev/null || fail "the re-run of create does not verify" ;;
    expand)
      cmp -s expand.ref <(contents target) || fail "expand did not converge: $(diff expand.ref <(contents target) | head -5)"
      [ -z "$(find target -maxdepth 1 -name '.zbundle-staging-*')" ] || fail "a killed expand's staging was left behind" ;;
    apply) cmp -s apply.ref <(contents root) || fail "apply did not converge: $(diff apply.ref <(contents root) | head -5)" ;;
    push) registry_whole kp ;;
  esac
done
