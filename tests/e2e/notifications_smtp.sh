#!/usr/bin/env bash
# Notifications end to end, with a real SMTP server (aiosmtpd writing a
# maildir): without --smtp-url notifications are only stored; with it they are
# mailed to the recipient; while the server is down they show `failed` with
# the error and are retried until they arrive, exactly once; a graceful
# restart of martd, even right after notifications were created, mails none
# of them twice; with --smtp-user, a server that offers no STARTTLS gets
# neither the password nor mail unless --smtp-allow-plaintext-auth says so.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"

PYTHON=/usr/bin/python3  # the system python, which has aiosmtpd
MAILDIR="$E2E_ROOT/maildir"
SMTP_PID=""
SMTP_PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start_smtp() {
  "$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" \
    >"$E2E_ROOT/smtp.log" 2>&1 &
  SMTP_PID=$!
  for _ in $(seq 1 200); do
    if "$PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1)" \
      2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "the SMTP server did not start: $(cat "$E2E_ROOT/smtp.log")" >&2
  return 1
}
stop_smtp() {
  [ -n "$SMTP_PID" ] || return 0
  kill "$SMTP_PID" 2>/dev/null || true
  wait "$SMTP_PID" 2>/dev/null || true
  SMTP_PID=""
}
AUTH_PID=""
stop_auth_smtp() {
  [ -n "$AUTH_PID" ] || return 0
  kill "$AUTH_PID" 2>/dev/null || true
  wait "$AUTH_PID" 2>/dev/null || true
  AUTH_PID=""
}
trap 'stop_rest; stop_smtp; stop_auth_smtp; cleanup' EXIT

SMTP_FLAGS=(--smtp-url "smtp://127.0.0.1:$SMTP_PORT" --smtp-from shop@example.org)

# Every message the server received, concatenated; and how many lines match.
all_mail() { find "$MAILDIR" -type f \( -path '*/new/*' -o -path '*/cur/*' \) -exec cat {} + || true; }
mails() { all_mail | grep -c "$1" || true; }
# wait_for DESCRIPTION CMD...: polls (up to 60 s) until CMD succeeds.
wait_for() {
  local what=$1
  shift
  for _ in $(seq 1 600); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  fail "timed out waiting for: $what"
  return 1
}
# status_of SUBJECT_PREFIX -> the delivery status of the newest such notification.
status_of() {
  as_operator notification list -o json |
    jq -r --arg s "$1" '[.[] | select(.subject | startswith($s))][0].status // "none"'
}
status_is() { [ "$(status_of "$1")" = "$2" ]; }
all_sent() {
  [ "$(as_operator notification list --limit 1000 -o json |
    jq '[.[] | select(.status == "pending" or .status == "failed")] | length')" = 0 ]
}

# 1. No SMTP configured: stored, never mailed.
start_daemon
register admin@example.com >/dev/null
login admin@example.com Password123 admin
wait_for "the admin's welcome" status_is "Welcome to mart" stored
expect_eq stored "$(status_of "Welcome to mart")" "without --smtp-url a notification is stored"
stop_daemon

# Bad SMTP settings are refused before anything starts.
printf 'S3cret\n' >"$E2E_ROOT/smtp-password"
secret_input "$E2E_ROOT/smtp-password"
register_secret smtp-password S3cret
chmod 644 "$E2E_ROOT/smtp-password"
expect_exit 2 "$MARTD" "${SMTP_FLAGS[@]}" --smtp-password-file "$E2E_ROOT/smtp-password"
expect_stderr "chmod 600"
expect_exit 2 "$MARTD" --smtp-url "http://127.0.0.1:$SMTP_PORT"
expect_stderr "smtp://"

# 2. With SMTP: mailed to the recipient.
start_smtp
start_daemon "${SMTP_FLAGS[@]}"
register alice@example.com >/dev/null
login alice@example.com Password123 alice
wait_for "alice's welcome mailed" status_is "Welcome to mart" sent
expect_eq 1 "$(mails '^X-RcptTo: alice@example.com')" "one message to alice"
expect_eq 1 "$(mails '^Subject: Welcome to mart, Test')" "with the welcome subject"
expect_eq 1 "$(mails '^From: shop@example.org')" "from the --smtp-from address"
expect_eq 1 "$(mails '^Message-ID: <mart-notification-[0-9]*@example.org>')" "with a Message-ID"
expect_eq 1 "$(mails '^Date: ')" "with a Date"
expect_eq stored "$(as_operator notification list --type welcome --user-id 1 -o json |
  jq -r '.[0].status')" "the notification stored before stays stored (never mailed)"

