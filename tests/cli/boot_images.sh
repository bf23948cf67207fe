#!/usr/bin/env bash
# RHCOS boot images in the bundle (issue 25): small stand-in files carried and served, never
# parsed. create --boot-images carries them under boot/ and names them in the signed manifest;
# expand --only boot writes them; apply --boot-root/--boot-url puts them in a web root and
# renders a complete AgentServiceConfig; what is refused is refused by name, with nothing left
# half-written.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
zb keygen --out key >/dev/null
version=416.94.202406251923-0
mkdir boot
head -c 300000 /dev/urandom >"boot/rhcos-$version-live.s390x.iso"
echo kernel >"boot/rhcos-$version-live-kernel-s390x"
echo initramfs >"boot/rhcos-$version-live-initramfs.s390x.img"
echo rootfs >"boot/rhcos-$version-live-rootfs.s390x.img"
create() { zb create "${release_keys[@]}" "$SAMPLE/v2" --mirror mirror.test:8443/ocp \
  --ca pki/root.pem --sign-key key.key "$@"; }

expect 0 '' -- create --boot-images boot -o b.zb
validate b.zb
expect 0 '' -- zbx list b.zb --pubkey key.pub
for file in boot/*; do
  contains "$(sha256sum "$file" | cut -d' ' -f1)	$file\$" out
done
expect 0 '' -- zbx inspect b.zb --pubkey key.pub --json
"$PYTHON" - <<'PY' || fail "inspect does not list the boot images: $(cat out)"
import json, sys
images = json.load(open("out"))["boot_images"]
iso = [i for i in images if i["kind"] == "iso"]
sys.exit(0 if len(images) == 4 and iso[0]["openshift_version"] == "4.16" and iso[0]["architecture"] == "s390x" else 1)
PY

# what create refuses, naming the file, writing nothing
mkdir odd && cp boot/* odd/ && echo x >odd/README
expect 2 'odd/README: not an RHCOS boot image name' -- create --boot-images odd -o odd.zb
mkdir linked && ln -s "$work/boot/rhcos-$version-live.s390x.iso" "linked/rhcos-$version-live.s390x.iso"
expect 2 'not a regular file' -- create --boot-images linked -o linked.zb
mkdir empty
expect 2 'empty: no boot image in it' -- create --boot-images empty -o empty.zb
[ ! -e odd.zb ] && [ ! -e linked.zb ] && [ ! -e empty.zb ] || fail "a refused create wrote a bundle"

# expand --only boot: the files and nothing else
expect 0 '' -- zbx expand b.zb --pubkey key.pub --to expanded --only boot
[ "$(find expanded -type f | wc -l)" = 4 ] || fail "expand --only boot wrote $(find expanded -type f)"
diff -r boot expanded/boot >/dev/null || fail "expanded boot images differ"

# apply: into the web root, named by the AgentServiceConfig at the URL
mkdir -p root/etc/pki/ca-trust/source/anchors
apply() { zbx apply b.zb --pubkey key.pub --root root --ca pki/root.pem "$@"; }
expect 0 '' -- apply --boot-root web --boot-url http://boot.example:8080/rhcos/
contains "web/rhcos-$version-live.s390x.iso: new" out
diff -r boot web >/dev/null || fail "the web root does not hold the boot images"
asc=root/var/lib/zbundle/artifacts/agentserviceconfig.yaml
"$PYTHON" - "$asc" "$TEST_DATA/schemas/agentserviceconfig.json" "$version" <<'PY' || fail "agentserviceconfig.yaml is not what it must be: $(cat "$asc")"
import json, sys, yaml, jsonschema
asc = yaml.safe_load(open(sys.argv[1]))
jsonschema.validate(asc, json.load(open(sys.argv[2])))
images = asc["spec"]["osImages"]
assert images == [{"cpuArchitecture": "s390x", "openshiftVersion": "4.16", "version": sys.argv[3],
                   "url": f"http://boot.example:8080/rhcos/rhcos-{sys.argv[3]}-live.s390x.iso"}], images
assert asc["spec"]["mirrorRegistryRef"] == {"name": "mirror-config"}
assert all(asc["spec"][c]["storageClassName"] == "<storage-class>" for c in ("databaseStorage", "filesystemStorage", "imageStorage"))
PY
# a second apply leaves the served files alone
expect 0 '' -- apply --boot-root web --boot-url http://boot.example:8080/rhcos
contains "web/rhcos-$version-live.s390x.iso: unchanged" out

# options refused before anything is read
expect 2 '--boot-root and --boot-url go together' -- apply --boot-root web
expect 2 'not an http:// or https:// URL' -- apply --boot-root web --boot-url ftp://boot.example/
expect 2 'not an http:// or https:// URL' -- apply --boot-root web --boot-url 'http://a b/'
# without a web root: a warning, and no AgentServiceConfig
rm -rf root2 && mkdir -p root2/etc/pki/ca-trust/source/anchors
expect 0 'carries 4 boot images: give --boot-root and --boot-url' -- \
  zbx apply b.zb --pubkey key.pub --root root2 --ca pki/root.pem
[ ! -e root2/var/lib/zbundle/artifacts/agentserviceconfig.yaml ] || fail "an AgentServiceConfig without a boot URL"

# a boot image changed in the bundle: apply refuses, the web root gets nothing
"$PYTHON" "$TEST_DATA/bundle_tool.py" b.zb bad.zb flip "boot/rhcos-$version-live.s390x.iso"
rm -rf root3 web3 && mkdir -p root3/etc/pki/ca-trust/source/anchors
expect 1 "boot/rhcos-$version-live.s390x.iso" -- \
  zbx apply bad.zb --pubkey key.pub --root root3 --ca pki/root.pem --boot-root web3 --boot-url http://x/
[ -z "$(ls -A web3 2>/dev/null)" ] || fail "a refused apply left files in the web root: $(ls -A web3)"
