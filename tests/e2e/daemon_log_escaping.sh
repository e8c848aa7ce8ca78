#!/usr/bin/env bash
# What clients send can never forge a log line: an anonymous register whose
# email holds a newline, a fake log line and ESC (martctl and REST), and a
# request path with control characters (mart-rest's access line) each leave
# one line, escaped (\n, \x1b), and no raw control character in the logs.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
trap 'stop_rest; cleanup' EXIT

FORGED='2026-01-01T00:00:00.000000+00:00 martd WARN forged'
EMAIL=$'ann@example.com\r\n'"$FORGED"$'\e[31m'

start_daemon
expect_exit 2 "$MARTCTL" auth register --password-stdin --email "$EMAIL" \
  --first-name Ann --last-name Lee <<<"Password123"
expect_stderr "[INVALID_ARGUMENT]"

start_rest
http POST /api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"email":"bob@example.com\n'"$FORGED"'\u001b[2K","password":"Password123","first_name":"B","last_name":"C"}'
expect_eq 422 "$STATUS" "the bad email is 422 over REST"
http GET '/api/v1/products/%1b%5b31m%0d%0a'"${FORGED// /%20}"
check "the control-character path got an answer" test -n "$STATUS"
stop_rest
stop_daemon

# lacks PATTERN FILE: no line of FILE matches.
lacks() { ! grep -q -- "$1" "$2"; }

LOG="$MART_DATA_DIR/martd.log"
check "no raw ESC in martd's log" lacks $'\e' "$LOG"
check "no raw CR in martd's log" lacks $'\r' "$LOG"
check "no forged line in martd's log" lacks "^$FORGED" "$LOG"
expect_eq 1 "$(grep -c 'request auth.register from anonymous .*ann@example.com' "$LOG")" \
  "martctl's register is one line"
check "with CR, LF and ESC escaped" \
  grep -qF "ann@example.com\\r\\n$FORGED\\x1b[31m' is not a valid email address" "$LOG"
expect_eq 1 "$(grep -c 'request auth.register from anonymous .*bob@example.com' "$LOG")" \
  "the REST register is one line"
check "escaped too" grep -qF "bob@example.com\\n$FORGED\\x1b[2K" "$LOG"

REST_LOG="$E2E_ROOT/rest.log"
check "no raw ESC in mart-rest's log" lacks $'\e' "$REST_LOG"
check "no raw CR in mart-rest's log" lacks $'\r' "$REST_LOG"
check "no forged line in mart-rest's log" lacks "^$FORGED" "$REST_LOG"
expect_eq 1 "$(grep -c '^mart-rest: GET /api/v1/products/' "$REST_LOG")" \
  "the control-character path is one access line"
finish
