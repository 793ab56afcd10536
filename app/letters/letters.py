"""Letters on a case: draft, edit, finalise, approve or return, render. Issuing is ``issue``.

A letter is a row of ``letters`` whose ``content`` holds the officer's section
texts (merge fields unresolved), the structured inputs, the ticked checklist
items, the print options and the review history. Its status moves
draft → finalised → (approved →) issued; editing a finalised or approved letter
means reopening it as a draft, which voids an approval. A stale edit
(``expected_version``) is refused. Every step is attributed in the audit log.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.letters.checks import letter_checklist, section_texts
from app.letters.compose import LetterContext, compose, problems_of
from app.letters.context import CaseFacts, build_context, read_facts, read_inputs
from app.letters.inputs import apply_edits
from app.letters.organisation import approval_policy, get_organisation
from app.letters.pdf import render_pdf
from app.letters.plain import render_text
from app.letters.rules import applicable, prefill_inputs
from app.letters.templates import get_template, library
from app.letters.views import (
    LETTER_ACTIONS,
    STATUS_WORDS,
    LetterSummary,
    LetterView,
    Review,
    TemplateChoice,
)
from app.services.access import Do, acting, allowed, check_case, visible_officer_ids, who_may
from app.services.cases import find_case, log_action
from app.services.workspace import Workspace
from app.store.models import Case, Letter, Officer

EDITABLE = LETTER_ACTIONS["save"]
OPEN_STATUSES = LETTER_ACTIONS["discard"]
LARGE_PRINT_WORDS = ("large print", "visual", "sight", "partially sighted", "blind")


# -- reading ---------------------------------------------------------------------------------------------


def _letter(s: Session, letter_id: str) -> Letter:
    try:
        key = uuid.UUID(str(letter_id))
    except ValueError:
        raise NotFound(f"There is no letter {letter_id!r}.") from None
    row = s.get(Letter, key)
    if row is None:
        raise NotFound(f"There is no letter {letter_id!r}.")
    # A letter is part of its case: seen and changed only by those who may see and change it.
    case = s.get(Case, row.case_id)
    check_case(s, case.ref, case.officer_id, write=bool(s.info.get("writing")))
    return row


def _authors(row: Letter) -> frozenset[str]:
    """Who wrote or finalised the letter: its approval needs someone else."""
    return frozenset(
        {row.created_by}
        | {
            r["by"]
            for r in (row.content or {}).get("reviews", [])
            if r.get("action") == "finalised"
        }
    )


def _summary(row: Letter, ref: str, approvals: Mapping[str, bool]) -> LetterSummary:
    t = library().get(row.template)
    return LetterSummary(
        id=str(row.id),
        case_ref=ref,
        template=row.template,
        title=t.title if t else row.template,
        status=row.status,
        number=int((row.content or {}).get("number", 0)),
        created_by=row.created_by,
        updated_at=row.updated_at,
        issued_at=row.issued_at,
        approval_required=approvals.get(row.template, False),
        event_id=row.event_local_id,
        version=row.version,
        authors=_authors(row),
    )


def context_for(
    ws: Workspace, facts: CaseFacts, row: Letter, day: dt.date | None = None
) -> LetterContext:
    content = row.content or {}
    template = get_template(row.template)
    return build_context(
        facts,
        organisation=get_organisation(ws),
        inputs=read_inputs(content.get("inputs") or {}),
        complaint_id=content.get("complaint"),
        number=int(content.get("number", 0)),
        day=day or ws.today(),
        signer=content.get("signer") or row.created_by,
        template_title=template.title,
    )


def _view(ws: Workspace, s: Session, row: Letter, day: dt.date | None = None) -> LetterView:
    case = s.get(Case, row.case_id)
    facts = read_facts(s, ws, case)
    template = get_template(row.template)
    content = row.content or {}
    ctx = context_for(ws, facts, row, day)
    inputs = read_inputs(content.get("inputs") or {})
    today = day or ws.today()
    state = facts.complaint(content.get("complaint"))
    items = letter_checklist(template, content, ctx, inputs, state, today)
    fields = next(i for i in items if i.key == "fields")
    return LetterView(
        summary=_summary(row, case.ref, approval_policy(ws)),
        template=template,
        sections=section_texts(template, content),
        inputs=dict(content.get("inputs") or {}),
        checks={k: bool(v) for k, v in (content.get("checks") or {}).items()},
        large_print=bool(content.get("large_print")),
        text_copy=bool(content.get("text_copy")),
        complaint=content.get("complaint"),
        checklist=items,
        problems=tuple(p for p in fields.problem.split("; ") if p),
        reviews=tuple(Review(**r) for r in content.get("reviews") or ()),
        context=ctx,
    )


def get_letter(ws: Workspace, letter_id: str, as_of: dt.date | None = None) -> LetterView:
    with ws.db.read() as s:
        return _view(ws, s, _letter(s, letter_id), as_of)


def list_letters(ws: Workspace, ref: str) -> list[LetterSummary]:
    """The case's letters, newest first (discarded drafts included, so nothing silently vanishes)."""
    approvals = approval_policy(ws)
    with ws.db.read() as s:
        case = find_case(s, ref)
        rows = s.scalars(
            select(Letter).where(Letter.case_id == case.id).order_by(Letter.created_at.desc())
        )
        return [_summary(r, case.ref, approvals) for r in rows]


