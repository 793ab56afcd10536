"""ASB case work (DOMAIN_RULES.md §4, §8): risk assessment, action plan, plan
actions, the update schedule, partner agencies, home visits and vulnerabilities."""

from __future__ import annotations

from app.domain.deadlines.model import CLOSED, MET, OPEN, Deadline
from app.domain.deadlines.timeline import Timeline, fmt
from app.domain.events import Event
from app.domain.payloads import (
    ActionPlanAgreedFields,
    AsbReportFields,
    HomeVisitRequestFields,
    PartnerRequestFields,
    RiskAssessmentFields,
    fields_of,
    typed,
)
from app.domain.vulnerabilities import by_member, first_full_cover, plan_covers

CONTACT_WORDS = {
    "phone": "call",
    "email": "email",
    "letter": "letter",
    "visit": "visit",
    "portal": "portal message",
    "in_person": "meeting",
}


def hint_tier(tl: Timeline, report: Event) -> str:
    return tl.policy_at(report).hint_tiers[fields_of(report, AsbReportFields)["risk_hint"]]


def risk_assessments(tl: Timeline) -> list[Deadline]:
    out = []
    for r, reported in typed(tl.events, AsbReportFields):
        policy = tl.policy_at(r)
        tier = hint_tier(tl, r)
        wd = policy.tiers[tier].action_wd
        hint = reported["risk_hint"]
        out.append(
            tl.deadline(
                kind="risk_assessment",
                key=f"risk_assessment:{r.id}",
                label=f"Risk assessment ({tier} risk)",
                trigger=r,
                due=policy.calendar.add_working_days(r.day, wd),
                policy=policy,
                met=lambda e: e.type == "risk_assessment",
                met_types=("risk_assessment",),
                detail=f"{hint.capitalize()} report on {fmt(r.day)} implies {tier} risk: "
                f"assessment due in {wd} WD",
            )
        )
    return out


def action_plan(tl: Timeline, assessments: list[Deadline]) -> list[Deadline]:
    """One agreed plan per ASB case, due N WD after the first assessment or its due date, if earlier."""
    reports = tl.of_type("asb_report")
    if not reports:
        return []
    first = reports[0]
    ra = next(d for d in assessments if d.started_by == first.id)
    assessed = tl.by_id[ra.met_by] if ra.met_by else None
    base = ra.due if ra.due is not None else ra.original_due
    if assessed is not None and assessed.day < base:
        base = assessed.day
    policy = tl.policy_at(assessed or first)
    wd = policy.action_plan_wd
    return [
        tl.deadline(
            kind="action_plan",
            key=f"action_plan:{first.id}",
            label="Agree an action plan with the resident",
            trigger=first,
            due=policy.calendar.add_working_days(base, wd),
            policy=policy,
            met=lambda e: e.type == "action_plan_agreed",
            met_types=("action_plan_agreed",),
            started_on=base,
            evidence=((assessed or first).id,),
            detail=f"Action plan due {wd} WD after the risk assessment "
            f"(or the date it was due, if earlier: {fmt(base)})",
        )
    ]


def _done_earlier(tl: Timeline, plans: list[Event], i: int) -> dict[str, Event]:
    """Actions already done under the plans before ``plans[i]``: text -> the first action_done."""
    earlier = {p.id for p in plans[:i]}
    done: dict[str, Event] = {}
    for e in tl.events[: tl.index[plans[i].id]]:
        if e.type == "action_done" and e.f["plan"] in earlier:
            done.setdefault(e.f["action"], e)
    return done


