"""Repairs, resident requests needing a decision, Ombudsman orders, possession safeguards and arrears reviews
(DOMAIN_RULES.md §3, §5a, §5b, §6)."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.case_review import months_before
from app.domain.deadlines.model import Deadline, Finding
from app.domain.deadlines.timeline import Timeline, fmt
from app.domain.events import Event, answers
from app.domain.payloads import (
    ArrearsCheckFields,
    OmbudsmanOrderFields,
    OrderCompliedFields,
    RepairRaisedFields,
    RequestMadeFields,
    fields_of,
    typed,
)

SUBJECT_WORDS = {
    "transfer": "transfer request",
    "medical_assessment": "medical assessment request",
    "rehousing_advice": "request for re-housing advice",
    "policy_copy": "request for a copy of a policy",
    "information": "request for information",
    "other": "request",
}


def repairs(tl: Timeline) -> list[Deadline]:
    out = []
    for r, f in typed(tl.events, RepairRaisedFields):
        job = f["job"]
        out.append(
            tl.deadline(
                kind="repair",
                key=f"repair:{r.id}",
                label=f"Repair: {job}",
                trigger=r,
                due=f["target"],
                policy=tl.policy_at(r),
                met_types=("repair_done",),
                met=lambda e, j=job: e.type == "repair_done" and e.f["job"] == j,
                detail=f"Repair '{job}' ({f['priority']}) raised {fmt(r.day)}",
            )
        )
    return out


def decisions(tl: Timeline) -> list[Deadline]:
    out = []
    for r, asked in typed(tl.events, RequestMadeFields):
        policy = tl.policy_at(r)
        wd = policy.decisions[asked["subject"]]
        what = SUBJECT_WORDS[asked["subject"]]
        out.append(
            tl.deadline(
                kind="decision",
                key=f"decision:{r.id}",
                label=f"Decide {what}",
                trigger=r,
                due=policy.calendar.add_working_days(r.day, wd),
                policy=policy,
                met_types=("request_decided",),
                met=lambda e, rid=r.id: e.type == "request_decided" and e.f["answers"] == rid,
                detail=f"Resident's {what} of {fmt(r.day)} needs a written decision within {wd} WD",
            )
        )
    return out


def ombudsman_orders(tl: Timeline) -> list[Deadline]:
    """An order is met when evidence of compliance is sent to the Ombudsman (on or before its due).

    The first ``order_complied`` for the order that gives ``evidence_sent`` meets it on
    that date; one without it records compliance still to be evidenced.
    """
    out = []
    for o, order in typed(tl.events, OmbudsmanOrderFields):
        evidenced = tl.first_after(
            o,
            lambda e, oid=o.id: (
                e.type == "order_complied" and e.f["order"] == oid and e.f.get("evidence_sent")
            ),
            types=("order_complied",),
        )
        d = tl.deadline(
            kind="ombudsman_order",
            key=f"ombudsman_order:{o.id}",
            label="Comply with the Ombudsman's order",
            trigger=o,
            due=order["due"],
            policy=tl.policy_at(o),
            met_event=evidenced,
            detail=f"Ombudsman order of {fmt(o.day)}: {order['text']}",
        )
        if evidenced is not None:
            d = d.with_(met_on=fields_of(evidenced, OrderCompliedFields)["evidence_sent"])
        out.append(d)
    return out


def possession_safeguards(tl: Timeline) -> list[Finding]:
    """A NOSP needs, first: the account checked, vulnerability assessed and the approval
    recorded (on the notice, or as its own event) — §8's three. The pre-action checklist is
    Doorstep's own step: the possession service refuses a NOSP without it (``pre_action_done``),
    but a history from another system is not judged on it."""
    out = []
    vulnerable = bool(tl.case.resident.vulnerabilities)
    for nosp in tl.of_type("nosp_served"):
        policy = tl.policy_at(nosp)
        earlier = [e for e in tl.events if answers(nosp, e)]  # §9: what the NOSP came after
        missing = []
        if policy.require_account_check and not any(e.type == "arrears_check" for e in earlier):
            missing.append("no account check")
        if (
            policy.require_vulnerability_assessment
            and vulnerable
            and not any(e.type in ("vulnerability_plan", "risk_assessment") for e in earlier)
        ):
            missing.append("no vulnerability / equality impact assessment")
        approved = nosp.f.get("approved_by") or any(
            e.type == "possession_approved" for e in earlier
        )
        if policy.require_approval and not approved:
            missing.append("no recorded approval")
        if missing:
            out.append(
                Finding(
                    nosp.day,
                    "POSSESSION_UNSAFEGUARDED",
                    (nosp.id,),
                    f"NOSP served {fmt(nosp.day)} with {', '.join(missing)}",
                )
            )
    return out


def pre_action_done(events: list, steps: tuple[str, ...]) -> bool:
    """Every pre-action step of the policy is ticked in some ``pre_action_checked``."""
    taken: set[str] = set()
    for e in events:
        if e.type == "pre_action_checked":
            taken.update(e.f["items"])
    return set(steps) <= taken


def possession_approvals(tl: Timeline) -> list[Deadline]:
    """A request for possession proceedings owes the approver's decision (in their inbox)."""
    out = []
    for r in tl.of_type("possession_requested"):
        policy = tl.policy_at(r)
        wd = policy.possession.approval_wd
        out.append(
            tl.deadline(
                kind="possession_approval",
                key=f"possession_approval:{r.id}",
                label="Decide on possession proceedings",
                trigger=r,
                due=policy.calendar.add_working_days(r.day, wd),
                policy=policy,
                met=_decides(r.id),
                met_types=("possession_approved", "possession_refused"),
                detail=f"Request of {fmt(r.day)} for possession proceedings needs the "
                f"{policy.possession.approver_role}'s decision within {wd} WD",
            )
        )
    return out


def _decides(request_id: str) -> Callable[[Event], bool]:
    def decides(e: Event) -> bool:
        return e.type in ("possession_approved", "possession_refused") and (
            e.f["answers"] == request_id
        )

    return decides


def arrears_reviews(tl: Timeline) -> list[Deadline]:
    """An arrears case whose balance is near the NOSP trigger is reviewed every month."""
    checks = [(c, f) for c, f in typed(tl.events, ArrearsCheckFields) if f["balance"] is not None]
    if not checks or tl.case.kind != "arrears":
        return []
    last, found = checks[-1]
    balance = found["balance"]
    assert balance is not None
    policy = tl.policy_at(last)
    rules = policy.possession
    if not rules.near_trigger(balance):
        return []
    if tl.first_after(last, lambda e: e.type == "nosp_served", ("nosp_served",)) is not None:
        return []
    due = months_before(last.day, -rules.review_months)  # a month on (the month's end if shorter)
    return [
        tl.deadline(
            kind="arrears_review",
            key=f"arrears_review:{last.id}",
            label="Monthly arrears review",
            trigger=last,
            due=due,
            policy=policy,
            met=lambda e: e.type == "arrears_check",
            met_types=("arrears_check",),
            detail=f"Arrears of £{balance:,.2f} on {fmt(last.day)} are near the NOSP "
            f"trigger (£{rules.nosp_trigger:,.2f}): review monthly",
        )
    ]
