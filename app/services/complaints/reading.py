"""Reading a case's complaints: the views the panel shows, built from the complaints' state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.domain.audit import audit
from app.domain.calendar import WorkingCalendar
from app.domain.compensation import COMPENSATION_HEADS
from app.domain.complaint_record import ComplaintState, StageState
from app.domain.complaint_response import ChecklistItem, ResponseDraft, checklist, draft_from_event
from app.domain.complaint_rules import escalation_text, extension_warning, extension_window
from app.domain.deadlines import CLOSED, MET, OPEN, Deadline, missed, urgency
from app.domain.deadlines.complaints import extension_verdicts, latest_extension
from app.domain.deadlines.timeline import fmt
from app.domain.events import Event
from app.domain.payloads import (
    ActionDoneFields,
    ComplaintReceivedFields,
    ContactFields,
    ExtensionNoticeFields,
    OmbudsmanOrderFields,
    fields_of,
    typed,
)
from app.domain.policy import Policy
from app.services.complaints.tx import read_states
from app.services.complaints.views import (
    COMPLAINT_CODES,
    TYPE_WORDS,
    CompensationView,
    ComplaintView,
    FindingView,
    HistoryLine,
    MoneyRow,
    NextAction,
    StageView,
    Step,
    TrackedView,
)

# -- building -------------------------------------------------------------------------------------------------


def _step_for(
    label: str, d: Deadline | None, done: Event | None, today: dt.date, what: str
) -> Step:
    due = d.due if d is not None else None
    if done is not None:
        late = missed(MET, due, done.day, None, None)
        text = f"{label} {fmt(done.day)}" + (f" (late: due {fmt(due)})" if late else "")
        return Step(label, done.day, due, "late" if late else "done", text)
    if d is None:
        return Step(label, None, None, "info", f"{label}: no timescale")
    if d.status == CLOSED:
        late = d.late
        why = d.notes[-1] if d.notes else "ended"
        return Step(
            label, None, due, "missed" if late else "info", f"No {what} ({why}); due {fmt(due)}"
        )
    if d.status == OPEN and due is not None:
        if d.breached(today):
            return Step(
                label, None, due, "overdue", f"{what.capitalize()} overdue since {fmt(due)}"
            )
        return Step(label, None, due, "due", f"{what.capitalize()} due {fmt(due)}")
    return Step(label, None, due, "info", f"{label}: {d.status.replace('_', ' ')}")


def _extension_steps(s: StageState, policy: Policy) -> list[Step]:
    """Each extension letter, and whether it counted (in time, within the maximum)."""
    d = s.response_deadline
    if d is None or d.original_due is None:  # no timescale at this stage: nothing to judge by
        return [
            Step(
                "Extended",
                x.day,
                f["new_due"],
                "info",
                f"Extended {fmt(x.day)} to {fmt(f['new_due'])}",
            )
            for x, f in typed(s.extensions, ExtensionNoticeFields)
        ]
    limit = latest_extension(policy, s.rule, d.original_due)
    out = []
    for v in extension_verdicts(list(s.extensions), d.original_due, limit):
        x = v.notice
        if not v.counts:
            text = (
                f"Extension letter {fmt(x.day)} came after the due date "
                f"{fmt(v.judged_against)}: it does not count"
            )
            out.append(Step("Extension", x.day, v.judged_against, "late", text))
        elif v.capped:
            wanted = fields_of(x, ExtensionNoticeFields)["new_due"]
            text = (
                f"Extended {fmt(x.day)} to {fmt(wanted)}: beyond the maximum, "
                f"counts to {fmt(limit)}"
            )
            out.append(Step("Extension", x.day, limit, "late", text))
        else:
            out.append(
                Step(
                    "Extended",
                    x.day,
                    v.new_due,
                    "info",
                    f"Extended {fmt(x.day)} to {fmt(v.new_due)}",
                )
            )
    return out


def _stage_view(s: StageState, today: dt.date, policy: Policy) -> StageView:
    opened_word = {
        "receipt": "Received",
        "escalation": "Escalation requested",
        "reopen": "Reopened",
    }[s.how]
    steps = [Step(opened_word, s.opened.day, None, "done", f"{opened_word} {fmt(s.opened.day)}")]
    if s.how != "reopen" and (s.ack_deadline is not None or s.ack is not None):
        answer = s.ack if s.ack is not None else None
        if s.ack is None and s.refusal is not None:
            answer = s.refusal
        label = "Acknowledged" if answer is None or answer.type == "complaint_ack" else "Refused"
        steps.append(_step_for(label, s.ack_deadline, answer, today, "acknowledgement"))
    steps += _extension_steps(s, policy)
    if s.refusal is not None and s.refusal.type == "complaint_refused" and s.ack is not None:
        steps.append(_step_for("Refused", s.response_deadline, s.refusal, today, "decision"))
    elif s.response_deadline is not None or s.response is not None:
        steps.append(_step_for("Response", s.response_deadline, s.response, today, "response"))
    decider = s.response or s.refusal  # a response or either refusal: "by" is shared
    return StageView(
        number=s.number,
        label=s.label + (" (reopened)" if s.how == "reopen" else ""),
        how=s.how,
        opened_on=s.opened.day,
        handler=s.handler,
        final=s.final,
        steps=tuple(steps),
        decided_by=decider.f.get("by") if decider is not None else None,
    )


def _tracked(
    d: Deadline, text: str, cal: WorkingCalendar, today: dt.date, risk_wd: int
) -> TrackedView:
    wd_left = d.working_days_left(today, cal)
    return TrackedView(
        key=d.key,
        source=d.started_by or "",
        text=text,
        due=d.due,
        status=d.status,
        done_on=d.met_on,
        wd_left=wd_left,
        late=d.breached(today),
        urgency=urgency(wd_left, risk_wd),
    )


def _compensation(state: ComplaintState) -> CompensationView:
    ledger = state.ledger
    cols = ledger.columns()
    names = {"accepted": "Accepted", "ordered": "Ombudsman order", "paid": "Paid"}
    labels = tuple(f"Stage {c[6:]} offer" if c.startswith("stage_") else names[c] for c in cols)
    matrix = state.policy.compensation
    rows = []
    for head in ledger.heads():
        rows.append(
            MoneyRow(
                head=head,
                label=matrix.label(head) if matrix else head,
                cells=tuple(ledger.cell(head, c) for c in cols),
                owed=ledger.owed(head),
                outstanding=ledger.outstanding(head),
            )
        )
    owed = sum((ledger.owed(h) for h in COMPENSATION_HEADS), Decimal(0))
    return CompensationView(
        columns=labels,
        rows=tuple(rows),
        totals=tuple(ledger.cell(None, c) for c in cols),
        total_offered=ledger.total_offered(),
        owed=owed,
        outstanding=sum((ledger.outstanding(h) for h in COMPENSATION_HEADS), Decimal(0)),
        decision=ledger.decision,
        decided_on=ledger.decided_on,
    )


def _next_action(state: ComplaintState, cal: WorkingCalendar, today: dt.date, orders) -> NextAction:
    def act(action: str, label: str, d: Deadline | None) -> NextAction:
        due = d.due if d is not None and d.status == OPEN else None
        left = cal.working_days_between(today, due) if due else None
        return NextAction(action, label, due, left, urgency(left, state.policy.at_risk_wd))

    s = state.current
    if state.pending_escalation is not None:
        return act(
            "answer_escalation",
            f"Acknowledge or refuse the escalation to {s.label}",
            s.ack_deadline,
        )
    open_orders = [o for o in orders if o.status == OPEN]
    if state.closed is not None:
        if open_orders:
            o = open_orders[0]
            return NextAction(
                "comply", "Send the Ombudsman evidence of compliance", o.due, o.wd_left, o.urgency
            )
        return NextAction("reopen", "Closed — reopen if the resident asks", None, None)
    if s.awaiting_ack:
        return act("acknowledge", f"Acknowledge the {s.label.lower()} complaint", s.ack_deadline)
    if not s.decided:
        return act("respond", f"Send the {s.label.lower()} response", s.response_deadline)
    if open_orders:
        o = open_orders[0]
        return NextAction(
            "comply", "Send the Ombudsman evidence of compliance", o.due, o.wd_left, o.urgency
        )
    return NextAction("close", "Close the complaint (record the lessons learnt)", None, None)


def _allowed(state: ComplaintState, today: dt.date) -> frozenset[str]:
    s = state.current
    is_open = state.closed is None
    out = {"compensation", "ombudsman"}
    if state.pending_escalation is not None:
        out |= {"acknowledge", "refuse_escalation"}
    elif is_open and s.how != "reopen" and not s.answered:
        out.add("acknowledge")
    win = extension_window(state)
    if (
        is_open
        and s.awaiting_response
        and win
        and win.max_wd
        and today <= win.due
        and win.latest > win.due
    ):
        out.add("extend")
    if is_open and not s.decided:
        out |= {"respond", "refuse"}
    if state.policy.next_stage(s.number) is not None and state.pending_escalation is None:
        out.add("escalate")
    if is_open and state.pending_escalation is None:
        out.add("close")
    if not is_open:
        out.add("reopen")
    if is_open:
        out |= {"assign", "points"}
    if any(d.status == OPEN for d in state.remedies):
        out.add("remedy_done")
    return frozenset(out)


def _line(e: Event) -> HistoryLine:
    what = TYPE_WORDS.get(e.type, e.type.replace("_", " ").capitalize())
    # any complaint event type: "stage", "by" and "handler" are read untyped
    if "stage" in e.f and isinstance(e.f.get("stage"), int):
        what = f"{what} (stage {e.f['stage']})"
    return HistoryLine(e.id, e.at, what, e.summary, e.f.get("by") or e.f.get("handler"))


def build_view(
    state, info, events, findings, version: int, today: dt.date, ref: str
) -> ComplaintView:
    policy = state.policy
    cal = policy.calendar
    r = state.received
    received = fields_of(r, ComplaintReceivedFields)
    own_ids = {r.id, *(e.id for e in state.events)}
    omb_ids = {e.id for e in (*state.enquiries, *state.orders)}
    omb_ids |= {e.id for v in state.compliance.values() for e in v}
    related = [
        e
        for e in events
        if e.id not in own_ids
        and (
            (
                e.type == "contact"
                and fields_of(e, ContactFields)["topic"] == "complaint"
                and r.at <= e.at
            )
            or e.id in omb_ids
            or (e.type == "action_done" and fields_of(e, ActionDoneFields)["plan"] in own_ids)
        )
    ]
    ids = own_ids | {e.id for e in related}
    mine = tuple(
        FindingView(f.code, f.date, f.events, f.detail)
        for f in findings
        if f.code in COMPLAINT_CODES and set(f.events) & ids
    )
    remedies = tuple(
        _tracked(d, d.label.removeprefix("Put right: "), cal, today, policy.at_risk_wd)
        for d in state.remedies
    )
    order_deadlines = {d.started_by: d for d in state.deadlines if d.kind == "ombudsman_order"}
    orders = tuple(
        _tracked(
            order_deadlines[o.id],
            fields_of(o, OmbudsmanOrderFields)["text"],
            cal,
            today,
            policy.at_risk_wd,
        )
        for o in state.orders
        if o.id in order_deadlines
    )
    s = state.current
    conflicted = set(state.deciders(before_stage=s.number))
    if state.about_officer:
        conflicted.add(state.about_officer)
    win = extension_window(state)
    if s.response is not None:
        items = checklist(state, draft_from_event(s.response), s.response.day)
        what = f"{s.label} response sent {fmt(s.response.day)}"
    else:
        items = checklist(state, ResponseDraft(), today)
        what = f"{s.label} response: still to do"
    history = sorted([r, *state.events, *related], key=lambda e: (e.at, e.seq), reverse=True)
    return ComplaintView(
        id=r.id,
        case_ref=ref,
        summary=r.summary,
        received_on=r.day,
        channel=received["channel"],
        about_officer=state.about_officer,
        handler=s.handler,
        points=state.points,
        matter_date=received["matter_date"],
        late_reason=received["late_reason"],
        policy=policy.ref,
        procedure=policy.title,
        status=state.status,
        stage=s.number,
        stage_label=s.label,
        final_stage=s.final,
        stages=tuple(_stage_view(x, today, policy) for x in state.stages),
        next_action=_next_action(state, cal, today, orders),
        extension_warning=extension_warning(state, today),
        allowed=_allowed(state, today),
        compensation=_compensation(state),
        remedies=remedies,
        orders=orders,
        enquiries=tuple(_line(e) for e in state.enquiries),
        lessons=state.lessons,
        findings=mine,
        history=tuple(_line(e) for e in history),
        conflicted=frozenset(conflicted),
        escalation_text=escalation_text(policy, s.number),
        checklist=items,
        checklist_for=what,
        latest_extension=win.latest if win is not None else None,
        version=version,
    )


def list_complaints(ws, ref: str, as_of: dt.date | None = None) -> list[ComplaintView]:
    """Every complaint of the case, oldest first, judged on ``as_of`` (default today)."""
    today = as_of or ws.today()
    info, events, history, states, version = read_states(ws, ref, as_of=as_of)
    findings = audit(info, events, history, today)
    return [build_view(s, info, events, findings, version, today, ref) for s in states]


def get_complaint(
    ws, ref: str, complaint: str | None = None, as_of: dt.date | None = None
) -> ComplaintView:
    from app.errors import NotFound

    views = list_complaints(ws, ref, as_of)
    if not views:
        raise NotFound(f"Case {ref} has no complaint.")
    if complaint is None:
        return views[-1]
    for v in views:
        if v.id == complaint:
            return v
    raise NotFound(f"Case {ref} has no complaint {complaint!r}.")


def response_checklist(
    ws, ref: str, complaint: str | None, draft: ResponseDraft, day: dt.date | None = None
) -> tuple[ChecklistItem, ...]:
    """The checklist of a draft response as it stands (the respond dialog shows it live)."""
    from app.errors import NotFound

    _, _, _, states, _ = read_states(ws, ref)
    state = next((s for s in states if s.id == complaint), None) if complaint else None
    if state is None and complaint is None and states:
        state = states[-1]
    if state is None:
        raise NotFound(f"Case {ref} has no complaint {complaint!r}.")
    return checklist(state, draft, day or ws.today())
