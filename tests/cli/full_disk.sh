#!/usr/bin/env bash
# Writing onto a small file system: a size-limited tmpfs, mounted in a mount namespace of the
# test's own (unshare -m). create and expand check the free space first and refuse before
# writing a byte, naming the bound and what is free; with --no-space-check they write until the
# disk is full and end with exit 2 naming the file and "No space left on device", within a
# timeout (create used to crash on freed memory), leaving nothing behind either way.
source "$(dirname "$0")/lib.sh"
cd "$work"
"$PYTHON" "$TEST_DATA/make_storage.py" store 4 16
zb keygen --out key >/dev/null
zb create store --sign-key key.key -o whole.zb >/dev/null
mkdir small
cat >inner.sh <<'SH'
set -euo pipefail
mount -t tmpfs -o size=8M zbundle-test small
run() { # run NAME COMMAND...: status, stderr and what small/ holds afterwards
  local name=$1 status=0
  shift
  timeout 120 ${ZB_EXEC_PREFIX:-} "$@" >"$name.out" 2>"$name.err" || status=$?
  echo "$status" >"$name.status"
  ls -A small >"$name.left"
}
run create-checked "$ZBUNDLE" create store --sign-key key.key -o small/full.zb
run create-filled "$ZBUNDLE" create store --sign-key key.key -o small/full.zb --no-space-check
run expand-checked "$ZBUNDLE_EXTRACT" expand whole.zb --pubkey key.pub --to small/site
run expand-filled "$ZBUNDLE_EXTRACT" expand whole.zb --pubkey key.pub --to small/site --no-space-check
SH
unshare -m bash inner.sh

outcome() { # outcome NAME STATUS PATTERN
  [ "$(cat "$1.status")" -eq "$2" ] || fail "$1 exited $(cat "$1.status"), expected $2: $(cat "$1.err")"
  contains "$3" "$1.err"
  [ ! -s "$1.left" ] || fail "$1 left files behind on the small file system: $(cat "$1.left")"
}
outcome create-checked 2 'small: [0-9]+ bytes free, the bundle needs up to [0-9]+ \(--no-space-check'
outcome create-filled 2 'small/full.zb: .*No space left on device'
outcome expand-checked 2 'small/site: [0-9]+ bytes free, the bundle needs up to [0-9]+'
outcome expand-filled 2 'No space left on device'
echo "full_disk: ok"
