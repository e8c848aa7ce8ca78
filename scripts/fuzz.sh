#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Builds the libFuzzer targets of tests/fuzz with clang in build-fuzz (or
# $MART_FUZZ_BUILD_DIR), replays each target's past reproducers
# (tests/fuzz/regressions/NAME), then runs it for SECONDS_PER_TARGET (default
# 12: about half a minute for all six on 2 cores, as many at once as cores)
# on a copy of its seed corpus, so the
# committed corpus never changes under you. Targets: envelope,
# dispatch, rest, http, product_file, jwt (default: all).
# Exits 1 when a target crashed, leaked, timed out or broke a property; the
# message names the reproducer. Longer runs: scripts/fuzz.sh 600 envelope.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-12}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(envelope dispatch rest http product_file jwt)
build=${MART_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_dir=$root/tests/fuzz

case $seconds in
  '' | *[!0-9]*) echo "fuzz: SECONDS_PER_TARGET must be a number, not '$seconds'" >&2; exit 2 ;;
esac
for target in "${targets[@]}"; do
  if [ ! -f "$fuzz_dir/${target}_fuzz.cpp" ]; then
    echo "fuzz: no target '$target' (tests/fuzz/${target}_fuzz.cpp)" >&2
    exit 2
  fi
done

echo "== fuzz: build (clang, libFuzzer + ASan + UBSan) in $build" >&2
# -O1: the usual trade-off for fuzzing between speed and compile time.
cmake -S "$root" -B "$build" -DMART_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# One target: its past reproducers, then the fuzzing; a file "failed" in its
# work dir when either failed.
run_target() {
  local target=$1 work=$build/fuzz-runs/$1 binary=$build/tests/fuzz/${1}_fuzz dict regressions
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp "$fuzz_dir/corpus/$target"/* "$work/corpus/"
  dict=()
  [ -f "$fuzz_dir/corpus/$target.dict" ] && dict=(-dict="$fuzz_dir/corpus/$target.dict")
  # Past crashes first, each once and whole: some are far larger than what
  # the fuzzer generates, and in its corpus they would set its input size.
  regressions=("$fuzz_dir/regressions/$target"/*)
  if [ -e "${regressions[0]}" ] && ! "$binary" -rss_limit_mb=2048 "${regressions[@]}" \
      >"$work/regressions.log" 2>&1; then
    touch "$work/failed"
    tail -n 40 "$work/regressions.log" >&2
    echo "fuzz: $target FAILED on a past reproducer; log: $work/regressions.log" >&2
    return
  fi
  echo "== fuzz: $target for ${seconds}s" >&2
  if "$binary" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
      "$work/corpus" >"$work/log" 2>&1; then
    echo "fuzz: $target: $(grep -E '^stat::number_of_executed_units|^Done ' "$work/log" | tr '\n' ' ')" >&2
  else
    touch "$work/failed"
    tail -n 40 "$work/log" >&2
    echo "fuzz: $target FAILED; full log: $work/log" >&2
    for artifact in "$work/artifacts"/*; do
      [ -e "$artifact" ] || continue
      echo "fuzz: reproducer: $artifact" >&2
      echo "fuzz:   rerun:    $binary $artifact" >&2
      echo "fuzz:   keep it:  cp $artifact $fuzz_dir/regressions/$target/<what-it-is>" >&2
    done
  fi
}

# As many targets at once as cores: each fuzzes on one core for its seconds,
# so the stage takes a third of the time on 2 cores with the same fuzzing.
running=()
for target in "${targets[@]}"; do
  if [ ${#running[@]} -ge "$jobs" ]; then
    wait "${running[0]}" || true
    running=("${running[@]:1}")
  fi
  run_target "$target" &
  running+=($!)
done
for pid in "${running[@]}"; do wait "$pid" || true; done
failed=()
for target in "${targets[@]}"; do
  [ -e "$build/fuzz-runs/$target/failed" ] && failed+=("$target")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${targets[*]}: no failure in ${seconds}s each" >&2
