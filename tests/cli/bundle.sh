#!/usr/bin/env bash
# The bundle round trip on the generated sample: keygen for every key type, create, verify
# with both binaries, inspect, list; stock tools read it (zstd | tar, openssl); every manifest
# validates against bundle-schema/manifest-v1.schema.json; volumes; bad input leaves nothing.
source "$(dirname "$0")/lib.sh"
tool=$TEST_DATA/bundle_tool.py
cd "$work"


# keygen: key id printed, private key 0600, never overwritten
expect 0 '' -- zb keygen --out ed
key_id=$(cat "$work/out")
[[ $key_id =~ ^[0-9a-f]{64}$ ]] || fail "keygen printed '$key_id'"
[ "$(stat -c %a ed.key)" = 600 ] || fail "ed.key mode $(stat -c %a ed.key)"
[ "$key_id" = "$(openssl pkey -pubin -in ed.pub -outform DER | sha256sum | cut -c1-64)" ] || fail "key id is not sha256(SPKI)"
expect 2 'ed.key: exists' -- zb keygen --out ed
expect 2 'unknown key type' -- zb keygen --out x --type dsa
echo 'correct horse' >pass.txt
expect 0 '' -- zb keygen --out ec --type ecdsa-p256 --passphrase-file pass.txt
grep -q 'ENCRYPTED PRIVATE KEY' ec.key || fail "ec.key is not encrypted"
expect 0 '' -- zb keygen --out rsa --type rsa3072
expect 2 'ambiguous|unrecognised|unknown option' -- zb keygen --out x --passphrase secret

# create + verify + inspect + list, Ed25519
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key --mirror registry.example.com:5000 -o b.zb
contains "^created b.zb: [0-9]+ entries" "$work/out"
validate b.zb
expect 0 '' -- zb verify b.zb --pubkey ed.pub
contains '^verified b.zb: ' "$work/out"
expect 0 '' -- zbx verify b.zb --pubkey ed.pub
expect 0 '' -- zb inspect b.zb --pubkey ed.pub
contains 'registry.example.com:5000/openshift/release-images' "$work/out"
contains 'release: +4.16.5-multi @ sha256:' "$work/out"
expect 0 '' -- zb inspect b.zb --json
contains 'signature not checked' "$work/out"
expect 0 '' -- zbx list b.zb --pubkey ed.pub
contains $'\toc-mirror/working-dir/hold-release/ocp-release/4.16.5-multi/release-manifests/image-references$' "$work/out"
expect 2 'no trust' -- zbx list b.zb

# stock tools: the manifest comes first, the signature verifies with openssl
zstd -dc b.zb | tar -tf - >listing
[ "$(head -1 listing)" = ZBUNDLE/manifest.json ] || fail "first member is $(head -1 listing)"
[ "$(tail -1 listing)" = ZBUNDLE/index.sig ] || fail "last member is $(tail -1 listing)"
zstd -dc b.zb | tar -xf - ZBUNDLE
openssl pkeyutl -verify -pubin -inkey ed.pub -rawin -in ZBUNDLE/manifest.json -sigfile ZBUNDLE/manifest.sig >/dev/null \
  || fail "openssl pkeyutl rejects the Ed25519 signature"
"$PYTHON" "$tool" b.zb members members
[ "$(grep -c '^registry/' members)" -gt 0 ] || fail "no registry blobs in the bundle"

# ECDSA (passphrase from the environment) and RSA-PSS, checked with openssl dgst
ZB_PASS='correct horse' expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ec.key --passphrase-env ZB_PASS --mirror m.example -o ec.zb
expect 2 'ec.key: cannot read the private key' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ec.key -o never.zb
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key rsa.key -o rsa.zb
for name in ec rsa; do
  validate $name.zb
  expect 0 '' -- zbx verify $name.zb --pubkey $name.pub
  rm -rf ZBUNDLE && zstd -dc $name.zb | tar -xf - ZBUNDLE
  options=()
  [ $name = rsa ] && options=(-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32)
  openssl dgst -sha256 "${options[@]}" -verify $name.pub -signature ZBUNDLE/manifest.sig ZBUNDLE/manifest.json >/dev/null \
    || fail "openssl dgst rejects the $name signature"
done
expect 1 'manifest.sig: the signature does not verify' -- zb verify ec.zb --pubkey ed.pub

