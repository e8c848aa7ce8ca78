#!/usr/bin/env bash
# A throwaway RabbitMQ node for the tests (issue 20), from Debian's rabbitmq-server,
# like tests/pg/pg-cluster.sh for PostgreSQL.
#   tests/brokers/rabbitmq.sh start DIR [--fresh]  starts DIR's node unless it runs (the first
#                            time, or with --fresh, a new one: an empty broker, new ports and
#                            password); returns once it takes AMQP connections (60 s at most)
#   tests/brokers/rabbitmq.sh stop DIR     stops the node (rabbitmqctl stop) and its epmd;
#                                          keeps its data
#   tests/brokers/rabbitmq.sh kill DIR     SIGKILLs the node's Erlang VM and waits until it is
#                                          gone (crash tests); its epmd stays
#   tests/brokers/rabbitmq.sh restart DIR  starts the node again on its data, ports and password
#                                          (after kill or stop), and waits until it is ready
#   tests/brokers/rabbitmq.sh uri DIR      prints amqp://mart:PASSWORD@127.0.0.1:PORT/%2F
#   tests/brokers/rabbitmq.sh env DIR      prints shell lines (export NAME=VALUE): the URI without
#                                          the password, the password file, … (see env below)
#   tests/brokers/rabbitmq.sh ctl DIR ARGS…  runs rabbitmqctl ARGS… against the node
# Everything lives in DIR: data, logs, config, its own Erlang cookie (DIR/.erlang.cookie) and
# an epmd of its own on a private port, so that it never meets another node on the machine.
# It listens on 127.0.0.1 only (AMQP, Erlang distribution, epmd), without plugins (no
# management UI). The broker has one user, mart (administrator, every permission on the
# vhost /), with a random password in DIR/password; there is no guest. Debian's
# /usr/sbin/rabbitmq-server runs only as root or rabbitmq (su to rabbitmq, with its files in
# /var/lib/rabbitmq); the scripts it wraps, in /usr/lib/rabbitmq/bin, run as any user, root
# included, which is how this calls them. Processes are ended by the PIDs this wrote, never
# by name.
set -euo pipefail

usage="usage: rabbitmq.sh start|stop|kill|restart|uri|env|ctl DIR [--fresh | ARGS…]"
command=${1:?$usage}
dir=${2:?$usage}
shift 2
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
bindir=/usr/lib/rabbitmq/bin
[ -x "$bindir/rabbitmq-server" ] ||
  { echo "rabbitmq: RabbitMQ is not installed (scripts/deps.sh installs it)" >&2; exit 1; }
# One node per DIR, named after it: the same DIR, the same node.
node="mart-$(printf '%s' "$dir" | md5sum | cut -c1-12)@localhost"
run="$dir/run"
ready_seconds=60

