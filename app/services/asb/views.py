"""Frozen views of an ASB case for the UI: reports, tier history, vulnerabilities,
plan versions, partner requests with their answers, visits, repairs and closure.

Everything here is derived from the case's events and the deadlines the engine
stored with them; nothing is kept anywhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from app.domain.action_plan import default_update_wd, owner_kind
from app.domain.asb_risk import RiskRules
from app.domain.calendar import london_date
from app.domain.deadlines.timeline import fmt
from app.domain.events import VISIT_REASONS, Event, build_event
from app.domain.payloads import (
    ActionPlanAgreedFields,
    AsbReportFields,
    CaseClosedFields,
    HomeVisitFields,
    HomeVisitRequestFields,
    PartnerReplyFields,
    PartnerRequestFields,
    RepairRaisedFields,
    RiskAssessmentFields,
    VulnerabilityPlanFields,
    fields_of,
    typed,
)
from app.domain.policy import Policy
from app.domain.vulnerabilities import by_member, plan_covers
from app.services.views import CaseDetail, DeadlineView

OPEN_STATUSES = ("open", "overdue", "on_hold")  # not done, still owed


@dataclass(frozen=True)
class ReportView:
    id: str
    on: dt.date
    incident_type: str | None
    risk_hint: str
    hint_tier: str
    hate_incident: bool
    reporter: str
    channel: str
    perpetrator: str | None
    police_ref: str | None
    summary: str
    assessment_due: dt.date | None
    assessed_on: dt.date | None
    assessment_late: bool


@dataclass(frozen=True)
class AnswerView:
    key: str
    question: str
    answer: bool | None


@dataclass(frozen=True)
class TierEntry:
    id: str
    on: dt.date
    tier: str
    score: int | None
    reasons: str
    by: str | None
    answers: tuple[AnswerView, ...]


@dataclass(frozen=True)
class AdjustmentView:
    id: str
    on: dt.date
    member: str | None
    vulnerability: str | None
    adjustments: str
    preferred_channel: str | None
    contact_times: str | None
    interpreter: str | None
    communication: str | None


@dataclass(frozen=True)
class VulnerabilityView:
    text: str
    member: str
    vulnerability: str
    adjustments: tuple[AdjustmentView, ...]

    @property
    def assessed(self) -> bool:
        return bool(self.adjustments)


@dataclass(frozen=True)
class PlanActionView:
    number: int
    text: str
    owner: str
    owner_kind: str | None
    owner_label: str
    due: dt.date
    status: str  # open, done, overdue, superseded, closed
    done_on: dt.date | None
    notes: str


@dataclass(frozen=True)
class PlanVersion:
    id: str
    number: int
    on: dt.date
    agreed_on: dt.date
    update_every_wd: int
    supersedes: str | None
    letter: str | None  # the written confirmation (made by the letters feature)
    recorded_by: str
    actions: tuple[PlanActionView, ...]

    @property
    def open_actions(self) -> tuple[PlanActionView, ...]:
        return tuple(a for a in self.actions if a.status in OPEN_STATUSES)


@dataclass(frozen=True)
class ReplyView:
    id: str
    on: dt.date
    summary: str


@dataclass(frozen=True)
class PartnerView:
    id: str
    on: dt.date
    agency: str
    ask: str
    contact: str | None
    chase_due: dt.date | None
    status: str  # answered, chased, awaiting, overdue, closed
    replies: tuple[ReplyView, ...]
    chased_by: str | None  # the later request to the same agency that chased this one


@dataclass(frozen=True)
class VisitRequestView:
    id: str
    on: dt.date
    reason: str
    due: dt.date | None
    visited_on: dt.date | None
    status: str  # open, done, late, closed


@dataclass(frozen=True)
class HomeVisitView:
    id: str
    on: dt.date
    by: str | None
    notes: str
    offline: bool
    recorded_on: dt.date


@dataclass(frozen=True)
class RepairView:
    id: str
    job: str
    priority: str
    raised: dt.date
    target: dt.date
    done_on: dt.date | None
    status: str  # open, done, overdue
    late: bool


@dataclass(frozen=True)
class ClosureView:
    id: str
    on: dt.date
    outcome: str
    satisfaction: int | None
    open_actions_reason: str | None


@dataclass(frozen=True)
class OwnerChoice:
    value: str
    label: str
    kind: str


@dataclass(frozen=True)
class CaseReviewStatus:
    qualifies: bool
    text: str
    reports: tuple[tuple[str, dt.date], ...]  # (case ref, report date) in the window
    officer: str
    managers: tuple[str, ...]


@dataclass(frozen=True)
class AsbView:
    ref: str
    version: int
    status: str
    tier: str | None  # assessed tier, else the report's hint tier
    assessed: bool
    action_wd: int | None
    update_default_wd: int
    reports: tuple[ReportView, ...]
    tiers: tuple[TierEntry, ...]
    vulnerabilities: tuple[VulnerabilityView, ...]
    plans: tuple[PlanVersion, ...]
    partners: tuple[PartnerView, ...]
    visit_requests: tuple[VisitRequestView, ...]
    visits: tuple[HomeVisitView, ...]
    repairs: tuple[RepairView, ...]
    closures: tuple[ClosureView, ...]
    review: CaseReviewStatus
    owners: tuple[OwnerChoice, ...]
    risk_rules: RiskRules
    tier_action_wd: dict[str, int]  # policy: action within N WD of a report, per tier
    tier_update_wd: dict[str, int]  # policy: default update schedule per tier
    repair_priorities: dict[str, int]  # policy: priority -> target in WD
    visit_wd: dict[str, int]  # policy: visit request reason -> WD

    @property
    def plan_version(self) -> int:
        """How many plan versions were agreed (0: none yet): the editor's expected version."""
        return len(self.plans)

    @property
    def current_plan(self) -> PlanVersion | None:
        return self.plans[-1] if self.plans else None

    @property
    def report_day(self) -> dt.date | None:
        return self.reports[0].on if self.reports else None