# --ca: checked (a CA, valid now) and carried in the signed manifest
"$TEST_DATA/make-pki.sh" pki >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key --mirror mirror.test:5000 --ca pki/root.pem -o ca.zb
validate ca.zb
expect 0 '' -- zbx inspect ca.zb --pubkey ed.pub
contains '^  CA: +CN=zbundle test root, expires ' "$work/out"
expect 1 '^zbundle: error: pki/no-ca.pem: certificate 1 .*: not a CA' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key --ca pki/no-ca.pem -o never.zb
expect 0 'warning: pki/short-root.pem: certificate 1 .*expires in' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key --ca pki/short-root.pem -o short.zb
expect 2 'probe needs --mirror' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key --ca pki/root.pem --probe -o never.zb

# UTF-8 names travel as they are, whatever the locale (the static s390x build has none)
mkdir utf8 && cp -r "$SAMPLE/v2/working-dir" utf8/working-dir
echo log >"utf8/working-dir/logs/$(printf 'r\xc3\xa9sum\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac').log"
LC_ALL=C expect 0 '' -- zb create "${release_keys[@]}" utf8 --sign-key ed.key --mirror m.example --allow missing-image -o utf8.zb  # a working-dir without its archive
LC_ALL=C expect 0 '' -- zbx verify utf8.zb --pubkey ed.pub
LC_ALL=C expect 0 '' -- zbx list utf8.zb --pubkey ed.pub
contains "oc-mirror/working-dir/logs/$(printf 'r\xc3\xa9sum\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac').log" "$work/out"

# --base: a differential bundle leaves out what an earlier one carried, and names it
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key -o diff.zb --base b.zb
expect 0 '' -- zb verify diff.zb --pubkey ed.pub
members diff.zb
grep -q '^registry/' "$work/members" && fail "the differential bundle repeats blobs of its base"
expect 0 '' -- zb inspect diff.zb --pubkey ed.pub
contains "base bundle: +$(zstd -dc b.zb | tar -xOf - ZBUNDLE/manifest.json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["bundle_id"])')" "$work/out"
validate diff.zb
expect 2 '^zbundle: error: --base ec.zb: ZBUNDLE/manifest.sig: the signature does not verify' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key -o never.zb --base ec.zb

# the v1 workspace and an archive set: converted to the distribution layout
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v1/oc-mirror-workspace" --sign-key ed.key --mirror m.example -o v1.zb
validate v1.zb
expect 0 '' -- zb verify v1.zb --pubkey ed.pub
members v1.zb
grep -q '^registry/docker/registry/v2/blobs/sha256/../[0-9a-f]\{64\}/data$' "$work/members" \
  || fail "v1 blobs are not in the distribution layout"

# volumes: cut at frame boundaries, read back from the head, catenated they are one stream
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key -o s.zb --split 2K
[ -f s.zb.001 ] && [ -f s.zb.003 ] && [ ! -e s.zb ] || fail "no volumes: $(ls)"
validate s.zb.001
expect 0 '' -- zbx verify s.zb --pubkey ed.pub
[ "$(cat s.zb.0* | zstd -dc | tar -tf - | wc -l)" = "$(wc -l <listing)" ] || fail "volumes do not catenate to one archive"
expect 2 '^zbundle: error: --split 2X: not a size' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key -o x.zb --split 2X

# bad input: clear error, non-zero exit, nothing written
expect 2 'unrecognised|unknown option' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key -o bad.zb --level 3 --nope
expect 2 'level 30' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key ed.key -o bad.zb --level 30
mkdir linked
cp -r "$SAMPLE/v2/working-dir" linked/working-dir
ln -s /etc/passwd linked/working-dir/passwd
expect 2 'linked/working-dir/passwd: not a regular file.*symlink to /etc/passwd' -- zb create "${release_keys[@]}" linked --sign-key ed.key -o bad.zb
"$PYTHON" - "$SAMPLE/v2/mirror_000001.tar" broken.tar <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1]) as source, tarfile.open(sys.argv[2], "w") as target:
    for member in source.getmembers():
        data = source.extractfile(member).read() if member.isfile() else None
        if data is not None and member.name.startswith("docker/registry/v2/blobs/") and len(data) > 300:
            data = b"X" + data[1:] # one flipped byte in each large blob
        target.addfile(member, io.BytesIO(data) if data is not None else None)
PY
expect 1 'create: not signed: [0-9]+ problems would fail the installation' -- zb create "${release_keys[@]}" broken.tar --sign-key ed.key -o bad.zb
ls -a | grep -q 'bad.zb' && fail "a failed create left $(ls -a | grep bad.zb)"
echo "bundle: ok"
