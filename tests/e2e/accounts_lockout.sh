#!/usr/bin/env bash
# Failed logins are limited per account and per source: a stranger's wrong
# passwords (over the REST bridge, from 127.0.0.2) lock out the stranger, not
# the owner logging in from 127.0.0.3 or with martctl; an admin unlocks the
# account (martctl user unlock) or sets a new password (martctl user
# set-password), which ends the old sessions.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
trap 'stop_rest; cleanup' EXIT

# login_from ADDRESS PASSWORD: alice's login through mart-rest from ADDRESS.
login_from() {
  http POST /api/v1/auth/login -H 'Content-Type: application/x-www-form-urlencoded' \
    --interface "$1" -d "username=alice@example.com&password=$2"
}

start_daemon
with_admin_and_user
ALICE=$(alice auth whoami -o json | jq .id)
start_rest
register_secret password Newpass456

# 1. A stranger guesses from 127.0.0.2: five failures, then even the right
# password is refused there...
for _ in 1 2 3 4 5; do
  login_from 127.0.0.2 Wrong0000
  expect_eq 401 "$STATUS" "a wrong password is 401"
done
login_from 127.0.0.2 Password123
expect_eq 429 "$STATUS" "the stranger's address is locked out"
check "with Retry-After" grep -qi '^Retry-After: [0-9]' <<<"$HEADERS"
check "naming the source" grep -q "from 127.0.0.2 (forwarded)" <<<"$BODY"

# ... while alice gets in from elsewhere, over REST and with martctl.
login_from 127.0.0.3 Password123
expect_eq 200 "$STATUS" "the owner logs in from another address"
check "martctl's login (the local source) works too" login alice@example.com Password123 alice
check "martd logged the failures with their source" \
  grep -q "request auth.login from anonymous at 127.0.0.2 (forwarded) failed" \
  "$MART_DATA_DIR/martd.log"

# 2. An admin unlocks the account.
expect_exit 4 alice user unlock "$ALICE"
expect_stderr "[PERMISSION_DENIED]"
expect_exit 0 admin user unlock "$ALICE" -o json
expect_eq "true|5" "$(jq -r '"\(.unlocked)|\(.failed_logins_cleared)"' <<<"$OUT")" \
  "unlock forgets the five failures"
login_from 127.0.0.2 Password123
expect_eq 200 "$STATUS" "after the unlock the right password works from anywhere"
expect_exit 3 admin user unlock 999
expect_stderr "[NOT_FOUND]"

# 3. An admin sets a new password: read from stdin, never argv; alice's
# sessions end; the old password stops working.
expect_exit 2 admin user set-password "$ALICE" </dev/null
expect_stderr "--new-password"
expect_exit 2 admin user set-password "$ALICE" --password-stdin <<<"weak"
expect_stderr "--new-password"
expect_exit 0 admin user set-password "$ALICE" --password-stdin -o json <<<"Newpass456"
expect_eq "$ALICE|true" "$(jq -r '"\(.id)|\(.password_changed)"' <<<"$OUT")" "password set"
expect_exit 4 alice auth whoami
expect_stderr "[UNAUTHENTICATED]"
login_from 127.0.0.3 Password123
expect_eq 401 "$STATUS" "the old password no longer works"
login_from 127.0.0.3 Newpass456
expect_eq 200 "$STATUS" "the new one does"
check "the admin's own session goes on" admin auth whoami
expect_exit 0 as_operator events tail --from-beginning --topic 'user.*' -o json
check "user.unlocked and the admin's user.password_changed are in the event log" \
  test "$(jq -rs '[.[] | select(.topic == "user.unlocked" or
    (.topic == "user.password_changed" and .data.by == "user 1"))] | length' <<<"$OUT")" = 2

finish
