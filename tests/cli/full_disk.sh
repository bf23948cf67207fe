#!/usr/bin/env bash
# create onto a full file system: a size-limited tmpfs, mounted in a mount namespace of the
# test's own (unshare -m), too small for the bundle. create ends with exit 2 naming the file and
# "No space left on device", within a timeout (it used to crash on freed memory), and leaves
# nothing behind: no bundle, no temporary file.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$PYTHON" "$TEST_DATA/make_storage.py" store 4 16
zb keygen --out key >/dev/null
mkdir small
cat >inner.sh <<'SH'
set -euo pipefail
mount -t tmpfs -o size=8M zbundle-test small
status=0
timeout 120 ${ZB_EXEC_PREFIX:-} "$ZBUNDLE" create store --sign-key key.key -o small/full.zb \
  >out 2>err || status=$?
echo "$status" >status
ls -A small >left
SH
unshare -m bash inner.sh
[ "$(cat status)" -eq 2 ] || fail "create onto a full file system exited $(cat status), expected 2: $(cat err)"
contains 'small/full.zb: .*No space left on device' err
[ ! -s left ] || fail "create left files behind on the full file system: $(cat left)"
echo "full_disk: ok"
