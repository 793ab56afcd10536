"""`doorstep` with no display: one sentence and exit 2, decided before Qt is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import main as launcher
from app.main import display_missing

ROOT = Path(__file__).resolve().parent.parent
CHECK = (
    "import sys; from app.main import main; code = main(sys.argv[1:]); "
    "print('Qt imported' if 'PySide6' in sys.modules else 'Qt not imported'); sys.exit(code)"
)


def _headless_env() -> dict[str, str]:
    drop = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "PYTHONPATH")
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Qt always has a screen there")
@pytest.mark.parametrize("argv", [[], ["gui"], ["gui", "--db", "x.sqlite"]])
def test_no_display_is_one_sentence_and_exit_2_without_importing_qt(tmp_path, argv):
    env = _headless_env() | {"DOORSTEP_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", CHECK, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == "Qt not imported\n"
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("doorstep: no display")
    assert "xvfb-run" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # no demo database made for a window that never opens


@pytest.mark.parametrize(
    "env, missing",
    [
        ({}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, True),
        ({"QT_QPA_PLATFORM": ""}, True),
        ({"DISPLAY": ":0"}, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "minimal"}, False),
        ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, False),
        ({"QT_QPA_PLATFORM": "xcb;offscreen"}, False),
        ({"QT_QPA_PLATFORM": "eglfs"}, False),
    ],
)
def test_which_environments_have_no_display_on_linux(env, missing):
    assert display_missing(env, "linux") is missing


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_never_lack_a_display(platform):
    assert display_missing({}, platform) is False


def test_offscreen_still_opens_the_app(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    opened = []
    monkeypatch.setattr("app.ui.app.run_gui", lambda db, user: opened.append((db, user)) or 0)
    assert launcher.main(["gui", "--db", "cases.sqlite", "--as", "r.morgan"]) == 0
    assert opened == [("cases.sqlite", "r.morgan")]
