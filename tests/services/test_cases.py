"""Recording events: validation, deadlines recomputed in the same transaction, stale edits refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import ConflictError, NotFound, ValidationError
from app.services.cases import create_case, get_case, record_event
from app.store.models import AuditLog, CaseEvent, DeadlineRow


def _new_case(ws):
    return create_case(
        ws,
        ref="GEN-1",
        kind="general",
        officer="a.khan",
        resident_name="Zoë Adeyemi",
        opened=dt.date(2025, 6, 23),
    )


def test_inbound_email_starts_a_reply_deadline_and_a_reply_meets_it(ws, clock):
    case = _new_case(ws)
    assert case.deadlines == ()
    local, case = record_event(
        ws,
        "GEN-1",
        {
            "type": "contact",
            "channel": "email",
            "direction": "in",
            "by": "resident",
            "summary": "Boiler query",
            "at": "2025-06-23T10:00:00+01:00",
        },
    )
    (d,) = case.deadlines
    assert (d.kind, d.due, d.status, d.started_by, d.policy) == (
        "reply",
        dt.date(2025, 6, 30),
        "open",
        local,
        "code-2024@3",
    )
    assert d.wd_left == 4  # Tue 24 Jun -> Mon 30 Jun
    _, case = record_event(
        ws,
        "GEN-1",
        {
            "type": "contact",
            "channel": "email",
            "direction": "out",
            "by": "a.khan",
            "answers": local,
            "summary": "Replied",
        },
    )
    (d,) = case.deadlines
    assert (d.status, d.met_on) == ("met", dt.date(2025, 6, 24))


def test_callback_request_gives_a_five_working_day_countdown(ws):
    _new_case(ws)
    _, case = record_event(
        ws,
        "GEN-1",
        {
            "type": "contact",
            "channel": "phone",
            "direction": "in",
            "by": "resident",
            "callback_requested": True,
            "at": "2025-06-24T09:00:00+01:00",
        },
    )
    (d,) = case.deadlines
    assert (d.kind, d.due, d.wd_left) == ("callback", dt.date(2025, 7, 1), 5)
    assert get_case(ws, "GEN-1").deadlines[0].label == "Call back"


def test_bad_events_are_refused_and_nothing_is_saved(ws):
    _new_case(ws)
    bad = [
        ({"type": "teleport"}, "unknown event type"),
        ({"type": "contact", "channel": "phone", "by": "resident"}, "'direction': is missing"),
        (
            {
                "type": "contact",
                "channel": "phone",
                "direction": "in",
                "by": "resident",
                "at": "2025-13-01",
            },
            "not a valid",
        ),
        (
            {
                "type": "contact",
                "channel": "phone",
                "direction": "in",
                "by": "resident",
                "at": "2031-01-01T09:00",
            },
            "future",
        ),
        ({"type": "partner_reply", "agency": "police", "answers": "nope"}, "unknown event 'nope'"),
    ]
    for event, message in bad:
        with pytest.raises(ValidationError, match=message):
            record_event(ws, "GEN-1", event)
    with ws.db.read() as s:
        assert s.scalar(select(func.count(CaseEvent.id))) == 0
        assert s.scalar(select(func.count(DeadlineRow.id))) == 0


def test_stale_edit_is_refused_without_overwriting(ws):
    case = _new_case(ws)
    record_event(
        ws,
        "GEN-1",
        {"type": "contact", "channel": "phone", "direction": "out", "by": "a.khan"},
        expected_version=case.version,
    )
    with pytest.raises(ConflictError, match="changed by tester"):
        record_event(
            ws,
            "GEN-1",
            {"type": "contact", "channel": "phone", "direction": "out", "by": "a.khan"},
            expected_version=case.version,
        )
    assert len(get_case(ws, "GEN-1").events) == 1


def test_every_write_is_attributed_without_resident_details(ws):
    _new_case(ws)
    record_event(
        ws,
        "GEN-1",
        {
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": "a.khan",
            "summary": "Spoke to Zoë about her boiler",
        },
    )
    with ws.db.read() as s:
        logs = s.scalars(select(AuditLog).order_by(AuditLog.at)).all()
        event = s.scalar(select(CaseEvent))
    assert [(log.actor, log.device, log.action) for log in logs] == [
        ("tester", "test-device", "create_case"),
        ("tester", "test-device", "record_event"),
    ]
    assert all("Zoë" not in str(log.detail) for log in logs)
    assert (event.recorded_by, event.device) == ("tester", "test-device")


def test_unknown_case_and_duplicate_refs(ws):
    _new_case(ws)
    with pytest.raises(NotFound):
        record_event(
            ws, "NOPE", {"type": "contact", "channel": "phone", "direction": "out", "by": "a.khan"}
        )
    with pytest.raises(ConflictError):
        _new_case(ws)
    with pytest.raises(ValidationError):
        create_case(ws, ref="X", kind="spaceship", officer="a", resident_name="B")


@pytest.mark.parametrize("ref", ["GEN\u202e-2", "GEN\u00a02", "GEN-\x072"])
def test_a_new_case_ref_holds_printable_characters_only(ws, ref):
    # the same rule a bundle's ref meets on import
    with pytest.raises(ValidationError, match="printable"):
        create_case(ws, ref=ref, kind="general", officer="a.khan", resident_name="Zoë Adeyemi")
