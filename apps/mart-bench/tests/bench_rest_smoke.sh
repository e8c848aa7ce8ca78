#!/usr/bin/env bash
# scripts/bench-rest.sh end to end on tiny data: the wrk scripts of
# apps/mart-bench/rest (product get, filtered list, a page of 100, order place) run through
# mart-rest without an error and print their JSON lines. Never a timing.
set -euo pipefail
: "${MART_BUILD_DIR:?MART_BUILD_DIR must be the build tree}"
command -v wrk >/dev/null || { echo "FAIL: wrk is missing (scripts/deps.sh installs it)" >&2; exit 1; }
ROOT=$(dirname "$0")/../../..
OUT=$(BENCH_PRODUCTS=200 BENCH_JSON=1 bash "$ROOT/scripts/bench-rest.sh" "$MART_BUILD_DIR" 1 4)
echo "$OUT"
source "$(dirname "$0")/check.sh"
check "four JSON lines" jq -e -s 'length == 4' <<<"$OUT"
for workload in get list list100 place; do
  check "$workload ran through mart-rest without errors" jq -e -s --arg w "$workload" \
    'any(.workload == $w and .target == "rest" and .clients == 4 and .requests > 0 and .errors == 0)' <<<"$OUT"
done
check "the lines have the percentiles" jq -e -s 'all(has("p50_ms") and has("p99_ms") and has("p999_ms") and has("rps"))' <<<"$OUT"
finish_checks