def available_templates(ws: Workspace, ref: str) -> list[TemplateChoice]:
    """Every template, and whether this case can have it now (with the reason when not)."""
    approvals = approval_policy(ws)
    with ws.db.read() as s:
        facts = read_facts(s, ws, find_case(s, ref))
    out = []
    for t in library().values():
        _complaint, why = applicable(t, facts, ws.today())
        out.append(
            TemplateChoice(t.name, t.title, t.group, t.purpose, not why, why, approvals[t.name])
        )
    return out


def approval_queue(ws: Workspace, own: bool = False) -> list[LetterSummary]:
    """Finalised letters waiting for approval, oldest first. For someone who may approve, never
    their own (a letter they wrote or finalised goes to another approver); ``own``: just those."""
    approvals = approval_policy(ws)
    names = [n for n, needed in approvals.items() if needed]
    with ws.db.read() as s:
        q = (
            select(Letter, Case.ref)
            .join(Case, Case.id == Letter.case_id)
            .where(Letter.status == "finalised", Letter.template.in_(names))
            .order_by(Letter.updated_at)
        )
        visible = visible_officer_ids(s)
        if visible is not None:  # only letters of cases the person may see
            q = q.where(Case.officer_id.in_(visible))
        rows = s.execute(q).all()
        me = ws.actor.username
        out = [_summary(r, ref, approvals) for r, ref in rows]
        if not acting(s).may(Do.APPROVE_LETTERS):
            return [] if own else out
        return [x for x in out if (me in x.authors) == own]


def other_approvers(ws: Workspace, letter: LetterSummary) -> list[str]:
    """The names of the people who may approve this letter (active managers and admins who
    neither wrote nor finalised it)."""
    with ws.db.read() as s:
        rows = s.scalars(
            select(Officer).where(Officer.active.is_(True)).order_by(Officer.name)
        ).all()
        return [
            o.name or o.username
            for o in rows
            if allowed(o.role, Do.APPROVE_LETTERS) and o.username not in letter.authors
        ]


# -- writing ---------------------------------------------------------------------------------------------


def _large_print_default(case: Case, facts: CaseFacts) -> bool:
    texts = [v.description for v in case.resident.vulnerabilities]
    texts += [
        str(e.f.get("adjustments") or "") + " " + str(e.f.get("communication") or "")
        for e in facts.events
        if e.type == "vulnerability_plan"
    ]
    return any(w in t.lower() for t in texts for w in LARGE_PRINT_WORDS)


NUMBER_ATTEMPTS = 5


def next_number(s: Session, case: Case) -> int:
    """The next n of the case's letter references REF/n (a letter keeps its number for good)."""
    return (s.scalar(select(func.max(Letter.number)).where(Letter.case_id == case.id)) or 0) + 1


