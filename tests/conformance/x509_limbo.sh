#!/usr/bin/env bash
# Runs the x509-limbo server cases (tests/conformance/x509-limbo, see its README) against
# `zbundle verify-ca`.
# Fails when agreement drops below the best score reached (x509_limbo_best_score), or when any
# false accept appears, except on rfc5280:: cases that conflict with a webpki:: case (we follow
# webpki::, the TLS server view).
set -euo pipefail
: "${ZBUNDLE:?set ZBUNDLE}"
here=$(cd "$(dirname "$0")" && pwd)
suite=${LIMBO_DIR:-$here/x509-limbo}
[ -f "$suite/dev.jsonl" ] || { echo "FAIL: x509-limbo cases not found in $suite" >&2; exit 1; }
report=$(mktemp)
trap 'rm -f "$report"' EXIT
python3 "$suite/run.py" "$suite/dev.jsonl" -v --report "$report" -- \
  ${ZB_EXEC_PREFIX:-} "$ZBUNDLE" verify-ca --ca {trusted} --untrusted {untrusted} --host {dns} --ip {ip} \
  --at {time} --max-depth {max_depth} --crl {crls} {leaf}
python3 - "$report" "$suite/dev.jsonl" "$(cat "$here/x509_limbo_best_score")" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
cases = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[2]) if l.strip()}
best = int(sys.argv[3])
agree = report["summary"]["agree"]
dangerous = [r["id"] for r in report["results"] if r["verdict"] == "false_accept"
             and not (r["id"].startswith("rfc5280::") and any(c.startswith("webpki::") for c in cases[r["id"]]["conflicts_with"]))]
errors = [r["id"] for r in report["results"] if r["verdict"] == "error"]
print(f"x509-limbo: {agree} of {report['summary']['total']} agree (best so far {best}); "
      f"false accepts outside webpki conflicts: {dangerous or 'none'}; errors: {errors or 'none'}")
sys.exit(1 if agree < best or dangerous or errors else 0)
PY
