"""Complaint deadlines and rules (DOMAIN_RULES.md §2, §8).

Each ``complaint_received`` starts a complaint; its events either name it
(``complaint``) or join the most recent earlier complaint that still owes them
(DOMAIN_RULES.md §9; ``group_complaints``). Each
stage is opened by the receipt (first stage) or by an escalation request, and
owes an acknowledgement and a response by the policy's timescales.

* A written refusal to accept (``complaint_refused``) answers the acknowledgement
  and ends the stage (after an acknowledgement it is the stage's decision).
* ``complaint_closed`` ends the complaint's unmet acknowledgement and response
  deadlines (still a finding if they were already late), except an escalation
  request's: only an acknowledgement or a written refusal stops that one.
* ``complaint_reopened`` (of a closed complaint) owes a new response at the stage
  the complaint was at, due the stage's response timescale after the reopening
  (key ``complaint_response:<complaint>:<stage>:<reopen event>``).
* Outstanding actions a response promises become ``remedy_action`` deadlines,
  met by an ``action_done`` naming the response as its ``plan``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.deadlines.model import CLOSED, OPEN, Deadline, Finding
from app.domain.deadlines.timeline import Timeline, fmt
from app.domain.events import COMPLAINT_EVENT_TYPES, Event, answers, earlier
from app.domain.payloads import (
    ActionDoneFields,
    ComplaintAssignedFields,
    ComplaintReceivedFields,
    ComplaintResponseFields,
    ContactFields,
    EscalationRequestFields,
    ExtensionNoticeFields,
    fields_of,
    typed,
)
from app.domain.policy import Policy, StageRule


@dataclass(frozen=True)
class ExtensionVerdict:
    """How one extension notice counted against a stage's response deadline."""

    notice: Event
    judged_against: dt.date  # the due date in force when the notice was sent
    counts: bool  # False: sent after that due date, so it does not count
    new_due: dt.date  # the date it asked for, cut back to the policy's latest allowed date
    capped: bool  # it asked for more than the policy's maximum extension
    due_after: dt.date  # the due date in force after it


def latest_extension(policy: Policy, rule: StageRule, original_due: dt.date) -> dt.date:
    """The latest date a stage's response may be extended to under ``policy``."""
    return policy.calendar.add_working_days(original_due, rule.extension_max_wd or 0)


def extension_verdicts(
    notices: list[Event], original_due: dt.date, limit: dt.date
) -> list[ExtensionVerdict]:
    """The one rule for extensions: a notice counts only if sent by the due date then in force;
    it moves the due date to the date asked for, never beyond ``limit`` and never earlier."""
    due = original_due
    out = []
    for x in notices:
        if x.day > due:
            out.append(ExtensionVerdict(x, due, False, due, False, due))
            continue
        wanted = fields_of(x, ExtensionNoticeFields)["new_due"]
        new_due = min(wanted, limit)
        after = max(due, new_due)
        out.append(ExtensionVerdict(x, due, True, new_due, wanted > limit, after))
        due = after
    return out


@dataclass(frozen=True)
class Complaint:
    received: Event
    events: tuple[Event, ...]  # its own events, in order (receipt excluded)

    @property
    def id(self) -> str:
        return self.received.id


