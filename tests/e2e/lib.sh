# Shared helpers for the end-to-end scripts. Source it; it expects MARTD,
# MARTCTL and WIRE_SEND (set by ctest) and gives each script its own temp dir,
# data dir, credentials file and daemon, all removed on exit.
set -euo pipefail

: "${MARTD:?MARTD must point at the martd binary}"
: "${MARTCTL:?MARTCTL must point at the martctl binary}"

E2E_ROOT=$(mktemp -d /tmp/mart-e2e.XXXXXX)
export MART_DATA_DIR="$E2E_ROOT/data"
export MART_CREDENTIALS_FILE="$E2E_ROOT/credentials.json"
export NO_COLOR=1
# Config files come from the test's own dir, never from the real home.
export XDG_CONFIG_HOME="$E2E_ROOT/config"
unset MART_TOKEN MART_ENDPOINT MART_PROFILE MART_CONFIG MART_LISTEN MART_LOG_LEVEL MART_STORE
ENDPOINT="ipc://$MART_DATA_DIR/run/martd.sock"
FAILURES=0
CHECKS=0
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$E2E_ROOT/.secrets"

# The pg run (tests/CMakeLists.txt) sets MART_TEST_STORE to the throwaway
# PostgreSQL server's database: each script then gets a database of its own,
# and every martd it starts finds it in MART_STORE (martd --store).
E2E_PG_DB=
if [ -n "${MART_TEST_STORE:-}" ]; then
  E2E_PG_DB="e2e_$$_$RANDOM"
  psql "$MART_TEST_STORE" -qAt -c "CREATE DATABASE $E2E_PG_DB" >/dev/null
  export MART_STORE="${MART_TEST_STORE/\/mart\?//$E2E_PG_DB?}"
fi

cleanup() {
  stop_peer_load
  stop_daemon || true
  if [ -n "$E2E_PG_DB" ]; then
    psql "$MART_TEST_STORE" -qAt -c "DROP DATABASE IF EXISTS $E2E_PG_DB WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$E2E_ROOT"
}
trap cleanup EXIT

# daemon_pid [DATA_DIR]: the pid of the martd on that data dir (default the script's).
daemon_pid() { head -n 1 "${1:-$MART_DATA_DIR}/martd.lock" 2>/dev/null || true; }

start_daemon() {
  "$MARTD" --detach --password-cost minimum "$@"
  "$MARTCTL" daemon wait --wait-timeout 10
  remember_cookie
  if [ -n "${E2E_PEER_LOAD:-}" ]; then start_peer_load; fi
}

# E2E_PEER_LOAD=1 (the pg run of the seed walkthroughs): a second martd on the
# same PostgreSQL store, with the first one's signing key, writes events
# through itself in a loop while the script drives the first (README "Running
# several martd"). The load writes nothing a walkthrough reads (its own event
# topic), so every value the script asserts stays the same.
PEER_DIR="$E2E_ROOT/peer"
PEER_LOAD_PID=
start_peer_load() {
  [ -n "$PEER_LOAD_PID" ] && return 0
  [ -n "$E2E_PG_DB" ] || { echo "E2E_PEER_LOAD needs the pg run" >&2; return 1; }
  MART_DATA_DIR="$PEER_DIR" "$MARTD" --detach --password-cost minimum \
    --signing-key "$MART_DATA_DIR/signing.key" >/dev/null
  MART_DATA_DIR="$PEER_DIR" "$MARTCTL" daemon wait --wait-timeout 10
  register_secret operator-cookie "$(head -n1 "$PEER_DIR/cookie")"
  (
    n=0
    while MART_DATA_DIR="$PEER_DIR" MART_CREDENTIALS_FILE="$E2E_ROOT/no-credentials.json" \
      "$MARTCTL" events publish peer.load --data "{\"n\": $n}" >/dev/null 2>&1; do
      n=$((n + 1))
      echo "$n" >>"$E2E_ROOT/peer.load"
    done
  ) &
  PEER_LOAD_PID=$!
}
stop_peer_load() {
  [ -n "$PEER_LOAD_PID" ] || return 0
  stop_daemon "$PEER_DIR" || true
  wait "$PEER_LOAD_PID" 2>/dev/null || true
  PEER_LOAD_PID=
}

