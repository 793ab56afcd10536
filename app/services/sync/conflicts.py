"""The conflict review queue: changes the server held rather than overwrite or drop.

A person decides each one: **keep** what is in place (the held change stays on record here,
whole), or **apply** the held change after all (for a case reference already taken, under a new
reference). The author of the held change or a manager may decide. On a laptop the queue is the
server's copy as last pulled, and a decision travels to the server with the next sync."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFound, PermissionDenied, ValidationError
from app.services.access import Do, acting
from app.services.cases import log_action
from app.services.sync import outbox
from app.services.workspace import Workspace
from app.store.models import SyncConflict

CHOICES = ("keep", "apply")
FACT_WORDS = {
    "assignment": "who the case is assigned to",
    "access": "an entry for a case no longer the author's",
    "case reference": "a case reference already taken",
    "case": "a case the server could not open",
    "entry": "an entry the server could not store",
    "entry id": "two different entries with one id",
    "author": "a change made by someone other than the laptop's person",
    "decision": "a decision the server could not carry out",
    "missing": "a change whose case the server does not have (deleted, or not the author's)",
}


@dataclass(frozen=True)
class ConflictView:
    change_id: str
    ref: str
    fact: str
    what: str  # FACT_WORDS
    author: str
    device: str
    made_at: dt.datetime
    held_at: dt.datetime
    theirs: dict[str, Any]
    ours: dict[str, Any]
    status: str
    decided_by: str | None
    note: str


def view(c: SyncConflict) -> ConflictView:
    return ConflictView(
        c.change_id,
        c.ref,
        c.fact,
        FACT_WORDS.get(c.fact, c.fact),
        c.author,
        c.device,
        c.made_at,
        c.held_at,
        dict(c.theirs),
        dict(c.ours),
        c.status,
        c.decided_by,
        c.note,
    )


def as_doc(c: SyncConflict) -> dict[str, Any]:
    return {
        "change_id": c.change_id,
        "ref": c.ref,
        "fact": c.fact,
        "author": c.author,
        "device": c.device,
        "made_at": c.made_at.isoformat(),
        "held_at": c.held_at.isoformat(),
        "theirs": c.theirs,
        "ours": c.ours,
        "change": c.change,
        "status": c.status,
        "decided_by": c.decided_by,
        "note": c.note,
    }


def _mine(s: Session):
    """The conflicts the acting person may see: their own held changes, or every one for a
    manager."""
    person = acting(s)
    q = select(SyncConflict)
    if not (person.may(Do.REASSIGN_ANY) or person.replica):
        q = q.where(SyncConflict.author == person.username)
    return q


def open_conflicts(ws: Workspace) -> list[ConflictView]:
    with ws.db.read() as s:
        q = _mine(s).where(SyncConflict.status == "open").order_by(SyncConflict.held_at)
        return [view(c) for c in s.scalars(q)]


def open_count(ws: Workspace) -> int:
    with ws.db.read() as s:
        q = _mine(s).where(SyncConflict.status == "open").subquery()
        return int(s.scalar(select(func.count()).select_from(q)) or 0)


def docs_for(s: Session, username: str, everyone: bool) -> list[dict[str, Any]]:
    """The open conflicts a laptop's person sees (server side, for a pull)."""
    q = select(SyncConflict).where(SyncConflict.status == "open")
    if not everyone:
        q = q.where(or_(SyncConflict.author == username))
    return [as_doc(c) for c in s.scalars(q.order_by(SyncConflict.held_at))]


def decide(
    ws: Workspace, change_id: str, choice: str, note: str = "", new_ref: str | None = None
) -> ConflictView:
    """Decide a held change. On a laptop, the decision is queued for the server."""
    if choice not in CHOICES:
        raise ValidationError(f"Choose {' or '.join(CHOICES)}.")
    with ws.db.write() as s:
        if outbox.recording(s):
            row = s.get(SyncConflict, change_id)
            if row is None or row.status != "open":
                raise NotFound("That conflict is not open here.")
            _may_decide(s, row)
            outbox.record_decision(s, ws, change_id, row.ref, choice, note, new_ref)
            row.status = "sent"
            row.decided_by = ws.actor.username
            row.decided_at = ws.now()
            row.note = note
            return view(row)
        return view(decide_in(s, ws, change_id, choice, note, new_ref))


def _may_decide(s: Session, row: SyncConflict) -> None:
    person = acting(s)
    if person.username != row.author and not person.may(Do.REASSIGN_ANY):
        raise PermissionDenied(
            "Only the person whose change was held, or a manager, can decide it."
        )


def decide_in(
    s: Session, ws: Workspace, change_id: str, choice: str, note: str, new_ref: str | None = None
) -> SyncConflict:
    """Carry out a decision inside the caller's transaction (the server's database)."""
    from app.services.sync import push

    row = s.get(SyncConflict, change_id)
    if row is None:
        raise NotFound("There is no such held change.")
    if row.status != "open":
        return row  # decided already (a decision delivered twice is carried out once)
    _may_decide(s, row)
    if choice == "apply":
        change = dict(row.change)
        try:
            with s.begin_nested():
                if change["kind"] == "case":
                    if not new_ref:
                        raise ValidationError(
                            "Give the held case a new reference to open it under."
                        )
                    push.apply_case(s, ws, change, True, new_ref.strip())
                else:
                    push._APPLY[change["kind"]](s, ws, change, True)
        except push.Held as held:
            raise ValidationError(f"It cannot be applied: {held.message}.") from None
        except push.Deferred as exc:
            raise ValidationError(f"It cannot be applied: {exc}.") from None
    elif choice != "keep":
        raise ValidationError(f"Choose {' or '.join(CHOICES)}.")
    row.status = "applied" if choice == "apply" else "kept"
    row.decided_by = ws.actor.username
    row.decided_at = ws.now()
    row.note = note
    log_action(s, ws, "sync_decided", "case", row.ref, choice=choice)
    return row
