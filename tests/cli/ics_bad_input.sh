#!/usr/bin/env bash
# Bad input: one line naming the file and the reason, exit 2, nothing half-written.
source "$(dirname "$0")/lib.sh"

expect 2 "^zbundle: error: $work/absent: cannot read: No such file or directory\$" -- zb ics "$work/absent"

# A YAML file that is neither ICSP nor IDMS/ITMS.
expect 2 "imageset-config.yaml:1: not an ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet" \
  -- zb ics "$TEST_DATA/ocmirror/v2/imageset-config.yaml"

# Malformed YAML: file and line.
printf 'kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors: [\n    {source: a\n' >"$work/broken.yaml"
expect 2 "broken.yaml:[0-9]+: malformed YAML" -- zb ics "$work/broken.yaml"

# Nothing to take or derive image content sources from: an error, not an empty file.
mkdir -p "$work/bare/docker/registry/v2/blobs"
expect 2 "bare: no image content source found" -- zb ics -o "$work/none.yaml" "$work/bare"
[ ! -e "$work/none.yaml" ] || fail "an empty output file was written"

# Deriving from a mirror-to-disk run needs the mirror registry's name.
expect 2 "mirror_000001.tar: image content sources derived from a mirror-to-disk run need --mirror" \
  -- zb ics -o "$work/none.yaml" "$SAMPLE/v2/mirror_000001.tar"
[ ! -e "$work/none.yaml" ] || fail "an output file was written"

# Truncated and corrupt archives.
cp "$SAMPLE/v2/mirror_000001.tar" "$work/mirror_000001.tar"
truncate -s $(( $(stat -c %s "$work/mirror_000001.tar") / 2 )) "$work/mirror_000001.tar"
expect 2 "mirror_000001.tar: .*(truncated|corrupt)" -- zb inspect "$work/mirror_000001.tar"
expect 2 "mirror_000001.tar: .*(truncated|corrupt)" -- zb ics "$work/mirror_000001.tar"
head -c 10000 /dev/urandom >"$work/mirror_000002.tar"
mkdir "$work/garbage" && mv "$work/mirror_000002.tar" "$work/garbage/"
expect 2 "mirror_000002.tar: " -- zb inspect "$work/garbage"

# Not oc-mirror output at all.
mkdir "$work/empty"
expect 2 "empty: not oc-mirror output" -- zb inspect "$work/empty"

# A failed -o leaves the existing file untouched.
echo keep >"$work/keep.yaml"
expect 2 "need --mirror" -- zb ics -o "$work/keep.yaml" "$SAMPLE/v2"
[ "$(cat "$work/keep.yaml")" = keep ] || fail "existing output was replaced"
expect 2 "no-dir/out.yaml: cannot create" -- zb ics -o "$work/no-dir/out.yaml" "$SAMPLE/v2-m2m"
echo "ics_bad_input: ok"
