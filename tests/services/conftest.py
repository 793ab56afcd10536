"""A small office: two teams, a manager, and cases with known deadlines (clock: Tue 24 Jun 2025)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.cases import create_case, record_event
from app.services.workspace import Actor, put_setting
from app.store.models import Officer, Team


@pytest.fixture
def office(ws):
    with ws.db.write() as s:
        north, south = Team(name="North"), Team(name="South")
        for username, name, role, team in [
            ("a.khan", "Aisha Khan", "officer", north),
            ("r.morgan", "Rhys Morgan", "officer", north),
            ("p.natarajan", "Priya Natarajan", "manager", north),
            ("t.wis", "Tomasz Wiśniewski", "officer", south),
        ]:
            s.add(Officer(username=username, name=name, role=role, team=team))
    cases = [
        # ref, officer, kind, callback requested at -> due (5 WD)
        ("ASB-1", "a.khan", "asb", "2025-06-17T09:00"),  # due Tue 24 Jun: due today
        ("GEN-2", "a.khan", "general", "2025-06-10T09:00"),  # due Tue 17 Jun: breached
        ("CMP-3", "r.morgan", "complaint", "2025-06-19T09:00"),  # due Thu 26 Jun: at risk (2 WD)
        ("REP-4", "t.wis", "repair", "2025-06-23T09:00"),  # due Mon 30 Jun: 4 WD left
    ]
    for ref, officer, kind, at in cases:
        create_case(
            ws,
            ref=ref,
            kind=kind,
            officer=officer,
            resident_name=f"Resident {ref}",
            opened=dt.date(2025, 6, 2),
        )
        resident_calls(ws, ref, f"Call back please ({ref})", at)
    # From here the office's roles are enforced as on a team's database: each test chooses who
    # acts (``act_as``, as the demo lets a person be chosen); the manager until then.
    with ws.db.write() as s:
        put_setting(s, "demo", True)
    return act_as(ws, "p.natarajan")


def resident_calls(
    ws, ref: str, summary: str = "", at: str | None = None, call_back: bool = True
) -> str:
    """An inbound phone call from the resident on REF, asking for a call back (5 WD) unless
    ``call_back`` is False; ``at`` defaults to the workspace clock. Returns the entry's id."""
    raw = {
        "type": "contact",
        "channel": "phone",
        "direction": "in",
        "by": "resident",
        "callback_requested": call_back,
        "summary": summary,
    }
    if at is not None:
        raw["at"] = at
    local, _ = record_event(ws, ref, raw)
    return local


def act_as(ws, username: str):
    ws.actor = Actor(username, "test-device")
    ws.forget()
    return ws
