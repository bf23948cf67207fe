#!/usr/bin/env bash
# verify-ca against RFC 5280's rules that OpenSSL leaves to us, one family at a time: for each,
# a certificate made by OpenSSL here that breaks the rule (refused, naming the certificate and
# the rule) beside the same certificate keeping it (trusted), so the test judges the rule.
source "$(dirname "$0")/lib.sh"
d=$work/rules
mkdir -p "$d"
cd "$d"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
# ca NAME EXTFILE: a self-signed root with the extensions of section [ext] in EXTFILE
ca() {
  key "$1"
  { printf '[req]\ndistinguished_name=dn\n[dn]\n'; cat "$2"; } >"$1.req.cnf"
  openssl req -new -x509 -key "$1.key" -subj "/CN=$1" -days 3650 -out "$1.pem" \
    -config "$1.req.cnf" -extensions ext 2>/dev/null || fail "cannot make $1"
}
# cert NAME ISSUER EXTFILE [SERIAL]: a certificate for NAME signed by ISSUER
cert() {
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr" \
    -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n') 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -days 365 -out "$1.pem" \
    -extfile "$3" -extensions ext -set_serial "${4:-0x$(openssl rand -hex 8)}" 2>/dev/null \
    || fail "cannot make $1"
}
trusted() { # COMMAND...: exits 0, quietly, and says trusted
  expect 0 '' -- "$@"
  contains '^trusted: ' "$work/out"
}
ext() { # NAME LINES...: an extension file with section [ext]
  local name=$1; shift
  printf '[ext]\n' >"$name.cnf"
  printf '%s\n' "$@" >>"$name.cnf"
}

ext root 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=hash'
ext leaf 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:mirror.test' \
  'authorityKeyIdentifier=keyid' 'subjectKeyIdentifier=hash'
ca root root.cnf
cert good root leaf.cnf
trusted zb verify-ca --ca root.pem --host mirror.test good.pem

# 4.1.2.2: a serial number of at most 20 octets.
cert serial20 root leaf.cnf 0x7f$(printf '%038x' 1)
trusted zb verify-ca --ca root.pem --host mirror.test serial20.pem
cert serial21 root leaf.cnf 0x7f$(printf '%040x' 1)
expect 1 'certificate 0 \(CN=serial21\): its serial number is 21 octets long' \
  -- zb verify-ca --ca root.pem --host mirror.test serial21.pem

# 4.2.1.1: an authorityKeyIdentifier holds a keyIdentifier, in a root too.
ext root-aki-issuer 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=issuer:always'
ca root-aki-issuer root-aki-issuer.cnf
cert under-aki-issuer root-aki-issuer leaf.cnf
expect 1 'CN=root-aki-issuer\): its authorityKeyIdentifier has no keyIdentifier' \
  -- zb verify-ca --ca root-aki-issuer.pem --host mirror.test under-aki-issuer.pem
ext root-aki-keyid 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid:always'
ca root-aki-keyid root-aki-keyid.cnf
cert under-aki-keyid root-aki-keyid leaf.cnf
trusted zb verify-ca --ca root-aki-keyid.pem --host mirror.test under-aki-keyid.pem

# 4.2.1.10: a dNSName constraint is a DNS name: no leading period.
inter() { # NAME EXTRA-LINE: an intermediate under root with one more extension line
  ext "$1" 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
    'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid' "$2"
  cert "$1" root "$1.cnf"
  cert "leaf-$1" "$1" leaf.cnf
}
inter nc-dot 'nameConstraints=critical,permitted;DNS:.test'
expect 1 "CN=nc-dot\\): a name constraint holds '.test', which is not a DNS name" \
  -- zb verify-ca --ca root.pem --untrusted nc-dot.pem --host mirror.test leaf-nc-dot.pem
inter nc-good 'nameConstraints=critical,permitted;DNS:test'
trusted zb verify-ca --ca root.pem --untrusted nc-good.pem --host mirror.test leaf-nc-good.pem

# 4.2.1.11: policyConstraints is marked critical.
inter pc-soft 'policyConstraints=requireExplicitPolicy:0'
expect 1 'CN=pc-soft\): its policyConstraints extension is not marked critical' \
  -- zb verify-ca --ca root.pem --untrusted pc-soft.pem --host mirror.test leaf-pc-soft.pem
inter pc-critical 'policyConstraints=critical,inhibitPolicyMapping:1'
trusted zb verify-ca --ca root.pem --untrusted pc-critical.pem --host mirror.test leaf-pc-critical.pem
