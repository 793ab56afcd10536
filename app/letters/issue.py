"""Issuing a letter: one transaction records the case event, the letter's hash and its stored PDF.

The event goes through the service that enforces its rules: an acknowledgement
through ``complaints.acknowledge`` (so the acknowledgement deadline is met and
every rule is checked in one place), an extension through ``agree_extension``, a
response through ``respond`` (its checklist data taken from the letter), a refusal
through ``refuse_complaint`` / ``refuse_escalation``; any other letter is an
outbound ``contact`` by letter. The letter row, its SHA-256 and the PDF's
attachment row are written inside that same transaction.

Files: the PDF (and the plain-text copy when asked for) is written to a temporary
name beside the attachment store, flushed to disk and moved into place before
the transaction; if the transaction fails, a file this issue created is deleted
again, so no stored file is ever half-issued or left unreferenced.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.errors import ConflictError, StorageError, ValidationError
from app.letters.checks import response_draft
from app.letters.context import _date, read_facts, read_inputs
from app.letters.letters import LetterView, _letter, _review, _touch, _view
from app.letters.merge import MergeError
from app.letters.rules import summary_owed
from app.services import complaints
from app.services.attachments import blob_path, seal_blob, store_dir, viewable_copy
from app.services.cases import append_events, find_case, log_action
from app.services.workspace import Workspace
from app.store.models import Attachment, Case


@dataclass(frozen=True)
class IssueResult:
    letter_id: str
    case_ref: str
    event_id: str
    sha256: str
    path: Path
    text_path: Path | None


def _write_blob(ws: Workspace, data: bytes) -> tuple[str, Path, bool]:
    """Store bytes content-addressed; returns (sha256, path, whether this call created the file)."""
    sha = hashlib.sha256(data).hexdigest()
    target = blob_path(ws, sha)
    if target.exists():
        return sha, target, False
    folder = store_dir(ws)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".letter-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(seal_blob(ws, sha, data))  # sealed when the database is encrypted
                out.flush()
                os.fsync(out.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        if exc.errno == 28:
            raise StorageError("The disk is full, so the letter was not issued.") from None
        raise StorageError(
            f"The letter could not be stored ({exc.strerror or exc}); it was not issued."
        ) from None
    return sha, target, True


def _can_issue(view: LetterView) -> None:
    s = view.summary
    if s.status == "issued":
        raise ValidationError(f"This letter was already issued ({s.status_text.lower()}).")
    if s.status in ("draft", "discarded"):
        raise ValidationError(f"A {s.status} letter cannot be issued; finalise it first.")
    if s.approval_required and s.status != "approved":
        raise ValidationError("This letter needs a manager's approval before it can be issued.")
    missing = [i for i in view.checklist if not i.done]
    if missing:
        listed = "; ".join(i.label + (f" ({i.problem})" if i.problem else "") for i in missing)
        raise ValidationError(
            f"The letter cannot be issued: {listed}. Reopen it and bring it up to date."
        )


def issue_letter(ws: Workspace, letter_id: str, expected_version: int | None = None) -> IssueResult:
    """Issue a finalised (and, where the policy says so, approved) letter, dated today."""
    day = ws.today()
    with ws.db.read() as s:
        row = _letter(s, letter_id)
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(
                f"This letter was changed by {row.updated_by} since you opened it. Reload it; nothing was issued."
            )
        view = _view(ws, s, row, day)
        ref = s.get(Case, row.case_id).ref
    _can_issue(view)
    try:
        pdf = view.pdf(draft=False)
        text = view.text(draft=False) if view.text_copy else None
    except MergeError as exc:
        raise ValidationError(str(exc)) from None
    created: list[Path] = []
    sha, path, new = _write_blob(ws, pdf)
    if new:
        created.append(path)
    text_sha = text_path = None
    try:
        if text is not None:
            text_sha, text_path, new = _write_blob(ws, text.encode("utf-8"))
            if new:
                created.append(text_path)
        hook = _store(ws, view, sha, len(pdf), text_sha, len(text.encode("utf-8")) if text else 0)
        event_id = _record(ws, ref, view, day, hook)
    except BaseException:
        for p in created:
            p.unlink(missing_ok=True)
        raise
    return IssueResult(view.id, ref, event_id, sha, path, text_path)


def _store(
    ws: Workspace, view: LetterView, sha: str, size: int, text_sha: str | None, text_size: int
) -> Callable[[Session, str], None]:
    """What the recording transaction does once the event exists: the letter row and its files."""

    def hook(s: Session, event_id: str) -> None:
        row = _letter(s, view.id)
        if row.version != view.version or row.status != view.status:
            raise ConflictError(
                f"This letter was changed by {row.updated_by} while it was being issued; nothing was issued."
            )
        name = f"{view.context.reference.replace('/', '-')} {view.template.title}"
        content = copy.deepcopy(row.content or {})
        content["issued"] = {
            "date": ws.today().isoformat(),
            "large_print": view.large_print,
            "text_sha256": text_sha,
        }
        _review(ws, content, "issued")
        row.status = "issued"
        row.pdf_sha256 = sha
        row.file_path = f"attachments/{sha[:2]}/{sha}"
        row.issued_at = ws.now()
        row.event_local_id = event_id
        _touch(ws, row, content)
        files = [(f"{name}.pdf", sha, size, "application/pdf")]
        if text_sha is not None:
            files.append((f"{name} (plain text).txt", text_sha, text_size, "text/plain"))
        for filename, digest, n, mime in files:
            s.add(
                Attachment(
                    case_id=row.case_id,
                    event_local_id=event_id,
                    filename=filename,
                    sha256=digest,
                    size=n,
                    mime=mime,
                    added_by=ws.actor.username,
                    added_at=ws.now(),
                    device=ws.actor.device,
                )
            )
        s.flush()
        log_action(s, ws, "issue_letter", "letter", view.id, event=event_id, sha256=sha)

    return hook


def _record(ws: Workspace, ref: str, view: LetterView, day: dt.date, hook) -> str:
    t = view.template
    inputs = read_inputs(view.inputs)
    what = f"{t.title} issued as letter {view.context.reference}"
    common = {"letter": view.id, "on_recorded": hook}
    if t.issues == "complaint_ack":
        return complaints.acknowledge(ws, ref, view.complaint, summary=what, **common)
    if t.issues == "extension_notice":
        new_due = _date(inputs.values.get("extension.new_due"))
        if new_due is None:
            raise ValidationError("Enter the new response date.")
        return complaints.agree_extension(
            ws,
            ref,
            view.complaint,
            new_due=new_due,
            reason=inputs.values.get("extension.reason", ""),
            **common,
        )
    if t.issues == "complaint_response":
        draft = response_draft(t, view.sections, view.context, inputs)
        return complaints.respond(ws, ref, view.complaint, draft=draft, summary=what, **common)
    if t.issues == "complaint_refused":
        return complaints.refuse_complaint(
            ws, ref, view.complaint, reason=inputs.values.get("refusal.reason", ""), **common
        )
    if t.issues == "escalation_refused":
        return complaints.refuse_escalation(
            ws, ref, view.complaint, reason=inputs.values.get("refusal.reason", ""), **common
        )
    if t.issues == "hazard_summary":
        return _record_hazard_summary(ws, ref, view, what, hook)
    return _record_contact(ws, ref, view, what, hook)


def _record_hazard_summary(ws: Workspace, ref: str, view: LetterView, summary: str, hook) -> str:
    """The Awaab's Law written summary: records ``hazard_summary_sent`` for the hazard."""

    def event(s: Session, case: Case) -> dict:
        owed = summary_owed(read_facts(s, ws, case))
        if owed is None:
            raise ValidationError("No investigated hazard on this case is waiting for its summary.")
        return {
            "type": "hazard_summary_sent",
            "answers": owed.f["answers"],
            "channel": "letter",
            "summary": summary,
            "letter": view.id,
        }

    return _record_letter_event(ws, ref, event, hook)


