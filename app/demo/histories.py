"""Complaint, general-request, repair and rent-arrears case histories, each built to
land in the state its scenario asks for on ``today`` (see ``story``; ASB is in ``asb``)."""

from __future__ import annotations

import datetime as dt

from app.demo import texts as T
from app.demo.residents import MANAGER, USERNAMES
from app.demo.story import (
    DECISION_WD,
    Story,
    compensation,
    response_summary,
    run_loop,
)

CMP_STATES = {
    "ontime": [
        "await_ack1",
        "await_resp1",
        "extended",
        "responded1",
        "await_ack2",
        "await_resp2",
        "refused",
        "responded2",
    ],
    "at_risk": ["await_ack1", "await_resp1", "extended", "await_ack2", "await_resp2"],
    "breach": [
        "no_ack",
        "resp_late",
        "esc_ignored",
        "conflict_about",
        "conflict_stage2",
        "ext_too_long",
        "late_ack",
    ],
    "closed": ["responded1", "responded1", "refused", "responded2"],
}
STEPS_DONE = {
    "await_ack1": 1,
    "no_ack": 1,
    "await_resp1": 2,
    "resp_late": 2,
    "extended": 2,
    "responded1": 3,
    "conflict_about": 3,
    "ext_too_long": 3,
    "late_ack": 3,
    "await_ack2": 4,
    "esc_ignored": 4,
    "refused": 5,
    "await_resp2": 5,
    "responded2": 6,
    "conflict_stage2": 6,
}


