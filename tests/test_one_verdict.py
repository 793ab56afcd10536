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
    sql_form = "app/store/verdicts.py"  # missed() as SQL: checked against it below
    assert [n for n in where(late, outside="app/domain") if not n.startswith(sql_form)] == []
    assert [
        n for n in where(r"\bdue *< *today\b", outside="app/domain") if not n.startswith(sql_form)
    ] == []


def test_the_sql_form_of_missed_agrees_with_the_engine(tmp_path):
    """Reports count stored rows with store.verdicts.is_missed_clause: it gives missed()'s answer
    for every status and every order of due, met, closed and today."""
    import datetime as dt
    import itertools

    from sqlalchemy import case, create_engine, insert, select

    from app.domain.deadlines.model import missed
    from app.store.models import DeadlineRow
    from app.store.verdicts import is_missed_clause, met_in_time_clause

    engine = create_engine(f"sqlite:///{tmp_path / 'v.sqlite'}")
    DeadlineRow.__table__.create(engine)
    days = [None, dt.date(2025, 6, 2), dt.date(2025, 6, 3), dt.date(2025, 6, 4)]
    # clock-hour rows (emergency hazards): due 18:30 on 3 Jun, met at 18:00 or 19:00 that day
    due_at = dt.datetime(2025, 6, 3, 17, 30, tzinfo=dt.UTC)
    instants = [(None, None), (due_at, None), (due_at, due_at - dt.timedelta(minutes=30)),
                (due_at, due_at + dt.timedelta(minutes=30))]  # fmt: skip
    combos = list(
        itertools.product(["open", "met", "closed", "on_hold"], days, days, days, instants)
    )
    today = dt.date(2025, 6, 3)
    with engine.begin() as conn:
        for i, (status, due, met_on, closed_on, (d_at, m_at)) in enumerate(combos):
            conn.execute(
                insert(DeadlineRow).values(
                    case_id=__import__("uuid").uuid4(),
                    key=str(i),
                    kind="callback",
                    label="",
                    started_on=dt.date(2025, 6, 1),
                    due=due,
                    policy="p",
                    status=status,
                    met_on=met_on,
                    closed_on=closed_on,
                    due_at=d_at,
                    met_at=m_at,
                    holds=[],
                    evidence=[],
                )
            )
        rows = conn.execute(
            select(
                DeadlineRow.key,
                case((is_missed_clause(today), 1), else_=0),
                case((met_in_time_clause(), 1), else_=0),
            )
        ).all()
    assert len(rows) == len(combos)
    for key, sql_missed, sql_in_time in rows:
        status, due, met_on, closed_on, (d_at, m_at) = combos[int(key)]
        judged = missed(status, due, met_on, closed_on, today, d_at, m_at)
        assert bool(sql_missed) == judged, combos[int(key)]
        timed = d_at is not None and m_at is not None
        in_time = (
            status == "met"
            and due is not None
            and (m_at <= d_at if timed else (met_on is not None and met_on <= due))
        )
        assert bool(sql_in_time) == in_time, combos[int(key)]


def test_extensions_are_counted_only_by_the_engine():
    assert where(r"extension_max_wd *or *0", outside="app/domain") == []
    assert where(r"\.f\[\"new_due\"\] *>", outside="app/domain") == []


def test_the_scan_sees_a_second_copy():
    """The scan itself works: a copy of a rule, as reading.py once had, is found."""
    copy = "def missed(status, due):\n    return status == 'met' and met_on > due\n"
    SOURCES["app/services/copy.py"] = copy
    try:
        assert len(where(r"^\s*def missed\(")) == 2
        assert "app/services/copy.py:2" in where(r"(met_on) *> *(due)\b", outside="app/domain")
    finally:
        del SOURCES["app/services/copy.py"]


# -- the UI reads its words and allowed actions from the layers below ---------------------------


def in_ui(pattern: str) -> list[str]:
    return [n for n in where(pattern) if n.startswith("app/ui/")]


def test_the_ui_keeps_no_copy_of_labels_or_states():
    assert in_ui(r'^\s*"distress_inconvenience":') == []  # head words: domain.compensation
    assert in_ui(r'^\s*"complaint_received":') == []  # entry labels: domain.events
    assert in_ui(r"^\s*(TYPE_LABELS|GROUPS|HEAD_WORDS)\b[^=]*=") == []
    # the letter editor asks the letter what may be done (letters.views.LETTER_ACTIONS)
    assert in_ui(r"set(Enabled|Visible)\(.*status") == []
    assert in_ui(r"(editable|review) *= *.*status") == []


def test_every_kind_of_entry_has_a_label_and_groups_name_real_kinds():
    from app.domain.compensation import COMPENSATION_HEADS, HEAD_WORDS
    from app.domain.events import EVENT_GROUPS, EVENT_TYPES, TYPE_LABELS

    assert set(TYPE_LABELS) == set(EVENT_TYPES)
    assert set().union(*EVENT_GROUPS.values()) <= set(EVENT_TYPES)
    assert tuple(HEAD_WORDS) == COMPENSATION_HEADS


@pytest.mark.parametrize(
    "status, approval, manager, expected",
    [
        ("draft", False, False, {"save", "finalise", "discard"}),
        ("finalised", False, False, {"reopen", "issue", "discard"}),
        ("finalised", True, False, {"reopen", "discard"}),
        ("finalised", True, True, {"reopen", "approve", "return", "discard"}),
        ("approved", True, False, {"reopen", "issue", "discard"}),
        ("issued", True, True, set()),
        ("discarded", False, True, set()),
    ],
)
def test_the_letter_state_machine(status, approval, manager, expected):
    import datetime as dt

    from app.letters.views import LetterSummary

    s = LetterSummary(
        "id",
        "REF",
        "ack",
        "Acknowledgement",
        status,
        1,
        "a",
        dt.datetime.now(),
        None,
        approval,
        None,
        1,
    )
    assert s.actions(manager) == frozenset(expected)
    assert s.editable == (status == "draft")
