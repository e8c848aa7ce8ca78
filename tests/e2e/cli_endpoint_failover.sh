#!/usr/bin/env bash
# Clients given a list of endpoints (issue 19), against real daemons: two
# independent martd on SQLite, each with its own data dir and ipc socket,
# stand in for two instances of a cluster; daemon status's pid says which one
# answered. A dead first endpoint is passed over; a call goes to the second
# when the first is SIGKILLed, also while the call waits on it; the random
# policy reaches both; a login sent to a martd that never answers is not sent
# to another; a login saved through a two-endpoint list is used while the
# first is down, and not sent to a list it was not made through; the operator
# cookie never goes to a list; the error names every endpoint tried; config
# show names the policy; mart-rest's /health names the martd that answered.
source "$(dirname "$0")/lib.sh"
source "$E2E_DIR/rest_lib.sh"
unset XDG_RUNTIME_DIR MART_ENDPOINT_POLICY  # each martd's socket in its own data dir

B_DIR="$E2E_ROOT/b"
A="ipc://$MART_DATA_DIR/run/martd.sock"
B="ipc://$B_DIR/run/martd.sock"
DEAD="ipc://$E2E_ROOT/nobody/martd.sock"
GONE="ipc://$E2E_ROOT/gone/martd.sock"
wait_gone() { while kill -0 "$1" 2>/dev/null; do sleep 0.05; done; }
trap 'kill -CONT "$(daemon_pid)" 2>/dev/null || true; stop_rest; stop_daemon "$B_DIR" || true; cleanup' EXIT

start_daemon
MART_DATA_DIR="$B_DIR" "$MARTD" --detach --password-cost minimum
MART_DATA_DIR="$B_DIR" "$MARTCTL" daemon wait --wait-timeout 10
register_secret operator-cookie "$(head -n1 "$B_DIR/cookie")"
A_PID=$(daemon_pid)
B_PID=$(daemon_pid "$B_DIR")
# pid_via LIST [FLAG…]: the pid of the martd that answered daemon status.
pid_via() { "$MARTCTL" --endpoint "$1" "${@:2}" daemon status -o json | jq -r .pid; }

# Failover: the first endpoint that answers, in list order.
expect_eq "$A_PID" "$(pid_via "$DEAD,$A")" "a dead first endpoint is passed over"
expect_eq "$A_PID" "$(pid_via "$A,$B")" "failover asks the first endpoint first"
expect_eq "$B_PID" "$(pid_via "$B, $A")" "and the list's order is the preference"
expect_eq "$B_PID" "$(MART_ENDPOINT="$DEAD,$B" "$MARTCTL" daemon status -o json | jq -r .pid)" \
  "MART_ENDPOINT takes a list"
mkdir -p "$XDG_CONFIG_HOME/mart"
printf '[profile.cluster]\nendpoint = "%s,%s"\n' "$DEAD" "$B" >"$XDG_CONFIG_HOME/mart/martctl.toml"
expect_eq "$B_PID" "$("$MARTCTL" --profile cluster daemon status -o json | jq -r .pid)" \
  "a profile's endpoint takes a list"

# No endpoint answers: exit 6, each one named with why.
expect_exit 6 "$MARTCTL" --endpoint "$DEAD,$GONE" daemon status
expect_stderr "daemon unavailable: tried $DEAD (martd is not running), $GONE (martd is not running)"
expect_exit 2 "$MARTCTL" --endpoint "$A,,$B" daemon status
expect_stderr "empty endpoint"

# random: each martctl starts at a random endpoint; forty of them reach both
# (all on one would have a chance of 2^-39).
seen=$(for _ in $(seq 1 40); do pid_via "$A,$B" --endpoint-policy random; done | sort -u | xargs)
expect_eq "$(printf '%s\n' "$A_PID" "$B_PID" | sort | xargs)" "$seen" "random reaches both instances"
expect_exit 0 "$MARTCTL" --endpoint "$A,$B" --endpoint-policy random config show -o json
expect_eq "random|flag --endpoint-policy" \
  "$(jq -r '.[] | select(.setting == "endpoint-policy") | "\(.value)|\(.source)"' <<<"$OUT")" \
  "config show names the policy and its source"

# The operator cookie goes only to the martd that wrote it, never to a list
# (the call could fail over to another martd).
expect_exit 0 as_operator --endpoint "$A" queue list -o json
expect_exit 4 as_operator --endpoint "$A,$B" queue list -o json

# A login made through a list is saved with the list and serves it while
# its first endpoint is down.
expect_exit 0 "$MARTCTL" --endpoint "$DEAD,$A" auth register --email ann@example.com \
  --first-name Ann --last-name Lee --password-stdin -o json <<<"Password123"
printf 'Password123\n' | "$MARTCTL" --endpoint "$DEAD,$A" --profile ann auth login \
  --email ann@example.com --password-stdin >/dev/null
expect_eq "[\"$DEAD\",\"$A\"]" "$(jq -c .profiles.ann.endpoints "$MART_CREDENTIALS_FILE")" \
  "the login is saved with the whole list"
expect_exit 0 "$MARTCTL" --endpoint "$DEAD,$A" --profile ann auth whoami -o json
expect_eq "ann@example.com" "$(jq -r .email <<<"$OUT")" "the saved login is used with the first endpoint down"
expect_exit 0 "$MARTCTL" --endpoint "$A" --profile ann auth whoami -o json
expect_eq "ann@example.com" "$(jq -r .email <<<"$OUT")" "and through one endpoint of its list"
expect_exit 4 "$MARTCTL" --endpoint "$A,$B" --profile ann auth whoami -o json
expect_stderr "is logged in at $DEAD,$A, not at $A,$B"

# A login is sent once: to a martd that takes it and never answers (stopped),
# never again to the next endpoint (B would have answered 401: ann is not
# there). daemon status, resent safely, moves on to B.
kill -STOP "$A_PID"
expect_exit 6 "$MARTCTL" --endpoint "$A,$B" --timeout 1 --profile ann2 auth login \
  --email ann@example.com --password-stdin <<<"Password123"
expect_stderr "daemon unavailable: tried $A (no reply within 1.0 s)"
check "the login was not sent to B" test "${ERR/$B/}" = "$ERR"
expect_eq "$B_PID" "$(pid_via "$A,$B" --timeout 1)" "a status call that A never answers goes to B"

# A call that waits on A when A is SIGKILLed is sent again to B.
"$MARTCTL" --endpoint "$A,$B" --timeout 60 daemon status -o json >"$E2E_ROOT/waiting.json" &
WAITING=$!
sleep 0.5  # let it send to the stopped A (were it not sent yet, B answers all the same)
kill -KILL "$A_PID"
wait_gone "$A_PID"
wait "$WAITING"
expect_eq "$B_PID" "$(jq -r .pid "$E2E_ROOT/waiting.json")" "the call waiting on a killed A is answered by B"
expect_eq "$B_PID" "$(pid_via "$A,$B")" "after A is killed, calls go to B"

# mart-rest takes the list too; /health says which martd answered.
ENDPOINT="$DEAD,$B" start_rest --endpoint-policy failover
http GET /health
expect_eq "200|$B" "$STATUS|$(jqb .martd.endpoint)" "/health names the martd it reaches"
expect_eq "$B_PID" "$(jqb .pid)" "and it is B"
stop_rest
expect_eq 0 "$REST_RC" "mart-rest stops cleanly"

finish
