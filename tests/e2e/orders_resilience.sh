#!/usr/bin/env bash
# Seed 004's resilience test done right: with the inventory worker paused an
# order stays pending (and survives a restart), a cancellation waits for its
# release, and after resume everything drains to exactly the state a run
# without the pause reaches. A reservation that arrives for an order already
# cancelled is released and never resurrects it.
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 111 --country Land -q >/dev/null
product=$(as_operator product create --name Lamp --category Home --price 20.00 --quantity 10 -q)
stock() {
  admin inventory get "$product" -o json | jq -r '"\(.available_quantity) \(.reserved_quantity)"'
}
lag() { admin queue list -o json | jq -r --arg w "$1" '.[] | select(.worker == $w) | .lag'; }
state() { admin order get "$1" -o json | jq -r '"\(.status) \(.stock)"'; }

b=$(alice order place --item "$product:2" -q)
expect_eq "processing reserved" "$(state "$b")" "order B reserved before the pause"
expect_eq "8 2" "$(stock)" "B holds 2"

expect_exit 4 alice worker pause inventory
expect_exit 3 admin worker pause shipping
expect_stderr "this martd runs inventory, orders, payments, notifications"
expect_exit 0 admin worker pause inventory -o json
expect_eq "paused" "$(jq -r .state <<<"$OUT")" "inventory worker paused"
expect_exit 0 admin worker pause inventory
expect_eq "paused" "$(admin worker list -o json | jq -r '.[] | select(.worker == "inventory") | .state')" \
  "pausing twice is a no-op"

a=$(alice order place --item "$product:3" --no-wait -q)
expect_eq "pending pending" "$(state "$a")" "order A waits while inventory is paused"
expect_eq "1" "$(lag inventory)" "inventory queue lag 1"
expect_exit 0 alice order cancel "$b"
expect_eq "cancelled reserved" "$(state "$b")" "B is cancelled at once; its release is queued"
expect_eq "8 2" "$(stock)" "nothing moves while the worker is paused"
expect_eq "2" "$(lag inventory)" "inventory queue lag 2"

# A late reservation: C is placed and cancelled before the worker sees it.
c=$(alice order place --item "$product:1" --no-wait -q)
expect_exit 0 alice order cancel "$c"

# The pause and the queue survive a restart.
stop_daemon
start_daemon
expect_eq "paused" "$(admin worker list -o json | jq -r '.[] | select(.worker == "inventory") | .state')" \
  "the pause survived the restart"
expect_eq "pending pending" "$(state "$a")" "A still pending after the restart"
expect_exit 6 alice order wait "$a" --wait-timeout 1
expect_stderr "is still pending"
expect_eq "4" "$(lag inventory)" "inventory queue lag 4 (A, B cancelled, C, C cancelled)"
expect_exit 0 admin queue list -o json
expect_eq "paused" "$(jq -r '.[] | select(.worker == "inventory") | .state' <<<"$OUT")" \
  "queue list shows the paused worker"

expect_exit 0 admin worker resume inventory
expect_exit 0 alice order wait "$a" --for processing
expect_eq "processing reserved" "$(state "$a")" "A processed after resume"
expect_eq "cancelled released" "$(state "$b")" "B's stock released"
expect_eq "cancelled released" "$(state "$c")" "C stays cancelled; its late reservation released"
# Without the pause: B 2 then A 3 reserved, B released: 7 available, 3 reserved.
expect_eq "7 3" "$(stock)" "stock as without the pause"
expect_eq "0 0" "$(lag inventory) $(lag orders)" "queues drained"
expect_eq "cancelled" "$(admin order history "$c" -o json | jq -r '.[-1].to')" \
  "no status change after C's cancellation"

expect_exit 0 as_operator admin check -o json
expect_eq "true" "$(jq .ok <<<"$OUT")" "admin check: consistent after the drain"
finish
