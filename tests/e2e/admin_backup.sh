#!/usr/bin/env bash
# admin backup and admin verify against a serving martd: a backup taken while
# a background loop places orders verifies clean; the file is 0600; an
# existing file needs --force, which replaces only a regular file; a bare
# name goes into the backup dir; a logged-in admin may use only that dir
# (exit 4) while the local operator may name another; nobody may write into
# the data dir (the live store and the signing key survive); a user is
# refused (exit 4); a tampered copy fails verify (exit 7). Then martd
# --restore: refused while martd runs, refused from the data dir, two in the
# same second keep both saved databases, a failed last step puts the old one
# back, and the restored store is the backup's.
source "$(dirname "$0")/lib.sh"
start_daemon
with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 1 --country US -q >/dev/null
pid=$(as_operator product create --name Widget --category Tools --price 10.00 --quantity 1000 -q)
BACKUPS="$MART_DATA_DIR/backups"
check "the backup dir is made 0700 at start" test "$(stat -c %a "$BACKUPS")" = 700

# Writers keep going while the backups are taken.
(for _ in $(seq 1 30); do alice order place --item "$pid:1:10.00" -q >/dev/null || exit 1; done) &
writer=$!
for n in 1 2 3; do
  expect_exit 0 admin admin backup "mart-$n.db" -o json
done
wait "$writer" || fail "the order loop failed while backups were taken"
expect_eq "$BACKUPS/mart-3.db" "$(jq -r .path <<<"$OUT")" "a bare name goes into the backup dir"
expect_eq "64" "$(jq -r '.sha256 | length' <<<"$OUT")" "backup reports a sha256"
expect_eq "600" "$(stat -c %a "$BACKUPS/mart-3.db")" "backup file is mode 0600"

for n in 1 2 3; do
  expect_exit 0 admin admin verify "mart-$n.db" -o json
  expect_eq "true" "$(jq -r .ok <<<"$OUT")" "backup $n taken under load verifies clean"
done

expect_exit 5 admin admin backup mart-1.db
expect_stderr "pass --force to replace it"
expect_exit 0 admin admin backup mart-1.db --force -q

# A token (perhaps from another machine) does not choose where martd writes.
mkdir -p "$E2E_ROOT/backups"
expect_exit 4 admin admin backup "$E2E_ROOT/backups/by-token.db"
expect_stderr "backups stay in martd's backup dir"
check "the token's backup wrote nothing" test ! -e "$E2E_ROOT/backups/by-token.db"
expect_exit 4 admin admin verify "$E2E_ROOT/backups/by-token.db"
expect_exit 0 as_operator admin backup "$E2E_ROOT/backups/mart-1.db" -o json
expect_eq "$E2E_ROOT/backups/mart-1.db" "$(jq -r .path <<<"$OUT")" "the operator may name a path"
relative=$(cd "$E2E_ROOT/backups" && as_operator admin backup ./relative.db -o json | jq -r .path)
expect_eq "$E2E_ROOT/backups/relative.db" "$relative" "a relative FILE is made absolute"
check "relative backup written" test -f "$E2E_ROOT/backups/relative.db"
expect_exit 2 as_operator admin backup "$E2E_ROOT/no-such-dir/mart.db"

# The data dir is the live store: a backup over it, or over the signing key,
# would leave a martd that cannot start. Nobody writes there.
key_before=$(sha256sum <"$MART_DATA_DIR/signing.key")
for target in mart.db signing.key cookie; do
  expect_exit 2 as_operator admin backup "$MART_DATA_DIR/$target" --force
  expect_stderr "is in martd's data dir"
  expect_exit 2 admin admin backup "$BACKUPS/../$target" --force
done
expect_eq "$key_before" "$(sha256sum <"$MART_DATA_DIR/signing.key")" "the signing key is untouched"
mkfifo "$E2E_ROOT/backups/fifo"
ln -s "$E2E_ROOT/backups/mart-1.db" "$E2E_ROOT/backups/link.db"
for target in fifo link.db; do
  expect_exit 2 as_operator admin backup "$E2E_ROOT/backups/$target" --force
  expect_stderr "a backup replaces only a regular file"
