#!/usr/bin/env bash
# The docs keep up with the code: every command martctl has is in
# man/martctl.1, every registry method it calls is in common/PROTOCOL.md, and
# the man pages format without a groff warning. The command list comes from
# martctl itself (the hidden __complete command), so nothing here is a
# second, hand-kept list.
source "$(dirname "$0")/lib.sh"
ROOT="$(dirname "$0")/../.."

for page in "$ROOT"/man/*.[1-8]; do
  check "$(basename "$page") formats cleanly (groff -man -ww -z)" \
    test -z "$(groff -man -ww -z "$page" 2>&1)"
done

# The man page as plain words: no font changes, \- as -.
MAN_TEXT=$(sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' "$ROOT/man/martctl.1")
PROTOCOL=$(cat "$ROOT/common/PROTOCOL.md")

commands=0
# A group with commands is described as "GROUP commands: a, b, c".
for group in $("$MARTCTL" __complete "" | cut -f1); do
  verbs="-"
  if "$MARTCTL" __complete "$group" | grep -q "	$group commands: "; then
    verbs=$("$MARTCTL" __complete "$group" "" | cut -f1)
  fi
  for verb in $verbs; do
    words="$group"
    [ "$verb" = "-" ] || words="$group $verb"
    commands=$((commands + 1))
    check "man/martctl.1 documents 'martctl $words'" grep -qF "martctl $words" <<<"$MAN_TEXT"
    # shellcheck disable=SC2086
    method=$("$MARTCTL" $words --help | sed -n 's/^Calls \([a-z_]*\.[a-z_]*\) .*/\1/p')
    if [ -n "$method" ]; then
      check "PROTOCOL.md documents $method" grep -qF "$method" <<<"$PROTOCOL"
    fi
  done
done
check "found the commands ($commands)" test "$commands" -gt 40
finish
