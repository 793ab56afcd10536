#!/usr/bin/env bash
# A throwaway PostgreSQL for one test run, as any user. Source it, then call pg_throwaway_start:
#   . scripts/pg-throwaway.sh && pg_throwaway_start
# It makes a fresh cluster (initdb) in a temporary folder, starts it (pg_ctl) listening on
# 127.0.0.1 only, on a free port, with its socket in that folder, creates a test role (LOGIN
# CREATEDB CREATEROLE, a random password) and exports DOORSTEP_TEST_PG_URL. The whole cluster is
# removed when the calling shell exits (trap on EXIT, also on failure and on Ctrl-C).
# As root (initdb refuses root) the cluster belongs to the `postgres` system user and its
# commands run through runuser; as anyone else they run directly.
# When PostgreSQL is not installed, or the cluster cannot start, it says why and exports nothing:
# the PostgreSQL tests then skip with their reason. Run directly, it starts a cluster, prints the
# URL and waits (Ctrl-C stops and removes it).

PG_THROWAWAY_DIR=""
PG_THROWAWAY_BIN=""

_pg_as_owner() {
  # Run a cluster command as the cluster's owner, from inside the cluster folder (the postgres
  # user may not be allowed into the current directory).
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$PG_THROWAWAY_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PG_THROWAWAY_DIR" && "$@")
  fi
}

pg_throwaway_stop() {
  [ -z "${PG_THROWAWAY_SLEEP:-}" ] || kill "$PG_THROWAWAY_SLEEP" 2>/dev/null || true
  [ -n "$PG_THROWAWAY_DIR" ] || return 0
  if [ -f "$PG_THROWAWAY_DIR/data/postmaster.pid" ]; then
    _pg_as_owner "$PG_THROWAWAY_BIN/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf -- "$PG_THROWAWAY_DIR"
  PG_THROWAWAY_DIR=""
}

_pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_throwaway_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "pg-throwaway: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); its tests will skip" >&2
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "pg-throwaway: running as root and there is no postgres user to own the cluster; its tests will skip" >&2
    return 0
  fi
  PG_THROWAWAY_BIN=$bin
  PG_THROWAWAY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/doorstep-pg.XXXXXX")
  trap pg_throwaway_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  chmod 700 "$PG_THROWAWAY_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_THROWAWAY_DIR"

  local dir=$PG_THROWAWAY_DIR superpw testpw port started=""
  superpw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  testpw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  # Passwords go through files only the owner can read, never a command line.
  (umask 077 && printf '%s\n' "$superpw" >"$dir/pw")
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pw"
  if ! _pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1; then
    echo "pg-throwaway: initdb failed; PostgreSQL tests will skip:" >&2
    tail -5 "$dir/initdb.log" >&2
    pg_throwaway_stop
    return 0
  fi
  for _ in 1 2 3 4 5; do
    port=$(_pg_free_port)
    if _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  if [ -z "$started" ]; then
    echo "pg-throwaway: the server did not start; PostgreSQL tests will skip:" >&2
    tail -5 "$dir/server.log" >&2 2>/dev/null
    pg_throwaway_stop
    return 0
  fi
  # The superuser's password for psql comes from a pgpass file in the cluster folder.
  (umask 077 && printf '*:*:*:postgres:%s\n' "$superpw" >"$dir/pgpass")
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pgpass"
  if ! _pg_as_owner env PGPASSFILE="$dir/pgpass" "$bin/psql" -X -q -v ON_ERROR_STOP=1 \
      -h "$dir" -p "$port" -U postgres -d postgres >"$dir/psql.log" 2>&1 \
      <<<"CREATE ROLE doorstep_test LOGIN CREATEDB CREATEROLE PASSWORD '$testpw'"; then
    echo "pg-throwaway: could not create the test role; PostgreSQL tests will skip:" >&2
    tail -5 "$dir/psql.log" >&2
    pg_throwaway_stop
    return 0
  fi
  rm -f "$dir/pw"
  export DOORSTEP_TEST_PG_URL="postgresql+psycopg://doorstep_test:$testpw@127.0.0.1:$port/postgres"
  echo "pg-throwaway: PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port (removed when the run ends)" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  pg_throwaway_start
  [ -n "${DOORSTEP_TEST_PG_URL:-}" ] || exit 1
  echo "$DOORSTEP_TEST_PG_URL"
  echo "Ctrl-C stops the server and removes it." >&2
  # wait, not a foreground sleep: a signal interrupts it; the sleep is ended on the way out
  while :; do sleep 3600 & PG_THROWAWAY_SLEEP=$!; wait "$PG_THROWAWAY_SLEEP"; done
fi