def _number_taken(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "uq_letters_case_number" in text or "letters.case_id, letters.number" in text


def create_letter(
    ws: Workspace, ref: str, template: str, complaint: str | None = None
) -> LetterView:
    """A new draft from the template's default text, with its inputs pre-filled from the case.

    Its number is the case's next; when another writer took that number first (two people on
    the team server), the database refuses the second letter and it is numbered again."""
    if template not in library():
        raise ValidationError(
            f"There is no letter template {template!r}; see 'doorstep letter --list'."
        )
    attempt = 1
    while True:
        try:
            return _create_letter(ws, ref, template, complaint)
        except IntegrityError as exc:
            if not _number_taken(exc):
                raise
            if attempt == NUMBER_ATTEMPTS:
                raise ConflictError(
                    f"{ref}'s next letter number was taken by another letter at the same "
                    "moment each time; nothing was saved. Try again."
                ) from exc
            attempt += 1


def _create_letter(ws: Workspace, ref: str, template: str, complaint: str | None) -> LetterView:
    t = get_template(template)
    with ws.db.write() as s:
        case = find_case(s, ref)
        facts = read_facts(s, ws, case)
        chosen, why = applicable(t, facts, ws.today(), complaint)
        if why:
            raise ValidationError(f"{t.title} cannot be written for {ref} now: {why}.")
        open_one = s.scalar(
            select(Letter).where(
                Letter.case_id == case.id,
                Letter.template == template,
                Letter.status.in_(OPEN_STATUSES),
            )
        )
        if open_one is not None:
            raise ValidationError(
                f"{ref} already has a {t.title.lower()} that has not been issued "
                f"(letter {open_one.content.get('number', '?')}); open that one instead."
            )
        number = next_number(s, case)
        row = Letter(
            case_id=case.id,
            template=template,
            number=number,
            status="draft",
            content={
                "number": number,
                "complaint": chosen,
                "sections": t.defaults(),
                "inputs": prefill_inputs(t, facts, chosen),
                "checks": {},
                "large_print": _large_print_default(case, facts),
                "text_copy": False,
                "signer": acting(s).username,  # the acting person (solo: the named officer)
                "reviews": [],
            },
            created_by=ws.actor.username,
            updated_by=ws.actor.username,
            device=ws.actor.device,
        )
        s.add(row)
        s.flush()
        log_action(s, ws, "create_letter", "letter", str(row.id), case=ref, template=template)
        return _view(ws, s, row)


def _checked_row(s: Session, letter_id: str, expected_version: int | None) -> Letter:
    row = _letter(s, letter_id)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            f"This letter was changed by {row.updated_by} since you opened it. Reload it; "
            "your changes have not been saved."
        )
    return row


def _touch(ws: Workspace, row: Letter, content: dict[str, Any]) -> None:
    row.content = content
    row.updated_by = ws.actor.username
    row.device = ws.actor.device
    row.updated_at = ws.now()
    # marked even when equal to the old value, so the column's onupdate (the system clock) never wins
    flag_modified(row, "updated_at")


def _review(ws: Workspace, content: dict[str, Any], action: str, comments: str = "") -> None:
    content.setdefault("reviews", []).append(
        {
            "action": action,
            "by": ws.actor.username,
            "at": ws.now().isoformat(),
            "comments": comments,
        }
    )


def _reviewed(ws: Workspace, row: Letter, action: str, comments: str = "") -> dict[str, Any]:
    """A copy of the letter's content with this review step added to its history."""
    content = copy.deepcopy(row.content or {})
    _review(ws, content, action, comments)
    return content


def _store(
    ws: Workspace, s: Session, row: Letter, content: dict[str, Any], action: str, **audit: Any
) -> None:
    """Save the new content (attributed to the acting officer) and write the audit entry."""
    _touch(ws, row, content)
    s.flush()
    log_action(s, ws, action, "letter", str(row.id), **audit)


def preview_letter(
    ws: Workspace,
    letter_id: str,
    *,
    sections: Mapping[str, str] | None = None,
    inputs: Mapping[str, Any] | None = None,
    checks: Mapping[str, bool] | None = None,
    large_print: bool | None = None,
    text_copy: bool | None = None,
) -> LetterView:
    """The letter as it would be with these unsaved edits (the editor's live checklist and preview).

    Nothing is written. Rendering the returned view needs no database, so it can run off the UI thread.
    """
    with ws.db.read() as s:
        row = _letter(s, letter_id)
        content = apply_edits(
            get_template(row.template),
            row.content or {},
            sections,
            inputs,
            checks,
            large_print,
            text_copy,
        )
        edited = Letter(
            id=row.id,
            case_id=row.case_id,
            template=row.template,
            status=row.status,
            content=content,
            created_by=row.created_by,
            updated_by=row.updated_by,
            updated_at=row.updated_at,
            issued_at=row.issued_at,
            event_local_id=row.event_local_id,
            version=row.version,
        )
        return _view(ws, s, edited)