def plan_actions(tl: Timeline) -> list[Deadline]:
    """Every action of an agreed plan is owed by its due date; a newer plan supersedes it.

    An action a re-agreed plan carries over after it was done under an earlier
    version is met by that earlier ``action_done``.
    """
    out = []
    plans = tl.of_type("action_plan_agreed")
    for i, plan in enumerate(plans):
        policy = tl.policy_at(plan)
        successor = plans[i + 1] if i + 1 < len(plans) else None
        done_before = _done_earlier(tl, plans, i) if i else {}
        for n, action in enumerate(fields_of(plan, ActionPlanAgreedFields)["actions"]):
            d = tl.deadline(
                kind="plan_action",
                key=f"plan_action:{plan.id}:{n}",
                label=f"Action: {action.text}",
                trigger=plan,
                due=action.due,
                policy=policy,
                met_types=("action_done",),
                met=lambda e, p=plan.id, t=action.text: (
                    e.type == "action_done" and e.f["plan"] == p and e.f["action"] == t
                ),
                met_event=done_before.get(action.text),
                detail=f"Plan action '{action.text}' (owner: {action.owner}) agreed {fmt(plan.day)}",
            )
            # Still open when the new plan came (a case closed later does not undo that).
            superseded = (
                successor is not None
                and (
                    d.status == OPEN
                    or (
                        d.status == CLOSED
                        and d.closed_on is not None
                        and d.closed_on >= successor.day
                    )
                )
                and d.due is not None
                and successor.day <= d.due
            )
            if superseded:
                d = d.with_(
                    status=CLOSED,
                    closed_on=successor.day,
                    notes=(*d.notes, f"superseded by the plan agreed {fmt(successor.day)}"),
                )
            out.append(d)
    return out


def _interval_at(tl: Timeline, moment: Event, first_report: Event) -> tuple[int, str]:
    """Update schedule in force at ``moment``: the agreed plan's, else the tier default."""
    plan: Event | None = None
    tier: str | None = None
    for e in tl.events[: tl.index[moment.id] + 1]:
        if e.type == "action_plan_agreed":
            plan = e
        elif e.type == "risk_assessment":
            tier = fields_of(e, RiskAssessmentFields)["tier"]
    policy = tl.policy_at(moment)
    if plan is not None:
        return fields_of(plan, ActionPlanAgreedFields)["update_every_wd"], "agreed"
    tier = tier or hint_tier(tl, first_report)
    return policy.tiers[tier].update_every_wd, f"{tier}-risk default"


def update_contacts(tl: Timeline) -> list[Deadline]:
    """While an ASB case is live, each contact is due within the schedule of the one before."""
    reports = tl.of_type("asb_report")
    if not reports:
        return []
    first = reports[0]
    out: list[Deadline] = []
    anchor: Event = first
    live = True
    n = 0
    for e in tl.after(first):
        if not live:
            if e.type == "asb_report":
                live, anchor = True, e
            continue
        if not (e.is_resident_contact() or e.type == "case_closed"):
            continue
        out.append(_gap(tl, first, anchor, e, n))
        n += 1
        if e.type == "case_closed":
            live = False
        else:
            anchor = e
    if live:
        out.append(_gap(tl, first, anchor, None, n))
    return out


def _gap(tl: Timeline, first: Event, anchor: Event, end: Event | None, n: int) -> Deadline:
    """The update owed after ``anchor``; breached at the first moment the schedule in force is exceeded."""
    policy = tl.policy_at(anchor)
    cal = policy.calendar
    interval, why = _interval_at(tl, anchor, first)
    due = cal.add_working_days(anchor.day, interval)
    # A plan or re-assessment during the gap changes the schedule from then on.
    for e in tl.after(anchor):
        if end is not None and not tl.before(e, end):
            break
        if e.day > due:
            break  # already missed under the schedule then in force
        if e.type in ("action_plan_agreed", "risk_assessment"):
            interval, why = _interval_at(tl, e, first)
            # §9: the gap running is due at the earlier of the old due date and that day plus
            # the new interval (a longer schedule never extends a gap already running).
            due = min(due, cal.add_working_days(e.day, interval))
    what = CONTACT_WORDS.get(anchor.f.get("channel")) if anchor.type == "contact" else None
    what = what or ("report" if anchor.type == "asb_report" else anchor.type.replace("_", " "))
    closed = end is not None and end.type == "case_closed"
    status = OPEN if end is None else (CLOSED if closed else MET)
    return Deadline(
        key=f"update_contact:{anchor.id}",
        kind="update_contact",
        label="Update the resident",
        started_by=anchor.id,
        started_on=anchor.day,
        due=due,
        policy=policy.ref,
        status=status,
        met_by=end.id if end is not None and not closed else None,
        met_on=end.day if end is not None and not closed else None,
        closed_on=end.day if closed else None,
        original_due=due,
        evidence=((end or anchor).id,),
        detail=f"Updates every {interval} WD ({why}): after the {what} of {fmt(anchor.day)} "
        f"the next contact was due by {fmt(due)}",
    )


