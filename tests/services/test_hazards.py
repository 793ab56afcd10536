"""Reporting and working a hazard through the services (Awaab's Law, issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import NotFound, PermissionDenied, ValidationError
from app.services.cases import create_case
from app.services.hazards import hazard_choices, hazards_on, record_step, report_hazard
from tests.services.conftest import act_as


@pytest.fixture
def home(office, clock):
    """Case ASB-1 (a.khan's) with the clock on Fri 6 Mar 2026 18:30 GMT, after the law applied."""
    clock.set("2026-03-06T18:30:00+00:00")
    return act_as(office, "a.khan")


def test_the_choices_come_from_the_policy(home):
    choices = {c.key: c for c in hazard_choices(home, "ASB-1")}
    assert choices["damp_mould"].categories == ("emergency", "significant")
    assert choices["fire"].categories == ("emergency",)
    assert choices["damp_mould"].name == "Damp and mould growth"


def test_an_emergency_reported_on_friday_evening_counts_down_in_hours(home, clock):
    report_id, _ = report_hazard(
        home, "ASB-1", hazard="fire", category="emergency", channel="phone",
        summary="Exposed wiring sparking in the hall", location="Hall",
    )  # fmt: skip
    (view,) = hazards_on(home, "ASB-1")
    clock_ = view.next_clock
    assert view.id == report_id and view.category == "Emergency"
    assert clock_.due_at == dt.datetime(2026, 3, 7, 18, 30, tzinfo=dt.UTC)
    later = dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.UTC)
    assert clock_.left_text(later, later.date(), None) == "6 h 30 min left"


def test_steps_follow_the_hazard_and_end_its_clocks(home, clock):
    report_id, _ = report_hazard(
        home, "ASB-1", hazard="damp_mould", category="significant", channel="phone",
        summary="Black mould in the bedroom",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="investigation first"):
        record_step(home, "ASB-1", report_id, "hazard_made_safe")
    clock.set("2026-03-10T10:00:00+00:00")
    record_step(
        home, "ASB-1", report_id, "hazard_investigated", category="significant",
        finding="Mould on two walls; extractor fan broken",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="already investigated"):
        record_step(home, "ASB-1", report_id, "hazard_investigated", category="significant",
                    finding="Again")  # fmt: skip
    record_step(home, "ASB-1", report_id, "hazard_summary_sent", channel="letter")
    record_step(home, "ASB-1", report_id, "hazard_made_safe")
    record_step(home, "ASB-1", report_id, "hazard_works_started", job="New extractor fan")
    (view,) = hazards_on(home, "ASB-1")
    assert view.investigated and view.made_safe and view.works_started
    assert view.next_clock is None
    assert [words for _, _, words in view.steps] == [
        "investigated", "written summary sent", "made safe", "works started",
    ]  # fmt: skip


def test_a_hazard_outside_the_policy_is_refused(home):
    with pytest.raises(ValidationError, match="not a hazard the policy names"):
        report_hazard(home, "ASB-1", hazard="ghosts", category="emergency", channel="phone",
                      summary="x")  # fmt: skip
    with pytest.raises(
        ValidationError, match="emergency under the policy in force, not significant"
    ):
        report_hazard(home, "ASB-1", hazard="fire", category="significant", channel="phone",
                      summary="x")  # fmt: skip


def test_a_step_on_an_unknown_report_is_refused(home):
    with pytest.raises(NotFound):
        record_step(home, "ASB-1", "e999", "hazard_made_safe")


def test_only_someone_who_may_change_the_case_can_report_on_it(home):
    act_as(home, "t.wis")  # South's officer: not his case
    with pytest.raises((PermissionDenied, NotFound)):
        report_hazard(home, "ASB-1", hazard="fire", category="emergency", channel="phone",
                      summary="x")  # fmt: skip


def test_the_inbox_shows_the_hazard_clock(home):
    from app.services.inbox import list_inbox

    create_case(home, ref="HZ-9", kind="general", officer="a.khan", resident_name="Ms Example",
                opened=dt.date(2026, 3, 6))  # fmt: skip
    report_hazard(home, "HZ-9", hazard="fire", category="emergency", channel="phone",
                  summary="Sparking socket")  # fmt: skip
    rows = {r.ref: r for r in list_inbox(home)}
    assert rows["HZ-9"].next_kind == "hazard_investigation"
    assert rows["HZ-9"].due == dt.date(2026, 3, 7)
    assert rows["HZ-9"].next_label == "Investigate emergency hazard: Fire (by 18:30)"


def test_an_emergency_met_half_an_hour_late_is_late_everywhere(home, clock):
    from app.services.auditing import audit_case
    from app.services.cases import get_case

    report_id, _ = report_hazard(home, "ASB-1", hazard="fire", category="emergency",
                                 channel="phone", summary="Sparking socket")  # fmt: skip
    clock.set("2026-03-07T19:00:00+00:00")  # due 18:30: the same day, half an hour late
    record_step(home, "ASB-1", report_id, "hazard_investigated", category="emergency",
                finding="Socket burnt out")  # fmt: skip
    stored = next(d for d in get_case(home, "ASB-1").deadlines if d.kind == "hazard_investigation")
    assert stored.breached  # the stored row, as the inbox and the team view read it
    codes = [f.code for f in audit_case(home, "ASB-1").findings]
    assert "HAZARD_INVESTIGATION_LATE" in codes  # the engine, as the audit reads it
