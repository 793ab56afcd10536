#!/bin/sh
# Install the Doorstep bundle for this user, from the bundle folder it sits in:
#   ./install-linux.sh             menu entry (~/.local/share/applications), icons
#                                  (~/.local/share/icons/hicolor) and ~/.local/bin/doorstep
#   ./install-linux.sh --uninstall removes those three again (your cases stay in ~/.local/share/doorstep)
# Nothing outside your home folder is touched; no root needed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
hicolor=$data/icons/hicolor
bin=$HOME/.local/bin
sizes="16 24 32 48 64 128 256"

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$apps/doorstep.desktop" "$hicolor/scalable/apps/doorstep.svg"
  for s in $sizes; do rm -f "$hicolor/${s}x${s}/apps/doorstep.png"; done
  [ -L "$bin/doorstep" ] && rm -f "$bin/doorstep"
  refresh
  echo "Doorstep's menu entry, icons and ~/.local/bin/doorstep are removed."
  exit 0
fi
if [ -n "${1:-}" ]; then
  echo "install-linux.sh: unknown option '$1' (use no option, or --uninstall)" >&2
  exit 2
fi
if [ ! -x "$here/doorstep" ]; then
  echo "install-linux.sh: run me from the Doorstep folder (no doorstep program beside me)" >&2
  exit 1
fi

mkdir -p "$apps" "$hicolor/scalable/apps" "$bin"
# The menu entry runs this bundle by its full path, so it works without ~/.local/bin on PATH.
sed -e "s|^Exec=.*|Exec=\"$here/doorstep\" gui|" -e "s|^TryExec=.*|TryExec=$here/doorstep|" \
  "$here/doorstep.desktop" > "$apps/doorstep.desktop"
chmod 644 "$apps/doorstep.desktop"
cp "$here/icons/doorstep.svg" "$hicolor/scalable/apps/doorstep.svg"
for s in $sizes; do
  mkdir -p "$hicolor/${s}x${s}/apps"
  cp "$here/icons/doorstep-$s.png" "$hicolor/${s}x${s}/apps/doorstep.png"
done
ln -sfn "$here/doorstep" "$bin/doorstep"
refresh
echo "Doorstep is in your applications menu; 'doorstep' runs from $bin/doorstep."
