#!/usr/bin/env bash
# The cluster figures of docs/BENCHMARKS.md ("Several martd on one PostgreSQL
# store"): one mart-bench table for SQLite (one martd), PostgreSQL with one
# martd, then PostgreSQL with two martd sharing one store and one signing key,
# all on a throwaway PostgreSQL server (tests/pg/pg-cluster.sh) on this machine.
#   scripts/bench-cluster.sh [MART-BENCH OPTION…]
# The options go to every run (default: -w get,list,place,login -c 64 -d 5 --json).
# Needs a built tree (scripts/build.sh build) and PostgreSQL (scripts/deps.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MART_BUILD_DIR:-$root/build}
bench="$build/apps/mart-bench/mart-bench"
martd="$build/martd/martd"
martctl="$build/martctl/martctl"
[ "$#" -gt 0 ] || set -- -w get,list,place,login -c 64 -d 5 --json
work=$(mktemp -d /tmp/mart-bench-cluster.XXXXXX)
pids=()
finish() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  done
  bash "$root/tests/pg/pg-cluster.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap finish EXIT
bash "$root/tests/pg/pg-cluster.sh" start "$work/pg"
uri=$(bash "$root/tests/pg/pg-cluster.sh" uri "$work/pg")
psql "$uri" -qc 'CREATE DATABASE one' -c 'CREATE DATABASE two'

echo "== SQLite, and PostgreSQL with one martd" >&2
"$bench" --store sqlite --store "${uri/\/mart\?//one?}" "$@"

echo "== PostgreSQL with two martd" >&2
head -c 32 /dev/urandom >"$work/signing.key"
chmod 600 "$work/signing.key"
endpoints=()
for name in a b; do
  MART_DATA_DIR="$work/$name" "$martd" --detach --store "${uri/\/mart\?//two?}" \
    --signing-key "$work/signing.key" >/dev/null
  pids+=("$(head -n 1 "$work/$name/martd.lock")")
  MART_DATA_DIR="$work/$name" "$martctl" daemon wait --wait-timeout 30
  endpoints+=("ipc://$work/$name/run/martd.sock")
done
"$bench" --endpoint "${endpoints[0]},${endpoints[1]}" --data-dir "$work/a" "$@"
