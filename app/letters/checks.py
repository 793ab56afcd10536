"""A letter's checklist (what must be true before it can be finalised) and, for a response, its draft.

Some items the app checks itself (every section written, every merge field has a
value, the response checklist of DOMAIN_RULES.md §2, the extension window, a
reason for each compensation amount); the others the officer ticks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.complaint_record import ComplaintState
from app.domain.complaint_response import (
    OutstandingAction,
    PointDecision,
    ResponseDraft,
    checklist,
)
from app.domain.complaint_rules import extension_window
from app.domain.deadlines.timeline import fmt
from app.letters.compose import LetterContext, problems_of
from app.letters.context import Inputs, _date
from app.letters.merge import Problem, fields_in, merge_text
from app.letters.plain import blocks_text
from app.letters.templates import Template

# The sections of a response letter that the response's record is taken from.
RESPONSE_SECTIONS = {
    "apology": ("apology",),
    "remedy": ("putting_right", "actions", "money"),
    "escalation": ("escalation",),
}


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    done: bool
    auto: bool  # checked by the app (not ticked by the officer)
    problem: str = ""


def section_texts(template: Template, content: Mapping[str, Any]) -> dict[str, str]:
    stored = content.get("sections") or {}
    return {s.key: str(stored.get(s.key, s.text)) for s in template.sections}


def merged_plain(
    template: Template, texts: Mapping[str, str], ctx: LetterContext, keys: tuple[str, ...]
) -> str:
    """The printed text of these sections (those that print), as plain running text."""
    out = []
    for key in keys:
        try:
            spec = template.section(key)
        except KeyError:
            continue
        if not ctx.prints(spec):
            continue
        problems: list[Problem] = []
        out.append(
            blocks_text(
                merge_text(
                    texts.get(key, spec.text), ctx.values, ctx.missing, spec.heading, problems
                )
            )
        )
    return "\n".join(t for t in out if t.strip())


def response_draft(
    template: Template, texts: Mapping[str, str], ctx: LetterContext, inputs: Inputs
) -> ResponseDraft:
    """The response as its record will say it: decisions, apology, remedy, actions, route, money."""
    return ResponseDraft(
        points=tuple(
            PointDecision(p["point"], p["decision"], p["reasons"])
            for p in inputs.points
            if p["point"].strip()
        ),
        apology=bool(merged_plain(template, texts, ctx, RESPONSE_SECTIONS["apology"]).strip()),
        remedy=merged_plain(template, texts, ctx, RESPONSE_SECTIONS["remedy"]),
        outstanding=tuple(OutstandingAction(t, d) for t, d in inputs.outstanding if t.strip() or d),
        escalation=merged_plain(template, texts, ctx, RESPONSE_SECTIONS["escalation"]),
        compensation=tuple(
            (h, a) for h, a, _ in inputs.compensation if h and a is not None and a > 0
        ),
    )


def _uses(texts: Mapping[str, str], name: str) -> bool:
    return any(name in fields_in(t) for t in texts.values())


def _compensation_problems(inputs: Inputs) -> list[str]:
    out = []
    for i, (head, amount, reason) in enumerate(inputs.compensation, start=1):
        label = head.replace("_", " ") or f"line {i}"
        if not head:
            out.append(f"line {i} has no head")
        if amount is None or amount <= 0:
            out.append(f"{label} has no amount")
        if not reason.strip():
            out.append(f"{label} has no reason")
    return out


def _extension_problem(state: ComplaintState | None, inputs: Inputs, day: dt.date) -> str:
    if state is None:
        return "the case has no complaint"
    win = extension_window(state)
    new_due = _date(inputs.values.get("extension.new_due"))
    if win is None or not state.current.awaiting_response:
        return "no response is waiting that could be extended"
    if day > win.due:
        return f"the response was due {fmt(win.due)}: too late to extend"
    if new_due is None:
        return "enter the new date"
    if new_due <= win.due:
        return f"the new date must be after {fmt(win.due)}"
    if new_due > win.latest:
        return f"the latest date the policy allows is {fmt(win.latest)}"
    return ""


def letter_checklist(
    template: Template,
    content: Mapping[str, Any],
    ctx: LetterContext,
    inputs: Inputs,
    state: ComplaintState | None,
    day: dt.date,
) -> tuple[CheckItem, ...]:
    texts = section_texts(template, content)
    ticked = content.get("checks") or {}
    empty = [
        s.heading or s.key.replace("_", " ")
        for s in template.sections
        if s.required and ctx.prints(s) and not texts[s.key].strip()
    ]
    items = [
        CheckItem(
            "sections",
            "Every section is written",
            not empty,
            True,
            "" if not empty else "write: " + ", ".join(empty),
        ),
    ]
    problems = problems_of(template, texts, ctx)
    items.append(
        CheckItem(
            "fields",
            "Every merge field has a value",
            not problems,
            True,
            "; ".join(str(p) for p in problems),
        )
    )
    for c in template.checks:
        if not c.auto:
            items.append(CheckItem(c.key, c.label, bool(ticked.get(c.key)), False))
        elif c.auto == "response":
            if state is None:
                items.append(CheckItem(c.key, c.label, False, True, "the case has no complaint"))
                continue
            draft = response_draft(template, texts, ctx, inputs)
            for i in checklist(state, draft, day):
                items.append(CheckItem(f"response.{i.key}", i.label, i.done, True, i.problem))
        elif c.auto == "compensation_reasons":
            bad = _compensation_problems(inputs)
            items.append(CheckItem(c.key, c.label, not bad, True, "; ".join(bad)))
        elif c.auto == "extension_window":
            why = _extension_problem(state, inputs, day)
            items.append(CheckItem(c.key, c.label, not why, True, why))
        elif c.auto.startswith("uses:"):
            name = c.auto[5:]
            ok = _uses(texts, name)
            items.append(
                CheckItem(c.key, c.label, ok, True, "" if ok else f"the letter must use {{{name}}}")
            )
        elif c.auto.startswith("input:"):
            name = c.auto[6:]
            ok = bool((inputs.values.get(name) or "").strip())
            items.append(
                CheckItem(
                    c.key, c.label, ok, True, "" if ok else "enter it in the letter's details"
                )
            )
    return tuple(items)
