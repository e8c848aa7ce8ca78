#!/usr/bin/env bash
# The queue and event commands through the real martctl: worker and queue
# listings, dead-letter commands on an empty list, reading and tailing the
# event log (a follower sees new events live), publishing outside events, and
# that all of it is for admins only.
source "$(dirname "$0")/lib.sh"
start_daemon

with_admin_and_user
alice address add --line1 "1 Main St" --city Town --postal-code 111 --country Land -q >/dev/null
product=$(as_operator product create --name Mug --category Home --price 5.50 --quantity 20 -q)

# Admins only.
for command in "queue list" "worker list" "dlq list" "events read" "events tail" \
  "events publish erp.synced" "admin check"; do
  # shellcheck disable=SC2086
  expect_exit 4 alice $command
done

expect_exit 0 admin worker list -o json
expect_eq "inventory orders payments notifications" "$(jq -r '[.[].worker] | join(" ")' <<<"$OUT")" \
  "four workers"
expect_eq '["order.status_changed"]' \
  "$(jq -c '.[] | select(.worker == "payments") | .topics' <<<"$OUT")" "payments' topics"
expect_eq '["order.placed","order.status_changed"]' \
  "$(jq -c '.[] | select(.worker == "inventory") | .topics' <<<"$OUT")" "inventory's topics"
expect_exit 0 admin queue list -o json
expect_eq "idle idle idle idle" "$(jq -r '[.[].state] | join(" ")' <<<"$OUT")" "idle queues"

# Dead letters: none, and the commands say so clearly.
expect_exit 0 admin dlq list -o json
expect_eq "[]" "$(jq -c . <<<"$OUT")" "no dead letters"
expect_exit 3 admin dlq show 7
expect_stderr "dead letter 7 not found"
expect_exit 3 admin dlq retry 7
expect_exit 2 admin dlq purge
expect_stderr "--all"
expect_exit 0 admin dlq purge --all -o json
expect_eq "0" "$(jq .purged <<<"$OUT")" "purging nothing purges 0"

# Follow the log while an order goes through.
tail_out="$E2E_ROOT/tail.jsonl"
# martctl itself in the background (not the admin function), so that $! is its pid.
"$MARTCTL" --profile admin events tail --follow --topic 'order.*' -o json >"$tail_out" \
  2>"$E2E_ROOT/tail.err" &
tail_pid=$!
order=$(alice order place --item "$product:2" -q)
for _ in $(seq 1 200); do
  grep -q '"order.status_changed"' "$tail_out" 2>/dev/null && break
  sleep 0.05
done
kill -INT "$tail_pid"
wait "$tail_pid" || true
expect_eq "order.placed $order" \
  "$(jq -r 'select(.topic == "order.placed") | "\(.topic) \(.data.order_id)"' "$tail_out")" \
  "the follower saw order.placed live"
expect_eq "pending processing" \
  "$(jq -r 'select(.topic == "order.status_changed") | "\(.data.from) \(.data.to)"' "$tail_out")" \
  "and the status change"
expect_eq "" "$(jq -r 'select(.topic | startswith("order.") | not) | .topic' "$tail_out")" \
  "the topic glob kept other events out"

# Reading: from the beginning, after a sequence number, by topic.
expect_exit 0 admin events tail --from-beginning -o json
all=$OUT
expect_eq "1" "$(jq -s '.[0].seq' <<<"$all")" "the log starts at seq 1"
expect_eq "true" "$(jq -s '[.[].seq] | . == [range(1; length + 1)]' <<<"$all")" "gap-free sequence"
last=$(jq -s '.[-1].seq' <<<"$all")
expect_exit 0 admin events tail --since "$((last - 2))" -o json
expect_eq "2" "$(jq -s length <<<"$OUT")" "--since SEQ gives the events after SEQ"
expect_exit 0 admin events tail -n 3 -o json
expect_eq "$((last - 2)) $((last - 1)) $last" "$(jq -s -r '[.[].seq] | map(tostring) | join(" ")' \
  <<<"$OUT")" "-n 3: the last three"
expect_exit 0 admin events read --after 0 --topic 'inventory.*' -o json
expect_eq "inventory.reserved" "$(jq -r '.events[0].topic' <<<"$OUT")" "events read with a glob"
expect_eq "$last" "$(jq .last_seq <<<"$OUT")" "events read reports the end of the log"

# Publishing: outside topics only, and the event lands in the log.
expect_exit 0 admin events publish erp.synced --data '{"batch": 42}' -o json
expect_eq "erp.synced 42 $((last + 1))" "$(jq -r '"\(.topic) \(.data.batch) \(.seq)"' <<<"$OUT")" \
  "published at the end of the log"
expect_exit 2 admin events publish order.placed --data '{"order_id": "x"}'
expect_stderr "mart's own"
expect_exit 2 admin events publish queue.dead_lettered --data '{"consumer": "inventory"}'
expect_stderr "mart's own"
expect_exit 2 admin events publish NoDot
expect_exit 2 admin events publish erp.synced --data '[1, 2]'
expect_exit 2 admin events publish erp.synced --data '{not json'
expect_exit 0 admin events tail -n 1 -o json
expect_eq "erp.synced" "$(jq -r .topic <<<"$OUT")" "tail shows the published event"

# The workers ignored the outside event and stay idle.
expect_exit 0 admin queue list -o json
expect_eq "0 0 0 0" "$(jq -r '[.[].lag | tostring] | join(" ")' <<<"$OUT")" "no lag"
finish
