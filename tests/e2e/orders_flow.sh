#!/usr/bin/env bash
# The order part of seeds 000 and 004 through the real martctl: place a single
# and a multi-item order, get, list newest first, pay, cancel, ship, and the
# inventory after each step; then what the seeds got wrong: prices come from
# the catalog, stock cannot be oversold, the status table holds.
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
alice address add --line1 "123 Example Street" --line2 "Apt 4B" --city "Example City" \
  --state EX --postal-code 12345 --country "Example Country" -q >/dev/null

phone=$(as_operator product create --name 'Premium Smartphone' --category Electronics \
  --price 899.99 --quantity 50 -q)
headphones=$(as_operator product create --name 'Wireless Headphones' --category Electronics \
  --price 249.99 --quantity 100 -q)
watch=$(as_operator product create --name 'Smart Watch' --category Electronics --price 179.99 \
  --quantity 75 -q)
stock() {  # stock PID -> "available reserved shipped"
  admin inventory get "$1" -o json |
    jq -r '"\(.available_quantity) \(.reserved_quantity) \(.shipped_quantity)"'
}

# Step 5.2: a single product, with the price the client expects. martctl waits
# until the inventory worker has reserved the stock.
expect_exit 0 alice order place --item "$phone:1:899.99" -o json
order1=$(jq -r .id <<<"$OUT")
expect_eq "899.99" "$(jq -r .total_price <<<"$OUT")" "single-item total"
expect_eq "processing reserved" "$(jq -r '"\(.status) \(.stock)"' <<<"$OUT")" \
  "placed order left pending once stock was reserved"
expect_eq "123 Example Street" "$(jq -r .shipping_address.line1 <<<"$OUT")" \
  "ships to the default address"
expect_eq "$(alice auth whoami -o json | jq .id)" "$(jq .user_id <<<"$OUT")" "buyer is the caller"

# Step 5.3: two products, one of them twice.
expect_exit 0 alice order place --item "$headphones:1:249.99" --item "$watch:2:179.99" \
  --shipping-address '{"line1":"123 Example Street","line2":"Apt 4B","city":"Example City",
  "state":"EX","postal_code":"12345","country":"Example Country"}' -o json
order2=$(jq -r .id <<<"$OUT")
expect_eq "609.97" "$(jq -r .total_price <<<"$OUT")" "multi-item total"
expect_eq '[[1,249.99],[2,179.99]]' "$(jq -c '[.items[] | [.quantity, .price]]' <<<"$OUT")" \
  "lines with quantity and catalog price"

# Steps 6.1 and 6.2: get, and list newest first.
expect_exit 0 alice order get "$order1" -o json
expect_eq "$order1 899.99" "$(jq -r '"\(.id) \(.total_price)"' <<<"$OUT")" "get order 1"
expect_exit 0 alice order list -o json
expect_eq "$order2 $order1" "$(jq -r '[.[].id] | join(" ")' <<<"$OUT")" "list, newest first"
expect_eq "$order2" "$(alice order list -q | head -n 1)" "-q prints order ids"
expect_eq "49 1 0" "$(stock "$phone")" "phone: 1 reserved for order 1"
expect_eq "99 1 0" "$(stock "$headphones")" "headphones reserved for order 2"
expect_eq "73 2 0" "$(stock "$watch")" "watches reserved for order 2"

# Step 6.3: the status changes to paid (an admin's act in mart).
expect_exit 4 alice order status "$order1" --status paid
expect_stderr "[PERMISSION_DENIED]"
expect_exit 0 admin order status "$order1" --status paid -o json
expect_eq "paid" "$(jq -r .status <<<"$OUT")" "admin marks order 1 paid"

# Step 6.4: the owner cancels order 2; its stock comes back.
expect_exit 0 alice order cancel "$order2" --reason "changed my mind" -o json
expect_eq "cancelled" "$(jq -r .status <<<"$OUT")" "order 2 cancelled"
expect_exit 0 alice order wait "$order2" --for cancelled
# Step 6.5: inventory after the order operations.
expect_eq "49 1 0" "$(stock "$phone")" "phone after paying order 1 (seed: 49 available, 1 reserved)"
expect_eq "100 0 0" "$(stock "$headphones")" "headphones back to 100 after the cancel"
expect_eq "75 0 0" "$(stock "$watch")" "watches back to 75 after the cancel"
expect_exit 0 alice order cancel "$order2"
expect_eq "100 0 0" "$(stock "$headphones")" "cancelling again changes nothing"

# Seed 004 step 6.3: shipped. Shipping consumes the reservation.
expect_exit 0 admin order status "$order1" --status shipped -o json
expect_eq "shipped" "$(jq -r .status <<<"$OUT")" "order 1 shipped"
expect_exit 0 admin order wait "$order1" --for shipped
expect_eq "49 0 1" "$(stock "$phone")" "phone: the reserved unit left as shipped"
expect_exit 5 alice order cancel "$order1"
expect_stderr "cannot go from shipped to cancelled"
expect_exit 0 alice order history "$order1" -o json
expect_eq "pending processing paid shipped" "$(jq -r '[.[].to] | join(" ")' <<<"$OUT")" \
  "history of order 1"
expect_eq "the orders worker|stock reserved" "$(jq -r '.[1] | "\(.actor)|\(.reason)"' <<<"$OUT")" \
  "an automatic change names its worker and why"

# Prices are the catalog's: a client's stale price fails and orders nothing.
expect_exit 5 alice order place --item "$watch:1:150.00"
expect_stderr "price of product $watch changed: expected 150.00, the catalog says 179.99"
expect_eq "75 0 0" "$(stock "$watch")" "a refused order reserves nothing"

# Not enough stock: martctl reports the cancellation and exits 5.
expect_exit 5 alice order place --item "$watch:76" -q
expect_stderr "was cancelled: insufficient stock: product $watch requested 76, available 75"
short=$OUT
expect_eq "cancelled failed" "$(alice order get "$short" -o json | jq -r '"\(.status) \(.stock)"')" \
  "the short order is cancelled, its stock failed"
expect_eq "75 0 0" "$(stock "$watch")" "nothing reserved for the short order"

# Another user's orders do not exist for alice; admins see everyone's.
register bob@example.com >/dev/null
login bob@example.com Password123 bob
expect_exit 3 "$MARTCTL" --profile bob order get "$order1"
expect_exit 0 "$MARTCTL" --profile bob order list -o json
expect_eq "0" "$(jq length <<<"$OUT")" "bob has no orders"
expect_eq "3" "$(admin order list -o json | jq length)" "an admin lists every order"
expect_eq "2" "$(admin order list --status cancelled --user-id 2 -o json | jq length)" \
  "admin filters by status and user: order 2 and the short one"

# The operator orders for a user; the table is printed from the daemon.
expect_exit 0 as_operator order place --user-id 2 --item "$headphones:2" -o json
expect_eq "2 499.98 processing" "$(jq -r '"\(.user_id) \(.total_price) \(.status)"' <<<"$OUT")" \
  "operator places for alice"
expect_exit 0 alice order transitions -o json
expect_eq '["processing","paid","cancelled"]' "$(jq -c '.[] | select(.from == "pending") | .to' \
  <<<"$OUT")" "pending may become processing, paid or cancelled"

expect_exit 0 as_operator admin check -o json
expect_eq "true" "$(jq .ok <<<"$OUT")" "admin check: stock and orders consistent"
finish