def complaint(s: Story) -> str:
    """received -> ack -> [extension] -> response -> escalation -> ack or refusal -> response."""
    rng = s.rng
    state = s.pick(CMP_STATES[s.scenario])
    done = STEPS_DONE[state]
    m = rng.randint(12, 15) if state == "ext_too_long" else rng.randint(3, 10)
    ext = state in ("extended", "ext_too_long") or (
        done >= 3 and state != "late_ack" and rng.random() < 0.2
    )
    gaps = [
        0,
        rng.randint(6, 8) if state == "late_ack" else rng.randint(1, 3),
        rng.randint(2, 5) if state == "late_ack" else rng.randint(4, 9),
        rng.randint(3, 25),
        rng.randint(1, 4),
        rng.randint(8, 18),
    ]
    if ext:
        gaps[2] = 10 + m - rng.randint(0, min(m - 1, 3))
    # The day of the last step done, placed so the next deadline falls where the scenario wants.
    due1 = new_due = None
    if done == 1:  # ack due 5 WD after receipt
        anchor = s.wd(s.due((3, 4), (1, 10)), -5)
    elif state == "extended":  # response due on the extended date
        new_due = s.due((3, 8))
        due1 = s.wd(new_due, -m)
        anchor = s.wd(due1, -10)
    elif done == 2:  # response due 10 WD after the ack
        anchor = s.wd(s.due((3, 9), (1, 8)), -10)
    elif done == 4:  # escalation acknowledged or refused within 5 WD
        anchor = s.wd(s.due((3, 4), (1, 12)), -5)
    elif state == "await_resp2":  # stage 2 response due 20 WD after its ack
        anchor = s.wd(s.due((3, 19)), -20)
    else:
        anchor = s.back(rng.randint(1, 15))
    days: list[dt.date] = [anchor] * done
    for i in range(done - 2, -1, -1):
        days[i] = s.wd(days[i + 1], -gaps[i + 1])

    about_flag, text = rng.choice([c for c in T.COMPLAINTS if state != "conflict_about" or c[0]])
    handler = s.officer
    about = None
    if about_flag:
        about = (
            handler
            if state == "conflict_about"
            else rng.choice([u for u in USERNAMES if u != handler])
        )
    second = MANAGER if handler != MANAGER else s.colleague()
    if second == about:
        second = s.colleague(about)
    if state == "conflict_stage2":
        second = handler

    yesterday = s.back(1)
    offer = None
    channel = rng.choice(["email", "email", "letter", "phone", "portal", "in_person"])
    if rng.random() < 0.3:
        unhappy = s.contact(
            days[0],
            "in",
            "phone",
            "Resident unhappy with the service; wants to complain",
            minute=s.early(),
            dissatisfaction=True,
        )
        offer = s.add(
            days[0],
            "complaint_offered",
            "Offered a formal complaint; resident accepted",
            after=unhappy,
            accepted=True,
        )
        channel = "phone"
    received = s.add(
        days[0],
        "complaint_received",
        text,
        after=offer,
        minute=None if offer else s.early(),
        channel=channel,
        **({"about_officer": about} if about else {}),
        stage=1,
        points=list(T.COMPLAINT_POINTS[text]),
    )
    s.vuln_plan(min(s.wd(days[0], rng.randint(0, 2)), yesterday), after=received)
    if done >= 2:
        s.add(
            days[1],
            "complaint_ack",
            "Stage 1 acknowledgement letter sent; complaint points agreed",
            stage=1,
            by=handler,
            complaint=received,
        )
        mid = s.wd(days[1], 2)
        if mid < (days[2] if done >= 3 else yesterday) and rng.random() < 0.5:
            s.contact(
                mid,
                "out",
                "phone",
                "Called to talk through the complaint and what would put it right",
                by=handler,
                topic="complaint",
            )
    if ext:
        if state == "extended":
            notice = min(s.wd(days[1], rng.randint(5, 9)), yesterday, due1)
        else:
            notice = s.wd(days[1], rng.randint(5, 9))
            new_due = s.wd(days[1], 10 + m)
        s.add(
            notice,
            "extension_notice",
            "Extension letter sent with the Ombudsman's details",
            stage=1,
            new_due=new_due,
            reason=rng.choice(T.EXTENSION_REASONS),
            complaint=received,
        )
    if done >= 3:
        comp = compensation(rng, late=state == "late_ack")
        s.add(
            days[2],
            "complaint_response",
            response_summary(1, comp),
            stage=1,
            by=handler,
            **({"compensation": comp} if comp else {}),
            complaint=received,
        )
    if done >= 4:
        s.add(
            days[3],
            "escalation_request",
            rng.choice(T.ESCALATIONS),
            resident=True,
            stage=2,
            complaint=received,
        )
    if done >= 5:
        if state == "refused":
            s.add(
                days[4],
                "escalation_refused",
                "Escalation refused in writing",
                stage=2,
                reason=rng.choice(T.REFUSALS),
                complaint=received,
            )
        else:
            s.add(
                days[4],
                "complaint_ack",
                "Stage 2 acknowledgement sent; review by a manager",
                stage=2,
                by=second,
                complaint=received,
            )
    if done >= 6:
        comp = compensation(rng)
        s.add(
            days[5],
            "complaint_response",
            response_summary(2, comp),
            stage=2,
            by=second,
            **({"compensation": comp} if comp else {}),
            complaint=received,
        )
    return state


# -- general requests ----------------------------------------------------------------------
GEN_STATES = {
    "ontime": ["pending", "decided"],
    "at_risk": ["decision", "reply", "callback"],
    "breach": ["decision", "reply", "callback"],
    "closed": ["decided"],
}


def general(s: Story) -> str:
    rng = s.rng
    state = s.pick(GEN_STATES[s.scenario])
    subject, request, decisions = rng.choice(T.GENERAL_REQUESTS)
    wd = DECISION_WD[subject]
    due = s.due((3, wd - 1), (1, 12))
    channel = rng.choice(
        ["email", "letter"]
        if state == "reply"
        else ["email", "email", "letter", "phone", "phone", "portal"]
    )
    decided = callback = None
    if state in ("pending", "decision"):
        start = s.wd(due, -wd)
    elif state == "reply":
        start = s.wd(due, -(10 if channel == "letter" else 5))
    else:
        callback = s.wd(due, -5) if state == "callback" else None
        decided = s.wd(callback, -rng.randint(1, 6)) if callback else s.back(rng.randint(1, 12))
        start = s.wd(decided, -rng.randint(3, wd - 2))
    yesterday = s.back(1)
    inbound = s.contact(start, "in", channel, request, minute=s.early(), topic="general")
    made = s.add(
        start,
        "request_made",
        f"Request logged: {subject.replace('_', ' ')}",
        after=inbound,
        subject=subject,
        channel=channel,
    )
    s.vuln_plan(min(s.wd(start, rng.randint(0, 2)), yesterday), after=made)
    if state != "reply":
        reply_day = min(s.wd(start, rng.randint(0, 3 if channel == "letter" else 1)), yesterday)
        s.contact(
            reply_day,
            "out",
            {"phone": "phone", "letter": "letter"}.get(channel, "email"),
            rng.choice(T.GENERAL_REPLIES),
            after=made,
            answers=inbound,
            topic="general",
        )
    if decided is not None:
        decision, reasons = rng.choice(decisions)
        dec = s.add(
            decided,
            "request_decided",
            f"Decision: {decision}",
            answers=made,
            decision=decision,
            reasons=reasons,
        )
        s.contact(decided, "out", "letter", rng.choice(T.DECISION_LETTERS), after=dec)
    if callback is not None:
        s.contact(
            callback,
            "in",
            "phone",
            "Resident called about the decision letter; wants a call back",
            callback_requested=True,
        )
    return state


