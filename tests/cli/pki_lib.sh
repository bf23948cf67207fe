# shellcheck shell=bash
# shellcheck disable=SC2154 # work comes from lib.sh
# Certificates made with OpenSSL for the verify-ca rule tests; sourced after lib.sh, in the
# directory the certificates go to. Every helper fails the test when OpenSSL refuses.

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

# ext NAME LINES...: an extension file NAME.cnf with section [ext]
ext() {
  local name=$1
  shift
  printf '[ext]\n' >"$name.cnf"
  printf '%s\n' "$@" >>"$name.cnf"
}

# ca NAME EXTFILE: a self-signed root with the extensions of section [ext] in EXTFILE
ca() {
  key "$1"
  { printf '[req]\ndistinguished_name=dn\n[dn]\n'; cat "$2"; } >"$1.req.cnf"
  openssl req -new -x509 -key "$1.key" -subj "/CN=$1" -days 3650 -out "$1.pem" \
    -config "$1.req.cnf" -extensions ext 2>/dev/null || fail "cannot make $1"
}

# cert NAME ISSUER EXTFILE [SERIAL] [SUBJECT] [KEY]: a certificate NAME.pem signed by ISSUER
# (ISSUER.pem, ISSUER.key), for the key KEY.key (a new NAME.key by default) and the subject
# SUBJECT (/CN=NAME by default).
cert() {
  local name=$1 issuer=$2 extfile=$3 serial=${4:-0x$(openssl rand -hex 8)}
  local subject=${5:-/CN=$1} subject_key=${6:-$1}
  [ -f "$subject_key.key" ] || key "$subject_key"
  openssl req -new -key "$subject_key.key" -subj "$subject" -out "$name.csr" \
    -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n') 2>/dev/null \
    || fail "cannot make a request for $name"
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -days 365 \
    -out "$name.pem" -extfile "$extfile" -extensions ext -set_serial "$serial" 2>/dev/null \
    || fail "cannot make $name"
}

# trusted COMMAND...: exits 0, quietly, and says trusted
trusted() {
  expect 0 '' -- "$@"
  contains '^trusted: ' "$work/out"
}
