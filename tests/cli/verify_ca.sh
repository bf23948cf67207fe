#!/usr/bin/env bash
# verify-ca on certificate files, with a PKI made by OpenSSL in the test: trusted chains, each
# reason for distrust, CA bundle warnings, bad input; the same from zbundle-extract.
source "$(dirname "$0")/lib.sh"
pki=$work/pki
"$(dirname "$0")/../data/make-pki.sh" "$pki" >/dev/null
in_a_year=$(( $(date +%s) + 400 * 86400 ))

expect 0 '' -- zb verify-ca --ca "$pki/root.pem" --host mirror.test "$pki/leaf-chain.pem"
contains '^trusted: .* chains to CN=zbundle test root$' "$work/out"
expect 0 '' -- zb verify-ca --ca "$pki/root.pem" --ip 127.0.0.1 --untrusted "$pki/inter.pem" "$pki/leaf.pem"

# Each reason for distrust names the certificate and exits 1.
expect 1 'certificate 0 \(CN=mirror.test\): unable to get local issuer certificate \(the server may have left out an intermediate' \
  -- zb verify-ca --ca "$pki/root.pem" "$pki/leaf.pem"
expect 1 'unable to get local issuer certificate' -- zb verify-ca --ca "$pki/other-root.pem" "$pki/leaf-chain.pem"
expect 1 'certificate 0 \(CN=mirror.test\): certificate has expired' -- zb verify-ca --ca "$pki/root.pem" --at "@$in_a_year" "$pki/leaf-chain.pem"
expect 1 'hostname mismatch' -- zb verify-ca --ca "$pki/root.pem" --host other.test "$pki/leaf-chain.pem"
expect 1 'IP address mismatch' -- zb verify-ca --ca "$pki/root.pem" --ip 10.0.0.1 "$pki/leaf-chain.pem"
expect 1 'signed with SHA1' -- zb verify-ca --ca "$pki/root.pem" --untrusted "$pki/inter.pem" "$pki/sha1-leaf.pem"
expect 1 'RSA key of 1024 bits' -- zb verify-ca --ca "$pki/root.pem" --untrusted "$pki/inter.pem" "$pki/rsa1024-leaf.pem"
contains '^> 0  CN=mirror.test$' "$work/out"

# The CA bundle is checked too: warnings, and failures with --strict.
cat "$pki/root.pem" "$pki/short-root.pem" >"$work/bundle.pem"
expect 0 'warning: .*bundle.pem: CN=zbundle test short-root: expires in [0-9]+ days' \
  -- zb verify-ca --ca "$work/bundle.pem" "$pki/leaf-chain.pem"
expect 1 'CA bundle problems \(--strict\)' -- zb verify-ca --strict --ca "$work/bundle.pem" "$pki/leaf-chain.pem"
cat "$pki/root.pem" "$pki/no-ca.pem" >"$work/bundle-no-ca.pem"
expect 0 'CN=mirror.test: not a CA' -- zb verify-ca --ca "$work/bundle-no-ca.pem" "$pki/leaf-chain.pem"

# --json carries the verdict and the chain.
expect 1 'unable to get local issuer' -- zb verify-ca --json --ca "$pki/root.pem" "$pki/leaf.pem"
"$PYTHON" - "$work/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["trusted"] is False and doc["failingIndex"] == 0, doc
assert doc["chain"][0]["subject"] == "CN=mirror.test" and len(doc["chain"][0]["sha256"]) == 64
assert doc["caBundle"][0]["isCA"] is True and doc["caBundle"][0]["daysLeft"] > 3000
PY

# Bad input: exit 2 with the file and the reason.
echo "not a certificate" >"$work/empty.pem"
expect 2 'empty.pem: no certificate in it' -- zb verify-ca --ca "$work/empty.pem" "$pki/leaf.pem"
sed 's/^M/X/' "$pki/root.pem" >"$work/broken.pem"
expect 2 'broken.pem: certificate 1: does not parse' -- zb verify-ca --ca "$work/broken.pem" "$pki/leaf.pem"
expect 2 'absent.pem: cannot open' -- zb verify-ca --ca "$work/absent.pem" "$pki/leaf.pem"
expect 2 'yesterday: not a time' -- zb verify-ca --ca "$pki/root.pem" --at yesterday "$pki/leaf.pem"
expect 2 '--ca BUNDLE.pem is required' -- zb verify-ca "$pki/leaf.pem"
expect 2 'either a certificate file or --probe' -- zb verify-ca --ca "$pki/root.pem"

# The bastion binary runs the same command.
expect 0 '' -- zbx verify-ca --ca "$pki/root.pem" --host mirror.test "$pki/leaf-chain.pem"
expect 1 '^zbundle-extract: error: .*unable to get local issuer' -- zbx verify-ca --ca "$pki/other-root.pem" "$pki/leaf-chain.pem"
echo "verify_ca: ok"
