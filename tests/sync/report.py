"""The fault harness's counts, kept for the run's terminal summary (tests/sync/conftest.py)."""

from __future__ import annotations

HARNESS: list[str] = []
