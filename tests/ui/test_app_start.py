"""`doorstep gui --quit-after-load`: the headless start-up check the desktop bundle is tested with."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOADED = re.compile(r"inbox showing (\d+) cases, (\d+\.\d\d) s after start")


def run_doorstep(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    env["DOORSTEP_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_quit_after_load_opens_the_demo_and_reports_the_start_time(tmp_path):
    db = tmp_path / "demo.sqlite"
    made = run_doorstep(tmp_path, "demo", "--db", str(db), "--cases", "12")
    assert made.returncode == 0, made.stderr

    # The demo enforces roles like a team's database: the headless check names its person.
    done = run_doorstep(tmp_path, "gui", "--db", str(db), "--quit-after-load", "--user", "a.khan")

    assert done.returncode == 0, done.stderr
    found = LOADED.search(done.stderr)
    assert found, done.stderr
    assert int(found.group(1)) > 0
    assert float(found.group(2)) > 0
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_quit_after_load_on_an_empty_database_says_so_and_exits_1(tmp_path):
    new = str(tmp_path / "new.sqlite")
    done = run_doorstep(tmp_path, "gui", "--db", new, "--quit-after-load", "--user", "tester")

    assert done.returncode == 1
    assert "the inbox loaded empty" in done.stderr


def test_quit_after_load_never_guesses_who_is_working(tmp_path):
    done = run_doorstep(tmp_path, "gui", "--db", str(tmp_path / "new.sqlite"), "--quit-after-load")

    assert done.returncode == 1
    assert "no people set up" in done.stderr and "Traceback" not in done.stderr
    assert "Traceback" not in done.stderr


def test_gui_options_are_checked_before_anything_opens(tmp_path):
    done = run_doorstep(tmp_path, "gui", "--quit-after-load=yes")

    assert done.returncode == 2
    assert "doorstep:" in done.stderr


def test_the_app_icon_has_every_size(qapp):
    from app.ui.app import ICON_SIZES, app_icon

    sizes = {s.width() for s in app_icon().availableSizes()}

    assert sizes == set(ICON_SIZES)
