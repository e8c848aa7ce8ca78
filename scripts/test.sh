#!/usr/bin/env bash
# The second command of the README, and what CI runs: installs what is missing,
# builds, runs the whole suite with ctest, then builds again with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs the unit and
# integration tests there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

"$root/scripts/deps.sh"

echo "== build" >&2
"$root/scripts/build.sh" build
echo "== test (all)" >&2
ctest --test-dir "$root/build" --output-on-failure -j "$jobs"

if [ "${MART_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build with ASan+UBSan" >&2
  # Only what the sanitized run executes, at -O0 (Debug) to keep compiling short.
  cmake -S "$root" -B "$root/build-asan" -DMART_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$root/build-asan" -j "$jobs" --target \
    common_unit_tests martd_unit_tests martctl_unit_tests mart_rest_unit_tests integration_tests
  echo "== test (unit and integration, sanitized)" >&2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j "$jobs" -L 'unit|integration'
fi
