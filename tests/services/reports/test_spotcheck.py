"""Spot checks: a reproducible sample stratified by officer, pre-filled and completed checklists."""

from __future__ import annotations

import pytest

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services.bundles import import_bundle
from app.services.reports.spotcheck import (
    check_percent,
    draw_spot_check,
    list_spot_checks,
    officer_results,
    record_item,
    sample_refs,
)
from tests.services.conftest import act_as
from tests.services.reports.conftest import as_manager
from tests.services.reports.histories import asb, bundle


def _caseload(ws) -> None:
    """a.khan 20 open cases, r.morgan 5 open and 1 closed, t.wis none."""
    for i in range(20):
        import_bundle(ws, bundle(f"AK-{i:02}", "asb", "2026-03-02", [asb("2026-03-02")]))
    for i in range(6):
        events = [asb("2026-03-02")]
        if i == 5:
            events.append({"at": "2026-03-20", "type": "case_closed", "outcome": "Resolved"})
        import_bundle(ws, bundle(f"RM-{i}", "asb", "2026-03-02", events, officer="r.morgan"))


@pytest.fixture
def office(manager_ws):
    _caseload(manager_ws)
    return as_manager(manager_ws)


def test_the_sample_is_stratified_by_officer_and_reproducible(office):
    first = draw_spot_check(office, percent=10, seed=42)
    again = draw_spot_check(office, percent=10, seed=42)
    refs = [i.ref for i in first.items]
    assert refs == [i.ref for i in again.items]
    assert first.population == 25  # open cases only
    assert [i.officer for i in first.items].count("a.khan") == 2  # ceil(20 × 10%)
    assert [i.officer for i in first.items].count("r.morgan") == 1  # ceil(5 × 10%)
    assert "RM-5" not in refs  # closed
    assert (first.seed, first.percent, first.drawn_by) == (42, 10, "p.natarajan")
    other = draw_spot_check(office, percent=10, seed=7)
    assert other.seed == 7
    assert sample_refs("a.khan", [f"AK-{i:02}" for i in range(20)], 50, 1) != sample_refs(
        "a.khan", [f"AK-{i:02}" for i in range(20)], 50, 2
    )


def test_a_drawn_seed_is_recorded_so_the_sample_can_be_drawn_again(office):
    first = draw_spot_check(office, percent=20)
    again = draw_spot_check(office, percent=20, seed=first.seed)
    assert [i.ref for i in first.items] == [i.ref for i in again.items]


def test_the_record_answers_the_audit_checks(office, clock):
    check = draw_spot_check(office, percent=100, seed=1)
    item = next(i for i in check.items if i.ref == "AK-00")
    # reported 2 Mar 2026, no risk assessment by 10 Apr: late; no letters
    assert item.auto["risk_assessment"]["result"] == "fail"
    assert item.auto["letters"] == {"result": "n/a", "note": "no letters"}
    assert set(item.auto) == {"risk_assessment", "action_plan", "regular_contact", "letters"}


def test_the_manager_completes_the_quality_checks(office):
    check = draw_spot_check(office, percent=10, seed=3)
    item = check.items[0]
    quality = {
        "balanced_investigation": "pass",
        "report_writing": "fail",
        "professional_letters": "n/a",
    }
    with pytest.raises(ValidationError, match="needs an action"):
        record_item(office, item.id, item.version, quality, "Notes thin")
    with pytest.raises(ValidationError, match="still to do: Professional letters"):
        record_item(
            office,
            item.id,
            item.version,
            {"balanced_investigation": "pass", "report_writing": "pass"},
        )
    done = record_item(office, item.id, item.version, quality, "Notes thin", "Write up each visit")
    assert done.completed_by == "p.natarajan" and done.quality["report_writing"] == "fail"
    with pytest.raises(ConflictError):
        record_item(office, item.id, item.version, quality, "again", "again")
    results = {r.officer: r for r in officer_results(office)}
    mine = results[item.officer]
    assert (mine.completed, mine.quality_fails, mine.quality_passes) == (1, 1, 1)
    assert mine.actions == ((item.ref, "Write up each visit"),)
    assert list_spot_checks(office)[0].items[0].comments == "Notes thin"


@pytest.mark.parametrize("bad", [0, 101, -3, "ten"])
def test_the_percentage_must_be_1_to_100(bad):
    with pytest.raises(ValidationError, match="1 to 100|percentage"):
        check_percent(bad)


def test_an_officer_may_not_draw_a_spot_check(office):
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied, match="spot checks"):
        draw_spot_check(office)
    act_as(office, "aud")
    assert draw_spot_check(office, seed=5).drawn_by == "aud"


def test_the_percentage_defaults_to_the_policys(office):
    check = draw_spot_check(office, seed=1)  # code-2024: [spotcheck] percent = 10
    assert check.percent == 10 and len(check.items) == 3  # ceil(20 × 10%) + ceil(5 × 10%)