# -- building -----------------------------------------------------------------------------


def domain_events(case: CaseDetail) -> list[Event]:
    """The case's events in the order they happened (``CaseDetail.events`` is newest first)."""
    return [
        build_event({"id": e.id, "at": e.at.isoformat(), "type": e.type, **e.fields}, seq=i)
        for i, e in enumerate(reversed(case.events))
    ]


def _status(d: DeadlineView | None) -> str:
    """open, overdue, done, done late, on_hold, closed, or missed (closed after its due date)."""
    if d is None:
        return "open"
    if d.status == "met":
        return "done late" if d.breached else "done"
    if d.status in ("open", "closed") and d.breached:
        return "overdue" if d.status == "open" else "missed"
    return d.status


def build_view(
    case: CaseDetail,
    policy: Policy,
    review: CaseReviewStatus,
    officers: dict[str, str],
    agencies: tuple[str, ...],
) -> AsbView:
    events = domain_events(case)
    recorded = {e.id: e for e in case.events}
    dl = {d.key: d for d in case.deadlines}
    of = _by_type(events)
    reports = tuple(_report(r, policy, dl.get(f"risk_assessment:{r.id}")) for r in of("asb_report"))
    tiers = tuple(_tier(e, policy.risk) for e in of("risk_assessment"))
    tier = tiers[-1].tier if tiers else (reports[0].hint_tier if reports else None)
    plans = _plans(of("action_plan_agreed"), of("action_done"), dl, recorded, officers, agencies)
    return AsbView(
        ref=case.ref,
        version=case.version,
        status=case.status,
        tier=tier,
        assessed=bool(tiers),
        action_wd=policy.tiers[tier].action_wd if tier else None,
        update_default_wd=default_update_wd(policy, tier),
        reports=reports,
        tiers=tiers,
        vulnerabilities=_vulnerabilities(case.vulnerabilities, of("vulnerability_plan")),
        plans=plans,
        partners=_partners(of("partner_request"), of("partner_reply"), dl),
        visit_requests=tuple(
            _visit_request(r, dl.get(f"home_visit:{r.id}")) for r in of("home_visit_request")
        ),
        visits=tuple(_visit(v, recorded[v.id].recorded_at) for v in of("home_visit")),
        repairs=tuple(_repair(r, dl.get(f"repair:{r.id}")) for r in of("repair_raised")),
        closures=tuple(
            ClosureView(c.id, c.day, f["outcome"], f["satisfaction"], f["open_actions_reason"])
            for c, f in typed(events, CaseClosedFields)
        ),
        review=review,
        owners=owner_choices(officers, agencies),
        risk_rules=policy.risk,
        tier_action_wd={t: rule.action_wd for t, rule in policy.tiers.items()},
        tier_update_wd={t: rule.update_every_wd for t, rule in policy.tiers.items()},
        repair_priorities=dict(policy.repair_priorities),
        visit_wd={
            reason: policy.visit_urgent_wd
            if reason in policy.visit_urgent_reasons
            else policy.visit_default_wd
            for reason in VISIT_REASONS
        },
    )


