#!/usr/bin/env bash
# Remote access over loopback TCP: martd --listen tcp:// is always CURVE
# encrypted with a key pair kept in its data dir (curve.key 0600, curve.pub);
# martctl config add-remote pins the public key in a profile, and everything
# works through it (token rules unchanged, events tail included); a wrong key
# and a plaintext client get no answer, and martctl says why. The live feed
# goes only to an admin who subscribes with credentials: anonymous callers and
# users are refused, and no event port is open beside the request port.
source "$(dirname "$0")/lib.sh"

expect_exit 2 "$MARTD" --listen tcp://127.0.0.1:0
expect_stderr "port from 1 to 65535"
expect_exit 2 "$MARTD" --listen udp://127.0.0.1:7000
expect_stderr "use ipc://PATH, or tcp://HOST:PORT (CURVE)"

# A free port pair: retry on the rare collision.
for _ in 1 2 3 4 5; do
  PORT=$((20000 + RANDOM % 30000))
  if "$MARTD" --detach --password-cost minimum --listen "tcp://127.0.0.1:$PORT" 2>"$E2E_ROOT/start.err"; then
    break
  fi
  PORT=
done
check "martd listens on loopback tcp" test -n "$PORT"
REMOTE="tcp://127.0.0.1:$PORT"
KEY=$(cat "$MART_DATA_DIR/curve.pub")
check "curve.key is 0600" test "$(stat -c %a "$MART_DATA_DIR/curve.key")" = 600
check "curve.pub holds a 40-character key" test "${#KEY}" -eq 40
check "the secret key is not in curve.pub" bash -c "! grep -qf '$MART_DATA_DIR/curve.pub' <(head -1 '$MART_DATA_DIR/curve.key')"
check "no ipc socket when listening on tcp" test ! -e "$MART_DATA_DIR/run/martd.sock"

# martctl as on "another machine": no data dir of martd's to read the key or
# the cookie from. (Only per command: the script's MART_DATA_DIR stays
# martd's, so cleanup stops the daemon whatever fails.)
far() { MART_DATA_DIR="$E2E_ROOT/elsewhere" "$MARTCTL" "$@"; }

expect_exit 2 far --endpoint "$REMOTE" daemon status
expect_stderr "needs martd's public key"
expect_exit 2 far config add-remote shop "$REMOTE" --key short
expect_stderr "40 Z85 characters"
expect_exit 2 far config add-remote shop "ipc:///tmp/x.sock" --key "$KEY"
expect_stderr "tcp://HOST:PORT"
WRONG='rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7'
expect_exit 6 far --timeout 1 config add-remote shop "$REMOTE" --key "$WRONG"
expect_stderr "key differs from the pinned server key"
check "a failed check saves nothing" test ! -e "$XDG_CONFIG_HOME/mart/martctl.toml"

expect_exit 0 far config add-remote shop "$REMOTE" --key "$KEY"
CONF="$XDG_CONFIG_HOME/mart/martctl.toml"
check "the config file is 0600" test "$(stat -c %a "$CONF")" = 600
expect_exit 0 far --profile shop daemon status -o json
expect_eq true "$(jq .ready <<<"$OUT")" "martd answers through the pinned key"
expect_eq "$KEY" "$(jq -r .server_key <<<"$OUT")" "daemon status shows the key clients pin"
expect_exit 5 far config add-remote shop "$REMOTE" --key "$KEY"
expect_stderr "already in"

# Token rules are unchanged over tcp.
shop() { far --profile shop "$@"; }
expect_exit 4 shop order list
expect_stderr "needs a login"
printf 'Password123\n' | shop auth register --password-stdin --email ann@example.com \
  --first-name Ann --last-name Lee -q >/dev/null
printf 'Password123\n' | shop auth login --email ann@example.com --password-stdin >/dev/null
expect_exit 0 shop auth whoami -o json
expect_eq ann@example.com "$(jq -r .email <<<"$OUT")" "login over CURVE"
expect_exit 0 shop product create --name Lamp --category Home --price 12.00 --quantity 3 -q
expect_exit 0 shop events tail --from-beginning -n 100 -o json
check "events are read over the remote profile" grep -q '"product.created"' <<<"$OUT"

# The live feed over tcp: the admin's follow receives a new event pushed on
# its own connection; nobody else is given the feed.
expect_exit 0 shop daemon status -o json
expect_eq "" "$(jq -r .events_endpoint <<<"$OUT")" "no open event socket on tcp"
shop events tail --follow -n 0 -o json >"$E2E_ROOT/feed.out" 2>"$E2E_ROOT/feed.err" &
tail_pid=$!
seen=
for _ in $(seq 1 100); do
  shop events publish erp.synced --data '{"batch": 7}' -q >/dev/null
  if grep -q '"erp.synced"' "$E2E_ROOT/feed.out"; then seen=1; break; fi
  sleep 0.2
done
kill -TERM "$tail_pid" 2>/dev/null || true
wait "$tail_pid" 2>/dev/null || true
check "an admin's events tail --follow receives the feed over tcp" test -n "$seen"
expect_exit 4 far --endpoint "$REMOTE" --server-key "$KEY" events subscribe
expect_stderr "needs a login"
printf 'Password123\n' | shop auth register --password-stdin --email bob@example.com \
  --first-name Bob --last-name Lee -q >/dev/null
printf 'Password123\n' | far --profile shop auth login --email bob@example.com --password-stdin >/dev/null
expect_exit 4 shop events subscribe
expect_stderr "is for admins only"

# The wrong key fails clearly; so does a plaintext client.
expect_exit 6 far --endpoint "$REMOTE" --server-key "$WRONG" --timeout 1 daemon status
expect_stderr "its key differs from the pinned server key"
set +e
printf '%s\n' '{"v":1,"id":"p","method":"daemon.status","params":{}}' |
  WIRE_SEND_TIMEOUT_MS=1000 "$WIRE_SEND" "$REMOTE" >/dev/null 2>&1
plain=$?
set -e
expect_eq 6 "$plain" "a plaintext client gets no answer"

# The key survives a restart: pinned profiles keep working.
stop_daemon
"$MARTD" --detach --password-cost minimum --listen "$REMOTE"
expect_eq "$KEY" "$(cat "$MART_DATA_DIR/curve.pub")" "same key after a restart"
expect_exit 0 shop daemon status
finish