class _Owing:
    """What a complaint still owes, from the events credited to it so far (§9, unlabelled events)."""

    def __init__(self, tl: Timeline, received: Event):
        self.received = received
        self.policy = tl.policy_at(received)
        self.stage: int = fields_of(received, ComplaintReceivedFields)["stage"]
        self.acked: set[int] = set()
        self.answered: set[int] = set()  # stages responded to
        self.asked: set[int] = set()  # stages asked for by an escalation request
        self.closed = False
        self.ended = False  # refused in writing (to accept, or to escalate)

    def take(self, e: Event) -> None:
        n: int = e.f.get("stage") or 0  # every stage-bearing type requires it
        if e.type == "complaint_ack":
            self.acked.add(n)
        elif e.type == "complaint_response":
            self.answered.add(n)
        elif e.type == "escalation_request" and n not in self.asked:
            self.asked.add(n)
            self.stage, self.closed = n, False
        elif e.type in ("escalation_refused", "complaint_refused"):
            self.ended = True
        elif e.type == "complaint_closed":
            self.closed = True
        elif e.type == "complaint_reopened" and self.closed:
            self.closed = False
            self.answered.discard(self.stage)

    @property
    def finished(self) -> bool:
        """Closed, refused, or answered at the policy's last stage: it owes nothing."""
        final = self.stage in self.answered and self.policy.next_stage(self.stage) is None
        return self.closed or self.ended or final

    def owes(self, e: Event) -> bool:
        if e.type == "complaint_reopened":
            return self.closed
        if self.finished:
            return False
        n: int = e.f.get("stage") or 0  # mixed types: every stage-bearing one requires it
        if e.type == "complaint_ack":
            return n == self.stage and n not in self.acked and n not in self.answered
        if e.type in ("complaint_response", "extension_notice"):
            return n == self.stage and n not in self.answered
        if e.type == "escalation_request":
            return n not in self.asked and n > self.stage and self.stage in self.answered
        if e.type == "escalation_refused":
            return n == self.stage and n in self.asked and n not in self.acked
        return False


def group_complaints(tl: Timeline) -> list[Complaint]:
    """Each complaint with its events (DOMAIN_RULES.md §9, unlabelled complaint events).

    An event naming its complaint (``complaint``) is its; one that does not joins the most
    recent earlier complaint that still owes that kind of event at that stage; when none
    owes it, the latest open one (else the latest).
    """
    received = tl.of_type("complaint_received")
    owing = {c.id: _Owing(tl, c) for c in received}
    members: dict[str, list[Event]] = {c.id: [] for c in received}
    for e in tl.events:
        if e.type not in COMPLAINT_EVENT_TYPES:
            continue
        target = e.f.get("complaint")  # any complaint event type may name its complaint
        if not target:
            prior = [owing[c.id] for c in reversed(received) if answers(e, c)]
            chosen = (
                next((o for o in prior if o.owes(e)), None)
                or next((o for o in prior if not o.finished), None)
                or next(iter(prior), None)
            )
            target = chosen.received.id if chosen else None
        if target in members:
            members[target].append(e)
            owing[target].take(e)
    return [Complaint(c, tuple(members[c.id])) for c in received]


@dataclass(frozen=True)
class Opening:
    """A stage the complaint entered: by receipt, an escalation request or a reopening."""

    stage: int
    trigger: Event
    how: str  # "receipt" | "escalation" | "reopen"
    end: Event | None  # the complaint_closed that ended it (None: still running)

    @property
    def escalated(self) -> bool:
        return self.how == "escalation"


def openings(tl: Timeline, c: Complaint) -> list[Opening]:
    """The stages a complaint entered, in order.

    A closure ends what is running; a reopening (of a closed complaint) starts its
    current stage's response again from the reopening date. An escalation request
    opens the next stage whether or not the complaint was closed.
    """
    current = fields_of(c.received, ComplaintReceivedFields)["stage"]
    raw: list[tuple[int, Event, str]] = [(current, c.received, "receipt")]
    asked: set[int] = set()
    closed = False
    for e in c.events:
        if e.type == "escalation_request":
            asked_for = fields_of(e, EscalationRequestFields)["stage"]
            if asked_for in asked:
                continue
            asked.add(asked_for)
            current = asked_for
            raw.append((current, e, "escalation"))
            closed = False
        elif e.type == "complaint_closed":
            closed = True
        elif e.type == "complaint_reopened" and closed:
            raw.append((current, e, "reopen"))
            closed = False
    out = []
    for stage, trigger, how in raw:
        end = next(
            (x for x in c.events if x.type == "complaint_closed" and answers(x, trigger)), None
        )
        out.append(Opening(stage, trigger, how, end))
    return out