def _by_type(events: list[Event]):
    def of(etype: str) -> list[Event]:
        return [e for e in events if e.type == etype]

    return of


def _report(r: Event, policy: Policy, d: DeadlineView | None) -> ReportView:
    f = fields_of(r, AsbReportFields)
    reporter = f["reporter"] or ("resident" if f["by"] == "resident" else f["by"])
    return ReportView(
        id=r.id,
        on=r.day,
        incident_type=f["incident_type"],
        risk_hint=f["risk_hint"],
        hint_tier=policy.hint_tiers[f["risk_hint"]],
        hate_incident=bool(f["hate_incident"]),
        reporter=reporter,
        channel=f["channel"],
        perpetrator=f["perpetrator"],
        police_ref=f["police_ref"],
        summary=r.summary,
        assessment_due=d.due if d else None,
        assessed_on=d.met_on if d else None,
        assessment_late=bool(d and d.breached),
    )


def _tier(e: Event, rules: RiskRules) -> TierEntry:
    f = fields_of(e, RiskAssessmentFields)
    given: dict[str, Any] = dict(f["answers"] or {})
    answers = tuple(AnswerView(q.key, q.text, given.get(q.key)) for q in rules.questions)
    extra = tuple(
        AnswerView(k, k.replace("_", " "), v) for k, v in given.items() if rules.question(k) is None
    )
    return TierEntry(
        id=e.id,
        on=e.day,
        tier=f["tier"],
        score=f["score"],
        reasons=f["reasons"] or e.summary,
        by=f["by"],
        answers=answers + extra,
    )


def _vulnerabilities(listed: tuple[str, ...], plans: list[Event]) -> tuple[VulnerabilityView, ...]:
    out = []
    for items in by_member(listed).values():
        for item in items:
            adj = tuple(_adjustment(p) for p in plans if plan_covers(p.f, item))
            out.append(VulnerabilityView(item.text, item.member, item.vulnerability, adj))
    return tuple(out)


def _adjustment(p: Event) -> AdjustmentView:
    f = fields_of(p, VulnerabilityPlanFields)
    return AdjustmentView(
        id=p.id,
        on=p.day,
        member=f["member"],
        vulnerability=f["vulnerability"],
        adjustments=f["adjustments"],
        preferred_channel=f["preferred_channel"],
        contact_times=f["contact_times"],
        interpreter=f["interpreter"],
        communication=f["communication"],
    )


def _plans(plans, dones, dl, recorded, officers, agencies) -> tuple[PlanVersion, ...]:
    out = []
    for number, plan in enumerate(plans, start=1):
        f = fields_of(plan, ActionPlanAgreedFields)
        actions = []
        for n, action in enumerate(f["actions"]):
            d = dl.get(f"plan_action:{plan.id}:{n}")
            raw = plan.data["actions"][n]
            actions.append(
                PlanActionView(
                    number=n + 1,
                    text=action.text,
                    owner=action.owner,
                    owner_kind=owner_kind(action.owner, officers, agencies),
                    owner_label=_owner_label(action.owner, officers, agencies),
                    due=action.due,
                    status=_status(d),
                    done_on=d.met_on if d is not None else None,
                    notes=str(raw.get("notes") or ""),
                )
            )
        if number < len(plans):  # a later version replaced the actions still open
            actions = [a if a.done_on else replace(a, status="superseded") for a in actions]
        out.append(
            PlanVersion(
                id=plan.id,
                number=number,
                on=plan.day,
                agreed_on=f["agreed_on"] or plan.day,
                update_every_wd=f["update_every_wd"],
                supersedes=f["supersedes"],
                letter=f["letter"],
                recorded_by=recorded[plan.id].recorded_by,
                actions=tuple(actions),
            )
        )
    return tuple(out)


