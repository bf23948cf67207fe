#!/usr/bin/env bash
# zbundle-extract check, the bastion's preflight (issue 25), against real servers on 127.0.0.1:
# Debian's docker-registry over TLS with a certificate from an OpenSSL-made CA, and
# `python3 -m http.server` over a web root the boot images were applied into. All answer: ok;
# the registry stopped, a boot file changed on disk, a name that does not resolve: exit 1,
# each named on its own line.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/registry_lib.sh"
cd "$work"
start_tls_registry "$work/storage"
zb keygen --out key >/dev/null
version=416.94.202406251923-0
iso=rhcos-$version-live.s390x.iso
mkdir boot
head -c 200000 /dev/urandom >"boot/$iso"
echo kernel >"boot/rhcos-$version-live-kernel-s390x"
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --mirror "127.0.0.1:$port/ocp" \
  --ca pki/root.pem --sign-key key.key --boot-images boot -o b.zb
mkdir -p root/etc/pki/ca-trust/source/anchors
expect 0 '' -- zbx apply b.zb --pubkey key.pub --root root --boot-root web/rhcos --boot-url "http://127.0.0.1:1/rhcos"
start_helper web "$PYTHON" -c '
import functools, http.server, socketserver, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
    print(server.server_address[1], flush=True)
    server.serve_forever()
' "$work/web"
web=http://127.0.0.1:$helper_port/rhcos
printf '127.0.0.1 api.hc1.example.test zbundle-preflight.apps.hc1.example.test\n' >hosts
check() { zbx check b.zb --pubkey key.pub --hosts-file hosts "$@"; }

expect 0 '' -- check --boot-url "$web" --cluster-domain hc1.example.test
contains "^ok       mirror 127.0.0.1:$port: answers over TLS" out
contains '^ok       ca CN=zbundle test root: [0-9]+ days left' out
contains "^ok       boot $web/$iso: 200000 bytes, SHA-256 as signed" out
contains '^ok       dns api.hc1.example.test: resolves to 127.0.0.1' out
contains '^ok       dns zbundle-preflight.apps.hc1.example.test: resolves' out
expect 0 '' -- check --boot-url "$web" --json
"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d["ok"] and len(d["checks"]) == 4 else 1)' out \
  || fail "check --json: $(cat out)"

# a boot file changed on disk; a name that does not resolve: each its own line, exit 1
head -c 200000 /dev/urandom >"web/rhcos/$iso"
printf '127.0.0.1 api.hc1.example.test\n' >hosts
expect 1 'check: 2 problems' -- check --boot-url "$web" --cluster-domain hc1.example.test
contains "^PROBLEM  boot $web/$iso: serves other bytes than the bundle's" out
contains '^ok       boot .*live-kernel-s390x' out
contains '^PROBLEM  dns zbundle-preflight.apps.hc1.example.test: does not resolve' out
rm "web/rhcos/rhcos-$version-live-kernel-s390x"
expect 1 'check: 2 problems' -- check --boot-url "$web"
contains "^PROBLEM  boot $web/rhcos-$version-live-kernel-s390x: HTTP 404" out

# the registry stopped: the mirror line says so
kill "$registry_pid" && wait "$registry_pid" 2>/dev/null || true
registry_pid=
expect 1 'check: 1 problems' -- check
contains "^PROBLEM  mirror 127.0.0.1:$port: " out
# another CA than the registry's
"$TEST_DATA/make-pki.sh" other >/dev/null
start_tls_registry "$work/storage"
expect 1 'check: [0-9]+ problems' -- check --mirror "127.0.0.1:$port" --ca other/root.pem
contains "^PROBLEM  mirror 127.0.0.1:$port: not trusted" out
expect 2 'not an http:// or https:// URL' -- check --boot-url ftp://x/
expect 2 'cluster-domain .*: not a DNS name' -- check --cluster-domain 'bad name'
