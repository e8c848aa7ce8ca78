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

runner="$E2E_ROOT/readme_run.sh"
secret_input "$runner"  # the README's commands hold the test card numbers
count=$(cd "$ROOT" && python3 "$E2E_DIR/readme_examples.py" README.md "$runner")
check "found the README's examples ($count commands)" test "$count" -gt 40

set +e
(cd "$E2E_ROOT/work" && PATH="$E2E_ROOT/bin:$PATH" bash "$runner" </dev/null) \
  > >(tee "$E2E_ROOT/readme.out") 2> >(tee "$E2E_ROOT/readme.err" >&2)
rc=$?
set -e
check "every example of README.md's 'Using it' ran as shown (exit $rc)" test "$rc" -eq 0
admin_check() { as_operator admin check -o json >"$E2E_ROOT/check.json"; }
check "the examples left martd's invariants intact (admin check)" admin_check
finish