alice address add --line1 "1 Main St" --city Town --postal-code 12345 --country XX -q >/dev/null
phone=$(as_operator product create --name 'Premium Smartphone' --category Electronics \
  --price 899.99 --quantity 50 -q)
expect_exit 0 alice order place --item "$phone:2" -o json
order=$(jq -r .id <<<"$OUT")
wait_for "order mails" all_sent
expect_eq 1 "$(mails "^Subject: Order $order placed")" "order placed mailed"
expect_eq 1 "$(mails "^Subject: Order $order is now processing")" "status change mailed"
expect_exit 0 alice notification list -o json
expect_eq 3 "$(jq length <<<"$OUT")" "alice sees her three notifications"
expect_eq "$(alice auth whoami -o json | jq .id)" "$(jq -r '[.[].user_id] | unique | .[0]' <<<"$OUT")" \
  "and only her own"
first=$(jq -r '.[0].id' <<<"$OUT")
expect_exit 0 alice notification mark-read "$first" -o json
expect_eq true "$(jq .is_read <<<"$OUT")" "mark-read"
expect_eq 2 "$(alice notification list --unread -o json | jq length)" "unread filter"
admin_note=$(admin notification list --type welcome -o json | jq -r '.[] | select(.user_id == 1) | .id')
expect_exit 3 alice notification get "$admin_note"
expect_stderr "[NOT_FOUND]"

# 3. The server goes away: failed with the error, then sent once it is back.
stop_smtp
as_operator inventory adjust "$phone" --delta -45 --reason damaged >/dev/null
wait_for "low stock alert failed" status_is "Low Stock Alert: Premium Smartphone" failed
expect_exit 0 admin notification list --type low_stock -o json
expect_eq failed "$(jq -r '.[0].status' <<<"$OUT")" "delivery failed while the server is down"
check "the error is kept" [ -n "$(jq -r '.[0].last_error // empty' <<<"$OUT")" ]
check "an attempt was counted" [ "$(jq '.[0].attempts' <<<"$OUT")" -ge 1 ]
start_smtp
wait_for "low stock alert sent" status_is "Low Stock Alert: Premium Smartphone" sent
expect_eq 1 "$(mails '^Subject: Low Stock Alert: Premium Smartphone')" "arrives exactly once"
expect_eq null "$(admin notification list --type low_stock -o json | jq '.[0].last_error')" \
  "no error once sent"

# 4. Graceful restarts, right after notifications were made and after delivery:
# nothing is mailed twice.
for n in 1 2 3 4 5; do register "user$n@example.com" >/dev/null; done
stop_daemon
start_daemon "${SMTP_FLAGS[@]}"
wait_for "welcomes after a restart" all_sent
stop_daemon
start_daemon "${SMTP_FLAGS[@]}"
register late@example.com >/dev/null
wait_for "the welcome made after the second restart" all_sent
sent=$(as_operator notification list --status sent --limit 1000 -o json | jq length)
ids=$(all_mail | grep '^Message-ID:' | sort)
expect_eq "$sent" "$(wc -l <<<"$ids" | tr -d ' ')" "one message per sent notification"
expect_eq "" "$(uniq -d <<<"$ids")" "no Message-ID twice"
expect_eq 1 "$(mails '^X-RcptTo: user3@example.com')" "user3's welcome once"

# 5. The REST bridge serves the same methods: a user's own, 404 for others'.
start_rest
http POST /api/v1/auth/login -H 'Content-Type: application/x-www-form-urlencoded' \
  -d 'username=alice@example.com&password=Password123'
TOKEN=$(jqb .access_token)
alice_id=$(alice auth whoami -o json | jq .id)
http GET '/api/v1/notifications/?unread=true&skip=0&limit=50' -H "$(auth)"
expect_eq "200|array" "$STATUS|$(jqb type)" "GET /notifications/ is 200 with an array"
expect_eq "$alice_id" "$(jqb '[.[].user_id] | unique | map(tostring) | join(",")')" \
  "only alice's notifications over REST"
unread=$(jqb '.[0].id')
http PUT "/api/v1/notifications/$unread/read" -H "$(auth)" -H 'Content-Type: application/json' \
  -d '{}'
