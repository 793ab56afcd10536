"""The committed PNG icons are the ones packaging/make_icons.py draws from the SVG."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"


def load_make_icons():
    spec = importlib.util.spec_from_file_location(
        "make_icons", ROOT / "packaging" / "make_icons.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pngs_match_the_svg(qapp, tmp_path):
    from PySide6.QtGui import QImage

    make_icons = load_make_icons()
    drawn = make_icons.make_icons(tmp_path)

    assert [p.name for p in drawn] == [f"doorstep-{s}.png" for s in make_icons.SIZES]
    for fresh in drawn:
        committed = QImage(str(ICONS / fresh.name))
        new = QImage(str(fresh))
        assert committed.size() == new.size(), fresh.name
        assert committed.size().width() == int(fresh.stem.split("-")[1])
        # the same drawing: every pixel within a small rounding tolerance
        worst = max(
            abs(a - b)
            for y in range(0, new.height(), max(1, new.height() // 32))
            for x in range(0, new.width(), max(1, new.width() // 32))
            for a, b in zip(
                committed.pixelColor(x, y).getRgb(), new.pixelColor(x, y).getRgb(), strict=True
            )
        )
        assert worst <= 8, f"{fresh.name} differs from the SVG: run packaging/make_icons.py"


def test_icons_are_small():
    total = sum(p.stat().st_size for p in ICONS.iterdir())
    assert total < 64_000


def test_windows_and_macos_icons_hold_the_drawing():
    from PIL import Image

    make_icons = load_make_icons()
    ico = Image.open(make_icons.ICO)
    assert {(s, s) for s in make_icons.SIZES} <= set(ico.info["sizes"])
    icns = Image.open(make_icons.ICNS)
    assert (512, 512, 1) in icns.info["sizes"]
