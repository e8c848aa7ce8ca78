#!/usr/bin/env bash
# Configures and builds mart into a build directory.
#   scripts/build.sh [BUILD_DIR] [extra cmake args…]   (default BUILD_DIR: build)
# $MART_TARGETS (space-separated) limits the build to those targets.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build}
shift || true
case "$dir" in /*) ;; *) dir="$root/$dir" ;; esac
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# shellcheck disable=SC2086  # MART_TARGETS is a word list on purpose
cmake --build "$dir" -j "$jobs" ${MART_TARGETS:+--target $MART_TARGETS}
