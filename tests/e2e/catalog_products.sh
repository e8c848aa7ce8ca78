#!/usr/bin/env bash
# Products through the real martctl: the seed walkthrough, filters, sorting and
# paging, who may do what, and the exit status of every error.
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
count() { nobody product list -o json | jq length; }

# The seeds' step 3: three products, thresholds from their quantities.
phone_json=$(admin product create --name 'Premium Smartphone' \
  --description 'Latest model with advanced features' --category Electronics \
  --price 899.99 --quantity 50 -o json)
phone=$(jq -r .id <<<"$phone_json")
check "product id is 24 lower-case hex" grep -Eq '^[0-9a-f]{24}$' <<<"$phone"
expect_eq 899.99 "$(jq -r .price <<<"$phone_json")" "price comes back as given"
expect_eq number "$(jq -r '.price | type' <<<"$phone_json")" "price is a JSON number"
expect_eq 50 "$(jq -r .quantity <<<"$phone_json")" "quantity is the initial stock"
expect_eq Electronics "$(jq -r .category <<<"$phone_json")" "category kept"
expect_eq 'Latest model with advanced features' "$(jq -r .description <<<"$phone_json")" \
  "description kept"
headphones=$(admin product create --name 'Wireless Headphones' --category Electronics \
  --price 249.99 --quantity 100 -q)
watch=$(as_operator product create --name 'Smart Watch' --category Electronics \
  --price 179.99 --quantity 75 -q)
shoes=$(as_operator product create --name 'Running Shoes' --category Sports --price 99.99 \
  --quantity 20 --reorder-threshold 8 -q)
for pair in "$phone:5" "$headphones:10" "$watch:7" "$shoes:8"; do
  got=$(admin inventory get "${pair%%:*}" -o json | jq .reorder_threshold)
  expect_eq "${pair##*:}" "$got" "reorder threshold of ${pair%%:*}"
done

# Anyone lists and gets, without logging in.
expect_exit 0 nobody product list -o json
expect_eq 4 "$(jq length <<<"$OUT")" "anonymous list sees every product"
expect_eq "$shoes,$watch,$headphones,$phone" "$(jq -r '[.[].id] | join(",")' <<<"$OUT")" \
  "default order is newest first"
expect_exit 0 nobody product get "$phone" -o json
expect_eq 'Premium Smartphone' "$(jq -r .name <<<"$OUT")" "anonymous get"
expect_exit 0 nobody product categories -o json
expect_eq '[{"category":"Electronics","products":3},{"category":"Sports","products":1}]' \
  "$(jq -c . <<<"$OUT")" "categories with counts"

# Filters.
names() { jq -r '[.[].name] | join(",")'; }
got=$(nobody product list --category Electronics --sort name -o json | names)
expect_eq 'Premium Smartphone,Smart Watch,Wireless Headphones' "$got" "category filter"
expect_eq 0 "$(nobody product list --category electronics -o json | jq length)" \
  "category is an exact match"
got=$(nobody product list --min-price 100 --max-price 300 --sort price -o json | names)
expect_eq 'Smart Watch,Wireless Headphones' "$got" "price range 100-300: the two cheaper ones"
got=$(nobody product list --min-price 179.99 --max-price 249.99 --sort price -o json | names)
expect_eq 'Smart Watch,Wireless Headphones' "$got" "price bounds are inclusive"
got=$(nobody product list --name SMART --sort name -o json | names)
expect_eq 'Premium Smartphone,Smart Watch' "$got" "name filter ignores case"
got=$(nobody product list --category Electronics --max-price 500 --name h --sort price -o json |
  names)
expect_eq 'Smart Watch,Wireless Headphones' "$got" "filters combine"

# Sorting and paging.
got=$(nobody product list --sort price -o json | jq -c '[.[].price]')
expect_eq '[99.99,179.99,249.99,899.99]' "$got" "sort by price ascending"
got=$(nobody product list --sort price --desc -o json | jq -c '[.[].price]')
expect_eq '[899.99,249.99,179.99,99.99]' "$got" "sort by price descending"
got=$(nobody product list --sort name --desc -o json | names)
expect_eq 'Wireless Headphones,Smart Watch,Running Shoes,Premium Smartphone' "$got" \
  "sort by name descending"
got=$(nobody product list --sort price --limit 2 --offset 1 -o json | jq -c '[.[].price]')
expect_eq '[179.99,249.99]' "$got" "limit and offset"
expect_eq 0 "$(nobody product list --offset 4 -o json | jq length)" "offset past the end"
got=$(nobody product list --sort price -q | paste -sd, -)
expect_eq "$shoes,$watch,$headphones,$phone" "$got" "-q prints ids"

