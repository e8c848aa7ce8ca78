#!/usr/bin/env bash
# A throwaway Kafka cluster for the tests (issue 20): kafka-mock (librdkafka's mock
# cluster, kafka_mock.cpp) in the background, its files in DIR.
#   tests/brokers/kafka.sh start DIR      starts it (3 brokers on 127.0.0.1) unless it runs;
#                                         returns once it takes connections
#   tests/brokers/kafka.sh stop DIR       stops it (SIGTERM by the PID it wrote) and waits
#   tests/brokers/kafka.sh bootstrap DIR  prints its bootstrap servers (host:port,…)
#   tests/brokers/kafka.sh env DIR        prints shell lines (export MART_TEST_KAFKA_BOOTSTRAP=…)
#   tests/brokers/kafka.sh down DIR [ID]  every broker (or broker ID) drops its connections
#                                         and refuses new ones; returns once that is done
#   tests/brokers/kafka.sh up DIR [ID]    they accept connections again
# The cluster keeps everything in memory: a stop loses every topic, and a new start has
# new ports. KAFKA_MOCK names the program (ctest sets it; default: the build tree's).
set -euo pipefail

usage="usage: kafka.sh start|stop|bootstrap|env|down|up DIR [ID]"
command=${1:?$usage}
dir=${2:?$usage}
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mock=${KAFKA_MOCK:-$here/../../build/tests/brokers/kafka-mock}

# running: the PID of DIR's kafka-mock when it runs (its own pid file, and that PID is a
# kafka-mock: never a process that reused the number).
running() {
  local pid
  pid=$(cat "$dir/pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = kafka-mock ] || return 1
  echo "$pid"
}

# wait_gone PID TENTHS: true once PID has exited (a zombie counts as gone).
wait_gone() {
  for _ in $(seq 1 "$2"); do
    [ -e "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ] ||
      return 0
    sleep 0.1
  done
  return 1
}

start() {
  running >/dev/null && return 0
  if [ ! -x "$mock" ]; then
    echo "kafka: $mock is not built (cmake --build build --target kafka-mock)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  rm -f "$dir/bootstrap" "$dir/pid"
  # Its own session, stdin and log: ctest waits for the output of what a test started.
  setsid "$mock" --brokers 3 --bootstrap-file "$dir/bootstrap" --pid-file "$dir/pid" \
    --control "$dir/control" </dev/null >"$dir/mock.log" 2>&1 &
  local launched=$!
  for _ in $(seq 1 100); do
    [ -s "$dir/bootstrap" ] && return 0
    kill -0 "$launched" 2>/dev/null || break
    sleep 0.1
  done
  echo "kafka: kafka-mock did not start; its log:" >&2
  cat "$dir/mock.log" >&2
  kill -TERM "$launched" 2>/dev/null || true
  exit 1
}

stop() {
  local pid
  pid=$(running) || return 0
  kill -TERM "$pid"
  wait_gone "$pid" 100 && return 0
  echo "kafka: kafka-mock $pid did not stop; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 100
}

# control LINE: sends LINE to kafka-mock and waits for its answer in the log ("ok …" or
# "error: …"); exits 1 on an error or when none comes within 10 s.
control() {
  running >/dev/null || { echo "kafka: no kafka-mock runs in $dir" >&2; exit 1; }
  local before answers
  # awk, not grep: under pipefail a grep that finds no answer yet (the first command, before
  # kafka-mock replied) would end this script silently.
  before=$(awk '/^(ok|error)/ { n++ } END { print n + 0 }' "$dir/mock.log")
  # kafka-mock holds the FIFO open for reading: the write never waits, unless it just died.
  timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$1" "$dir/control" ||
    { echo "kafka: could not send '$1' to kafka-mock ($dir/control)" >&2; exit 1; }
  for _ in $(seq 1 200); do
    answers=$(awk -v before="$before" '/^(ok|error)/ && ++n > before' "$dir/mock.log")
    if [ -n "$answers" ]; then
      case "$answers" in ok*) return 0 ;; *) echo "kafka: $answers" >&2; exit 1 ;; esac
    fi
    sleep 0.05
  done
  echo "kafka: kafka-mock did not answer '$1'" >&2
  exit 1
}

bootstrap() {
  running >/dev/null && [ -s "$dir/bootstrap" ] ||
    { echo "kafka: no kafka-mock runs in $dir (kafka.sh start)" >&2; exit 1; }
  cat "$dir/bootstrap"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  bootstrap) bootstrap ;;
  env) printf 'export MART_TEST_KAFKA_BOOTSTRAP=%q\n' "$(bootstrap)" ;;
  down | up) control "$command${3:+ $3}" ;;
  *)
    echo "kafka: unknown command '$command' ($usage)" >&2
    exit 2
    ;;
esac
