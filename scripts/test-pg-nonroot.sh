#!/usr/bin/env bash
# Run as root by scripts/test.sh after the whole suite: the PostgreSQL tests once more as an
# ordinary user — their own copy of the project's files, their own virtual environment (Debian's
# python3) and their own throwaway cluster — so the team-server tests are proved not to need root.
# Does nothing when not run as root. DOORSTEP_SKIP_NONROOT=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || exit 0
[ "${DOORSTEP_SKIP_NONROOT:-0}" = "1" ] && { echo "test-pg-nonroot: skipped (DOORSTEP_SKIP_NONROOT=1)"; exit 0; }

user=doorstep-nonroot
sys_python=/usr/bin/python3
id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
if ! "$sys_python" -c "import venv, ensurepip" 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

work=$(mktemp -d /tmp/doorstep-nonroot.XXXXXX)
trap 'rm -rf "$work"' EXIT
# What a clone holds (tracked files), owned by the user.
git ls-files -z | tar --null -T - -cf - | tar -C "$work" -xf -
chown -R "$user": "$work"
chmod 755 "$work"

mapfile -t files < <(grep -rlE "DOORSTEP_TEST_PG_URL|from tests.pg import" tests --include='test_*.py' | sort)
echo "test-pg-nonroot: the PostgreSQL tests (${#files[@]} files) as the ordinary user '$user'"
# CI=true: tests/pg.py fails (not skips) when no PostgreSQL could be started for this user.
runuser -u "$user" -- env -i HOME="/home/$user" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  PYTHON="$sys_python" DOORSTEP_NO_APT=1 CI=true \
  bash -c 'cd "$1" && shift && scripts/test.sh -q -p no:cacheprovider "$@"' _ "$work" "${files[@]}"
