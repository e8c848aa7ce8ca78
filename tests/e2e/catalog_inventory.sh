#!/usr/bin/env bash
# Inventory through the real martctl: reads need a login, writes an admin;
# adjust, holds, the ledger, low stock and the cron reorder check's exit codes.
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
available() { admin inventory get "$1" -o json | jq .available_quantity; }
ledger_size() { admin inventory history "$1" -o json | jq length; }

phone=$(as_operator product create --name 'Premium Smartphone' --category Electronics \
  --price 899.99 --quantity 50 -q)
headphones=$(as_operator product create --name 'Wireless Headphones' --category Electronics \
  --price 249.99 --quantity 100 -q)
watch=$(as_operator product create --name 'Smart Watch' --category Electronics --price 179.99 \
  --quantity 75 -q)

# Reads need a login (any user); anonymous callers get exit 4.
expect_exit 4 nobody inventory get "$phone"
expect_stderr "[UNAUTHENTICATED]"
expect_exit 4 nobody inventory list
expect_exit 4 nobody inventory history "$phone"
expect_exit 0 alice inventory get "$phone" -o json
want=$(jq -cn --arg id "$phone" '{available_quantity: 50, is_low_stock: false, product_id: $id,
  reorder_threshold: 5, reserved_quantity: 0}')
got=$(jq -c '{available_quantity, is_low_stock, product_id, reorder_threshold, reserved_quantity}' \
  <<<"$OUT")
expect_eq "$want" "$got" "inventory record shape (seed field names)"
expect_exit 0 alice inventory list -o json
expect_eq "[50,100,75]" "$(jq -c '[.[].available_quantity]' <<<"$OUT")" "list, oldest product first"
expect_eq "[5,10,7]" "$(jq -c '[.[].reorder_threshold]' <<<"$OUT")" "default thresholds 5, 10, 7"
# The ledger names customers' orders ("order:<id>"): admins only.
expect_exit 4 alice inventory history "$phone"
expect_stderr "[PERMISSION_DENIED]"
expect_exit 0 admin inventory history "$phone" -o json

# Writes need an admin.
expect_exit 4 alice inventory adjust "$phone" --delta -1 --reason stolen
expect_stderr "[PERMISSION_DENIED]"
expect_exit 4 alice inventory set "$phone" --available 1
expect_exit 4 alice inventory reserve "$phone" --quantity 1 --reference T-1
expect_exit 4 alice inventory release "$phone" --quantity 1 --reference T-1
expect_exit 4 alice inventory reorder-check
expect_exit 4 nobody inventory adjust "$phone" --delta -1 --reason stolen
expect_eq 50 "$(available "$phone")" "refused writes changed nothing"
expect_eq 1 "$(ledger_size "$phone")" "refused writes left no ledger rows"

# Adjust, and nothing below zero.
expect_exit 0 admin inventory adjust "$phone" --delta -3 --reason damaged -o json
expect_eq 47 "$(jq .available_quantity <<<"$OUT")" "adjust -3"
expect_exit 0 as_operator inventory adjust "$phone" --delta 10 --reason 'restock from supplier'
expect_exit 5 admin inventory adjust "$phone" --delta -58 --reason 'too many'
expect_stderr "available is 57, requested change -58"
expect_stderr "[FAILED_PRECONDITION]"
expect_eq 57 "$(available "$phone")" "the refused adjust changed nothing"
expect_eq 3 "$(ledger_size "$phone")" "and appended no ledger row"
expect_exit 2 admin inventory adjust "$phone" --delta -1 --reason ab
expect_stderr "reason"
expect_exit 2 admin inventory adjust "$phone" --delta 0 --reason 'nothing at all'
expect_exit 2 admin inventory adjust "$phone" --delta -1
expect_exit 2 admin inventory adjust "$phone" --reason 'no delta'

# Holds under references.
expect_exit 0 admin inventory reserve "$phone" --quantity 2 --reference TICKET-7 -o json
expect_eq "55 2" "$(jq -r '"\(.available_quantity) \(.reserved_quantity)"' <<<"$OUT")" "reserve 2"
expect_exit 0 admin inventory reserve "$phone" --quantity 1 --reference TICKET-8
expect_exit 5 admin inventory release "$phone" --quantity 3 --reference TICKET-7
expect_stderr "only 2 units"
expect_exit 5 admin inventory release "$phone" --quantity 1 --reference NO-SUCH-HOLD
expect_exit 5 admin inventory reserve "$phone" --quantity 55 --reference TICKET-9
expect_stderr "available is 54, requested change -55"
expect_exit 2 admin inventory reserve "$phone" --quantity 0 --reference TICKET-9
expect_exit 2 admin inventory reserve "$phone" --quantity 1
expect_exit 2 admin inventory reserve "$phone" --quantity 1 --reference ' '
expect_exit 2 admin inventory release "$phone" --quantity 1 --reference ' '
expect_exit 0 admin inventory release "$phone" --quantity 2 --reference TICKET-7 -o json
expect_eq "56 1" "$(jq -r '"\(.available_quantity) \(.reserved_quantity)"' <<<"$OUT")" "release 2"

