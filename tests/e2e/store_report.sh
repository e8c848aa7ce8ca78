#!/usr/bin/env bash
# Which store martd runs on, as every surface reports it, and martd --copy-store
# end to end. Runs on SQLite and, in the pg run (MART_STORE set by lib.sh), on
# PostgreSQL:
# - daemon status: the backend and schema version for anyone; the location, the
#   server's version and the statement count for admins only;
# - doctor: the daemon row names the backend; on PostgreSQL the store and wal
#   rows stop describing the data dir's SQLite file;
# - --copy-store: a copy serves the same data from a second martd, a second copy
#   into the same target is refused and leaves it as it was, and the command's own
#   refusals (missing source, same store twice, unreachable server, a password in
#   the URI) exit with their documented codes and change nothing.
source "$(dirname "$0")/lib.sh"

BACKEND=sqlite
[ -n "${MART_STORE:-}" ] && BACKEND=postgresql

start_daemon
with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 1 --country US -q >/dev/null
PRODUCT=$(as_operator product create --name "Copied lamp" --category Lamps --price 12.50 \
  --quantity 8 -q)

# ---- daemon status (martctl sends no cookie for a method anyone may call: the
# admin's login shows what admins see) ----
expect_exit 0 admin daemon status -o json
STATUS=$OUT
expect_eq "$BACKEND" "$(jq -r .store.backend <<<"$STATUS")" "daemon status names the $BACKEND backend"
expect_eq "$(jq -r .schema_version <<<"$STATUS")" "$(jq -r .store.schema_version <<<"$STATUS")" \
  "the store's schema version is the daemon's"
if [ "$BACKEND" = sqlite ]; then
  expect_eq "$MART_DATA_DIR/mart.db" "$(jq -r .store.location <<<"$STATUS")" \
    "an admin sees the SQLite file"
  check "and SQLite's version" grep -Eq '^3\.[0-9]+\.[0-9]+$' <<<"$(jq -r .store.server_version <<<"$STATUS")"
else
  expect_eq "$MART_STORE" "$(jq -r .store.location <<<"$STATUS")" "an admin sees the URI"
  check "and the PostgreSQL server's version" \
    grep -Eq '^[0-9]+\.[0-9]+' <<<"$(jq -r .store.server_version <<<"$STATUS")"
fi
FIRST=$(jq -r .store.statements <<<"$STATUS")
check "and the statements executed" test "$FIRST" -gt 0
as_operator product get "$PRODUCT" -o json >/dev/null
alice order place --item "$PRODUCT:1:12.50" -q >/dev/null
expect_exit 0 admin daemon status -o json
check "an order executes statements (the count grows)" \
  test "$(jq -r .store.statements <<<"$OUT")" -gt "$FIRST"
if [ "$BACKEND" = postgresql ]; then
  expect_eq "true 0" "$(jq -r '.store | "\(.round_trips > 0) \(.batches_run_again)"' <<<"$OUT")" \
    "the round trips, and no batch ran again"
else
  expect_eq "false false" \
    "$(jq -r '.store | [has("round_trips"), has("batches_run_again")] | map(tostring) | join(" ")' \
      <<<"$OUT")" "SQLite has no round trips or batches run again"
fi
expect_exit 0 alice daemon status -o json
expect_eq "$BACKEND" "$(jq -r .store.backend <<<"$OUT")" "a customer sees the backend"
expect_eq "false false false" \
  "$(jq -r '.store | [has("location"), has("server_version"), has("statements")] | map(tostring) | join(" ")' <<<"$OUT")" \
  "but not where the store lives, its server or its statements"

# ---- doctor ----
expect_exit 0 alice doctor -o json
doctor_row() { jq -r --arg c "$1" '.[] | select(.check == $c) | "\(.status) \(.detail)"' <<<"$OUT"; }
check "doctor's daemon row names the store" grep -q "store $BACKEND" <<<"$(doctor_row daemon)"
if [ "$BACKEND" = postgresql ]; then
  check "the store row says PostgreSQL" grep -q '^ok PostgreSQL' <<<"$(doctor_row store)"
  check "the wal row says it is not used" grep -q '^ok not used' <<<"$(doctor_row wal)"
else
  check "the store row names the SQLite file" grep -q "mart.db" <<<"$(doctor_row store)"
