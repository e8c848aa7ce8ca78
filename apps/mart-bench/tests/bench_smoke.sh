#!/usr/bin/env bash
# mart-bench end to end on tiny data: every workload at 1 and 4 clients, the
# echo and SQLite baselines, against its own martd. Asserts that every run
# completed without a request error and that the JSON lines carry their
# fields. Never asserts on speed: timings are not tests (DESIGN.md §8).
set -euo pipefail
: "${MART_BENCH:?MART_BENCH must point at mart-bench}"
: "${MARTD:?MARTD must point at martd}"
ROOT=$(mktemp -d /tmp/mart-bench-smoke.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
source "$(dirname "$0")/check.sh"

"$MART_BENCH" --martd "$MARTD" --tmp-dir "$ROOT" --password-cost minimum --products 200 \
  --users 4 --count 200 --warmup 0 --clients 1,4 --json >"$ROOT/out.jsonl" 2>"$ROOT/err" ||
  { cat "$ROOT/err" >&2; echo "FAIL: mart-bench exited $?" >&2; exit 1; }
cat "$ROOT/out.jsonl"

check "every line is a JSON object" jq -e -s 'length > 0 and all(type == "object")' "$ROOT/out.jsonl"
for key in workload target store clients inflight requests errors seconds rps p50_ms p99_ms \
           p999_ms max_ms error_codes statements_per_request rss_mib baseline rps_ratio p50_ratio \
           products; do
  check "every line has $key" jq -e -s --arg k "$key" 'all(has($k))' "$ROOT/out.jsonl"
done
check "no request failed" jq -e -s 'all(.errors == 0)' "$ROOT/out.jsonl"
check "every run measured something" jq -e -s 'all(.requests > 0 and .rps > 0 and .p50_ms > 0)' "$ROOT/out.jsonl"
for clients in 1 4; do
  for workload in get list place login events mixed; do
    for target in martd echo; do
      check "$workload on $target at $clients clients" jq -e -s --arg w "$workload" --arg t "$target" \
        --argjson c "$clients" 'any(.workload == $w and .target == $t and .clients == $c)' "$ROOT/out.jsonl"
    done
  done
  check "orders reached processing at $clients clients" jq -e -s --argjson c "$clients" \
    'any(.workload == "place.processing" and .clients == $c and .requests >= 200)' "$ROOT/out.jsonl"
  check "sqlite baseline at $clients clients" jq -e -s --argjson c "$clients" \
    'any(.workload == "commit" and .target == "sqlite" and .clients == $c)' "$ROOT/out.jsonl"
done
check "reads are compared with the echo baseline" jq -e -s \
  'all(.[] | select(.target == "martd" and .workload == "get"); .baseline == "echo:get" and .rps_ratio > 0)' "$ROOT/out.jsonl"
check "orders are compared with the sqlite baseline" jq -e -s \
  'all(.[] | select(.target == "martd" and (.workload | startswith("place"))); .baseline == "sqlite:commit")' "$ROOT/out.jsonl"
check "martd rows name their store, baselines none" jq -e -s \
  'all(if .target == "martd" then .store == "sqlite" else .store == null end)' "$ROOT/out.jsonl"
check "an order costs statements, and martd's memory is reported" jq -e -s \
  'all(.[] | select(.target == "martd" and .workload == "place"); .statements_per_request > 1 and .rss_mib > 1)' \
  "$ROOT/out.jsonl"
check "the events workload reports events/s" jq -e -s \
  'any(.workload == "events" and .target == "martd" and .events_per_s > 0)' "$ROOT/out.jsonl"
check "the mixed workload cancels some orders" jq -e -s \
  'any(.workload == "mixed" and .target == "martd" and .mix.cancel > 0)' "$ROOT/out.jsonl"
check "the mixed workload's replies are split by method, and the split adds up" jq -e -s \
  '[.[] | select(.target == "martd")] as $m
   | ($m | map(select(.workload == "mixed")) | length) > 0
   and all($m[] | select(.workload == "mixed"); . as $whole
     | ([$m[] | select(.clients == $whole.clients
                       and (.workload | IN("mixed.get", "mixed.list", "mixed.place",
                                           "mixed.cancel")))] as $parts
        | ($parts | map(.workload) | contains(["mixed.get", "mixed.list", "mixed.place"]))
          and ($parts | map(.requests) | add) == $whole.requests))' \
  "$ROOT/out.jsonl"
check "the temp dir is removed" test -z "$(ls -A "$ROOT" | grep -v '^out.jsonl$\|^err$' || true)"

# The table: a header and aligned rows.
"$MART_BENCH" --martd "$MARTD" --tmp-dir "$ROOT" --password-cost minimum --products 50 --users 1 \
  --count 50 --warmup 0 --clients 2 --workload get,place >"$ROOT/table" 2>/dev/null
"$MART_BENCH" --martd "$MARTD" --tmp-dir "$ROOT" --password-cost minimum --products 50 --users 1 \
  --count 50 --warmup 0 --clients 2 --workload get --repeat 3 --json >"$ROOT/repeat.jsonl" 2>/dev/null
check "--repeat reports the median of its rounds" jq -e -s \
  'any(.workload == "get" and .target == "martd" and (.rounds_rps | length) == 3 and .rps == (.rounds_rps | sort | .[1]))' \
  "$ROOT/repeat.jsonl"
check "the table has a header" grep -q '^workload  *target  *store  *clients' "$ROOT/table"
check "the table has the place and processing rows" grep -q '^place\.processing ' "$ROOT/table"
check "a store that is neither sqlite nor postgresql:// is a usage error (exit 2)" \
  test "$("$MART_BENCH" --store mysql://x >/dev/null 2>&1; echo $?)" = 2
check "a bad workload is a usage error (exit 2)" test "$("$MART_BENCH" --workload nope >/dev/null 2>&1; echo $?)" = 2

# --seed-only, then --fixture: a second run measures the same store without seeding.
DATA=$ROOT/fixture-data
ENDPOINT="ipc://$DATA/run/martd.sock"
"$MARTD" --detach --data-dir "$DATA" --listen "$ENDPOINT" --password-cost minimum --no-first-admin \
  2>/dev/null
trap '[ -f "$DATA/martd.lock" ] && kill "$(head -n1 "$DATA/martd.lock")" 2>/dev/null; rm -rf "$ROOT"' EXIT
mkdir "$ROOT/fixture"
"$MART_BENCH" --endpoint "$ENDPOINT" --data-dir "$DATA" --products 30 --users 2 \
  --seed-only "$ROOT/fixture" 2>/dev/null
check "--seed-only writes one product per line" test "$(wc -l <"$ROOT/fixture/products.txt")" = 30
"$MART_BENCH" --endpoint "$ENDPOINT" --data-dir "$DATA" --fixture "$ROOT/fixture" --count 30 \
  --warmup 0 --clients 2 --workload get,list,place --no-baselines --json >"$ROOT/fixture.jsonl" 2>/dev/null
check "--fixture measures the seeded products without errors" jq -e -s \
  'length == 4 and all(.errors == 0 and .requests > 0 and .products == 30)' "$ROOT/fixture.jsonl"
check "--fixture with --seed-only is a usage error (exit 2)" test "$("$MART_BENCH" --endpoint "$ENDPOINT" --data-dir "$DATA" \
  --fixture "$ROOT/fixture" --seed-only "$ROOT" >/dev/null 2>&1; echo $?)" = 2
# A list of endpoints: the clients are spread over them (here the same martd twice, spelled
# two ways), and the per-instance figures are left out.
"$MART_BENCH" --endpoint "$ENDPOINT,ipc://$DATA/run/../run/martd.sock" --data-dir "$DATA" \
  --fixture "$ROOT/fixture" --count 20 --warmup 0 --clients 2 --workload get --no-baselines --json \
  >"$ROOT/list.jsonl" 2>/dev/null
check "a list of endpoints is measured, per-instance figures left out" jq -e -s \
  'length == 1 and all(.errors == 0 and .requests > 0 and .statements_per_request == null)' \
  "$ROOT/list.jsonl"
check "an empty entry in --endpoint is a usage error (exit 2)" test "$("$MART_BENCH" \
  --endpoint "$ENDPOINT," --data-dir "$DATA" >/dev/null 2>&1; echo $?)" = 2
check "--fixture needs a directory (exit 2)" test "$("$MART_BENCH" --endpoint "$ENDPOINT" \
  --data-dir "$DATA" --fixture "$ROOT/none" >/dev/null 2>&1; echo $?)" = 2
finish_checks
