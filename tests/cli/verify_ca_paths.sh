#!/usr/bin/env bash
# verify-ca's path building (RFC 4158, RFC 5280 6.1), one family at a time, on certificates
# made by OpenSSL here: a valid path OpenSSL's single attempt would miss is found, a trust
# anchor need not be self-signed, self-issued intermediates do not count toward --max-depth,
# and a CRL deciding the path must carry its number. Each valid case stands beside a broken
# twin that must stay refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pki_lib.sh"
d=$work/paths
mkdir -p "$d"
cd "$d"

ext root 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=hash'
ext inter 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid'
ext leaf 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:mirror.test' \
  'authorityKeyIdentifier=keyid' 'subjectKeyIdentifier=hash'
ca root root.cnf
cert ica root inter.cnf
cert leaf ica leaf.cnf

# 6.1.1(d): the trust anchor is whatever is trusted, an intermediate too; the root beside it
# among the untrusted certificates is not needed.
trusted zb verify-ca --ca ica.pem --untrusted root.pem --host mirror.test leaf.pem
expect 1 'unable to get local issuer certificate' \
  -- zb verify-ca --ca root.pem --host mirror.test leaf.pem

# One intermediate certified twice (same name and key): through a CA whose name constraints
# exclude the server, and under a second root without constraints. The untrusted file lists
# the constrained one first, the path OpenSSL alone would take and fail on.
ca root2 root.cnf
ext excluding 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid' \
  'nameConstraints=critical,excluded;DNS:mirror.test'
cert constrained root excluding.cnf
cert twin-a constrained inter.cnf '' /CN=twin twin
cert twin-b root2 inter.cnf '' /CN=twin twin
cp twin.key twin-a.key
cert twin-leaf twin-a leaf.cnf
cat twin-a.pem constrained.pem twin-b.pem >both.pem
cat root.pem root2.pem >roots.pem
trusted zb verify-ca --ca roots.pem --untrusted both.pem --host mirror.test twin-leaf.pem
contains 'CN=root2' "$work/out"
cat twin-a.pem constrained.pem >constrained-only.pem
expect 1 'excluded subtree violation' \
  -- zb verify-ca --ca roots.pem --untrusted constrained-only.pem --host mirror.test twin-leaf.pem

# CAs that cross-sign each other (A by B, B by A) beside the self-signed A that is trusted:
# the cycle is walked without looping, and the path through A's own root is found.
ca cross-a root.cnf
key cross-b
cert cross-b-by-a cross-a inter.cnf '' /CN=cross-b cross-b
cp cross-b.key cross-b-by-a.key
cert cross-a-by-b cross-b-by-a inter.cnf '' /CN=cross-a cross-a
cert cross-ica cross-a inter.cnf
cert cross-leaf cross-ica leaf.cnf
cat cross-a-by-b.pem cross-b-by-a.pem cross-ica.pem >cycle.pem
trusted zb verify-ca --ca cross-a.pem --untrusted cycle.pem --host mirror.test cross-leaf.pem
expect 1 'unable to get local issuer certificate' \
  -- zb verify-ca --ca root.pem --untrusted cycle.pem --host mirror.test cross-leaf.pem

# 6.1.4(l): a self-issued intermediate (here the CA re-keyed under its own name) does not count
# toward the depth; a second, distinct intermediate does.
key ica-new
cert ica-rekeyed ica inter.cnf '' /CN=ica ica-new
cp ica-new.key ica-rekeyed.key
cert rekeyed-leaf ica-rekeyed leaf.cnf
cat ica-rekeyed.pem ica.pem >rekeyed-chain.pem
trusted zb verify-ca --ca root.pem --untrusted rekeyed-chain.pem --max-depth 1 \
  --host mirror.test rekeyed-leaf.pem
cert ica2 ica inter.cnf
cert deep-leaf ica2 leaf.cnf
cat ica2.pem ica.pem >deep-chain.pem
trusted zb verify-ca --ca root.pem --untrusted deep-chain.pem --max-depth 2 \
  --host mirror.test deep-leaf.pem
expect 1 'certificate chain too long: more than 1 intermediate CAs' \
  -- zb verify-ca --ca root.pem --untrusted deep-chain.pem --max-depth 1 \
  --host mirror.test deep-leaf.pem

# 6.1.4(n): a CA without keyUsage (what `openssl req -x509` makes by default) may sign; one
# whose keyUsage lacks keyCertSign may not.
ext bare-ca 'basicConstraints=critical,CA:TRUE' 'subjectKeyIdentifier=hash'
ca bare bare-ca.cnf
cert bare-leaf bare leaf.cnf
trusted zb verify-ca --ca bare.pem --host mirror.test bare-leaf.pem
ext no-certsign 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,cRLSign' \
  'subjectKeyIdentifier=hash'
ca no-certsign no-certsign.cnf
cert no-certsign-leaf no-certsign leaf.cnf
expect 1 'certificate 1 \(CN=no-certsign\): invalid CA certificate' \
  -- zb verify-ca --ca no-certsign.pem --host mirror.test no-certsign-leaf.pem

# 5.2.3: the CRL that decides a certificate carries a CRL number.
crl() { # OUT [NUMBERED]: an empty CRL from root, with a CRL number when asked
  : >index.txt
  printf '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\ndefault_md=sha256\ndefault_crl_days=30\n' >crl.cnf
  if [ -n "${2:-}" ]; then
    echo 01 >crlnumber
    echo crlnumber=crlnumber >>crl.cnf
  fi
  openssl ca -gencrl -keyfile root.key -cert root.pem -out "$1" -config crl.cnf 2>/dev/null \
    || fail "cannot make $1"
}
crl numbered.crl yes
crl unnumbered.crl
cert root-leaf root leaf.cnf
trusted zb verify-ca --ca root.pem --crl numbered.crl --host mirror.test root-leaf.pem
expect 1 'CN=root-leaf\): the CRL that decides it has no CRL number' \
  -- zb verify-ca --ca root.pem --crl unnumbered.crl --host mirror.test root-leaf.pem
