"""Putting a letter together: a template, the officer's section texts and the case's values.

``compose`` resolves every merge field of the subject and of every section first
and raises ``MergeError`` listing every problem, so no final letter is produced
with a gap. A draft (``gaps=True``) is produced anyway, each gap printed where it
is as a visible placeholder; the checklist lists the same gaps and finalising
stays blocked until they are filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.letters.document import (
    Block,
    LetterDocument,
    Organisation,
    Para,
    Point,
    Section,
    Signature,
)
from app.letters.merge import MergeError, Problem, Value, gap, merge_inline, merge_text
from app.letters.templates import Template


@dataclass(frozen=True)
class LetterContext:
    """What the case gives a letter (built by ``app.letters.context``)."""

    values: Mapping[str, Value]
    missing: Mapping[str, str]  # field -> why this case has no value for it
    organisation: Organisation
    recipient: tuple[str, ...]  # the resident's name and address lines
    reference: str
    date_text: str
    signature: Signature
    points: tuple[Point, ...] = ()  # a response's decisions, printed in its points section
    author: str = ""
    keywords: tuple[str, ...] = field(default=())
    present: frozenset[str] = frozenset()  # inputs that have entries (a section's ``when``)

    def prints(self, spec) -> bool:
        """Whether a section is part of the letter (a ``when`` section needs its input filled)."""
        return not spec.when or spec.when in self.present


NO_POINTS = "no points of complaint are entered: add each point and its decision in the details"


def merged_sections(
    template: Template, texts: Mapping[str, str], ctx: LetterContext, gaps: bool = False
) -> tuple[tuple[Section, ...], list[Problem]]:
    problems: list[Problem] = []
    sections = []
    for spec in template.sections:
        if not ctx.prints(spec):
            continue
        text = texts.get(spec.key, spec.text)
        where = spec.heading or spec.key.replace("_", " ").capitalize()
        blocks: tuple[Block, ...] = merge_text(text, ctx.values, ctx.missing, where, problems, gaps)
        if spec.kind == "points":
            blocks = (*blocks, *ctx.points)
            if not ctx.points:  # a response that answers no point is not a response
                problems.append(Problem("response.points", where, NO_POINTS))
                if gaps:
                    blocks = (*blocks, Para((gap(NO_POINTS),)))
        if blocks:
            sections.append(Section(spec.heading, blocks))
    return tuple(sections), problems


def compose(
    template: Template,
    texts: Mapping[str, str],
    ctx: LetterContext,
    draft: bool = True,
    gaps: bool = False,
) -> LetterDocument:
    """The letter; raises ``MergeError`` on any gap unless ``gaps`` (a draft only) prints them."""
    gaps = gaps and draft
    sections, problems = merged_sections(template, texts, ctx, gaps)
    subject_problems: list[Problem] = []
    subject = merge_inline(template.subject, ctx.values, ctx.missing, subject_problems, gaps)
    problems = subject_problems + problems
    recipient = ctx.recipient
    if len(ctx.recipient) < 2:
        why = ctx.missing.get("resident.address", "the resident has no postal address recorded")
        problems.insert(
            0, Problem("resident.address", "address", f"{{resident.address}} is missing ({why})")
        )
        recipient = (*recipient, gap(why))
    if "officer.name" in ctx.missing:  # the signature: a letter is signed by a named person
        why = ctx.missing["officer.name"]
        problems.append(
            Problem("officer.name", "signature", f"{{officer.name}} is missing ({why})")
        )
    if problems and not gaps:
        raise MergeError(problems)
    return LetterDocument(
        organisation=ctx.organisation,
        recipient=recipient,
        reference=ctx.reference,
        date_text=ctx.date_text,
        subject=subject,
        sections=sections,
        signature=ctx.signature,
        title=f"{template.title} — {ctx.reference}",
        author=ctx.author or ctx.organisation.name,
        keywords=ctx.keywords,
        draft=draft,
    )


def problems_of(template: Template, texts: Mapping[str, str], ctx: LetterContext) -> list[Problem]:
    """Every merge problem, without raising (the editor lists them live)."""
    try:
        compose(template, texts, ctx)
    except MergeError as exc:
        return list(exc.problems)
    return []


DEFAULT_ORGANISATION = Organisation(
    name="Larkspur Homes",
    address=("Larkspur House", "14 Fernbank Road", "London", "SE6 4ZZ"),
    phone="020 7946 0999",
    email="housing@larkspur-homes.example.org",
    website="www.larkspur-homes.example.org",
    logo="",
    signature_title="Housing services",
)
