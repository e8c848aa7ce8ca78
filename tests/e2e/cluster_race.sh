#!/usr/bin/env bash
# Two martd on one PostgreSQL store (README "Running several martd"): eight
# clients, half on each instance, race for 3 products x 20 units with
# cancels, restocks, payments and shipping. Afterwards admin check is clean
# through either instance, every acknowledged order exists on both, no
# product is oversold (the ledger chains with no lost update), every order
# left pending exactly once and every line of an order that got stock was
# reserved exactly once, the log is gap-free, and both instances' live feeds
# (martctl events tail --follow) carry seq 1..N. Also: a third martd with
# another signing key is refused, and a token minted by one works on the other.
# Runs in the pg set only.
source "$(dirname "$0")/lib.sh"
[ -n "$E2E_PG_DB" ] || { echo "cluster_race.sh needs PostgreSQL (MART_TEST_STORE)" >&2; exit 1; }

KEY="$E2E_ROOT/cluster.key"
head -c 32 /dev/urandom >"$KEY"
chmod 600 "$KEY"
B_DIR="$E2E_ROOT/b"
# Instance A keeps lib.sh's data dir (its cookie, stop_daemon); B has its own.
TAILS=()
stop_tails() {
  [ "${#TAILS[@]}" -eq 0 ] || kill "${TAILS[@]}" 2>/dev/null || true
  [ "${#TAILS[@]}" -eq 0 ] || wait "${TAILS[@]}" 2>/dev/null || true
  TAILS=()
}
trap 'stop_tails; stop_daemon "$B_DIR" || true; cleanup' EXIT
on_b() { MART_DATA_DIR="$B_DIR" "$MARTCTL" "$@"; }
as_operator_b() { MART_DATA_DIR="$B_DIR" MART_CREDENTIALS_FILE="$E2E_ROOT/no-credentials.json" "$MARTCTL" "$@"; }

start_daemon --signing-key "$KEY"
MART_DATA_DIR="$B_DIR" "$MARTD" --detach --password-cost minimum --signing-key "$KEY"
on_b daemon wait --wait-timeout 10
register_secret operator-cookie "$(head -n1 "$B_DIR/cookie")"

# A third instance with a key of its own would mint tokens no other accepts.
expect_exit 5 env MART_DATA_DIR="$E2E_ROOT/c" "$MARTD" --password-cost minimum
expect_stderr "--signing-key"
expect_stderr "fingerprint"

with_admin_and_user
# alice-b and admin-b: logins through B.
printf 'Password123\n' | on_b --profile alice-b auth login --email alice@example.com \
  --password-stdin >/dev/null
printf 'Password123\n' | on_b --profile admin-b auth login --email admin@example.com \
  --password-stdin >/dev/null
# A token minted by A is accepted by B.
token=$(jq -r '.profiles.alice.access_token' "$MART_CREDENTIALS_FILE")
register_secret token "$token"
with_token_on_b() { MART_TOKEN="$token" MART_DATA_DIR="$B_DIR" "$MARTCTL" "$@"; }
expect_exit 0 with_token_on_b profile show -o json
expect_eq "alice@example.com" "$(jq -r .email <<<"$OUT")" "A's token works on B"

alice address add --line1 "1 Main St" --city Town --postal-code 111 --country Land -q >/dev/null
products=()
for name in Kettle Toaster Blender; do
  products+=("$(as_operator product create --name "$name" --category Kitchen --price 30.00 \
    --quantity 20 -q)")
done

# Each instance's feed, from the first event on. martctl itself runs in the
# background (not a function's subshell), so $! is the process to stop.
MART_CREDENTIALS_FILE="$E2E_ROOT/no-credentials.json" "$MARTCTL" events tail --from-beginning \
  --follow -o json >"$E2E_ROOT/feed.a" 2>/dev/null &
TAILS+=($!)
MART_DATA_DIR="$B_DIR" MART_CREDENTIALS_FILE="$E2E_ROOT/no-credentials.json" "$MARTCTL" events \
  tail --from-beginning --follow -o json >"$E2E_ROOT/feed.b" 2>/dev/null &
TAILS+=($!)

