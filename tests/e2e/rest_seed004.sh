#!/usr/bin/env bash
# Seed 004's walkthrough (../shared/seeds/004…, the asynchronous order flow)
# through the REST bridge, then its resilience step and its load script.
# Where mart differs on purpose (DESIGN.md), the script asserts mart's
# behaviour: shipping consumes the reservation, so a shipped unit is no
# longer counted as reserved. martd runs with --auto-capture, the seed's
# "simulated payment": each order goes pending -> processing -> paid.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
trap 'stop_rest; cleanup' EXIT

start_daemon --auto-capture
start_rest
walk_accounts_and_products

order_status() {  # ORDER: its status now
  http GET "/api/v1/orders/$1" -H "$(auth)"
  jqb .status
}
wait_status() {  # ORDER WANT: polls until the order has status WANT, prints the last seen
  local got=""
  for _ in $(seq 1 400); do
    got=$(order_status "$1")
    [ "$got" = "$2" ] && break
    sleep 0.05
  done
  echo "$got"
}
place() {  # BODY-ITEMS: places an order shipped to the seed's address
  http POST /api/v1/orders/ -H "$(auth)" -H 'Content-Type: application/json' \
    -d "{\"user_id\": \"$USER_ID\", \"items\": $1, \"shipping_address\": $ADDRESS}"
}

# 5.2 the order is accepted as pending; 5.3 the workers move it on.
place "[{\"product_id\": \"$P1\", \"quantity\": 1, \"price\": 899.99}]"
expect_eq "201|pending|899.99|1" "$STATUS|$(jqb '[.status, .total_price, .user_id] | join("|")')" \
  "order 1 accepted as pending"
O1=$(jqb ._id)
expect_eq paid "$(wait_status "$O1" paid)" "order 1 processed and paid (auto-capture)"
http GET "/api/v1/payments/?order_id=$O1" -H "$(auth)"
expect_eq "200|1|succeeded|899.99|card" \
  "$STATUS|$(jqb 'length')|$(jqb '.[0] | [.status, .amount, .method] | join("|")')" \
  "order 1 has one succeeded payment of its total"
as_operator order history "$O1" -o json >"$E2E_ROOT/history"
expect_eq "pending processing paid" "$(jq -r '[.[].to] | join(" ")' "$E2E_ROOT/history")" \
  "order 1 went pending -> processing -> paid"
# 5.4 reserved.
expect_eq 49/1 "$(stock_of "$P1" 49/1)" "product 1 reserved"

# 5.5 the multi-product order.
place "[{\"product_id\": \"$P2\", \"quantity\": 1, \"price\": 249.99},
        {\"product_id\": \"$P3\", \"quantity\": 2, \"price\": 179.99}]"
expect_eq "201|609.97" "$STATUS|$(jqb .total_price)" "order 2 accepted"
O2=$(jqb ._id)
expect_eq paid "$(wait_status "$O2" paid)" "order 2 processed and paid"

# 6.1 and 6.2.
http GET "/api/v1/orders/$O1" -H "$(auth)"
expect_eq "200|paid|899.99" "$STATUS|$(jqb '[.status, .total_price] | join("|")')" "order 1 details"
http GET /api/v1/orders/ -H "$(auth)"
expect_eq "$O2 $O1|paid paid" \
  "$(jqb '[.[]._id] | join(" ")')|$(jqb '[.[].status] | join(" ")')" "order list newest first"

# 6.3 shipped (martd made the seed's customer, the first account, an admin).
http PUT "/api/v1/orders/$O1/status" -H "$(auth)" -H 'Content-Type: application/json' \
  -d '{"status": "shipped"}'
expect_eq "200|shipped" "$STATUS|$(jqb .status)" "order 1 shipped"

# 6.4 cancel releases order 2's stock.
http DELETE "/api/v1/orders/$O2" -H "$(auth)"
expect_eq "204|" "$STATUS|$BODY" "cancel is 204 without a body"
expect_eq cancelled "$(order_status "$O2")" "order 2 cancelled"

# 6.5 shipping consumed product 1's reservation (the seed still shows 49/1).
expect_eq 49/0 "$(stock_of "$P1" 49/0)" "product 1 after shipping"
http GET "/api/v1/inventory/$P1" -H "$(auth)"
expect_eq 1 "$(jqb .shipped_quantity)" "product 1 shipped one unit"
expect_eq 100/0 "$(stock_of "$P2" 100/0)" "product 2 released after the cancel"
expect_eq 75/0 "$(stock_of "$P3" 75/0)" "product 3 released after the cancel"

# 9.1 resilience: with the inventory worker paused, an order placed over REST
# stays pending; after resume it completes.
as_operator worker pause inventory >/dev/null
place "[{\"product_id\": \"$P1\", \"quantity\": 1, \"price\": 899.99}]"
O3=$(jqb ._id)
expect_eq 201 "$STATUS" "order accepted while inventory is paused"
sleep 0.5
expect_eq pending "$(order_status "$O3")" "order stays pending while paused"
http GET /metrics -H "$(auth)"
check "metrics show the paused worker" grep -q '^mart_queue_paused{worker="inventory"} 1$' <<<"$BODY"
check "metrics show its lag" grep -Eq '^mart_queue_lag\{worker="inventory"\} [1-9][0-9]*$' <<<"$BODY"
as_operator worker resume inventory >/dev/null
expect_eq paid "$(wait_status "$O3" paid)" "order completes and is paid after resume"
expect_eq 48/1 "$(stock_of "$P1" 48/1)" "product 1 reserved for the resilience order"

# Load script: 20 concurrent orders for a product with 10 in stock. Every
# request is answered without a 5xx; 10 orders get stock, 10 are cancelled,
# and the stock invariant holds.
http POST /api/v1/products/ -H "$(auth)" -H 'Content-Type: application/json' \
  -d '{"name": "Load Item", "description": "", "category": "Test", "price": 19.99, "quantity": 10}'
PL=$(jqb ._id)
LOAD_PIDS=()
for i in $(seq 1 20); do
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/api/v1/orders/" -H "$(auth)" \
    -H 'Content-Type: application/json' \
    -d "{\"user_id\": \"$USER_ID\", \"items\": [{\"product_id\": \"$PL\", \"quantity\": 1, \"price\": 19.99}],
         \"shipping_address\": {\"line1\": \"123 Test St\", \"city\": \"Test City\", \"state\": \"TS\",
         \"postal_code\": \"12345\", \"country\": \"Test Country\"}}" >"$E2E_ROOT/load.$i" &
  LOAD_PIDS+=($!)
done
wait "${LOAD_PIDS[@]}"  # not a bare wait: mart-rest runs in the background too
expect_eq "20" "$(cat "$E2E_ROOT"/load.* | grep -c '^201$')" "20 concurrent orders all 201"
expect_eq 0/10 "$(stock_of "$PL" 0/10)" "10 reserved, none oversold"
settled() {  # prints paid/cancelled counts of the load orders once none is pending
  for _ in $(seq 1 400); do
    http GET "/api/v1/orders/?limit=1000" -H "$(auth)"
    local counts
    counts=$(jq -r --arg p "$PL" '[.[] | select(.items[0].product_id == $p) | .status] |
      "\(map(select(. == "paid")) | length)/\(map(select(. == "cancelled")) | length)"' <<<"$BODY")
    [ "$counts" = 10/10 ] && break
    sleep 0.05
  done
  echo "$counts"
}
expect_eq 10/10 "$(settled)" "10 orders paid, 10 cancelled for lack of stock"
admin_check_passes() { as_operator admin check >/dev/null; }
check "admin check finds the stock invariant intact" admin_check_passes

finish
