"""Where each complaint of a case stands, read from its events and the deadlines they derive.

One ``ComplaintState`` per ``complaint_received``: the stages it went through (with
their acknowledgement, extensions, response or refusal and deadlines), who handles
and decided each stage, whether it is closed, its compensation ledger, the actions
its responses promised and the Ombudsman's enquiries and orders about it. The
services check every complaint action against this state, and the case view shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.domain.bundle import CaseInfo
from app.domain.compensation import Ledger, build_ledger
from app.domain.deadlines import OPEN, Deadline, derive
from app.domain.deadlines.complaints import Opening, group_complaints, openings, stage_window
from app.domain.deadlines.timeline import Timeline
from app.domain.events import Event
from app.domain.payloads import (
    ComplaintAckFields,
    ComplaintAssignedFields,
    ComplaintPointsFields,
    ComplaintReceivedFields,
    EscalationRefusedFields,
    OmbudsmanOrderFields,
    OrderCompliedFields,
    fields_of,
    typed,
)
from app.domain.policy import Policy, PolicyHistory, StageRule


@dataclass(frozen=True)
class StageState:
    number: int
    label: str
    how: str  # receipt | escalation | reopen
    opened: Event  # the receipt, escalation request or reopening
    rule: StageRule
    final: bool  # the policy has no later stage
    handler: str | None  # assigned handler (receipt's handler or a complaint_assigned)
    ack: Event | None = None
    response: Event | None = None
    refusal: Event | None = None  # escalation_refused or complaint_refused
    extensions: tuple[Event, ...] = ()
    ack_deadline: Deadline | None = None
    response_deadline: Deadline | None = None

    @property
    def answered(self) -> bool:
        """Acknowledged or refused (nothing more to acknowledge)."""
        return self.ack is not None or self.refusal is not None

    @property
    def decided(self) -> bool:
        """Responded to, or refused in writing: nothing more owed at this stage."""
        return self.response is not None or self.refusal is not None

    @property
    def awaiting_ack(self) -> bool:
        return self.ack_deadline is not None and self.ack_deadline.status == OPEN

    @property
    def awaiting_response(self) -> bool:
        return self.response_deadline is not None and self.response_deadline.status == OPEN


@dataclass(frozen=True)
class ComplaintState:
    received: Event
    policy: Policy  # the version in force when the complaint was received
    stages: tuple[StageState, ...]
    events: tuple[Event, ...]  # its own events, receipt excluded
    closed: Event | None  # the closure in force (None: open, or reopened since)
    ledger: Ledger
    remedies: tuple[Deadline, ...]
    enquiries: tuple[Event, ...] = ()
    orders: tuple[Event, ...] = ()
    compliance: Mapping[str, tuple[Event, ...]] = field(default_factory=dict)  # order id -> events
    deadlines: tuple[Deadline, ...] = ()  # every deadline of this complaint

    @property
    def id(self) -> str:
        return self.received.id

    @property
    def about_officer(self) -> str | None:
        return fields_of(self.received, ComplaintReceivedFields)["about_officer"]

    @property
    def points(self) -> tuple[str, ...]:
        """The points of complaint: the latest ``complaint_points`` list, else the receipt's."""
        restated = [f["points"] for _, f in typed(self.events, ComplaintPointsFields)]
        if restated:
            return tuple(restated[-1] or ())
        return tuple(fields_of(self.received, ComplaintReceivedFields)["points"] or ())

    @property
    def current(self) -> StageState:
        return self.stages[-1]

    @property
    def status(self) -> str:
        return "closed" if self.closed is not None else "open"

    @property
    def pending_escalation(self) -> StageState | None:
        """An escalation request not yet acknowledged, refused or answered by a response."""
        s = self.current
        return s if s.how == "escalation" and not s.answered and not s.decided else None

    def deciders(self, before_stage: int | None = None) -> set[str]:
        """Who responded to or refused a stage (earlier than ``before_stage``, if given)."""
        out = set()
        for s in self.stages:
            if before_stage is not None and s.number >= before_stage:
                continue
            # a response or either kind of refusal: "by" is shared, so read it untyped
            for e in (s.response, s.refusal):
                if e is not None and e.f.get("by"):
                    out.add(e.f["by"])
        return out

    def handler(self) -> str | None:
        return self.current.handler

    @property
    def lessons(self) -> tuple[str, ...]:
        out = []
        for e in self.events:  # "lessons" on responses and closures alike
            text = (
                e.f.get("lessons") if e.type in ("complaint_response", "complaint_closed") else None
            )
            if text and text not in out:
                out.append(text)
        return tuple(out)


def _first(events: Iterable[Event]) -> Event | None:
    return next(iter(events), None)