def partner_chases(tl: Timeline) -> list[Deadline]:
    out = []
    for r, asked in typed(tl.events, PartnerRequestFields):
        policy = tl.policy_at(r)
        agency = asked["agency"].strip().lower()
        wd = policy.partner_chase_wd
        out.append(
            tl.deadline(
                kind="partner_chase",
                key=f"partner_chase:{r.id}",
                label=f"Chase {asked['agency']}",
                trigger=r,
                due=policy.calendar.add_working_days(r.day, wd),
                policy=policy,
                met_types=("partner_reply", "partner_request"),
                met=lambda e, rid=r.id, a=agency: (
                    (e.type == "partner_reply" and e.f["answers"] == rid)
                    or (e.type == "partner_request" and e.f["agency"].strip().lower() == a)
                ),
                detail=f"Request to {asked['agency']} of {fmt(r.day)} ('{asked['ask']}') needs an answer "
                f"or a chase within {wd} WD",
            )
        )
    return out


def home_visits(tl: Timeline) -> list[Deadline]:
    out = []
    for r, requested in typed(tl.events, HomeVisitRequestFields):
        policy = tl.policy_at(r)
        urgent = requested["reason"] in policy.visit_urgent_reasons
        wd = policy.visit_urgent_wd if urgent else policy.visit_default_wd
        reason = requested["reason"].replace("_", " ")
        out.append(
            tl.deadline(
                kind="home_visit",
                key=f"home_visit:{r.id}",
                label="Home visit",
                trigger=r,
                due=policy.calendar.add_working_days(r.day, wd),
                policy=policy,
                met=lambda e: e.type == "home_visit",
                met_types=("home_visit",),
                detail=f"Visit requested on {fmt(r.day)} ({reason}), due within {wd} WD",
            )
        )
    for ra, assessed in typed(tl.events, RiskAssessmentFields):
        policy = tl.policy_at(ra)
        if not policy.high_risk_visit or assessed["tier"] != "high":
            continue
        wd = policy.high_risk_visit_wd
        out.append(
            tl.deadline(
                kind="home_visit",
                key=f"home_visit:{ra.id}",
                label="Home visit (high risk)",
                trigger=ra,
                due=policy.calendar.add_working_days(ra.day, wd),
                policy=policy,
                met=lambda e: e.type == "home_visit",
                met_types=("home_visit",),
                detail=f"High-risk assessment of {fmt(ra.day)}: visit within {wd} WD",
            )
        )
    return out


def vulnerability_plan(tl: Timeline) -> list[Deadline]:
    """Adjustments owed for every listed vulnerability of every household member.

    A plan naming a member or vulnerability covers only those; one naming neither
    covers the whole household. Met by the plan that completes the cover.
    """
    vulns = tl.case.resident.vulnerabilities or ()
    if not vulns:
        return []
    policy = tl.policy_at(None)
    wd = policy.vulnerability_plan_wd
    opened = tl.case.opened
    members = by_member(vulns)
    listed = [item for items in members.values() for item in items]
    plans = tl.of_type("vulnerability_plan")
    what = "; ".join(
        f"{member}: {', '.join(i.vulnerability for i in items)}"
        for member, items in members.items()
    )
    missing = [i for i in listed if not any(plan_covers(p.f, i) for p in plans)]
    gaps = (
        f"; no adjustments yet for {', '.join(f'{i.vulnerability} ({i.member})' for i in missing)}"
        if missing and len(missing) < len(listed)
        else ""
    )
    return [
        tl.deadline(
            kind="vulnerability_plan",
            key="vulnerability_plan",
            label="Record adjustments for vulnerabilities",
            trigger=None,
            due=policy.calendar.add_working_days(opened, wd),
            policy=policy,
            met_event=first_full_cover(plans, listed),
            evidence=(),
            detail=f"Vulnerabilities recorded ({what}): adjustments and a contact plan "
            f"due within {wd} WD of opening ({fmt(opened)}){gaps}",
        )
    ]
