#!/usr/bin/env bash
# Every error path of accounts maps to its code and exit status, and changes nothing.
source "$(dirname "$0")/lib.sh"
start_daemon

register admin@example.com >/dev/null
register alice@example.com >/dev/null
register bob@example.com >/dev/null

expect_exit 5 register ALICE@example.com
expect_stderr "already registered"
expect_stderr "[ALREADY_EXISTS]"
expect_exit 2 register weak@example.com password1
expect_stderr "password must contain at least one uppercase letter"
expect_exit 2 register short@example.com Ab1
expect_stderr "at least 8 characters"
expect_exit 2 register not-an-email Password123
expect_stderr "not a valid email address"
count=$(as_operator user list -o json | jq length)
expect_eq 3 "$count" "failed registrations created nobody (operator cookie lists users)"

expect_exit 4 login alice@example.com WrongPassword1
expect_stderr "incorrect email or password"
expect_exit 4 login nobody@example.com Password123
expect_stderr "incorrect email or password"

login alice@example.com Password123 alice
login bob@example.com Password123 bob
alice_address=$("$MARTCTL" --profile alice address add --line1 "1 A St" --city A \
  --postal-code 1 --country X -q)
expect_exit 3 "$MARTCTL" --profile bob address update "$alice_address" --city Stolen
expect_exit 3 "$MARTCTL" --profile bob address remove "$alice_address"
city=$("$MARTCTL" --profile alice address list -o json | jq -r '.[0].city')
expect_eq A "$city" "bob changed nothing of alice's"

expect_exit 4 "$MARTCTL" --profile bob user list
expect_stderr "[PERMISSION_DENIED]"
expect_exit 4 "$MARTCTL" --profile bob user set-role 3 admin
role=$(as_operator user get 3 -o json | jq -r .role)
expect_eq user "$role" "bob is still a user"

expect_exit 2 "$MARTCTL" user set-role 3 superuser
expect_exit 2 "$MARTCTL" address add --city X
expect_exit 2 "$MARTCTL" auth login --email a@example.com --password Secret123
expect_exit 2 "$MARTCTL" no-such-group
expect_exit 3 as_operator user get 999

for _ in 1 2 3 4 5; do login bob@example.com Nope12345 bob 2>/dev/null || true; done
expect_exit 6 login bob@example.com Password123 bob
expect_stderr "[RATE_LIMITED]"
finish
