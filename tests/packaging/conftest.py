"""The bundle tests report what they measured (size, build and start-up times) at the end of the
run, so the figures show without -s."""

from __future__ import annotations

from tests.packaging.report import LINES


def pytest_terminal_summary(terminalreporter):
    if LINES:
        terminalreporter.section("Doorstep desktop bundle")
        for line in LINES:
            terminalreporter.write_line(line)
