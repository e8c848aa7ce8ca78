#!/usr/bin/env bash
# Bulk import and export through the real binaries: a clean file, a file with
# bad rows (nothing imported, or the good ones with --continue-on-error),
# re-running an import creates nothing twice, export reads back, JSON lines,
# and only admins may import.
source "$(dirname "$0")/lib.sh"
start_daemon

count() { as_operator product list --limit 1000 -o json | jq length; }

cat >"$E2E_ROOT/good.csv" <<'CSV'
name,description,category,price,quantity,reorder_threshold
"Phone, 5G","Says ""hi""",Electronics,899.99,50,
Cable,,Electronics,9.5,3,2
Lamp,Warm light,Home,25,0,
CSV
expect_exit 0 as_operator product import "$E2E_ROOT/good.csv" -o json
expect_eq 3 "$(jq .created <<<"$OUT")" "three products created"
expect_eq 3 "$(count)" "the catalog holds them"
phone=$(as_operator product list --name 'phone, 5g' -o json)
expect_eq 899.99 "$(jq '.[0].price' <<<"$phone")" "quoted name and exact price"
expect_eq 'Says "hi"' "$(jq -r '.[0].description' <<<"$phone")" "doubled quotes read back"
cable=$(as_operator product list --name cable -q)
expect_eq 2 "$(as_operator inventory get "$cable" -o json | jq .reorder_threshold)" \
  "reorder_threshold column is used"

expect_exit 0 as_operator product import "$E2E_ROOT/good.csv" -o json
expect_eq 3 "$(count)" "importing the same file again creates nothing twice"

cat >"$E2E_ROOT/bad.csv" <<'CSV'
name,category,price,quantity
Good,Toys,5,1
Bad price,Toys,1.999,1
,Toys,5,1
Bad qty,Toys,5,many
CSV
expect_exit 2 as_operator product import "$E2E_ROOT/bad.csv"
expect_stderr "line 3: price must be an amount with at most two decimals"
expect_stderr "3 of 4 rows are invalid; nothing was imported"
expect_eq 3 "$(count)" "a file with bad rows imports nothing"
expect_exit 0 as_operator product import "$E2E_ROOT/bad.csv" --continue-on-error -o json
expect_eq "1 3" "$(jq -r '"\(.created) \(.skipped)"' <<<"$OUT")" "--continue-on-error imports the good row"
expect_eq 4 "$(count)" "only the good row was added"

printf 'name,colour\nX,red\n' >"$E2E_ROOT/unknown.csv"
expect_exit 2 as_operator product import "$E2E_ROOT/unknown.csv"
expect_stderr "unknown column 'colour'"
expect_exit 3 as_operator product import "$E2E_ROOT/missing.csv"
expect_stderr "no file"
expect_exit 2 as_operator product import "$E2E_ROOT/missing.csv" --format xml

expect_exit 0 as_operator product export
expect_eq 5 "$(wc -l <<<"$OUT" | tr -d ' ')" "export writes a header and four products"
printf '%s\n' "$OUT" >"$E2E_ROOT/exported.csv"
as_operator product export --format jsonl >"$E2E_ROOT/exported.jsonl"
expect_eq 4 "$(wc -l <"$E2E_ROOT/exported.jsonl" | tr -d ' ')" "JSON lines export, one per product"
expect_eq Lamp "$(jq -r 'select(.category == "Home") | .name' "$E2E_ROOT/exported.jsonl")" \
  "JSON lines carry the fields"

# A fresh daemon: the exported files import back as the same products.
stop_daemon
rm -rf "$MART_DATA_DIR"
start_daemon
expect_exit 0 as_operator product import "$E2E_ROOT/exported.jsonl" -q
expect_eq 4 "$OUT" "-q prints the number created"
expect_eq "Cable Good Lamp Phone, 5G" \
  "$(as_operator product list --sort name -o json | jq -r '[.[].name] | join(" ")')" \
  "the export round-trips"

register admin@example.com >/dev/null
register user@example.com >/dev/null
login user@example.com Password123 user
expect_exit 4 "$MARTCTL" --profile user product import "$E2E_ROOT/good.csv"
expect_stderr "[PERMISSION_DENIED]"
finish
