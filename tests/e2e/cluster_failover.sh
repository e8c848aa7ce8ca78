#!/usr/bin/env bash
# Two martd on one PostgreSQL store, and clients given both (README "Running
# several martd"): instance A is killed with SIGKILL under order load and the
# clients carry on through B; A comes back; then the PostgreSQL server itself
# is killed and restarted under the same load. Afterwards every acknowledged
# order exists, nothing is left pending, the workers drain, admin check is
# clean through either instance and the log is gap-free; an exit status is
# only ever 0 (kept) or 6 (unavailable while the database was down). The
# script starts a PostgreSQL server of its own (it kills it). Runs in the pg set.
source "$(dirname "$0")/lib.sh"
PG="$E2E_ROOT/pg"
bash "$E2E_DIR/../pg/pg-cluster.sh" start "$PG"
B_DIR="$E2E_ROOT/b"
trap 'stop_daemon "$B_DIR" || true; stop_daemon || true; bash "$E2E_DIR/../pg/pg-cluster.sh" stop "$PG"; cleanup' EXIT
export MART_STORE
MART_STORE=$(bash "$E2E_DIR/../pg/pg-cluster.sh" uri "$PG")
KEY="$E2E_ROOT/cluster.key"
head -c 32 /dev/urandom >"$KEY"
chmod 600 "$KEY"
A="ipc://$MART_DATA_DIR/run/martd.sock"
B="ipc://$B_DIR/run/martd.sock"
start_b() {
  MART_DATA_DIR="$B_DIR" "$MARTD" --detach --password-cost minimum --signing-key "$KEY"
  MART_DATA_DIR="$B_DIR" "$MARTCTL" daemon wait --wait-timeout 10
}
start_daemon --signing-key "$KEY"
start_b
register_secret operator-cookie "$(head -n1 "$B_DIR/cookie")"

# Logins made through the list serve both instances.
export MART_ENDPOINT="$A,$B"
with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 111 --country Land -q >/dev/null
product=$(admin product create --name Kettle --category Kitchen --price 30.00 \
  --quantity 100000 -q)
STOP="$E2E_ROOT/stop"

acked_count() { cat "$E2E_ROOT"/acked.* 2>/dev/null | wc -l; }
# Until N more orders are acknowledged than now (a condition, bounded).
more_orders() {
  local want=$(($(acked_count) + $1))
  for _ in $(seq 1 600); do
    [ "$(acked_count)" -ge "$want" ] && return 0
    sleep 0.05
  done
  fail "clients acknowledged no $1 more orders"
}
clients=()
for n in 1 2 3 4; do
  order_client "$n" "$product" &
  clients+=($!)
done

more_orders 20
a_pid=$(daemon_pid)
kill -KILL "$a_pid"
while kill -0 "$a_pid" 2>/dev/null; do sleep 0.01; done
echo "killed instance A (pid $a_pid)"
more_orders 20  # through B alone
start_daemon --signing-key "$KEY"
echo "restarted instance A"
more_orders 20

bash "$E2E_DIR/../pg/pg-cluster.sh" kill "$PG"
for _ in $(seq 1 400); do
  grep -qx 6 "$E2E_ROOT"/codes.* && break
  sleep 0.05
done
bash "$E2E_DIR/../pg/pg-cluster.sh" restart "$PG"
echo "restarted the PostgreSQL server"
more_orders 20
touch "$STOP"
wait "${clients[@]}"

acked=$(cat "$E2E_ROOT"/acked.* | sort -u)
echo "$(grep -c . <<<"$acked") orders acknowledged"
# shellcheck disable=SC2086  # one id per word
expect_eq 0 "$(MART_ENDPOINT="$A" missing_orders $acked)" "every acknowledged order exists"
unexpected=$(cat "$E2E_ROOT"/codes.* | grep -vxE '0|6' | sort -u | tr '\n' ' ' || true)
expect_eq "" "$unexpected" "no exit status but 0 (kept) and 6 (unavailable)"
expect_eq 0 "$(queues_lag)" "the workers drained"
sql() { psql "$MART_STORE" -qAt -c "$1"; }
expect_eq 0 "$(sql "SELECT count(*) FROM orders WHERE status = 'pending'")" "no order left pending"
expect_eq 0 "$(sql "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM order_history h
    WHERE h.order_id = o.id AND h.from_status = 'pending') <> 1")" \
  "every order left pending exactly once"
last=$(sql "SELECT max(seq) FROM events")
expect_eq "$last" "$(sql "SELECT count(*) FROM events")" "the event log holds seq 1..$last"
for dir in "$MART_DATA_DIR" "$B_DIR"; do
  expect_exit 0 env MART_DATA_DIR="$dir" MART_ENDPOINT= \
    MART_CREDENTIALS_FILE="$E2E_ROOT/no-credentials.json" "$MARTCTL" admin check -o json
  expect_eq "true" "$(jq .ok <<<"$OUT")" "admin check through ${dir##*/}: invariants hold"
done
stop_daemon "$B_DIR"
finish
