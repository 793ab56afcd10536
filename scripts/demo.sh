#!/usr/bin/env bash
# Install what is missing, create the demo database (invented cases) and open the app on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
db=$(.venv/bin/doorstep demo "$@")
echo "Demo database: $db"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "No display found: running the app on a virtual screen (xvfb-run)."
  exec xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/doorstep gui --db "$db"
fi
exec .venv/bin/doorstep gui --db "$db"
