#!/usr/bin/env bash
# Measures the REST bridge with wrk (Debian package `wrk`): product get, the
# filtered product list and order place through mart-rest, against a fresh
# martd (synchronous=FULL, as shipped) seeded by mart-bench. Not a test:
# figures depend on the machine; see docs/BENCHMARKS.md.
# Usage: scripts/bench-rest.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
# Environment: BENCH_PRODUCTS (default 100000), BENCH_WORKLOADS (default
# "get list list100 place"; list100: a category's first 100 products, the seed
# clients' page), BENCH_JSON=1 prints only the JSON lines (the shape of
# mart-bench --json, target "rest"), BENCH_DATA_DIR puts the store elsewhere.
set -euo pipefail
BUILD=${1:-build}
SECONDS_RUN=${2:-10}
CONNS=${3:-32}
THREADS=$(( CONNS < 2 ? 1 : 2 ))
PRODUCTS=${BENCH_PRODUCTS:-100000}
WORKLOADS=${BENCH_WORKLOADS:-get list list100 place}
command -v wrk >/dev/null || { echo "bench-rest: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
MARTD=$BUILD/martd/martd
REST=$BUILD/apps/mart-rest/mart-rest
BENCH=$BUILD/apps/mart-bench/mart-bench
SCRIPTS=$(cd "$(dirname "$0")/../apps/mart-bench/rest" && pwd)
ROOT=$(mktemp -d "${BENCH_DATA_DIR:-/tmp}/mart-bench-rest.XXXXXX")
DATA=$ROOT/data
export MART_DATA_DIR=$DATA
ENDPOINT="ipc://$DATA/run/martd.sock"
REST_PID=""
cleanup() {
  [ -n "$REST_PID" ] && kill "$REST_PID" 2>/dev/null || true
  [ -f "$DATA/martd.lock" ] && kill "$(head -n1 "$DATA/martd.lock")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$ROOT"
}
trap cleanup EXIT
say() { [ "${BENCH_JSON:-0}" = 1 ] || echo "$@"; }

# --password-cost minimum only makes seeding the customers quick: no
# password is hashed while measuring.
"$MARTD" --detach --data-dir "$DATA" --listen "$ENDPOINT" --password-cost minimum \
  --no-first-admin --access-token-ttl 86400 >"$ROOT/martd.log" 2>&1
mkdir "$ROOT/fixture"
"$BENCH" --endpoint "$ENDPOINT" --data-dir "$DATA" --products "$PRODUCTS" --users "$CONNS" \
  --seed-only "$ROOT/fixture" 2>&1 | { [ "${BENCH_JSON:-0}" = 1 ] && cat >/dev/null || cat >&2; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REST" --listen "127.0.0.1:$PORT" --endpoint "$ENDPOINT" 2>"$ROOT/rest.log" &
REST_PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.05; done

F=$ROOT/fixture
for workload in $WORKLOADS; do
  case $workload in
    get) args=("$SCRIPTS/get.lua" "$BASE" -- "$F/products.txt") ;;
    list) args=("$SCRIPTS/list.lua" "$BASE" -- "$F/categories.txt" 100.00 200.00 20) ;;
    list100) args=("$SCRIPTS/list.lua" "$BASE" -- "$F/categories.txt" 0.00 1000.00 100) ;;
    place) args=("$SCRIPTS/place.lua" "$BASE" -- "$F/products.txt" "$F/tokens.txt" 2) ;;
    *) echo "bench-rest: unknown workload $workload (get, list, list100, place)" >&2; exit 2 ;;
  esac
  # Two seconds of warm-up, not reported.
  BENCH_WORKLOAD=$workload BENCH_CONNECTIONS=$CONNS \
    wrk -t"$THREADS" -c"$CONNS" -d2s -s "${args[@]}" >/dev/null
  say "== $workload through mart-rest, $CONNS connections, ${SECONDS_RUN}s"
  out=$(BENCH_WORKLOAD=$workload BENCH_CONNECTIONS=$CONNS \
    wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s "${args[@]}")
  if [ "${BENCH_JSON:-0}" = 1 ]; then grep '^{' <<<"$out"; else echo "$out"; fi
done
say "== stock check"
if [ "${BENCH_JSON:-0}" = 1 ]; then
  "$BUILD/martctl/martctl" --endpoint "$ENDPOINT" admin check -o json >/dev/null
else
  "$BUILD/martctl/martctl" --endpoint "$ENDPOINT" admin check -o json | jq -c '{ok}'
fi
