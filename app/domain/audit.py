"""Case timeline audit (DOMAIN_RULES.md §8): replay a history and report each failure
with its code, the date it became a failure and the evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.domain.bundle import CaseInfo
from app.domain.deadlines import CLOSED, MET, OPEN, Deadline, Finding, derive
from app.domain.deadlines.timeline import fmt
from app.domain.events import Event
from app.domain.policy import Policy, PolicyHistory


def _outcome(d: Deadline, as_of: dt.date) -> str:
    if d.status == MET:
        return f"done {fmt(d.met_on)}"
    if d.status == CLOSED:
        why = d.notes[-1] if d.notes else f"ended {fmt(d.closed_on)}"
        return f"never done ({why})"
    return f"not done by {fmt(as_of)}"


def findings_for(deadlines: Iterable[Deadline], as_of: dt.date) -> list[Finding]:
    out: list[Finding] = []
    for d in deadlines:
        code = d.finding_code
        if code is None or d.due is None or not d.breached(as_of):
            continue
        out.append(
            Finding(d.due, code, d.evidence, f"{d.detail}; due {fmt(d.due)}, {_outcome(d, as_of)}.")
        )
        if d.kind == "complaint_response" and d.due == d.original_due:
            out.append(
                Finding(
                    d.due,
                    "EXTENSION_NOT_NOTIFIED",
                    d.evidence,
                    f"{d.label} was late and no extension was notified before {fmt(d.due)}.",
                )
            )
    return out


def audit(
    case: CaseInfo,
    events: Iterable[Event],
    policies: PolicyHistory | Policy,
    as_of: dt.date,
) -> list[Finding]:
    """Findings known on ``as_of``, in date order."""
    result = derive(case, events, policies, as_of=as_of)
    found = findings_for(result.deadlines, as_of)
    found += [f for f in result.rule_findings if f.date <= as_of]
    return sorted(set(found))


def open_deadlines(deadlines: Iterable[Deadline]) -> list[Deadline]:
    return [d for d in deadlines if d.status == OPEN]