def save_letter(
    ws: Workspace,
    letter_id: str,
    *,
    sections: Mapping[str, str] | None = None,
    inputs: Mapping[str, Any] | None = None,
    checks: Mapping[str, bool] | None = None,
    large_print: bool | None = None,
    text_copy: bool | None = None,
    expected_version: int | None = None,
) -> LetterView:
    """Save the officer's edits to a draft (sections, inputs, ticks, print options)."""
    with ws.db.write() as s:
        row = _checked_row(s, letter_id, expected_version)
        if row.status not in EDITABLE:
            raise ValidationError(
                f"This letter is {STATUS_WORDS.get(row.status, row.status).lower()}; "
                + (
                    "it can no longer be changed."
                    if row.status in ("issued", "discarded")
                    else "reopen it as a draft to change it."
                )
            )
        content = apply_edits(
            get_template(row.template),
            row.content or {},
            sections,
            inputs,
            checks,
            large_print,
            text_copy,
        )
        changed = {*(sections or {}), *(inputs or {}), *(checks or {})}
        _store(ws, s, row, content, "save_letter", fields=sorted(changed))
        return _view(ws, s, row)


def fill_details(ws: Workspace, ref: str, template: str, values: Mapping[str, str]) -> LetterView:
    """Fill details of the case's open draft of ``template`` (started now if there is none):
    ``doorstep letter REF TEMPLATE --set FIELD=VALUE``. The letter stays a draft."""
    t = get_template(template)
    open_ones = [
        x for x in list_letters(ws, ref) if x.template == template and x.status in OPEN_STATUSES
    ]
    if open_ones and open_ones[0].status != "draft":
        raise ValidationError(
            f"{ref}'s {t.title.lower()} is {STATUS_WORDS[open_ones[0].status].lower()}; "
            "reopen it as a draft to change it."
        )
    view = get_letter(ws, open_ones[0].id) if open_ones else create_letter(ws, ref, template)
    stored = dict(view.inputs)
    return save_letter(ws, view.id, inputs={**stored, **values}, expected_version=view.version)


def finalise_letter(
    ws: Workspace, letter_id: str, expected_version: int | None = None
) -> LetterView:
    """Mark a draft ready: refused while anything on its checklist is missing."""
    with ws.db.write() as s:
        row = _checked_row(s, letter_id, expected_version)
        if row.status != "draft":
            raise ValidationError(f"Only a draft can be finalised; this letter is {row.status}.")
        view = _view(ws, s, row)
        missing = [i for i in view.checklist if not i.done]
        if missing:
            listed = "; ".join(i.label + (f" ({i.problem})" if i.problem else "") for i in missing)
            raise ValidationError(
                f"The letter cannot be finalised until its checklist is complete: {listed}."
            )
        content = _reviewed(ws, row, "finalised")
        row.status = "finalised"
        _store(ws, s, row, content, "finalise_letter", approval=view.summary.approval_required)
        return _view(ws, s, row)


def _manager(ws: Workspace, s: Session, doing: str) -> None:
    """Approving and returning letters: a manager's quality check (access.MATRIX)."""
    if not acting(s).may(Do.APPROVE_LETTERS):
        raise PermissionDenied(f"Only {who_may(Do.APPROVE_LETTERS)} can {doing}.")


def approve_letter(
    ws: Workspace, letter_id: str, comments: str = "", expected_version: int | None = None
) -> LetterView:
    """A manager's quality check passed: the letter may now be issued."""
    with ws.db.write() as s:
        row = _checked_row(s, letter_id, expected_version)
        _manager(ws, s, "approve a letter")
        if row.status != "finalised":
            raise ValidationError(
                f"Only a finalised letter can be approved; this one is {row.status}."
            )
        if not approval_policy(ws).get(row.template):
            raise ValidationError("This letter does not need approval; it can be issued as it is.")
        if ws.actor.username in _authors(row):
            raise PermissionDenied(
                "You wrote or finalised this letter, so another manager must approve it (a quality "
                "check needs a second pair of eyes)."
            )
        content = _reviewed(ws, row, "approved", comments.strip())
        row.status = "approved"
        row.approved_by = ws.actor.username
        row.approved_at = ws.now()
        _store(ws, s, row, content, "approve_letter")
        return _view(ws, s, row)


