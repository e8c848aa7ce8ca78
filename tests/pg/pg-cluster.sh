#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (issue 18), from Debian's postgresql.
#   tests/pg/pg-cluster.sh start DIR   initdb and start a server for DIR (see below for where)
#   tests/pg/pg-cluster.sh stop DIR    stops that server, by the PID it wrote, and removes its files
#   tests/pg/pg-cluster.sh uri DIR     prints the postgresql:// URI of its database "mart"
#   tests/pg/pg-cluster.sh restart DIR starts the server of DIR again, on its data (after a crash;
#                                      retried until the killed server's backends are gone)
#   tests/pg/pg-cluster.sh kill DIR    SIGKILLs its postmaster and waits until it is gone (crash tests)
#   tests/pg/pg-cluster.sh pid DIR     prints the PID of its postmaster
# The server listens on a Unix socket in its own directory only (no TCP port), trusts its own
# user, and runs without fsync: it lives as long as one test run, and a test
# that kills it (pg_server_crash.sh) kills the server, not the machine. Commits
# stay synchronous: a killed server keeps every commit it acknowledged. initdb refuses
# to run as root, so as root the cluster belongs to the postgres system user.
set -euo pipefail

command=${1:?usage: pg-cluster.sh start|stop|uri DIR}
dir=${2:?usage: pg-cluster.sh start|stop|uri DIR}
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
# The server lives in /tmp, under a name made from DIR: the postgres user
# cannot enter a checkout under /root, and a socket path must stay short.
# DIR itself only names it (the same DIR, the same server).
dir=/tmp/mart-pg-$(printf '%s' "$dir" | md5sum | cut -c1-16)

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "pg-cluster: PostgreSQL is not installed (scripts/deps.sh installs it)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

case "$command" in
  uri)
    echo "postgresql:///mart?host=$dir&user=$(user)"
    ;;
  start)
    if [ -f "$dir/data/postmaster.pid" ]; then "$0" stop "$dir"; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bindir/initdb" -D "$dir/data" -U "$(user)" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/createdb" -h "$dir" -U "$(user)" mart
    ;;
  pid)
    head -1 "$dir/data/postmaster.pid"
    ;;
  restart)
    # The backends of a killed server linger a moment, and the pid file with them.
    for _ in $(seq 1 100); do
      as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1 && exit 0
      sleep 0.1
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  kill)
    postmaster=$(head -1 "$dir/data/postmaster.pid")
    kill -KILL "$postmaster"
    while kill -0 "$postmaster" 2>/dev/null; do sleep 0.01; done
    echo "killed the PostgreSQL server (pid $postmaster)"
    ;;
  stop)
    pidfile="$dir/data/postmaster.pid"
    if [ -f "$pidfile" ]; then
      pid=$(head -1 "$pidfile")
      # SIGINT: PostgreSQL's fast shutdown (sessions are ended, nothing waits).
      kill -INT "$pid" 2>/dev/null || true
      for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then
        echo "pg-cluster: server $pid did not stop; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "pg-cluster: unknown command '$command' (start, stop, uri, restart, pid)" >&2
    exit 2
    ;;
esac
