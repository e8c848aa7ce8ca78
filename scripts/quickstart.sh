#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, starts
# martd on a fresh data dir and walks the main flow end to end with martctl:
# register, login, whoami, add an address, show the profile, create products,
# check their stock, place orders (reserved by the inventory worker), ship one,
# check the daemon's invariants and run the nightly reorder check.
#   scripts/quickstart.sh [--keep]   (--keep leaves martd running afterwards)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[ "${1:-}" = "--keep" ] && keep=1

"$root/scripts/deps.sh"
MART_TARGETS="martd martctl" "$root/scripts/build.sh" build
martd="$root/build/martd/martd"
martctl="$root/build/martctl/martctl"

demo=$(mktemp -d /tmp/mart-demo.XXXXXX)
export MART_DATA_DIR="$demo/data"
export MART_CREDENTIALS_FILE="$demo/credentials.json"
if [ -t 1 ]; then
  step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
  step() { printf '\n== %s\n' "$*"; }
fi
stop_daemon() {
  local pid
  pid=$(head -n 1 "$MART_DATA_DIR/martd.lock" 2>/dev/null || true)
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
}
finish() {
  stop_daemon
  rm -rf "$demo"
}
[ "$keep" = 1 ] || trap finish EXIT

step "start martd on a fresh data dir ($MART_DATA_DIR)"
"$martd" --detach
"$martctl" daemon wait --wait-timeout 10
"$martctl" daemon status

step "register customer@example.com (the first account becomes admin)"
printf 'Password123\n' | "$martctl" auth register --password-stdin \
  --email customer@example.com --first-name Example --last-name Customer --phone 555-123-4567

step "log in (the tokens are saved, 0600, in $MART_CREDENTIALS_FILE)"
printf 'Password123\n' | "$martctl" auth login --email customer@example.com --password-stdin

step "who am I"
"$martctl" auth whoami

step "add a shipping address (the first one is the default)"
"$martctl" address add --line1 "123 Example Street" --line2 "Apt 4B" --city "Example City" \
  --state EX --postal-code 12345 --country "Example Country"

step "the profile, as JSON for scripts"
"$martctl" profile show -o json

step "the catalog: three products, each with its inventory record"
phone=$("$martctl" product create --name "Premium Smartphone" --category Electronics \
  --description "Latest model with high-end camera" --price 899.99 --quantity 50 -q)
headphones=$("$martctl" product create --name "Wireless Noise-Cancelling Headphones" \
  --category Audio --price 249.99 --quantity 100 -q)
watch=$("$martctl" product create --name "Smart Fitness Watch" --category Wearables \
  --price 179.99 --quantity 75 -q)
"$martctl" product list --min-price 100 --max-price 300
"$martctl" inventory get "$phone"

step "orders: placed pending, reserved by the inventory worker, then processing"
order=$("$martctl" order place --item "$phone:1:899.99" -q)
second=$("$martctl" order place --item "$headphones:1" --item "$watch:2" -q)
"$martctl" order list
"$martctl" inventory get "$phone"

step "pay the second order by card (a test number that succeeds; only its last four digits are kept)"
"$martctl" order pay "$second" --card-number 4242424242424242 \
  --expiry "12/$(( $(date +%y) + 3 ))" --cvc 123
"$martctl" payment list

step "ship the phone order: the reserved unit leaves as shipped; its history"
"$martctl" order status "$order" --status shipped -q
"$martctl" order history "$order"
"$martctl" queue list

step "notifications made from those events (stored: this martd has no --smtp-url)"
"$martctl" notification list --limit 5

step "the daemon's own check: stock invariant, holds, orders (exit 7 on a problem)"
"$martctl" admin check

step "stock: sell down the phone, then the nightly reorder check (exit 7: something is low)"
"$martctl" inventory adjust "$phone" --delta -45 --reason "sold in store" -q
"$martctl" inventory reorder-check || echo "reorder-check exited $?"

if [ "$keep" = 1 ]; then
  step "martd keeps running"
  echo "export MART_DATA_DIR=$MART_DATA_DIR MART_CREDENTIALS_FILE=$MART_CREDENTIALS_FILE"
  echo "stop it with: kill \$(head -n 1 $MART_DATA_DIR/martd.lock)"
else
  step "done: martd stops now (run with --keep to leave it running)"
fi
