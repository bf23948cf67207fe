#!/usr/bin/env bash
# Rule R4: trusting a signer through a CA. A code-signing certificate for the signing key,
# issued by an OpenSSL-made root, travels as ZBUNDLE/signer.pem; verify --trust-ca accepts it
# only with the pinned name, the codeSigning EKU and a chain to the given root.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
zb keygen --out signer >/dev/null

# issue NAME EKU OUT: a certificate for signer.key, signed by the test root
issue() {
  cat >ext <<X
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=$2
subjectAltName=DNS:$1
X
  openssl req -new -key signer.key -subj "/CN=$1" -out req.csr 2>/dev/null
  openssl x509 -req -in req.csr -CA pki/root.pem -CAkey pki/root.key -CAcreateserial -days 30 \
    -extfile ext -out "$3" 2>/dev/null
}
issue release.example codeSigning signer.pem
issue release.example serverAuth server.pem

expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key signer.key --sign-cert signer.pem -o b.zb
zstd -dc b.zb | tar -tf - | sed -n 3p | grep -qx ZBUNDLE/signer.pem || fail "signer.pem is not the third member"
expect 0 '' -- zbx verify b.zb --trust-ca pki/root.pem --signer-name release.example
contains 'signed by certificate for release.example' "$work/out"
expect 0 '' -- zb verify b.zb --pubkey signer.pub
expect 1 'signer certificate is not for other.example' -- zbx verify b.zb --trust-ca pki/root.pem --signer-name other.example
expect 1 'signer chain not trusted by pki/other-root.pem' -- zbx verify b.zb --trust-ca pki/other-root.pem --signer-name release.example
expect 2 'trust-ca needs --signer-name' -- zbx verify b.zb --trust-ca pki/root.pem

expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key signer.key --sign-cert server.pem -o server.zb
expect 1 'lacks extended key usage codeSigning' -- zbx verify server.zb --trust-ca pki/root.pem --signer-name release.example
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key signer.key -o plain.zb
expect 1 'ZBUNDLE/signer.pem must come next' -- zbx verify plain.zb --trust-ca pki/root.pem --signer-name release.example
zb keygen --out other >/dev/null
expect 2 'sign-cert: its first certificate is not for the signing key' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key other.key --sign-cert signer.pem -o never.zb

# Rollback under --trust-ca: the sequence belongs to the CA and the signer name, not to the leaf
# key, so a bundle made earlier under the signer's previous, still valid certificate is older.
zb keygen --out previous >/dev/null
cp signer.key current.key && cp previous.key signer.key
issue release.example codeSigning previous.pem
cp current.key signer.key
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key previous.key --sign-cert previous.pem -o older.zb
sleep 1
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key signer.key --sign-cert signer.pem -o newer.zb
trust=(--trust-ca pki/root.pem --signer-name release.example)
expect 0 '' -- zbx expand newer.zb --to exp "${trust[@]}"
expect 1 'older.zb: bundle [0-9a-f]{32} was created .* before bundle' -- zbx expand older.zb --to exp "${trust[@]}"
expect 0 '' -- zbx expand older.zb --to exp "${trust[@]}" --allow-rollback
echo "bundle_trust_ca: ok"
