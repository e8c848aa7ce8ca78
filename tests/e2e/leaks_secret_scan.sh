#!/usr/bin/env bash
# The secret-leak check itself (secret_scan.py, which every script's finish
# runs): it finds each kind of secret where it must not be, names the file
# and the kind but never prints the secret, and leaves alone the files whose
# job is to hold one. Then a real daemon's log and replies after logins,
# a card payment and errors are clean.
source "$(dirname "$0")/lib.sh"
SCAN="$E2E_DIR/secret_scan.py"
PLANT="$E2E_ROOT/plant"
KEY='0123456789abcdefFEDCBA9876543210'  # 32 bytes, as martd's signing.key

# plant FILE CONTENT: a fresh scan root holding one file; prints the scan's report.
plant() {
  rm -rf "$PLANT"
  mkdir -p "$PLANT/.secrets" "$PLANT/data"
  printf '%s' "$KEY" >"$PLANT/data/signing.key"
  printf 'c0ffee%.0s' $(seq 1 10) >"$PLANT/.secrets/operator-cookie.0"
  printf 'S3cretSmtp\n' >"$PLANT/.secrets/smtp-password.0"
  printf 'Password123\n' >"$PLANT/.secrets/password.0"
  printf '%s' "$2" >"$PLANT/$1"
  python3 "$SCAN" "$PLANT" || true
}
JWT='eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoiYWNjZXNzIn0.c2lnbmF0dXJlLW9mLTMyLWJ5dGVzLWxvbmctZW5vdWdo'

expect_eq "secret leak: reply.json: argon2 password hash" \
  "$(plant reply.json '{"hash":"$argon2id$v=19$m=8,t=1,p=1$abc"}')" "an argon2 hash in a reply"
expect_eq "secret leak: martd.log: card number" \
  "$(plant martd.log 'charging 4242 4242 4242 4242')" "a spaced card number in a log"
expect_eq "" "$(plant reply.json '{"card_last4":"4242","n":14242424242424242424}')" \
  "last four digits, or the digits inside a longer number, are no card"
expect_eq "secret leak: martd.log: token (JWT)" "$(plant martd.log "auth=$JWT")" \
  "a token in a log"
expect_eq "" "$(plant replies.out "{\"access_token\":\"$JWT\"}")" \
  "a token in a login reply (stdout) is what login is for"
expect_eq "secret leak: x.err: operator cookie" \
  "$(plant x.err "$(printf 'c0ffee%.0s' $(seq 1 10))")" "the cookie in stderr"
expect_eq "secret leak: mail.txt: smtp password" "$(plant mail.txt 'AUTH S3cretSmtp')" \
  "a registered secret"
expect_eq "secret leak: rest.log: password" "$(plant rest.log 'password=Password123')" \
  "a password in a log"
expect_eq "" "$(plant history 'password=Password123')" "passwords are looked for in logs only"
expect_eq "secret leak: dump.hex: token signing key" \
  "$(plant dump.hex "key $(printf '%s' "$KEY" | od -An -tx1 -v | tr -d ' \n')")" \
  "the signing key as hex"
expect_eq "secret leak: raw.bin: token signing key" "$(plant raw.bin "x${KEY}y")" \
  "the signing key as bytes"
expect_eq "" "$(plant credentials.json "{\"access_token\":\"$JWT\"}"; \
  printf 'SQLite format 3\0 $argon2id$' >"$PLANT/copy.db"; python3 "$SCAN" "$PLANT")" \
  "saved logins and databases hold secrets by design"
check "the report never holds the secret" \
  test -z "$(plant martd.log 'x 4000000000000002 y' | grep 4000000000000002)"
rm -rf "$PLANT"

# A real run: logins, a refresh, a card payment, a declined card, bad input.
start_daemon
with_admin_and_user
P=$(admin product create --name Lamp --category Home --price 10 --quantity 5 -q)
alice address add --line1 '1 Main St' --city Town --postal-code 1 --country XX -q >/dev/null
O=$(alice order place --item "$P:1" -q)
expect_exit 5 alice order pay "$O" --card-number 4000000000000002 --expiry 12/39 --cvc 123 -o json
expect_exit 0 alice order pay "$O" --card-number 4242424242424242 --expiry 12/39 --cvc 123 -o json
expect_exit 4 "$MARTCTL" --token not-a-token auth whoami
expect_exit 0 alice auth refresh -o json
expect_exit 0 admin user list -o json
expect_exit 0 admin events read -o json
finish
