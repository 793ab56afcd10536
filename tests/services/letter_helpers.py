"""Cases for letter tests: a stage 1 complaint, an ASB case with a plan, a visit and a closure."""

from __future__ import annotations

import io

from pypdf import PdfReader

from app.letters import letters as L
from app.services import complaints as svc
from app.services.cases import create_case, record_event
from tests.services.complaint_helpers import at

REF = "CMP-7"
ADDRESS = "Flat 2, 5 Elm Road\nCatford\nLondon SE6 1AA"


def named_tester(ws) -> None:
    """The tests' acting "tester" as a named person on record: letters are signed by a
    person's name and job title, never by a login name (a login with no record is a gap)."""
    from sqlalchemy import select

    from app.store.models import Officer

    with ws.db.write() as s:
        if s.scalar(select(Officer.id).where(Officer.username == "tester")) is None:
            s.add(Officer(username="tester", name="Terry Tester", role="officer"))


def complaint_case(ws, clock, ref: str = REF, address: str | None = ADDRESS):
    named_tester(ws)
    clock.set("2025-06-03T09:00:00+00:00")
    create_case(
        ws,
        ref=ref,
        kind="complaint",
        officer="a.khan",
        resident_name="Ms Jolanta Wiśniewska",
        address=address,
    )
    svc.receive_complaint(
        ws,
        ref,
        at=at("2025-06-02T10:00:00+01:00"),
        channel="email",
        summary="Leak not repaired after three visits; nobody calls back",
        points=["Repair not completed", "Calls not returned"],
    )
    return ref


def asb_case(ws, clock, ref: str = "ASB-9"):
    named_tester(ws)
    clock.set("2025-06-20T15:00:00+00:00")
    create_case(
        ws,
        ref=ref,
        kind="asb",
        officer="a.khan",
        resident_name="Mr Tomasz Nowak",
        address="12 Birch Close\nLondon SE6 2BB",
        vulnerabilities=["partially sighted (resident)"],
    )
    record_event(
        ws,
        ref,
        {
            "type": "asb_report",
            "at": "2025-06-16T10:00:00+01:00",
            "channel": "phone",
            "by": "resident",
            "risk_hint": "harassment",
            "summary": "Neighbour's visitors shout threats at him on the stairs most nights",
        },
    )
    record_event(
        ws,
        ref,
        {
            "type": "risk_assessment",
            "at": "2025-06-17T10:00:00+01:00",
            "tier": "high",
            "by": "a.khan",
            "summary": "High risk",
        },
    )
    record_event(
        ws,
        ref,
        {
            "type": "action_plan_agreed",
            "at": "2025-06-18T11:00:00+01:00",
            "update_every_wd": 5,
            "summary": "Plan agreed at home",
            "actions": [
                {"text": "Fit a door viewer", "owner": "a.khan", "due": "2025-06-27"},
                {"text": "Keep an incident diary", "owner": "resident", "due": "2025-07-18"},
            ],
        },
    )
    record_event(
        ws,
        ref,
        {
            "type": "home_visit_request",
            "at": "2025-06-19T09:00:00+01:00",
            "reason": "harassment",
            "summary": "Asked for a visit",
        },
    )
    return ref


def tick_all(ws, view):
    ticks = {c.key: True for c in view.template.checks if not c.auto}
    return (
        L.save_letter(ws, view.id, checks=ticks, expected_version=view.version) if ticks else view
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())
