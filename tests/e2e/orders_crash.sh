#!/usr/bin/env bash
# Crash safety: clients place, cancel and ship orders and restock products
# while martd is killed with SIGKILL at random moments and restarted. Then
# every acknowledged order exists, the workers drain, and admin check finds the
# stock invariant (available + reserved + shipped = initial + adjustments),
# the holds and every order's stock consistent: each event applied once.
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 111 --country Land -q >/dev/null
products=()
for name in Kettle Toaster Blender; do
  products+=("$(as_operator product create --name "$name" --category Kitchen --price 30.00 \
    --quantity 60 -q)")
done
STOP="$E2E_ROOT/stop"

# One client: a random mix of operations until told to stop. Failures are
# expected while the daemon is down; only acknowledged orders are recorded.
client() {
  local n=$1 acked="$E2E_ROOT/acked.$1" id product
  touch "$acked"
  while [ ! -e "$STOP" ]; do
    product=${products[$((RANDOM % 3))]}
    case $((RANDOM % 10)) in
      0 | 1 | 2 | 3 | 4 | 5)
        if id=$(alice --timeout 3 order place --no-wait --item "$product:$((RANDOM % 4 + 1))" -q \
          2>/dev/null); then
          echo "$id" >>"$acked"
        fi ;;
      6 | 7)
        id=$(shuf -n 1 "$acked" 2>/dev/null || true)
        [ -n "$id" ] && alice --timeout 3 order cancel "$id" >/dev/null 2>&1 ;;
      8)
        as_operator --timeout 3 inventory adjust "$product" --delta 3 --reason "restock $n" \
          >/dev/null 2>&1 ;;
      9)
        id=$(shuf -n 1 "$acked" 2>/dev/null || true)
        [ -n "$id" ] && admin --timeout 3 order status "$id" --status shipped >/dev/null 2>&1 ;;
    esac || sleep 0.05
  done
}

clients=()
for n in 1 2 3 4; do
  client "$n" &
  clients+=($!)
done

for round in 1 2 3 4 5; do
  sleep "0.$((RANDOM % 8 + 3))"
  pid=$(daemon_pid)
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
  echo "killed martd (round $round)"
  start_daemon
done
sleep 1
touch "$STOP"
wait "${clients[@]}"

acked=$(cat "$E2E_ROOT"/acked.* | sort -u)
count=$(grep -c . <<<"$acked" || true)
check "clients had orders acknowledged ($count)" test "$count" -gt 10
# shellcheck disable=SC2086  # one id per word
expect_eq "0" "$(missing_orders $acked)" "every acknowledged order exists after 5 SIGKILLs"

# The workers drain what the crashes left queued.
expect_eq "0" "$(queues_lag)" "queues drained after the restarts"
expect_eq "0" "$(admin order list --status pending --limit 1000 -o json | jq length)" \
  "no order left pending"
expect_eq "0" "$(admin queue list -o json | jq '[.[].dead] | add')" "no dead letters"

expect_exit 0 as_operator admin check -o json
expect_eq "true" "$(jq .ok <<<"$OUT")" "admin check: invariants hold"
expect_eq "[]" "$(jq -c '[.checks[] | select(.ok | not)]' <<<"$OUT")" "no check failed"
expect_eq "orders" "$(jq -r '.checks[] | select(.name == "orders" and .checked > 0) | .name' \
  <<<"$OUT")" "the order check ran over the orders"
finish
