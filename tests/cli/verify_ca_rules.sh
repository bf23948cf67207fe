#!/usr/bin/env bash
# verify-ca against RFC 5280's rules that OpenSSL leaves to us, one family at a time: for each,
# a certificate made by OpenSSL here that breaks the rule (refused, naming the certificate and
# the rule) beside the same certificate keeping it (trusted), so the test judges the rule.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pki_lib.sh"
d=$work/rules
mkdir -p "$d"
cd "$d"

ext root 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=hash'
ext leaf 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:mirror.test' \
  'authorityKeyIdentifier=keyid' 'subjectKeyIdentifier=hash'
ca root root.cnf
cert good root leaf.cnf
trusted zb verify-ca --ca root.pem --host mirror.test good.pem

# 4.1.2.2: a serial number of at most 20 octets.
cert serial20 root leaf.cnf "0x7f$(printf '%038x' 1)"
trusted zb verify-ca --ca root.pem --host mirror.test serial20.pem
cert serial21 root leaf.cnf "0x7f$(printf '%040x' 1)"
expect 1 'certificate 0 \(CN=serial21\): its serial number is 21 octets long' \
  -- zb verify-ca --ca root.pem --host mirror.test serial21.pem

# aki_root NAME AKI: a root NAME whose authorityKeyIdentifier is AKI (openssl's spelling),
# and under-NAME.pem, a server certificate it signed.
aki_root() {
  ext "$1" 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
    'subjectKeyIdentifier=hash' "authorityKeyIdentifier=$2"
  ca "$1" "$1.cnf"
  cert "under-$1" "$1" leaf.cnf
}

# 4.2.1.1: an authorityKeyIdentifier holds a keyIdentifier, in a root too.
aki_root root-aki-issuer issuer:always
expect 1 'CN=root-aki-issuer\): its authorityKeyIdentifier has no keyIdentifier' \
  -- zb verify-ca --ca root-aki-issuer.pem --host mirror.test under-root-aki-issuer.pem
aki_root root-aki-keyid keyid:always
trusted zb verify-ca --ca root-aki-keyid.pem --host mirror.test under-root-aki-keyid.pem

# CABF 7.1.2.11.1: the keyIdentifier alone (not also the issuer's name and serial number).
aki_root root-aki-all keyid:always,issuer:always
expect 1 'CN=root-aki-all\): its authorityKeyIdentifier names the issuer by name and serial' \
  -- zb verify-ca --ca root-aki-all.pem --host mirror.test under-root-aki-all.pem

# CABF 7.1.2.1.3: a root's authorityKeyIdentifier is its own subjectKeyIdentifier. The root
# is signed by its own key but through a twin certificate with another key identifier.
ext twin 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
  'subjectKeyIdentifier=00112233445566778899aabbccddeeff00112233'
ca twin twin.cnf
cert twin-root twin root-aki-keyid.cnf "" /CN=twin twin
cp twin.key twin-root.key
cert under-twin-root twin-root leaf.cnf
expect 1 'CN=twin\): its authorityKeyIdentifier differs from its own subjectKeyIdentifier' \
  -- zb verify-ca --ca twin-root.pem --host mirror.test under-twin-root.pem

# CABF 7.1.2.7.10: a server's certificate names serverAuth in a non-critical extendedKeyUsage.
ext leaf-no-eku 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'subjectAltName=DNS:mirror.test' 'authorityKeyIdentifier=keyid'
cert no-eku root leaf-no-eku.cnf
expect 1 'CN=no-eku\): it has no extendedKeyUsage' \
  -- zb verify-ca --ca root.pem --host mirror.test no-eku.pem
ext leaf-critical-eku 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=critical,serverAuth' 'subjectAltName=DNS:mirror.test' \
  'authorityKeyIdentifier=keyid'
cert critical-eku root leaf-critical-eku.cnf
expect 1 'CN=critical-eku\): its extendedKeyUsage is marked critical' \
  -- zb verify-ca --ca root.pem --host mirror.test critical-eku.pem

# CABF 7.1.4.3: a CN that spells an address is a SAN address written canonically; a CN that
# is a near-copy of a SAN host name (letter case) is refused; a descriptive CN is left alone.
ext leaf-ips 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=serverAuth' 'authorityKeyIdentifier=keyid' \
  'subjectAltName=DNS:mirror.test,IP:192.168.1.1,IP:2001:db8:0:0:1:0:0:1'
cn_case() { # N CN EXPECTED-EXIT: a leaf with subject CN, refused (1) or trusted (0)
  cert "cn$1" root leaf-ips.cnf '' "/CN=$2"
  if [ "$3" -eq 0 ]; then
    trusted zb verify-ca --ca root.pem --host mirror.test "cn$1.pem"
  else
    expect 1 "subject CN '$4" -- zb verify-ca --ca root.pem --host mirror.test "cn$1.pem"
  fi
}
cn_case 1 192.168.1.1 0
cn_case 2 2001:db8::1:0:0:1 0
cn_case 3 mirror.test 0
cn_case 4 'Mirror Registry' 0
cn_case 5 0xC0A80101 1 0xC0A80101
cn_case 6 192.168.001.001 1 '192\.168\.001\.001'
cn_case 7 2001:0db8:0000:0000:0001:0000:0000:0001 1 2001:0db8
cn_case 8 2001:db8:0:0:1:0:0:1 1 2001:db8:0:0:1
cn_case 9 2001:DB8::1:0:0:1 1 2001:DB8
cn_case 10 Mirror.TEST 1 Mirror.TEST
cn_case 11 10.0.0.1 1 '10\.0\.0\.1'

# RFC 9525 6.3 and CABF 3.2.2.6: a wildcard over a public suffix matches nothing, so the
# certificate does not name a host only it covers; its other names still count.
printf '// test list\ntest\nco.test\n' >psl.dat
ext leaf-suffix 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=serverAuth' 'authorityKeyIdentifier=keyid' \
  'subjectAltName=DNS:*.co.test,DNS:mirror.co.test'
cert suffix root leaf-suffix.cnf '' /CN=mirror.co.test
trusted zb verify-ca --ca root.pem --psl psl.dat --host mirror.co.test suffix.pem
expect 1 "'other.co.test' is covered only by the wildcard '\*.co.test'" \
  -- zb verify-ca --ca root.pem --psl psl.dat --host other.co.test suffix.pem
trusted zb verify-ca --ca root.pem --host other.co.test suffix.pem

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
