#!/usr/bin/env bash
# Bulk import and export through the real binaries: a clean file, a file with
# bad rows (nothing imported, or the good ones with --continue-on-error),
# re-running an import creates nothing twice and says so (already imported,
# never created), --dry-run changes nothing, an exported file is refused
# unless --update-existing, which updates by id and creates under unknown
# ids, export reads back, JSON lines, and only admins may import.
source "$(dirname "$0")/lib.sh"
start_daemon

count() { as_operator product list --limit 1000 -o json | jq length; }

cat >"$E2E_ROOT/good.csv" <<'CSV'
name,description,category,price,quantity,reorder_threshold
"Phone, 5G","Says ""hi""",Electronics,899.99,50,
Cable,,Electronics,9.5,3,2
Lamp,Warm light,Home,25,0,
CSV
expect_exit 0 as_operator product import "$E2E_ROOT/good.csv" --dry-run -o json
expect_eq "true 3 0" "$(jq -r '"\(.dry_run) \(.created) \(.already_imported)"' <<<"$OUT")" \
  "--dry-run counts what it would create"
expect_stderr "nothing was changed"
expect_eq 0 "$(count)" "--dry-run creates nothing"
expect_exit 0 as_operator product import "$E2E_ROOT/good.csv" -o json
expect_eq 3 "$(jq .created <<<"$OUT")" "three products created"
expect_eq "false 0" "$(jq -r '"\(.dry_run) \(.already_imported)"' <<<"$OUT")" "a first run replays nothing"
expect_eq 3 "$(count)" "the catalog holds them"
phone=$(as_operator product list --name 'phone, 5g' -o json)
expect_eq 899.99 "$(jq '.[0].price' <<<"$phone")" "quoted name and exact price"
expect_eq 'Says "hi"' "$(jq -r '.[0].description' <<<"$phone")" "doubled quotes read back"
cable=$(as_operator product list --name cable -q)
expect_eq 2 "$(as_operator inventory get "$cable" -o json | jq .reorder_threshold)" \
  "reorder_threshold column is used"

expect_exit 0 as_operator product import "$E2E_ROOT/good.csv" -o json
expect_eq 3 "$(count)" "importing the same file again creates nothing twice"
expect_eq "0 3" "$(jq -r '"\(.created) \(.already_imported)"' <<<"$OUT")" \
  "and says the rows were imported by the earlier run, not created now"
# Deleted meanwhile: the replay still creates nothing, and must not claim it did.
for id in $(as_operator product list -q); do as_operator product delete "$id" >/dev/null; done
expect_exit 0 as_operator product import "$E2E_ROOT/good.csv" -o json
expect_eq "0 3" "$(jq -r '"\(.created) \(.already_imported)"' <<<"$OUT")" \
  "a replay after a delete reports nothing created"
expect_stderr "already imported 3"
expect_eq 0 "$(count)" "the replay created nothing"
# The same rows in another file are another import: they are created again.
cp "$E2E_ROOT/good.csv" "$E2E_ROOT/good2.csv"
printf '\n' >>"$E2E_ROOT/good2.csv"
expect_exit 0 as_operator product import "$E2E_ROOT/good2.csv" -o json
expect_eq "3 0" "$(jq -r '"\(.created) \(.already_imported)"' <<<"$OUT")" "a changed file runs anew"

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
expect_exit 0 as_operator product import "$E2E_ROOT/bad.csv" --continue-on-error --dry-run -o json
expect_eq "1 3 true" "$(jq -r '"\(.created) \(.skipped) \(.dry_run)"' <<<"$OUT")" \
  "--dry-run counts bad rows as skipped"
expect_eq 3 "$(count)" "and changes nothing"
expect_exit 0 as_operator product import "$E2E_ROOT/bad.csv" --continue-on-error -o json
expect_eq "1 3 0" "$(jq -r '"\(.created) \(.skipped) \(.failed)"' <<<"$OUT")" \
  "--continue-on-error imports the good row"
expect_eq 4 "$(count)" "only the good row was added"

printf 'name,colour\nX,red\n' >"$E2E_ROOT/unknown.csv"
expect_exit 2 as_operator product import "$E2E_ROOT/unknown.csv"
expect_stderr "unknown column 'colour'"
expect_exit 3 as_operator product import "$E2E_ROOT/missing.csv"
expect_stderr "no file"
expect_exit 2 as_operator product import "$E2E_ROOT/missing.csv" --format xml

