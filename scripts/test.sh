#!/usr/bin/env bash
# The whole test suite, headless. Installs what is missing first (scripts/bootstrap.sh),
# starts a local PostgreSQL for the team-server tests when one can be started, then runs pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh -k calendar).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen

if [ -z "${DOORSTEP_TEST_PG_URL:-}" ] && command -v pg_lsclusters >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  # Debian's cluster: start it and create a throwaway role and database for the tests.
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$ver" main >/dev/null
    cluster="$ver main"
  fi
  pg_ctlcluster $cluster start 2>/dev/null || true
  for _ in $(seq 1 20); do su postgres -c "pg_isready -q" && break; sleep 0.5; done
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='doorstep'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE doorstep LOGIN PASSWORD 'doorstep' CREATEDB\""
  export DOORSTEP_TEST_PG_URL="postgresql+psycopg://doorstep:doorstep@127.0.0.1:5432/postgres"
fi

exec .venv/bin/python -m pytest "$@"
