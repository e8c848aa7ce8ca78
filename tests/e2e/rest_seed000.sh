#!/usr/bin/env bash
# Seed 000's walkthrough (../shared/seeds/000…) through the REST bridge: every
# request of the document, sent with curl against a fresh martd + mart-rest,
# asserting the values the document shows (ids differ). Where mart differs on
# purpose (DESIGN.md), the script asserts mart's behaviour and says why.
source "$(dirname "$0")/lib.sh"
: "${MART_REST:?MART_REST must point at the mart-rest binary}"

REST_PID=""
stop_rest() {
  [ -n "$REST_PID" ] || return 0
  kill -TERM "$REST_PID" 2>/dev/null || true
  wait "$REST_PID" 2>/dev/null || true
  REST_PID=""
}
trap 'stop_rest; cleanup' EXIT

start_daemon
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MART_REST" --listen "127.0.0.1:$PORT" --endpoint "$ENDPOINT" 2>"$E2E_ROOT/rest.log" &
REST_PID=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$E2E_ROOT/rest.log" && break
  sleep 0.05
done
BASE="http://127.0.0.1:$PORT"

# http METHOD PATH [curl args…]: sets STATUS, BODY and HEADERS.
http() {
  local method=$1 path=$2
  shift 2
  STATUS=$(curl -s -o "$E2E_ROOT/body" -D "$E2E_ROOT/headers" -w '%{http_code}' \
    -X "$method" "$BASE$path" "$@")
  BODY=$(cat "$E2E_ROOT/body")
  HEADERS=$(cat "$E2E_ROOT/headers")
}
jqb() { jq -r "$1" <<<"$BODY"; }
auth() { printf 'Authorization: Bearer %s' "$TOKEN"; }

# 1.1 register: 201 with the user and no addresses.
http POST /api/v1/auth/register -H 'Content-Type: application/json' -d '{
  "email": "customer@example.com", "password": "Password123",
  "first_name": "Example", "last_name": "Customer", "phone": "555-123-4567"}'
expect_eq 201 "$STATUS" "register is 201"
expect_eq 1 "$(jqb .id)" "the first user is id 1"
expect_eq "customer@example.com|Example|Customer|555-123-4567|true|0" \
  "$(jqb '[.email, .first_name, .last_name, .phone, .is_active, (.addresses|length)] | join("|")')" \
  "register reply fields"

# 1.2 login with FastAPI's OAuth2 form, as the seed does.
http POST /api/v1/auth/login -H 'Content-Type: application/x-www-form-urlencoded' \
  -d 'username=customer@example.com&password=Password123'
expect_eq 200 "$STATUS" "login is 200"
expect_eq bearer "$(jqb .token_type)" "token_type bearer"
TOKEN=$(jqb .access_token)
REFRESH=$(jqb .refresh_token)
check "access and refresh tokens" test -n "$TOKEN" -a -n "$REFRESH" -a "$TOKEN" != null

# 1.3 users/me
http GET /api/v1/users/me -H "$(auth)"
expect_eq "200|customer@example.com|1|0" "$STATUS|$(jqb '[.email, .id, (.addresses|length)] | join("|")')" \
  "users/me before the address"

# 2 address: 201, the first one is the default.
http POST /api/v1/users/me/addresses -H "$(auth)" -H 'Content-Type: application/json' -d '{
  "line1": "123 Example Street", "line2": "Apt 4B", "city": "Example City", "state": "EX",
  "postal_code": "12345", "country": "Example Country", "is_default": true}'
expect_eq 201 "$STATUS" "address add is 201"
expect_eq "1|123 Example Street|Apt 4B|Example City|EX|12345|Example Country|true" \
  "$(jqb '[.id, .line1, .line2, .city, .state, .postal_code, .country, .is_default] | join("|")')" \
  "address reply"

# 3 products. martd makes the first registered account an admin, so the
# seed's customer token is an admin token: mart lets only admins create
# products (and, in 6.3, set an order's status beyond cancel).
create_product() {  # NAME DESCRIPTION CATEGORY PRICE QUANTITY
  http POST /api/v1/products/ -H "$(auth)" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg n "$1" --arg d "$2" --arg c "$3" --argjson p "$4" --argjson q "$5" \
      '{name: $n, description: $d, category: $c, price: $p, quantity: $q}')"
  expect_eq 201 "$STATUS" "create $1 is 201"
  expect_eq "$1|$3|$4|$5" "$(jqb '[.name, .category, .price, .quantity] | join("|")')" "$1 fields"
}
create_product "Premium Smartphone" "Latest model with high-end camera and long battery life" \
  Electronics 899.99 50
P1=$(jqb ._id)
create_product "Wireless Noise-Cancelling Headphones" "Premium headphones with active noise cancellation" \
  Audio 249.99 100
P2=$(jqb ._id)
create_product "Smart Fitness Watch" "Waterproof fitness tracker with heart rate monitoring" \
  Wearables 179.99 75
P3=$(jqb ._id)
check "product ids are 24 hex" grep -Eq '^[0-9a-f]{24}$' <<<"$P1"

# 4.1 all products, in the seed's order.
http GET /api/v1/products/ -H "$(auth)"
expect_eq "200|$P1 $P2 $P3" "$STATUS|$(jqb '[.[]._id] | join(" ")')" "product list, oldest first"

