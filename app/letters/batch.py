"""Batch letters: the cases that can have a template now, and drafts with their PDFs made for each.

Each letter is its own transaction, so a batch cancelled half-way leaves the
letters already made (as drafts, listed on their cases) and nothing half-made.
Nothing here issues a letter: each draft is checked and issued from its case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.errors import DoorstepError
from app.letters import letters as svc
from app.letters.context import read_facts
from app.letters.merge import MergeError
from app.letters.rules import applicable
from app.letters.templates import get_template
from app.services.access import visible_officer_ids
from app.services.workspace import Workspace
from app.store.models import Case, DeadlineRow, Letter

# The deadline a template's letter meets, for finding the cases that owe one.
OWED_KIND = {
    "complaint_ack_stage1": "complaint_ack",
    "complaint_ack_stage2": "escalation_ack",
    "escalation_refusal": "escalation_ack",
    "extension_notice": "complaint_response",
    "response_stage1": "complaint_response",
    "response_stage2": "complaint_response",
}
LIMIT = 500


@dataclass(frozen=True)
class Candidate:
    ref: str
    resident: str
    due: str  # the deadline the letter meets, in words ('' when none)
    draft: str | None  # the open letter of this template already on the case


@dataclass(frozen=True)
class BatchItem:
    ref: str
    letter_id: str | None
    path: Path | None
    error: str = ""
    gaps: tuple[str, ...] = ()  # what the draft still needs before it can be finalised

    def line(self) -> str:
        """What happened for this case, in one line."""
        if self.path is None:
            return f"{self.ref}: not made — {self.error}"
        if self.gaps:
            return f"{self.ref}: draft saved; to fill: " + "; ".join(self.gaps)
        return f"{self.ref}: draft saved, ready to check"


def report(items: list[BatchItem], asked: int) -> str:
    """The batch's outcome: counts, then one line per case (what each draft still needs)."""
    made = [i for i in items if i.path is not None]
    ready = [i for i in made if not i.gaps]
    head = (
        f"{len(made)} of {asked} draft{'s' if asked != 1 else ''} saved"
        f" ({len(ready)} ready to check, {len(made) - len(ready)} with details to fill)"
    )
    if len(made) < len(items):
        head += f"; {len(items) - len(made)} not made"
    if len(items) < asked:
        head += f"; {asked - len(items)} not started (cancelled)"
    return head + ".\n" + "\n".join(i.line() for i in items)


def candidates(ws: Workspace, template: str) -> list[Candidate]:
    """Open cases that can have this letter now, soonest due first."""
    t = get_template(template)
    kind = OWED_KIND.get(template)
    with ws.db.read() as s:
        visible = visible_officer_ids(s)  # only cases the person may see
        mine = [] if visible is None else [Case.officer_id.in_(visible)]
        if kind is not None:
            rows = s.execute(
                select(Case, DeadlineRow.due)
                .join(DeadlineRow, DeadlineRow.case_id == Case.id)
                .where(DeadlineRow.kind == kind, DeadlineRow.status == "open", *mine)
                .order_by(DeadlineRow.due, Case.ref)
                .limit(LIMIT)
            ).all()
        else:
            q = select(Case, Case.next_due).where(Case.in_inbox.is_(True), *mine)
            if t.group == "asb":
                q = q.where(Case.kind == "asb")
            rows = s.execute(q.order_by(Case.sort_due, Case.ref).limit(LIMIT)).all()
        out, seen = [], set()
        for case, due in rows:
            if case.ref in seen:
                continue
            seen.add(case.ref)
            _complaint, why = applicable(t, read_facts(s, ws, case), ws.today())
            if why:
                continue
            draft = s.scalar(
                select(Letter.id).where(
                    Letter.case_id == case.id,
                    Letter.template == template,
                    Letter.status.in_(svc.OPEN_STATUSES),
                )
            )
            out.append(
                Candidate(
                    case.ref,
                    case.resident.name,
                    f"{due:%a %d %b %Y}" if due else "",
                    str(draft) if draft else None,
                )
            )
        return out


def generate(
    ws: Workspace,
    template: str,
    refs: list[str],
    folder: Path,
    progress: Callable[[int, int, BatchItem], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[BatchItem]:
    """For each case: its open draft of the template (made now if there is none) as a DRAFT PDF in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    done: list[BatchItem] = []
    for i, ref in enumerate(refs, start=1):
        if cancelled():
            break
        item = _one(ws, template, ref, folder)
        done.append(item)
        if progress is not None:
            progress(i, len(refs), item)
    return done


def _one(ws: Workspace, template: str, ref: str, folder: Path) -> BatchItem:
    letter_id = None
    try:
        existing = [
            x
            for x in svc.list_letters(ws, ref)
            if x.template == template and x.status in svc.OPEN_STATUSES
        ]
        letter_id = existing[0].id if existing else svc.create_letter(ws, ref, template).id
        view = svc.get_letter(ws, letter_id)
        path = folder / f"{view.context.reference.replace('/', '-')} {template}.pdf"
        path.write_bytes(view.pdf())  # a draft always renders, its gaps marked in place
        return BatchItem(ref, letter_id, path, gaps=view.problems)
    except (DoorstepError, MergeError, OSError) as exc:
        return BatchItem(ref, letter_id, None, str(exc))
