"""On a terminal, a command whose database needs work before use (SQLite's integrity check, a
backup and an upgrade: up to ~10 s for a large file) says so first, instead of sitting silent;
through a pipe or a script it adds no lines."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

from tests.store.test_upgrades import OLD_FILE

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["inbox", "--user", "tester"]


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, DOORSTEP_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path))


def _on_a_terminal(tmp_path: Path, db: Path) -> tuple[int, str]:
    """Run the command with its stderr on a pseudo-terminal; its exit code and what it said."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "app", *ARGS, "--db", str(db)],
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=follower,
            timeout=120,
        )
        said = b""
        while select.select([leader], [], [], 0.2)[0]:
            chunk = os.read(leader, 4096)
            if not chunk:
                break
            said += chunk
        return done.returncode, said.decode()
    finally:
        os.close(follower)
        os.close(leader)


def test_a_terminal_is_told_about_the_check_and_the_upgrade_once(tmp_path):
    db = tmp_path / "doorstep.sqlite"
    shutil.copyfile(OLD_FILE, db)
    code, said = _on_a_terminal(tmp_path, db)
    assert code == 0
    assert "checking doorstep.sqlite for damage first" in said
    assert "upgrading doorstep.sqlite for this version" in said
    code, said = _on_a_terminal(tmp_path, db)
    assert code == 0 and "doorstep:" not in said  # checked and upgraded: nothing to say


def test_a_pipe_gets_no_extra_lines(tmp_path):
    db = tmp_path / "doorstep.sqlite"
    shutil.copyfile(OLD_FILE, db)
    done = subprocess.run(
        [sys.executable, "-m", "app", *ARGS, "--db", str(db)],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "checking" not in done.stderr and "upgrading" not in done.stderr
