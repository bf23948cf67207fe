#!/usr/bin/env bash
# zbundle report and zbundle-extract report: the page for a bundle (signed, waived, tampered)
# and for oc-mirror output, its counts checked against inspect --json and the sample's own
# listing, and the errors: wrong input, no output, an unwritable place (nothing left behind).
# tests/browser/report_chromium.sh opens the pages in a browser.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$TEST_DATA/make-pki.sh" pki >/dev/null
zb keygen --out signer >/dev/null
expect 0 '' -- zb create "$SAMPLE/v2" "${release_keys[@]}" --sign-key signer.key \
  --mirror mirror.test:8443 --ca pki/root.pem -o full.zb

# count ID PAGE: the number the summary shows under ID.
count() { sed -n "s|.*<dd id=\"$1\">\\([0-9]*\\)</dd>.*|\\1|p" "$2"; }
# rows ID PAGE: the rows table ID holds, as it says.
rows() { sed -n "s|.*<table id=\"$1\" data-rows=\"\\([0-9]*\\)\">.*|\\1|p" "$2"; }

# A signed bundle: the page, its path on stdout, its numbers those of inspect --json.
expect 0 '' -- zb report full.zb --pubkey signer.pub -o full.html
[ "$(cat "$work/out")" = full.html ] || fail "report printed '$(cat "$work/out")', not the path"
expect 0 '' -- zb inspect full.zb --pubkey signer.pub --json
cp "$work/out" inspect.json
"$PYTHON" - inspect.json full.html <<'PY' || fail "full.html disagrees with inspect --json"
import json, re, sys
doc = json.load(open(sys.argv[1]))
page = open(sys.argv[2]).read()
def count(name):
    return int(re.search(r'<dd id="%s">(\d+)</dd>' % name, page).group(1))
def rows(name):
    return int(re.search(r'<table id="%s" data-rows="(\d+)">' % name, page).group(1))
present = sum(1 for i in doc["images"] if i["present"])
checks = {
    "repositories": (count("count-repositories"), doc["repositories"]),
    "tags": (count("count-tags"), doc["tags"]),
    "images": (count("count-images"), len(doc["images"])),
    "present": (count("count-present"), present),
    "releases": (rows("releases"), len(doc["releases"])),
    "certificates": (rows("certificates"), len(doc["ca_certificates"])),
    "sources": (rows("content-sources"), len(doc["image_content_sources"])),
    "waivers": (count("count-waivers"), len(doc["waivers"])),
}
bad = {k: v for k, v in checks.items() if v[0] != v[1]}
assert not bad, bad
assert doc["bundle_id"] in page and doc["signer"] in page
assert present > 0 and doc["repositories"] > 0 and len(doc["ca_certificates"]) >= 1
for release in doc["releases"]:
    assert release["digest"] in page, release
PY
contains 'every byte verified' full.html
contains 'id="no-waivers"' full.html
contains '<svg id="size-chart"' full.html
# The release's architectures come from the carried manifest list; its signatures are carried.
contains '<td>amd64, s390x</td><td class="good">carried</td><td class="good">carried</td>' full.html
# The CA's days left: the sample CA is valid for years.
contains '<td class="good">[0-9]{3,}</td>' full.html

# The bastion's binary writes the same page (but for the line naming the program).
expect 0 '' -- zbx report full.zb --pubkey signer.pub -o extract.html
# The CA's days left may differ by one: the sample CA is made seconds before, and the two
# reports may fall on both sides of a whole day before its end.
same_page() { grep -v '^<hr><p>Made by' "$1" | sed -E 's|<td class="good">[0-9]{3,}</td>|<td class="good">DAYS</td>|g'; }
diff <(same_page full.html) <(same_page extract.html) >/dev/null \
  || fail "zbundle-extract report differs from zbundle report"
contains 'Made by zbundle-extract ' extract.html
expect 2 'not a bundle' -- zbx report "$SAMPLE/v2" -o nope.html
[ ! -e nope.html ] || fail "a refused report left nope.html"

