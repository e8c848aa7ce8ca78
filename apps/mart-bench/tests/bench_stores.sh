#!/usr/bin/env bash
# mart-bench on both stores in one run (--store sqlite --store URI): on tiny
# data, get and place against a martd on SQLite, then one on a fresh database
# of the throwaway PostgreSQL server (MART_TEST_STORE). Asserts that each
# store's rows are there, named, without a request error, and that an order's
# statements are counted on both. Never asserts on speed.
set -euo pipefail
: "${MART_BENCH:?MART_BENCH must point at mart-bench}"
: "${MARTD:?MARTD must point at martd}"
: "${MART_TEST_STORE:?MART_TEST_STORE must name the test PostgreSQL database}"
ROOT=$(mktemp -d /tmp/mart-bench-stores.XXXXXX)
DB="bench_$$_$RANDOM"
psql "$MART_TEST_STORE" -qAt -c "CREATE DATABASE $DB" >/dev/null
trap 'psql "$MART_TEST_STORE" -qAt -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null; rm -rf "$ROOT"' EXIT
STORE="${MART_TEST_STORE/\/mart\?//$DB?}"
source "$(dirname "$0")/check.sh"

"$MART_BENCH" --martd "$MARTD" --tmp-dir "$ROOT" --password-cost minimum --products 200 \
  --users 2 --count 100 --warmup 0 --clients 2 --workload get,list,place --store sqlite \
  --store "$STORE" --json >"$ROOT/out.jsonl" 2>"$ROOT/err" ||
  { cat "$ROOT/err" >&2; echo "FAIL: mart-bench exited $?" >&2; exit 1; }
cat "$ROOT/out.jsonl"

check "no request failed" jq -e -s 'all(.errors == 0)' "$ROOT/out.jsonl"
for store in sqlite postgresql; do
  for workload in get list place place.processing; do
    check "$workload measured on $store" jq -e -s --arg s "$store" --arg w "$workload" \
      'any(.target == "martd" and .store == $s and .workload == $w and .requests >= 100)' "$ROOT/out.jsonl"
  done
  check "an order's statements counted on $store" jq -e -s --arg s "$store" \
    'any(.target == "martd" and .store == $s and .workload == "place" and .statements_per_request > 1)' \
    "$ROOT/out.jsonl"
done
check "PostgreSQL's round trips are counted, fewer than its statements" jq -e -s \
  'any(.target == "martd" and .store == "postgresql" and .workload == "place" and .round_trips_per_request > 1 and .round_trips_per_request < .statements_per_request)' \
  "$ROOT/out.jsonl"
check "SQLite has none" jq -e -s \
  'all(.[] | select(.store == "sqlite"); .round_trips_per_request == null)' "$ROOT/out.jsonl"
check "the progress names the PostgreSQL store" grep -q "martd on postgresql://" "$ROOT/err"
check "the database holds the products seeded" \
  test "$(psql "$STORE" -qAt -c 'SELECT count(*) FROM products')" -ge 200
check "a store with --endpoint is a usage error (exit 2)" test "$("$MART_BENCH" --store "$STORE" \
  --endpoint ipc:///nonexistent --data-dir "$ROOT" >/dev/null 2>&1; echo $?)" = 2
finish_checks
