"""The benchmark runner still runs (figures are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runner_prints_its_calendar_figures():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "calendar"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# doorstep bench on")
    assert lines[1].startswith("working_days_between: ") and "x faster" in lines[1]
    assert lines[2].startswith("add_working_days: ")
