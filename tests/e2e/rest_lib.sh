# Helpers for the REST bridge's end-to-end scripts: source after lib.sh. Starts
# mart-rest ($MART_REST) on a free loopback port in front of the script's
# martd, and walks the steps seeds 000 and 004 share (register, log in,
# address, three products, browse), asserting the documents' values.
: "${MART_REST:?MART_REST must point at the mart-rest binary}"

REST_PID=""
REST_RC=""
# Sends SIGTERM to mart-rest and waits; its exit status goes to REST_RC.
stop_rest() {
  [ -n "$REST_PID" ] || return 0
  kill -TERM "$REST_PID" 2>/dev/null || true
  REST_RC=0
  wait "$REST_PID" 2>/dev/null || REST_RC=$?
  REST_PID=""
}

# start_rest [OPTION…]: the options go to mart-rest. Sets REST_PID, BASE and REST_PORT.
start_rest() {
  local port before
  before=$(cat "$E2E_ROOT/rest.log" 2>/dev/null | grep -c 'listening on' || true)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$MART_REST" --listen "127.0.0.1:$port" --endpoint "$ENDPOINT" "$@" 2>>"$E2E_ROOT/rest.log" &
  REST_PID=$!
  for _ in $(seq 1 100); do
    [ "$(grep -c 'listening on' "$E2E_ROOT/rest.log" || true)" -gt "$before" ] && break
    sleep 0.05
  done
  BASE="http://127.0.0.1:$port"
  REST_PORT=$port
}

# http METHOD PATH [curl args…]: sets STATUS, BODY and HEADERS.
http() {
  local method=$1 path=$2
  shift 2
  STATUS=$(curl -s -o "$E2E_ROOT/body" -D "$E2E_ROOT/headers" -w '%{http_code}' \
    -X "$method" "$BASE$path" "$@")
  BODY=$(cat "$E2E_ROOT/body")
  HEADERS=$(cat "$E2E_ROOT/headers")
  printf '%s\n' "$BODY" >>"$E2E_ROOT/replies.http"
}
jqb() { jq -r "$1" <<<"$BODY"; }
auth() { printf 'Authorization: Bearer %s' "$TOKEN"; }

# Seed steps 1 to 5.1: sets TOKEN, REFRESH, P1, P2, P3 and USER_ID.
walk_accounts_and_products() {
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
    expect_eq true "$(jqb 'has("_id") and (has("id") | not)')" "$1 shows its id as the seeds' _id"
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
  expect_eq true "$(jqb 'all(has("_id") and (has("id") | not))')" "listed products show _id, not id"

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
}

# The seeds' shipping address, as JSON.
ADDRESS='{"line1": "123 Example Street", "line2": "Apt 4B", "city": "Example City",
  "state": "EX", "postal_code": "12345", "country": "Example Country"}'

# stock_of PRODUCT WANT: polls briefly (the workers act asynchronously) until
# the record's available/reserved is WANT, then prints what it is.
stock_of() {
  for _ in $(seq 1 100); do
    http GET "/api/v1/inventory/$1" -H "$(auth)"
    [ "$(jqb '"\(.available_quantity)/\(.reserved_quantity)"')" = "$2" ] && break
    sleep 0.05
  done
  jqb '"\(.available_quantity)/\(.reserved_quantity)"'
}