expect_eq "200|true" "$STATUS|$(jqb .is_read)" "PUT /notifications/{id}/read marks it read"
http GET "/api/v1/notifications/$admin_note" -H "$(auth)"
expect_eq 404 "$STATUS" "another user's notification is 404"
http GET '/api/v1/notifications/?type=bogus' -H "$(auth)"
expect_eq 422 "$STATUS" "an unknown type is 422"
http GET /api/v1/notifications/
expect_eq 401 "$STATUS" "no token is 401"
stop_rest

# Several ids per command, and --all: only the caller's own are marked.
unread_ids=($(alice notification list --unread -q))
check "alice has unread notifications left" [ "${#unread_ids[@]}" -ge 1 ]
expect_exit 3 alice notification mark-read "${unread_ids[0]}" "$admin_note" -o json
expect_eq "[${unread_ids[0]}]" "$(jq -c '[.[].id]' <<<"$OUT")" \
  "several ids: hers is marked and printed in a list"
expect_stderr "notification $admin_note not found [NOT_FOUND]"
expect_exit 0 alice notification mark-read --all -o json
expect_eq "$((${#unread_ids[@]} - 1))" "$(jq .marked <<<"$OUT")" "--all marks the rest"
expect_eq 0 "$(alice notification list --unread -o json | jq length)" "none unread left"
expect_eq false "$(admin notification get "$admin_note" -o json | jq .is_read)" \
  "the admin's own notification stays unread"

# 6. SMTP AUTH over a server that offers AUTH but no STARTTLS (smtp_auth_server.py):
# the password goes over TLS only, so it gets no AUTH and no mail, and the
# error says why; with --smtp-allow-plaintext-auth the same mail is sent.
stop_daemon
stop_smtp
chmod 600 "$E2E_ROOT/smtp-password"
AUTH_PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
AUTH_LOG="$E2E_ROOT/smtp-auth.log"
AUTH_MAILDIR="$E2E_ROOT/auth-maildir"
: >"$AUTH_LOG"
"$PYTHON" "$E2E_DIR/smtp_auth_server.py" "$AUTH_PORT" "$AUTH_MAILDIR" "$AUTH_LOG" mailer \
  "$E2E_ROOT/smtp-password" >"$E2E_ROOT/smtp-auth.out" 2>&1 &
AUTH_PID=$!
wait_for "the AUTH server listens" "$PYTHON" -c \
  "import socket; socket.create_connection(('127.0.0.1', $AUTH_PORT), 1)"
AUTH_URL="smtp://127.0.0.1:$AUTH_PORT"
AUTH_FLAGS=(--smtp-url "$AUTH_URL" --smtp-from shop@example.org --smtp-user mailer
  --smtp-password-file "$E2E_ROOT/smtp-password")

# Settings that cannot work are refused at start.
expect_exit 2 "$MARTD" --smtp-url "$AUTH_URL" --smtp-allow-plaintext-auth
expect_stderr "--smtp-allow-plaintext-auth"
expect_exit 2 env -u MART_SMTP_PASSWORD "$MARTD" --smtp-url "$AUTH_URL" --smtp-user mailer
expect_stderr "--smtp-user mailer has no password"

start_daemon "${AUTH_FLAGS[@]}"
check "the start line says the password waits for STARTTLS" \
  grep -q "AUTH as mailer after STARTTLS only" "$MART_DATA_DIR/martd.log"
register tls@example.com >/dev/null
wait_for "the welcome to tls@ failed" status_is "Welcome to mart" failed
error=$(as_operator notification list --type welcome -o json |
  jq -r '[.[] | select(.status == "failed")][0].last_error // empty')
stop_daemon
check "the recorded error names the missing STARTTLS" grep -q "offers no STARTTLS" <<<"$error"
check "the recorded error names the way out" grep -q -- "--smtp-allow-plaintext-auth" <<<"$error"
check "martd's log says so too" grep -q "offers no STARTTLS" "$MART_DATA_DIR/martd.log"
check "no AUTH reached the server without TLS" test ! -s "$AUTH_LOG"
check "and no mail" test -z "$(find "$AUTH_MAILDIR" -type f 2>/dev/null)"

start_daemon "${AUTH_FLAGS[@]}" --smtp-allow-plaintext-auth
check "the start line says the password may go in clear text" \
  grep -q "in clear text when the server offers none" "$MART_DATA_DIR/martd.log"
wait_for "the welcome to tls@ sent in clear text" all_sent
check "AUTH reached the server" grep -q "^AUTH [A-Z]* mailer accepted$" "$AUTH_LOG"
check "the welcome arrived" grep -rq "^X-RcptTo: tls@example.com" "$AUTH_MAILDIR"
stop_auth_smtp

stop_daemon
finish