# -- repairs -------------------------------------------------------------------------------
REP_STATES = {
    "ontime": ["pending", "done", "done"],
    "at_risk": ["target", "email"],
    "breach": ["overdue", "email", "late_done"],
    "closed": ["done"],
}
DONE_AFTER = {"emergency": (0, 1), "urgent": (1, 4), "routine": (3, 15)}


def repair(s: Story) -> str:
    rng = s.rng
    state = s.pick(REP_STATES[s.scenario])
    job, priority, days, report = rng.choice(
        [j for j in T.REPAIR_JOBS if state not in ("pending", "target") or j[2] >= 5]
    )
    done = email = None
    if state in ("pending", "target", "overdue"):
        target = s.due((3, days - 1), (1, 10))
        start = s.wd(target, -days)
    elif state == "late_done":
        done = s.back(rng.randint(1, 8))
        start = s.wd(done, -(days + rng.randint(1, 5)))
        target = s.wd(start, days)
    else:
        if state == "email":
            email = s.wd(s.due(overdue=(1, 6)), -3)
        done = s.wd(email, -rng.randint(2, 8)) if email else s.back(rng.randint(1, 10))
        start = s.wd(done, -rng.randint(*DONE_AFTER[priority]))
        target = s.wd(start, days)
    yesterday = s.back(1)
    channel = rng.choice(["phone", "email", "portal"])
    inbound = s.contact(start, "in", channel, report, minute=s.early(), topic="repair")
    raised = s.add(
        start,
        "repair_raised",
        f"Raised {priority} repair: {job.lower()}",
        after=inbound,
        job=job,
        priority=priority,
        target=target,
    )
    s.vuln_plan(min(s.wd(start, rng.randint(0, 2)), yesterday), after=raised)
    same_day = priority == "emergency" or start >= yesterday or rng.random() < 0.5
    confirmed = s.contact(
        start if same_day else s.wd(start, 1),
        "out",
        "phone" if channel == "phone" else "email",
        rng.choice(T.REPAIR_CONFIRMS),
        after=raised,
        answers=inbound,
        topic="repair",
    )
    if done is not None:
        room = s.cal.working_days_between(start, done)
        if room >= 4 and state != "late_done" and rng.random() < 0.2:
            s.add(
                s.wd(start, 1),
                "hold_started",
                "Contractor could not get in; resident away",
                deadline=raised,
                reason="no_access",
            )
            s.add(
                s.wd(start, 2),
                "hold_ended",
                "Access arranged for a new appointment",
                deadline=raised,
            )
        if room >= 3 and rng.random() < 0.25:
            chase = s.contact(
                s.wd(start, 2),
                "in",
                "email",
                rng.choice(T.REPAIR_CHASES),
                minute=s.early(),
                topic="repair",
            )
            s.contact(
                min(s.wd(start, 3), done),
                "out",
                "email",
                rng.choice(T.REPAIR_CHASE_REPLIES),
                after=chase,
                answers=chase,
                topic="repair",
            )
        finished = s.add(
            done, "repair_done", f"Contractor completed: {job.lower()}", after=confirmed, job=job
        )
        s.contact(
            min(s.wd(done, rng.randint(0, 1)), yesterday),
            "out",
            "phone",
            rng.choice(T.REPAIR_CHECKS),
            after=finished,
        )
    if email is not None:
        s.contact(
            email, "in", "email", "Resident emailed: the problem has come back", topic="repair"
        )
    return state