# 4.2 inventory created with each product.
http GET "/api/v1/inventory/$P1" -H "$(auth)"
expect_eq "200|$P1|50|0|5" \
  "$STATUS|$(jqb '[.product_id, .available_quantity, .reserved_quantity, .reorder_threshold] | join("|")')" \
  "inventory of product 1"
http GET "/api/v1/inventory/$P2" -H "$(auth)"
expect_eq "200|100|0|10" \
  "$STATUS|$(jqb '[.available_quantity, .reserved_quantity, .reorder_threshold] | join("|")')" \
  "inventory of product 2"

# 4.3 and 4.4 filters.
http GET '/api/v1/products/?category=Electronics' -H "$(auth)"
expect_eq "$P1" "$(jqb '[.[]._id] | join(" ")')" "category filter"
http GET '/api/v1/products/?min_price=100&max_price=300' -H "$(auth)"
expect_eq "$P2 $P3" "$(jqb '[.[]._id] | join(" ")')" "price range filter"

# 5.1 the user with the address.
http GET /api/v1/users/me -H "$(auth)"
expect_eq "1|123 Example Street|true" "$(jqb '[.id, .addresses[0].line1, .addresses[0].is_default] | join("|")')" \
  "users/me lists the address"
USER_ID=$(jqb .id)

# 5.2 and 5.3 orders. The seed's bodies lack their closing brace: valid JSON here.
ADDRESS='{"line1": "123 Example Street", "line2": "Apt 4B", "city": "Example City",
  "state": "EX", "postal_code": "12345", "country": "Example Country"}'
http POST /api/v1/orders/ -H "$(auth)" -H 'Content-Type: application/json' -d "{
  \"user_id\": \"$USER_ID\", \"items\": [{\"product_id\": \"$P1\", \"quantity\": 1, \"price\": 899.99}],
  \"shipping_address\": $ADDRESS}"
expect_eq 201 "$STATUS" "order 1 is 201"
expect_eq "1|899.99|pending|$P1|1|899.99|123 Example Street" \
  "$(jqb '[.user_id, .total_price, .status, .items[0].product_id, .items[0].quantity, .items[0].price, .shipping_address.line1] | join("|")')" \
  "order 1 as placed"
check "order 1 user_id is a string, as in the seed" test "$(jqb '.user_id | type')" = string
O1=$(jqb ._id)
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

# 6.3 status paid (the admin token, see 3).
http PUT "/api/v1/orders/$O1/status" -H "$(auth)" -H 'Content-Type: application/json' \
  -d '{"status": "paid"}'
expect_eq "200|paid|899.99" "$STATUS|$(jqb '[.status, .total_price] | join("|")')" "order 1 paid"

# 6.4 cancel: 204, no body; then cancelled.
http DELETE "/api/v1/orders/$O2" -H "$(auth)"
expect_eq "204|" "$STATUS|$BODY" "cancel is 204 without a body"
http GET "/api/v1/orders/$O2" -H "$(auth)"
expect_eq "200|cancelled|609.97" "$STATUS|$(jqb '[.status, .total_price] | join("|")')" "order 2 cancelled"

# 6.5 inventory after the orders (the workers act asynchronously: poll briefly).
stock_of() {  # PRODUCT WANT: waits until available/reserved is WANT
  for _ in $(seq 1 100); do
    http GET "/api/v1/inventory/$1" -H "$(auth)"
    [ "$(jqb '"\(.available_quantity)/\(.reserved_quantity)"')" = "$2" ] && break
    sleep 0.05
  done
  jqb '"\(.available_quantity)/\(.reserved_quantity)"'
}
expect_eq 49/1 "$(stock_of "$P1" 49/1)" "product 1 after the order"
expect_eq 100/0 "$(stock_of "$P2" 100/0)" "product 2 after the cancel"

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

# A plain user cannot set an order's status: the bridge adds no rights.
http POST /api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"email": "plain@example.com", "password": "Password123", "first_name": "P", "last_name": "U"}'
http POST /api/v1/auth/login -d 'username=plain@example.com&password=Password123'
PLAIN=$(jqb .access_token)
http PUT "/api/v1/orders/$O1/status" -H "Authorization: Bearer $PLAIN" \
  -H 'Content-Type: application/json' -d '{"status": "shipped"}'
check "a user's status change is 403 or 404" grep -Eq '^(403|404)$' <<<"$STATUS"

# Health, queues, metrics, access log.
http GET /health
expect_eq "200|true" "$STATUS|$(jqb .ready)" "health"
http GET /api/v1/queues -H "$(auth)"
expect_eq "200|array" "$STATUS|$(jqb type)" "queues"
http GET /metrics
check "metrics count requests by route" grep -q 'mart_rest_requests_total{method="GET",route="/api/v1/orders/{id}",status="200"}' <<<"$BODY"
check "metrics have a latency histogram" grep -q 'mart_rest_request_duration_seconds_bucket{le="+Inf"}' <<<"$BODY"
check "access log lines" grep -Eq '^mart-rest: DELETE /api/v1/orders/[0-9a-f]{24} 204 [0-9.]+ms$' "$E2E_ROOT/rest.log"

# martd down: 503; back up: served again.
stop_daemon
http GET /api/v1/products/
expect_eq 503 "$STATUS" "martd down is 503"
start_daemon >/dev/null
http GET /api/v1/products/
expect_eq 200 "$STATUS" "served again once martd is back"

stop_rest
check "mart-rest stops on SIGTERM" grep -q 'mart-rest: stopped' "$E2E_ROOT/rest.log"
finish
