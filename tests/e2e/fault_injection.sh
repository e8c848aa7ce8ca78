#!/usr/bin/env bash
# Fault injection (martd --fault, testing/fault.h): martd crashes at each
# named point or fails a commit, and after a restart nothing acknowledged is
# lost, nothing is applied twice and admin check holds:
#   batch.after_commit   the reply is lost; the client's retry with the same
#                        frame (same idempotency key) replays, never duplicates
#   batch.before_commit  nothing of the batch exists, also with several
#                        concurrent requests in flight
#   worker.after_effect  the worker's effect and its cursor roll back together:
#                        the order's stock is reserved exactly once
#   backup.before_rename no half backup under the name; the next one works
#   commit.disk_full     a clear error, the daemon keeps answering, the next
#                        write works
# Then, where this user may mount a tmpfs: a really full disk gives a clear
# error while reads go on answering, and a read-only data dir stops martd's
# start with a clear message; the store stays whole.
source "$(dirname "$0")/lib.sh"
export WIRE_SEND_TIMEOUT_MS=2000

# crash_with POINT: restarts martd armed at POINT (first firing hit).
crash_with() {
  stop_daemon
  start_daemon --fault "$1"
}

# expect_crash POINT: martd exited at POINT, as the log says.
expect_crash() {
  local pid
  pid=$(daemon_pid)
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  check "martd crashed at $1" bash -c "! kill -0 $pid 2>/dev/null"
  check "its log names the point $1" grep -q "fault point $1: crashing" "$MART_DATA_DIR/martd.log"
  : >"$MART_DATA_DIR/martd.log"
}

expect_check_ok() {
  expect_exit 0 as_operator admin check -o json
  expect_eq "true" "$(jq .ok <<<"$OUT")" "admin check holds ($1)"
}

cookie() { echo "cookie:$(head -n1 "$MART_DATA_DIR/cookie")"; }

# An unknown point or a bad count is a usage error.
expect_exit 2 "$MARTD" --fault no.such.point
expect_stderr "unknown fault point 'no.such.point'"
expect_exit 2 "$MARTD" --fault batch.after_commit@0
check "--fault is hidden from --help" bash -c "! \"$MARTD\" --help | grep -q -- --fault"

start_daemon
with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 111 --country Land -q >/dev/null
KETTLE=$(as_operator product create --name Kettle --category Kitchen --price 30.00 --quantity 50 -q)
stock() { as_operator inventory get "$KETTLE" -o json | jq -r ".$1_quantity"; }

# --- batch.after_commit: the reply is lost, the retry replays.
crash_with batch.after_commit
FRAME='{"v":1,"id":"t1","method":"product.create","auth":"COOKIE","idempotency_key":"fault-key-1",'
FRAME+='"params":{"name":"Lamp","category":"Home","price":"12.00","quantity":5}}'
set +e
printf '%s\n' "${FRAME/COOKIE/$(cookie)}" | "$WIRE_SEND" "$ENDPOINT" >/dev/null
sent=$?
set -e
expect_eq 6 "$sent" "no reply: martd crashed after the commit"
expect_crash batch.after_commit
start_daemon
reply1=$(printf '%s\n' "${FRAME/COOKIE/$(cookie)}" | "$WIRE_SEND" "$ENDPOINT")
reply2=$(printf '%s\n' "${FRAME/COOKIE/$(cookie)}" | "$WIRE_SEND" "$ENDPOINT")
LAMP=$(jq -r .result.id <<<"$reply1")
check "the retry after the lost reply succeeds" test -n "$LAMP" -a "$LAMP" != null
expect_eq "$LAMP" "$(jq -r .result.id <<<"$reply2")" "a second retry replays the same product"
expect_eq 1 "$(as_operator product list --limit 100 -o json | jq '[.[] | select(.name == "Lamp")] | length')" \
  "the product was created once"

# --- batch.before_commit: nothing of the batch is applied.
crash_with batch.before_commit
expect_exit 6 alice --timeout 5 order place --no-wait --item "$KETTLE:2"
expect_crash batch.before_commit
start_daemon
expect_eq 0 "$(alice order list -o json | jq length)" "the order of the crashed batch does not exist"
expect_eq 50 "$(stock available)" "and no stock moved"

# Several requests in flight when the first batch dies: none is acknowledged,
# none applied, whichever of them the batch held.
crash_with batch.before_commit
for n in 1 2 3 4 5 6 7 8; do
  (alice --timeout 5 order place --no-wait --item "$KETTLE:1" -q >"$E2E_ROOT/placed.$n" 2>/dev/null || true) &