def _stage_state(
    tl: Timeline, c, op: Opening, by_key: Mapping[str, Deadline], handler: str | None
) -> StageState | None:
    policy = tl.policy_at(op.trigger)
    rule = policy.stage(op.stage)
    if rule is None:
        return None
    n = op.stage
    window = stage_window(tl, c, op)
    # an escalation is answered whenever it is answered, closure or not
    answers = stage_window(tl, c, op, until_end=False) if op.escalated else window
    staged = [e for e in window if e.f.get("stage") == n]  # every stage-bearing type
    ack = _first(e for e, f in typed(answers, ComplaintAckFields) if f["stage"] == n)
    refusal = _first(
        e
        for e in answers
        if (
            e.type == "escalation_refused"
            and op.escalated
            and fields_of(e, EscalationRefusedFields)["stage"] == n
        )
        or e.type == "complaint_refused"
    )
    response = _first(e for e in staged if e.type == "complaint_response")
    suffix = f":{op.trigger.id}" if op.how == "reopen" else ""
    return StageState(
        number=n,
        label=rule.label,
        how=op.how,
        opened=op.trigger,
        rule=rule,
        final=policy.next_stage(n) is None,
        handler=handler,
        ack=ack if op.how != "reopen" else None,
        response=response,
        refusal=refusal,
        extensions=tuple(e for e in staged if e.type == "extension_notice"),
        ack_deadline=by_key.get(f"complaint_ack:{c.id}:{n}") if op.how != "reopen" else None,
        response_deadline=by_key.get(f"complaint_response:{c.id}:{n}{suffix}"),
    )


def complaint_states(
    case: CaseInfo,
    events: Iterable[Event],
    policies: PolicyHistory | Policy,
    as_of: dt.date | None = None,
) -> list[ComplaintState]:
    """Every complaint of the case, oldest first."""
    if isinstance(policies, Policy):
        policies = PolicyHistory.single(policies)
    events = [e for e in events if as_of is None or e.day <= as_of]
    derived = derive(case, events, policies)
    by_key = {d.key: d for d in derived.deadlines}
    tl = Timeline(case, events, policies)
    complaints = group_complaints(tl)
    ombudsman = _ombudsman_by_complaint(tl, [c.id for c in complaints])
    out = []
    for c in complaints:
        handlers: dict[int, str] = {}  # stage -> its handler now (the latest assignment)
        received = fields_of(c.received, ComplaintReceivedFields)
        if received["handler"]:
            handlers[received["stage"]] = received["handler"]
        for _, assigned in typed(c.events, ComplaintAssignedFields):
            handlers[assigned["stage"]] = assigned["handler"]
        stages = []
        for op in openings(tl, c):
            state = _stage_state(tl, c, op, by_key, handlers.get(op.stage))
            if state is not None:
                stages.append(state)
        if not stages:  # a stage the policy does not know: keep the receipt visible
            continue
        closed = None
        for e in c.events:
            if e.type == "complaint_closed":
                closed = e
            elif e.type == "complaint_reopened" or (
                e.type == "escalation_request" and closed is not None
            ):
                closed = None
        enquiries, orders, compliance = ombudsman.get(c.id, ((), (), {}))
        responses = {e.id for e in c.events if e.type == "complaint_response"}
        remedies = tuple(
            d for d in derived.deadlines if d.kind == "remedy_action" and d.started_by in responses
        )
        own = tuple(d for d in derived.deadlines if d.complaint == c.id)
        orders_ids = {o.id for o in orders}
        own += tuple(d for d in derived.deadlines if d.started_by in orders_ids)
        out.append(
            ComplaintState(
                received=c.received,
                policy=tl.policy_at(c.received),
                stages=tuple(stages),
                events=c.events,
                closed=closed,
                ledger=build_ledger(sorted([*c.events, *orders], key=lambda x: tl.index[x.id])),
                remedies=remedies,
                enquiries=enquiries,
                orders=orders,
                compliance=compliance,
                deadlines=own,
            )
        )
    return out


def _ombudsman_by_complaint(tl: Timeline, complaint_ids: list[str]):
    """Enquiries and orders belong to the complaint received latest before them."""
    result: dict[str, tuple[list[Event], list[Event], dict[str, list[Event]]]] = {
        cid: ([], [], {}) for cid in complaint_ids
    }
    latest = None
    owner: dict[str, str] = {}  # order/enquiry id -> complaint id
    for e in tl.events:
        if e.type == "complaint_received":
            latest = e.id
        elif e.type == "ombudsman_enquiry" and latest:
            owner[e.id] = latest
            result[latest][0].append(e)
        elif e.type == "ombudsman_order":
            target = owner.get(fields_of(e, OmbudsmanOrderFields)["enquiry"] or "", latest)
            if target:
                owner[e.id] = target
                result[target][1].append(e)
        elif e.type == "order_complied":
            order = fields_of(e, OrderCompliedFields)["order"]
            if order in owner:
                result[owner[order]][2].setdefault(order, []).append(e)
    return {
        cid: (tuple(enq), tuple(orders), {k: tuple(v) for k, v in comp.items()})
        for cid, (enq, orders, comp) in result.items()
    }


def complaint_state(states: Iterable[ComplaintState], complaint_id: str) -> ComplaintState | None:
    return next((s for s in states if s.id == complaint_id), None)
