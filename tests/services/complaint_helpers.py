"""Shared set-up for complaint service tests: the seed 001 case and its complaint timeline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.domain.complaint_response import OutstandingAction, PointDecision, ResponseDraft
from app.services.cases import create_case, get_or_create_officer, record_event
from app.store.models import Officer

REF = "HX-0001"
VULNERABILITIES = [
    "autism and neurodiverse conditions (son, under 18)",
    "victim of serious violence (son)",
]
D = dt.date.fromisoformat


def at(text: str) -> dt.datetime:
    """An instant in London time, as the seed gives it."""
    return dt.datetime.fromisoformat(text)


def seed_case(ws, ref: str = REF, opened: str = "2024-07-16", kind: str = "asb"):
    return create_case(
        ws,
        ref=ref,
        kind=kind,
        officer="t.okafor",
        resident_name="Ms A. Whitfield",
        opened=D(opened),
        vulnerabilities=VULNERABILITIES,
    )


def contact(ws, when: str, by: str, summary: str, ref: str = REF, **fields) -> str:
    raw = {
        "type": "contact",
        "at": when,
        "channel": fields.pop("channel", "phone"),
        "direction": fields.pop("direction", "out"),
        "by": by,
        "summary": summary,
        **fields,
    }
    local, _ = record_event(ws, ref, raw)
    return local


def draft(
    *,
    points=(("Handling of the ASB reports", "upheld", "The ASB policy was not followed"),),
    compensation=(),
    apology=True,
    remedy="Apology, refresher training for the team, compensation",
    outstanding=(),
    escalation="Ask us to escalate to stage 2, or contact the Housing Ombudsman on 0300 111 3000.",
    lessons="",
) -> ResponseDraft:
    return ResponseDraft(
        points=tuple(PointDecision(p, d, r) for p, d, r in points),
        apology=apology,
        remedy=remedy,
        outstanding=tuple(OutstandingAction(t, due) for t, due in outstanding),
        escalation=escalation,
        compensation=tuple(compensation),
        lessons=lessons,
    )


def make_manager(ws, username: str = "tester") -> None:
    with ws.db.write() as s:
        get_or_create_officer(s, ws, username)
        officer = s.scalar(select(Officer).where(Officer.username == username))
        officer.role = "manager"
