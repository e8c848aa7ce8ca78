#!/usr/bin/env bash
# Refunds through the real martctl and martd (issue 16, item 10): the owner's
# cancel of a card-paid order, the orders worker's cancel of an order paid
# while the inventory worker was paused (resumed: not enough stock), and an
# admin's refund each give the payment back once (a refund tied to it with
# amount, reason, actor and time; payment.refunded; a notification); cash on
# delivery never collected has nothing to refund; `payment refund` only pays
# back what an ended order owes; and `admin check` is clean afterwards.
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
alice address add --line1 "1 Example Street" --city "Example City" --postal-code 12345 \
  --country "Example Country" -q >/dev/null
phone=$(as_operator product create --name 'Premium Smartphone' --category Electronics \
  --price 899.99 --quantity 50 -q)
card() { echo --card-number "$1" --expiry 12/39 --cvc 123; }
alice_id=$(alice auth whoami -o json | jq -r .id)
admin_id=$(admin auth whoami -o json | jq -r .id)
payment_until() {  # ID WANT: polls until the payment has status WANT; prints it as JSON
  local got=""
  for _ in $(seq 1 200); do
    got=$(alice payment get "$1" -o json)
    [ "$(jq -r .status <<<"$got")" = "$2" ] && break
    sleep 0.05
  done
  echo "$got"
}
refund_of() {  # PAYMENT-JSON: status|refund count|refund status|amount|actor|reason
  jq -r '[.status, (.refunds | length), .refunds[0].status, .refunds[0].amount,
          .refunds[0].actor, .refunds[0].reason] | map(tostring) | join("|")' <<<"$1"
}

# 1. The owner cancels a card-paid order: its payment is refunded, once.
order1=$(alice order place --item "$phone:1" -q)
pay1=$(alice order pay "$order1" $(card 4242424242424242) -q)
expect_exit 0 alice order cancel "$order1" --reason 'changed my mind' -o json
payment=$(payment_until "$pay1" refunded)
expect_eq "refunded|1|succeeded|899.99|user $alice_id|order $order1 cancelled: changed my mind" \
  "$(refund_of "$payment")" "the owner's cancel refunds the card payment"
expect_eq "$pay1|true|true" \
  "$(jq -r '.refunds[0] | [.payment_id, (.created_at | type == "string"),
                           (.refunded_at | type == "string")] | map(tostring) | join("|")' \
      <<<"$payment")" "the refund is tied to the payment, with its times"

# 2. Paid while the inventory worker is paused; after the resume there is not
#    enough stock, the orders worker cancels the order and the money goes back.
as_operator worker pause inventory >/dev/null
order2=$(alice order place --item "$phone:51" --no-wait -q)
expect_exit 0 alice order pay "$order2" $(card 4242424242424242) -o json
pay2=$(jq -r .id <<<"$OUT")
expect_eq "succeeded|paid" "$(jq -r .status <<<"$OUT")|$(alice order get "$order2" -o json |
  jq -r .status)" "an order may be paid before its stock is reserved"
as_operator worker resume inventory >/dev/null
expect_exit 0 alice order wait "$order2" --for cancelled --wait-timeout 10
payment=$(payment_until "$pay2" refunded)
expect_eq "refunded|1|succeeded|45899.49|the orders worker" \
  "$(refund_of "$payment" | cut -d'|' -f1-5)" "the orders worker's cancel refunds the payment"
check "the refund says why the order was cancelled" \
  grep -q "^order $order2 cancelled: insufficient stock" <<<"$(jq -r '.refunds[0].reason' <<<"$payment")"

# 3. An admin refunds an order after its payment.
order3=$(alice order place --item "$phone:2" -q)
pay3=$(alice order pay "$order3" $(card 4242424242424242) -q)
expect_exit 0 admin order status "$order3" --status refunded --reason 'damaged box' -o json
payment=$(payment_until "$pay3" refunded)
expect_eq "refunded|1|succeeded|1799.98|user $admin_id|order $order3 refunded: damaged box" \
  "$(refund_of "$payment")" "an admin's refund pays the card back"

# 4. Cash on delivery cancelled before delivery: never collected, nothing to refund.
order4=$(alice order place --item "$phone:1" -q)
cod=$(alice order pay "$order4" --method cod -q)
alice order cancel "$order4" >/dev/null
payment=$(payment_until "$cod" failed)
expect_eq "failed|0" "$(jq -r '"\(.status)|\(.refunds | length)"' <<<"$payment")" \
  "uncollected cash on delivery has nothing to refund"

# Each refund once: one event and one notification per refunded payment, none for cod.
expect_eq "$pay1 $pay2 $pay3" \
  "$(as_operator events tail --from-beginning --topic payment.refunded -o json |
     jq -rs 'map(.data.payment_id) | join(" ")')" "one payment.refunded per refund"
expect_eq "3|Refund of 899.99 for order $order1" \
  "$(alice notification list --type payment_refunded -o json |
     jq -r '"\(length)|\(map(.subject) | sort | .[2])"')" "the buyer is told of each refund"
expect_eq "$pay3 $pay2 $pay1" \
  "$(alice payment list --status refunded -o json | jq -r 'map(.id) | join(" ")')" \
  "payment list --status refunded"

# payment refund: a refunded payment again changes nothing; a live order's is refused.
expect_exit 0 as_operator payment refund "$pay1" -o json
expect_eq "refunded|1" "$(jq -r '"\(.status)|\(.refunds | length)"' <<<"$OUT")" \
  "refunding a refunded payment again returns it as it is"
order5=$(alice order place --item "$phone:1" -q)
pay5=$(alice order pay "$order5" $(card 4242424242424242) -q)
expect_exit 5 as_operator payment refund "$pay5"
expect_stderr "which is paid: refund the order instead"
expect_exit 5 as_operator payment refund "$cod"
expect_stderr "nothing was captured to refund"
expect_exit 4 alice payment refund "$pay5"
expect_exit 3 as_operator payment refund 999999
expect_eq 3 "$(as_operator events tail --from-beginning --topic payment.refunded -o json |
  jq -s length)" "no refund was paid twice"

# The books balance: no money kept, no refund owed.
expect_exit 0 as_operator admin check -o json
expect_eq "true|true|[]" \
  "$(jq -r '[.ok, (.checks[] | select(.name == "payments") | .ok, (.problems | tojson))] |
            map(tostring) | join("|")' <<<"$OUT")" "admin check is clean afterwards"

finish