# alive PID [COMM]: true when PID runs (a zombie does not) and, given COMM, is that
# program, not a process that reused the number.
alive() {
  [ -n "$1" ] && [ -e "/proc/$1" ] &&
    [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ] &&
    { [ -z "${2:-}" ] || [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
}
# running NAME COMM: the PID in run/NAME.pid when that process runs.
running() {
  local pid
  pid=$(cat "$run/$1.pid" 2>/dev/null) || return 1
  alive "$pid" "$2" && echo "$pid"
}
# wait_gone PID COMM SECONDS
wait_gone() {
  local deadline=$((SECONDS + $3))
  while alive "$1" "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# free_ports N: N consecutive free TCP ports on 127.0.0.1, from one derived from DIR (so
# the same DIR mostly gets the same ports), below the kernel's ephemeral range.
free_ports() {
  python3 - "$1" "$(printf '%s' "$dir" | cksum | cut -d' ' -f1)" <<'EOF'
import socket, sys
count, seed = int(sys.argv[1]), int(sys.argv[2])
def free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False
for attempt in range(1000):
    base = 20000 + (seed + attempt * 7) % 1200 * 10
    if all(free(p) for p in range(base, base + count)):
        print(" ".join(str(p) for p in range(base, base + count)))
        sys.exit(0)
sys.exit("rabbitmq: no free ports")
EOF
}

load_ports() {
  [ -f "$dir/ports" ] || { echo "rabbitmq: no node in $dir (rabbitmq.sh start)" >&2; exit 1; }
  # shellcheck source=/dev/null
  . "$dir/ports"
}

# node_env: the environment every RabbitMQ script gets, everything in DIR (none of
# /etc/rabbitmq, /var/lib/rabbitmq or the caller's RABBITMQ_* variables).
node_env() {
  local name
  for name in $(compgen -e | grep -E '^RABBITMQ_' || true); do unset "$name"; done
  unset NOTIFY_SOCKET
  export HOME="$dir" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_CONFIG_FILES="$dir/conf.d" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$run/rabbit.pid" RABBITMQ_NODENAME="$node" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp_port" \
    RABBITMQ_DIST_PORT="$dist_port" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    RABBITMQ_CTL_DIST_PORT_MIN=0 RABBITMQ_CTL_DIST_PORT_MAX=0
  # rabbitmqctl's own Erlang node then listens on a port the kernel picks, not in the
  # shared 35672-35682 every rabbitmqctl on the machine competes for.
}

ctl() { (node_env && exec "$bindir/rabbitmqctl" -n "$node" "$@"); }

# A new node: config, secrets and ports. The password is in the config file too
# (default_user: the broker creates mart instead of guest on its first boot, which saves
# three rabbitmqctl calls of half a second each); both files are the owner's only.
create() {
  rm -rf "$dir"
  mkdir -p "$dir/conf.d" "$dir/log" "$run"
  local ports password
  ports=$(free_ports 3)
  read -r amqp_port dist_port epmd_port <<<"$ports"
  printf 'amqp_port=%s\ndist_port=%s\nepmd_port=%s\n' "$amqp_port" "$dist_port" "$epmd_port" \
    >"$dir/ports"
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  (
    umask 077
    printf '%s' "$password" >"$dir/password"
    # amqp-tools' --authfile format.
    printf 'username:mart\npassword:%s\n' "$password" >"$dir/amqp-auth"
    python3 -c 'import secrets; print(secrets.token_hex(16).upper(), end="")' \
      >"$dir/.erlang.cookie"
    cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$amqp_port
distribution.listener.interface = 127.0.0.1
default_user = mart
default_pass = $password
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
disk_free_limit.absolute = 10MB
log.console = false
log.file.level = info
EOF
  )
  chmod 400 "$dir/.erlang.cookie"
  : >"$dir/rabbitmq-env.conf"
  echo '[].' >"$dir/enabled_plugins"
}

# The node's epmd, on its private port, started here (the Erlang VM would start one
# itself, as a daemon whose PID nobody knows).
start_epmd() {
  running epmd epmd >/dev/null && return 0
  setsid epmd -port "$epmd_port" -address 127.0.0.1 </dev/null >>"$dir/log/epmd.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$run/epmd.pid"
  for _ in $(seq 1 100); do
    epmd -port "$epmd_port" -names >/dev/null 2>&1 && return 0
    alive "$pid" epmd || break
    sleep 0.1
  done
  echo "rabbitmq: epmd did not start on port $epmd_port; its log:" >&2
  cat "$dir/log/epmd.log" >&2
  exit 1
}

# launch: starts the Erlang VM on DIR's data and waits until the broker is ready.
launch() {
  start_epmd
  rm -f "$run/rabbit.pid"
  # detached: rabbitmq-server execs the VM instead of waiting on it from a shell, so $!
  # is the VM (beam.smp). Its own session, stdin and log: ctest waits for the output of
  # what a test started.
  (node_env && cd "$dir" && detached=true exec setsid "$bindir/rabbitmq-server") \
    </dev/null >>"$dir/log/server.out" 2>&1 &
  local vm=$!
  echo "$vm" >"$run/beam.pid"
  wait_ready "$vm"
}

# give_up MESSAGE: a start failed; says why with the end of the logs, ends the VM and the
# epmd by their PIDs (nothing stays running), exits 1.
give_up() {
  echo "rabbitmq: $1; the end of its logs:" >&2
  tail -n 30 "$dir/log/$node.log" "$dir/log/server.out" >&2 2>/dev/null || true
  local pid
  if pid=$(cat "$run/beam.pid" 2>/dev/null) && alive "$pid"; then kill -KILL "$pid"; fi
  if pid=$(running epmd epmd); then kill -TERM "$pid"; fi
  rm -f "$run"/*.pid
  exit 1
}

# wait_ready VM: until the broker boots and takes AMQP connections, at most ready_seconds.
wait_ready() {
  local deadline=$((SECONDS + ready_seconds))
  while :; do
    alive "$1" || give_up "the node exited while starting"
    # await_startup fails at once while the node is not yet registered with epmd.
    if epmd -port "$epmd_port" -names 2>/dev/null | grep -q "^name ${node%@*} " &&
      ctl -q await_startup --timeout $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)) \
        >/dev/null 2>&1 &&
      (exec 3<>"/dev/tcp/127.0.0.1/$amqp_port") 2>/dev/null; then
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || give_up "the node is not ready after $ready_seconds s"
    sleep 0.2
  done
}

stop() {
  [ -f "$dir/ports" ] || return 0
  load_ports
  local vm epmd
  if vm=$(running beam beam.smp); then
    ctl -q stop >/dev/null 2>&1 || kill -TERM "$vm" 2>/dev/null || true
    if ! wait_gone "$vm" beam.smp 60; then
      echo "rabbitmq: node $vm did not stop; killing it" >&2
      kill -KILL "$vm" 2>/dev/null || true
      wait_gone "$vm" beam.smp 10
    fi
  fi
  if epmd=$(running epmd epmd); then
    kill -TERM "$epmd" 2>/dev/null || true
    wait_gone "$epmd" epmd 10
  fi
  rm -f "$run"/*.pid
}

# start_node: DIR's node, started unless it runs, ready.
start_node() {
  load_ports
  local vm
  if vm=$(running beam beam.smp); then wait_ready "$vm"; else launch; fi
}

case "$command" in
  start)
    if [ "${1:-}" = --fresh ]; then
      stop
      create
    elif [ ! -f "$dir/ports" ]; then
      create
    fi
    start_node
    ;;
  restart) start_node ;;
  stop) stop ;;
  kill)
    load_ports
    vm=$(running beam beam.smp) || { echo "rabbitmq: no node runs in $dir" >&2; exit 1; }
    kill -KILL "$vm"
    wait_gone "$vm" beam.smp 30
    echo "killed the RabbitMQ node (pid $vm)"
    ;;
  uri)
    load_ports
    echo "amqp://mart:$(cat "$dir/password")@127.0.0.1:$amqp_port/%2F"
    ;;
  env)
    # For rabbitmqctl by hand: HOME=$MART_TEST_RABBITMQ_HOME (its Erlang cookie) and
    # ERL_EPMD_PORT, then rabbitmqctl -n "$MART_TEST_RABBITMQ_NODE" …; or rabbitmq.sh ctl.
    load_ports
    printf 'export %s=%q\n' \
      MART_TEST_AMQP_URI "amqp://mart@127.0.0.1:$amqp_port/%2F" \
      MART_TEST_AMQP_PASSWORD_FILE "$dir/password" \
      MART_TEST_AMQP_AUTHFILE "$dir/amqp-auth" \
      MART_TEST_AMQP_HOST 127.0.0.1 \
      MART_TEST_AMQP_PORT "$amqp_port" \
      MART_TEST_RABBITMQ_NODE "$node" \
      MART_TEST_RABBITMQ_DIST_PORT "$dist_port" \
      MART_TEST_RABBITMQ_HOME "$dir" \
      ERL_EPMD_PORT "$epmd_port"
    ;;
  ctl)
    load_ports
    ctl "$@"
    ;;
  *)
    echo "rabbitmq: unknown command '$command' ($usage)" >&2
    exit 2
    ;;
esac
