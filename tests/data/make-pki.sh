#!/usr/bin/env bash
# Makes a small PKI with OpenSSL for the verify-ca tests:
#   root.pem / root.key             self-signed root CA (EC P-256), 10 years
#   inter.pem / inter.key           intermediate CA signed by root
#   leaf.pem / leaf.key             server certificate for mirror.test and 127.0.0.1, 1 year
#   leaf-chain.pem                  leaf followed by the intermediate (what a server sends)
#   other-root.pem                  an unrelated root CA
#   sha1-leaf.pem                   like leaf, signed with SHA-1
#   rsa1024-leaf.pem                like leaf, with a 1024-bit RSA key
#   short-root.pem                  a root CA valid for 10 days only
#   no-ca.pem                       a certificate that is not a CA
# usage: tests/data/make-pki.sh DIR
set -euo pipefail
dir=${1:?usage: make-pki.sh DIR}
mkdir -p "$dir"
cd "$dir"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

cat >ca.ext <<'X'
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X
cat >leaf.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:mirror.test,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X

root() { # NAME DAYS
  ec "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=zbundle test $1" -days "$2" -sha256 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.pem"
}
sign() { # CSR_KEY SUBJECT ISSUER EXTFILE OUT DAYS DIGEST
  openssl req -new -key "$1" -subj "$2" -out req.csr
  openssl x509 -req -in req.csr -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -extfile "$4" \
    -days "$6" "-$7" -out "$5" 2>/dev/null
}

root root 3650
root other-root 3650
root short-root 10
ec inter.key
sign inter.key "/CN=zbundle test intermediate" root ca.ext inter.pem 3650 sha256
ec leaf.key
sign leaf.key "/CN=mirror.test" inter leaf.ext leaf.pem 365 sha256
cat leaf.pem inter.pem >leaf-chain.pem
sign leaf.key "/CN=mirror.test" inter leaf.ext sha1-leaf.pem 365 sha1
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.key 2>/dev/null
sign rsa1024.key "/CN=mirror.test" inter leaf.ext rsa1024-leaf.pem 365 sha256
cp leaf.pem no-ca.pem
rm -f req.csr ./*.srl
