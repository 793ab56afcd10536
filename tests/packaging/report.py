"""Figures the packaging tests measured, shown in pytest's terminal summary (see conftest.py)."""

from __future__ import annotations

LINES: list[str] = []


def report(line: str) -> None:
    """Print a figure now (seen with -s) and again in the summary at the end of the run."""
    print(line)
    LINES.append(line)