# The secret-leak check (secret_scan.py, run by finish) looks for the secrets
# a script used in every file it left: logs, captured replies, history.
# register_secret KIND VALUE: one more secret to look for (KIND: smtp-password, …;
# "password" is looked for in logs and stderr only).
register_secret() {
  local n
  n=$(find "$E2E_ROOT/.secrets" -name "$1.*" | wc -l)
  printf '%s\n' "$2" >"$E2E_ROOT/.secrets/$1.$n"
}
# secret_input PATH: a file the script wrote with a secret on purpose (stdin for a command).
secret_input() { printf '%s\n' "$1" >>"$E2E_ROOT/.secrets/inputs"; }
# The cookie is removed when the daemon stops: keep a copy to look for.
remember_cookie() {
  [ -s "$MART_DATA_DIR/cookie" ] && register_secret operator-cookie "$(head -n1 "$MART_DATA_DIR/cookie")"
  return 0
}
register_secret password Password123

# stop_daemon [DATA_DIR]: sends SIGTERM to the martd on that data dir (default the
# script's) and waits for it to exit.
stop_daemon() {
  local pid
  pid=$(daemon_pid "${1:-}")
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  echo "daemon $pid did not stop" >&2
  return 1
}

fail() {
  echo "FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}

check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  CHECKS=$((CHECKS + 1))
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

# expect_exit CODE CMD...: runs CMD, captures stdout in OUT and stderr in ERR.
expect_exit() {
  local want=$1
  shift
  CHECKS=$((CHECKS + 1))
  set +e
  OUT=$("$@" 2>"$E2E_ROOT/stderr")
  local got=$?
  set -e
  ERR=$(cat "$E2E_ROOT/stderr")
  printf '%s\n' "$OUT" >>"$E2E_ROOT/replies.out"
  cat "$E2E_ROOT/stderr" >>"$E2E_ROOT/replies.err"
  if [ "$got" -ne "$want" ]; then
    fail "'$*' exited $got, want $want; stderr: $ERR"
    return 0
  fi
  echo "ok: exit $want from: $*"
}

expect_stderr() {  # expect_stderr SUBSTRING: about the last expect_exit
  CHECKS=$((CHECKS + 1))
  case "$ERR" in
    *"$1"*) echo "ok: stderr has '$1'" ;;
    *) fail "stderr lacks '$1': $ERR" ;;
  esac
}

expect_eq() {  # expect_eq WANT GOT DESCRIPTION
  CHECKS=$((CHECKS + 1))
  if [ "$1" = "$2" ]; then echo "ok: $3"; else fail "$3: want '$1', got '$2'"; fi
}

# martctl as the local operator (cookie), ignoring any saved login.
as_operator() { MART_CREDENTIALS_FILE="$E2E_ROOT/no-credentials.json" "$MARTCTL" "$@"; }

# register EMAIL [PASSWORD]: registers with a fixed name.
register() {
  printf '%s\n' "${2:-Password123}" | "$MARTCTL" auth register --password-stdin \
    --email "$1" --first-name Test --last-name User -o json
}

# login EMAIL [PASSWORD] [PROFILE]
login() {
  printf '%s\n' "${2:-Password123}" | "$MARTCTL" --profile "${3:-default}" auth login \
    --email "$1" --password-stdin >/dev/null
}

# Registers admin@ (the first account, so the admin) and alice@ (a user), logs
# both in under profiles of those names, and defines admin, alice and nobody
# (a named profile with no login: it never falls back to the operator cookie).
with_admin_and_user() {
  register admin@example.com >/dev/null
  register alice@example.com >/dev/null
  login admin@example.com Password123 admin
  login alice@example.com Password123 alice
}
admin() { "$MARTCTL" --profile admin "$@"; }

