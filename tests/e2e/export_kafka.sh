#!/usr/bin/env bash
# martd --export kafka://… against librdkafka's mock cluster (a kafka-mock of
# the script's own, tests/brokers/kafka.sh), read back with kcat: while a
# client places and cancels orders martd is killed with SIGKILL twice and its
# brokers are taken down and up; afterwards every event of the log is on
# mart.<topic> at least once, keyed by its aggregate, the seq in its header,
# first arrivals per topic and key in seq order; and --export-map seeds put every order
# on the seed projects' order_created topic.
source "$(dirname "$0")/lib.sh"
own_kafka

EXPORT="kafka://$OWN_KAFKA_BOOTSTRAP?timeout-s=3"
start_daemon --export "$EXPORT" --export-map seeds
with_admin_and_user
start_order_load 1

for round in 1 2; do
  sleep 0.6
  kill_and_restart_daemon --export "$EXPORT" --export-map seeds
  echo "killed martd (round $round)"
done

kafka_sh down "$OWN_KAFKA_DIR"
wait_for_queue_row kafka '.last_error != null and .lag > 0'
check "queue list shows the brokers' outage as lag and an error" \
  test "$(jq -r '.last_error != null and .lag > 0 and .state == "retrying"' <<<"$ROW")" = true
kafka_sh up "$OWN_KAFKA_DIR"
stop_order_load
wait_for_queue_row kafka '.lag == 0 and .last_error == null'
check "the backlog drains when the brokers are back" \
  test "$(jq -r '.lag == 0 and .last_error == null' <<<"$ROW")" = true

# Read every topic back: key, mart-seq header and body per message.
: >"$E2E_ROOT/log.jsonl"
after=0
while :; do
  page=$(as_operator events read --after "$after" --limit 1000 -o json)
  jq -c '.events[]' <<<"$page" >>"$E2E_ROOT/log.jsonl"
  LAST_SEQ=$(jq .last_seq <<<"$page")
  after=$(jq '.next_after // .last_seq' <<<"$page")
  [ "$after" -lt "$LAST_SEQ" ] || break
done
: >"$E2E_ROOT/got"
for topic in $(jq -r .topic "$E2E_ROOT/log.jsonl" | sort -u); do
  kcat -b "$OWN_KAFKA_BOOTSTRAP" -C -t "mart.$topic" -o beginning -e -q -f '%k\t%h\t%s\n' \
    >>"$E2E_ROOT/got"
done
cut -f3 "$E2E_ROOT/got" | jq -r .seq >"$E2E_ROOT/seqs"
missing=$(comm -23 <(seq 1 "$LAST_SEQ" | sort) <(sort -u "$E2E_ROOT/seqs") | wc -l)
expect_eq 0 "$missing" "every seq from 1 to $LAST_SEQ is on its mart.<topic>"
bad_header=$(awk -F'\t' '{ split($2, h, ","); s = ""; for (i in h) if (h[i] ~ /^mart-seq=/) s = substr(h[i], 10);
  print s }' "$E2E_ROOT/got" | paste - "$E2E_ROOT/seqs" | awk '$1 != $2' | wc -l)
expect_eq 0 "$bad_header" "each message's mart-seq header is its event's seq"
# The key of an order's events is the order id; per topic and key (one partition), first
# arrivals go forward.
bad_key=$(cut -f1,3 "$E2E_ROOT/got" | jq -R -r 'split("\t") | (.[1] | fromjson) as $e
  | select($e.topic | startswith("order.")) | select(.[0] != $e.data.order_id) | .[0]' | wc -l)
expect_eq 0 "$bad_key" "order events are keyed by their order id"
backwards=$(cut -f1,3 "$E2E_ROOT/got" |
  jq -R -r 'split("\t") | (.[1] | fromjson) as $e | "\($e.topic)/\(.[0]) \($e.seq)"' |
  awk '!seen[$0]++ { if ($1 in last && $2 < last[$1]) bad++; last[$1] = $2 } END { print bad + 0 }')
expect_eq 0 "$backwards" "first arrivals per topic and key in seq order"

# Seed names: the Kafka projects' order_created topic has every acknowledged order.
kcat -b "$OWN_KAFKA_BOOTSTRAP" -C -t order_created -o beginning -e -q >"$E2E_ROOT/order_created"
cat "$E2E_ROOT"/acked.* | sort -u >"$E2E_ROOT/acked"
not_seen=$(comm -23 "$E2E_ROOT/acked" <(jq -r .data.order_id "$E2E_ROOT/order_created" | sort -u) | wc -l)
expect_eq 0 "$not_seen" "order_created has each acknowledged order ($(wc -l <"$E2E_ROOT/acked"))"
kcat -b "$OWN_KAFKA_BOOTSTRAP" -C -t stock-updated -o beginning -e -q -c 1 >"$E2E_ROOT/stock"
check "stock-updated carries the inventory service's {product_id, stock}" \
  test "$(jq -c 'keys' "$E2E_ROOT/stock")" = '["product_id","stock"]'
finish
