#!/usr/bin/env bash
# mart-rest under hostile HTTP: oversized chunked bodies, floods of headers,
# slow partial requests, pipelining and body-less PUTs, against the real
# mart-rest in front of a real martd (rest_attack.py plays the client over raw
# sockets). Memory is asserted from /proc: the peak resident size of the
# mart-rest process (VmHWM, which also catches a blowup that was freed again)
# and the resident size after each attack (VmRSS) stay under RSS_BOUND_KB.
# Nothing is asserted on timing: every wait has a generous bound.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
trap 'stop_rest; cleanup' EXIT

# mart-rest idles at about 10 MiB; the blowups this guards against reached
# 400 to 700 MiB. The bound leaves room for a few 1 MiB bodies in flight.
RSS_BOUND_KB=$((64 * 1024))
attack() { python3 "$E2E_DIR/rest_attack.py" "$1" 127.0.0.1 "$REST_PORT" "${@:2}"; }
kib() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$REST_PID/status"; }
check_memory() {  # WHAT: after that attack
  local peak now
  peak=$(kib VmHWM)
  now=$(kib VmRSS)
  check "$1: peak resident size ${peak} KiB < ${RSS_BOUND_KB} KiB" test "$peak" -lt "$RSS_BOUND_KB"
  check "$1: resident size ${now} KiB < ${RSS_BOUND_KB} KiB" test "$now" -lt "$RSS_BOUND_KB"
}

start_daemon
# Partial requests must stay open while /health is asked: a header deadline
# far longer than the script.
start_rest --header-timeout-ms 600000

http POST /api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"email": "a@example.com", "password": "Password123", "first_name": "A", "last_name": "B"}'
expect_eq 201 "$STATUS" "register"
http POST /api/v1/auth/login -d 'username=a@example.com&password=Password123'
TOKEN=$(jqb .access_token)
for _ in $(seq 1 100); do  # the welcome notification comes from a worker
  http GET /api/v1/notifications/ -H "$(auth)"
  [ "$(jqb length)" -gt 0 ] && break
  sleep 0.05
done
NOTE=$(jqb '.[0].id')
check "a notification to mark read" test "$NOTE" != null

# 9. A PUT without a body (no Content-Length), as curl sends it without -d.
http PUT "/api/v1/notifications/$NOTE/read" -H "$(auth)"
expect_eq "200|true" "$STATUS|$(jqb .is_read)" "PUT /notifications/{id}/read without a body"

# 9. Pipelined requests on one connection, in one write: each answered, in order.
OUT=$(attack pipeline "GET /health" "PUT /api/v1/notifications/$NOTE/read $TOKEN" \
  "GET /api/v1/notifications/$NOTE $TOKEN" "GET /api/v1/nothing" "POST /api/v1/auth/refresh")
expect_eq "200 200 200 404 422" "$(jq -r '.statuses | map(tostring) | join(" ")' <<<"$OUT")" \
  "five pipelined requests, five replies in order"
expect_eq "true|true|Not Found" \
  "$(jq -r '.bodies | [(.[0] | fromjson | .ready), (.[2] | fromjson | .is_read), (.[3] | fromjson | .detail)] | join("|")' <<<"$OUT")" \
  "each reply belongs to its request"
check "an access log line per pipelined request" \
  test "$(grep -c "^mart-rest: PUT /api/v1/notifications/$NOTE/read 200 " "$E2E_ROOT/rest.log")" = 2
check "the pipelined refresh is logged" grep -q '^mart-rest: POST /api/v1/auth/refresh 422 ' "$E2E_ROOT/rest.log"

# 8. A 300 MiB chunked body: refused at 1 MiB, like a Content-Length one.
OUT=$(attack chunked 300)
expect_eq "413|request body is larger than 1048576 bytes" "$(jq -r '"\(.status)|\(.detail)"' <<<"$OUT")" \
  "a 300 MiB chunked body is 413"
check "the refusal is logged" grep -q '^mart-rest: POST /api/v1/auth/register 413 -$' "$E2E_ROOT/rest.log"
check_memory "after a 300 MiB chunked body"

# 8. Three million headers, and one header of 64 KiB: 431.
OUT=$(attack headers 3000000)
expect_eq "431|more than 100 header fields" "$(jq -r '"\(.status)|\(.detail)"' <<<"$OUT")" \
  "3 million headers are 431"
OUT=$(attack big-header 65536)
expect_eq "431|request header fields are larger than 32768 bytes" \
  "$(jq -r '"\(.status)|\(.detail)"' <<<"$OUT")" "a 64 KiB header is 431"
check_memory "after 3 million headers"

# 8. 150 slow partial requests (more than the 64 handler threads), each
# trickling a byte a second: /health is answered while all of them are open.
OUT=$(attack slow 150)
expect_eq "150|200|150" "$(jq -r '"\(.open_before_health)|\(.health)|\(.open_after_health)"' <<<"$OUT")" \
  "/health answers while 150 partial requests are open"
check_memory "after 150 slow requests"
http GET /health
expect_eq 200 "$STATUS" "still serving"
stop_rest
expect_eq 0 "$REST_RC" "mart-rest exits 0 after SIGTERM with partial requests open"

# 8. With a 1 s header deadline, the server closes every slow request (408).
start_rest --header-timeout-ms 1000
OUT=$(attack slow 150 --wait-closed)
expect_eq "200|150|408" "$(jq -r '"\(.health)|\(.closed_by_server)|\(.endings | join(","))"' <<<"$OUT")" \
  "every partial request gets 408 and is closed"
check "the 408s are logged" grep -q '^mart-rest: GET /health 408 -$' "$E2E_ROOT/rest.log"
check_memory "after the header deadline"

finish
