#!/usr/bin/env bash
# The extractor's security rules, one hostile bundle each. The hostile members are made by
# libarchive (bsdtar, from an mtree spec: no real device or setuid file is needed), spliced in
# before the index, listed in the manifest and the manifest RE-SIGNED with the test key
# (tests/data/bundle_tool.py inject), so only the extractor's own rules can stop them. Every
# case exits 1, names the entry, and leaves the target byte-for-byte as it was.
source "$(dirname "$0")/lib.sh"
tool=$TEST_DATA/bundle_tool.py
command -v bsdtar >/dev/null || fail "bsdtar is not installed (scripts/bootstrap.sh installs libarchive-tools)"
cd "$work"
zb keygen --out key >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key key.key -o b.zb
expect 0 '' -- zbx expand b.zb --to target --pubkey key.pub
snapshot target >before
echo 'payload' >content

# hostile NAME PATTERN [SIZE_DELTA] < MTREE: a bundle with these members, signed; expand must
# refuse it with PATTERN and leave the target alone
hostile() {
  { echo '#mtree'; cat; } >"$1.mtree"
  bsdtar --format pax -cf "$1.tar" "@$1.mtree" || fail "$1: bsdtar failed"
  hostile_tar "$@"
}
# hostile_tar NAME PATTERN [SIZE_DELTA]: the same for NAME.tar, made otherwise
hostile_tar() {
  local name=$1 pattern=$2 delta=${3:-0}
  "$PYTHON" "$tool" b.zb "$name.zb" inject "$name.tar" key.key "$delta"
  # the signature is good (stock openssl says so): the extractor's rules must act
  zstd -dc "$name.zb" | tar -xf - ZBUNDLE/manifest.json ZBUNDLE/manifest.sig
  openssl pkeyutl -verify -pubin -inkey key.pub -rawin -in ZBUNDLE/manifest.json \
    -sigfile ZBUNDLE/manifest.sig >/dev/null || fail "$name: the re-signed manifest does not verify"
  expect 1 "$pattern" -- zbx expand "$name.zb" --to target --pubkey key.pub
  expect 1 "$pattern" -- zbx expand "$name.zb" --to "fresh-$name" --pubkey key.pub
  [ ! -e "fresh-$name" ] || fail "$name: a refused expand left fresh-$name"
  snapshot target >after
  cmp -s before after || fail "$name: the target changed: $(diff before after | head -5)"
}

hostile symlink 'artifacts/evil: not a regular file' <<<'artifacts/evil type=link link=/etc/shadow'
hostile device 'artifacts/dev: not a regular file' <<<'artifacts/dev type=char device=native,1,3 mode=0644'
hostile fifo 'artifacts/fifo: not a regular file' <<<'artifacts/fifo type=fifo mode=0644'
hostile directory 'artifacts/dir/: not a regular file' <<<'artifacts/dir type=dir mode=0755'
hostile setuid 'artifacts/suid.sh: carries setuid' <<<'artifacts/suid.sh type=file mode=4755 contents=content'
hostile setgid 'artifacts/sgid: carries setuid, setgid or sticky' <<<'artifacts/sgid type=file mode=2644 contents=content'
# names libarchive would normalize away are written raw (Python's tarfile keeps them as given)
raw_member() {
  "$PYTHON" - "$1.tar" "$2" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as tar:
    info = tarfile.TarInfo(sys.argv[2])
    info.size = 8
    tar.addfile(info, io.BytesIO(b"payload\n"))
PY
}
for case in absolute:/etc/cron.d/evil dotdot:artifacts/../../etc/evil not-canonical:artifacts/./x \
  double-slash:artifacts//x outside-trees:etc/evil control-character:$'artifacts/a\nb' backslash:'artifacts\x'; do
  raw_member "${case%%:*}" "${case#*:}"
  hostile_tar "${case%%:*}" 'bad path'
done
# the same entry twice (libarchive's mtree reader merges duplicates, so raw again)
created=$(zstd -dc b.zb | tar -xOf - ZBUNDLE/manifest.json | "$PYTHON" -c 'import calendar, json, sys, time
print(calendar.timegm(time.strptime(json.load(sys.stdin)["created"], "%Y-%m-%dT%H:%M:%SZ")))')
"$PYTHON" - "$created" <<'PY'
import io, sys, tarfile
with tarfile.open("duplicate.tar", "w", format=tarfile.PAX_FORMAT) as tar:
    for _ in range(2):
        info = tarfile.TarInfo("artifacts/twice")
        info.mtime = int(sys.argv[1])  # canonical but for being there twice
        info.size = 8
        tar.addfile(info, io.BytesIO(b"payload\n"))
PY
hostile_tar duplicate 'artifacts/twice: stored twice'
# a member longer than the manifest says (a decompression bomb is one): reading stops at the
# declared size, and the entry is refused
"$PYTHON" - "$created" <<'PY'
import io, sys, tarfile
with tarfile.open("size.tar", "w", format=tarfile.PAX_FORMAT) as tar:
    info = tarfile.TarInfo("artifacts/big")
    info.mtime = int(sys.argv[1])  # canonical: only its size is wrong
    info.size = 8
    tar.addfile(info, io.BytesIO(b"payload\n"))
PY
hostile_tar size 'artifacts/big: [0-9]+ bytes, the manifest says' -1

# a sparse member (GNU tar's pax sparse format 1.0: libarchive reports the holes)
mkdir -p sparse-src/artifacts && truncate -s 1M sparse-src/artifacts/sparse && echo tail >>sparse-src/artifacts/sparse
tar -C sparse-src --format=pax --sparse -cf sparse.tar artifacts/sparse
hostile_tar sparse 'artifacts/sparse: carries extended attributes, ACLs or sparse data'

# A hardlink member, listed and signed (mtree cannot spell one; Python's tarfile makes it)
"$PYTHON" - <<'PY'
import io, tarfile
with tarfile.open("hardlink.tar", "w", format=tarfile.PAX_FORMAT) as tar:
    info = tarfile.TarInfo("artifacts/hard")
    info.type, info.linkname = tarfile.LNKTYPE, "ZBUNDLE/manifest.json"
    tar.addfile(info)
PY
"$PYTHON" "$tool" b.zb hardlink.zb inject hardlink.tar key.key
expect 1 'artifacts/hard: not a regular file' -- zbx expand hardlink.zb --to target --pubkey key.pub
# truncated and corrupt zstd streams
head -c $(( $(stat -c %s b.zb) - 200 )) b.zb >truncated.zb
expect 1 'truncated' -- zbx expand truncated.zb --to target --pubkey key.pub
"$PYTHON" - b.zb corrupt.zb <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0xff
open(sys.argv[2], "wb").write(data)
PY
expect 1 'error: ' -- zbx expand corrupt.zb --to target --pubkey key.pub
snapshot target >after
cmp -s before after || fail "the target changed: $(diff before after | head -5)"
