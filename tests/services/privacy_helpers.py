"""An office with a resident who has two cases, a namesake elsewhere, and another resident."""

from __future__ import annotations

import datetime as dt

from app.letters import letters as L
from app.letters.issue import issue_letter
from app.services.attachments import add_attachment
from app.services.cases import create_case, record_event
from app.services.workspace import Actor, put_setting
from app.store.models import Officer
from tests.services.letter_helpers import ADDRESS, complaint_case, tick_all

NAME = "Ms Jolanta Wiśniewska"


def act_as(ws, username: str):
    ws.actor = Actor(username, "test-device")
    ws.forget()
    return ws


def close_case(ws, ref: str, at: str) -> None:
    record_event(
        ws, ref, {"type": "case_closed", "at": at, "outcome": "resolved", "summary": "Closed"}
    )


def people(ws) -> None:
    """Roles are enforced from here (as on the demo): a manager, an officer."""
    with ws.db.write() as s:
        s.add(Officer(username="m.lee", name="Morgan Lee", role="manager"))
        s.add(Officer(username="o.ade", name="Olu Ade", role="officer"))
        put_setting(s, "demo", True)


def subject_office(ws, clock, tmp_path) -> dict[str, object]:
    """CMP-7 (issued acknowledgement letter) and GEN-8 (an attachment) belong to one resident;
    CMP-9 is a namesake at another address; ASB-9 someone else. Roles enforced afterwards."""
    complaint_case(ws, clock)
    v = L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    v = L.finalise_letter(ws, v.id, tick_all(ws, v).version)
    issued = issue_letter(ws, v.id, v.version)
    create_case(
        ws,
        ref="GEN-8",
        kind="general",
        officer="a.khan",
        resident_name="  ms jolanta   WISNIEWSKA ",
        address=ADDRESS,
        opened=dt.date(2025, 6, 3),
    )
    photo = tmp_path / "damp-photo.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the damp wall " * 40)
    add_attachment(ws, "GEN-8", photo)
    create_case(
        ws,
        ref="CMP-9",
        kind="complaint",
        officer="a.khan",
        resident_name=NAME,
        address="99 Other Street\nLondon N1 1AA",
        opened=dt.date(2025, 6, 3),
    )
    create_case(
        ws,
        ref="ASB-9",
        kind="asb",
        officer="a.khan",
        resident_name="Mr Tomasz Nowak",
        opened=dt.date(2025, 6, 3),
    )
    people(ws)
    act_as(ws, "m.lee")
    clock.set("2025-06-24T10:00:00+00:00")
    return {"letter_sha": issued.sha256, "photo": photo.read_bytes()}