# A page that has rows after it says so on stderr (never stdout), with the
# cursor of the next page; --all prints every page as one list.
expect_exit 0 nobody product list --sort price --limit 3 -q
expect_eq "$shoes,$watch,$headphones" "$(paste -sd, - <<<"$OUT")" "the first page alone on stdout"
expect_stderr "showing 3 rows; more exist: add --cursor $headphones for the next page, or --all"
expect_exit 0 nobody product list --sort price --limit 3 --cursor "$headphones" -q
expect_eq "$phone" "$OUT" "--cursor continues after that row"
expect_eq "" "$ERR" "the last page says nothing more"
expect_exit 0 nobody product list --sort price --limit 1 --all -q
expect_eq "$shoes,$watch,$headphones,$phone" "$(paste -sd, - <<<"$OUT")" "--all follows every page"
expect_exit 0 nobody product list --sort price --limit 3 --all -o json
expect_eq '[99.99,179.99,249.99,899.99]' "$(jq -c '[.[].price]' <<<"$OUT")" \
  "--all -o json is one array over the pages"
expect_exit 0 nobody product list --sort price --limit 1 --headers
expect_eq "id	name	category	price	quantity" "$(head -n 1 <<<"$OUT")" "--headers names the fields in a pipe"
expect_eq "99.99" "$(sed -n 2p <<<"$OUT" | cut -f4)" "money shows two decimals"
shouty=$(tr 'a-f' 'A-F' <<<"$phone")
expect_exit 0 nobody product get "$shouty" -o json
expect_eq "$phone" "$(jq -r .id <<<"$OUT")" "an upper-case id names the same product"

# Writes need an admin: anonymous callers get exit 4, users too.
expect_exit 4 nobody product create --name X --category Y --price 1
expect_stderr "[UNAUTHENTICATED]"
expect_exit 4 alice product create --name X --category Y --price 1
expect_stderr "[PERMISSION_DENIED]"
expect_exit 4 alice product update "$phone" --price 1
expect_exit 4 alice product delete "$phone"
expect_exit 4 nobody product delete "$phone"
expect_eq 4 "$(count)" "refused writes created and deleted nothing"
expect_eq 899.99 "$(nobody product get "$phone" -o json | jq -r .price)" "price unchanged"

# Update changes only what is given.
expect_exit 0 admin product update "$phone" --price 849.99 -o json
expect_eq 849.99 "$(jq -r .price <<<"$OUT")" "price updated"
expect_eq 'Premium Smartphone' "$(jq -r .name <<<"$OUT")" "name untouched"
expect_eq 50 "$(jq -r .quantity <<<"$OUT")" "stock untouched by update"
expect_exit 0 as_operator product update "$phone" --name 'Premium Smartphone 2' --category Phones
expect_eq Phones "$(nobody product get "$phone" -o json | jq -r .category)" "category updated"
expect_exit 2 admin product update "$phone" --name ' '
expect_stderr "name must not be empty"

# Unknown ids: exit 3. Malformed ids: exit 2, before anything is looked up.
missing=000000000000000000000000
expect_exit 3 nobody product get "$missing"
expect_stderr "[NOT_FOUND]"
expect_exit 3 admin product update "$missing" --price 1
expect_exit 3 admin product delete "$missing"
for bad in abc 66f1c0ffee0000000000abcz 66f1c0ffee0000000000abcde; do
  expect_exit 2 nobody product get "$bad"
done
expect_stderr "[INVALID_ARGUMENT]"
expect_exit 2 admin product update abc --price 1
expect_exit 2 admin product delete abc

# Bad prices: exit 2, and nothing is created.
for price in 0 -1 1.999 abc 0.001 1e3 10000000.01; do
  expect_exit 2 admin product create --name Bad --category Bad --price "$price"
done
expect_exit 2 admin product create --name Bad --category Bad --price 0
expect_stderr "price must be between 0.01 and 10000000.00"
expect_exit 2 admin product create --name Bad --category Bad --price 1.999
expect_stderr "price must be an amount with at most two decimals"
expect_exit 2 admin product create --name Bad --category Bad
expect_stderr "price"
expect_exit 2 admin product create --name Bad --category Bad --price 1 --quantity -1
expect_exit 2 admin product create --name '' --category Bad --price 1
expect_exit 2 admin product update "$phone" --price 0
expect_exit 2 nobody product list --min-price abc
expect_exit 2 nobody product list --min-price 300 --max-price 100
expect_exit 2 nobody product list --sort colour
expect_eq 4 "$(count)" "bad input created nothing"
got=$(nobody product get "$phone" -o json | jq -r .price)
expect_eq 849.99 "$got" "bad update changed nothing"

# Delete takes the product's stock with it.
expect_exit 0 admin product delete "$shoes" -o json
expect_eq true "$(jq -r .deleted <<<"$OUT")" "delete reply"
expect_exit 3 nobody product get "$shoes"
expect_exit 3 admin inventory get "$shoes"
expect_exit 3 admin product delete "$shoes"
expect_eq 3 "$(count)" "three products left"
got=$(nobody product categories -o json | jq -c '[.[].category]')
expect_eq '["Electronics","Phones"]' "$got" "a category with no products is gone"
finish
