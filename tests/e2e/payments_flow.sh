#!/usr/bin/env bash
# Payments through the real martctl and martd: a good card pays the order
# total and moves the order to paid; declined and insufficient-funds cards
# leave failed records, exit 5 and the order payable; paying twice is exit 5;
# another user's order is exit 3; cash on delivery settles on delivery or
# fails on cancel; --card-stdin keeps the card off argv; and a daemon started
# with --auto-capture pays every reserved order (pending -> processing -> paid).
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
register bob@example.com >/dev/null
login bob@example.com Password123 bob
bob() { "$MARTCTL" --profile bob "$@"; }
alice address add --line1 "1 Example Street" --city "Example City" --postal-code 12345 \
  --country "Example Country" -q >/dev/null
phone=$(as_operator product create --name 'Premium Smartphone' --category Electronics \
  --price 899.99 --quantity 50 -q)
place() { alice order place --item "$phone:${1:-1}" -q; }  # waits until processing
card() { echo --card-number "$1" --expiry 12/39 --cvc 123; }

# A good card: succeeded, the order total, last four only, the order is paid.
order1=$(place 2)
expect_exit 0 alice order pay "$order1" --method card $(card 4242424242424242) -o json
pay1=$(jq -r .id <<<"$OUT")
expect_eq "succeeded|1799.98|card|4242|null" \
  "$(jq -r '[.status, .amount, .method, .card_last4, (.reason | tostring)] | join("|")' <<<"$OUT")" \
  "card payment succeeded for the order total"
expect_eq paid "$(alice order get "$order1" -o json | jq -r .status)" "order 1 is paid"
expect_exit 5 alice order pay "$order1" $(card 4242424242424242)
expect_stderr "order $order1 is already paid [FAILED_PRECONDITION]"

# Declined and insufficient funds: exit 5, a failed record, the order payable.
order2=$(place)
expect_exit 5 alice order pay "$order2" $(card 4000000000000002) -o json
expect_stderr "payment $(jq -r .id <<<"$OUT") failed: card declined [FAILED_PRECONDITION]"
expect_eq "failed|card declined" "$(jq -r '[.status, .reason] | join("|")' <<<"$OUT")" \
  "the declined payment is on stdout as JSON"
expect_exit 5 alice order pay "$order2" --card-number "4000 0000 0000 9995" --expiry 12/39 \
  --cvc 123 -o json
expect_stderr "insufficient funds [FAILED_PRECONDITION]"
expect_eq processing "$(alice order get "$order2" -o json | jq -r .status)" \
  "a failed payment leaves the order processing"
expect_eq "failed failed" "$(alice payment list --order-id "$order2" -o json |
  jq -r '[.[].status] | join(" ")')" "both failed attempts are recorded"

# Bad card input is a usage error naming the field; nothing is recorded.
expect_exit 2 alice order pay "$order2" $(card 4242424242424241)
expect_stderr "--card-number"
expect_exit 2 alice order pay "$order2" --card-number 4242424242424242 --expiry 01/20 --cvc 123
expect_stderr "expired"
expect_eq 2 "$(alice payment list --order-id "$order2" -o json | jq length)" \
  "invalid cards record nothing"

# The card on stdin instead of argv.
expect_exit 0 alice order pay "$order2" --card-stdin -o json \
  < <(echo "4242424242424242 12/39 123")
expect_eq "succeeded|4242" "$(jq -r '[.status, .card_last4] | join("|")' <<<"$OUT")" \
  "--card-stdin pays"

# Another user's order does not exist for bob; his payment list is empty.
order3=$(place)
expect_exit 3 bob order pay "$order3" $(card 4242424242424242)
expect_stderr "[NOT_FOUND]"
expect_exit 3 bob payment get "$pay1"
expect_eq 0 "$(bob payment list -o json | jq length)" "bob sees none of alice's payments"
expect_exit 0 admin payment get "$pay1" -o json
expect_eq "$order1" "$(jq -r .order_id <<<"$OUT")" "an admin reads any payment"

# Cash on delivery: pending; shipped from processing; succeeded when delivered.
expect_exit 0 alice order pay "$order3" --method cod -o json
cod=$(jq -r .id <<<"$OUT")
expect_eq "pending|cod|null" "$(jq -r '[.status, .method, (.card_last4 | tostring)] | join("|")' <<<"$OUT")" \
  "cod payment is pending"
expect_exit 5 alice order pay "$order3" $(card 4242424242424242)
expect_stderr "has a pending cash-on-delivery payment"
admin order status "$order3" --status shipped >/dev/null
admin order status "$order3" --status delivered >/dev/null
payment_status() {  # ID WANT: polls until the payment has status WANT; prints the last seen
  local got=""
  for _ in $(seq 1 200); do
    got=$(alice payment get "$1" -o json | jq -r .status)
    [ "$got" = "$2" ] && break
    sleep 0.05
  done
  echo "$got"
}
expect_eq succeeded "$(payment_status "$cod" succeeded)" "cod succeeds on delivery"

# Cash on delivery, cancelled: the payment fails with the reason.
order4=$(place)
cod4=$(alice order pay "$order4" --method cod -q)
alice order cancel "$order4" >/dev/null
expect_eq failed "$(payment_status "$cod4" failed)" "cod fails when the order is cancelled"
expect_eq "order cancelled" "$(alice payment get "$cod4" -o json | jq -r .reason)" \
  "the failed cod payment says why"

# Paying a cancelled order is refused; the card never reaches the daemon's log.
expect_exit 5 alice order pay "$order4" $(card 4242424242424242)
expect_stderr "is cancelled and cannot be paid"
expect_eq "" "$(grep -rl 4242424242424242 "$MART_DATA_DIR" 2>/dev/null || true)" \
  "no file in the data dir holds a card number"
check "admin check passes" as_operator admin check -q

# --auto-capture: a new daemon pays each order once its stock is reserved.
stop_daemon
start_daemon --auto-capture
order5=$(alice order place --item "$phone:1" --no-wait -q)
order_status() {  # ID WANT
  local got=""
  for _ in $(seq 1 200); do
    got=$(alice order get "$1" -o json | jq -r .status)
    [ "$got" = "$2" ] && break
    sleep 0.05
  done
  echo "$got"
}
expect_eq paid "$(order_status "$order5" paid)" "auto-capture pays the reserved order"
expect_eq "pending processing paid" \
  "$(alice order history "$order5" -o json | jq -r '[.[].to] | join(" ")')" \
  "pending -> processing -> paid"
expect_eq "1 succeeded 899.99" \
  "$(alice payment list --order-id "$order5" -o json | jq -r '"\(length) \(.[0].status) \(.[0].amount)"')" \
  "one succeeded payment of the total"
expect_eq 1 "$(as_operator queue list -o json | jq '[.[] | select(.worker == "payments")] | length')" \
  "the payments worker is listed"

finish
