"""The manager's team view (app/services/team.py) on the small office (clock: Tue 24 Jun 2025).

ASB-1 (a.khan) due today, GEN-2 (a.khan) breached, CMP-3 (r.morgan) at risk, REP-4 (t.wis)
4 WD left; p.natarajan is the North team's manager.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.services.absences import add_absence
from app.services.asb import report_asb
from app.services.cases import create_case, get_case, record_event
from app.services.inbox import InboxQuery, count_inbox
from app.services.team import (
    Counts,
    case_review_alerts,
    kinds_of,
    mark_seen,
    new_cases,
    reassign_cases,
    team_overview,
)
from app.store.models import Case, Officer
from tests.services.conftest import act_as

D = dt.date.fromisoformat


def by_user(overview):
    return {line.username: line for line in overview.officers}


def test_each_officer_has_their_counts_by_kind(office):
    lines = by_user(team_overview(office))
    khan = lines["a.khan"]
    assert khan.total == Counts(open=2, due_today=1, at_risk=1, breached=1)
    assert khan.kind("asb") == Counts(open=1, due_today=1, at_risk=1, breached=0)
    assert khan.kind("other") == Counts(open=1, due_today=0, at_risk=0, breached=1)
    assert khan.kind("complaint") == Counts()
    assert lines["r.morgan"].kind("complaint") == Counts(1, 0, 1, 0)
    assert lines["t.wis"].total == Counts(1, 0, 0, 0)
    assert lines["p.natarajan"].total == Counts()  # a manager without cases: shown, all zero
    assert (khan.team, lines["t.wis"].team) == ("North", "South")


def test_the_counts_agree_with_the_inbox_for_every_officer_and_kind(office):
    overview = team_overview(office)
    assert overview.totals == Counts(4, 1, 2, 1)
    for line in overview.officers:
        for group, counts in line.by_kind:
            c = count_inbox(office, InboxQuery(officer=line.username, kinds=kinds_of(group)))
            assert (c.total, c.due_today, c.at_risk, c.breached) == (
                counts.open,
                counts.due_today,
                counts.at_risk,
                counts.breached,
            ), (line.username, group)


def test_absences_and_covers_show_beside_the_officer(office):
    add_absence(office, "a.khan", D("2025-06-23"), D("2025-06-27"), cover_officer="r.morgan")
    lines = by_user(team_overview(office))
    assert lines["a.khan"].away == "away until 27 Jun, covered by Rhys Morgan"
    assert lines["r.morgan"].covering == ("Aisha Khan",)
    assert lines["t.wis"].away is None
    after = by_user(team_overview(office, as_of=D("2025-06-30")))
    assert after["a.khan"].away is None and after["r.morgan"].covering == ()


def test_weekly_trend_counts_breaches_and_on_time_by_due_week(office):
    # CMP-3's call back (due Thu 26 Jun) returned on Fri 20 Jun: on time, in the week of 23 Jun.
    record_event(
        office,
        "CMP-3",
        {
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": "r.morgan",
            "at": "2025-06-20T10:00",
            "summary": "Rang back",
        },
    )
    trend = team_overview(office, weeks=3).trend
    assert [w.week_start for w in trend] == [D("2025-06-09"), D("2025-06-16"), D("2025-06-23")]
    assert [(w.on_time, w.breached) for w in trend] == [(0, 0), (0, 1), (1, 0)]
    assert [w.on_time_rate for w in trend] == [None, 0.0, 1.0]
    # A week later the ASB-1 call back (due 24 Jun) still open is a breach of that week.
    later = team_overview(office, as_of=D("2025-06-25"), weeks=1).trend
    assert [(w.on_time, w.breached) for w in later] == [(1, 1)]
    with pytest.raises(ValidationError, match="between 1 and 104 weeks"):
        team_overview(office, weeks=0)


def test_officers_may_not_see_the_team(office):
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied, match="Only a manager, an admin or an auditor"):
        team_overview(office)
    with pytest.raises(PermissionDenied):
        case_review_alerts(office)


def _asb_report(ws, ref, when):
    report_asb(
        ws,
        ref,
        incident_type="noise",
        summary="Loud music",
        at=dt.datetime.fromisoformat(f"{when}T10:00:00+01:00"),
    )


def test_case_review_alerts_across_the_team_group_a_household_s_cases(office):
    # The same household (name and address) reports twice on ASB-1 and once on a second case.
    create_case(
        office,
        ref="ASB-9",
        kind="asb",
        officer="t.wis",
        resident_name="Resident  asb-1",
        opened=D("2025-06-02"),
    )
    with office.db.write() as s:  # the same address on both cases
        for c in s.scalars(select(Case).where(Case.ref.in_(("ASB-1", "ASB-9")))):
            c.resident.address = "1 High Street"
    _asb_report(office, "ASB-1", "2025-06-03")
    _asb_report(office, "ASB-1", "2025-06-10")
    assert case_review_alerts(office) == []
    _asb_report(office, "ASB-9", "2025-06-20")
    (alert,) = case_review_alerts(office)
    assert alert.refs == ("ASB-9", "ASB-1")
    assert alert.officers == ("t.wis", "a.khan")
    assert (alert.reports, alert.first, alert.last) == (3, D("2025-06-03"), D("2025-06-20"))
    assert "qualifies for an ASB case review" in alert.text
    # Six months after the first report the window has passed.
    assert case_review_alerts(office, as_of=D("2025-12-04")) == []


def test_reassigning_many_cases_records_an_event_each_and_marks_them_new(office):
    moved = reassign_cases(office, ["GEN-2", "REP-4"], "r.morgan", reason="Caseload balance")
    assert moved.moved == ("GEN-2", "REP-4")
    for ref in ("GEN-2", "REP-4"):
        case = get_case(office, ref)
        assert case.officer == "r.morgan"
        handed = [e for e in case.events if e.type == "case_reassigned"]
        assert len(handed) == 1
    assert new_cases(office) == frozenset()  # the manager is not told about their own hand-over
    act_as(office, "r.morgan")
    assert new_cases(office) == {"GEN-2", "REP-4"}
    assert mark_seen(office, "GEN-2") is True
    assert mark_seen(office, "GEN-2") is False
    assert new_cases(office) == {"REP-4"}
    act_as(office, "p.natarajan")
    reassign_cases(office, ["REP-4"], "t.wis")  # handed back before r.morgan opened it
    act_as(office, "r.morgan")
    assert new_cases(office) == frozenset()


def test_reassigning_checks_everything_before_moving_anything(office):
    def owners():
        with office.db.read() as s:
            return dict(
                s.execute(select(Case.ref, Officer.username).join(Officer, Case.officer)).all()
            )

    before = owners()
    with pytest.raises(ValidationError, match="There is no case NOPE-1"):
        reassign_cases(office, ["GEN-2", "NOPE-1"], "r.morgan")
    with pytest.raises(ValidationError, match="CMP-3 is already with Rhys Morgan"):
        reassign_cases(office, ["GEN-2", "CMP-3"], "r.morgan")
    with pytest.raises(ValidationError, match="There is no officer 'nobody'"):
        reassign_cases(office, ["GEN-2"], "nobody")
    with pytest.raises(ValidationError, match="at least one case"):
        reassign_cases(office, [" "], "r.morgan")
    act_as(office, "a.khan")  # an officer may hand over their own case, not many of the team's
    with pytest.raises(PermissionDenied):
        reassign_cases(office, ["REP-4"], "a.khan")
    assert owners() == before


def test_the_counts_take_the_same_few_queries_however_many_cases(office):
    """Aggregate queries, not a loop over cases: doubling the cases adds no statement."""
    from sqlalchemy import event

    def statements() -> int:
        seen = []
        engine = office.db.engine

        def count(*_args, **_kw):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            team_overview(office)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    statements()  # warm: who is acting is worked out once and remembered
    before = statements()
    for i in range(6):
        create_case(
            office,
            ref=f"GEN-{10 + i}",
            kind="general",
            officer=("a.khan", "r.morgan", "t.wis")[i % 3],
            resident_name=f"Resident {i}",
            opened=D("2025-06-02"),
        )
    statements()
    assert statements() == before <= 8
