"""Visit mode: notes taken in a resident's home, saved locally as they are typed.

Every keystroke's worth of notes goes to a draft file in the data directory, so
a flat battery, a crash or a server that cannot be reached loses nothing. Saving
the visit records it on the case (a home visit, with the notes) and removes the
draft; if the database cannot be written the draft stays to be saved later. With an encrypted database the draft is sealed with its key
(AES-256-GCM), so the notes are never on disk in the clear.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from app.errors import StorageError, ValidationError
from app.paths import data_dir, private_dir
from app.services.cases import record_event
from app.services.workspace import Workspace
from app.store import cipher

SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
DRAFT_LABEL = "doorstep-visit-draft"


@dataclass
class VisitDraft:
    ref: str
    started_at: str  # ISO instant
    notes: str = ""
    dissatisfaction: bool = False
    callback_requested: bool = False
    request_id: str | None = None  # the home_visit_request this visit answers, if any

    @property
    def path_name(self) -> str:
        stamp = self.started_at.replace(":", "").replace("-", "")[:15]
        return f"{SAFE.sub('_', self.ref)}-{stamp}.json"


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
    return VisitDraft(**json.loads(data.decode("utf-8")))


def pending_drafts(key: bytes | None = None) -> list[tuple[Path, VisitDraft]]:
    """The drafts not yet saved; a sealed one only with the ``key`` that opens it."""
    out = []
    folder = drafts_dir()
    if not folder.is_dir():
        return out
    for p in sorted(folder.glob("*.json")):
        try:
            out.append((p, read_draft(p, key)))
        except (OSError, ValueError, TypeError, StorageError):
            continue  # an unreadable draft is left where it is for a person to look at
    return out


def discard_draft(draft: VisitDraft) -> None:
    (drafts_dir() / draft.path_name).unlink(missing_ok=True)


def save_visit(ws: Workspace, draft: VisitDraft, at: dt.datetime | None = None) -> str:
    """Record the visit on the case; the draft is removed only once it is safely stored."""
    if not draft.notes.strip():
        raise ValidationError("Write what happened on the visit before saving it.")
    save_draft(draft, ws.db.cipher_key)
    event = {
        "type": "home_visit",
        "by": ws.actor.username,
        "notes": draft.notes.strip(),
        "offline": True,
        "summary": _summary(draft.notes),
        "at": (at or dt.datetime.fromisoformat(draft.started_at)).isoformat(),
    }
    local_id, _ = record_event(ws, draft.ref, event)  # on failure the draft stays on disk
    if draft.dissatisfaction or draft.callback_requested:
        record_event(
            ws,
            draft.ref,
            {
                "type": "contact",
                "channel": "visit",
                "direction": "in",
                "by": "resident",
                "summary": "Raised during the home visit: " + _summary(draft.notes),
                "dissatisfaction": draft.dissatisfaction,
                "callback_requested": draft.callback_requested,
                "at": event["at"],
            },
        )
    discard_draft(draft)
    return local_id


def _summary(notes: str) -> str:
    first = notes.strip().splitlines()[0] if notes.strip() else ""
    return first[:200] + ("…" if len(first) > 200 else "")