def _record_contact(ws: Workspace, ref: str, view: LetterView, summary: str, hook) -> str:
    """Any other letter: an outbound contact by letter, naming the letter and its template."""

    def event(_s: Session, _case: Case) -> dict:
        raw = {
            "type": "contact",
            "channel": "letter",
            "direction": "out",
            "by": ws.actor.username,
            "summary": summary,
            "letter": view.id,
            "template": view.template.name,
        }
        if view.template.group == "complaint":
            raw["topic"] = "complaint"
        return raw

    return _record_letter_event(ws, ref, event, hook)


def _record_letter_event(
    ws: Workspace, ref: str, make: Callable[[Session, Case], dict], hook
) -> str:
    """Append the event issuing records, re-derive the deadlines and file the letter: one
    transaction."""
    with ws.db.write() as s:
        case = find_case(s, ref)
        raw = make(s, case)
        _, (event_id,) = append_events(s, ws, case, [raw])
        log_action(s, ws, "record_event", "case", ref, event=event_id, type=raw["type"])
        hook(s, event_id)
    return event_id


def issued_file(ws: Workspace, letter_id: str) -> Path:
    """The issued PDF, checked against the hash recorded when it was issued."""
    with ws.db.read() as s:
        row = _letter(s, letter_id)
        if row.status != "issued" or not row.pdf_sha256:
            raise ValidationError("This letter has not been issued; preview it instead.")
        sha = row.pdf_sha256
    path = blob_path(ws, sha)
    if not path.exists():
        raise StorageError(f"The issued letter's file is missing from {store_dir(ws)}.")
    if ws.db.encrypted:  # the stored file is sealed: a plain copy in the private viewing folder
        return viewable_copy(ws, sha, f"letter-{sha[:12]}.pdf")
    if hashlib.sha256(path.read_bytes()).hexdigest() != sha:
        raise StorageError("The issued letter's file is damaged (its checksum does not match).")
    return path


__all__ = ["IssueResult", "issue_letter", "issued_file"]