def complaint_rules(tl: Timeline) -> tuple[list[Deadline], list[Finding]]:
    deadlines: list[Deadline] = []
    findings: list[Finding] = []
    for c in group_complaints(tl):
        for op in openings(tl, c):
            deadlines.extend(_stage(tl, c, op, findings))
        deadlines.extend(remedy_actions(tl, c))
        findings.extend(_conflicts(tl, c))
    return deadlines, findings


def stage_window(tl: Timeline, c: Complaint, op: Opening, until_end: bool = True) -> list[Event]:
    """The complaint's events that answer the stage's opening (and not certainly after its closure)."""
    return [
        e
        for e in c.events
        if answers(e, op.trigger)
        and not (until_end and op.end is not None and (e is op.end or earlier(op.end, e)))
    ]


def _of(events: list[Event], n: int | None, *types: str) -> list[Event]:
    # several types at once: "stage" is read untyped (complaint_refused has none)
    return [e for e in events if e.type in types and (n is None or e.f.get("stage") == n)]


def _closed_by(d: Deadline, op: Opening) -> Deadline:
    """A complaint closure ends the stage's unmet deadlines (a finding still if already late)."""
    if d.status != OPEN or op.end is None:
        return d
    return d.with_(
        status=CLOSED, closed_on=op.end.day, notes=(*d.notes, f"complaint closed {fmt(op.end.day)}")
    )