def return_letter(
    ws: Workspace, letter_id: str, comments: str, expected_version: int | None = None
) -> LetterView:
    """A manager sends a finalised letter back to its author with comments (it becomes a draft)."""
    if not comments.strip():
        raise ValidationError("Say what needs changing: the comments go back to the officer.")
    with ws.db.write() as s:
        row = _checked_row(s, letter_id, expected_version)
        _manager(ws, s, "return a letter")
        if row.status != "finalised":
            raise ValidationError(
                f"Only a finalised letter can be returned; this one is {row.status}."
            )
        content = _reviewed(ws, row, "returned", comments.strip())
        row.status = "draft"
        _store(ws, s, row, content, "return_letter")
        return _view(ws, s, row)


def reopen_letter(ws: Workspace, letter_id: str, expected_version: int | None = None) -> LetterView:
    """Back to a draft for changes; an approval given to the old text no longer counts."""
    with ws.db.write() as s:
        row = _checked_row(s, letter_id, expected_version)
        if row.status not in LETTER_ACTIONS["reopen"]:
            raise ValidationError(
                f"Only a finalised or approved letter can be reopened; this one is {row.status}."
            )
        content = _reviewed(ws, row, "reopened")
        row.status = "draft"
        row.approved_by = None
        row.approved_at = None
        _store(ws, s, row, content, "reopen_letter")
        return _view(ws, s, row)


def discard_letter(
    ws: Workspace, letter_id: str, expected_version: int | None = None
) -> LetterSummary:
    """Abandon a letter that was never issued (it stays listed as discarded)."""
    with ws.db.write() as s:
        row = _checked_row(s, letter_id, expected_version)
        if row.status not in OPEN_STATUSES:
            raise ValidationError(f"An {row.status} letter cannot be discarded.")
        content = _reviewed(ws, row, "discarded")
        row.status = "discarded"
        _store(ws, s, row, content, "discard_letter")
        return _summary(row, s.get(Case, row.case_id).ref, approval_policy(ws))


# -- rendering without storing (previews, the command line) ----------------------------------------------------


def render_for_case(
    ws: Workspace, ref: str, template: str, large_print: bool = False, text: bool = False
) -> tuple[bytes, tuple[str, ...]]:
    """A PDF (or the plain-text copy) of the case's open letter of this template, else of the
    template's defaults, marked DRAFT: nothing rendered here is issued or recorded. Returned
    with the gaps still to fill (each printed in the letter as a [TO FILL] placeholder).
    """
    t = get_template(template)
    with ws.db.read() as s:
        case = find_case(s, ref)
        row = s.scalar(
            select(Letter)
            .where(
                Letter.case_id == case.id,
                Letter.template == template,
                Letter.status.in_(OPEN_STATUSES),
            )
            .order_by(Letter.created_at.desc())
        )
        if row is not None:
            view = _view(ws, s, row)
            data = (
                view.text().encode("utf-8") if text else view.pdf(large_print=large_print or None)
            )
            return data, view.problems
        facts = read_facts(s, ws, case)
        chosen, _why = applicable(t, facts, ws.today())
        number = next_number(s, case)
        transient = Letter(
            case_id=case.id,
            template=template,
            status="draft",
            created_by=ws.actor.username,
            content={
                "signer": acting(s).username,  # signed as the acting person, never the OS login
                "number": number,
                "complaint": chosen,
                "sections": t.defaults(),
                "inputs": prefill_inputs(t, facts, chosen),
            },
        )
        ctx = context_for(ws, facts, transient)
        doc = compose(t, t.defaults(), ctx, draft=True, gaps=True)
        gaps = tuple(str(p) for p in problems_of(t, t.defaults(), ctx))
        data = (
            render_text(doc).encode("utf-8") if text else render_pdf(doc, large_print=large_print)
        )
        return data, gaps
