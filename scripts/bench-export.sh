#!/usr/bin/env bash
# The export figures of docs/BENCHMARKS.md ("Events out to RabbitMQ and
# Kafka"): one martd (SQLite) exporting to a throwaway RabbitMQ node
# (tests/brokers/rabbitmq.sh, a durable queue bound to everything) and to
# librdkafka's mock Kafka cluster (tests/brokers/kafka.sh) at once.
#   1. mart-bench's order workload at full speed for DURATION seconds while
#      `queue list` is sampled every 0.5 s: the sinks' largest lag and their
#      lag when the load ends, and how long they take to drain after it.
#   2. The sinks paused while orders pile up (the order rate without
#      exports), then resumed one at a time: each one's export rate alone,
#      events per second from resume to lag 0.
#   scripts/bench-export.sh [DURATION] [CLIENTS]     (default 10 s, 64 clients)
# Needs a built tree (scripts/build.sh build) and scripts/deps.sh's packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MART_BUILD_DIR:-$root/build}
duration=${1:-10}
clients=${2:-64}
bench="$build/apps/mart-bench/mart-bench"
martd="$build/martd/martd"
martctl="$build/martctl/martctl"
export KAFKA_MOCK="$build/tests/brokers/kafka-mock"
work=$(mktemp -d /tmp/mart-bench-export.XXXXXX)
export MART_DATA_DIR="$work/data" MART_CREDENTIALS_FILE="$work/credentials.json"
martd_pid=
finish() {
  if [ -n "$martd_pid" ]; then
    kill -TERM "$martd_pid" 2>/dev/null || true
    while kill -0 "$martd_pid" 2>/dev/null; do sleep 0.05; done
  fi
  bash "$root/tests/brokers/kafka.sh" stop "$work/kafka" >/dev/null 2>&1 || true
  bash "$root/tests/brokers/rabbitmq.sh" stop "$work/rabbitmq" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap finish EXIT

bash "$root/tests/brokers/rabbitmq.sh" start "$work/rabbitmq" >/dev/null
bash "$root/tests/brokers/kafka.sh" start "$work/kafka" >/dev/null
eval "$(bash "$root/tests/brokers/rabbitmq.sh" env "$work/rabbitmq")"
kafka=$(bash "$root/tests/brokers/kafka.sh" bootstrap "$work/kafka")
"$martd" --detach --password-cost minimum \
  --export "$MART_TEST_AMQP_URI?queue=bench.all&password-file=$MART_TEST_AMQP_PASSWORD_FILE" \
  --export "kafka://$kafka" >/dev/null
martd_pid=$(head -n 1 "$MART_DATA_DIR/martd.lock")
"$martctl" daemon wait --wait-timeout 30
sinks() { "$martctl" queue list -o json | jq -c '[.[] | select(.kind == "export")]'; }
lag_of() { jq -r --arg n "$1" '.[] | select(.worker == $n) | .lag' <<<"$2"; }
wait_drained() {  # wait_drained NAME: seconds until its lag is 0
  local start=$SECONDS
  while [ "$(lag_of "$1" "$(sinks)")" != 0 ]; do sleep 0.1; done
  echo $((SECONDS - start))
}

echo "== 1. order workload, $clients clients, ${duration} s, both sinks running" >&2
"$bench" --endpoint "ipc://$MART_DATA_DIR/run/martd.sock" --data-dir "$MART_DATA_DIR" \
  -w place -c "$clients" -d "$duration" --products 2000 --no-baselines --json >"$work/bench.json" &
bench_pid=$!
max_amqp=0 max_kafka=0
while kill -0 "$bench_pid" 2>/dev/null; do
  rows=$(sinks)
  a=$(lag_of amqp "$rows") k=$(lag_of kafka "$rows")
  [ "$a" -gt "$max_amqp" ] && max_amqp=$a
  [ "$k" -gt "$max_kafka" ] && max_kafka=$k
  sleep 0.5
done
wait "$bench_pid"
rows=$(sinks)
end_amqp=$(lag_of amqp "$rows") end_kafka=$(lag_of kafka "$rows")
drain_amqp=$(wait_drained amqp) drain_kafka=$(wait_drained kafka)
orders=$(jq -s '[.[] | select(.workload == "place")][0]' "$work/bench.json")
echo "orders: $(jq -c "{rps, p99_ms}" <<<"$orders" 2>/dev/null || echo "$orders")"
echo "amqp:  largest lag $max_amqp events, $end_amqp when the load ended, drained ${drain_amqp}s later"
echo "kafka: largest lag $max_kafka events, $end_kafka when the load ended, drained ${drain_kafka}s later"

echo "== 2. each sink alone, from a paused backlog" >&2
"$martctl" worker pause amqp >/dev/null
"$martctl" worker pause kafka >/dev/null
"$bench" --endpoint "ipc://$MART_DATA_DIR/run/martd.sock" --data-dir "$MART_DATA_DIR" \
  -w place -c "$clients" -d "$duration" --products 2000 --no-baselines --json >"$work/paused.json"
echo "orders with both sinks paused: $(jq -s -c '[.[] | select(.workload == "place")][0] | {rps, p99_ms}' \
  "$work/paused.json")"
for sink in amqp kafka; do
  backlog=$(lag_of "$sink" "$(sinks)")
  start=$(date +%s.%N)
  "$martctl" worker resume "$sink" >/dev/null
  while [ "$(lag_of "$sink" "$(sinks)")" != 0 ]; do sleep 0.05; done
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  echo "$sink: $backlog events in ${seconds}s: $(echo "$backlog / $seconds" | bc) events/s"
done
