"""`doorstep due` and `wd` start without the database stack (issue 12 item 4): no
SQLAlchemy, Alembic, Mako, Pygments, ReportLab, nor the ``holidays`` package's 250 countries."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.calendar import REGIONS, bank_holidays, holidays_from_package

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "alembic", "mako", "pygments", "reportlab", "holidays", "PySide6")
PROBE = """
import json, runpy, sys, contextlib, io
sys.argv = ["doorstep", *sys.argv[1:]]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        runpy.run_module("app", run_name="__main__")
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"out": out.getvalue(), "code": code,
                  "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


@pytest.mark.parametrize(
    "argv, expected",
    [(["due", "2025-12-19", "5"], "2025-12-30"), (["wd", "2023-11-06", "2023-11-28"], "16")],
)
def test_due_and_wd_do_not_import_the_database_stack(argv, expected):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["out"].strip() == expected and report["code"] in (0, None)
    assert [m for m in HEAVY if m in report["modules"]] == []


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_the_shipped_bank_holidays_are_the_holidays_package_s(region):
    """The table in resources/calendar is what the package says (regenerate it with
    `python -m app.domain.calendar` after upgrading ``holidays``)."""
    assert bank_holidays(region) == holidays_from_package(region)
    assert dt.date(2025, 12, 25) in bank_holidays(region)


def test_the_table_says_where_it_came_from():
    from app.domain.calendar import holidays_file

    doc = json.loads(holidays_file().read_text(encoding="utf-8"))
    assert doc["source"].startswith("holidays ") and set(doc["regions"]) == set(REGIONS.values())
