"""Vulnerabilities per household member and the adjustments that cover them
(VULNERABILITY_NOT_ASSESSED). Mon 2 Jun 2025 + 5 WD = Mon 9 Jun."""

from __future__ import annotations

import pytest

from app.domain.deadlines import CLOSED, MET, OPEN
from app.domain.vulnerabilities import by_member, covers, listed_text, parse_listed
from tests.domain.helpers import E, deadline, deadlines, findings, make_case

SEED = ["autism and neurodiverse conditions (son, under 18)", "victim of serious violence (son)"]


@pytest.mark.parametrize(
    ("text", "vulnerability", "member"),
    [
        ("autism (son)", "autism", "son"),
        (
            "autism and neurodiverse conditions (son, under 18)",
            "autism and neurodiverse conditions",
            "son",
        ),
        ("chronic anxiety", "chronic anxiety", "resident"),
        ("hearing loss (resident)", "hearing loss", "resident"),
        ("(son)", "(son)", "resident"),
        ("needs (), help", "needs (), help", "resident"),
    ],
)
def test_parse_listed(text, vulnerability, member):
    item = parse_listed(text)
    assert (item.text, item.vulnerability, item.member) == (text, vulnerability, member)


def test_listed_text_round_trips():
    for vulnerability, member in [("autism", "son"), ("depression", "resident"), ("deaf", None)]:
        item = parse_listed(listed_text(vulnerability, member))
        assert item.vulnerability == vulnerability
        assert item.member == (member or "resident")
    assert listed_text("  low   vision ", " Daughter ") == "low vision (Daughter)"


def test_covers():
    son = parse_listed("autism (son)")
    assert covers(None, None, son)  # a plan for the whole household
    assert covers("Son", None, son)
    assert covers("son", "AUTISM", son)
    assert covers(None, "autism (son)", son)
    assert not covers("daughter", None, son)
    assert not covers("son", "deafness", son)


def test_by_member_groups_in_listed_order():
    groups = by_member([*SEED, "depression", "deaf (Son)"])
    assert list(groups) == ["son", "resident"]
    assert [i.vulnerability for i in groups["son"]] == [
        "autism and neurodiverse conditions",
        "victim of serious violence",
        "deaf",
    ]


# -- the engine -----------------------------------------------------------------------------------

HOUSEHOLD = make_case(kind="asb", vulnerabilities=["autism (son)", "depression"])


def plan(eid, at, **fields):
    return E(eid, at, "vulnerability_plan", **fields)


def test_a_plan_for_one_member_does_not_cover_the_other():
    raws = [plan("v1", "2025-06-03T10:00", member="son", adjustments="Text before calling")]
    d = deadline(deadlines(raws, case=HOUSEHOLD), "vulnerability_plan")
    assert d.status == OPEN
    assert "no adjustments yet for depression (resident)" in d.detail
    assert findings(raws, case=HOUSEHOLD) == [("VULNERABILITY_NOT_ASSESSED", "2025-06-09", [])]


def test_met_when_every_member_is_covered():
    raws = [
        plan(
            "v1", "2025-06-03T10:00", member="son", vulnerability="autism", adjustments="Text first"
        ),
        plan("v2", "2025-06-06T10:00", vulnerability="depression", adjustments="Named officer"),
    ]
    d = deadline(deadlines(raws, case=HOUSEHOLD), "vulnerability_plan")
    assert (d.status, d.met_by) == (MET, "v2")
    assert findings(raws, case=HOUSEHOLD) == []


def test_covered_late():
    raws = [
        plan("v1", "2025-06-03T10:00", member="son", adjustments="Text first"),
        plan("v2", "2025-06-10T10:00", member="resident", adjustments="Named officer"),
    ]
    assert findings(raws, case=HOUSEHOLD) == [("VULNERABILITY_NOT_ASSESSED", "2025-06-09", [])]


def test_a_plan_for_the_wrong_vulnerability_does_not_count():
    raws = [plan("v1", "2025-06-03T10:00", member="son", vulnerability="asthma", adjustments="x")]
    assert deadline(deadlines(raws, case=HOUSEHOLD), "vulnerability_plan").status == OPEN


def test_a_plan_naming_nobody_covers_the_household_as_before():
    raws = [plan("v1", "2025-06-03T10:00")]
    assert deadline(deadlines(raws, case=HOUSEHOLD), "vulnerability_plan").met_by == "v1"


def test_seed_household_is_one_member_with_two_vulnerabilities():
    case = make_case(kind="asb", vulnerabilities=SEED)
    d = deadline(deadlines([], case=case), "vulnerability_plan")
    assert "son: autism and neurodiverse conditions, victim of serious violence" in d.detail
    closed = [
        plan(
            "v1",
            "2025-06-03T10:00",
            member="son",
            vulnerability="autism and neurodiverse conditions",
            adjustments="Text first",
        ),
        E("x1", "2025-06-20T10:00", "case_closed"),
    ]
    d = deadline(deadlines(closed, case=case), "vulnerability_plan")
    assert d.status == CLOSED
    assert "no adjustments yet for victim of serious violence (son)" in d.detail
