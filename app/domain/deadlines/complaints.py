"""Complaint deadlines and rules (DOMAIN_RULES.md §2, §8).

Each ``complaint_received`` starts a complaint; its events either name it
(``complaint``) or belong to the latest complaint received before them. Each
stage is opened by the receipt (first stage) or by an escalation request, and
owes an acknowledgement and a response by the policy's timescales.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.deadlines.model import CLOSED, OPEN, Deadline, Finding
from app.domain.deadlines.timeline import Timeline, fmt
from app.domain.events import COMPLAINT_EVENT_TYPES, Event


@dataclass(frozen=True)
class Complaint:
    received: Event
    events: tuple[Event, ...]  # its own events, in order (receipt excluded)

    @property
    def id(self) -> str:
        return self.received.id


def group_complaints(tl: Timeline) -> list[Complaint]:
    received = tl.of_type("complaint_received")
    members: dict[str, list[Event]] = {c.id: [] for c in received}
    latest: Event | None = None
    for e in tl.events:
        if e.type == "complaint_received":
            latest = e
            continue
        if e.type not in COMPLAINT_EVENT_TYPES:
            continue
        target = e.f.get("complaint") or (latest.id if latest else None)
        if target in members:
            members[target].append(e)
    return [Complaint(c, tuple(members[c.id])) for c in received]


def _stage_events(
    c: Complaint, tl: Timeline, trigger: Event, stage: int, *types: str
) -> list[Event]:
    return [
        e for e in c.events if e.type in types and e.f["stage"] == stage and tl.before(trigger, e)
    ]


def complaint_rules(tl: Timeline) -> tuple[list[Deadline], list[Finding]]:
    deadlines: list[Deadline] = []
    findings: list[Finding] = []
    for c in group_complaints(tl):
        openings: list[tuple[int, Event, bool]] = [(c.received.f["stage"], c.received, False)]
        asked: set[int] = set()
        for e in c.events:
            if e.type == "escalation_request" and e.f["stage"] not in asked:
                asked.add(e.f["stage"])
                openings.append((e.f["stage"], e, True))
        for number, trigger, escalated in openings:
            deadlines.extend(_stage(tl, c, number, trigger, escalated, findings))
        findings.extend(_conflicts(tl, c))
    return deadlines, findings


def _stage(
    tl: Timeline, c: Complaint, n: int, trigger: Event, escalated: bool, findings: list[Finding]
) -> list[Deadline]:
    policy = tl.policy_at(trigger)
    rule = policy.stage(n)
    if rule is None:
        return []
    cal = policy.calendar
    out: list[Deadline] = []
    acks = _stage_events(c, tl, trigger, n, "complaint_ack")
    refusals = _stage_events(c, tl, trigger, n, "escalation_refused") if escalated else []
    ack = acks[0] if acks else None
    refusal = refusals[0] if refusals else None
    ack_due = None
    if rule.ack_wd is not None:
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
        responses = _stage_events(c, tl, trigger, n, "complaint_response")
        if ack_deadline.status == OPEN and responses:
            # Responding without acknowledging first ends the acknowledgement (late if after its due date).
            ack_deadline = ack_deadline.with_(
                status=CLOSED,
                closed_on=responses[0].day,
                notes=(*ack_deadline.notes, f"response sent {fmt(responses[0].day)} without one"),
            )
        out.append(ack_deadline)
    if refusal is not None and (ack is None or tl.before(refusal, ack)):
        return out  # refused in writing: no response owed at this stage
    if rule.response_wd is None:
        return out
    if rule.response_from == "ack" and ack_due is not None:
        base = ack.day if ack is not None and ack.day < ack_due else ack_due
        basis = "the acknowledgement (or the date it was due)"
    else:
        base = trigger.day
        basis = "receipt" if not escalated else "the escalation request"
    original_due = cal.add_working_days(base, rule.response_wd)
    responses = _stage_events(c, tl, trigger, n, "complaint_response")
    response = responses[0] if responses else None
    due = original_due
    limit = cal.add_working_days(original_due, rule.extension_max_wd or 0)
    notes: list[str] = []
    for x in _stage_events(c, tl, trigger, n, "extension_notice"):
        if response is not None and tl.before(response, x):
            break
        if x.day > due:
            notes.append(
                f"Extension notice of {fmt(x.day)} came after the due date {fmt(due)} and does not count"
            )
            continue
        new_due = x.f["new_due"]
        if new_due > limit:
            findings.append(
                Finding(
                    x.day,
                    "EXTENSION_TOO_LONG",
                    (x.id,),
                    f"Extension of {fmt(x.day)} to {fmt(new_due)} goes beyond the {rule.label.lower()} "
                    f"maximum of {rule.extension_max_wd or 0} WD (latest allowed {fmt(limit)})",
                )
            )
            new_due = limit
        if new_due > due:
            due = new_due
    d = tl.deadline(
        kind="complaint_response",
        key=f"complaint_response:{c.id}:{n}",
        label=f"{rule.label} response",
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
    out.append(d.with_(original_due=original_due, notes=d.notes + tuple(notes)))
    return out


def _conflicts(tl: Timeline, c: Complaint) -> list[Finding]:
    """Nobody handles a complaint about themselves; stage 2 is decided by someone new.

    Handling includes contacting the resident about the complaint (seed 001, 8 Aug 2024).
    """
    out: list[Finding] = []
    about = c.received.f.get("about_officer")
    if about:
        about_it = [
            e
            for e in tl.after(c.received)
            if e.type == "contact" and e.f.get("topic") == "complaint" and e.f["direction"] == "out"
        ]
        for e in sorted([*c.events, *about_it], key=lambda x: tl.index[x.id]):
            if e.f.get("by") == about:
                action = {"complaint_ack": "acknowledged", "contact": "handled"}.get(
                    e.type, "decided"
                )
                out.append(
                    Finding(
                        e.day,
                        "CONFLICT_OF_INTEREST",
                        (e.id,),
                        f"Complaint about {about} was {action} by {about} on {fmt(e.day)}",
                    )
                )
    responders: dict[int, str] = {}
    for e in c.events:
        if e.type != "complaint_response":
            continue
        stage = e.f["stage"]
        earlier = [who for s, who in responders.items() if s < stage]
        if e.by in earlier and e.by != about:
            out.append(
                Finding(
                    e.day,
                    "CONFLICT_OF_INTEREST",
                    (e.id,),
                    f"Stage {stage} response of {fmt(e.day)} was decided by {e.by}, "
                    "who decided an earlier stage",
                )
            )
        responders.setdefault(stage, e.by)
    return out