def _stage(tl: Timeline, c: Complaint, op: Opening, findings: list[Finding]) -> list[Deadline]:
    n, trigger, escalated = op.stage, op.trigger, op.escalated
    policy = tl.policy_at(trigger)
    rule = policy.stage(n)
    if rule is None:
        return []
    cal = policy.calendar
    out: list[Deadline] = []
    window = stage_window(tl, c, op)
    # Only an acknowledgement or a written refusal stops an escalation request, never a closure.
    replies = stage_window(tl, c, op, until_end=not escalated)
    acks = _of(replies, n, "complaint_ack")
    ack = acks[0] if acks else None
    refusals = _of(replies, n, "escalation_refused") if escalated else []
    refusals += _of(replies, None, "complaint_refused")
    refusal = min(refusals, key=lambda e: tl.index[e.id]) if refusals else None
    ack_due = None
    if rule.ack_wd is not None and op.how != "reopen":
        ack_due = cal.add_working_days(trigger.day, rule.ack_wd)
        answered = [e for e in (ack, refusal) if e is not None]
        first = min(answered, key=lambda e: tl.index[e.id]) if answered else None
        if escalated:
            label = f"Acknowledge or refuse the stage {n} escalation"
            detail = (
                f"Request of {fmt(trigger.day)} to escalate to {rule.label.lower()} must be "
                f"acknowledged, or refused in writing, within {rule.ack_wd} WD"
            )
        else:
            label = f"Acknowledge {rule.label.lower()} complaint"
            detail = (
                f"{rule.label} complaint received {fmt(trigger.day)} needs a written "
                f"acknowledgement within {rule.ack_wd} WD"
            )
        ack_deadline = tl.deadline(
            kind="escalation_ack" if escalated else "complaint_ack",
            key=f"complaint_ack:{c.id}:{n}",
            label=label,
            trigger=trigger,
            due=ack_due,
            policy=policy,
            met_event=first,
            stage=n,
            complaint=c.id,
            detail=detail,
        )
        responses = _of(window, n, "complaint_response")
        if ack_deadline.status == OPEN and responses:
            # Responding without acknowledging first ends the acknowledgement (late if after its due date).
            ack_deadline = ack_deadline.with_(
                status=CLOSED,
                closed_on=responses[0].day,
                notes=(*ack_deadline.notes, f"response sent {fmt(responses[0].day)} without one"),
            )
        out.append(ack_deadline if escalated else _closed_by(ack_deadline, op))
    if refusal is not None and (ack is None or tl.before(refusal, ack)):
        return out  # refused in writing: no response owed at this stage
    if rule.response_wd is None:
        return out
    if op.how == "reopen":
        base, basis = trigger.day, "the complaint was reopened"
    elif rule.response_from == "ack" and ack_due is not None:
        base = ack.day if ack is not None and ack.day < ack_due else ack_due
        basis = "the acknowledgement (or the date it was due)"
    else:
        base = trigger.day
        basis = "receipt" if not escalated else "the escalation request"
    original_due = cal.add_working_days(base, rule.response_wd)
    # A written refusal after the acknowledgement is the stage's decision.
    decisions = _of(window, n, "complaint_response") + _of(window, None, "complaint_refused")
    response = min(decisions, key=lambda e: tl.index[e.id]) if decisions else None
    due = original_due
    limit = latest_extension(policy, rule, original_due)
    notes: list[str] = []
    notices = []
    for x in _of(window, n, "extension_notice"):
        if response is not None and tl.before(response, x):
            break
        notices.append(x)
    for v in extension_verdicts(notices, original_due, limit):
        x = v.notice
        if not v.counts:
            notes.append(
                f"Extension notice of {fmt(x.day)} came after the due date "
                f"{fmt(v.judged_against)} and does not count"
            )
        elif v.capped:
            findings.append(
                Finding(
                    x.day,
                    "EXTENSION_TOO_LONG",
                    (x.id,),
                    f"Extension of {fmt(x.day)} to "
                    f"{fmt(fields_of(x, ExtensionNoticeFields)['new_due'])} goes beyond the "
                    f"{rule.label.lower()} maximum of {rule.extension_max_wd or 0} WD "
                    f"(latest allowed {fmt(limit)})",
                )
            )
        due = v.due_after
    reopened = op.how == "reopen"
    d = tl.deadline(
        kind="complaint_response",
        key=f"complaint_response:{c.id}:{n}" + (f":{trigger.id}" if reopened else ""),
        label=f"{rule.label} response" + (" (reopened)" if reopened else ""),
        trigger=trigger,
        due=due,
        policy=policy,
        met_event=response,
        started_on=base,
        stage=n,
        complaint=c.id,
        detail=f"{rule.label} response due {rule.response_wd} WD after {basis}"
        + (f", extended to {fmt(due)}" if due != original_due else ""),
    )
    d = d.with_(original_due=original_due, notes=d.notes + tuple(notes))
    out.append(_closed_by(d, op))
    return out


def outstanding_items(response: Event) -> list[tuple[int, str, dt.date]]:
    """The (position, text, due) of each well-formed outstanding action of a response."""
    out = []
    for i, item in enumerate(fields_of(response, ComplaintResponseFields)["outstanding"] or ()):
        if not isinstance(item, Mapping):
            continue
        text, due = item.get("text"), item.get("due")
        if not isinstance(text, str) or not text.strip() or not isinstance(due, str):
            continue
        try:
            out.append((i, text, dt.date.fromisoformat(due)))
        except ValueError:
            continue
    return out


def remedy_actions(tl: Timeline, c: Complaint) -> list[Deadline]:
    """Actions a response promised to put things right, each owed by its date until done.

    Done = an ``action_done`` whose ``plan`` is the response and ``action`` its text.
    They outlive the complaint's (and the case's) closure: they are promises to the resident.
    """
    out = []
    for r, f in typed(c.events, ComplaintResponseFields):
        for i, text, due in outstanding_items(r):
            out.append(
                tl.deadline(
                    kind="remedy_action",
                    key=f"remedy_action:{r.id}:{i}",
                    label=f"Put right: {text}",
                    trigger=r,
                    due=due,
                    policy=tl.policy_at(r),
                    met_types=("action_done",),
                    met=lambda e, rid=r.id, t=text: _done(e, rid, t),
                    stage=f["stage"],
                    complaint=c.id,
                    detail=f"Stage {f['stage']} response of {fmt(r.day)} promised "
                    f"'{text}' by {fmt(due)}",
                )
            )
    return out