# One client: 30 operations as alice through its instance ("a" or "b"); the
# exit status of each goes to codes.N.
client() {
  set +e
  local n=$1 side=$2 acked="$E2E_ROOT/acked.$1" id product code as admin_as operator_as
  if [ "$side" = a ]; then
    as=(alice) admin_as=(admin) operator_as=(as_operator)
  else
    as=(on_b --profile alice-b) admin_as=(on_b --profile admin-b) operator_as=(as_operator_b)
  fi
  touch "$acked" "$E2E_ROOT/codes.$n"
  for _ in $(seq 1 30); do
    product=${products[$((RANDOM % 3))]}
    id=$(shuf -n 1 "$acked" 2>/dev/null)
    case $((RANDOM % 20)) in
      [0-9] | 10 | 11)
        id=$("${as[@]}" order place --no-wait --item "$product:$((RANDOM % 3 + 1))" -q 2>/dev/null)
        code=$?
        [ "$code" -eq 0 ] && echo "$id" >>"$acked" ;;
      12 | 13 | 14)
        [ -z "$id" ] && continue
        "${as[@]}" order cancel "$id" >/dev/null 2>&1
        code=$? ;;
      15 | 16)
        [ -z "$id" ] && continue
        "${as[@]}" order pay "$id" --method card --card-number 4242424242424242 --expiry 12/39 \
          --cvc 123 >/dev/null 2>&1
        code=$? ;;
      17 | 18)
        "${operator_as[@]}" inventory adjust "$product" --delta 2 --reason "restock $n" \
          >/dev/null 2>&1
        code=$? ;;
      19)
        [ -z "$id" ] && continue
        "${admin_as[@]}" order status "$id" --status shipped >/dev/null 2>&1
        code=$? ;;
    esac
    echo "$code" >>"$E2E_ROOT/codes.$n"
  done
}
clients=()
for n in 1 2 3 4 5 6 7 8; do
  if [ $((n % 2)) -eq 1 ]; then client "$n" a & else client "$n" b & fi
  clients+=($!)
done
wait "${clients[@]}"
acked=$(cat "$E2E_ROOT"/acked.* | sort -u)
echo "$(wc -l <<<"$acked") orders acknowledged"
# Refusals are fine (5: an order already ended, not payable, not shippable);
# an internal error or an unavailable instance is not.
expect_eq "" "$(sort "$E2E_ROOT"/codes.* | uniq -c | grep -vE ' (0|5)$' || true)" \
  "every call succeeded or was refused (exit 0 or 5)"

expect_eq 0 "$(queues_lag)" "the workers drained"
# shellcheck disable=SC2086
expect_eq 0 "$(missing_orders $acked)" "every acknowledged order exists (through A)"
for id in $(head -n 20 <<<"$acked"); do
  as_operator_b order get "$id" >/dev/null 2>&1 || fail "order $id missing through B"
done
for side in a b; do
  if [ "$side" = a ]; then expect_exit 0 as_operator admin check -o json
  else expect_exit 0 as_operator_b admin check -o json; fi
  expect_eq "true" "$(jq .ok <<<"$OUT")" "admin check through $side: invariants hold"
  expect_eq "[]" "$(jq -c '[.checks[] | select(.ok | not)]' <<<"$OUT")" \
    "admin check through $side: no check failed"
done

sql() { psql "$MART_STORE" -qAt -c "$1"; }
expect_eq 0 "$(sql "SELECT count(*) FROM inventory WHERE available < 0 OR reserved < 0")" \
  "no stock below zero"
# Every movement starts where the product's previous one ended: a lost update
# (two instances writing the same stale stock) would break the chain.
expect_eq 0 "$(sql "SELECT count(*) FROM (SELECT available_before, reserved_before,
    lag(available_after) OVER w AS prev_available, lag(reserved_after) OVER w AS prev_reserved
    FROM inventory_movements WINDOW w AS (PARTITION BY product_id ORDER BY id)) m
  WHERE prev_available IS NOT NULL
    AND (available_before <> prev_available OR reserved_before <> prev_reserved)")" \
  "the stock ledger chains without a lost update"
expect_eq 0 "$(sql "SELECT count(*) FROM orders o WHERE o.status <> 'pending' AND (SELECT count(*)
    FROM order_history h WHERE h.order_id = o.id AND h.from_status = 'pending') <> 1")" \
  "every order left pending exactly once"
expect_eq 0 "$(sql "SELECT count(*) FROM orders o WHERE o.status = 'pending'")" \
  "no order is left pending"
expect_eq 0 "$(sql "SELECT count(*) FROM (SELECT reference, product_id FROM inventory_movements
    WHERE type = 'reserve' GROUP BY reference, product_id HAVING count(*) <> 1) r")" \
  "each order line reserved at most once"
expect_eq 0 "$(sql "SELECT count(*) FROM order_items i JOIN orders o ON o.id = i.order_id
  WHERE EXISTS (SELECT 1 FROM order_history h WHERE h.order_id = o.id
                AND h.from_status = 'pending' AND h.to_status = 'processing')
    AND (SELECT count(*) FROM inventory_movements m WHERE m.type = 'reserve'
         AND m.product_id = i.product_id AND m.reference LIKE '%' || o.id) <> 1")" \
  "every line of an order that got stock was reserved exactly once"
last=$(sql "SELECT max(seq) FROM events")
expect_eq "$last" "$(sql "SELECT count(*) FROM events")" "the event log holds seq 1..$last"

# Both feeds reach the log's end, every event once, in order.
for side in a b; do
  for _ in $(seq 1 300); do
    [ "$(tail -n 1 "$E2E_ROOT/feed.$side" 2>/dev/null | jq -r .seq 2>/dev/null)" = "$last" ] && break
    sleep 0.1
  done
  expect_eq "$(seq 1 "$last" | tr '\n' ' ')" "$(jq -r .seq "$E2E_ROOT/feed.$side" | tr '\n' ' ')" \
    "instance $side's feed holds seq 1..$last in order"
done
stop_tails
stop_daemon "$B_DIR"
finish
