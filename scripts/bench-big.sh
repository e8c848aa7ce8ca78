#!/usr/bin/env bash
# Measures martd on a big store (issue 9): 1,000,000 products and 1,000,000
# orders. Reports the store's size, martd's start time on it (cold, with the
# page cache dropped when this runs as root, then warm), how long the
# start-up integrity check takes beside the serving daemon, product get and the
# filtered list (mart-bench, to compare with the 100,000-product figures),
# and martd's resident memory after them. With BENCH_SOAK=SECONDS it then
# runs the mixed workload that long and prints martd's resident size every
# 30 s (memory must not grow under sustained load). Not a test: figures
# depend on the machine; see docs/BENCHMARKS.md.
# Usage: scripts/bench-big.sh [BUILD_DIR] [PRODUCTS] [ORDERS]
# Environment: BENCH_SECONDS (per run, default 10), BENCH_SOAK (default 0),
# BENCH_DATA_DIR puts the store elsewhere (it needs about 2 GB).
set -euo pipefail
BUILD=${1:-build}
PRODUCTS=${2:-1000000}
ORDERS=${3:-1000000}
SECONDS_RUN=${BENCH_SECONDS:-10}
SOAK=${BENCH_SOAK:-0}
MARTD=$BUILD/martd/martd
BENCH=$BUILD/apps/mart-bench/mart-bench
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(mktemp -d "${BENCH_DATA_DIR:-/tmp}/mart-bench-big.XXXXXX")
DATA=$ROOT/data
ENDPOINT="ipc://$DATA/run/martd.sock"
cleanup() {
  [ -f "$DATA/martd.lock" ] && kill "$(head -n1 "$DATA/martd.lock")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$ROOT"
}
trap cleanup EXIT

start_martd() {
  "$MARTD" --detach --data-dir "$DATA" --listen "$ENDPOINT" --password-cost minimum \
    --no-first-admin --access-token-ttl 86400 >>"$ROOT/martd.log" 2>&1
}
stop_martd() {
  local pid
  pid=$(head -n1 "$DATA/martd.lock")
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}
rss() {  # resident and peak resident size of martd, in MiB
  local pid
  pid=$(head -n1 "$DATA/martd.lock")
  awk '/^VmRSS|^VmHWM/ { printf "%s %.1f MiB  ", $1, $2 / 1024 } END { print "" }' "/proc/$pid/status"
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

start_martd
mkdir "$ROOT/fixture"
echo "== seeding $PRODUCTS products and 16 customers through martd"
"$BENCH" --endpoint "$ENDPOINT" --data-dir "$DATA" --products "$PRODUCTS" --seed-only "$ROOT/fixture"
stop_martd
echo "== adding $ORDERS orders to the stopped store"
python3 "$HERE/bench-big-orders.py" "$DATA/mart.db" "$ORDERS"
du -h "$DATA/mart.db"

if [ -w /proc/sys/vm/drop_caches ]; then
  sync
  echo 3 >/proc/sys/vm/drop_caches
  t0=$(now); start_martd; t1=$(now)
  echo "== martd start, cold page cache: $(elapsed "$t0" "$t1") s"
  stop_martd
fi
seen=$(wc -l <"$DATA/martd.log")
t0=$(now); start_martd; t1=$(now)
echo "== martd start, warm: $(elapsed "$t0" "$t1") s"
echo "== after start: $(rss)"
# The start-up quick_check reads the whole store beside the serving daemon:
# measure once it is done.
verdict=""
until [ -n "$verdict" ]; do
  verdict=$(tail -n +"$((seen + 1))" "$DATA/martd.log" | grep -o "quick_check) of the store: [a-z]*" || true)
  [ -n "$verdict" ] || sleep 0.1
done
t2=$(now)
echo "== integrity check (${verdict#quick_check) of the store: }) done $(elapsed "$t0" "$t2") s after the start began"

"$BENCH" --endpoint "$ENDPOINT" --data-dir "$DATA" --fixture "$ROOT/fixture" \
  --workload get,list --clients 1,64 --duration "$SECONDS_RUN"
echo "== after get and list: $(rss)"

if [ "$SOAK" -gt 0 ]; then
  echo "== mixed workload, 16 clients, ${SOAK}s"
  "$BENCH" --endpoint "$ENDPOINT" --data-dir "$DATA" --fixture "$ROOT/fixture" \
    --workload mixed --clients 16 --duration "$SOAK" --no-baselines &
  bench=$!
  while kill -0 "$bench" 2>/dev/null; do
    echo "   $(date -u +%H:%M:%S) $(rss)"
    sleep 30
  done
  wait "$bench"
  echo "== after the soak: $(rss)"
fi
