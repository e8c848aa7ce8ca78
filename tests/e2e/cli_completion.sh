#!/usr/bin/env bash
# Shell completion through the real martctl: the files in completions/ are
# what `martctl completion` prints, and the bash script completes commands,
# flags, enum values and the ids of real products and orders from martd.
source "$(dirname "$0")/lib.sh"
COMPLETIONS="$(dirname "$0")/../../completions"
start_daemon

for shell in bash zsh fish; do
  file=$COMPLETIONS/martctl.$shell
  [ "$shell" = zsh ] && file=$COMPLETIONS/_martctl
  check "completions/ holds what 'martctl completion $shell' prints" \
    diff <("$MARTCTL" completion "$shell") "$file"
done
check "the bash script is valid bash" bash -n "$COMPLETIONS/martctl.bash"
check "the zsh script is valid zsh" zsh -n "$COMPLETIONS/_martctl"
check "the fish script is valid fish" fish -n "$COMPLETIONS/martctl.fish"
# fish runs the script as installed, with martctl found on PATH.
BIN_DIR=$(dirname "$MARTCTL")
expect_eq "cancelled	" "$(PATH="$BIN_DIR:$PATH" fish -c "source $COMPLETIONS/martctl.fish
  complete -C 'martctl order list --status ca'")	" "fish completes through __complete"

# Run the bash completion function as bash would on TAB: complete WORDS…
# (the last word is the one under the cursor) and print COMPREPLY.
complete_words() {
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _martctl
    printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/martctl.bash" "$MARTCTL" "$@"
}

expect_eq "product" "$(complete_words produ)" "a group"
expect_eq "cancel" "$(complete_words order ca)" "a verb"
expect_eq "--status" "$(complete_words order list --sta)" "a flag"
expect_eq "cancelled" "$(complete_words order list --status can)" "an enum value"
expect_eq "json" "$(complete_words -o j)" "a global flag's value"

register admin@example.com >/dev/null
login admin@example.com
PID=$("$MARTCTL" product create --name 'Tab Phone' --category Electronics --price 10 \
  --quantity 5 -q)
OID=$("$MARTCTL" order place --item "$PID:1" --shipping-address \
  '{"line1": "1 Main St", "city": "Town", "postal_code": "1", "country": "X"}' -q)
expect_eq "$PID" "$(complete_words product get "${PID:0:6}")" "a product id from martd"
expect_eq "$PID" "$(complete_words inventory adjust "")" "product ids for inventory"
expect_eq "$OID" "$(complete_words order cancel "")" "an order id from martd"
expect_eq "$PID" "$(complete_words order place --item "")" "--item offers product ids"
"$MARTCTL" __complete product get "" >"$E2E_ROOT/described"
check "ids come with their names" grep -q "^$PID	Tab Phone$" "$E2E_ROOT/described"

# Without a daemon there are no ids, and no noise.
stop_daemon
expect_eq "" "$(complete_words order cancel "")" "no ids when martd is down"
expect_eq "cancel" "$(complete_words order ca)" "commands still complete"
finish
