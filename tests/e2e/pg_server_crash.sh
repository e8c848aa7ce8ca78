#!/usr/bin/env bash
# PostgreSQL itself dies under order load (SIGKILL to the postmaster, on a
# private server of this script's own): martd stays up and answers UNAVAILABLE
# (exit 6) while the database is gone, never OK for an order it did not keep;
# once the server is back it serves again without a restart, and every order
# it acknowledged exists. Runs in the pg set only (it needs PostgreSQL).
source "$(dirname "$0")/lib.sh"
PG="$E2E_ROOT/pg"  # names the server; pg-cluster.sh keeps it where the postgres user can go
bash "$E2E_DIR/../pg/pg-cluster.sh" start "$PG"
trap 'stop_daemon || true; bash "$E2E_DIR/../pg/pg-cluster.sh" stop "$PG"; cleanup' EXIT
export MART_STORE
MART_STORE=$(bash "$E2E_DIR/../pg/pg-cluster.sh" uri "$PG")
start_daemon
martd_pid=$(daemon_pid)

with_admin_and_user
start_order_load 3

# Some orders in, then the postmaster is killed (its backends end with it).
for _ in $(seq 1 400); do
  [ "$(cat "$E2E_ROOT"/acked.* 2>/dev/null | wc -l)" -ge 10 ] && break
  sleep 0.05
done
bash "$E2E_DIR/../pg/pg-cluster.sh" kill "$PG"
# While it is down, requests fail UNAVAILABLE (6) and martd stays up.
for _ in $(seq 1 400); do
  grep -qx 6 "$E2E_ROOT"/codes.* && break
  sleep 0.05
done
check "orders were refused with exit 6 while PostgreSQL was down" grep -qx 6 "$E2E_ROOT"/codes.1 "$E2E_ROOT"/codes.2 "$E2E_ROOT"/codes.3
check "martd is still running" kill -0 "$martd_pid"
expect_exit 6 alice --timeout 3 order list

bash "$E2E_DIR/../pg/pg-cluster.sh" restart "$PG"
echo "restarted the PostgreSQL server"
for _ in $(seq 1 200); do
  alice --timeout 3 order list -q >/dev/null 2>&1 && break
  sleep 0.05
done
expect_exit 0 alice order list -q
sleep 0.5
stop_order_load
check "martd served through the outage without a restart" test "$(daemon_pid)" = "$martd_pid"

acked=$(cat "$E2E_ROOT"/acked.* | sort -u)
count=$(grep -c . <<<"$acked" || true)
check "orders were acknowledged ($count)" test "$count" -gt 10
# shellcheck disable=SC2086  # one id per word
expect_eq "0" "$(missing_orders $acked)" "every acknowledged order exists after the database crash"
unexpected=$(cat "$E2E_ROOT"/codes.* | grep -vxE '0|6' | sort -u | tr '\n' ' ' || true)
expect_eq "" "$unexpected" "no exit status but 0 (kept) and 6 (unavailable)"

# The workers drain, and the books balance.
expect_eq "0" "$(queues_lag)" "queues drained after the database came back"
expect_exit 0 admin admin check -q
finish
