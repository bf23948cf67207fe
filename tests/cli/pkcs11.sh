#!/usr/bin/env bash
# Signing keys on a PKCS#11 token: SoftHSM initialised in the test's own directory. keygen on
# the token for every key type, pubkey, create, verify with zbundle-extract and with stock
# openssl; a wrong or missing PIN, a token without the mechanism, a name that matches nothing:
# exit 2 and no bundle. The statically linked builds refuse pkcs11: keys with the reason.
source "$(dirname "$0")/lib.sh"
cd "$work"

if [ "${ZBUNDLE_LINKED_STATICALLY:-0}" = 1 ]; then
  expect 2 'this build is linked statically and cannot load a PKCS#11 module' \
    -- zb create "$SAMPLE/v2" --sign-key 'pkcs11:token=zb;object=k' -o never.zb
  expect 2 'linked statically' -- zb keygen --pkcs11 'pkcs11:token=zb;object=k'
  [ ! -e never.zb ] || fail "a refused create left never.zb"
  echo "pkcs11: static build refuses, ok"
  exit 0
fi

# ci/cross-s390x.sh --dynamic runs this under qemu with the s390x SoftHSM: its module path (as
# the program sees it) and its softhsm2-util (with the qemu prefix).
module=${PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
read -r -a softhsm_util <<<"${SOFTHSM2_UTIL:-softhsm2-util}"
[ -n "${PKCS11_MODULE:-}" ] || [ -f "$module" ] \
  || fail "SoftHSM is not installed (scripts/bootstrap.sh installs softhsm2)"
# Sanitizer builds: SoftHSM's own leaks are suppressed by module name, which needs stacks
# unwound through OpenSSL (no frame pointers there).
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TEST_DATA/lsan-softhsm.supp:print_suppressions=0"
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" >softhsm2.conf
export SOFTHSM2_CONF=$work/softhsm2.conf
"${softhsm_util[@]}" --init-token --free --label zb --pin 1234 --so-pin 5678 >/dev/null
echo 1234 >pin
echo 4321 >wrong-pin
token=(--pkcs11-module "$module" --pin-file pin)

for type in ed25519 ecdsa-p256 rsa3072; do
  uri="pkcs11:token=zb;object=release-$type"
  expect 0 '' -- zb keygen --pkcs11 "$uri" --type $type "${token[@]}"
  key_id=$(cat "$work/out")
  expect 2 'already holds a key' -- zb keygen --pkcs11 "$uri" --type $type "${token[@]}"
  expect 0 '' -- zb pubkey "$uri" -o $type.pub "${token[@]}"
  [ "$(cat "$work/out")" = "$key_id" ] || fail "pubkey printed another key id than keygen"
  [ "$key_id" = "$(openssl pkey -pubin -in $type.pub -outform DER | sha256sum | cut -c1-64)" ] \
    || fail "the $type key id is not sha256(SPKI) of the exported key"
  expect 2 'exists: refusing to overwrite' -- zb pubkey "$uri" -o $type.pub "${token[@]}"

  expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key "$uri" "${token[@]}" -o $type.zb
  contains "signed by key $key_id" "$work/out"
  expect 0 '' -- zbx verify $type.zb --pubkey $type.pub
  # Stock openssl, as README shows it.
  rm -rf ZBUNDLE && zstd -dc $type.zb | tar -xf - ZBUNDLE
  case $type in
    ed25519) openssl pkeyutl -verify -pubin -inkey $type.pub -rawin -in ZBUNDLE/manifest.json \
               -sigfile ZBUNDLE/manifest.sig >/dev/null ;;
    ecdsa-p256) openssl dgst -sha256 -verify $type.pub -signature ZBUNDLE/manifest.sig \
                  ZBUNDLE/manifest.json >/dev/null ;;
    rsa3072) openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
               -verify $type.pub -signature ZBUNDLE/manifest.sig ZBUNDLE/manifest.json >/dev/null ;;
  esac || fail "openssl rejects the $type signature the token made"
done

# The default module: p11-kit's proxy, which loads SoftHSM through its p11-kit registration.
if [ -z "${PKCS11_MODULE:-}" ] && [ -f /usr/share/p11-kit/modules/softhsm2.module ]; then
  expect 0 '' -- zb pubkey 'pkcs11:token=zb;object=release-ed25519' --pin-file pin -o proxy.pub
  cmp -s proxy.pub ed25519.pub || fail "the key read through p11-kit's proxy differs"
fi

# Refusals: exit 2, a reason, no bundle and nothing beside it.
sed 's/^log.level.*/&\nslots.mechanisms = CKM_EDDSA,CKM_EC_EDWARDS_KEY_PAIR_GEN,CKM_RSA_PKCS_PSS/' softhsm2.conf >limited.conf
before=$(ls)
uri='pkcs11:token=zb;object=release-ecdsa-p256'
expect 2 'cannot log in: CKR_PIN_INCORRECT: the PIN is wrong' \
  -- zb create "$SAMPLE/v2" --sign-key "$uri" --pkcs11-module "$module" --pin-file wrong-pin -o never.zb
expect 2 'the token needs a PIN: give --pin-file FILE or --pin-env VAR' \
  -- zb create "$SAMPLE/v2" --sign-key "$uri" --pkcs11-module "$module" -o never.zb
ZB_PIN=1234 expect 2 'no private key with label .release-none.' \
  -- zb create "$SAMPLE/v2" --sign-key 'pkcs11:token=zb;object=release-none' --pkcs11-module "$module" --pin-env ZB_PIN -o never.zb
expect 2 "pkcs11:token=other;object=k: no token matches in $module \(its tokens: 'zb'" \
  -- zb create "$SAMPLE/v2" --sign-key 'pkcs11:token=other;object=k' "${token[@]}" -o never.zb
expect 2 'pin-value: a PIN is never part of the key.s name' \
  -- zb create "$SAMPLE/v2" --sign-key "$uri?pin-value=1234" -o never.zb
expect 2 'PKCS#11 module /nonexistent/module.so: cannot load' \
  -- zb create "$SAMPLE/v2" --sign-key "$uri" --pkcs11-module /nonexistent/module.so --pin-file pin -o never.zb
# A token whose configuration offers no CKM_ECDSA (SoftHSM's slots.mechanisms allow-list).
SOFTHSM2_CONF=$work/limited.conf expect 2 'the token does not offer CKM_ECDSA, which signing with this key needs' \
  -- zb create "$SAMPLE/v2" --sign-key "$uri" "${token[@]}" -o never.zb
SOFTHSM2_CONF=$work/limited.conf expect 2 'does not offer CKM_ECDSA, which signing needs' \
  -- zb keygen --pkcs11 'pkcs11:token=zb;object=fresh' --type ecdsa-p256 "${token[@]}"
after=$(ls)
[ "$before" = "$after" ] || fail "a refused command left files: $(diff <(echo "$before") <(echo "$after"))"

# A token key and a file key rotate through one trusted directory.
expect 0 '' -- zb keygen --out file-key
mkdir trusted && cp file-key.pub ed25519.pub trusted/
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key file-key.key -o by-file.zb
expect 0 '' -- zbx expand by-file.zb --trust-dir trusted --to site
sleep 1
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key 'pkcs11:token=zb;object=release-ed25519' "${token[@]}" -o by-token.zb
expect 0 '' -- zbx expand by-token.zb --trust-dir trusted --to site
expect 1 'by-file.zb: bundle [0-9a-f]{32} was created .* before bundle' -- zbx expand by-file.zb --trust-dir trusted --to site
echo "pkcs11: ok"
