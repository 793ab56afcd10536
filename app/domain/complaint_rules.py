"""The rules every complaint action must keep (DOMAIN_RULES.md §2-3), checked before it is recorded.

Each ``check_*`` raises ``RuleBroken`` naming the rule and saying what to do instead;
the services turn it into the error the person sees. Nothing here reads a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.case_review import months_before
from app.domain.complaint_record import ComplaintState, StageState
from app.domain.deadlines.complaints import latest_extension
from app.domain.deadlines.timeline import fmt
from app.domain.policy import Policy

DECISIONS = ("upheld", "partly_upheld", "not_upheld")
DECISION_WORDS = {"upheld": "Upheld", "partly_upheld": "Partly upheld", "not_upheld": "Not upheld"}

RULES = {
    "conflict": "conflict of interest: nobody handles or decides a complaint about their own conduct",
    "new_handler": "conflict of interest: a later stage is handled by someone who did not decide an earlier one",
    "twelve_months": "12-month rule: older matters are accepted only with a reason, or refused in writing",
    "extension_before_due": "an extension counts only if the resident is told in writing before the due date it extends",
    "extension_max": "an extension may not go beyond the stage's maximum",
    "checklist": "a response states each decision with reasons, the remedy, what is outstanding and how to escalate",
    "final_stage": "the final stage cannot be escalated; the resident may go to the Ombudsman",
    "escalation": "an escalation request is acknowledged, or refused in writing with reasons and the Ombudsman's details",
    "dates": "a complaint's events happen in order",
    "lifecycle": "complaint stages follow the policy's procedure",
    "lessons": "lessons learnt are recorded when a complaint is closed",
}


class RuleBroken(ValueError):
    """An action the complaint rules do not allow. ``permission``: refused because of who acts."""

    def __init__(self, rule: str, message: str, permission: bool = False):
        self.rule = rule
        self.permission = permission
        super().__init__(f"{message} (Rule: {RULES[rule]}.)")


def ombudsman_line(policy: Policy) -> str:
    o = policy.ombudsman
    return f"{o.name}, {', '.join(o.address)}; {o.phone}; {o.email}; {o.website}"


def escalation_text(policy: Policy, stage: int) -> str:
    """What a response at ``stage`` tells the resident about escalating (pre-filled, editable)."""
    nxt = policy.next_stage(stage)
    omb = ombudsman_line(policy)
    if nxt is None:
        return (
            "This is our final response. If you remain dissatisfied you can refer your "
            f"complaint to the {policy.ombudsman.name}: {omb}."
        )
    window = (
        f" within {nxt.request_window_days} days of this letter" if nxt.request_window_days else ""
    )
    return (
        f"If you are not satisfied with this response you can ask us to escalate your complaint "
        f"to {nxt.label}{window}; tell us why. You can also contact the "
        f"{policy.ombudsman.name} at any time: {omb}."
    )


# -- who may act -------------------------------------------------------------------------------------


def check_person(state: ComplaintState, person: str | None, doing: str) -> None:
    """Nobody acts on a complaint about their own conduct."""
    about = state.about_officer
    if person and about and person == about:
        raise RuleBroken(
            "conflict",
            f"Refused: this complaint is about {about}, so {about} cannot {doing} it. "
            "A manager can assign another officer.",
            permission=True,
        )


def check_new_decider(state: ComplaintState, stage: int, person: str | None, doing: str) -> None:
    """A later stage is not handled or decided by whoever decided an earlier stage."""
    if person and person in state.deciders(before_stage=stage):
        raise RuleBroken(
            "new_handler",
            f"Refused: {person} decided an earlier stage of this complaint, so cannot {doing} "
            f"stage {stage}. A manager can assign another officer.",
            permission=True,
        )


# -- dates ---------------------------------------------------------------------------------------------


def check_after(day: dt.date, earlier: dt.date, what: str, earlier_what: str) -> None:
    if day < earlier:
        raise RuleBroken(
            "dates",
            f"The {what} date ({fmt(day)}) is before {earlier_what} ({fmt(earlier)}); "
            "check the date. Nothing was saved.",
        )


def _stage_start(stage: StageState) -> dt.date:
    return stage.opened.day


def check_open(state: ComplaintState, doing: str) -> None:
    if state.closed is not None:
        raise RuleBroken(
            "lifecycle",
            f"The complaint was closed on {fmt(state.closed.day)}; reopen it (with a reason) "
            f"before you {doing} it.",
        )


# -- receipt ----------------------------------------------------------------------------------------------


def check_receipt(
    policy: Policy,
    received: dt.date,
    matter_date: dt.date | None,
    late_reason: str | None,
    about: str | None,
    handler: str | None,
    stage: int,
) -> None:
    if policy.stage(stage) is None:
        numbers = ", ".join(str(s.number) for s in policy.stages)
        raise RuleBroken("lifecycle", f"{policy.title} has no stage {stage} (stages: {numbers}).")
    if matter_date is not None:
        if matter_date > received:
            raise RuleBroken(
                "dates",
                f"The matter complained about is dated {fmt(matter_date)}, after the complaint was "
                f"received ({fmt(received)}); check the date. Nothing was saved.",
            )
        oldest = months_before(received, policy.window_months)
        if matter_date < oldest and not (late_reason or "").strip():
            raise RuleBroken(
                "twelve_months",
                f"The matter complained about ({fmt(matter_date)}) is more than "
                f"{policy.window_months} months before the complaint ({fmt(received)}). Give the "
                "reason it is accepted, or record the complaint and refuse it in writing.",
            )
    if about and handler and about == handler:
        raise RuleBroken(
            "conflict",
            f"Refused: this complaint is about {about}, so it cannot be assigned to {about}. "
            "A manager can assign another officer.",
            permission=True,
        )


# -- acknowledge ---------------------------------------------------------------------------------------------


def check_ack(state: ComplaintState, day: dt.date, by: str) -> StageState:
    s = state.current
    if state.closed is not None and s.how != "escalation":
        check_open(state, "acknowledge")
    if s.how == "reopen" or s.answered or s.decided:
        when = s.ack or s.refusal or s.response
        what = f" on {fmt(when.day)}" if when is not None else ""
        raise RuleBroken(
            "lifecycle",
            f"{s.label} of this complaint has already been acknowledged or answered{what}.",
        )
    check_after(day, _stage_start(s), "acknowledgement", "the stage began")
    check_person(state, by, "acknowledge")
    return s


# -- extend ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionWindow:
    due: dt.date  # current due date (after any earlier extension)
    original_due: dt.date
    latest: dt.date  # the furthest the stage's maximum allows
    max_wd: int


def extension_window(state: ComplaintState) -> ExtensionWindow | None:
    s = state.current
    d = s.response_deadline
    if d is None or d.due is None or d.original_due is None:
        return None
    latest = latest_extension(state.policy, s.rule, d.original_due)
    return ExtensionWindow(d.due, d.original_due, latest, s.rule.extension_max_wd or 0)


def check_extension(
    state: ComplaintState, day: dt.date, new_due: dt.date, reason: str, by: str | None
) -> StageState:
    check_open(state, "extend")
    s = state.current
    win = extension_window(state)
    if win is None or not s.awaiting_response:
        raise RuleBroken(
            "lifecycle", f"{s.label} is not waiting for a response; nothing to extend."
        )
    if not reason.strip():
        raise RuleBroken(
            "extension_before_due", "Give the reason for the extension: the letter explains it."
        )
    check_after(day, _stage_start(s), "extension letter", "the stage began")
    check_person(state, by, "handle")
    if day > win.due:
        raise RuleBroken(
            "extension_before_due",
            f"The response was due on {fmt(win.due)}: an extension letter had to be sent by then. "
            "Send the response now; the audit records it as late.",
        )
    if win.max_wd == 0:
        raise RuleBroken("extension_max", f"{s.label} of {state.policy.title} allows no extension.")
    if new_due <= win.due:
        raise RuleBroken(
            "extension_max",
            f"The new date ({fmt(new_due)}) must be after the current due date ({fmt(win.due)}).",
        )
    if new_due > win.latest:
        raise RuleBroken(
            "extension_max",
            f"{fmt(new_due)} is beyond the {s.label.lower()} maximum of {win.max_wd} working days "
            f"after {fmt(win.original_due)}: the latest allowed is {fmt(win.latest)}.",
        )
    return s


def extension_warning(state: ComplaintState, today: dt.date) -> str | None:
    """'Extension letter needed by …' from N WD before a response falls due (policy number)."""
    s = state.current
    win = extension_window(state)
    if state.closed is not None or win is None or not s.awaiting_response:
        return None
    cal = state.policy.calendar
    left = cal.working_days_between(today, win.due)
    if left < 0:
        return (
            f"{s.label} response overdue since {fmt(win.due)}: too late to extend. "
            "Send the response now."
        )
    if left > state.policy.extension_warning_wd:
        return None
    room = (
        f"; the latest new date allowed is {fmt(win.latest)}"
        if win.latest > win.due
        else "; no further extension is allowed"
    )
    when = "today" if left == 0 else f"{left} WD left"
    return (
        f"{s.label} response due {fmt(win.due)} ({when}). If it cannot be sent by then, an "
        f"extension letter is needed by {fmt(win.due)}{room}."
    )


# -- escalate, refuse -------------------------------------------------------------------------------------------


def check_escalation(state: ComplaintState, day: dt.date) -> int:
    """The stage an escalation request opens; refused when there is none (final stage)."""
    s = state.current
    nxt = state.policy.next_stage(s.number)
    if nxt is None:
        closed = f", closed on {fmt(state.closed.day)}" if state.closed is not None else ""
        raise RuleBroken(
            "final_stage",
            f"{s.label} is the final stage of {state.policy.title}{closed}: there is no stage to "
            f"escalate to. The resident can refer the complaint to the {state.policy.ombudsman.name} "
            f"({ombudsman_line(state.policy)}).",
        )
    pending = state.pending_escalation
    if pending is not None:
        raise RuleBroken(
            "escalation",
            f"The resident already asked on {fmt(pending.opened.day)} to escalate to "
            f"{pending.label}; acknowledge it or refuse it in writing.",
        )
    check_after(day, _stage_start(s), "escalation request", "the current stage began")
    return nxt.number


def check_escalation_refusal(
    state: ComplaintState, day: dt.date, reason: str, by: str
) -> StageState:
    s = state.pending_escalation
    if s is None:
        raise RuleBroken("escalation", "There is no escalation request waiting for an answer.")
    if not reason.strip():
        raise RuleBroken(
            "escalation", "Give the reasons for refusing: the resident is told them in writing."
        )
    check_after(day, _stage_start(s), "refusal", "the escalation request")
    check_person(state, by, "decide")
    check_new_decider(state, s.number, by, "refuse")
    return s


def check_refusal(state: ComplaintState, day: dt.date, reason: str, by: str) -> StageState:
    """Refusing to accept a complaint (e.g. an old matter), in writing with reasons."""
    check_open(state, "refuse")
    s = state.current
    if s.decided:
        raise RuleBroken(
            "lifecycle", f"{s.label} has already been decided; it cannot be refused now."
        )
    if not reason.strip():
        raise RuleBroken("twelve_months", "Give the reasons for refusing: the letter states them.")
    check_after(day, _stage_start(s), "refusal", "the stage began")
    check_person(state, by, "decide")
    check_new_decider(state, s.number, by, "decide")
    return s


# -- close, reopen, assign ------------------------------------------------------------------------------------------


def check_close(
    state: ComplaintState, day: dt.date, outcome: str, lessons: str, withdrawn: bool
) -> None:
    check_open(state, "close")
    pending = state.pending_escalation
    if pending is not None:
        raise RuleBroken(
            "escalation",
            f"The resident asked on {fmt(pending.opened.day)} to escalate to {pending.label}; "
            "closing does not stop that clock. Acknowledge it or refuse it in writing first.",
        )
    s = state.current
    if not s.decided and not withdrawn:
        raise RuleBroken(
            "lifecycle",
            f"{s.label} has not been responded to. Send the response (or refuse the complaint in "
            "writing) first, or record that the resident withdrew it.",
        )
    if not outcome.strip():
        raise RuleBroken("lifecycle", "Give the outcome of the complaint.")
    if not lessons.strip():
        raise RuleBroken(
            "lessons", "Record the lessons learnt (or why there are none) before closing."
        )
    last = state.events[-1].day if state.events else state.received.day
    check_after(day, last, "closing", "the complaint's latest entry")


def check_reopen(state: ComplaintState, day: dt.date, reason: str) -> None:
    if state.closed is None:
        raise RuleBroken(
            "lifecycle", "The complaint is open; only a closed complaint can be reopened."
        )
    if not reason.strip():
        raise RuleBroken("lifecycle", "Give the reason the complaint is reopened.")
    check_after(day, state.closed.day, "reopening", "the closure")


def check_assign(state: ComplaintState, handler: str, stage: int | None = None) -> int:
    check_open(state, "reassign")
    stage = state.current.number if stage is None else stage
    if state.policy.stage(stage) is None:
        raise RuleBroken("lifecycle", f"{state.policy.title} has no stage {stage}.")
    if not handler.strip():
        raise RuleBroken("lifecycle", "Choose the officer who will handle the complaint.")
    check_person(state, handler, "be assigned")
    check_new_decider(state, stage, handler, "be assigned")
    return stage
