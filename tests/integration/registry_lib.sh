# Shared by the integration tests that run Debian's docker-registry (distribution) on
# 127.0.0.1: a free port, the server started and waited for, and stopped by PID however the
# test ends. Sourced after tests/cli/lib.sh.
command -v docker-registry >/dev/null || fail "docker-registry is not installed (scripts/bootstrap.sh installs it)"

registry_pid=
stop_registry() {
  [ -n "$registry_pid" ] && { kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap stop_registry EXIT

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry CONFIG PORT: serves CONFIG in the background, returns once PORT answers
start_registry() {
  docker-registry serve "$1" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && break
    sleep 0.1
  done
  kill -0 "$registry_pid" 2>/dev/null || fail "docker-registry did not start: $(cat "$work/registry.log")"
}
