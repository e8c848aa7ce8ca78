#!/usr/bin/env bash
# The throwaway brokers themselves (issue 20), with their own clients: a message goes
# through the rabbitmq fixture's node (amqp-tools) and through the kafka fixture's mock
# cluster (kcat, plain and with an idempotent producer), and a cluster of the script's own
# refuses clients while its brokers are down, and delivers what an idempotent producer sent
# while a partition's leader was down, once it is up, once. The export tests build on this harness.
source "$(dirname "$0")/lib.sh"

# RabbitMQ: declare, publish, get and consume back, as mart.
use_rabbitmq
password=$(cat "$MART_TEST_AMQP_PASSWORD_FILE")
check "the password file is the owner's only" \
  test "$(stat -c %a "$MART_TEST_AMQP_PASSWORD_FILE")" = 600
check "the URI in the environment holds no password" \
  test "${MART_TEST_AMQP_URI/$password/}" = "$MART_TEST_AMQP_URI"
queue="smoke-$$-$RANDOM"
payload="mart smoke $queue $(date +%s%N)"
expect_exit 0 amqp declare-queue --durable -q "$queue"
expect_eq "$queue" "$OUT" "amqp-declare-queue names the queue"
expect_exit 0 amqp publish -r "$queue" -p -b "$payload"
expect_exit 0 amqp publish -r "$queue" -p -b "second $payload"
expect_exit 0 test_rabbitmqctl -q list_queues name messages
check "rabbitmqctl counts both messages" grep -qx "$queue"$'\t'2 <<<"$OUT"
expect_exit 0 amqp get -q "$queue"
expect_eq "$payload" "$OUT" "amqp-get reads back what amqp-publish sent"
expect_exit 0 amqp consume -q "$queue" -c 1 cat
expect_eq "second $payload" "$OUT" "amqp-consume reads the second message"
expect_exit 2 amqp get -q "$queue"
expect_exit 0 amqp delete-queue -q "$queue"
expect_exit 1 amqp-get -u "amqp://guest:guest@127.0.0.1:$MART_TEST_AMQP_PORT/%2F" -q "$queue"
expect_stderr ACCESS_REFUSED

# Kafka: the fixture's mock cluster, produce and consume back.
use_kafka
topic="smoke-$$-$RANDOM"
expect_exit 0 kcat -b "$MART_TEST_KAFKA_BOOTSTRAP" -L
check "the mock cluster has 3 brokers" grep -q '^ 3 brokers:' <<<"$OUT"
expect_exit 0 kcat -b "$MART_TEST_KAFKA_BOOTSTRAP" -P -t "$topic" <<<"$payload"
expect_exit 0 kcat -b "$MART_TEST_KAFKA_BOOTSTRAP" -C -t "$topic" -e -o beginning -q
expect_eq "$payload" "$OUT" "kcat consumes what kcat produced"
expect_exit 0 kcat -b "$MART_TEST_KAFKA_BOOTSTRAP" -P -t "$topic.idempotent" \
  -X enable.idempotence=true -X acks=all <<<"$payload"
expect_exit 0 kcat -b "$MART_TEST_KAFKA_BOOTSTRAP" -C -t "$topic.idempotent" -e -o beginning -q
expect_eq "$payload" "$OUT" "an idempotent producer (acks=all) delivers"

# A cluster of the script's own, its brokers taken down and up again.
own_kafka
expect_exit 0 kafka_sh down "$OWN_KAFKA_DIR"
expect_exit 1 kcat -b "$OWN_KAFKA_BOOTSTRAP" -L -m 1
expect_stderr "Failed to acquire metadata"
expect_exit 0 kafka_sh up "$OWN_KAFKA_DIR"
expect_exit 0 kcat -b "$OWN_KAFKA_BOOTSTRAP" -L -m 5
# An idempotent producer started while the leader of its partition is down delivers once
# that broker is up. (Its leader, not every broker: kcat quits when all are down, where
# librdkafka itself would keep retrying.)
expect_exit 0 kcat -b "$OWN_KAFKA_BOOTSTRAP" -L -t outage -J
leader=$(jq '.topics[0].partitions[] | select(.partition == 0) | .leader' <<<"$OUT")
expect_exit 0 kafka_sh down "$OWN_KAFKA_DIR" "$leader"
kcat -b "$OWN_KAFKA_BOOTSTRAP" -P -t outage -p 0 -X enable.idempotence=true -X acks=all \
  -X reconnect.backoff.max.ms=200 <<<"$payload" >"$E2E_ROOT/producer.out" 2>&1 &
producer=$!
sleep 1
check "the producer waits while the leader is down" kill -0 "$producer"
expect_exit 0 kafka_sh up "$OWN_KAFKA_DIR" "$leader"
producer_status=0
wait "$producer" || producer_status=$?
expect_eq 0 "$producer_status" "the producer delivered once the leader was up"
expect_exit 0 kcat -b "$OWN_KAFKA_BOOTSTRAP" -C -t outage -p 0 -e -o beginning -q
expect_eq "$payload" "$OUT" "the message is there, once"
expect_exit 1 kafka_sh down "$OWN_KAFKA_DIR" 9
expect_stderr "no broker 9"

finish
