"""One verdict, one place: "missed", "at risk" and extension counting are decided by the
deadline engine (app/domain) alone, and the at-risk threshold is policy data. This scans app/
for a second copy creeping back in (issue 10 item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
SOURCES = {p.relative_to(APP.parent).as_posix(): p.read_text("utf-8") for p in APP.rglob("*.py")}


def where(pattern: str, outside: str = "") -> list[str]:
    """``file:line`` of every line of app/ matching ``pattern`` (not under ``outside``)."""
    rx = re.compile(pattern)
    return [
        f"{name}:{i}"
        for name, text in SOURCES.items()
        if not (outside and name.startswith(outside))
        for i, line in enumerate(text.splitlines(), 1)
        if rx.search(line)
    ]


@pytest.mark.parametrize(
    "what, pattern, home",
    [
        ("the rule for missed", r"^\s*def missed\(", "app/domain/deadlines/model.py"),
        ("the rule for at risk", r"^\s*def urgency\(", "app/domain/deadlines/model.py"),
        (
            "the extension rule",
            r"^\s*def extension_verdicts\(",
            "app/domain/deadlines/complaints.py",
        ),
        (
            "an at-risk threshold",
            r"^\s*[A-Za-z_]*AT_RISK\w*\s*(:[^=]*)?=",
            "app/domain/policy_schema.py",
        ),
    ],
)
def test_each_verdict_is_defined_once(what, pattern, home):
    found = where(pattern)
    assert len(found) == 1 and found[0].startswith(home + ":"), f"{what}: {found}"


def test_no_threshold_is_written_as_a_number_outside_the_policy():
    assert where(r"<= *2\b") == []
    assert where(r"≤ *\d+ *WD") == []  # screens say what the policy says (Policy.at_risk_words)
    # the UI draws the urgency the views carry; it never judges working days left itself
    assert where(r"wd_left *(<=|<) *[1-9a-zA-Z]", outside="app/domain") == []


def test_lateness_is_not_judged_outside_the_engine():
    """Comparing a done, met or closed date with a due date is the engine's ``missed``."""
    late = r"(\.day|met_on|closed_on|done_on|done\.day) *> *(\w+\.)?(due|running)\b"
    assert where(late, outside="app/domain") == []
    assert where(r"\bdue *< *today\b", outside="app/domain") == []


def test_extensions_are_counted_only_by_the_engine():
    assert where(r"extension_max_wd *or *0", outside="app/domain") == []
    assert where(r"\.f\[\"new_due\"\] *>", outside="app/domain") == []


def test_the_scan_sees_a_second_copy():
    """The scan itself works: a copy of a rule, as reading.py once had, is found."""
    copy = "def missed(status, due):\n    return status == 'met' and met_on > due\n"
    SOURCES["app/services/copy.py"] = copy
    try:
        assert len(where(r"^\s*def missed\(")) == 2
        assert where(r"(met_on) *> *(due)\b", outside="app/domain") == ["app/services/copy.py:2"]
    finally:
        del SOURCES["app/services/copy.py"]