done
check "the FIFO is still a FIFO" test -p "$E2E_ROOT/backups/fifo"
rm "$E2E_ROOT/backups/fifo"  # the secret scan at the end would block reading it
check "the symlink is still a symlink" test -L "$E2E_ROOT/backups/link.db"

expect_exit 4 alice admin backup alice.db
check "a user's backup wrote nothing" test ! -e "$BACKUPS/alice.db"
expect_exit 4 alice admin verify mart-1.db

# A copy whose stock no longer matches its ledger fails verify.
cp "$E2E_ROOT/backups/mart-1.db" "$E2E_ROOT/backups/tampered.db"
if command -v sqlite3 >/dev/null; then
  sqlite3 "$E2E_ROOT/backups/tampered.db" "UPDATE inventory SET available = available + 7"
  expect_exit 7 as_operator admin verify "$E2E_ROOT/backups/tampered.db"
fi
head -c 4096 "$E2E_ROOT/backups/mart-1.db" >"$E2E_ROOT/backups/truncated.db"
set +e
as_operator admin verify "$E2E_ROOT/backups/truncated.db" -o json >/dev/null 2>&1
code=$?
set -e
check "a truncated copy does not verify (exit $code)" test "$code" -ne 0

# Restore: a backup taken now, one more order after it; the restore brings
# the stock back to the backup's.
available() { as_operator inventory get "$pid" -o json | jq -r .available_quantity; }
expect_exit 0 admin admin backup final.db -q
at_backup=$(available)
alice order place --item "$pid:1:10.00" -q >/dev/null
after_backup=$(available)
check "the stock moved after the backup" test "$after_backup" -ne "$at_backup"
expect_exit 5 "$MARTD" --restore "$BACKUPS/final.db"
expect_stderr "FAILED_PRECONDITION"
stop_daemon
live_before=$(sha256sum <"$MART_DATA_DIR/mart.db")
expect_exit 5 "$MARTD" --restore "$E2E_ROOT/backups/truncated.db"
expect_eq "$live_before" "$(sha256sum <"$MART_DATA_DIR/mart.db")" "a refused restore changed nothing"
# The live store is no source: moving it aside left an empty store before.
expect_exit 2 "$MARTD" --restore "$MART_DATA_DIR/mart.db"
expect_stderr "it is in the data dir"
expect_eq "$live_before" "$(sha256sum <"$MART_DATA_DIR/mart.db")" "the live store is untouched"
# The last step fails: the old database is back, nothing else is left.
expect_exit 6 "$MARTD" --restore "$BACKUPS/final.db" --fault restore.install
expect_eq "$live_before" "$(sha256sum <"$MART_DATA_DIR/mart.db")" "a failed restore put it back"
check "no aside and no staged copy are left" \
  test -z "$(compgen -G "$MART_DATA_DIR/mart.db.*" || true)"
# Two restores in the same second: each keeps its own aside.
expect_exit 0 "$MARTD" --restore "$BACKUPS/final.db"
expect_exit 0 "$MARTD" --restore "$BACKUPS/final.db"
asides=$(compgen -G "$MART_DATA_DIR/mart.db.before-restore-*" | grep -cv -- '-wal$\|-shm$' || true)
expect_eq 2 "$asides" "two restores kept two saved databases"
first_aside=$(compgen -G "$MART_DATA_DIR/mart.db.before-restore-*" | grep -v -- '-wal$\|-shm$' | sort | head -1)
expect_eq "$live_before" "$(sha256sum <"$first_aside")" "the first one is the original store"
expect_eq "600" "$(stat -c %a "$MART_DATA_DIR/mart.db")" "restored mart.db is mode 0600"
start_daemon
expect_eq "$at_backup" "$(available)" "the restored stock is the backup's"
expect_exit 0 as_operator admin check -o json
expect_eq "true" "$(jq -r .ok <<<"$OUT")" "admin check is clean after the restore"

finish
