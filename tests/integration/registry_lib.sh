# shellcheck shell=bash
# shellcheck disable=SC2154 # work and fail come from tests/cli/lib.sh
# Shared by the integration tests that run Debian's docker-registry (distribution) on
# 127.0.0.1: a free port, the server started and waited for, helper servers (proxies, token
# services) likewise, all stopped by PID however the test ends. Sourced after tests/cli/lib.sh.
command -v docker-registry >/dev/null || fail "docker-registry is not installed (scripts/bootstrap.sh installs it)"

registry_pid=
helper_pids=()
stop_helpers() {
  local pid
  for pid in "${helper_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  helper_pids=()
}
stop_registry() {
  stop_helpers
  [ -n "$registry_pid" ] && { kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap stop_registry EXIT

# start_helper NAME COMMAND...: runs a test server that prints its port and then serves, in
# the background; sets helper_port once the port is printed. Stopped with the registry, or
# earlier by stop_helpers.
start_helper() {
  local name=$1 pid
  shift
  # Emptied here, not only by the redirection below: that one runs in the background job, and
  # the wait could otherwise read the previous helper's port before it happens.
  : >"$work/$name.port"
  "$@" >"$work/$name.port" &
  pid=$!
  helper_pids+=("$pid")
  for _ in $(seq 400); do
    [ -s "$work/$name.port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  helper_port=$(cat "$work/$name.port")
  [ -n "$helper_port" ] || fail "$name did not start ($(kill -0 "$pid" 2>/dev/null && echo "still silent" || echo "it exited"))"
}

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry TEMPLATE: serves TEMPLATE (a config with @PORT@ where the port goes) on a
# free port and sets $port, once docker-registry itself listens there: a parallel test's server
# may take the port between free_port and the bind, and then another port is tried.
start_registry() {
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    sed "s/@PORT@/$port/g" "$1" >"$work/registry-config.yml"
    docker-registry serve "$work/registry-config.yml" >"$work/registry.log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 100); do
      kill -0 "$registry_pid" 2>/dev/null || break
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.1
    done
    sleep 0.2 # a registry that lost the port to another server exits at once
    if kill -0 "$registry_pid" 2>/dev/null && ! grep -q 'address already in use' "$work/registry.log"; then
      return 0
    fi
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=
  done
  fail "docker-registry did not start: $(cat "$work/registry.log")"
}

# restart_registry TEMPLATE: stops the registry and serves TEMPLATE on the same $port (bundles
# and the state directory name the registry by its port), e.g. with another storage option.
restart_registry() {
  kill "$registry_pid" 2>/dev/null || true
  wait "$registry_pid" 2>/dev/null || true
  sed "s/@PORT@/$port/g" "$1" >"$work/registry-config.yml"
  docker-registry serve "$work/registry-config.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do
    kill -0 "$registry_pid" 2>/dev/null || break
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      # Another test's server may have taken the port meanwhile: then ours exits at once.
      sleep 0.2
      kill -0 "$registry_pid" 2>/dev/null && ! grep -q 'address already in use' "$work/registry.log" && return 0
      break
    fi
    sleep 0.1
  done
  fail "docker-registry did not start again on $port: $(cat "$work/registry.log")"
}

# start_plain_registry: docker-registry over plain HTTP, no auth, storage in $work/storage.
start_plain_registry() {
  cat >"$work/plain-config.yml" <<YAML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $work/storage}
http: {addr: "127.0.0.1:@PORT@", secret: zbundle-test}
YAML
  start_registry "$work/plain-config.yml"
}

# start_tls_registry ROOT [STORAGE-YAML] [TOP-YAML]: docker-registry over TLS with the
# certificate of $work/pki (tests/data/make-pki.sh, made here when missing), storage in ROOT;
# STORAGE-YAML adds indented lines under storage:, TOP-YAML whole sections (auth: ...).
start_tls_registry() {
  [ -d "$work/pki" ] || "$TEST_DATA/make-pki.sh" "$work/pki" >/dev/null
  {
    printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\n' "$1"
    [ -z "${2:-}" ] || printf '%s\n' "$2"
    printf 'http:\n  addr: 127.0.0.1:@PORT@\n  secret: zbundle-test\n'
    printf '  tls: {certificate: %s/pki/leaf-chain.pem, key: %s/pki/leaf.key}\n' "$work" "$work"
    [ -z "${3:-}" ] || printf '%s\n' "$3"
  } >"$work/tls-config.yml"
  start_registry "$work/tls-config.yml"
}
