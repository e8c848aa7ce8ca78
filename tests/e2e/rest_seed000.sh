#!/usr/bin/env bash
# Seed 000's walkthrough (../shared/seeds/000…) through the REST bridge: every
# request of the document, sent with curl against a fresh martd + mart-rest,
# asserting the values the document shows (ids differ). Where mart differs on
# purpose (DESIGN.md), the script asserts mart's behaviour and says why.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
trap 'stop_rest; cleanup' EXIT

start_daemon
start_rest
walk_accounts_and_products

# 5.2 and 5.3 orders. The seed's bodies lack their closing brace: valid JSON here.
http POST /api/v1/orders/ -H "$(auth)" -H 'Content-Type: application/json' -d "{
  \"user_id\": \"$USER_ID\", \"items\": [{\"product_id\": \"$P1\", \"quantity\": 1, \"price\": 899.99}],
  \"shipping_address\": $ADDRESS}"
expect_eq 201 "$STATUS" "order 1 is 201"
expect_eq "1|899.99|pending|$P1|1|899.99|123 Example Street" \
  "$(jqb '[.user_id, .total_price, .status, .items[0].product_id, .items[0].quantity, .items[0].price, .shipping_address.line1] | join("|")')" \
  "order 1 as placed"
check "order 1 user_id is a string, as in the seed" test "$(jqb '.user_id | type')" = string
O1=$(jqb ._id)
expect_eq true "$(jqb 'has("_id") and (has("id") | not)')" "an order shows its id as the seeds' _id"
http POST /api/v1/orders/ -H "$(auth)" -H 'Content-Type: application/json' -d "{
  \"user_id\": \"$USER_ID\", \"items\": [{\"product_id\": \"$P2\", \"quantity\": 1, \"price\": 249.99},
  {\"product_id\": \"$P3\", \"quantity\": 2, \"price\": 179.99}], \"shipping_address\": $ADDRESS}"
expect_eq "201|609.97|pending" "$STATUS|$(jqb '[.total_price, .status] | join("|")')" "order 2 as placed"
O2=$(jqb ._id)

# 6.1 read back: mart reserves asynchronously, so the order may already be processing.
http GET "/api/v1/orders/$O1" -H "$(auth)"
expect_eq "200|899.99" "$STATUS|$(jqb .total_price)" "order 1 read back"
check "order 1 is pending or processing" grep -Eq '^(pending|processing)$' <<<"$(jqb .status)"

# 6.2 newest first.
http GET /api/v1/orders/ -H "$(auth)"
expect_eq "200|$O2 $O1|609.97 899.99" \
  "$STATUS|$(jqb '[.[]._id] | join(" ")')|$(jqb '[.[].total_price] | join(" ")')" "order list newest first"
expect_eq true "$(jqb 'all(has("_id") and (has("id") | not))')" "listed orders show _id, not id"

# 6.3 status paid (the admin token, see 3).
http PUT "/api/v1/orders/$O1/status" -H "$(auth)" -H 'Content-Type: application/json' \
  -d '{"status": "paid"}'
expect_eq "200|paid|899.99" "$STATUS|$(jqb '[.status, .total_price] | join("|")')" "order 1 paid"

# 6.4 cancel: 204, no body; then cancelled.
http DELETE "/api/v1/orders/$O2" -H "$(auth)"
expect_eq "204|" "$STATUS|$BODY" "cancel is 204 without a body"
http GET "/api/v1/orders/$O2" -H "$(auth)"
expect_eq "200|cancelled|609.97" "$STATUS|$(jqb '[.status, .total_price] | join("|")')" "order 2 cancelled"

# 6.5 inventory after the orders.
expect_eq 49/1 "$(stock_of "$P1" 49/1)" "product 1 after the order"
expect_eq 100/0 "$(stock_of "$P2" 100/0)" "product 2 after the cancel"

# Seed 000's clients call routes its walkthrough does not show (issue 17 item 14).
# One address of the caller's; a missing one (or another user's) is 404.
http GET /api/v1/users/me/addresses/1 -H "$(auth)"
expect_eq "200|1|123 Example Street|true" "$STATUS|$(jqb '[.id, .line1, .is_default] | join("|")')" \
  "one address of the caller"
http GET /api/v1/users/me/addresses/99 -H "$(auth)"
expect_eq "404|address 99 not found" "$STATUS|$(jqb .detail)" "a missing address is 404"
http GET /api/v1/users/me/addresses/x -H "$(auth)"
expect_eq "422|path,address_id" "$STATUS|$(jqb '.detail[0].loc | join(",")')" "a bad address id is 422 on the path"

# Stock check before ordering: product 1 has 49 available after order 1.
http GET "/api/v1/inventory/check?product_id=$P1&quantity=49" -H "$(auth)"
expect_eq "200|$P1|49|true|49" \
  "$STATUS|$(jqb '[.product_id, .quantity, .available, .available_quantity] | join("|")')" \
  "49 of product 1 are available"
http GET "/api/v1/inventory/check?product_id=$P1&quantity=50" -H "$(auth)"
expect_eq "200|false" "$STATUS|$(jqb .available)" "50 of product 1 are not"
http GET "/api/v1/inventory/check?product_id=$P1" -H "$(auth)"
expect_eq "422|query,quantity|missing" \
  "$STATUS|$(jqb '.detail[0].loc | join(",")')|$(jqb '.detail[0].type')" "the check needs a quantity"

# The seed's holds: {product_id, quantity, order_id}; without order_id one
# default reference, so that a release without one gives back what a reserve took.
seed_stock() {  # PATH BODY: POST to /api/v1/inventory/PATH, prints STATUS|available|reserved
  http POST "/api/v1/inventory/$1" -H "$(auth)" -H 'Content-Type: application/json' -d "$2"
  echo "$STATUS|$(jqb '[.available_quantity, .reserved_quantity] | join("|")')"
}
expect_eq "200|80|20" "$(seed_stock reserve "{\"product_id\": \"$P2\", \"quantity\": 20, \"order_id\": \"$O1\"}")" \
  "reserve 20 for an order_id: the record in the seed's shape"
expect_eq "200|85|15" "$(seed_stock release "{\"product_id\": \"$P2\", \"quantity\": 5, \"order_id\": \"$O1\"}")" \
  "release 5 of that order_id"
http POST /api/v1/inventory/release -H "$(auth)" -H 'Content-Type: application/json' \
  -d "{\"product_id\": \"$P2\", \"quantity\": 1}"
expect_eq 409 "$STATUS" "nothing is held without an order_id yet"
expect_eq "200|83|17" "$(seed_stock reserve "{\"product_id\": \"$P2\", \"quantity\": 2}")" "reserve without order_id"
expect_eq "200|85|15" "$(seed_stock release "{\"product_id\": \"$P2\", \"quantity\": 2}")" "release without order_id"
expect_eq "200|80|15" "$(seed_stock adjust "{\"product_id\": \"$P2\", \"quantity_change\": -5}")" \
  "adjust by quantity_change"
expect_eq "200|82|15" "$(seed_stock adjust "{\"product_id\": \"$P2\", \"delta\": 2, \"reason\": \"recount\"}")" \
  "mart's own adjust body still works"
http GET "/api/v1/inventory/history/$P2" -H "$(auth)"
expect_eq "recount|adjusted through the REST API|2" \
  "$(jqb '[.[0].reason, .[1].reason, (map(select(.reference == "'"$O1"'")) | length)] | join("|")')" \
  "the ledger keeps the default reason and the order_id as the reference"
http POST /api/v1/inventory/adjust -H "$(auth)" -H 'Content-Type: application/json' \
  -d "{\"product_id\": \"$P2\"}"
expect_eq "422|body,quantity_change" "$STATUS|$(jqb '.detail[0].loc | join(",")')" \
  "a missing quantity_change is named as the client names it"

# Categories as a list of names.
http GET /api/v1/products/category/list
expect_eq '200|["Audio","Electronics","Wearables"]' "$STATUS|$(jq -c . <<<"$BODY")" "category list"

# One user's orders, and order lists between start_date and end_date (both inclusive).
http GET "/api/v1/orders/user/$USER_ID" -H "$(auth)"
expect_eq "200|$O2 $O1|string" "$STATUS|$(jqb '[.[]._id] | join(" ")')|$(jqb '.[0].user_id | type')" \
  "orders of user 1"
http GET "/api/v1/orders/$O1" -H "$(auth)"
T1=$(jqb .created_at)
http GET /api/v1/orders/ -H "$(auth)" -G --data-urlencode "end_date=$T1"
expect_eq "200|$O1" "$STATUS|$(jqb '[.[]._id] | join(" ")')" "end_date keeps the order placed at that instant"
http GET /api/v1/orders/ -H "$(auth)" -G --data-urlencode "start_date=$T1" -d status=paid
expect_eq "200|$O1" "$STATUS|$(jqb '[.[]._id] | join(" ")')" "start_date with a status"
http GET "/api/v1/orders/user/$USER_ID" -H "$(auth)" -G -d end_date=2000-01-01
expect_eq "200|0" "$STATUS|$(jqb length)" "an end_date before every order"
http GET /api/v1/orders/ -H "$(auth)" -G -d end_date=soon
expect_eq "422|query,end_date" "$STATUS|$(jqb '.detail[0].loc | join(",")')" "a bad end_date is 422"
http GET /api/v1/orders/ -H "$(auth)" -G -d page=2
expect_eq "422|query,page|extra_forbidden" \
  "$STATUS|$(jqb '.detail[0].loc | join(",")')|$(jqb '.detail[0].type')" "a filter mart lacks is refused, not ignored"
# martd's 422s name the client's fields.
http GET /api/v1/orders/ -H "$(auth)" -G -d skip=-1
expect_eq "422|query,skip" "$STATUS|$(jqb '.detail[0].loc | join(",")')" "skip, not offset"
http POST /api/v1/payments/ -H "$(auth)" -H 'Content-Type: application/json' -d '{"method": "cod"}'
expect_eq "422|body,order_id" "$STATUS|$(jqb '.detail[0].loc | join(",")')" "order_id, not id"

# Refresh rotates the pair.
http POST /api/v1/auth/refresh -H 'Content-Type: application/json' \
  -d "{\"refresh_token\": \"$REFRESH\"}"
expect_eq "200|bearer" "$STATUS|$(jqb .token_type)" "refresh"

# Errors in the seeds' shapes.
http GET /api/v1/users/me
expect_eq "401|Not authenticated" "$STATUS|$(jqb .detail)" "no token is 401"
check "401 asks for a bearer token" grep -qi '^WWW-Authenticate: Bearer' <<<"$HEADERS"
http GET /api/v1/users/me -H 'Authorization: Bearer not-a-token'
check "a bad token is 401" test "$STATUS" = 401
http GET /api/v1/nothing
expect_eq '404|{"detail":"Not Found"}' "$STATUS|$BODY" "unknown route"
http DELETE /api/v1/products/ -H "$(auth)"
expect_eq '405|{"detail":"Method Not Allowed"}' "$STATUS|$BODY" "wrong method"
http PATCH /api/v1/products/ -H "$(auth)" -H 'Content-Type: application/json' -d '{}'
expect_eq '405' "$STATUS" "PATCH where no route has it"
http POST /api/v1/products/ -H "$(auth)" -H 'Content-Type: application/json' -d '{"name": '
expect_eq "422|json_invalid" "$STATUS|$(jqb '.detail[0].type')" "malformed JSON"
http POST /api/v1/products/ -H "$(auth)" -d 'name=x&price=1'
expect_eq "422|model_attributes_type" "$STATUS|$(jqb '.detail[0].type')" "a form body on a JSON route"
http POST /api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"email": "x@example.com", "password": "short", "first_name": "X", "last_name": "Y"}'
expect_eq '422|body,password|value_error' "$STATUS|$(jqb '.detail[0].loc | join(",")')|$(jqb '.detail[0].type')" \
  "validation error in FastAPI's shape"
