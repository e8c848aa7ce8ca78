#!/usr/bin/env bash
# Payments through the REST bridge: POST /api/v1/payments/ answers 201 with
# the payment record whatever the card's outcome (a declined card's record
# says "failed" and why), GET /api/v1/payments/{id} and the list; seed 001's
# field names (card_expiry, card_cvv) work too. Errors keep the bridge's
# shapes: 422 naming the field, 404 for another user's order, 409 for a
# second payment. Cancelling a paid order refunds it, and the payment views
# show the refund.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
trap 'stop_rest; cleanup' EXIT

start_daemon
start_rest
walk_accounts_and_products

place() {  # places one unit of product 1 and waits until it is processing; prints the id
  http POST /api/v1/orders/ -H "$(auth)" -H 'Content-Type: application/json' \
    -d "{\"items\": [{\"product_id\": \"$P1\", \"quantity\": 1}], \"shipping_address\": $ADDRESS}"
  local id
  id=$(jqb ._id)
  for _ in $(seq 1 200); do
    http GET "/api/v1/orders/$id" -H "$(auth)"
    [ "$(jqb .status)" = processing ] && break
    sleep 0.05
  done
  echo "$id"
}
pay() {  # ORDER NUMBER [TOKEN]
  http POST /api/v1/payments/ -H "Authorization: Bearer ${3:-$TOKEN}" \
    -H 'Content-Type: application/json' \
    -d "{\"order_id\": \"$1\", \"method\": \"card\", \"card_number\": \"$2\", \"expiry\": \"12/39\", \"cvc\": \"123\"}"
}

O1=$(place)
pay "$O1" 4000000000000002
expect_eq "201|failed|card declined|899.99" \
  "$STATUS|$(jqb '[.status, .reason, .amount] | join("|")')" "a declined card is 201 with a failed record"
DECLINED=$(jqb .id)
pay "$O1" 4242424242424242
expect_eq "201|succeeded|4242|$O1" \
  "$STATUS|$(jqb '[.status, .card_last4, .order_id] | join("|")')" "a good card is 201 succeeded"
PAID=$(jqb .id)
http GET "/api/v1/orders/$O1" -H "$(auth)"
expect_eq paid "$(jqb .status)" "the order is paid"
pay "$O1" 4242424242424242
expect_eq "409|order $O1 is already paid" "$STATUS|$(jqb .detail)" "paying twice is 409"

http GET "/api/v1/payments/$DECLINED" -H "$(auth)"
expect_eq "200|failed" "$STATUS|$(jqb .status)" "GET a payment"
http GET "/api/v1/payments/?order_id=$O1" -H "$(auth)"
expect_eq "200|$PAID $DECLINED" "$STATUS|$(jqb '[.[].id] | join(" ")')" "list newest first"
http GET "/api/v1/payments/?status=failed&skip=0&limit=10" -H "$(auth)"
expect_eq "$DECLINED" "$(jqb '[.[].id] | join(" ")')" "list filtered by status"

# Cancelling the paid order refunds its payment; the payment views show the refund.
http DELETE "/api/v1/orders/$O1" -H "$(auth)"
expect_eq 204 "$STATUS" "the paid order is cancelled"
for _ in $(seq 1 200); do
  http GET "/api/v1/payments/$PAID" -H "$(auth)"
  [ "$(jqb .status)" = refunded ] && break
  sleep 0.05
done
expect_eq "200|refunded|1|succeeded|899.99|$PAID" \
  "$STATUS|$(jqb '[.status, (.refunds | length), .refunds[0].status, .refunds[0].amount,
                   .refunds[0].payment_id] | map(tostring) | join("|")')" \
  "GET a refunded payment shows its refund"
http GET "/api/v1/payments/?status=refunded" -H "$(auth)"
expect_eq "$PAID|1" "$(jqb '[.[].id] | join(" ")')|$(jqb '.[0].refunds | length')" \
  "the list filtered by refunded shows the refund"
http GET "/api/v1/payments/$DECLINED" -H "$(auth)"
expect_eq "failed|0" "$(jqb '"\(.status)|\(.refunds | length)"')" "a declined card has nothing to refund"

# Validation: 422 in FastAPI's shape, naming the field.
O2=$(place)
pay "$O2" 4242424242424241
expect_eq 422 "$STATUS" "a bad card number is 422"
check "the 422 names card_number" grep -q card_number <<<"$BODY"

# Seed 001's client: card_expiry and card_cvv, no method (card by default).
http POST /api/v1/payments/ -H "$(auth)" -H 'Content-Type: application/json' \
  -d "{\"order_id\": \"$O2\", \"card_number\": \"4242424242424242\", \"card_expiry\": \"12/39\", \"card_cvv\": \"123\"}"
expect_eq "201|succeeded|card" "$STATUS|$(jqb '[.status, .method] | join("|")')" \
  "seed 001's field names pay"

# Another user: the order and the payment do not exist for them.
O3=$(place)
http POST /api/v1/auth/register -H 'Content-Type: application/json' -d '{
  "email": "other@example.com", "password": "Password123", "first_name": "O", "last_name": "T"}'
http POST /api/v1/auth/login -H 'Content-Type: application/x-www-form-urlencoded' \
  -d 'username=other@example.com&password=Password123'
OTHER=$(jqb .access_token)
pay "$O3" 4242424242424242 "$OTHER"
expect_eq 404 "$STATUS" "another user's order is 404"
http GET "/api/v1/payments/$PAID" -H "Authorization: Bearer $OTHER"
expect_eq 404 "$STATUS" "another user's payment is 404"
http GET /api/v1/payments/ -H "Authorization: Bearer $OTHER"
expect_eq "200|0" "$STATUS|$(jqb length)" "another user lists none"

finish
