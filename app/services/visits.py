"""Visit mode: notes taken in a resident's home, saved locally as they are typed.

Every keystroke's worth of notes goes to a draft file in the data directory, so
a flat battery, a crash or a server that cannot be reached loses nothing. Saving
the visit records it on the case (a home visit, with the notes) and removes the
draft; if the database cannot be written the draft stays to be saved later. With an encrypted database the draft is sealed with its key
(AES-256-GCM), so the notes are never on disk in the clear.

Saving is one transaction, and the draft's own id names what it records (the home visit is
``visit-<draft id>``, what the resident raised ``visit-<draft id>-raised``): a save that is
tried again after a failure, or after the draft could not be removed, records nothing twice.
A draft remembers the database it was started on (its ``database_id`` setting) and is offered
and saved only there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.errors import StorageError, ValidationError
from app.paths import data_dir, private_dir
from app.services.cases import append_events, find_case, log_action
from app.services.workspace import Workspace
from app.store import cipher
from app.store.models import CaseEvent

SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
DRAFT_LABEL = "doorstep-visit-draft"
RAISED_AFTER = dt.timedelta(minutes=1)


@dataclass
class VisitDraft:
    ref: str
    started_at: str  # ISO instant
    notes: str = ""
    dissatisfaction: bool = False
    callback_requested: bool = False
    request_id: str | None = None  # the home_visit_request this visit answers, if any
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    database: str | None = None  # the database_id of the database it was started on

    def __post_init__(self) -> None:
        if not self.id:  # a draft kept before drafts had ids: one derived from what names it
            self.id = hashlib.sha256(f"{self.ref}|{self.started_at}".encode()).hexdigest()[:32]

    @property
    def visit_event_id(self) -> str:
        return f"visit-{self.id}"

    @property
    def raised_event_id(self) -> str:
        return f"visit-{self.id}-raised"

    @property
    def path_name(self) -> str:
        stamp = self.started_at.replace(":", "").replace("-", "")[:15]
        return f"{SAFE.sub('_', self.ref)}-{stamp}.json"


def database_id(ws: Workspace) -> str:
    """This database's own id (migration 0010_once gives every database one)."""
    value = ws.setting("database_id")
    if value:
        return str(value)
    return hashlib.sha256(ws.db.url.encode()).hexdigest()[:32]  # a database never migrated


def new_draft(ws: Workspace, ref: str) -> VisitDraft:
    """A draft for a visit starting now, belonging to this database."""
    return VisitDraft(ref=ref, started_at=ws.now().isoformat(), database=database_id(ws))


def drafts_dir() -> Path:
    return data_dir() / "visit-drafts"


def save_draft(draft: VisitDraft, key: bytes | None = None) -> Path:
    """Atomically write the draft (write a temporary file, then rename over the old one);
    owner-only, like every file Doorstep keeps; sealed with ``key`` (the encrypted database's)."""
    folder = private_dir(drafts_dir())
    target = folder / draft.path_name
    body = json.dumps(asdict(draft), ensure_ascii=False).encode("utf-8")
    if key is not None:
        body = cipher.seal(body, key, DRAFT_LABEL)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".draft-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


def read_draft(path: Path, key: bytes | None = None) -> VisitDraft:
    data = cipher.unseal(path.read_bytes(), key, DRAFT_LABEL, f"The visit draft {path.name}")
    fields = json.loads(data.decode("utf-8"))
    fields.setdefault("id", "")  # kept before drafts had ids: derived, the same on every read
    return VisitDraft(**fields)


def pending_drafts(
    key: bytes | None = None, database: str | None = None
) -> list[tuple[Path, VisitDraft]]:
    """The drafts not yet saved; a sealed one only with the ``key`` that opens it. With
    ``database`` (a ``database_id``), only the drafts started on that database (a draft kept
    before drafts remembered their database is offered on any)."""
    out = []
    folder = drafts_dir()
    if not folder.is_dir():
        return out
    for p in sorted(folder.glob("*.json")):
        try:
            draft = read_draft(p, key)
        except (OSError, ValueError, TypeError, StorageError):
            continue  # an unreadable draft is left where it is for a person to look at
        if database is not None and draft.database not in (None, database):
            continue
        out.append((p, draft))
    return out


def discard_draft(draft: VisitDraft) -> None:
    (drafts_dir() / draft.path_name).unlink(missing_ok=True)


def save_visit(ws: Workspace, draft: VisitDraft, at: dt.datetime | None = None) -> str:
    """Record the visit on the case in one transaction; the draft is removed only once it is
    safely stored. Saving a draft already saved changes nothing (its id names its events)."""
    if not draft.notes.strip():
        raise ValidationError("Write what happened on the visit before saving it.")
    if draft.database is not None and draft.database != database_id(ws):
        raise ValidationError(
            f"This visit draft for {draft.ref} was started on another database; "
            "open that database to save it."
        )
    save_draft(draft, ws.db.cipher_key)
    began = at or dt.datetime.fromisoformat(draft.started_at)
    when = began.isoformat()
    # What the resident raised came up during the visit, after it began: a minute later, so the
    # visit (which answers what was asked at or before its own instant, DOMAIN_RULES §9) does not
    # count as the callback the resident asked for in it.
    raised = (began + RAISED_AFTER).isoformat()
    events = [
        {
            "id": draft.visit_event_id,
            "type": "home_visit",
            "by": ws.actor.username,
            "notes": draft.notes.strip(),
            "offline": True,
            "summary": _summary(draft.notes),
            "at": when,
        }
    ]
    if draft.dissatisfaction or draft.callback_requested:
        events.append(
            {
                "id": draft.raised_event_id,
                "type": "contact",
                "channel": "visit",
                "direction": "in",
                "by": "resident",
                "summary": "Raised during the home visit: " + _summary(draft.notes),
                "dissatisfaction": draft.dissatisfaction,
                "callback_requested": draft.callback_requested,
                "at": raised,
            }
        )
    with ws.db.write() as s:  # on failure nothing is recorded and the draft stays on disk
        case = find_case(s, draft.ref)
        stored = set(
            s.scalars(
                select(CaseEvent.local_id).where(
                    CaseEvent.case_id == case.id,
                    CaseEvent.local_id.in_([e["id"] for e in events]),
                )
            )
        )
        if draft.visit_event_id not in stored:  # else saved before: the draft outlived it
            _, ids = append_events(s, ws, case, events)
            log_action(s, ws, "save_visit", "case", draft.ref, events=ids)
    discard_draft(draft)
    return draft.visit_event_id


def _summary(notes: str) -> str:
    first = notes.strip().splitlines()[0] if notes.strip() else ""
    return first[:200] + ("…" if len(first) > 200 else "")
