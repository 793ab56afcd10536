""" "At risk" is the policy's threshold ([inbox] at_risk_wd), judged per case's policy."""

from __future__ import annotations

import pytest

from app.domain.policy import PolicyError, parse_policy_text
from app.errors import PermissionDenied, ValidationError
from app.services.cases import create_case, get_case
from app.services.inbox import InboxQuery, count_inbox, list_inbox
from app.services.policies import save_at_risk_days
from tests.services.conftest import act_as, resident_calls


def at_risk(ws) -> list[str]:
    return [r.ref for r in list_inbox(ws, InboxQuery(due="at_risk"))]


def test_changing_the_threshold_changes_the_inbox_at_risk_count(office):
    # ASB-1 due today, CMP-3 in 2 WD, REP-4 in 4 WD, GEN-2 breached (see the office fixture)
    c = count_inbox(office)
    assert (c.at_risk, c.at_risk_words) == (2, "≤ 2 WD")
    assert at_risk(office) == ["ASB-1", "CMP-3"]
    save_at_risk_days(office, "code-2024", 4)
    c = count_inbox(office)
    assert (c.at_risk, c.at_risk_words) == (3, "≤ 4 WD")
    assert at_risk(office) == ["ASB-1", "CMP-3", "REP-4"]
    save_at_risk_days(office, "code-2024", "0")
    assert count_inbox(office).at_risk == 1
    assert at_risk(office) == ["ASB-1"]
    rows = {r.ref: r.urgency for r in list_inbox(office)}
    assert rows == {"GEN-2": "overdue", "ASB-1": "today", "CMP-3": "ok", "REP-4": "ok"}


def test_the_countdowns_follow_the_threshold(office):
    rows = {r.ref: r.urgency for r in list_inbox(office)}
    assert rows == {"GEN-2": "overdue", "ASB-1": "today", "CMP-3": "at_risk", "REP-4": "ok"}
    (d,) = [d for d in get_case(office, "REP-4").deadlines if d.status == "open"]
    assert (d.wd_left, d.urgency) == (4, "ok")
    save_at_risk_days(office, "code-2024", 4)
    assert {r.ref: r.urgency for r in list_inbox(office)}["REP-4"] == "at_risk"
    (d,) = [d for d in get_case(office, "REP-4").deadlines if d.status == "open"]
    assert d.urgency == "at_risk"


def test_each_case_is_judged_by_its_own_policy(office):
    create_case(
        office,
        ref="HEX-5",
        kind="general",
        officer="a.khan",
        resident_name="Resident HEX-5",
        policy="hexagon-4-stage",
    )
    resident_calls(office, "HEX-5", "Call back please", "2025-06-20T09:00")  # due Fri 27 Jun: 3 WD
    assert "HEX-5" not in at_risk(office)
    save_at_risk_days(office, "hexagon-4-stage", 3)
    assert at_risk(office) == ["ASB-1", "CMP-3", "HEX-5"]
    c = count_inbox(office)
    assert (c.at_risk, c.at_risk_words) == (3, "by each case's policy")
    # the default policy's cases keep the default policy's threshold
    save_at_risk_days(office, "code-2024", 0)
    assert at_risk(office) == ["ASB-1", "HEX-5"]
    assert count_inbox(office).at_risk == 2


def test_a_bad_threshold_is_refused(office):
    for bad in ("two", "-1", True, "2.5"):
        with pytest.raises(ValidationError, match="not a number of working days"):
            save_at_risk_days(office, "code-2024", bad)
    with pytest.raises(ValidationError, match=r"inbox\.at_risk_wd: must be between 0 and 60"):
        save_at_risk_days(office, "code-2024", 61)
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied):
        save_at_risk_days(office, "code-2024", 3)
    assert office.registry.get().at_risk_wd == 2


def test_the_policy_file_validates_the_threshold():
    doc = 'name = "x"\ntitle = "x"\nversion = 1\nextends = "code-2024"\n[inbox]\n'
    parents = {"code-2024": _shipped("code-2024")}
    assert parse_policy_text(doc + "at_risk_wd = 5\n", "x", parents.__getitem__).at_risk_wd == 5
    assert parse_policy_text(doc, "x", parents.__getitem__).at_risk_wd == 2
    for bad, problem in [('"2"', "whole number"), ("-1", "between 0 and 60")]:
        with pytest.raises(PolicyError, match=problem):
            parse_policy_text(doc + f"at_risk_wd = {bad}\n", "x", parents.__getitem__)
    with pytest.raises(PolicyError, match="not a known policy key"):
        parse_policy_text(doc + "at_risk = 2\n", "x", parents.__getitem__)


def _shipped(name: str) -> dict:
    from app.store.policies import shipped_documents

    return shipped_documents()[name][1]


def test_the_team_view_counts_at_risk_as_the_inbox_does(office):
    from app.services.team import team_overview

    o = team_overview(office)
    assert (o.totals.at_risk, o.at_risk_words) == (2, "≤ 2 WD")
    save_at_risk_days(office, "code-2024", 4)
    o = team_overview(office)
    assert (
        (o.totals.at_risk, o.at_risk_words)
        == (count_inbox(office).at_risk, "≤ 4 WD")
        == (3, "≤ 4 WD")
    )
