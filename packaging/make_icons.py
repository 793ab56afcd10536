"""Draw Doorstep's PNG icons from resources/icons/doorstep.svg with Qt (run after editing the SVG).

python packaging/make_icons.py            # rewrites resources/icons/doorstep-<size>.png
python packaging/make_icons.py OUT_DIR    # writes them elsewhere (the tests compare the two)

It also writes the Windows and macOS icon files the spec uses (packaging/windows/doorstep.ico,
packaging/macos/doorstep.icns) from the same PNGs, with Pillow (installed with reportlab).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO = ROOT / "packaging" / "windows" / "doorstep.ico"
ICNS = ROOT / "packaging" / "macos" / "doorstep.icns"


def make_icons(out: Path, svg: Path = ICONS / "doorstep.svg", sizes=SIZES) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out / f"doorstep-{size}.png"
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"make_icons: could not write {path}")
        written.append(path)
    return written


def make_platform_icons(ico: Path = ICO, icns: Path = ICNS) -> list[Path]:
    import tempfile

    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        (big,) = make_icons(Path(tmp), sizes=(512,))  # macOS's largest common size
        image = Image.open(big)
        image.load()
    ico.parent.mkdir(parents=True, exist_ok=True)
    image.save(ico, sizes=[(s, s) for s in SIZES])
    icns.parent.mkdir(parents=True, exist_ok=True)
    image.save(icns)
    return [ico, icns]


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ICONS
    pngs = make_icons(out)
    if out == ICONS:
        pngs += make_platform_icons()
    for p in pngs:
        print(p)