# The crash tests' verdicts. missing_orders IDS...: how many of the acknowledged
# order ids the daemon no longer has. queues_lag: the workers' total lag once it
# reaches 0, or what it still is after 10 s.
missing_orders() {
  local missing=0 id
  for id in "$@"; do
    as_operator order get "$id" >/dev/null 2>&1 || missing=$((missing + 1))
  done
  echo "$missing"
}
queues_lag() {
  local lags
  for _ in $(seq 1 200); do
    lags=$(admin queue list -o json | jq -r '[.[].lag] | add')
    [ "$lags" = "0" ] && break
    sleep 0.05
  done
  echo "$lags"
}
alice() { "$MARTCTL" --profile alice "$@"; }
# order_client N PRODUCT: alice places one-unit orders until the file $STOP
# exists; acknowledged ids go to acked.N, every exit status to codes.N, the
# first few errors other than "unavailable" to errors.N (the crash and
# failover tests).
order_client() {
  local acked="$E2E_ROOT/acked.$1" codes="$E2E_ROOT/codes.$1" errors="$E2E_ROOT/errors.$1"
  local id code
  touch "$acked" "$codes" "$errors"
  while [ ! -e "$STOP" ]; do
    set +e
    id=$(alice --timeout 3 order place --no-wait --item "$2:1" -q 2>"$errors.last")
    code=$?
    set -e
    echo "$code" >>"$codes"
    # The first few errors other than "unavailable" (a daemon being killed), for
    # wait_for_queue_row to show when a wait fails.
    if [ "$code" -ne 0 ] && [ "$code" -ne 6 ] && [ "$(wc -l <"$errors")" -lt 5 ]; then
      head -1 "$errors.last" >>"$errors"
    fi
    if [ "$code" -eq 0 ]; then echo "$id" >>"$acked"; else sleep 0.02; fi
  done
  rm -f "$errors.last"
}
# start_order_load N: alice gets an address and the operator a product of
# 100,000 units (PRODUCT), then N order_clients run in the background
# (ORDER_CLIENTS) until $STOP exists; stop_order_load ends them.
start_order_load() {
  local n
  alice address add --line1 "1 Main St" --city Town --postal-code 111 --country Land -q >/dev/null
  PRODUCT=$(as_operator product create --name Kettle --category Kitchen --price 30.00 \
    --quantity 100000 -q)
  [[ "$PRODUCT" =~ ^[0-9a-f]{24}$ ]] ||
    { echo "start_order_load: product create printed '$PRODUCT', not an id" >&2; exit 1; }
  STOP="$E2E_ROOT/stop"
  ORDER_CLIENTS=()
  for n in $(seq 1 "$1"); do
    order_client "$n" "$PRODUCT" &
    ORDER_CLIENTS+=($!)
  done
}
stop_order_load() {
  touch "$STOP"
  wait "${ORDER_CLIENTS[@]}"
}
# wait_for_queue_row WORKER JQ_CONDITION: polls `queue list` (up to 30 s) until
# WORKER's row meets the condition; sets ROW to the last row seen either way,
# so a check on ROW afterwards says what it was.
wait_for_queue_row() {
  for _ in $(seq 1 600); do
    ROW=$(as_operator queue list -o json | jq -c --arg w "$1" '.[] | select(.worker == $w)')
    [ "$(jq -r "$2" <<<"$ROW")" = true ] && return 0
    sleep 0.05
  done
  echo "wait_for_queue_row: $1 never had $2; its last row: $ROW" >&2
  # Under an order load, what its clients were told when they failed.
  cat "$E2E_ROOT"/errors.* 2>/dev/null | sort | uniq -c | head -5 >&2 || true
  return 0
}
# kill_and_restart_daemon ARGS…: SIGKILL the script's martd, wait until it is
# gone, start it again with ARGS (the crash tests).
kill_and_restart_daemon() {
  local pid
  pid=$(daemon_pid)
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
  start_daemon "$@"
}
# nobody: a profile of martctl.toml with no saved login (martctl refuses a
# profile it does not know); it never falls back to the operator cookie.
nobody() {
  local config="$XDG_CONFIG_HOME/mart/martctl.toml"
  if ! grep -qs '^\[profile\.nobody\]' "$config"; then
    mkdir -p "${config%/*}"
    printf '\n[profile.nobody]\nendpoint = "%s"\n' "$ENDPOINT" >>"$config"
  fi
  "$MARTCTL" --profile nobody "$@"
}

# Stops the bridge and the daemon (their logs are complete then) and fails
# the script when a log, reply or file it left holds a secret.
check_no_secret_leaks() {
  if declare -F stop_rest >/dev/null; then stop_rest; fi
  remember_cookie
  stop_daemon || true
  CHECKS=$((CHECKS + 1))
  local report
  if report=$(python3 "$E2E_DIR/secret_scan.py" "$E2E_ROOT"); then
    echo "ok: no secret in logs, replies or files left behind"
  else
    fail "secrets leaked (kinds only, never the values):"$'\n'"$report"
  fi
}

