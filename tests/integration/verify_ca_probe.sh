#!/usr/bin/env bash
# verify-ca --probe against a real TLS server (openssl s_server) on 127.0.0.1, stopped by PID
# however the test ends: full chain, missing intermediate, wrong CA, expiry, wrong name.
source "$(dirname "$0")/../cli/lib.sh"
pki=$work/pki
"$(dirname "$0")/../data/make-pki.sh" "$pki" >/dev/null

pids=()
stop_servers() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop_servers EXIT

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_server CERT [CHAIN]: serves CERT (and CHAIN) on a free port; sets $port.
start_server() {
  port=$(free_port)
  local args=(s_server -quiet -accept "127.0.0.1:$port" -cert "$1" -key "$pki/leaf.key" -naccept 1000)
  [ -n "${2:-}" ] && args+=(-cert_chain "$2")
  openssl "${args[@]}" </dev/null >"$work/server-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "s_server did not start: $(cat "$work/server-$port.log")"
}

start_server "$pki/leaf.pem" "$pki/inter.pem"
full=$port
start_server "$pki/leaf.pem"
partial=$port
in_a_year=$(( $(date +%s) + 400 * 86400 ))

expect 0 '' -- zb verify-ca --ca "$pki/root.pem" --probe "127.0.0.1:$full"
contains "^trusted: 127.0.0.1:$full chains to CN=zbundle test root" "$work/out"
# SNI and the name check use the name; the address comes from --resolve, not NSS.
expect 0 '' -- zb verify-ca --ca "$pki/root.pem" --probe "mirror.test:$full" --resolve mirror.test:127.0.0.1
expect 1 'hostname mismatch' -- zb verify-ca --ca "$pki/root.pem" --probe "wrong.test:$full" --resolve wrong.test:127.0.0.1
expect 1 'unable to get local issuer' -- zb verify-ca --ca "$pki/other-root.pem" --probe "127.0.0.1:$full"
expect 1 'certificate has expired' -- zb verify-ca --ca "$pki/root.pem" --at "@$in_a_year" --probe "127.0.0.1:$full"
# A server that leaves out its intermediate: named, and fixed by --untrusted.
expect 1 'left out an intermediate' -- zb verify-ca --ca "$pki/root.pem" --probe "127.0.0.1:$partial"
expect 0 '' -- zb verify-ca --ca "$pki/root.pem" --untrusted "$pki/inter.pem" --probe "127.0.0.1:$partial"
# The bastion binary probes the same way.
expect 0 '' -- zbx verify-ca --ca "$pki/root.pem" --probe "mirror.test:$full" --resolve mirror.test:127.0.0.1

# Nothing listening, and a name that cannot be resolved without NSS.
closed=$(free_port)
expect 1 "127.0.0.1:$closed: cannot connect" -- zb verify-ca --ca "$pki/root.pem" --probe "127.0.0.1:$closed"
expect 2 'nowhere.invalid: cannot resolve: not in /etc/hosts; give the address with --resolve' \
  -- zb verify-ca --ca "$pki/root.pem" --probe nowhere.invalid:443

# create --probe: the bundle is only made when the live registry chains to the CA it carries
zb keygen --out "$work/signer" >/dev/null
expect 0 '' -- zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key "$work/signer.key" --mirror "127.0.0.1:$full" --ca "$pki/root.pem" --probe -o "$work/probed.zb"
expect 0 '' -- zb inspect "$work/probed.zb" --pubkey "$work/signer.pub"
contains 'CA: +CN=zbundle test root' "$work/out"
expect 1 "^zbundle: error: --probe 127.0.0.1:$full: the registry's chain is not trusted by .*other-root.pem" -- \
  zb create "${release_keys[@]}" "$SAMPLE/v2" --sign-key "$work/signer.key" --mirror "127.0.0.1:$full" --ca "$pki/other-root.pem" --probe -o "$work/never.zb"
[ ! -e "$work/never.zb" ] || fail "an untrusted probe left a bundle"
echo "verify_ca_probe: ok"
