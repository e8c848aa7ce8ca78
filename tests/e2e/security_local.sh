#!/usr/bin/env bash
# What martctl hands to a local socket, and to whom. The operator cookie goes
# only to the daemon whose data dir holds it (its endpoint is the cookie
# file's second line) and never with a method open to anyone: pointed at
# another martd, martctl sends no cookie, so that daemon cannot capture this
# one's operator rights. A socket served by another Unix user (one who bound
# the path first in a shared sticky directory) gets nothing at all, no
# password, token or cookie, and martctl names who answered.
source "$(dirname "$0")/lib.sh"
start_daemon
register admin@example.com >/dev/null

expect_eq "$ENDPOINT" "$(sed -n 2p "$MART_DATA_DIR/cookie")" "the cookie names its daemon's endpoint"
expect_exit 0 as_operator user list -o json
expect_eq 1 "$(jq length <<<"$OUT")" "the operator cookie works on its own daemon"

# A second daemon (think: someone else's, or a stale endpoint in a config).
OTHER="$E2E_ROOT/other"
OTHER_ENDPOINT="ipc://$OTHER/run/martd.sock"
MART_DATA_DIR="$OTHER" "$MARTD" --detach --password-cost minimum
MART_DATA_DIR="$OTHER" "$MARTCTL" daemon wait --wait-timeout 10
other_pid=$(head -n 1 "$OTHER/martd.lock")
expect_exit 4 as_operator --endpoint "$OTHER_ENDPOINT" user list
expect_stderr "user.list needs a login"
check "the other daemon was not handed this one's cookie" \
  bash -c "! grep -q 'operator cookie does not match' <<<\"\$1\"" _ "$ERR"
kill -TERM "$other_pid"
for _ in $(seq 1 100); do kill -0 "$other_pid" 2>/dev/null || break; sleep 0.1; done

# Socket squatting: another user binds the socket path first.
# Debian's python3: a python3 under root's home (pyenv) is not nobody's to run.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null &&
  [ -x /usr/bin/python3 ]; then
  SHARED=$(mktemp -d /tmp/mart-shared.XXXXXX)
  chmod 1777 "$SHARED"
  CAPTURE="$E2E_ROOT/captured"
  : >"$CAPTURE"
  # The impostor writes every byte it receives to CAPTURE (opened here, as root).
  setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(16)
print("ready", file=sys.stderr, flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(2)
    try:
        while True:
            data = c.recv(65536)
            if not data:
                break
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except OSError:
        pass
    c.close()
' "$SHARED/martd.sock" >"$CAPTURE" 2>"$E2E_ROOT/impostor.err" &
impostor=$!
  for _ in $(seq 1 100); do [ -S "$SHARED/martd.sock" ] && break; sleep 0.1; done
  check "the impostor listens on the shared path" test -S "$SHARED/martd.sock"
  expect_exit 4 bash -c 'printf "Password123\n" | "$MARTCTL" --endpoint "$1" auth login \
    --email admin@example.com --password-stdin' _ "ipc://$SHARED/martd.sock"
  expect_stderr "served by nobody"
  expect_stderr "another user may be posing as martd"
  expect_exit 4 as_operator --endpoint "ipc://$SHARED/martd.sock" user list
  expect_exit 4 "$MARTCTL" --endpoint "ipc://$SHARED/martd.sock" --token not-a-real-token auth whoami
  kill "$impostor" 2>/dev/null || true
  wait "$impostor" 2>/dev/null || true
  expect_eq 0 "$(stat -c %s "$CAPTURE")" "the impostor received not a single byte"
  rm -rf "$SHARED"
else
  echo "skipped: socket squatting needs root, the user nobody and setpriv"
fi

finish
