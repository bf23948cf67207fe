#!/usr/bin/env bash
# The replays of the targets whose inputs are made from the sample, not kept in the tree: the
# sample's archives through ocmirror_archive, and a signed bundle's plain tar stream through
# bundle_resigned, whose harness must turn it back into a bundle zbundle verifies (so the
# re-signing itself is checked: a harness that framed or signed wrongly would only ever
# exercise the refusals).
#   tests/fuzz/seeded_replays.sh REPLAY_DIR   (ZBUNDLE, SAMPLE from ctest)
source "$(dirname "$0")/../cli/lib.sh"
replays=${1:?usage: seeded_replays.sh REPLAY_DIR}
cd "$work"
{ printf '\x00'; cat "$SAMPLE/v2/mirror_000001.tar"; } >v2.seed
{ printf '\x01'; cat "$SAMPLE/v1/mirror_seq1_000000.tar"; } >v1.seed
# ZB_FUZZ_MUST_ACCEPT: a sound input the harness refuses aborts the replay, so a harness that
# stops every input at the door (as the bundle targets once did, at O_NOFOLLOW) fails here.
export ZB_FUZZ_MUST_ACCEPT=1
"$replays/replay_ocmirror_archive" v2.seed v1.seed >/dev/null || fail "ocmirror_archive failed on the sample"

zb keygen --out fuzz >/dev/null
expect 0 '' -- zb create "$SAMPLE/v2" "${release_keys[@]}" --sign-key fuzz.key -o seed.zb
zstd -qdc seed.zb >seed.tar
ZB_FUZZ_SIGN_KEY=fuzz.key ZB_FUZZ_WRITE_BUNDLE=again.zb "$replays/replay_bundle_resigned" seed.tar >/dev/null \
  || fail "bundle_resigned failed on a sound bundle"
expect 0 '' -- zb verify again.zb --pubkey fuzz.pub
ZB_FUZZ_PUBKEY=fuzz.pub "$replays/replay_bundle_reader" seed.zb >/dev/null \
  || fail "bundle_reader refused a sound bundle"
{ printf '\x14\x00'; cat seed.zb; } >frames.seed
{ printf '\x14\x01'; cat seed.zb; } >frames-skipping.seed
"$replays/replay_frames" frames.seed frames-skipping.seed >/dev/null || fail "frames refused a sound bundle"
# A manifest the harness signs again after a change: still a bundle the reader accepts whole.
changed_id=$("$PYTHON" - seed.tar changed.tar <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
# the manifest's bundle id, its last digit changed: the first occurrence is the manifest's
match = re.search(rb'"bundle_id":"([0-9a-f]{31})([0-9a-f])"', data)
digit = b"0" if match.group(2) != b"0" else b"1"
open(sys.argv[2], "wb").write(data[:match.start(2)] + digit + data[match.end(2):])
print((match.group(1) + digit).decode())
PY
)
cmp -s seed.tar changed.tar && fail "the change did not take"
ZB_FUZZ_SIGN_KEY=fuzz.key ZB_FUZZ_WRITE_BUNDLE=changed.zb "$replays/replay_bundle_resigned" changed.tar >/dev/null
expect 0 '' -- zb verify changed.zb --pubkey fuzz.pub
expect 0 '' -- zb inspect changed.zb --pubkey fuzz.pub --json
grep -q "\"bundle_id\": \"$changed_id\"" "$work/out" || fail "the re-signed manifest is not the changed one"
echo "seeded_replays: ok"
