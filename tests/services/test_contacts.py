"""Logging contacts: deadlines they start, the complaint offer after dissatisfaction, corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import NotFound, ValidationError
from app.services.absences import add_absence
from app.services.cases import get_case
from app.services.contacts import log_contact, record_complaint_offer
from tests.services.conftest import act_as

AT = dt.datetime(2025, 6, 24, 9, 0, tzinfo=dt.UTC)


def open_kinds(case):
    return sorted((d.kind, d.due.isoformat()) for d in case.deadlines if d.status == "open")


def test_callback_and_inbound_email_start_their_deadlines(office):
    act_as(office, "r.morgan")
    logged = log_contact(
        office,
        "CMP-3",
        channel="email",
        direction="in",
        summary="Where is my reply?",
        callback_requested=True,
        at=AT,
    )
    assert ("callback", "2025-07-01") in open_kinds(logged.case)
    assert ("reply", "2025-07-01") in open_kinds(logged.case)
    assert not logged.offer_complaint
    out = log_contact(
        office, "CMP-3", channel="phone", direction="out", summary="Called back", at=AT
    )
    assert ("callback", "2025-07-01") not in open_kinds(out.case)
    entry = out.case.events[0]
    assert (entry.by, entry.fields["channel"]) == ("r.morgan", "phone")


def test_dissatisfaction_asks_for_the_offer_and_acceptance_starts_a_complaint(office):
    logged = log_contact(
        office,
        "GEN-2",
        channel="phone",
        direction="in",
        summary="Fed up waiting",
        dissatisfaction=True,
        at=AT,
    )
    assert logged.offer_complaint
    assert ("dissatisfaction_offer", "2025-07-01") in open_kinds(logged.case)
    case = record_complaint_offer(office, "GEN-2", logged.id, accepted=True)
    kinds = open_kinds(case)
    assert ("dissatisfaction_offer", "2025-07-01") not in kinds
    assert ("complaint_ack", "2025-07-01") in kinds  # received today, acknowledge in 5 WD
    types = [e.type for e in case.events[:2]]
    assert types == ["complaint_received", "complaint_offered"]


def test_declined_offer_is_recorded_and_stops_the_offer_deadline(office):
    logged = log_contact(
        office,
        "GEN-2",
        channel="phone",
        direction="in",
        summary="Unhappy",
        dissatisfaction=True,
        at=AT,
    )
    case = record_complaint_offer(office, "GEN-2", logged.id, accepted=False)
    assert not any(d.kind.startswith("complaint") for d in case.deadlines)
    assert case.events[0].fields == {
        "accepted": False,
        "answers": logged.id,
        "summary": "Offered a formal complaint; the resident declined",
    }
    with pytest.raises(NotFound):
        record_complaint_offer(office, "GEN-2", "nope", accepted=True)


def test_a_correction_is_a_new_entry_and_both_are_kept(office):
    first = log_contact(
        office, "ASB-1", channel="phone", direction="out", summary="Calld resdent", at=AT
    )
    fixed = log_contact(
        office,
        "ASB-1",
        channel="phone",
        direction="out",
        summary="Called the resident",
        corrects=first.id,
        at=AT,
    )
    case = get_case(office, "ASB-1")
    summaries = [e.summary for e in case.events if e.type == "contact"]
    assert "Calld resdent" in summaries and "Called the resident" in summaries
    assert case.corrected == {first.id: fixed.id}
    with pytest.raises(NotFound):
        log_contact(
            office,
            "ASB-1",
            channel="phone",
            direction="out",
            summary="x",
            corrects="missing",
            at=AT,
        )


def test_contact_logged_by_a_cover_says_so(office):
    act_as(office, "a.khan")
    add_absence(
        office, "a.khan", dt.date(2025, 6, 23), dt.date(2025, 6, 27), cover_officer="r.morgan"
    )
    act_as(office, "r.morgan")
    logged = log_contact(
        office, "ASB-1", channel="phone", direction="out", summary="Covering call", at=AT
    )
    assert logged.case.events[0].fields["covering_for"] == "a.khan"


def test_contacts_need_a_summary_and_known_values(office):
    with pytest.raises(ValidationError, match="summary"):
        log_contact(office, "ASB-1", channel="phone", direction="out", summary="  ", at=AT)
    with pytest.raises(ValidationError, match="Channel"):
        log_contact(office, "ASB-1", channel="pigeon", direction="out", summary="x", at=AT)


def test_the_suggested_direction_comes_from_the_channel_and_the_last_entry(office):
    from app.services.contacts import suggested_direction

    act_as(office, "a.khan")
    events = get_case(office, "ASB-1").events  # the resident's call, waiting for a call back
    assert suggested_direction("letter", events) == "out"
    assert suggested_direction("visit", events) == "out"
    assert suggested_direction("portal", events) == "in"
    assert suggested_direction("phone", events) == "out"  # the call back is owed
    reply = log_contact(
        office,
        "ASB-1",
        channel="phone",
        direction="out",
        summary="Called back",
        answers=events[0].id,
    )
    assert suggested_direction("phone", reply.case.events) is None  # answered: a real choice
    assert suggested_direction("email", []) is None  # nothing to go on: the officer chooses
    with pytest.raises(ValidationError, match="Choose the direction"):
        log_contact(office, "ASB-1", channel="phone", direction="", summary="x")
