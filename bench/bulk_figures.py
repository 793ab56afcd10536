"""Benchmark groups for issue 12 (bulk import, streamed audit, start-up, SQLite settings, a
long case): each prints its figure and its ratio to a floor measured in the same run.
Registered in bench/figures.py's GROUPS."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bulk_import(quick: bool) -> Iterator[str]:
    from bench.import_bench import measure

    for n in (2000,) if quick else (10_000, 100_000):
        yield from measure(n)


def audit_all(quick: bool) -> Iterator[str]:
    from bench.audit_bench import measure

    for n in (2000,) if quick else (10_000, 100_000):
        yield from measure(n)


def sqlite_settings(quick: bool) -> Iterator[str]:
    from bench.sqlite_tuning import measure

    yield from measure(2000 if quick else 100_000)


def _median_run(cmd: list[str], runs: int, env: dict | None = None) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cli_start(quick: bool) -> Iterator[str]:
    runs = 3 if quick else 7
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    due = _median_run([sys.executable, "-m", "app", "due", "2025-12-19", "5"], runs, env)
    bare = _median_run([sys.executable, "-c", "pass"], runs, env)
    yield (
        f"doorstep due 2025-12-19 5: {due * 1000:.0f} ms (median of {runs}); a bare Python "
        f"start {bare * 1000:.0f} ms; ratio {due / bare:.2f}x"
    )


# Both scripts print the wall-clock time (time.time()) at which the first rows are on screen; the
# runner subtracts the moment it started the process, so a figure is process start to a populated
# inbox (interpreter start included, exit not). Doorstep's window then closes cleanly: the database
# is recorded as closed by a clean session, so the next start skips SQLite's integrity check (a
# file copied in or left by a killed process is checked once: ~1.4 s at 100,000 cases).
COLD_START = r"""
import sys, time
from PySide6.QtWidgets import QApplication
from app.services.workspace import Actor, open_workspace
from app.ui.main_window import MainWindow
app = QApplication([])
ws = open_workspace(sys.argv[1], actor=Actor(sys.argv[2] if len(sys.argv) > 2 else "bench", "bench"))
w = MainWindow(ws)
w.show()
app.processEvents()
assert w.model.rowCount() > 0
print(time.time(), flush=True)
w.close()
ws.close()
"""
COLD_FLOOR = r"""
import sqlite3, sys, time
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
app = QApplication([])
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("SELECT ref, next_label, sort_due FROM cases WHERE in_inbox = 1 "
                    "ORDER BY sort_due, ref LIMIT 200").fetchall()
t = QTableWidget(len(rows), 3)
for i, r in enumerate(rows):
    for j, v in enumerate(r):
        t.setItem(i, j, QTableWidgetItem(str(v)))
t.show()
app.processEvents()
print(time.time(), flush=True)
"""


def _median_shown(cmd: list[str], runs: int, env: dict) -> float:
    """Median over ``runs`` of process start to the time the script prints (rows shown)."""
    times = []
    for _ in range(runs):
        t = time.time()
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, env=env)
        times.append(float(out.stdout.split()[-1]) - t)
    return statistics.median(times)


def cold_start_big(quick: bool) -> Iterator[str]:
    """Process start to a populated inbox on the 100,000-case imported database (median of 5
    runs), against a hand-written PySide6 + sqlite3 window showing the same first page."""
    from bench.audit_bench import database

    path = database(2000 if quick else 100_000)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    runs = 3 if quick else 5
    # An installed Doorstep has its bytecode; with PYTHONDONTWRITEBYTECODE set (as here) every
    # run would compile each module again (0.1-0.15 s), so write it once first.
    compileall.compile_dir(ROOT / "app", quiet=1)
    _median_shown([sys.executable, "-c", COLD_START, str(path)], 1, env)  # checks a copied file
    app = _median_shown([sys.executable, "-c", COLD_START, str(path)], runs, env)
    floor = _median_shown([sys.executable, "-c", COLD_FLOOR, str(path)], runs, env)
    yield (
        f"cold start to a populated inbox ({path.name}): {app:.2f} s (median of {runs}); "
        f"hand-written PySide6 + sqlite3 window {floor:.2f} s; ratio {app / floor:.2f}x"
    )


def long_case(quick: bool) -> Iterator[str]:
    """Deriving one case's deadlines at 10,000 and 100,000 events (issue 12 item 7), against
    the floor of putting its events in order and reading each once."""
    from app.domain.deadlines import derive
    from app.domain.events import ordered
    from tests.domain.helpers import shipped
    from tests.domain.test_linear_derivation import long_case as make

    policy = shipped()
    for n in (2000, 10_000) if quick else (10_000, 100_000):
        info, events = make(n)
        t = time.perf_counter()
        result = derive(info, events, policy)
        took = time.perf_counter() - t
        t = time.perf_counter()
        sum(1 for e in ordered(events) if e.is_resident_contact())
        floor = time.perf_counter() - t
        yield (
            f"one case of {n:,} events: deadlines derived in {took:.2f} s "
            f"({len(result.deadlines):,} deadlines); ordering and reading its events once "
            f"{floor:.3f} s; ratio {took / floor:.0f}x"
        )


GROUPS: dict[str, Callable[[bool], Iterator[str]]] = {
    "import": bulk_import,
    "audit_all": audit_all,
    "sqlite_settings": sqlite_settings,
    "cli_start": cli_start,
    "cold_start_100k": cold_start_big,
    "long_case": long_case,
}