# Set.
expect_exit 0 admin inventory set "$phone" --available 120 --reason recount -o json
expect_eq 120 "$(jq .available_quantity <<<"$OUT")" "set available"
expect_exit 0 admin inventory set "$phone" --reorder-threshold 12 -o json
got=$(jq -r '"\(.available_quantity) \(.reorder_threshold) \(.is_low_stock)"' <<<"$OUT")
expect_eq "120 12 false" "$got" "set threshold alone"
expect_exit 2 admin inventory set "$phone"
expect_exit 2 admin inventory set "$phone" --available -1

# History: newest first, with before/after, reference, reason and actor.
expect_exit 0 admin inventory history "$phone" -o json
expect_eq "set,set,release,reserve,reserve,adjust,adjust,initial" \
  "$(jq -r '[.[].type] | join(",")' <<<"$OUT")" "history newest first"
expect_eq true "$(jq '[.[].id] == ([.[].id] | sort | reverse)' <<<"$OUT")" "ids descending"
want='{"actor":"user 1","before":50,"after":47,"delta":-3,"reason":"damaged","reference":null}'
got=$(jq -c '.[-2] | {actor, before: .available_before, after: .available_after, delta, reason,
  reference}' <<<"$OUT")
expect_eq "$want" "$got" "the admin's adjust row"
expect_eq "the local operator" "$(jq -r '.[-3].actor' <<<"$OUT")" "the operator's adjust row"
got=$(jq -r '.[2] | "\(.reference) \(.reserved_before - .reserved_after)"' <<<"$OUT")
expect_eq "TICKET-7 2" "$got" "release row keeps its reference"
expect_eq 64 "$(jq '.[1].delta' <<<"$OUT")" "set row's delta"
expect_eq 120 "$(jq '[.[].delta] | add' <<<"$OUT")" "the ledger sums to what is available"
got=$(admin inventory history "$phone" --limit 2 --offset 1 -o json |
  jq -r '[.[].type] | join(",")')
expect_eq "set,release" "$got" "history pages"

# Unknown ids: exit 3. Malformed ids: exit 2.
missing=000000000000000000000000
for cmd in "get $missing" "history $missing" "adjust $missing --delta 1 --reason found" \
  "reserve $missing --quantity 1 --reference T" "set $missing --available 1"; do
  # shellcheck disable=SC2086  # the words of $cmd are meant to split
  expect_exit 3 admin inventory $cmd
done
for cmd in "get abc" "history ABCDEF" "adjust xyz --delta 1 --reason found"; do
  # shellcheck disable=SC2086
  expect_exit 2 admin inventory $cmd
done

# The cron reorder check: exit 0 when nothing is low, 7 when something is.
expect_exit 0 admin inventory reorder-check -o json
expect_eq "[]" "$(jq -c . <<<"$OUT")" "nothing low: an empty list"
expect_exit 0 as_operator inventory reorder-check --notify -o json
expect_exit 0 admin inventory list --low-stock -o json
expect_eq 0 "$(jq length <<<"$OUT")" "no low stock yet"
expect_exit 0 admin inventory adjust "$watch" --delta -70 --reason 'big order'
expect_exit 0 admin inventory get "$watch" -o json
expect_eq true "$(jq .is_low_stock <<<"$OUT")" "5 of threshold 7 is low"
expect_exit 7 admin inventory reorder-check -o json
want=$(jq -cnS --arg id "$watch" '[{product_id: $id, name: "Smart Watch", available_quantity: 5,
  reserved_quantity: 0, reorder_threshold: 7, suggested_quantity: 9}]')
expect_eq "$want" "$(jq -cS . <<<"$OUT")" "reorder-check -o json: low items with a suggestion"
expect_exit 7 as_operator inventory reorder-check --notify -o json
expect_eq 1 "$(jq length <<<"$OUT")" "--notify lists the same items"
expect_exit 7 admin inventory reorder-check -q
expect_eq "$watch" "$OUT" "-q prints the low product ids"
expect_exit 0 admin inventory list --low-stock -o json
expect_eq "[\"$watch\"]" "$(jq -c '[.[].product_id]' <<<"$OUT")" "list --low-stock"
expect_exit 0 admin inventory set "$watch" --reorder-threshold 4
expect_exit 0 admin inventory reorder-check
expect_eq 100 "$(available "$headphones")" "the other products were never touched"
finish