expect_exit 0 as_operator product export
expect_eq 5 "$(wc -l <<<"$OUT" | tr -d ' ')" "export writes a header and four products"
expect_eq "id,name,description,category,price,quantity" "$(head -n 1 <<<"$OUT")" \
  "export names each product's own id 'id', as martd does"
printf '%s\n' "$OUT" >"$E2E_ROOT/exported.csv"
as_operator product export --format jsonl >"$E2E_ROOT/exported.jsonl"
expect_eq 4 "$(wc -l <"$E2E_ROOT/exported.jsonl" | tr -d ' ')" "JSON lines export, one per product"
expect_eq Lamp "$(jq -r 'select(.category == "Home") | .name' "$E2E_ROOT/exported.jsonl")" \
  "JSON lines carry the fields"
expect_eq 4 "$(jq -s '[.[] | select(has("id") and (has("_id") | not))] | length' \
  "$E2E_ROOT/exported.jsonl")" "JSON lines carry the own id as id"

# An exported file carries ids: importing it as new products would copy the catalog.
expect_exit 2 as_operator product import "$E2E_ROOT/exported.csv"
expect_stderr "4 of 4 rows carry a product id"
expect_stderr "--update-existing"
expect_eq 4 "$(count)" "an exported file is refused, not duplicated"
expect_exit 2 as_operator product import "$E2E_ROOT/exported.jsonl" --dry-run
expect_eq 4 "$(count)" "--dry-run refuses it too"
# --update-existing: one price changed, one row under an id no product has (in
# upper case, under `_id` as older exports and the seeds' clients write it), the rest equal.
lamp=$(jq -r 'select(.name == "Lamp") | .id' "$E2E_ROOT/exported.jsonl")
{
  jq -c 'if .name == "Lamp" then .price = 26.5 else . end' "$E2E_ROOT/exported.jsonl"
  echo '{"_id":"0123456789ABCDEF01234567","name":"Desk","category":"Home","price":"90.00","quantity":2}'
} >"$E2E_ROOT/edited.jsonl"
expect_exit 0 as_operator product import "$E2E_ROOT/edited.jsonl" --update-existing --dry-run -o json
expect_eq "1 4" "$(jq -r '"\(.created) \(.updated)"' <<<"$OUT")" \
  "--dry-run --update-existing tells existing ids from new ones"
expect_eq true "$(as_operator product get "$lamp" -o json | jq '.price == 25')" "and changes nothing"
expect_exit 0 as_operator product import "$E2E_ROOT/edited.jsonl" --update-existing -o json
expect_eq "1 1 3 0" "$(jq -r '"\(.created) \(.updated) \(.unchanged) \(.already_imported)"' <<<"$OUT")" \
  "--update-existing updates by id, creates an unknown id, counts equal rows"
expect_eq true "$(as_operator product get "$lamp" -o json | jq '.price == 26.5')" "the price was updated"
expect_eq Desk "$(as_operator product get 0123456789abcdef01234567 -o json | jq -r .name)" \
  "an id no product had is created under that id"
expect_eq 5 "$(count)" "nothing was duplicated"

# A fresh daemon: the exported files import back as the same products, same ids.
stop_daemon
rm -rf "$MART_DATA_DIR"
start_daemon
expect_exit 0 as_operator product import "$E2E_ROOT/exported.jsonl" --update-existing -q
expect_eq 4 "$OUT" "-q prints the number created"
expect_eq "Cable Good Lamp Phone, 5G" \
  "$(as_operator product list --sort name -o json | jq -r '[.[].name] | join(" ")')" \
  "the export round-trips"
expect_eq "$(jq -r .id "$E2E_ROOT/exported.jsonl" | sort | tr '\n' ' ')" \
  "$(as_operator product list -o json | jq -r '.[].id' | sort | tr '\n' ' ')" \
  "with the same ids"

register admin@example.com >/dev/null
register user@example.com >/dev/null
login user@example.com Password123 user
expect_exit 4 "$MARTCTL" --profile user product import "$E2E_ROOT/good.csv"
expect_stderr "[PERMISSION_DENIED]"
finish
