#!/usr/bin/env bash
# Happy path of accounts through the real binaries: register, login, whoami,
# profile, addresses (first default, exactly one default), logout.
source "$(dirname "$0")/lib.sh"
start_daemon

user=$(register customer@example.com)
expect_eq 1 "$(jq -r .id <<<"$user")" "first user gets id 1"
expect_eq admin "$(jq -r .role <<<"$user")" "first user becomes admin"
expect_eq null "$(jq -r .password_hash <<<"$user")" "no password hash in the reply"
second=$(register shopper@example.com)
expect_eq user "$(jq -r .role <<<"$second")" "second user is a plain user"

login customer@example.com
check "credentials file is 0600" [ "$(stat -c %a "$MART_CREDENTIALS_FILE")" = 600 ]
check "no token printed by login" [ -z "$(printf 'Password123\n' | "$MARTCTL" auth login \
  --email customer@example.com --password-stdin 2>/dev/null | grep -o 'eyJ' || true)" ]

me=$("$MARTCTL" auth whoami -o json)
expect_eq customer@example.com "$(jq -r .email <<<"$me")" "whoami names the user"

a1=$("$MARTCTL" address add --line1 "123 Example Street" --line2 "Apt 4B" --city "Example City" \
  --state EX --postal-code 12345 --country "Example Country" -q)
a2=$("$MARTCTL" address add --line1 "9 Side Road" --city Elsewhere --postal-code 999 \
  --country "Example Country" -q)
expect_eq "1 2" "$a1 $a2" "address ids printed by -q"
list=$("$MARTCTL" address list -o json)
expect_eq "$a1" "$(jq -r '.[] | select(.is_default) | .id' <<<"$list")" "first address is the default"
"$MARTCTL" address set-default "$a2" >/dev/null
list=$("$MARTCTL" address list -o json)
expect_eq "$a2" "$(jq -r '[.[] | select(.is_default)] | map(.id) | join(",")' <<<"$list")" \
  "exactly one default after set-default"
"$MARTCTL" address remove "$a2" >/dev/null
list=$("$MARTCTL" address list -o json)
expect_eq "$a1" "$(jq -r '.[] | select(.is_default) | .id' <<<"$list")" \
  "removing the default promotes the remaining address"

"$MARTCTL" profile update --phone 555-000-1111 >/dev/null
profile=$("$MARTCTL" profile show -o json)
expect_eq 555-000-1111 "$(jq -r .phone <<<"$profile")" "profile update is kept"
expect_eq 1 "$(jq '.addresses | length' <<<"$profile")" "profile shows its addresses"

tsv=$("$MARTCTL" address list | head -n 1)
check "piped table output is tab-separated" grep -q $'\t' <<<"$tsv"

"$MARTCTL" auth logout >/dev/null 2>&1
check "logout forgets the saved tokens" [ "$(jq -r '.profiles.default.access_token // "gone"' \
  "$MART_CREDENTIALS_FILE")" = gone ]
# With no saved login left, martctl falls back to the operator cookie.
expect_exit 0 "$MARTCTL" auth whoami -o json
expect_eq true "$(jq -r .is_operator <<<"$OUT")" "after logout martctl acts as the local operator"
expect_exit 5 "$MARTCTL" profile show
expect_stderr "the local operator has no profile"
finish