fi

# ---- martd --copy-store ----
stop_daemon
COPY=$E2E_ROOT/copy/mart.db
mkdir -m 700 "$E2E_ROOT/copy"
SOURCE=$MART_DATA_DIR/mart.db
[ "$BACKEND" = postgresql ] && SOURCE=$MART_STORE
expect_exit 0 "$MARTD" --copy-store "$SOURCE" "$COPY"
check "it reports the rows copied" grep -q '^copied [0-9]* rows of products$' <<<"$OUT"
check "and that the copy checks out" grep -q 'the copy checks out$' <<<"$OUT"
check "the copy is a file only its owner reads" test "$(stat -c %a "$COPY")" = 600

# A second martd on the copy (SQLite, in its own data dir) serves the same data.
COPY_ENDPOINT="ipc://$E2E_ROOT/copy/run/martd.sock"
MART_STORE= "$MARTD" --detach --password-cost minimum --data-dir "$E2E_ROOT/copy" \
  --listen "$COPY_ENDPOINT"
copy_ctl() { MART_DATA_DIR="$E2E_ROOT/copy" as_operator --endpoint "$COPY_ENDPOINT" "$@"; }
copy_ctl daemon wait --wait-timeout 10 >/dev/null
expect_exit 0 copy_ctl product get "$PRODUCT" -o json
expect_eq "Copied lamp 7" "$(jq -r '"\(.name) \(.quantity)"' <<<"$OUT")" \
  "the copy serves the product with its stock (8 less the order's 1), under the same id"
expect_exit 0 copy_ctl order list --all -o json
expect_eq 1 "$(jq length <<<"$OUT")" "and the order"
expect_exit 0 copy_ctl admin check -o json
expect_eq true "$(jq -r .ok <<<"$OUT")" "admin check passes on the copy"
kill -TERM "$(head -n1 "$E2E_ROOT/copy/martd.lock")"
for _ in $(seq 1 100); do [ -e "$E2E_ROOT/copy/martd.lock" ] || break; sleep 0.05; done

BEFORE=$(md5sum <"$COPY")
expect_exit 5 "$MARTD" --copy-store "$SOURCE" "$COPY"
expect_stderr "not empty"
expect_eq "$BEFORE" "$(md5sum <"$COPY")" "a refused copy leaves the target as it was"

if [ "$BACKEND" = postgresql ]; then
  # Back into a second, empty PostgreSQL database, and a martd on it.
  BACK_DB="${E2E_PG_DB}_back"
  psql "$MART_TEST_STORE" -qAt -c "CREATE DATABASE $BACK_DB" >/dev/null
  BACK="${MART_TEST_STORE/\/mart\?//$BACK_DB?}"
  expect_exit 0 "$MARTD" --copy-store "$COPY" "$BACK"
  MART_STORE=$BACK start_daemon
  expect_exit 0 as_operator product get "$PRODUCT" -o json
  expect_eq "Copied lamp 7" "$(jq -r '"\(.name) \(.quantity)"' <<<"$OUT")" \
    "SQLite back to PostgreSQL: the same product, stock and id"
  stop_daemon
  psql "$MART_TEST_STORE" -qAt -c "DROP DATABASE IF EXISTS $BACK_DB WITH (FORCE)" >/dev/null
fi

# The command's own refusals.
expect_exit 5 "$MARTD" --copy-store "$E2E_ROOT/absent.db" "$E2E_ROOT/new.db"
expect_stderr "no such file: $E2E_ROOT/absent.db"
check "a refused copy creates no target" test ! -e "$E2E_ROOT/new.db"
expect_exit 2 "$MARTD" --copy-store "$COPY" "$E2E_ROOT/copy/../copy/mart.db"
expect_stderr "FROM and TO are the same store"
expect_exit 6 "$MARTD" --copy-store "$COPY" "postgresql:///mart?host=$E2E_ROOT/no-server"
expect_stderr "cannot be opened"
expect_exit 2 "$MARTD" --copy-store "$COPY" "postgresql://mart:hunter2@localhost/mart"
expect_stderr "must not hold a password"
check "nor is the password echoed" bash -c '! grep -q hunter2 <<<"$0"' "$ERR"
expect_exit 2 "$MARTD" --copy-store "$COPY"
finish
