#!/usr/bin/env bash
# The whole test suite, headless. Installs what is missing first (scripts/bootstrap.sh),
# starts a throwaway PostgreSQL for the team-server tests when one can be started
# (scripts/pg-throwaway.sh, any user), then runs pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh -k calendar).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen

if [ -z "${DOORSTEP_TEST_PG_URL:-}" ]; then
  # A throwaway PostgreSQL cluster for this run (any user), removed when the run ends.
  . scripts/pg-throwaway.sh
  pg_throwaway_start
fi

# Not exec: the throwaway cluster is removed by this shell's EXIT trap after pytest ends.
.venv/bin/python -m pytest "$@"

# The whole suite as root (CI): prove the PostgreSQL tests pass as an ordinary user too.
if [ $# -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
  scripts/test-pg-nonroot.sh
fi
