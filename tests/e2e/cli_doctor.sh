#!/usr/bin/env bash
# martctl doctor end to end: with no daemon it names the missing socket and
# exits 7; on a healthy set-up every row is ok and it exits 0; a cookie or
# saved-logins file readable by others, a data dir writable by others, a
# martd.toml with a section and a missing SMTP password file are each a problem (exit 7)
# with a hint, and fixing them makes doctor pass again.
source "$(dirname "$0")/lib.sh"

# status CHECK: the status of one row of the last -o json run.
status() { jq -r --arg c "$1" '.[] | select(.check == $c) | .status' <<<"$OUT"; }
hint() { jq -r --arg c "$1" '.[] | select(.check == $c) | .hint' <<<"$OUT"; }

expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status daemon)" "no daemon: the daemon row is a problem"
expect_eq warn "$(status data-dir)" "no data dir yet: a warning, not a problem"
check "the hint says how to start martd" grep -q "martd --detach" <<<"$(hint daemon)"

start_daemon
expect_exit 0 "$MARTCTL" doctor -o json
expect_eq "" "$(jq -r '.[] | select(.status != "ok") | .check' <<<"$OUT")" "a fresh set-up is all ok"
for row in config martd-config data-dir store wal signing-key cookie credentials socket daemon disk; do
  expect_eq "$row" "$(jq -r --arg c "$row" '.[] | select(.check == $c) | .check' <<<"$OUT")" \
    "doctor has the $row check"
done
check "the daemon row names martd's version" grep -q "martd $("$MARTCTL" version -o json | jq -r .martctl)" \
  <<<"$(jq -r '.[] | select(.check == "daemon") | .detail' <<<"$OUT")"

expect_exit 0 "$MARTCTL" doctor
check "the table has one line per check" test "$(wc -l <<<"$OUT")" -eq 11

expect_exit 0 "$MARTCTL" doctor -q
expect_eq "" "$OUT" "doctor -q prints nothing when all is ok"

chmod 644 "$MART_DATA_DIR/cookie"
expect_exit 7 "$MARTCTL" doctor -q
check "doctor -q prints only the cookie row" test "$(cut -f1 <<<"$OUT")" = cookie
expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status cookie)" "a cookie readable by others is a problem"
expect_eq "chmod 600 $MART_DATA_DIR/cookie" "$(hint cookie)" "with the command that fixes it"
chmod 600 "$MART_DATA_DIR/cookie"

register alice@example.com >/dev/null
login alice@example.com
chmod 640 "$MART_CREDENTIALS_FILE"
expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status credentials)" "saved logins readable by others are a problem"
chmod 600 "$MART_CREDENTIALS_FILE"

chmod 644 "$MART_DATA_DIR/signing.key"
expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status signing-key)" "a signing key readable by others is a problem"
chmod 600 "$MART_DATA_DIR/signing.key"

chmod 755 "$MART_DATA_DIR"
expect_exit 0 "$MARTCTL" doctor -o json
expect_eq warn "$(status data-dir)" "a data dir readable by others is a warning"
chmod 777 "$MART_DATA_DIR"
expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status data-dir)" "a data dir writable by others is a problem"
chmod 700 "$MART_DATA_DIR"

mkdir -p "$XDG_CONFIG_HOME/mart"
printf '[smtp]\nurl = "smtp://127.0.0.1:25"\n' >"$XDG_CONFIG_HOME/mart/martd.toml"
expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status martd-config)" "a martd.toml with a section (martd refuses it) is a problem"
printf 'data-dir = "%s"\n' "$E2E_ROOT/elsewhere" >"$XDG_CONFIG_HOME/mart/martd.toml"
expect_exit 0 "$MARTCTL" doctor -o json
expect_eq warn "$(status martd-config)" "martd.toml naming another data dir is a warning"
printf 'smtp-password-file = "%s"\n' "$E2E_ROOT/smtp.pw" >"$XDG_CONFIG_HOME/mart/martd.toml"
expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status smtp-password)" "a missing SMTP password file is a problem"
(umask 022 && echo secret >"$E2E_ROOT/smtp.pw")
expect_exit 7 "$MARTCTL" doctor -o json
expect_eq problem "$(status smtp-password)" "an SMTP password file readable by others is a problem"
check "the detail never shows the password" bash -c '! grep -q secret <<<"$0"' "$OUT"
chmod 600 "$E2E_ROOT/smtp.pw"
expect_exit 0 "$MARTCTL" doctor -o json
expect_eq ok "$(status smtp-password)" "a 0600 SMTP password file is ok"

stop_daemon
expect_exit 7 "$MARTCTL" doctor
check "a stopped daemon shows as a problem in the table" grep -q "^daemon	problem" <<<"$OUT"

finish