# Without trust the page says the signature was not checked, and it does not vouch: exit 1.
expect 1 'records 1 problems' -- zb report full.zb -o untrusted.html
contains 'signature not checked' untrusted.html
# Another signer's key: refused before any page is written.
zb keygen --out other >/dev/null
expect 1 'signature' -- zb report full.zb --pubkey other.pub -o other.html
[ ! -e other.html ] || fail "a refused signature left other.html"

# A waiver comes first, with the problem it covered.
mkdir incomplete
"$PYTHON" "$TEST_DATA/tamper_mirror.py" "$SAMPLE/v2/mirror_000001.tar" incomplete/mirror_000001.tar drop-image
expect 0 '' -- zb create incomplete "${release_keys[@]}" --sign-key signer.key --allow missing-image -o waived.zb
expect 0 '' -- zb report waived.zb --pubkey signer.pub -o waived.html
[ "$(count count-waivers waived.html)" = 1 ] || fail "waived.html shows $(count count-waivers waived.html) waivers"
[ "$(count count-missing waived.html)" = 1 ] || fail "waived.html shows $(count count-missing waived.html) missing"
contains 'class="banner"' waived.html
contains '<td class="warn">missing-image</td>' waived.html
contains '<td class="bad">MISSING</td>' waived.html

# A payload byte flipped: the page is written, says so, and the exit is 1.
"$PYTHON" "$TEST_DATA/bundle_tool.py" full.zb members.txt members
"$PYTHON" "$TEST_DATA/bundle_tool.py" full.zb flipped.zb flip "$(grep -m1 '^registry/' members.txt)"
expect 1 'flipped.html: written; it records [0-9]+ problems' -- zb report flipped.zb --pubkey signer.pub -o flipped.html
contains 'NOT verified' flipped.html
[ "$(count count-problems flipped.html)" -ge 1 ] || fail "flipped.html records no problem"

# oc-mirror output: the readiness view, the CA given, counts from the archive itself.
expect 0 '' -- zb report "$SAMPLE/v2" "${release_keys[@]}" --ca pki/root.pem -o source.html
repos=$(tar -tf "$SAMPLE/v2/mirror_000001.tar" | sed -n 's|^docker/registry/v2/repositories/\(.*\)/_manifests/.*|\1|p' | sort -u | wc -l)
tags=$(tar -tf "$SAMPLE/v2/mirror_000001.tar" | grep -c '/_manifests/tags/[^/]*/current/link$')
[ "$(count count-repositories source.html)" = "$repos" ] || fail "source.html: $(count count-repositories source.html) repositories, the archive holds $repos"
[ "$(count count-tags source.html)" = "$tags" ] || fail "source.html: $(count count-tags source.html) tags, the archive holds $tags"
ca_count=$(grep -c 'BEGIN CERTIFICATE' pki/root.pem)
[ "$(rows certificates source.html)" = "$ca_count" ] || fail "source.html shows $(rows certificates source.html) CA certificates, root.pem holds $ca_count"
contains '<td class="good">verified</td><td class="good">verified</td>' source.html
expect 0 '' -- zb inspect --readiness --json "$SAMPLE/v2" "${release_keys[@]}"
[ "$(count count-images source.html)" = "$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["images"]))' "$work/out")" ] \
  || fail "source.html counts other images than inspect --readiness"
# Without the release keys the signatures are unverified: the page is written, exit 1.
expect 1 'records [0-9]+ problems' -- zb report "$SAMPLE/v2" -o unkeyed.html
contains '<td class="bad">unverified-signature</td>' unkeyed.html
expect 2 '--ca is for oc-mirror output' -- zb report full.zb --ca pki/root.pem -o x.html

# Usage and places that cannot be written: exit 2, the file named, nothing left behind.
expect 2 'a source and -o REPORT.html are required' -- zb report full.zb
mkdir locked && chmod 0555 locked
if [ "$(id -u)" != 0 ]; then
  expect 2 'locked/r.html' -- zb report full.zb --pubkey signer.pub -o locked/r.html
fi
expect 2 'missing/r.html' -- zb report full.zb --pubkey signer.pub -o missing/r.html
[ -z "$(ls -A locked)" ] || fail "a failed report left $(ls -A locked)"
echo "report: ok"
