#!/usr/bin/env bash
# admin backup and admin verify against a serving martd: a backup taken while
# a background loop places orders verifies clean; the file is 0600; an
# existing file needs --force; a relative FILE is made absolute by martctl;
# a user is refused (exit 4); a tampered copy fails verify (exit 7).
source "$(dirname "$0")/lib.sh"
start_daemon
with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 1 --country US -q >/dev/null
pid=$(as_operator product create --name Widget --category Tools --price 10.00 --quantity 1000 -q)

# Writers keep going while the backups are taken.
(for _ in $(seq 1 30); do alice order place --item "$pid:1:10.00" -q >/dev/null || exit 1; done) &
writer=$!
mkdir -p "$E2E_ROOT/backups"
for n in 1 2 3; do
  expect_exit 0 admin admin backup "$E2E_ROOT/backups/mart-$n.db" -o json
done
wait "$writer" || fail "the order loop failed while backups were taken"
expect_eq "$E2E_ROOT/backups/mart-3.db" "$(jq -r .path <<<"$OUT")" "backup reports its path"
expect_eq "64" "$(jq -r '.sha256 | length' <<<"$OUT")" "backup reports a sha256"
expect_eq "600" "$(stat -c %a "$E2E_ROOT/backups/mart-3.db")" "backup file is mode 0600"

for n in 1 2 3; do
  expect_exit 0 admin admin verify "$E2E_ROOT/backups/mart-$n.db" -o json
  expect_eq "true" "$(jq -r .ok <<<"$OUT")" "backup $n taken under load verifies clean"
done

expect_exit 5 admin admin backup "$E2E_ROOT/backups/mart-1.db"
expect_stderr "pass --force to replace it"
expect_exit 0 admin admin backup "$E2E_ROOT/backups/mart-1.db" --force -q
relative=$(cd "$E2E_ROOT/backups" && admin admin backup relative.db -o json | jq -r .path)
expect_eq "$E2E_ROOT/backups/relative.db" "$relative" "a relative FILE is made absolute"
check "relative backup written" test -f "$E2E_ROOT/backups/relative.db"
expect_exit 2 admin admin backup "$E2E_ROOT/no-such-dir/mart.db"

expect_exit 4 alice admin backup "$E2E_ROOT/backups/alice.db"
check "a user's backup wrote nothing" test ! -e "$E2E_ROOT/backups/alice.db"
expect_exit 4 alice admin verify "$E2E_ROOT/backups/mart-1.db"

# A copy whose stock no longer matches its ledger fails verify.
cp "$E2E_ROOT/backups/mart-1.db" "$E2E_ROOT/backups/tampered.db"
if command -v sqlite3 >/dev/null; then
  sqlite3 "$E2E_ROOT/backups/tampered.db" "UPDATE inventory SET available = available + 7"
  expect_exit 7 admin admin verify "$E2E_ROOT/backups/tampered.db"
fi
head -c 4096 "$E2E_ROOT/backups/mart-1.db" >"$E2E_ROOT/backups/truncated.db"
set +e
admin admin verify "$E2E_ROOT/backups/truncated.db" -o json >/dev/null 2>&1
code=$?
set -e
check "a truncated copy does not verify (exit $code)" test "$code" -ne 0

# Restore: a backup taken now, one more order after it; the restore brings
# the stock back to the backup's.
available() { admin inventory get "$pid" -o json | jq -r .available_quantity; }
expect_exit 0 admin admin backup "$E2E_ROOT/backups/final.db" -q
at_backup=$(available)
alice order place --item "$pid:1:10.00" -q >/dev/null
check "the stock moved after the backup" test "$(available)" -ne "$at_backup"
expect_exit 5 "$MARTD" --restore "$E2E_ROOT/backups/final.db"
expect_stderr "FAILED_PRECONDITION"
stop_daemon
expect_exit 5 "$MARTD" --restore "$E2E_ROOT/backups/truncated.db"
check "a refused restore left mart.db in place" test -f "$MART_DATA_DIR/mart.db"
expect_exit 0 "$MARTD" --restore "$E2E_ROOT/backups/final.db"
check "the old database was kept aside" compgen -G "$MART_DATA_DIR/mart.db.before-restore-*"
expect_eq "600" "$(stat -c %a "$MART_DATA_DIR/mart.db")" "restored mart.db is mode 0600"
start_daemon
expect_eq "$at_backup" "$(available)" "the restored stock is the backup's"
expect_exit 0 as_operator admin check -o json
expect_eq "true" "$(jq -r .ok <<<"$OUT")" "admin check is clean after the restore"

finish
