"""Frozen views of letters for the UI and the command line (no ORM objects escape)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.calendar import london_date
from app.letters.checks import CheckItem
from app.letters.compose import LetterContext, compose
from app.letters.document import LetterDocument
from app.letters.pdf import render_pdf
from app.letters.plain import render_text
from app.letters.templates import Template

# The letter's state machine: each action and the statuses it may be taken from. The services
# refuse anything else and the editor offers only these (LetterSummary.actions).
LETTER_ACTIONS: dict[str, tuple[str, ...]] = {
    "save": ("draft",),  # edit sections, inputs and checks
    "finalise": ("draft",),  # once the checklist is complete
    "approve": ("finalised",),  # a manager's quality check, where the letter needs one
    "return": ("finalised",),  # a manager sends it back with comments
    "reopen": ("finalised", "approved"),
    "issue": ("finalised", "approved"),  # finalised only when it needs no approval
    "discard": ("draft", "finalised", "approved"),
}
REVIEWS = frozenset({"approve", "return"})

STATUS_WORDS = {
    "draft": "Draft",
    "finalised": "Finalised",
    "approved": "Approved",
    "issued": "Issued",
    "discarded": "Discarded",
}


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    title: str
    group: str
    purpose: str
    available: bool
    reason: str  # why not, when not available
    approval: bool


@dataclass(frozen=True)
class Review:
    action: str  # finalised | approved | returned | reopened | issued | discarded
    by: str
    at: str
    comments: str = ""


@dataclass(frozen=True)
class LetterSummary:
    id: str
    case_ref: str
    template: str
    title: str
    status: str
    number: int
    created_by: str
    updated_at: dt.datetime
    issued_at: dt.datetime | None
    approval_required: bool
    event_id: str | None
    version: int
    authors: frozenset[str] = frozenset()  # wrote or finalised it: may not approve it

    def actions(self, is_manager: bool, me: str | None = None) -> frozenset[str]:
        """What may be done to the letter now, by a manager or not (LETTER_ACTIONS); ``me``
        never reviews a letter they wrote: it goes to another approver."""
        out = {a for a, start in LETTER_ACTIONS.items() if self.status in start}
        if self.approval_required and self.status != "approved":
            out.discard("issue")
        if not (self.approval_required and is_manager) or (me is not None and me in self.authors):
            out -= REVIEWS
        return frozenset(out)

    @property
    def editable(self) -> bool:
        return self.status in LETTER_ACTIONS["save"]

    @property
    def status_text(self) -> str:
        word = STATUS_WORDS.get(self.status, self.status)
        if self.status == "finalised" and self.approval_required:
            return "Awaiting approval"
        if self.status == "issued" and self.issued_at is not None:
            return f"Issued {london_date(self.issued_at):%d %b %Y}"
        return word


@dataclass(frozen=True)
class LetterView:
    summary: LetterSummary
    template: Template
    sections: Mapping[str, str]
    inputs: Mapping[str, Any]
    checks: Mapping[str, bool]
    large_print: bool
    text_copy: bool
    complaint: str | None
    checklist: tuple[CheckItem, ...]
    problems: tuple[str, ...]  # merge problems (unknown or missing fields)
    reviews: tuple[Review, ...]
    context: LetterContext  # for previews: rendering needs no database

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def version(self) -> int:
        return self.summary.version

    @property
    def status(self) -> str:
        return self.summary.status

    @property
    def editable(self) -> bool:
        return self.summary.editable

    def actions(self, is_manager: bool, me: str | None = None) -> frozenset[str]:
        """The summary's actions; finalising also needs the checklist complete."""
        out = self.summary.actions(is_manager, me)
        return out if self.complete else out - {"finalise"}

    @property
    def complete(self) -> bool:
        return all(i.done for i in self.checklist)

    @property
    def returned_comments(self) -> str:
        """The manager's comments when the latest review returned the letter."""
        last = next((r for r in reversed(self.reviews) if r.action != "reopened"), None)
        return last.comments if last is not None and last.action == "returned" else ""

    def document(self, draft: bool = True) -> LetterDocument:
        # A draft always renders, each gap a visible placeholder; a final letter has none.
        return compose(self.template, self.sections, self.context, draft=draft, gaps=draft)

    def pdf(self, large_print: bool | None = None, draft: bool = True) -> bytes:
        lp = self.large_print if large_print is None else large_print
        return render_pdf(self.document(draft), large_print=lp)

    def text(self, draft: bool = True) -> str:
        return render_text(self.document(draft))
