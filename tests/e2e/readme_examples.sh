#!/usr/bin/env bash
# The README's examples stay true: every ```sh block of its "Using it" part
# runs, top to bottom in one shell, against a fresh martd that the README's
# own first line starts (private data dir, config and saved logins from
# lib.sh; the default endpoint, so no flags). The programs are on PATH by
# their installed names. The convention (which blocks run, "# exit N",
# "# not run: WHY", "```sh norun: WHY") is in readme_examples.py and in the
# README. A failure names the README line and the command.
source "$(dirname "$0")/lib.sh"
: "${MART_REST:?MART_REST must point at the mart-rest binary}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$E2E_ROOT/bin" "$E2E_ROOT/work"
# Wrappers, not symlinks: the secret scan reads every file under E2E_ROOT,
# and the binaries hold the test card numbers.
for prog in martd:"$MARTD" martctl:"$MARTCTL" mart-rest:"$MART_REST"; do
  printf '#!/bin/sh\nexec %q "$@"\n' "${prog#*:}" >"$E2E_ROOT/bin/${prog%%:*}"
  chmod +x "$E2E_ROOT/bin/${prog%%:*}"
done

# What a reader brings: the passwords the scripted lines read on stdin, and a
# free loopback port for the REST bridge (mart-rest reads MART_REST_LISTEN;
# the README's default, 127.0.0.1:8080, may be taken on a shared machine).
export PASSWORD=Password123 NEW_PASSWORD=Another-Password456
register_secret password "$NEW_PASSWORD"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export MART_REST_LISTEN="127.0.0.1:$port"

# The convention itself, on small READMEs: what breaks it is refused, naming the line.
convention() {  # convention TEXT: writes a README with TEXT under "Using it", generates its runner
  mkdir -p "$E2E_ROOT/conv"
  printf '# t\n\n## Using it\n\n%s\n\n## Next\n\n```sh\nfalse\n```\n' "$1" >"$E2E_ROOT/conv/README.md"
  (cd "$E2E_ROOT/conv" && python3 "$E2E_DIR/readme_examples.py" README.md run.sh)
}
expect_exit 1 convention $'```sh norun\ntrue\n```'
expect_stderr "README.md:5: a \`\`\`sh norun block needs a reason"
expect_exit 1 convention $'```sh\nmartctl order get 66f1a2b3c4d5e6f708192a3b\n```'
expect_stderr "README.md:6: a literal object id"
expect_exit 1 convention $'```sh\ntrue  # not run:\n```'
expect_stderr 'README.md:6: "# not run:" needs a reason'
expect_exit 1 convention $'```bash\ntrue\n```'
expect_stderr "unknown code block 'bash'"
expect_exit 0 convention $'```sh\nX=$(echo 1)\ntrue  # not run: skipped\n[ "$X" = 1 ]\n(exit 3)  # exit 3: as shown\n```\n```\nfalse\n```'
expect_eq 3 "$OUT" "a shown-only block, a skipped line and the part after 'Using it' do not run"
expect_exit 0 bash "$E2E_ROOT/conv/run.sh"
expect_exit 0 convention $'```sh\ntrue\n(exit 4)   # exit 5: wrong code\ntrue\n```'
expect_exit 1 bash "$E2E_ROOT/conv/run.sh"
expect_stderr "FAIL: README.md:7: (exit 4)   # exit 5: wrong code: exited 4, want 5"
expect_exit 0 convention $'```sh\ntrue &&\n  false && true\n```'
expect_exit 1 bash "$E2E_ROOT/conv/run.sh"
expect_stderr "FAIL: README.md:6: true && …: exited 1, want 0"
expect_exit 0 convention $'```sh\necho "$UNSET_IN_README"\n```'
expect_exit 1 bash "$E2E_ROOT/conv/run.sh"
expect_stderr "FAIL: README.md:6: echo \"\$UNSET_IN_README\": the shell stopped here"

runner="$E2E_ROOT/readme_run.sh"
secret_input "$runner"  # the README's commands hold the test card numbers
count=$(cd "$ROOT" && python3 "$E2E_DIR/readme_examples.py" README.md "$runner")
check "found the README's examples ($count commands)" test "$count" -gt 40

set +e
# The commands' output goes to the test's log only: it echoes each command,
# test card numbers included, so it stays out of the secret scan's files.
(cd "$E2E_ROOT/work" && PATH="$E2E_ROOT/bin:$PATH" bash "$runner" </dev/null)
rc=$?
set -e
check "every example of README.md's 'Using it' ran as shown (exit $rc)" test "$rc" -eq 0
admin_check() { as_operator admin check -o json >"$E2E_ROOT/check.json"; }
check "the examples left martd's invariants intact (admin check)" admin_check
finish
