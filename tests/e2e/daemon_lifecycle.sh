#!/usr/bin/env bash
# The daemon as a process: private data dir, one daemon per data dir, clean
# SIGTERM, malformed and oversized frames answered without harm, and a client
# that fails fast (exit 6) when no daemon runs.
source "$(dirname "$0")/lib.sh"

expect_exit 6 "$MARTCTL" daemon status
expect_stderr "not running"
expect_exit 6 "$MARTCTL" auth whoami

expect_exit 2 "$MARTD" --no-such-flag
expect_stderr "run 'martd --help'"
expect_exit 2 "$MARTD" --listen inproc://mart
expect_stderr "use ipc://PATH, or tcp://HOST:PORT (CURVE)"
expect_exit 0 "$MARTD" --version
# martctl's version and help need no daemon (none runs yet).
expect_exit 0 "$MARTCTL" --version
expect_eq "martctl $(jq -r .martctl <<<"$("$MARTCTL" version -o json)")" "$OUT" \
  "martctl --version names the version martctl version prints"
expect_exit 0 "$MARTCTL" -V
expect_exit 0 "$MARTCTL" help order place
check "martctl help order place is that command's help" grep -q "martctl order place" <<<"$OUT"
expect_exit 2 "$MARTCTL" help no-such-group
expect_exit 2 "$MARTCTL" --profil x version
expect_stderr "unknown flag --profil; did you mean --profile?"
expect_exit 2 "$MARTCTL" order pay 66f1c0ffee0000000000abcd --exp 12/39
expect_stderr "unknown flag --exp; did you mean --expiry?"

# --detach says what started where, in one line.
expect_exit 0 "$MARTD" --detach --password-cost minimum
check "martd --detach prints one line" [ "$(wc -l <<<"$OUT")" = 1 ]
check "the line names the pid, the endpoint and the log" \
  grep -q "^martd .* started in the background: pid $(daemon_pid), serving ipc://$MART_DATA_DIR/run/martd.sock, data $MART_DATA_DIR, log $MART_DATA_DIR/martd.log\$" <<<"$OUT"
"$MARTCTL" daemon wait --wait-timeout 10
remember_cookie
# martctl daemon stop: admins and the operator only; --wait returns once it is gone.
register alice@example.com >/dev/null
register bob@example.com >/dev/null   # not the first account: a user
login bob@example.com Password123 bob
expect_exit 4 "$MARTCTL" --profile bob daemon stop
expect_stderr "PERMISSION_DENIED"
pid=$(daemon_pid)
expect_exit 0 "$MARTCTL" daemon stop --wait -o json
expect_eq true "$(jq -r .stopped <<<"$OUT")" "daemon stop --wait says it stopped"
expect_eq "$pid" "$(jq -r .pid <<<"$OUT")" "daemon stop names the pid it stopped"
check "the stopped martd is gone" bash -c "! kill -0 $pid 2>/dev/null"
check "it removed its socket" [ ! -e "$MART_DATA_DIR/run/martd.sock" ]
expect_exit 6 "$MARTCTL" daemon status

start_daemon
check "data dir is 0700" [ "$(stat -c %a "$MART_DATA_DIR")" = 700 ]
check "signing key is 0600" [ "$(stat -c %a "$MART_DATA_DIR/signing.key")" = 600 ]
check "cookie is 0600" [ "$(stat -c %a "$MART_DATA_DIR/cookie")" = 600 ]
check "socket dir is 0700" [ "$(stat -c %a "$MART_DATA_DIR/run")" = 700 ]
status=$("$MARTCTL" daemon status -o json)
expect_eq true "$(jq -r .ready <<<"$status")" "daemon reports ready"

expect_exit 5 "$MARTD" --password-cost minimum --listen "ipc://$E2E_ROOT/second.sock"
expect_stderr "another martd"
expect_exit 0 "$MARTCTL" daemon status

if [ -n "${WIRE_SEND:-}" ]; then
  replies=$(printf '%s\n' 'not json' '{"v":1,"id":"a","method":"nope.nope"}' \
    '{"v":1,"id":"b","method":"auth.register","params":{"email":[]}}' | "$WIRE_SEND" "$ENDPOINT")
  expect_eq "INVALID_ARGUMENT INVALID_ARGUMENT INVALID_ARGUMENT" \
    "$(jq -r .error.code <<<"$replies" | xargs)" "malformed frames get INVALID_ARGUMENT"
  big=$("$WIRE_SEND" "$ENDPOINT" --bytes 2000000)
  expect_eq INVALID_ARGUMENT "$(jq -r .error.code <<<"$big")" "oversized frame gets an error reply"
  expect_exit 0 "$MARTCTL" daemon status
fi

printf 'Password123\n' | "$MARTCTL" auth register --password-stdin --email a@example.com \
  --first-name A --last-name B >/dev/null
pid=$(daemon_pid)
kill -TERM "$pid"
set +e
for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
set -e
check "SIGTERM stops the daemon" bash -c "! kill -0 $pid 2>/dev/null"
check "the cookie is removed at stop" [ ! -e "$MART_DATA_DIR/cookie" ]
expect_exit 6 "$MARTCTL" daemon status

start_daemon
count=$("$MARTCTL" user list --email a@example.com -o json | jq length)
expect_eq 1 "$count" "registered user survives a restart"
check "the start-up integrity check passes on a sound store" \
  bash -c "for _ in \$(seq 1 100); do grep -q 'quick_check) of the store: ok' '$MART_DATA_DIR/martd.log' && exit 0; sleep 0.1; done; exit 1"

# A damaged store: martd serves while its quick_check runs (seconds on a big
# store), then stops with exit 1 and says why. The damage is an index page
# nothing reads at start (products_name's root page gets an invalid type).
stop_daemon
python3 - "$MART_DATA_DIR/mart.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'products_name'").fetchone()[0]
size = db.execute("PRAGMA page_size").fetchone()[0]
db.close()
with open(sys.argv[1], "r+b") as f:
    f.seek((root - 1) * size)
    f.write(b"\xff")
PY
set +e
"$MARTD" --password-cost minimum 2>"$E2E_ROOT/damaged.log" &
damaged=$!
for _ in $(seq 1 300); do kill -0 "$damaged" 2>/dev/null || break; sleep 0.1; done
kill -0 "$damaged" 2>/dev/null && kill -KILL "$damaged"
wait "$damaged"
code=$?
set -e
expect_eq 1 "$code" "martd stops with exit 1 when the store fails its integrity check"
check "its log says the check failed" grep -q "integrity check failed" "$E2E_ROOT/damaged.log"
check "it removed its socket on the way out" [ ! -e "$MART_DATA_DIR/run/martd.sock" ]
expect_exit 6 "$MARTCTL" daemon status
finish