http POST /api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"email": "customer@example.com", "password": "Password123", "first_name": "X", "last_name": "Y"}'
expect_eq 409 "$STATUS" "a taken email is 409"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$E2E_ROOT/big"
http POST /api/v1/products/ -H "$(auth)" -H 'Content-Type: application/json' --data-binary "@$E2E_ROOT/big"
expect_eq 413 "$STATUS" "a body over 1 MiB is 413"
http GET "/api/v1/orders/000000000000000000000000" -H "$(auth)"
expect_eq 404 "$STATUS" "a missing order is 404"
# The seeds' POST /inventory/: mart creates inventory with the product.
http POST /api/v1/inventory/ -H "$(auth)" -H 'Content-Type: application/json' \
  -d "{\"product_id\": \"$P1\", \"available_quantity\": 100, \"reorder_threshold\": 5}"
expect_eq "409|Inventory for product $P1 already exists: mart creates it with the product. Change it with PUT /api/v1/inventory/$P1" \
  "$STATUS|$(jqb .detail)" "creating inventory that exists is 409"
http POST /api/v1/inventory/ -H "$(auth)" -H 'Content-Type: application/json' \
  -d '{"product_id": "000000000000000000000000", "available_quantity": 1}'
expect_eq 404 "$STATUS" "creating inventory for a missing product is 404"
http POST /api/v1/inventory/ -H "$(auth)" -H 'Content-Type: application/json' -d '{}'
expect_eq "422|product_id" "$STATUS|$(jqb '.detail[0].loc[1]')" "creating inventory without product_id is 422"
# A request HTTP cannot parse is 400 in the same shape, saying what is wrong.
http GET / --request-target '/not a request line'
expect_eq '400|{"detail":"request line is not METHOD TARGET HTTP-VERSION"}' "$STATUS|$BODY" "a malformed request line is 400"