def _partners(requests: list[Event], replies: list[Event], dl) -> tuple[PartnerView, ...]:
    out = []
    for i, r in enumerate(requests):
        f = fields_of(r, PartnerRequestFields)
        agency = f["agency"].strip().casefold()
        chase = next(
            (
                x
                for x, later in typed(requests[i + 1 :], PartnerRequestFields)
                if later["agency"].strip().casefold() == agency
            ),
            None,
        )
        answers = tuple(
            ReplyView(p.id, p.day, p.summary)
            for p, reply in typed(replies, PartnerReplyFields)
            if reply["answers"] == r.id
        )
        d = dl.get(f"partner_chase:{r.id}")
        if answers:
            status = "answered"
        elif d is not None and d.status == "met" and d.met_by == (chase.id if chase else None):
            status = "chased" if not d.breached else "chased late"
        else:
            status = _status(d)
            status = "awaiting" if status == "open" else status
        out.append(
            PartnerView(
                id=r.id,
                on=r.day,
                agency=f["agency"],
                ask=f["ask"],
                contact=f["contact"],
                chase_due=d.due if d else None,
                status=status,
                replies=answers,
                chased_by=chase.id if chase else None,
            )
        )
    return tuple(out)


def _visit_request(r: Event, d: DeadlineView | None) -> VisitRequestView:
    return VisitRequestView(
        id=r.id,
        on=r.day,
        reason=fields_of(r, HomeVisitRequestFields)["reason"],
        due=d.due if d else None,
        visited_on=d.met_on if d else None,
        status=_status(d),
    )


def _visit(v: Event, recorded_at: dt.datetime) -> HomeVisitView:
    f = fields_of(v, HomeVisitFields)
    return HomeVisitView(
        id=v.id,
        on=v.day,
        by=f["by"],
        notes=f["notes"] or v.summary,
        offline=bool(f["offline"]),
        recorded_on=london_date(recorded_at),
    )


def _repair(r: Event, d: DeadlineView | None) -> RepairView:
    status = _status(d)
    f = fields_of(r, RepairRaisedFields)
    return RepairView(
        id=r.id,
        job=f["job"],
        priority=f["priority"],
        raised=r.day,
        target=f["target"],
        done_on=d.met_on if d else None,
        status=status,
        late=bool(d and d.breached),
    )


def _owner_label(owner: str, officers: dict[str, str], agencies: tuple[str, ...]) -> str:
    kind = owner_kind(owner, officers, agencies)
    if kind == "officer":
        return f"{officers[owner.strip()] or owner} (officer)"
    if kind == "resident":
        return "The resident"
    if kind is None:
        return f"{owner} (unknown)"
    return owner[:1].upper() + owner[1:] if kind == "police" else f"{owner} (agency)"


def owner_choices(officers: dict[str, str], agencies: tuple[str, ...]) -> tuple[OwnerChoice, ...]:
    """Who may own a plan action: officers, the resident, the police and known agencies."""
    out = [OwnerChoice(u, f"{name or u} (officer)", "officer") for u, name in officers.items()]
    out.append(OwnerChoice("resident", "The resident", "resident"))
    out.append(OwnerChoice("police", "Police", "police"))
    out += [OwnerChoice(a, f"{a} (agency)", "agency") for a in agencies if a.casefold() != "police"]
    return tuple(out)


def tier_summary(view: AsbView) -> str:
    """'High risk (assessed 2 Nov 2023): action within 1 WD of a report; updates every 10 WD.'"""
    if view.tier is None:
        return "No ASB report recorded yet."
    how = (
        f"assessed {fmt(view.tiers[-1].on)}" if view.tiers else "not assessed yet: from the report"
    )
    plan = view.current_plan
    every = plan.update_every_wd if plan else view.update_default_wd
    source = "agreed" if plan else "default"
    return (
        f"{view.tier.capitalize()} risk ({how}): action within {view.action_wd} WD of a report; "
        f"updates every {every} WD ({source})."
    )
