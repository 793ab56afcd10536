"""ASB case work (DOMAIN_RULES.md §4-6): one function per user action, each one transaction.

Everything is recorded as case events; the deadline engine derives every
deadline and finding from them. Writers return the new event id and the case as
it now stands. This module holds intake, risk, vulnerabilities and the read
views, and re-exports the action plan (``asb.plan``) and the rest of the case
work (``asb.work``), so ``app.services.asb`` is the whole public API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.asb_risk import INCIDENT_HINTS, RiskAnswerError, report_hint, score_risk
from app.domain.events import CHANNELS, RESIDENT
from app.domain.vulnerabilities import listed_text, norm, parse_listed
from app.errors import ValidationError
from app.services.asb.common import (
    at_field,
    case_policy,
    clean,
    household_review,
    known_agencies,
    officer_names,
    optional,
    read_events,
    record,
    set_known_agencies,
)
from app.services.asb.plan import agree_plan, mark_action_done
from app.services.asb.views import AsbView, CaseReviewStatus, build_view, domain_events
from app.services.asb.work import (
    chase_partner,
    close_asb_case,
    raise_repair,
    record_home_visit,
    record_partner_reply,
    record_repair_done,
    request_home_visit,
    request_partner,
)
from app.services.cases import append_events, find_case, get_case, log_action
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.store.models import Vulnerability

__all__ = [
    "agree_plan",
    "asb_view",
    "assess_risk",
    "case_review_status",
    "chase_partner",
    "close_asb_case",
    "mark_action_done",
    "raise_repair",
    "record_home_visit",
    "record_partner_reply",
    "record_repair_done",
    "record_vulnerability",
    "report_asb",
    "request_home_visit",
    "request_partner",
    "set_known_agencies",
]


# -- intake and risk -----------------------------------------------------------------------


def report_asb(
    ws: Workspace,
    ref: str,
    *,
    incident_type: str,
    summary: str,
    channel: str = "phone",
    reporter: str | None = None,
    perpetrator: str | None = None,
    police_ref: str | None = None,
    hate_incident: bool = False,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> tuple[str, CaseDetail, CaseReviewStatus]:
    """Record an ASB report: (event id, case, case review status).

    ``reporter`` is who reported it when not the resident (e.g. 'support worker').
    When this report makes the household qualify for a case review (policy: N
    reports in M months), the alert to the officer and their managers is logged.
    """
    if incident_type not in INCIDENT_HINTS:
        raise ValidationError(
            f"Incident type must be one of {', '.join(INCIDENT_HINTS)}; got {incident_type!r}."
        )
    if channel not in CHANNELS:
        raise ValidationError(f"Channel must be one of {', '.join(CHANNELS)}; got {channel!r}.")
    hate = hate_incident or incident_type == "hate_incident"
    who = optional(reporter)
    third_party = who is not None and norm(who) != RESIDENT
    raw: dict[str, Any] = {
        "type": "asb_report",
        "summary": clean(summary, "What happened"),
        "channel": channel,
        "by": ws.actor.username if third_party else RESIDENT,
        "risk_hint": report_hint(incident_type, hate),
        "hate_incident": hate,
        "incident_type": incident_type,
        **at_field(at),
    }
    extras = {
        "reporter": who if third_party else None,
        "perpetrator": perpetrator,
        "police_ref": police_ref,
    }
    raw.update({k: optional(v) for k, v in extras.items() if optional(v)})
    with ws.db.write() as s:
        before = household_review(s, ws, ref)
        _, ids = append_events(s, ws, ref, [raw], expected_version)
        review = household_review(s, ws, ref)
        log_action(s, ws, "asb_report", "case", ref, events=ids, hate_incident=hate)
        if review.qualifies and not before.qualifies:
            log_action(
                s,
                ws,
                "case_review_alert",
                "case",
                ref,
                officer=review.officer,
                managers=list(review.managers),
            )
    return ids[0], get_case(ws, ref), review


def assess_risk(
    ws: Workspace,
    ref: str,
    answers: dict[str, bool],
    *,
    by: str | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> tuple[str, CaseDetail]:
    """Score the structured risk questions to a tier and record it; re-assessing adds a new entry."""
    events, policy = read_events(ws, ref)
    if not any(e.type == "asb_report" for e in events):
        raise ValidationError("Record the ASB report before assessing the risk.")
    try:
        result = score_risk(policy.risk, answers)
    except RiskAnswerError as exc:
        raise ValidationError(str(exc)) from exc
    raw = {
        "type": "risk_assessment",
        "summary": f"Risk assessment: {result.tier} risk (score {result.score})",
        "tier": result.tier,
        "by": by or ws.actor.username,
        "answers": {q.key: answers[q.key] for q in policy.risk.questions},
        "score": result.score,
        "reasons": result.reasons,
        **at_field(at),
    }
    ids, case = record(ws, ref, [raw], "risk_assessment", expected_version, tier=result.tier)
    return ids[0], case


# -- vulnerabilities -----------------------------------------------------------------------

ADJUSTMENT_WORDS = {
    "preferred_channel": "contact by {}",
    "contact_times": "times: {}",
    "interpreter": "interpreter: {}",
    "communication": "communication: {}",
}


def record_vulnerability(
    ws: Workspace,
    ref: str,
    *,
    vulnerability: str,
    member: str = RESIDENT,
    adjustments: str = "",
    preferred_channel: str | None = None,
    contact_times: str | None = None,
    interpreter: str | None = None,
    communication: str | None = None,
    at: dt.datetime | None = None,
) -> tuple[str | None, CaseDetail]:
    """List a household member's vulnerability and record the adjustments agreed for it.

    Without any adjustment the vulnerability is only listed and the case owes them
    (VULNERABILITY_NOT_ASSESSED once the policy's timescale has passed). Returns the
    vulnerability_plan event id (None when only listed) and the case.
    """
    what = clean(vulnerability, "The vulnerability")
    who = clean(member, "The household member")
    if any(c in who for c in "()"):
        raise ValidationError("Name the household member without brackets, e.g. 'son'.")
    if preferred_channel is not None and preferred_channel not in CHANNELS:
        raise ValidationError(f"Preferred contact must be one of {', '.join(CHANNELS)}.")
    extras = {
        "preferred_channel": preferred_channel,
        "contact_times": optional(contact_times),
        "interpreter": optional(interpreter),
        "communication": optional(communication),
    }
    parts = [ADJUSTMENT_WORDS[k].format(v.replace("_", " ")) for k, v in extras.items() if v]
    agreed = optional(adjustments) or ("; ".join(parts).capitalize() if parts else None)
    raws = []
    if agreed:
        raws.append(
            {
                "type": "vulnerability_plan",
                "summary": f"Adjustments agreed for {what} ({who})",
                "adjustments": agreed,
                "member": who,
                "vulnerability": what,
                **{k: v for k, v in extras.items() if v},
                **at_field(at),
            }
        )
    text = listed_text(what, who)
    with ws.db.write() as s:
        resident = find_case(s, ref).resident
        new = not any(
            (norm(item.vulnerability), norm(item.member)) == (norm(what), norm(who))
            for item in (parse_listed(v.description) for v in resident.vulnerabilities)
        )
        if new:
            resident.vulnerabilities.append(
                Vulnerability(position=len(resident.vulnerabilities), description=text)
            )
            resident.listed_vulnerabilities = True
            resident.updated_by = ws.actor.username
            resident.device = ws.actor.device
            s.flush()
        _, ids = append_events(s, ws, ref, raws)
        log_action(s, ws, "record_vulnerability", "case", ref, events=ids, listed=new)
    return (ids[0] if ids else None), get_case(ws, ref)


# -- reading -----------------------------------------------------------------------------------


def case_review_status(ws: Workspace, ref: str, as_of: dt.date | None = None) -> CaseReviewStatus:
    """Whether the household's ASB reports qualify the case for an ASB case review."""
    with ws.db.read() as s:
        return household_review(s, ws, ref, as_of)


def asb_view(ws: Workspace, ref: str, case: CaseDetail | None = None) -> AsbView:
    """Everything the ASB panel shows. Pass ``case`` when it was just read, to read it once."""
    case = case or get_case(ws, ref)
    with ws.db.read() as s:
        row = find_case(s, ref)
        policy = case_policy(ws, row)
        review = household_review(s, ws, ref)
        officers = officer_names(s)
        agencies = known_agencies(s, domain_events(case))
    return build_view(case, policy, review, officers, agencies)
