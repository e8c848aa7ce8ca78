#!/usr/bin/env bash
# Config files end to end: martd started with --config listens where the file
# says and logs at its level; martctl finds that daemon through martctl.toml
# (and a [profile.NAME] table), config show names each source, the
# environment beats the file, and a misspelt key stops both programs with the
# key and file named.
source "$(dirname "$0")/lib.sh"

SOCKET="$E2E_ROOT/alt.sock"
mkdir -p "$XDG_CONFIG_HOME/mart"
cat >"$E2E_ROOT/martd.toml" <<TOML
# martd settings for this test
listen = "ipc://$SOCKET"
log-level = "debug"
password-cost = "minimum"
TOML
CTL="$XDG_CONFIG_HOME/mart/martctl.toml"
cat >"$CTL" <<TOML
timeout = 4
[profile.alt]
endpoint = "ipc://$SOCKET"
output = "json"
TOML

"$MARTD" --detach --config "$E2E_ROOT/martd.toml"
check "martd listens on the socket from its config file" test -S "$SOCKET"
check "and not on the default one" test ! -e "$MART_DATA_DIR/run/martd.sock"

expect_exit 0 "$MARTCTL" --profile alt daemon wait --wait-timeout 10
expect_exit 0 "$MARTCTL" --profile alt daemon status
expect_eq true "$(jq -r .ready <<<"$OUT")" "profile alt's table gives the endpoint and -o json"

expect_exit 0 "$MARTCTL" --profile alt config show
expect_eq "file $CTL [profile.alt]" \
  "$(jq -r '.[] | select(.setting == "endpoint") | .source' <<<"$OUT")" "config show: endpoint source"
expect_eq "4" "$(jq -r '.[] | select(.setting == "timeout") | .value' <<<"$OUT")" \
  "config show: timeout from the top level"
expect_eq "file $CTL" "$(jq -r '.[] | select(.setting == "timeout") | .source' <<<"$OUT")" \
  "config show: timeout source"

# Without the profile the top level applies: the default endpoint has no daemon.
expect_exit 6 "$MARTCTL" daemon status --timeout 1
# The environment beats the file; a flag beats the environment.
expect_exit 0 env MART_ENDPOINT="ipc://$SOCKET" "$MARTCTL" -o json daemon status
expect_exit 0 env MART_TIMEOUT=9 "$MARTCTL" --profile alt config show
expect_eq "env MART_TIMEOUT" "$(jq -r '.[] | select(.setting == "timeout") | .source' <<<"$OUT")" \
  "env beats file"
expect_exit 0 env MART_TIMEOUT=9 "$MARTCTL" --profile alt --timeout 3 config show
expect_eq "3" "$(jq -r '.[] | select(.setting == "timeout") | .value' <<<"$OUT")" \
  "flag beats env"

# MART_CONFIG and --config name other files; a missing named file is an error.
echo "endpoint = \"ipc://$SOCKET\"" >"$E2E_ROOT/other.toml"
expect_exit 0 env MART_CONFIG="$E2E_ROOT/other.toml" "$MARTCTL" daemon status -o json
expect_exit 2 "$MARTCTL" --config "$E2E_ROOT/missing.toml" version
expect_stderr "missing.toml"

# Misspelt keys stop the program and name the key and the file.
echo 'endpiont = "ipc:///nowhere.sock"' >"$E2E_ROOT/typo.toml"
expect_exit 2 "$MARTCTL" --config "$E2E_ROOT/typo.toml" daemon status
expect_stderr "unknown key 'endpiont'"
expect_stderr "$E2E_ROOT/typo.toml"
echo 'lissten = "ipc:///nowhere.sock"' >"$E2E_ROOT/martd-typo.toml"
expect_exit 2 "$MARTD" --config "$E2E_ROOT/martd-typo.toml" --data-dir "$E2E_ROOT/other-data"
expect_stderr "unknown key 'lissten'"
expect_stderr "$E2E_ROOT/martd-typo.toml"
expect_exit 2 "$MARTD" --config "$E2E_ROOT/nope.toml" --data-dir "$E2E_ROOT/other-data"
check "a failed start creates no data dir" test ! -e "$E2E_ROOT/other-data"

# A token is never printed by config show.
expect_exit 0 env MART_TOKEN=very-secret-token "$MARTCTL" config show -o json
check "config show hides the token" test "$(grep -c very-secret-token <<<"$OUT")" -eq 0
expect_eq "(set)" "$(jq -r '.[] | select(.setting == "token") | .value' <<<"$OUT")" "token shown as (set)"

# Once martd has exited, its log is complete: it logged at the file's level.
stop_daemon
check "martd logged at the file's level (debug)" \
  grep -q "DEBUG request daemon.status" "$MART_DATA_DIR/martd.log"
finish
