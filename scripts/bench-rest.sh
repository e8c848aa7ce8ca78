#!/usr/bin/env bash
# Measures the REST bridge with wrk (Debian package `wrk`): requests/s and
# latency percentiles for the product list and for placing orders, against a
# fresh martd + mart-rest in a temp dir. Not a test: figures depend on the
# machine. Usage: scripts/bench-rest.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
# Set BENCH_DATA_DIR to put the store somewhere else (e.g. on tmpfs).
set -euo pipefail
BUILD=${1:-build}
SECONDS_RUN=${2:-10}
CONNS=${3:-16}
THREADS=$(( CONNS < 2 ? 1 : 2 ))
command -v wrk >/dev/null || { echo "bench-rest: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
MARTD=$BUILD/martd/martd
REST=$BUILD/apps/mart-rest/mart-rest
ROOT=$(mktemp -d "${BENCH_DATA_DIR:-/tmp}/mart-bench-rest.XXXXXX")
export MART_DATA_DIR=$ROOT/data
ENDPOINT="ipc://$MART_DATA_DIR/run/martd.sock"
REST_PID=""
cleanup() {
  [ -n "$REST_PID" ] && kill "$REST_PID" 2>/dev/null || true
  [ -f "$MART_DATA_DIR/martd.lock" ] && kill "$(head -n1 "$MART_DATA_DIR/martd.lock")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$ROOT"
}
trap cleanup EXIT

"$MARTD" --detach --password-cost minimum --listen "$ENDPOINT" 2>"$ROOT/martd.log"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REST" --listen "127.0.0.1:$PORT" --endpoint "$ENDPOINT" 2>/dev/null &
REST_PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.05; done

curl -sf -X POST "$BASE/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"Password123","first_name":"B","last_name":"M"}' >/dev/null
TOKEN=$(curl -sf -X POST "$BASE/api/v1/auth/login" -d 'username=bench@example.com&password=Password123' | jq -r .access_token)
curl -sf -X POST "$BASE/api/v1/users/me/addresses" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"line1":"1 Bench St","city":"Loop","postal_code":"12345","country":"Local"}' >/dev/null
PIDS=()
for i in $(seq 1 20); do
  PIDS+=("$(curl -sf -X POST "$BASE/api/v1/products/" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"name\":\"Product $i\",\"description\":\"d\",\"category\":\"Bench\",\"price\":9.99,\"quantity\":100000000}" | jq -r ._id)")
done

cat >"$ROOT/order.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"items": [{"product_id": "${PIDS[0]}", "quantity": 1}, {"product_id": "${PIDS[1]}", "quantity": 2}]}'
LUA

echo "== GET /api/v1/products/ (20 products), $CONNS connections, ${SECONDS_RUN}s"
wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/products/"
echo "== POST /api/v1/orders/, $CONNS connections, ${SECONDS_RUN}s"
wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s "$ROOT/order.lua" "$BASE/api/v1/orders/"
echo "== stock check"
"$BUILD/martctl/martctl" --endpoint "$ENDPOINT" admin check -o json | jq -c '{ok}' || true