def _done(e: Event, plan: str, action: str) -> bool:
    """Whether ``e`` records the action ``action`` of ``plan`` as done."""
    if e.type != "action_done":
        return False
    f = fields_of(e, ActionDoneFields)
    return f["plan"] == plan and f["action"] == action


def _conflicts(tl: Timeline, c: Complaint) -> list[Finding]:
    """Nobody handles a complaint about themselves; a later stage is handled by someone new.

    Handling includes being assigned the complaint and contacting the resident about
    it (seed 001, 8 Aug 2024); deciding is responding or refusing in writing.
    """
    out: list[Finding] = []
    received = fields_of(c.received, ComplaintReceivedFields)
    about = received["about_officer"]
    if about:
        about_it = [
            e
            for e, f in typed(tl.after(c.received), ContactFields)
            if f["topic"] == "complaint" and f["direction"] == "out"
        ]
        for e in sorted([c.received, *c.events, *about_it], key=lambda x: tl.index[x.id]):
            if _person(e) == about:
                action = ACTION_WORDS.get(e.type, "decided by")
                out.append(
                    Finding(
                        e.day,
                        "CONFLICT_OF_INTEREST",
                        (e.id,),
                        f"Complaint about {about} was {action} {about} on {fmt(e.day)}",
                    )
                )
    deciders: dict[int, str] = {}  # stage -> who first decided it
    assigned: dict[int, str] = {}  # stage -> its handler
    if received["handler"]:
        assigned[received["stage"]] = received["handler"]
    for e in c.events:
        if e.type == "complaint_assigned":
            assignment = fields_of(e, ComplaintAssignedFields)
            stage, who = assignment["stage"], assignment["handler"]
            assigned[stage] = who
            earlier = {d for s, d in deciders.items() if s < stage}
            if who in earlier and who != about:
                out.append(
                    Finding(
                        e.day,
                        "CONFLICT_OF_INTEREST",
                        (e.id,),
                        f"Stage {stage} was assigned on {fmt(e.day)} to {who}, "
                        "who decided an earlier stage",
                    )
                )
            continue
        if e.type not in DECISIONS or not e.by:
            continue
        given: int | None = e.f.get("stage")  # the decision types: a refusal has no stage
        if given is None:  # a refusal to accept: the stage the complaint is at then
            given = received["stage"]
            for x in c.events:
                if x is e:
                    break
                if x.type == "escalation_request":
                    given = fields_of(x, EscalationRequestFields)["stage"]
        stage = given
        earlier = {d for s, d in deciders.items() if s < stage}
        if e.by in earlier and e.by != about:
            out.append(
                Finding(
                    e.day,
                    "CONFLICT_OF_INTEREST",
                    (e.id,),
                    f"Stage {stage} {DECISIONS[e.type]} of {fmt(e.day)} was decided by {e.by}, "
                    "who decided an earlier stage",
                )
            )
        deciders.setdefault(stage, e.by)
    return out


ACTION_WORDS = {
    "complaint_ack": "acknowledged by",
    "contact": "handled by",
    "extension_notice": "handled by",
    "complaint_received": "assigned to",
    "complaint_assigned": "assigned to",
}
DECISIONS = {
    "complaint_response": "response",
    "escalation_refused": "refusal to escalate",
    "complaint_refused": "refusal",
}


def _person(e: Event) -> str | None:
    if e.type == "complaint_received":
        return fields_of(e, ComplaintReceivedFields)["handler"]
    if e.type == "complaint_assigned":
        return fields_of(e, ComplaintAssignedFields)["handler"]
    return e.f.get("by")  # "by" is shared by the other types
