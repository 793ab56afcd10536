"""Checking a letter's edits: its sections, structured inputs, ticks and print options."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from app.domain.compensation import COMPENSATION_HEADS, CompensationError, to_amount
from app.domain.complaint_rules import DECISIONS
from app.errors import ValidationError
from app.letters.templates import INPUT_FIELDS, Template


def clean_inputs(template: Template, inputs: Mapping[str, Any]) -> dict[str, Any]:
    allowed = set()
    for name in template.inputs:
        allowed |= set(INPUT_FIELDS.get(name, (name,)))
    out: dict[str, Any] = {}
    for key, value in inputs.items():
        if key not in allowed:
            raise ValidationError(f"{template.title} has no detail {key!r}.")
        if key == "points":
            rows = []
            for p in value or ():
                decision = str(p.get("decision", "") or "")
                if decision and decision not in DECISIONS:
                    raise ValidationError(
                        f"A decision must be one of {', '.join(DECISIONS)}; got {decision!r}."
                    )
                rows.append(
                    {
                        "point": str(p.get("point", "") or ""),
                        "decision": decision,
                        "reasons": str(p.get("reasons", "") or ""),
                    }
                )
            out[key] = rows
        elif key == "outstanding":
            rows = []
            for a in value or ():
                due = a.get("due") or ""
                if due:
                    try:
                        due = dt.date.fromisoformat(str(due)).isoformat()
                    except ValueError:
                        raise ValidationError(f"{due!r} is not a date (use YYYY-MM-DD).") from None
                rows.append({"text": str(a.get("text", "") or ""), "due": due})
            out[key] = rows
        elif key == "compensation":
            rows = []
            for c in value or ():
                head = str(c.get("head", "") or "")
                if head and head not in COMPENSATION_HEADS:
                    raise ValidationError(
                        f"Compensation head must be one of {', '.join(COMPENSATION_HEADS)}."
                    )
                amount = c.get("amount", "")
                if amount not in (None, ""):
                    try:
                        amount = str(to_amount(amount, "amount", head or None))
                    except CompensationError as exc:
                        raise ValidationError(f"Compensation for {exc}.") from None
                rows.append(
                    {"head": head, "amount": amount or "", "reason": str(c.get("reason", "") or "")}
                )
            out[key] = rows
        elif key in ("extension.new_due", "promise.agreed"):
            text = str(value or "").strip()
            if text:
                try:
                    text = dt.date.fromisoformat(text).isoformat()
                except ValueError:
                    raise ValidationError(f"{text!r} is not a date (use YYYY-MM-DD).") from None
            out[key] = text
        else:
            out[key] = str(value or "")
    return out


def apply_edits(
    t: Template,
    stored: Mapping[str, Any],
    sections: Mapping[str, str] | None,
    inputs: Mapping[str, Any] | None,
    checks: Mapping[str, bool] | None,
    large_print: bool | None,
    text_copy: bool | None,
) -> dict[str, Any]:
    content = copy.deepcopy(dict(stored))
    if sections is not None:
        unknown = sorted(set(sections) - {x.key for x in t.sections})
        if unknown:
            raise ValidationError(f"{t.title} has no section {unknown[0]!r}.")
        content["sections"] = {
            **(content.get("sections") or {}),
            **{k: str(v) for k, v in sections.items()},
        }
    if inputs is not None:
        content["inputs"] = {**(content.get("inputs") or {}), **clean_inputs(t, inputs)}
    if checks is not None:
        manual = {c.key for c in t.checks if not c.auto}
        unknown = sorted(set(checks) - manual)
        if unknown:
            raise ValidationError(f"{t.title}'s checklist has no item {unknown[0]!r} to tick.")
        content["checks"] = {
            **(content.get("checks") or {}),
            **{k: bool(v) for k, v in checks.items()},
        }
    if large_print is not None:
        content["large_print"] = bool(large_print)
    if text_copy is not None:
        content["text_copy"] = bool(text_copy)
    return content
