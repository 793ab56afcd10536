"""ASB case histories: report, acknowledgement, risk assessment, vulnerability plan,
action plan, then episodes (updates, incidents, partners, visits, repairs, a complaint)
at the agreed update interval, ending in the state the scenario asks for (see ``story``)."""

from __future__ import annotations

import datetime as dt

from app.demo import texts as T
from app.demo.residents import VULNERABILITIES
from app.demo.story import (
    HINT_TIER,
    TIER_WD,
    Story,
    bridge,
    compensation,
    response_summary,
    run_loop,
)
from app.domain.events import RESIDENT


def ep_update(s: Story, d: dt.date, lim: dt.date) -> dt.date:
    channel, text = s.rng.choice(T.ASB_UPDATES)
    s.contact(d, "out", channel, s.fill(text))
    return d


def ep_email_update(s: Story, d: dt.date, lim: dt.date) -> dt.date:
    s.contact(
        d, "out", "email", "Emailed update on the case; officer out on visits most of the week"
    )
    return d


def ep_incident(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    rng = s.rng
    channel, text = rng.choice(T.INCIDENTS_IN)
    delay = rng.randint(0, 2)
    rd = s.wd(d, delay)
    if rd > lim:
        return None
    callback = channel == "phone" and rng.random() < 0.6
    minute = s.early() if delay == 0 else None
    inbound = s.contact(d, "in", channel, text, minute=minute, callback_requested=callback)
    if callback:
        s.contact(
            rd, "out", "phone", rng.choice(T.CALLBACK_RETURNS), after=inbound, answers=inbound
        )
    else:
        out_channel, reply = rng.choice(
            [r for r in T.REPLIES if channel != "phone" or r[0] == "phone"]
        )
        s.contact(rd, "out", out_channel, reply, after=inbound, answers=inbound)
    return rd


def ep_partner(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    rng = s.rng
    agency, ask, answer = rng.choice(T.PARTNERS)
    chase = rng.random() < 0.25
    chase_day = s.wd(d, 8)
    reply_day = s.wd(chase_day, rng.randint(1, 2)) if chase else s.wd(d, rng.randint(2, 7))
    update_day = s.wd(reply_day, rng.randint(0, 1))
    if update_day > lim:
        return None
    ask = s.fill(ask)
    request = s.add(d, "partner_request", f"Referral to {agency}", agency=agency, ask=ask)
    s.contact(d, "out", "phone", f"Told resident about the referral ({agency})", after=request)
    if chase:
        request = s.add(
            chase_day,
            "partner_request",
            f"Chased {agency}: no answer yet",
            agency=agency,
            ask=f"Chasing: {ask}",
        )
        s.contact(
            chase_day,
            "out",
            "email",
            f"Update: no answer yet ({agency}); chased today",
            after=request,
        )
    reply = s.add(reply_day, "partner_reply", answer, agency=agency, answers=request)
    s.contact(
        update_day,
        "out",
        rng.choice(["phone", "email"]),
        f"Update from {agency}: {answer}",
        after=reply,
    )
    return update_day


def ep_visit(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    reason, text = s.rng.choice(T.VISIT_REQUESTS)
    vd = s.wd(d, 1 if reason != "other" else s.rng.randint(1, 4))
    if vd > lim:
        return None
    s.add(d, "home_visit_request", text, reason=reason)
    by = s.officer if s.rng.random() < 0.8 else s.colleague()
    s.add(vd, "home_visit", s.rng.choice(T.HOME_VISITS), by=by)
    return vd


def ep_repair(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    rng = s.rng
    job, priority, days = rng.choice(T.ASB_REPAIRS)
    if job in s.used:
        return None
    done = s.wd(
        d,
        {"emergency": rng.randint(0, 1), "urgent": rng.randint(1, 4)}.get(
            priority, rng.randint(3, 8)
        ),
    )
    check = s.wd(done, rng.randint(0, 1))
    if check > lim:
        return None
    s.used.add(job)
    raised = s.add(
        d,
        "repair_raised",
        f"Raised {priority} repair: {job.lower()}",
        job=job,
        priority=priority,
        target=s.wd(d, days),
    )
    told = s.contact(d, "out", "phone", f"Told resident: {job.lower()} ordered", after=raised)
    finished = s.add(
        done, "repair_done", f"Contractor completed: {job.lower()}", after=told, job=job
    )
    s.contact(check, "out", "phone", "Checked with resident that the work is done", after=finished)
    return check


def ep_complaint(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    """Dissatisfaction -> complaint offered -> (if accepted) a stage 1 complaint, handled by a colleague."""
    rng = s.rng
    if "complaint" in s.used:
        return None
    channel, text = rng.choice(T.DISSATISFIED)
    offered_day = s.wd(d, rng.randint(0, 1))
    accepted = rng.random() < 0.6
    ack_day = s.wd(offered_day, rng.randint(1, 2))
    response_day = s.wd(ack_day, rng.randint(4, 8))
    if (response_day if accepted else offered_day) > lim:
        return None
    s.used.add("complaint")
    unhappy = s.contact(d, "in", channel, text, minute=s.early(), dissatisfaction=True)
    offer = s.add(
        offered_day,
        "complaint_offered",
        "Offered a formal complaint; resident " + ("accepted" if accepted else "declined"),
        after=unhappy,
        accepted=accepted,
    )
    if not accepted:
        s.contact(
            offered_day, "out", "phone", "Apologised and agreed what happens next", after=offer
        )
        return offered_day
    handler = s.colleague()
    about = {"about_officer": s.officer} if rng.random() < 0.5 else {}
    received = s.add(
        offered_day,
        "complaint_received",
        "Complaint about how the ASB reports were handled",
        after=offer,
        channel=channel,
        **about,
        stage=1,
        points=list(T.ASB_COMPLAINT_POINTS),
    )
    s.add(
        ack_day,
        "complaint_ack",
        "Stage 1 acknowledgement letter sent",
        stage=1,
        by=handler,
        complaint=received,
    )
    comp = compensation(rng)
    s.add(
        response_day,
        "complaint_response",
        response_summary(1, comp),
        stage=1,
        by=handler,
        **({"compensation": comp} if comp else {}),
        complaint=received,
    )
    return response_day


ASB_VARIANTS = {
    "ontime": ["running"] * 5 + ["new"],
    "at_risk": ["contact", "callback", "reply", "action", "visit", "partner", "ra", "plan"],
    "breach": [
        "gap",
        "callback",
        "reply",
        "ra_late",
        "action",
        "dissat",
        "visit",
        "partner",
        "vuln",
    ],
    "closed": ["closed"],
}


def asb(s: Story) -> str:
    rng = s.rng
    scenario = s.scenario
    variant = s.pick(ASB_VARIANTS[scenario])
    if variant == "vuln" and not s.vulnerable:
        s.resident["vulnerabilities"].append(rng.choice(VULNERABILITIES))
        s.vulnerable = True
    hint, hate, text = rng.choice(
        [r for r in T.ASB_REPORTS if variant != "ra" or r[0] in ("nuisance", "none")]
    )
    if variant in ("new", "ra", "plan", "ra_late"):
        _asb_new(s, variant, hint, hate, text)
        return variant
    tier = HINT_TIER[hint] if rng.random() < 0.75 else rng.choice(["high", "medium", "low"])
    s.interval = interval = {
        "high": 10,
        "medium": rng.choice((10, 15)),
        "low": rng.choice((15, 20)),
    }[tier]
    at_risk = scenario == "at_risk"
    due = s.due()
    visit_reason, visit_text = rng.choice(
        [v for v in T.VISIT_REQUESTS if not at_risk or v[0] == "other"]
    )
    d = None  # the day of the deliberate trigger
    if variant in ("running", "action", "partner", "vuln", "closed"):
        last = s.back(rng.randint(1, 3 if s.closing else interval - 3))
    elif variant == "contact":
        last = s.wd(due, -interval)
    elif variant == "gap":
        last = s.wd(s.back(rng.randint(1, 12)), -interval)
    else:  # callback, reply, dissat, visit: the trigger comes the day after the last contact
        d = s.wd(due, -(1 if variant == "visit" and visit_reason != "other" else 5))
        last = s.wd(d, -1)
    partner_day = s.wd(s.due(overdue=(1, 10)), -10)
    latest = min(last, partner_day) if variant == "partner" else last
    opened = s.opened_by(s.wd(latest, -7))

    report = s.add(
        opened,
        "asb_report",
        s.fill(text),
        minute=s.early(),
        channel=rng.choice(["phone", "phone", "email", "portal", "in_person"]),
        by=RESIDENT,
        risk_hint=hint,
        hate_incident=hate,
    )
    channel, ack_text = rng.choice(T.ASB_ACKS)
    ack = s.contact(opened, "out", channel, ack_text, after=report, answers=report)
    ra_day = s.wd(opened, rng.randint(0, 1))
    s.add(
        ra_day,
        "risk_assessment",
        f"Risk assessment with resident: {tier} risk",
        after=ack,
        tier=tier,
        by=s.officer,
    )
    if variant != "vuln":
        s.vuln_plan(s.wd(opened, rng.randint(0, 2)), after=ack)
    plan_day = s.wd(ra_day, rng.randint(1, 2))
    owners = {"officer": s.officer, "resident": RESIDENT}
    actions, done_days = [], []
    for action, who in rng.sample(T.PLAN_ACTIONS, rng.randint(2, 4)):
        action_due = s.wd(plan_day, rng.randint(4, 30))
        actions.append(
            {"text": action, "owner": owners.get(who) or s.colleague(), "due": action_due}
        )
        done_days.append(max(s.wd(action_due, -rng.randint(0, 3)), s.wd(plan_day, 1)))
    plan = s.add(
        plan_day,
        "action_plan_agreed",
        "Action plan agreed with the resident",
        actions=actions,
        update_every_wd=interval,
    )
    s.contact(
        plan_day,
        "out",
        rng.choice(["email", "letter"]),
        "Action plan confirmed in writing",
        after=plan,
    )

    episodes = [
        (35, ep_update),
        (25, ep_incident),
        (0 if variant == "partner" else 10, ep_partner),
        (8, ep_visit),
        (10, ep_repair),
        (5, ep_complaint),
    ]
    t = run_loop(s, plan_day, last, episodes, (2, interval - 5))
    bridge(s, t, last, interval - 3, ep_update)

    yesterday = s.back(1)
    soon = s.back(rng.randint(1, 3))
    if variant == "callback":
        s.contact(d, "in", "phone", rng.choice(T.CALLBACK_ASKS), callback_requested=True)
        if not at_risk:  # emails only: the call is never returned
            bridge(s, last, soon, interval - 3, ep_email_update)
        elif s.wd(d, 1) <= yesterday and rng.random() < 0.5:
            s.contact(
                s.wd(d, 1), "out", "email", "Emailed: officer out on visits, will ring this week"
            )
    elif variant == "reply":
        s.contact(
            d, "in", "email", "Resident emailed asking what is happening with the warning letter"
        )
    elif variant == "visit":
        s.add(d, "home_visit_request", visit_text, reason=visit_reason)
        if not at_risk:
            bridge(s, last, soon, interval - 3, ep_update)
        elif s.wd(d, 1) <= yesterday:
            s.contact(s.wd(d, 1), "out", "phone", "Called to arrange the home visit")
    elif variant == "dissat":
        channel, text = rng.choice(T.DISSATISFIED)
        unhappy = s.contact(d, "in", channel, text, dissatisfaction=True)
        s.contact(
            s.wd(d, 1),
            "out",
            channel,
            "Replied: went through what has been done so far",
            answers=unhappy,
        )
        bridge(s, s.wd(d, 1), soon, interval - 3, ep_update)
    elif variant == "partner":
        agency, ask, _ = rng.choice(T.PARTNERS)
        s.add(
            partner_day, "partner_request", f"Referral to {agency}", agency=agency, ask=s.fill(ask)
        )
    elif variant == "running":
        if rng.random() < 0.3:
            agency, ask, _ = rng.choice(T.PARTNERS)
            s.add(
                s.back(rng.randint(1, 7)),
                "partner_request",
                f"Referral to {agency}",
                agency=agency,
                ask=s.fill(ask),
            )
        if rng.random() < 0.15:
            s.contact(
                s.today,
                "in",
                "email",
                "Resident emailed overnight: more noise after midnight",
                minute=5 * rng.randint(90, 107),
            )

    # Plan actions: done before today, else still to do with 3+ working days to go.
    span = max(1, s.cal.working_days_between(plan_day, yesterday))
    for n, action in enumerate(actions):
        if s.closing and done_days[n] > yesterday:
            done_days[n] = s.wd(plan_day, rng.randint(1, span))
        if done_days[n] > yesterday:
            done_days[n] = None
            if action["due"] < s.due_in(3):
                action["due"] = s.due_in(rng.randint(3, 12))
    if variant == "action":
        n = rng.randrange(len(actions))
        done_days[n] = None
        actions[n]["due"] = max(s.due(), s.wd(plan_day, 1))
    for action, done in zip(actions, done_days, strict=True):
        if done is not None:
            s.add(
                done,
                "action_done",
                f"Done: {action['text'].lower()}",
                plan=plan,
                action=action["text"],
            )
    return variant


def _asb_new(s: Story, variant: str, hint: str, hate: bool, text: str) -> None:
    """A report from the last few days: assessment or plan still to come (or overdue)."""
    rng = s.rng
    tier = HINT_TIER[hint]
    days = TIER_WD[tier]
    if variant == "new":
        opened = s.back(rng.randint(1, 2))
    elif variant == "plan":
        opened = s.wd(s.due(), -5)
    else:  # ra (at risk) or ra_late (breach)
        opened = s.wd(s.due(overdue=(6, 10)), -days)
    report = s.add(
        opened,
        "asb_report",
        s.fill(text),
        minute=s.early(),
        channel=rng.choice(["phone", "email", "portal"]),
        by=RESIDENT,
        risk_hint=hint,
        hate_incident=hate,
    )
    channel, ack_text = rng.choice(T.ASB_ACKS)
    ack = s.contact(opened, "out", channel, ack_text, after=report, answers=report)
    s.vuln_plan(opened, after=ack)
    if variant in ("new", "plan"):
        s.add(
            opened,
            "risk_assessment",
            f"Risk assessment with resident: {tier} risk",
            after=ack,
            tier=tier,
            by=s.officer,
        )