done
wait
expect_crash batch.before_commit
start_daemon
expect_eq 0 "$(cat "$E2E_ROOT"/placed.* | grep -c . || true)" "no order of the dead batch was acknowledged"
expect_eq 0 "$(alice order list -o json | jq length)" "and none of them exists"
expect_eq 50 "$(stock available)" "and still no stock moved"
expect_check_ok "after a crash in a batch of several requests"

# --- worker.after_effect: the worker's effect and its cursor roll back together.
admin worker pause inventory >/dev/null
ORDER=$(alice order place --no-wait --item "$KETTLE:3" -q)
reserved=$(stock reserved)
crash_with worker.after_effect
expect_exit 6 admin --timeout 5 worker resume inventory
expect_crash worker.after_effect
start_daemon
expect_eq "$reserved" "$(stock reserved)" "the crashed worker's reservation was rolled back"
admin worker resume inventory >/dev/null
expect_exit 0 alice order wait "$ORDER" --for processing --wait-timeout 10
expect_eq $((reserved + 3)) "$(stock reserved)" "the order's stock is reserved exactly once"
expect_check_ok "after a crash between a worker's effect and its cursor"

# --- backup.before_rename: no half copy under the name.
crash_with backup.before_rename
expect_exit 6 as_operator --timeout 5 admin backup "$E2E_ROOT/mart.bak"
expect_crash backup.before_rename
check "no backup under its name after the crash" test ! -e "$E2E_ROOT/mart.bak"
start_daemon
expect_exit 0 as_operator admin backup "$E2E_ROOT/mart.bak"
expect_exit 0 as_operator admin verify "$E2E_ROOT/mart.bak"

# --- commit.disk_full: a clear error, then business as usual.
crash_with commit.disk_full
expect_exit 6 alice order place --no-wait --item "$KETTLE:1"
expect_stderr "database or disk is full"
expect_exit 0 alice order list
expect_exit 0 alice order place --no-wait --item "$KETTLE:1"
expect_check_ok "after a failed commit"
stop_daemon

# --- A real full disk and a read-only data dir, on a small tmpfs.
SMALL="$E2E_ROOT/small"
mkdir -p "$SMALL"
if mount -t tmpfs -o size=3m,mode=0700 tmpfs "$SMALL" 2>/dev/null; then
  trap 'stop_daemon || true; umount "$SMALL" 2>/dev/null || true; rm -rf "$E2E_ROOT"' EXIT
  export MART_DATA_DIR="$SMALL/data"
  ENDPOINT="ipc://$MART_DATA_DIR/run/martd.sock"
  start_daemon
  long=$(head -c 1900 /dev/zero | tr '\0' 'x')
  for batch in $(seq 1 40); do
    for n in $(seq 1 50); do
      printf '{"name":"P%s-%s","category":"Fill","price":"1.00","quantity":1,"description":"%s"}\n' \
        "$batch" "$n" "$long"
    done >"$E2E_ROOT/fill.jsonl"
    if ! as_operator product import "$E2E_ROOT/fill.jsonl" >/dev/null 2>"$E2E_ROOT/fill.err"; then
      break
    fi
  done
  check "filling the disk ends in an error" test -s "$E2E_ROOT/fill.err"
  check "which says the disk is full" grep -q "disk is full" "$E2E_ROOT/fill.err"
  expect_exit 0 as_operator daemon status
  expect_exit 0 as_operator product list --limit 5
  expect_exit 0 as_operator admin check -o json
  expect_eq "true" "$(jq '.checks[] | select(.name == "integrity") | .ok' <<<"$OUT")" \
    "the full store passes integrity_check"
  stop_daemon
  mount -o remount,size=16m "$SMALL"
  start_daemon
  expect_exit 0 as_operator product create --name AfterFull --category Fill --price 1.00 -q
  stop_daemon
  # Read-only: martd cannot take its lock and says so; nothing is harmed.
  mount -o remount,ro "$SMALL"
  expect_exit 6 "$MARTD" --detach --password-cost minimum
  expect_stderr "Read-only file system"
  mount -o remount,rw "$SMALL"
  start_daemon
  expect_exit 0 as_operator product create --name Writable --category Fill --price 1.00 -q
  expect_exit 0 as_operator admin check -o json
  expect_eq "true" "$(jq .ok <<<"$OUT")" "admin check holds after the full disk and read-only spell"
  stop_daemon
else
  echo "skip: cannot mount a tmpfs here (needs root); the injected disk-full case ran above"
fi
finish
