"""Which letters a case can have now, and the inputs a new draft starts with.

These mirror the complaint rules (the services that record an issued letter check
them again, in the same transaction): an acknowledgement is for a stage not yet
acknowledged, a refusal to escalate for a pending escalation, an extension for a
response still inside its due date, and so on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.complaint_record import ComplaintState
from app.domain.complaint_rules import extension_window
from app.domain.deadlines.timeline import fmt
from app.letters.context import CaseFacts
from app.letters.templates import Template

REQUIREMENT_WORDS = {
    "complaint": "the case has no complaint",
    "asb_report": "the case has no ASB report",
    "action_plan_agreed": "no action plan has been agreed on this case yet",
    "home_visit_request": "no home visit has been requested on this case",
    "case_closed": "the case has not been closed",
    "hazard_investigated": "no hazard on this case has been investigated yet",
    "request_decided": "no request on this case has been decided yet",
    "arrears_check": "the rent account has not been checked on this case",
}


def _complaint_reason(t: Template, state: ComplaintState, day: dt.date) -> str:
    s = state.current
    first = state.policy.first_stage
    closed = state.closed is not None
    if t.issues == "complaint_ack":
        if t.stage == "first":
            if s.how != "receipt" or s.number != first:
                return f"the complaint is at {s.label.lower()}, past the first stage"
            if s.ack_deadline is None:
                return f"{s.label} of this procedure needs no acknowledgement"
            if s.answered or s.decided:
                return f"{s.label} was already acknowledged or answered"
            if closed:
                return "the complaint is closed"
            return ""
        if state.pending_escalation is None:
            return "no escalation request is waiting for an acknowledgement"
        return ""
    if t.issues == "escalation_refused":
        return (
            ""
            if state.pending_escalation is not None
            else "no escalation request is waiting for an answer"
        )
    if closed:
        return f"the complaint was closed on {fmt(state.closed.day)}"
    if t.issues == "extension_notice":
        win = extension_window(state)
        if win is None or not s.awaiting_response:
            return f"{s.label} is not waiting for a response"
        if day > win.due:
            return f"the response was due {fmt(win.due)}; it is too late to extend"
        if win.latest <= win.due:
            return "the stage's maximum extension is already used"
        return ""
    if t.issues == "complaint_response":
        if t.stage == "first" and s.number != first:
            return f"the complaint is at {s.label.lower()}: use the later-stage response"
        if t.stage == "later" and s.number == first:
            return f"the complaint is at {s.label.lower()}: use the first-stage response"
        if s.decided:
            return f"{s.label} has already been answered"
        if state.pending_escalation is not None:
            return "acknowledge the escalation first"
        return ""
    if t.issues == "complaint_refused":
        return f"{s.label} has already been decided" if s.decided else ""
    return ""


def summary_owed(facts: CaseFacts):
    """The latest investigated hazard whose written summary has not been sent (or None)."""
    sent = {e.f["answers"] for e in facts.events if e.type == "hazard_summary_sent"}
    for inv in reversed([e for e in facts.events if e.type == "hazard_investigated"]):
        if inv.f["answers"] not in sent:
            return inv
    return None


def _hazard_summary_reason(facts: CaseFacts) -> str:
    if facts.latest("hazard_investigated") is None:
        return REQUIREMENT_WORDS["hazard_investigated"]
    if summary_owed(facts) is None:
        return "the written summary of every investigated hazard has been sent"
    return ""


def applicable(
    t: Template, facts: CaseFacts, day: dt.date, complaint: str | None = None
) -> tuple[str | None, str]:
    """(the complaint it is about, or None; why it cannot be written now — '' when it can)."""
    if t.issues == "hazard_summary":
        return None, _hazard_summary_reason(facts)
    complaint_letter = t.issues != "contact" or t.requires == "complaint" or t.group == "complaint"
    state = facts.complaint(complaint)
    if complaint is not None and state is None:
        return None, f"the case has no complaint {complaint!r}"
    if t.issues != "contact" or t.requires == "complaint":
        if state is None:
            return None, "the case has no complaint"
        return state.id, _complaint_reason(t, state, day)
    if t.requires and facts.latest(t.requires) is None:
        return None, REQUIREMENT_WORDS[t.requires]
    return (state.id if complaint_letter and state is not None else None), ""


def prefill_inputs(t: Template, facts: CaseFacts, complaint: str | None) -> dict[str, Any]:
    """What a new draft's inputs start as: the complaint's points, the offer to be made."""
    out: dict[str, Any] = {}
    state = facts.complaint(complaint) if complaint else None
    if "points" in t.inputs:
        out["points"] = [
            {"point": p, "decision": "", "reasons": ""} for p in (state.points if state else ())
        ]
    if "outstanding" in t.inputs:
        out["outstanding"] = []
    if "compensation" in t.inputs:
        items: list[dict[str, Any]] = []
        if t.issues == "contact" and state is not None:
            ledger = state.ledger
            owed_by_order = bool(ledger.ordered)
            for head in ledger.heads():
                amount = ledger.ordered.get(head) if owed_by_order else ledger.total_offered(head)
                if amount:
                    items.append({"head": head, "amount": str(amount), "reason": ""})
        out["compensation"] = items
    if "extension" in t.inputs:
        out["extension.new_due"] = ""
        out["extension.reason"] = ""
    if "refusal" in t.inputs:
        out["refusal.reason"] = ""
    if "visit" in t.inputs:
        out["visit.when"] = ""
    if "works" in t.inputs:
        out["works.schedule"] = ""
    return out
