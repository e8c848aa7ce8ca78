#!/usr/bin/env bash
# martd --export amqp://… against a real RabbitMQ node (the run's throwaway
# one, tests/brokers/rabbitmq.sh): while clients place and cancel orders,
# martd is killed with SIGKILL and restarted, and the broker is stopped and
# started again. Afterwards a queue bound to the exchange holds every event of
# the log at least once, first arrivals in seq order, duplicates only of pages
# that were out when something died; the outage showed as lag and an error in
# `queue list` while orders went on; and with --export-map seeds the
# walkthrough's order_created queue got each order.
source "$(dirname "$0")/lib.sh"
use_rabbitmq

EXCHANGE="mart.e2e.$$"
ALL="e2e-all-$$"
SEED_QUEUES=(order_created inventory_reserved inventory_failed order_processed inventory_release)
for queue in "${SEED_QUEUES[@]}" "$ALL"; do amqp delete-queue -q "$queue" >/dev/null 2>&1 || true; done

EXPORT="$MART_TEST_AMQP_URI?exchange=$EXCHANGE&queue=$ALL&password-file=$MART_TEST_AMQP_PASSWORD_FILE&timeout-s=3"
start_daemon --export "$EXPORT" --export-map seeds

# The sink connects at start: it declares its exchange and the queue of queue=, bound to
# every routing key, before any event exists.
queue_depth() { test_rabbitmqctl -q list_queues name messages | awk -v q="$1" '$1 == q {print $2}'; }
for _ in $(seq 1 200); do [ -n "$(queue_depth "$ALL")" ] && break; sleep 0.05; done
check "the sink declared its exchange at start" \
  bash -c 'grep -qx "$1" <<<"$0"' "$(test_rabbitmqctl -q list_exchanges name)" "$EXCHANGE"
bound=$(test_rabbitmqctl -q list_bindings source_name destination_name routing_key |
  awk -v e="$EXCHANGE" -v q="$ALL" '$1 == e && $2 == q && $3 == "#"' | wc -l)
expect_eq 1 "$bound" "and the queue of queue=, bound with #"

wait_for_queue_row amqp 'true'
expect_eq export "$(jq -r .kind <<<"$ROW")" "queue list shows the sink as an export"
check "its target names the exchange but no password" \
  bash -c '[[ $0 == *"exchange $1"* && $0 != *"$2"* ]]' "$(jq -r .target <<<"$ROW")" "$EXCHANGE" \
  "$(cat "$MART_TEST_AMQP_PASSWORD_FILE")"

with_admin_and_user
start_order_load 3

# Two kills of martd while the sink exports.
for round in 1 2; do
  sleep 0.7
  kill_and_restart_daemon --export "$EXPORT" --export-map seeds
  echo "killed martd (round $round)"
done

# The broker goes away: orders go on, the sink's lag and error show.
bash "$BROKERS_DIR/rabbitmq.sh" stop "$MART_RABBITMQ_DIR"
placed_while_down=$(alice order place --no-wait --item "$PRODUCT:1" -q)
check "an order is placed while the broker is down" test -n "$placed_while_down"
wait_for_queue_row amqp '.last_error != null and .lag > 0'
check "queue list shows the outage: lag and the last error" \
  test "$(jq -r '.last_error != null and .lag > 0 and .state == "retrying"' <<<"$ROW")" = true
bash "$BROKERS_DIR/rabbitmq.sh" restart "$MART_RABBITMQ_DIR"

stop_order_load
wait_for_queue_row amqp '.lag == 0 and .last_error == null'
check "the backlog drains when the broker is back" \
  test "$(jq -r '.lag == 0 and .last_error == null' <<<"$ROW")" = true
check "the sink counted failed attempts" test "$(jq -r .failed <<<"$ROW")" -gt 0

# What the broker holds.
# drain QUEUE FILE: every message's body, one JSON object per line. amqp-consume runs its
# command once per message, so the command is cat itself (jq splits the objects) and there
# is no ack per message (-A); a drain that stalls fails the script after 120 s with the
# count it read, rather than hanging it. (The CI run of 2b6c713 timed out in a drain.)
drain() {
  local depth got
  depth=$(queue_depth "$1")
  : >"$2"
  if [ "${depth:-0}" -gt 0 ]; then
    AMQP_TIMEOUT=120 amqp consume -A -q "$1" -c "$depth" -- cat >"$2.raw" || true
    jq -c . "$2.raw" >"$2"
  fi
  got=$(wc -l <"$2")
  expect_eq "${depth:-0}" "$got" "every message on $1 was read"
}
drain "$ALL" "$E2E_ROOT/all.jsonl"
LAST_SEQ=$(as_operator events read --after 0 --limit 1 -o json | jq .last_seq)
jq -r .seq "$E2E_ROOT/all.jsonl" >"$E2E_ROOT/seqs"
missing=$(comm -23 <(seq 1 "$LAST_SEQ" | sort) <(sort -u "$E2E_ROOT/seqs") | wc -l)
expect_eq 0 "$missing" "every seq from 1 to $LAST_SEQ reached the exchange's queue"
# First arrivals only ever go forward: a page published again repeats seqs, never reorders.
backwards=$(awk '!seen[$1]++ { if ($1 < last) bad++; last = $1 } END { print bad + 0 }' \
  "$E2E_ROOT/seqs")
expect_eq 0 "$backwards" "first arrivals in seq order"
duplicates=$(($(wc -l <"$E2E_ROOT/seqs") - $(sort -u "$E2E_ROOT/seqs" | wc -l)))
echo "duplicates after 2 kills and a broker outage: $duplicates"
check "duplicates are at most the pages out when something died (3 x 2,000)" \
  test "$duplicates" -le 6000
check "every message is a whole event object" \
  test "$(jq -s 'map(has("seq") and has("topic") and has("created_at") and has("data")) | all' \
    "$E2E_ROOT/all.jsonl")" = true

# Seed names: every acknowledged order is on the walkthrough's order_created queue.
drain order_created "$E2E_ROOT/order_created.jsonl"
cat "$E2E_ROOT"/acked.* >"$E2E_ROOT/acked"
echo "$placed_while_down" >>"$E2E_ROOT/acked"
not_seen=$(comm -23 <(sort -u "$E2E_ROOT/acked") \
  <(jq -r 'select(.topic == "order.placed") | .data.order_id' "$E2E_ROOT/order_created.jsonl" | sort -u) |
  wc -l)
expect_eq 0 "$not_seen" "order_created got each acknowledged order ($(sort -u "$E2E_ROOT/acked" | wc -l))"
check "order_processed got orders that reached processing" \
  test "$(queue_depth order_processed)" -gt 0

for queue in "${SEED_QUEUES[@]}" "$ALL"; do amqp delete-queue -q "$queue" >/dev/null 2>&1 || true; done
finish
