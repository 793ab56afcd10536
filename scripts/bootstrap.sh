#!/usr/bin/env bash
# Install what a fresh Debian/Ubuntu machine lacks to run Doorstep, then the Python
# environment (.venv) with the project and its test extras. Safe to run repeatedly.
#   scripts/bootstrap.sh            runtime + test packages
#   DOORSTEP_NO_APT=1 ...           skip the apt step (you installed the libraries yourself)
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt runtime (offscreen and xcb), Xvfb for screenshots, poppler for PDF checks,
# PostgreSQL for the team-server tests, DejaVu fonts for letters, binutils for the desktop
# bundle test (PyInstaller calls objcopy and strip).
APT_PACKAGES=(
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  poppler-utils fonts-dejavu-core postgresql binutils
)
PY=${PYTHON:-python3}
# Debian's own python3 needs python3-venv for `-m venv`; other builds carry it.
"$PY" -c "import venv, ensurepip" 2>/dev/null || APT_PACKAGES+=(python3-venv)

apt_install() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      # PostgreSQL alone is optional: without it the team-server tests skip with their reason.
      if [ "${missing[*]}" = "postgresql" ]; then
        echo "bootstrap: postgresql is not installed (no sudo to install it); its tests will skip" >&2
        return 0
      fi
      echo "bootstrap: please install these packages first: ${missing[*]}" >&2; return 1; fi
  fi
  echo "bootstrap: installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "${DOORSTEP_NO_APT:-0}" != "1" ] && command -v apt-get >/dev/null 2>&1; then
  apt_install
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.doorstep-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing Doorstep and its test tools into .venv (log: .venv/pip.log)"
  { .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip \
      && .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"; } > .venv/pip.log 2>&1 \
    || { tail -30 .venv/pip.log >&2; echo "bootstrap: pip install failed" >&2; exit 1; }
  .venv/bin/python -c "import app, PySide6, sqlalchemy, alembic, holidays, reportlab, pypdfium2, pytest" \
    || { echo "bootstrap: the Python install failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
