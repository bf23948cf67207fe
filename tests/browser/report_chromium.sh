#!/usr/bin/env bash
# The offline report in a real browser (Debian's chromium, headless): each page loads with no
# console message at all (a script, a request or a policy violation would log one), and the
# DOM the browser built shows the counts inspect --json gives. Two planted pages (an inline
# script, an external image) must be caught, so the check itself can fail. Screenshots land in
# $ZBUNDLE_TEST_ARTIFACTS (build/test-artifacts), never in the tree.
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
command -v chromium >/dev/null || fail "chromium is not installed (scripts/bootstrap.sh installs it)"
artifacts=${ZBUNDLE_TEST_ARTIFACTS:-$work/artifacts}
mkdir -p "$artifacts"
export HOME=$work/home # chromium's profile and caches stay in the test's directory

# browse PAGE NAME: the DOM into NAME.dom, the screenshot into $artifacts/NAME.png, every
# console message into NAME.console.
browse() {
  local flags=(--headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile"
               --enable-logging=stderr --v=0 "--window-size=1400,2400")
  timeout 90 chromium "${flags[@]}" --dump-dom "file://$work/$1" >"$2.dom" 2>"$2.log" \
    || fail "chromium could not load $1: $(tail -5 "$2.log")"
  timeout 90 chromium "${flags[@]}" --screenshot="$artifacts/$2.png" "file://$work/$1" \
    >/dev/null 2>>"$2.log" || fail "chromium could not take a screenshot of $1"
  grep ':CONSOLE' "$2.log" >"$2.console" || true
}
# shown ID DOM: the count the summary shows under ID, as the browser parsed it.
shown() { sed -n "s|.*<dd id=\"$1\">\\([0-9]*\\)</dd>.*|\\1|p" "$2"; }

zb keygen --out signer >/dev/null
mkdir incomplete
"$PYTHON" "$TEST_DATA/tamper_mirror.py" "$SAMPLE/v2/mirror_000001.tar" incomplete/mirror_000001.tar drop-image
"$TEST_DATA/make-pki.sh" pki >/dev/null
expect 0 '' -- zb create incomplete "${release_keys[@]}" --sign-key signer.key --allow missing-image \
  --mirror mirror.test:8443 --ca pki/root.pem -o waived.zb
expect 0 '' -- zb report waived.zb --pubkey signer.pub -o waived.html
expect 0 '' -- zb report "$SAMPLE/v2" "${release_keys[@]}" --ca pki/root.pem -o source.html

# The detector first: what it must catch, it catches.
sed 's|<h1>|<script>console.log("planted")</script><h1>|' waived.html >planted-script.html
sed 's|<h1>|<img src="http://127.0.0.1:9/planted.png"><h1>|' waived.html >planted-image.html
for planted in planted-script planted-image; do
  browse "$planted.html" "$planted"
  [ -s "$planted.console" ] || fail "$planted.html logged nothing: the console check cannot fail"
done

expect 0 '' -- zb inspect waived.zb --pubkey signer.pub --json
cp "$work/out" waived.json
for page in waived source; do
  browse "$page.html" "$page"
  [ ! -s "$page.console" ] || fail "$page.html logged to the console: $(cat "$page.console")"
  grep -q '<h1>zbundle report</h1>' "$page.dom" || fail "$page.html: the browser built no report"
done
"$PYTHON" - waived.json waived.dom <<'PY' || fail "the page in the browser disagrees with inspect --json"
import json, re, sys
doc = json.load(open(sys.argv[1]))
dom = open(sys.argv[2]).read()
def shown(name):
    return int(re.search(r'<dd id="%s">(\d+)</dd>' % name, dom).group(1))
want = {"count-images": len(doc["images"]),
        "count-present": sum(1 for i in doc["images"] if i["present"]),
        "count-missing": sum(1 for i in doc["images"] if not i["present"]),
        "count-repositories": doc["repositories"],
        "count-tags": doc["tags"],
        "count-waivers": len(doc["waivers"])}
got = {k: shown(k) for k in want}
assert got == want, (got, want)
assert want["count-missing"] == 1 and want["count-waivers"] == 1, want
# The chart is drawn: one bar per repository, at most twenty.
assert len(re.findall(r'<rect [^>]*class="bar"', dom)) == min(20, doc["repositories"])
PY
[ "$(shown count-problems source.dom)" = 0 ] || fail "source.html shows problems in the browser"
echo "report_chromium: pages load clean, counts match; screenshots in $artifacts"