finish() {
  if [ -n "$PEER_LOAD_PID" ]; then
    check "the second instance took writes meanwhile" test -s "$E2E_ROOT/peer.load"
    stop_peer_load
  fi
  check_no_secret_leaks
  echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}

# The throwaway brokers (tests/brokers/, issue 20): ctest starts each once per run, before
# the tests that need it (the fixtures rabbitmq and kafka, tests/CMakeLists.txt:
# mart_broker_e2e), and passes its dir in MART_RABBITMQ_DIR or MART_KAFKA_DIR.
BROKERS_DIR=$(cd "$E2E_DIR/../brokers" && pwd)
# use_rabbitmq: exports the node's MART_TEST_AMQP_URI (amqp://mart@127.0.0.1:PORT/%2F, no
# password), MART_TEST_AMQP_PASSWORD_FILE, MART_TEST_AMQP_AUTHFILE (amqp-tools' --authfile),
# MART_TEST_AMQP_HOST, MART_TEST_AMQP_PORT, MART_TEST_RABBITMQ_NODE and ERL_EPMD_PORT
# (rabbitmq.sh env), and has finish look for its password in what the script leaves.
use_rabbitmq() {
  : "${MART_RABBITMQ_DIR:?MART_RABBITMQ_DIR must name the dir of the rabbitmq fixture (ctest sets it)}"
  eval "$(bash "$BROKERS_DIR/rabbitmq.sh" env "$MART_RABBITMQ_DIR")"
  register_secret amqp-password "$(cat "$MART_TEST_AMQP_PASSWORD_FILE")"
}
# test_rabbitmqctl ARGS…: rabbitmqctl on that node (its cookie, its epmd), e.g.
# test_rabbitmqctl -q list_queues name messages.
test_rabbitmqctl() { bash "$BROKERS_DIR/rabbitmq.sh" ctl "$MART_RABBITMQ_DIR" "$@"; }
# amqp TOOL ARGS…: amqp-TOOL (publish, get, consume, declare-queue…) on that node as mart,
# the password read from the authfile, never on a command line; with AMQP_TIMEOUT=S set, the
# tool is ended after S seconds.
amqp() {
  local tool=$1
  shift
  ${AMQP_TIMEOUT:+timeout $AMQP_TIMEOUT} "amqp-$tool" -s "$MART_TEST_AMQP_HOST" --port "$MART_TEST_AMQP_PORT" \
    --authfile "$MART_TEST_AMQP_AUTHFILE" "$@"
}
# use_kafka: exports MART_TEST_KAFKA_BOOTSTRAP, the mock cluster's brokers (host:port,…).
use_kafka() {
  : "${MART_KAFKA_DIR:?MART_KAFKA_DIR must name the dir of the kafka fixture (ctest sets it)}"
  eval "$(bash "$BROKERS_DIR/kafka.sh" env "$MART_KAFKA_DIR")"
}
# kafka_sh start|stop|bootstrap|down|up DIR [ID]: tests/brokers/kafka.sh.
kafka_sh() { bash "$BROKERS_DIR/kafka.sh" "$@"; }
# own_kafka: a mock Kafka cluster of the script's own (it starts in milliseconds), stopped
# when the script exits; sets OWN_KAFKA_DIR and OWN_KAFKA_BOOTSTRAP. For a test that takes
# brokers down (kafka_sh down "$OWN_KAFKA_DIR"): the fixture's cluster serves the other
# tests running meanwhile. Its dir is not in E2E_ROOT, whose every file finish reads: it
# would wait forever on the cluster's FIFO.
OWN_KAFKA_DIR=
OWN_KAFKA_BOOTSTRAP=
own_kafka() {
  OWN_KAFKA_DIR=$(mktemp -d /tmp/mart-kafka.XXXXXX)
  trap 'kafka_sh stop "$OWN_KAFKA_DIR" || true; rm -rf "$OWN_KAFKA_DIR"; cleanup' EXIT
  kafka_sh start "$OWN_KAFKA_DIR"
  OWN_KAFKA_BOOTSTRAP=$(kafka_sh bootstrap "$OWN_KAFKA_DIR")
}
