#!/usr/bin/env bash
# martctl shell: script mode against a real martd (exit codes, --keep-going,
# the shell's global flags on every line), then an interactive session in tmux
# (TAB completion, output, the prompt, history without secret lines, exit).
source "$(dirname "$0")/lib.sh"
TMUX_SOCKET="mart-e2e-repl-$$"
repl_cleanup() {
  tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
  cleanup
}
trap repl_cleanup EXIT
start_daemon

register ann@example.com >/dev/null
login ann@example.com
PID=$("$MARTCTL" product create --name 'Repl Tea' --category Food --price 4 --quantity 3 -q)

# (1) Script mode.
cat >"$E2E_ROOT/ok.mart" <<SCRIPT
# a comment, then a blank line

product get $PID -o json
inventory adjust $PID --delta 2 --reason "restock from \"supplier\""
product get $PID
SCRIPT
expect_exit 0 "$MARTCTL" shell -o json <"$E2E_ROOT/ok.mart"
expect_eq "Repl Tea" "$(head -n 1 <<<"$OUT" | jq -r .name)" "a line's output"
expect_eq "5" "$(tail -n 1 <<<"$OUT" | jq -r .quantity)" "later lines see earlier ones; -o json applies to all"

printf 'product get %s\nproduct get ffffffffffffffffffffffff\ninventory adjust %s --delta 1 --reason restock\n' \
  "$PID" "$PID" >"$E2E_ROOT/fails.mart"
expect_exit 3 "$MARTCTL" shell <"$E2E_ROOT/fails.mart"
expect_stderr "$E2E_ROOT/fails.mart:2: product get ffffffffffffffffffffffff: "
expect_stderr "[NOT_FOUND]"
expect_eq "5" "$("$MARTCTL" product get "$PID" -o json | jq -r .quantity)" "stopped at the failure"
expect_exit 3 "$MARTCTL" shell --keep-going <"$E2E_ROOT/fails.mart"
expect_eq "6" "$("$MARTCTL" product get "$PID" -o json | jq -r .quantity)" "--keep-going ran the rest"
expect_exit 2 "$MARTCTL" shell <<<'product get "unbalanced'
expect_stderr "unbalanced double quote"
expect_exit 2 "$MARTCTL" shell < <(printf 'version\nno-such-command\n')
check "a piped script is named stdin" grep -q "^stdin:2: no-such-command: unknown command" \
  <<<"$ERR"
expect_exit 0 "$MARTCTL" shell --keep-going <<<'version'

# (2) Interactive, in a private tmux server.
HIST="$E2E_ROOT/state/history"
tmux -L "$TMUX_SOCKET" new-session -d -s first -x 200 -y 50 \
  "env MART_HISTFILE='$HIST' MART_DATA_DIR='$MART_DATA_DIR' \
   MART_CREDENTIALS_FILE='$MART_CREDENTIALS_FILE' NO_COLOR=1 '$MARTCTL'; echo REPL-ENDED \$?; sleep 60"
pane() { tmux -L "$TMUX_SOCKET" capture-pane -p -S -200 2>/dev/null || true; }
# wait_for TEXT: polls the pane for up to 20 s.
wait_for() {
  CHECKS=$((CHECKS + 1))
  for _ in $(seq 1 200); do
    if pane | grep -qF -- "$1"; then echo "ok: pane shows '$1'"; return 0; fi
    sleep 0.1
  done
  fail "pane never showed '$1':"
  pane >&2
}
# wait_for_last LINE: polls until the last non-blank line of the pane is LINE.
wait_for_last() {
  CHECKS=$((CHECKS + 1))
  for _ in $(seq 1 200); do
    if [ "$(pane | grep -v '^$' | tail -n 1)" = "$1" ]; then echo "ok: last line '$1'"; return 0; fi
    sleep 0.1
  done
  fail "the last line never became '$1':"
  pane >&2
}
keys() { tmux -L "$TMUX_SOCKET" send-keys "$@"; }

# capture-pane drops trailing blanks: no pattern ends in one.
wait_for "mart(default:ann@example.com)>"
keys 'prod' Tab
wait_for "> product"
keys 'get ' Tab
wait_for "product get ID [OPTIONS]  (show one product)"
wait_for "> product get $PID"  # the one product's id, from martd
keys ' -o json' Enter
wait_for '"name": "Repl Tea"'
keys 'order list --token x' Enter
wait_for "[UNAUTHENTICATED]"
keys 'help product get' Enter
wait_for "Usage: martctl product get"
stop_daemon
keys 'version' Enter
wait_for "mart(default:ann@example.com, down)>"
start_daemon
keys 'version -o json' Enter
wait_for '"martd": "'
wait_for_last "mart(default:ann@example.com)>"
keys 'half a line'
wait_for "> half a line"
keys C-c
wait_for_last "mart(default:ann@example.com)>"
keys 'exit' Enter
wait_for "REPL-ENDED 0"
check "the history keeps ordinary lines" grep -qF "product\\040get\\040$PID" "$HIST"
check "the history leaves out --token lines" bash -c "! grep -q token '$HIST'"
check "the history leaves out a cancelled line" bash -c "! grep -q half '$HIST'"
expect_eq "600" "$(stat -c %a "$HIST")" "the history file is private"
expect_eq "700" "$(stat -c %a "$(dirname "$HIST")")" "its directory too"

# SIGTERM at the prompt ends the shell with 143 (Ctrl-C only drops the line).
# The new session starts before the old one ends: killing a server's last
# session makes it exit, and a new-session racing that exit fails.
tmux -L "$TMUX_SOCKET" new-session -d -s term -x 200 -y 50 \
  "env MART_HISTFILE='$HIST' NO_COLOR=1 '$MARTCTL' shell; echo REPL-ENDED \$?; sleep 60"
tmux -L "$TMUX_SOCKET" kill-session -t first
wait_for "mart(default:ann@example.com)>"
SHELL_PID=$(tmux -L "$TMUX_SOCKET" list-panes -F '#{pane_pid}')
REPL_PID=$(pgrep -P "$SHELL_PID" -x martctl)
kill -TERM "$REPL_PID"
wait_for "REPL-ENDED 143"
finish