# -- rent arrears --------------------------------------------------------------------------
ARR_STATES = {
    "ontime": ["running"],
    "at_risk": ["callback", "reply"],
    "breach": ["nosp_unapproved", "callback", "reply"],
    "closed": ["running"],
}


def arrears_result(s: Story) -> str:
    """The balance drifts from one check to the next (pence included)."""
    rng = s.rng
    s.balance = max(42.5, s.balance + rng.randint(-300, 180) + rng.choice([0, 0.15, 0.4, 0.62]))
    text = rng.choice(T.ARREARS_RESULTS).replace("{w}", str(rng.randint(2, 9)))
    return text.replace("{a}", f"{s.balance:,.2f}")


def ep_arrears_check(s: Story, d: dt.date, lim: dt.date) -> dt.date:
    check = s.add(
        d, "arrears_check", "Rent account checked", by=s.officer, result=arrears_result(s)
    )
    channel, text = s.rng.choice(T.ARREARS_OUT)
    s.contact(d, "out", channel, text, after=check)
    return d


def ep_arrears_callback(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    rd = s.wd(d, s.rng.randint(0, 2))
    if rd > lim:
        return None
    _, text = s.rng.choice(T.ARREARS_IN)
    asked = s.contact(d, "in", "phone", text, minute=s.early(), callback_requested=True)
    s.contact(
        rd,
        "out",
        "phone",
        "Called back; agreed a payment plan and sent it in writing",
        after=asked,
        answers=asked,
    )
    return rd


def ep_arrears_evidence(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    rd = s.wd(d, s.rng.randint(1, 3))
    if rd > lim:
        return None
    channel, text = s.rng.choice(T.ARREARS_LETTERS_IN)
    got = s.contact(d, "in", channel, text)
    s.contact(rd, "out", channel, "Replied: account updated with the evidence sent in", answers=got)
    return rd


def ep_nosp(s: Story, d: dt.date, lim: dt.date) -> dt.date | None:
    nd = s.wd(d, s.rng.randint(1, 2))
    if nd > lim or "nosp" in s.used:
        return None
    s.used.add("nosp")
    ep_arrears_check(s, d, lim)
    s.add(
        nd,
        "nosp_served",
        "Notice of seeking possession served by hand; approval on file",
        by=s.officer,
        approved_by=MANAGER,
    )
    return nd


def arrears(s: Story) -> str:
    rng = s.rng
    state = s.pick(ARR_STATES[s.scenario])
    due = s.due()
    channel, text = rng.choice(T.ARREARS_LETTERS_IN)
    trigger = None
    if state == "callback":
        trigger = s.wd(due, -5)
    elif state == "reply":
        trigger = s.wd(due, -(10 if channel == "letter" else 5))
    last = s.wd(trigger, -1) if trigger else s.back(rng.randint(1, 10))
    opened = s.opened_by(s.wd(last, -8), 15, 150)
    s.balance = float(rng.randint(300, 2200))
    ep_arrears_check(s, opened, last)
    s.vuln_plan(s.wd(opened, rng.randint(0, 2)))
    nosp = 0 if state == "nosp_unapproved" or s.officer == MANAGER else 8
    episodes = [
        (40, ep_arrears_check),
        (20, ep_arrears_callback),
        (20, ep_arrears_evidence),
        (nosp, ep_nosp),
    ]
    t = run_loop(s, opened, last, episodes, (6, 15))
    if t < last:
        ep_arrears_check(s, last, last)
    if state == "callback":
        _, ask = rng.choice(T.ARREARS_IN)
        s.contact(trigger, "in", "phone", ask, callback_requested=True)
    elif state == "reply":
        s.contact(trigger, "in", channel, text)
    elif state == "nosp_unapproved":
        s.add(
            min(s.wd(last, 1), s.back(1)),
            "nosp_served",
            "Notice of seeking possession served by hand",
            by=s.officer,
        )
    return state
