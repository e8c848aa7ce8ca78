#!/usr/bin/env bash
# The second command of the README, and what CI runs: installs what is missing,
# builds, runs the whole suite with ctest, then builds again with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs the unit,
# integration and fuzz replay tests there (and martd's unit tests on
# PostgreSQL), then runs every libFuzzer target
# for a few seconds (scripts/fuzz.sh). MART_SKIP_SANITIZERS=1 and
# MART_SKIP_FUZZ=1 skip those stages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
# Each stage says when it starts, in seconds since the start, so a slow CI run shows where.
stage() { echo "== $* (at ${SECONDS} s)" >&2; }
# Runs ctest; when it fails, ends with what failed inside each failing test (GoogleTest's
# failure lines, e2e FAIL: lines), since a CI log often keeps only its last lines.
run_ctest() {
  local dir=$1
  shift
  local rc=0
  ctest --test-dir "$dir" --output-on-failure "$@" || rc=$?
  [ "$rc" = 0 ] && return 0
  local log="$dir/Testing/Temporary/LastTest.log"
  if [ -f "$log" ]; then
    echo "== what failed, from $log:"
    grep -a -E -A6 '(: Failure$|^\S*FAIL: |\[  FAILED  \] [A-Za-z])' "$log" | grep -a -v '^--$' | tail -n 60 || true
  fi
  return "$rc"
}

"$root/scripts/deps.sh"

stage build
"$root/scripts/build.sh" build
stage "test (all)"
# Twice as many tests as cores: many wait on a daemon, PostgreSQL or a socket rather
# than compute (the suite took 382 s at -j4 against 461 s at -j2 on 2 cores).
run_ctest "$root/build" -j "$((jobs * 2))"

if [ "${MART_SKIP_SANITIZERS:-0}" != 1 ]; then
  stage "build with ASan+UBSan"
  # Only what the sanitized run executes, at -O0 (Debug) to keep compiling short; each test
  # binary runs as 4 GoogleTest shards, since a sanitized process takes ~1 s just to start.
  cmake -S "$root" -B "$root/build-asan" -DMART_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DMART_TEST_SHARDS=4 >/dev/null
  cmake --build "$root/build-asan" -j "$jobs" --target \
    common_unit_tests martd_unit_tests martctl_unit_tests mart_rest_unit_tests mart_bench_unit_tests \
    integration_tests fuzz_replay
  stage "test (unit, integration and fuzz replays, sanitized)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest "$root/build-asan" -j "$jobs" -L 'unit|integration|fuzz|pg-sanitized'
fi

if [ "${MART_SKIP_FUZZ:-0}" != 1 ]; then
  # About a minute in all; longer on demand: scripts/fuzz.sh 600 envelope.
  stage fuzz
  "$root/scripts/fuzz.sh"
fi
stage done
