# Shared by the CLI tests. The binaries run through $ZB_EXEC_PREFIX (empty, or
# qemu-s390x-static for the cross build). Each helper fails the test with a message.
set -euo pipefail

: "${ZBUNDLE:?set ZBUNDLE to the zbundle binary}"
: "${SAMPLE:?set SAMPLE to the make-sample.sh output}"
# The keys the sample's release signatures verify with (sigstore, OpenPGP), for create.
release_keys=(--release-key "$SAMPLE/release-key.pem" --release-keyring "$SAMPLE/release-keyring.gpg")
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The sequence against rollback that expand, push and apply keep: the test's own, never the
# machine's /var/lib/zbundle.
export ZBUNDLE_STATE_DIR=$work/state

zb() { ${ZB_EXEC_PREFIX:-} "$ZBUNDLE" "$@"; }
zbx() { ${ZB_EXEC_PREFIX:-} "$ZBUNDLE_EXTRACT" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect EXIT PATTERN -- COMMAND...: runs COMMAND, checks its exit status and that stderr
# matches the grep -E PATTERN (empty pattern: stderr must be empty). stdout lands in $work/out.
# The sample mirrors no multicluster engine content, so create names it whenever it renders the
# hosted control planes artifacts: that one warning does not count as output here (seal_gate.sh
# checks it is said, and not said when the content is there).
expect() {
  local want=$1 pattern=$2 got=0
  shift 3
  "$@" >"$work/out" 2>"$work/err" || got=$?
  [ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(cat "$work/err")"
  if [ -z "$pattern" ]; then
    ! grep -qv '^zbundle: warning: missing-agent-content: multicluster-engine/' "$work/err" \
      || fail "'$*' wrote to stderr: $(cat "$work/err")"
  else
    grep -Eq -- "$pattern" "$work/err" || fail "'$*' stderr does not match '$pattern': $(cat "$work/err")"
  fi
}

# members BUNDLE: the member names, read by stock zstd and tar, into $work/members. Into a
# file, not a pipe to grep -q: under pipefail, grep quitting early fails the pipeline.
members() { zstd -dc "$1" | tar -tf - >"$work/members"; }

# contains PATTERN FILE
contains() { grep -Eq -- "$1" "$2" || fail "$2 does not contain '$1': $(head -c 2000 "$2")"; }

# snapshot DIR: every path, type, mode, size, time and content under DIR, to compare before/after.
snapshot() { (cd "$1" && find . -printf '%p %y %m %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# validate B: the manifest of bundle B against the JSON Schema (2020-12).
validate() {
  zstd -dc "$1" | tar -xOf - ZBUNDLE/manifest.json >manifest.json
  "$PYTHON" - "$(dirname "${BASH_SOURCE[0]}")/../../bundle-schema/manifest-v1.schema.json" manifest.json <<'PY' || fail "$1: manifest does not match the schema"
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
errors = list(Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for error in errors:
    print(f"{list(error.absolute_path)}: {error.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}
