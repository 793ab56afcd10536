"""Inbox scopes, filters, sorting and counts — all done by the query, not over fetched rows."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import PermissionDenied, ValidationError
from app.services.absences import add_absence, cancel_absence, list_absences, reassign_case
from app.services.cases import get_case
from app.services.inbox import InboxQuery, count_inbox, list_inbox
from tests.services.conftest import act_as


def refs(ws, **q):
    return [r.ref for r in list_inbox(ws, InboxQuery(**q))]


def test_scopes_by_officer_and_team(office):
    act_as(office, "a.khan")
    assert refs(office, scope="mine") == ["GEN-2", "ASB-1"]
    assert refs(office, scope="team") == ["GEN-2", "ASB-1", "CMP-3"]
    assert refs(office, scope="covering") == []
    # "all" is every case she may see: her team's, never the South team's REP-4
    assert refs(office, scope="all") == ["GEN-2", "ASB-1", "CMP-3"]
    act_as(office, "p.natarajan")
    assert refs(office, scope="all") == ["GEN-2", "ASB-1", "CMP-3", "REP-4"]


def test_filters_kind_due_and_text(office):
    assert refs(office, kinds=("asb", "repair")) == ["ASB-1", "REP-4"]
    assert refs(office, due="today") == ["ASB-1"]
    assert refs(office, due="breached") == ["GEN-2"]
    assert refs(office, due="at_risk") == ["ASB-1", "CMP-3"]
    assert refs(office, text="cmp") == ["CMP-3"]
    assert refs(office, text="resident rep") == ["REP-4"]
    assert refs(office, text="100%_") == []


@pytest.mark.parametrize(
    "sort, descending, expected",
    [
        ("ref", False, ["ASB-1", "CMP-3", "GEN-2", "REP-4"]),
        ("ref", True, ["REP-4", "GEN-2", "CMP-3", "ASB-1"]),
        ("due", True, ["REP-4", "CMP-3", "ASB-1", "GEN-2"]),
        ("kind", False, ["ASB-1", "CMP-3", "GEN-2", "REP-4"]),
        ("officer", False, ["GEN-2", "ASB-1", "CMP-3", "REP-4"]),
    ],
)
def test_sorting_happens_in_the_query(office, sort, descending, expected):
    assert refs(office, sort=sort, descending=descending) == expected


def test_counts_match_the_filters(office):
    c = count_inbox(office)
    assert (c.total, c.due_today, c.at_risk, c.breached) == (4, 1, 2, 1)
    act_as(office, "a.khan")
    c = count_inbox(office, InboxQuery(scope="mine"))
    assert (c.total, c.due_today, c.at_risk, c.breached) == (2, 1, 1, 1)


def test_countdown_is_judged_on_the_day_asked(office):
    rows = {r.ref: r.wd_left for r in list_inbox(office, as_of=dt.date(2025, 6, 25))}
    assert rows == {"GEN-2": -6, "ASB-1": -1, "CMP-3": 1, "REP-4": 3}


def test_bad_queries_are_refused(office):
    for bad in (
        InboxQuery(scope="everyone"),
        InboxQuery(sort="colour"),
        InboxQuery(kinds=("boats",)),
        InboxQuery(due="soon"),
        InboxQuery(status="maybe"),
    ):
        with pytest.raises(ValidationError):
            list_inbox(office, bad)


def test_an_absent_officers_cases_appear_in_the_covers_inbox(office):
    act_as(office, "a.khan")
    add_absence(
        office,
        "a.khan",
        dt.date(2025, 6, 23),
        dt.date(2025, 6, 27),
        cover_officer="r.morgan",
        note="Annual leave",
    )
    act_as(office, "r.morgan")
    rows = list_inbox(office, InboxQuery(scope="mine"))
    assert [(r.ref, r.covering_for) for r in rows] == [
        ("GEN-2", "Aisha Khan"),
        ("ASB-1", "Aisha Khan"),
        ("CMP-3", None),
    ]
    assert refs(office, scope="covering") == ["GEN-2", "ASB-1"]
    # after the absence, the cover's inbox is theirs alone again
    assert [
        r.ref for r in list_inbox(office, InboxQuery(scope="covering"), as_of=dt.date(2025, 6, 30))
    ] == []


def test_a_team_queue_covers_for_the_whole_team(office):
    act_as(office, "p.natarajan")  # a manager may set anyone's absence
    add_absence(office, "t.wis", dt.date(2025, 6, 24), dt.date(2025, 6, 24), cover_team="North")
    act_as(office, "a.khan")
    assert refs(office, scope="covering") == ["REP-4"]
    assert "REP-4" in refs(office, scope="team")


def test_absence_rules(office):
    act_as(office, "a.khan")
    with pytest.raises(ValidationError, match="ends before it starts"):
        add_absence(
            office, "a.khan", dt.date(2025, 6, 27), dt.date(2025, 6, 23), cover_officer="r.morgan"
        )
    with pytest.raises(ValidationError, match="own absence"):
        add_absence(
            office, "a.khan", dt.date(2025, 6, 23), dt.date(2025, 6, 27), cover_officer="a.khan"
        )
    with pytest.raises(PermissionDenied, match="manager"):
        add_absence(
            office, "r.morgan", dt.date(2025, 6, 23), dt.date(2025, 6, 27), cover_officer="a.khan"
        )
    absence = add_absence(
        office, "a.khan", dt.date(2025, 6, 23), dt.date(2025, 6, 27), cover_officer="r.morgan"
    )
    act_as(office, "r.morgan")
    with pytest.raises(ValidationError, match="Aisha Khan is away"):
        add_absence(
            office, "r.morgan", dt.date(2025, 6, 25), dt.date(2025, 6, 26), cover_officer="a.khan"
        )
    act_as(office, "a.khan")
    cancel_absence(office, absence.id)
    assert list_absences(office) == []


def test_reassignment_is_an_event_in_the_history(office):
    act_as(office, "p.natarajan")
    before = get_case(office, "ASB-1")
    reassign_case(
        office, "ASB-1", "r.morgan", "Rebalancing caseloads", expected_version=before.version
    )
    after = get_case(office, "ASB-1")
    assert after.officer == "r.morgan"
    entry = after.events[0]
    assert (entry.type, entry.fields["from_officer"], entry.fields["to_officer"]) == (
        "case_reassigned",
        "a.khan",
        "r.morgan",
    )
    from app.errors import ConflictError

    with pytest.raises(ConflictError):
        reassign_case(office, "ASB-1", "a.khan", expected_version=before.version)


@pytest.mark.parametrize("scope", ["all", "mine", "team", "covering"])
def test_fast_sqlite_path_returns_exactly_what_sqlalchemy_returns(office, monkeypatch, scope):
    from app.services import inbox

    act_as(office, "a.khan")
    add_absence(
        office, "a.khan", dt.date(2025, 6, 23), dt.date(2025, 6, 27), cover_officer="r.morgan"
    )
    act_as(office, "r.morgan")
    queries = [
        InboxQuery(scope=scope),
        InboxQuery(scope=scope, due="at_risk", sort="resident"),
        InboxQuery(scope=scope, officer="a.khan"),
        InboxQuery(scope=scope, text="asb", status="open"),
    ]
    fast = [list_inbox(office, q, limit=10) for q in queries]
    assert inbox._fast_page.cache_info().currsize > 0
    monkeypatch.setattr(inbox, "_fast_page", lambda *a: None)
    assert [list_inbox(office, q, limit=10) for q in queries] == fast