# A plain user cannot set an order's status: the bridge adds no rights.
http POST /api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"email": "plain@example.com", "password": "Password123", "first_name": "P", "last_name": "U"}'
http POST /api/v1/auth/login -d 'username=plain@example.com&password=Password123'
PLAIN=$(jqb .access_token)
http POST /api/v1/products/ -H "Authorization: Bearer $PLAIN" -H 'Content-Type: application/json' \
  -d '{"name": "X", "description": "d", "category": "c", "price": 1, "quantity": 1}'
expect_eq 403 "$STATUS" "a user creating a product is 403"
http PUT "/api/v1/orders/$O1/status" -H "Authorization: Bearer $PLAIN" \
  -H 'Content-Type: application/json' -d '{"status": "shipped"}'
check "a user's status change is 403 or 404" grep -Eq '^(403|404)$' <<<"$STATUS"
http GET "/api/v1/orders/user/$USER_ID" -H "Authorization: Bearer $PLAIN"
expect_eq 403 "$STATUS" "another user's orders are 403"
http GET /api/v1/users/me/addresses/1 -H "Authorization: Bearer $PLAIN"
expect_eq 404 "$STATUS" "another user's address is 404"

# Health, queues, metrics, access log.
http GET /health
expect_eq "200|true" "$STATUS|$(jqb .ready)" "health"
http GET /api/v1/queues -H "$(auth)"
expect_eq "200|array" "$STATUS|$(jqb type)" "queues"
http GET /metrics
check "metrics count requests by route" grep -q 'mart_rest_requests_total{method="GET",route="/api/v1/orders/{id}",status="200"}' <<<"$BODY"
check "queue metrics need an admin token" grep -q '^# queue metrics need' <<<"$BODY"
check "metrics have a latency histogram" grep -q 'mart_rest_request_duration_seconds_bucket{le="+Inf"}' <<<"$BODY"
check "access log lines" grep -Eq '^mart-rest: DELETE /api/v1/orders/[0-9a-f]{24} 204 [0-9.]+ms$' "$E2E_ROOT/rest.log"

# martd down: 503; back up: served again.
stop_daemon
http GET /api/v1/products/
expect_eq 503 "$STATUS" "martd down is 503"
start_daemon >/dev/null
http GET /api/v1/products/
expect_eq 200 "$STATUS" "served again once martd is back"

# A second bridge on the port in use refuses to start (no silent sharing).
expect_exit 6 "$MART_REST" --listen "${BASE#http://}" --endpoint "$ENDPOINT"
expect_stderr "cannot listen on ${BASE#http://}"

stop_rest
check "mart-rest stops on SIGTERM" grep -q 'mart-rest: stopped' "$E2E_ROOT/rest.log"
expect_eq 0 "$REST_RC" "mart-rest exits 0 after SIGTERM"
finish
