"""Retention: closed cases past the policy's years are listed for a manager, who confirms their
deletion with a reason.

Deleting a case removes its events, deadlines, letters, attachments (rows and files no other
case uses), its resident when no other case refers to them, and its search index entries, in one
transaction per case. Case events are append-only in the database: the only way to delete them
is the ``retention_delete`` marker this module sets inside that transaction (migration 0005).
The trail keeps a ``case_deleted`` entry with the ref, kind and reason, and none of the content.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from app.domain.retention import retention_ends
from app.errors import ConflictError, NotFound, ValidationError
from app.services.access import Do, require
from app.services.attachments import blob_path
from app.services.cases import log_action
from app.services.workspace import Workspace
from app.store.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseHandover,
    DeadlineRow,
    Letter,
    Resident,
    RetentionDelete,
    SpotCheckItem,
    SyncDrop,
    Vulnerability,
)


@dataclass(frozen=True)
class RetentionDue:
    ref: str
    kind: str
    closed_on: dt.date
    due_on: dt.date
    years: int


@dataclass(frozen=True)
class RetentionList:
    as_of: dt.date
    due: tuple[RetentionDue, ...]
    # policies (by name) whose current version sets no retention: their cases are kept
    unset: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeleteResult:
    deleted: tuple[str, ...]
    events: int
    files: int


def _due(ws: Workspace, s: Session, as_of: dt.date) -> RetentionList:
    registry = ws.registry
    default = registry.default
    due: list[RetentionDue] = []
    unset: set[str] = set()
    rows = s.execute(
        select(Case.ref, Case.kind, Case.closed_on, Case.policy_name)
        .where(Case.status == "closed", Case.closed_on.is_not(None), Case.closed_on <= as_of)
        .order_by(Case.closed_on, Case.ref)
    )
    for ref, kind, closed_on, policy_name in rows:
        name = policy_name if policy_name in registry.names() else default
        years = registry.get(name).retention_years
        if years is None or kind not in years:
            unset.add(name)
            continue
        ends = retention_ends(closed_on, years[kind])
        if ends <= as_of:
            due.append(RetentionDue(ref, kind, closed_on, ends, years[kind]))
    due.sort(key=lambda d: (d.due_on, d.ref))
    return RetentionList(as_of, tuple(due), tuple(sorted(unset)))


def _still_due(ws: Workspace, case: Case, today: dt.date) -> bool:
    registry = ws.registry
    name = case.policy_name if case.policy_name in registry.names() else registry.default
    years = registry.get(name).retention_years
    return (
        case.status == "closed"
        and case.closed_on is not None
        and years is not None
        and case.kind in years
        and retention_ends(case.closed_on, years[case.kind]) <= today
    )


def retention_due(ws: Workspace, as_of: dt.date | None = None) -> RetentionList:
    """Closed cases whose retention period has passed on ``as_of`` (today by default),
    oldest first. A manager's or admin's step."""
    as_of = as_of or ws.today()
    with ws.db.read() as s:
        require(s, Do.RETENTION)
        return _due(ws, s, as_of)


def remove_case_rows(
    s: Session, case: Case, marker: type[RetentionDelete] | type[SyncDrop]
) -> bool:
    """Delete a case and every row held for it, inside the caller's transaction, while
    ``marker`` (retention's, or a laptop giving up its copy) lets the database delete its events.
    Returns whether its resident went too (no other case of theirs is held)."""
    case_id, resident_id = case.id, case.resident_id
    s.add(marker(case_id=case_id))
    s.flush()
    s.execute(delete(Attachment).where(Attachment.case_id == case_id))
    s.execute(delete(CaseHandover).where(CaseHandover.case_id == case_id))
    s.execute(delete(Letter).where(Letter.case_id == case_id))
    s.execute(delete(SpotCheckItem).where(SpotCheckItem.case_id == case_id))
    s.execute(delete(DeadlineRow).where(DeadlineRow.case_id == case_id))
    s.execute(delete(CaseEvent).where(CaseEvent.case_id == case_id))
    s.execute(delete(marker).where(marker.case_id == case_id))
    s.execute(delete(Case).where(Case.id == case_id))
    s.expunge(case)
    if s.scalar(select(exists().where(Case.resident_id == resident_id))):
        return False
    s.execute(delete(Vulnerability).where(Vulnerability.resident_id == resident_id))
    s.execute(delete(Resident).where(Resident.id == resident_id))
    return True


def _delete_one(s: Session, ws: Workspace, case: Case, reason: str) -> tuple[int, set[str]]:
    """Remove one case and everything held only for it; returns (events removed, file checksums
    the case used)."""
    shas = set(s.scalars(select(Attachment.sha256).where(Attachment.case_id == case.id)))
    shas |= {
        sha for sha in s.scalars(select(Letter.pdf_sha256).where(Letter.case_id == case.id)) if sha
    }
    events = s.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
    )
    counts = {
        "letters": s.scalar(
            select(func.count()).select_from(Letter).where(Letter.case_id == case.id)
        ),
        "attachments": s.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.case_id == case.id)
        ),
    }
    ref, kind, closed_on = case.ref, case.kind, case.closed_on
    still_used = not remove_case_rows(s, case, RetentionDelete)
    log_action(
        s,
        ws,
        "case_deleted",
        "case",
        ref,
        kind=kind,
        reason=reason,
        closed_on=closed_on.isoformat() if closed_on else None,
        events=events,
        resident_removed=not still_used,
        **counts,
    )
    return events or 0, shas


def _remove_unused_files(ws: Workspace, shas: set[str]) -> int:
    """Stored files no remaining attachment or letter uses (after the deletions committed)."""
    if not shas:
        return 0
    with ws.db.read() as s:
        used = set(s.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(shas))))
        used |= set(s.scalars(select(Letter.pdf_sha256).where(Letter.pdf_sha256.in_(shas))))
    removed = 0
    for sha in shas - used:
        with contextlib.suppress(OSError, ValueError):
            path = blob_path(ws, sha)
            if path.is_file():
                path.unlink()
                removed += 1
    return removed


def delete_cases(ws: Workspace, refs: list[str], confirmed_by_reason: str) -> DeleteResult:
    """Delete the confirmed cases (each must still be closed and past its retention today), one
    transaction per case. A manager's or admin's step."""
    reason = " ".join((confirmed_by_reason or "").split())
    if not reason:
        raise ValidationError("Give the reason for deleting these cases (it goes in the trail).")
    if len(reason) > 500:
        raise ValidationError("Keep the reason under 500 characters.")
    wanted = list(dict.fromkeys(r.strip() for r in refs if r and r.strip()))
    if not wanted:
        raise ValidationError("Choose at least one case to delete.")
    today = ws.today()
    with ws.db.read() as s:
        require(s, Do.RETENTION)
        due = {d.ref for d in _due(ws, s, today).due}
        known = set(s.scalars(select(Case.ref).where(Case.ref.in_(wanted))))
    missing = [r for r in wanted if r not in known]
    if missing:
        raise NotFound(f"There is no case {missing[0]!r}; nothing was deleted.")
    not_due = [r for r in wanted if r not in due]
    if not_due:
        raise ValidationError(
            f"Case {not_due[0]} is not closed past its retention period; nothing was deleted."
        )
    done: list[str] = []
    events = 0
    shas: set[str] = set()
    try:
        for ref in wanted:
            with ws.db.write() as s:
                require(s, Do.RETENTION)
                case = s.scalar(select(Case).where(Case.ref == ref))
                if case is None or not _still_due(ws, case, today):
                    raise ConflictError(
                        f"Case {ref} changed while deleting (reopened or removed); it was kept."
                    )
                n, used = _delete_one(s, ws, case, reason)
            done.append(ref)
            events += n
            shas |= used
    except Exception as exc:
        if done:
            note = f" Already deleted: {', '.join(done)}."
            exc.args = (f"{exc.args[0] if exc.args else exc}{note}",)
        raise
    finally:
        files = _remove_unused_files(ws, shas)
    return DeleteResult(tuple(done), events, files)
