"""The merge values a letter draws from its case: resident, officer, complaint, deadlines, money, ASB.

Built from the case's events and the deadlines the engine derives from them, so
a letter says exactly what the case view shows. A field with no value for this
case is left out with the reason (``missing``), which the letter reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.calendar import LONDON
from app.domain.compensation import money
from app.domain.complaint_record import ComplaintState, complaint_states
from app.domain.complaint_rules import (
    DECISION_WORDS,
    ExtensionWindow,
    escalation_text,
    extension_window,
    ombudsman_line,
)
from app.domain.deadlines import derive
from app.domain.deadlines.other import SUBJECT_WORDS
from app.domain.events import Event
from app.domain.payloads import (
    ActionPlanAgreedFields,
    ArrearsCheckFields,
    AsbReportFields,
    CaseClosedFields,
    HazardInvestigatedFields,
    HazardReportedFields,
    HomeVisitRequestFields,
    RequestDecidedFields,
    RequestMadeFields,
    RiskAssessmentFields,
    fields_of,
)
from app.domain.policy import Policy
from app.letters.compose import LetterContext
from app.letters.document import Bullets, Organisation, Point, Signature, Table
from app.letters.merge import Value, gap
from app.services.convert import case_info_from_row, events_from_rows
from app.services.people import title_of
from app.services.recompute import case_history, policy_history
from app.store.models import Case, Officer

VISIT_REASONS = {
    "harassment": "harassment",
    "domestic_violence": "domestic abuse",
    "other": "your request",
}


def long_date(day: dt.date) -> str:
    """'24 June 2025' (letters spell dates out; the weekday helps for near dates)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def plain_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def address_lines(address: str | None) -> tuple[str, ...]:
    if not address or not address.strip():
        return ()
    parts = address.replace("\r", "").split("\n") if "\n" in address else address.split(",")
    return tuple(p.strip() for p in parts if p.strip())


@dataclass
class CaseFacts:
    """What one read of the case gives every letter on it (inside a read session)."""

    case: Case
    events: list[Event]
    policy: Policy
    states: list[ComplaintState]
    deadlines: list[Any]
    officers: dict[str, Officer] = field(default_factory=dict)

    def complaint(self, complaint_id: str | None) -> ComplaintState | None:
        if not self.states:
            return None
        if complaint_id is None:
            return self.states[-1]
        return next((s for s in self.states if s.id == complaint_id), None)

    def latest(self, etype: str) -> Event | None:
        found = [e for e in self.events if e.type == etype]
        return found[-1] if found else None

    def person(self, username: str | None) -> str:
        if not username:
            return ""
        if username == "resident":
            return "You"
        o = self.officers.get(username)
        return (o.name or username) if o is not None else username


def read_facts(s: Session, ws, case: Case) -> CaseFacts:
    info = case_info_from_row(case)
    events = events_from_rows(case_history(s, case))
    history = policy_history(ws.registry, case)
    states = complaint_states(info, events, history)
    deadlines = list(derive(info, events, history).deadlines)
    # Every person on record (a few dozen rows): whoever signs, decided or owns an action has a name.
    officers = {o.username: o for o in s.scalars(select(Officer))}
    return CaseFacts(
        case,
        events,
        history.current,
        states,
        deadlines,
        officers,
    )


@dataclass(frozen=True)
class Inputs:
    """A letter's structured inputs, normalised (``content['inputs']``)."""

    points: tuple[dict[str, str], ...] = ()
    outstanding: tuple[tuple[str, dt.date | None], ...] = ()
    compensation: tuple[tuple[str, Decimal | None, str], ...] = ()  # head, amount, reason
    values: Mapping[str, str] = field(default_factory=dict)  # extension.*, refusal.*, visit.*


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def read_inputs(raw: Mapping[str, Any]) -> Inputs:
    from app.domain.compensation import CompensationError, to_amount

    points = tuple(
        {k: str(p.get(k, "") or "") for k in ("point", "decision", "reasons")}
        for p in raw.get("points") or ()
        if isinstance(p, dict)
    )
    outstanding = tuple(
        (str(a.get("text", "") or ""), _date(a.get("due")))
        for a in raw.get("outstanding") or ()
        if isinstance(a, dict)
    )
    comp = []
    for c in raw.get("compensation") or ():
        if not isinstance(c, dict):
            continue
        try:
            amount = to_amount(c.get("amount")) if c.get("amount") not in (None, "") else None
        except CompensationError:
            amount = None
        comp.append((str(c.get("head", "")), amount, str(c.get("reason", "") or "")))
    values = {k: str(v) for k, v in raw.items() if "." in k and isinstance(v, str)}
    return Inputs(points, outstanding, tuple(comp), values)


def head_label(policy: Policy, head: str) -> str:
    matrix = policy.compensation
    return matrix.label(head) if matrix is not None else head.replace("_", " ").capitalize()


def compensation_table(policy: Policy, items: Sequence[tuple[str, Decimal | None, str]]) -> Table:
    rows = tuple((head_label(policy, h), reason, money(a or 0)) for h, a, reason in items)
    total = sum((a or Decimal(0) for _, a, _ in items), Decimal(0))
    return Table(
        header=("What it is for", "Why", "Amount"),
        rows=rows,
        total=("Total", "", money(total)) if len(rows) > 1 else None,
        widths=(1.3, 3.2, 0.9),
        align_last_right=True,
    )


class _Values:
    def __init__(self, agreed: dt.date | None = None) -> None:
        self.values: dict[str, Value] = {}
        self.missing: dict[str, str] = {}
        self.agreed = agreed  # a date agreed with the resident (the "promise" detail)

    def put(self, name: str, value: Value | None, why_missing: str) -> None:
        if value is None or value == "" or value == ():
            self.missing[name] = why_missing
        else:
            self.values[name] = value

    def promise(self, name: str, due: dt.date | None, day: dt.date, why_missing: str) -> None:
        """A date the letter promises something by: never one already past on the letter's date
        (a computed date in the past is a gap the officer must settle, not a broken promise)."""
        if due is not None and due < day:
            if self.agreed is not None and self.agreed >= day:
                self.values[name] = long_date(self.agreed)
                return
            self.missing[name] = (
                f"it works out to {long_date(due)}, which is before the letter's date "
                f"({plain_date(day)}): agree a new date with the resident and enter it in the "
                "letter's details"
            )
            return
        self.put(name, long_date(due) if due else None, why_missing)


def _complaint_values(
    v: _Values, f: CaseFacts, state: ComplaintState | None, day: dt.date, signer_name: str
) -> None:
    policy = state.policy if state is not None else f.policy
    o = policy.ombudsman
    v.put("ombudsman.name", o.name, "")
    v.put("ombudsman.details", ombudsman_line(policy).removeprefix(f"{o.name}, "), "")
    v.put("complaint.definition", policy.complaint_definition, "the policy has no definition")
    none = "this case has no complaint"
    if state is None:
        for name in (
            "complaint.received",
            "complaint.summary",
            "complaint.points",
            "complaint.stage",
            "complaint.handler",
            "complaint.ack_due",
            "complaint.response_due",
            "complaint.response_days",
            "escalation.requested",
            "escalation.summary",
            "escalation.next_stage",
            "escalation.route",
            "extension.old_due",
            "refusal.requested",
        ):
            v.put(name, None, none)
        return
    s = state.current
    cal = policy.calendar
    v.put("complaint.received", plain_date(state.received.day), "")
    v.put(
        "complaint.summary",
        state.received.summary.strip(),
        "the complaint was recorded without a summary",
    )
    v.put(
        "complaint.points",
        Bullets(state.points) if state.points else None,
        "no points of complaint were recorded with it",
    )
    v.put("complaint.stage", s.label[:1].lower() + s.label[1:], "")
    # At the first stage whoever writes the letter handles it unless someone is assigned; a later
    # stage needs an assigned handler (never whoever decided an earlier stage).
    handler = (
        f.person(s.handler)
        if s.handler
        else (signer_name if s.number == policy.first_stage else None)
    )
    v.put(
        "complaint.handler",
        handler,
        f"nobody is assigned to {s.label.lower()}: a manager assigns a handler who did not decide an earlier stage",
    )
    ack_due = s.ack_deadline.due if s.ack_deadline is not None else None
    v.put(
        "complaint.ack_due",
        long_date(ack_due) if ack_due else None,
        "this stage needs no acknowledgement",
    )
    response_due = None
    d = s.response_deadline
    if (
        s.ack is None
        and s.rule.response_from == "ack"
        and ack_due is not None
        and s.rule.response_wd
    ):
        # Not acknowledged yet: the response is due counted from the acknowledgement this
        # letter is (today), or from the date it was due if that is earlier.
        response_due = cal.add_working_days(min(day, ack_due), s.rule.response_wd)
    elif d is not None and d.due is not None:
        response_due = d.due
    elif s.rule.response_wd is not None:
        response_due = cal.add_working_days(s.opened.day, s.rule.response_wd)
    v.promise("complaint.response_due", response_due, day, f"{s.label} has no response timescale")
    v.put(
        "complaint.response_days",
        f"{s.rule.response_wd} working days" if s.rule.response_wd else None,
        f"{s.label} has no response timescale",
    )
    escalated = s.how == "escalation"
    v.put(
        "escalation.requested",
        plain_date(s.opened.day) if escalated else None,
        "the resident has not asked to escalate this complaint",
    )
    v.put(
        "escalation.summary",
        s.opened.summary.strip() if escalated else None,
        "the resident has not asked to escalate this complaint"
        if not escalated
        else "the escalation request was recorded without a summary",
    )
    nxt = policy.next_stage(s.number)
    v.put("escalation.next_stage", nxt.label if nxt else None, f"{s.label} is the final stage")
    v.put("escalation.route", escalation_text(policy, s.number), "")
    win: ExtensionWindow | None = extension_window(state)
    v.put(
        "extension.old_due",
        long_date(win.due) if win else None,
        "no response is due that could be extended",
    )
    v.put("refusal.requested", plain_date(s.opened.day), "")


def _asb_values(v: _Values, f: CaseFacts, day: dt.date) -> None:
    policy = f.policy
    cal = policy.calendar
    report = f.latest("asb_report")
    no_report = "this case has no ASB report"
    v.put("asb.reported", plain_date(report.day) if report else None, no_report)
    v.put(
        "asb.summary",
        report.summary.strip() if report else None,
        no_report if report is None else "the report was recorded without a summary",
    )
    assessment = f.latest("risk_assessment")
    tier = (
        fields_of(assessment, RiskAssessmentFields)["tier"]
        if assessment
        else (
            policy.hint_tiers[fields_of(report, AsbReportFields)["risk_hint"]] if report else None
        )
    )
    v.put("asb.risk", tier, no_report)
    due = None
    if report is not None:
        d = next((x for x in f.deadlines if x.key == f"risk_assessment:{report.id}"), None)
        due = d.due if d is not None else None
    v.promise("asb.assess_by", due, day, no_report)
    plan = f.latest("action_plan_agreed")
    agreement = fields_of(plan, ActionPlanAgreedFields) if plan else None
    interval = (
        agreement["update_every_wd"]
        if agreement
        else (policy.tiers[tier].update_every_wd if tier else None)
    )
    v.put("asb.contact_every", f"every {interval} working days" if interval else None, no_report)
    v.promise(
        "asb.next_update", cal.add_working_days(day, interval) if interval else None, day, no_report
    )
    no_plan = "no action plan has been agreed on this case"
    agreed = (
        (agreement["agreed_on"] or plan.day) if plan is not None and agreement is not None else None
    )
    v.put("asb.plan_agreed", plain_date(agreed) if agreed else None, no_plan)
    if agreement is not None:
        rows = tuple((a.text, f.person(a.owner), plain_date(a.due)) for a in agreement["actions"])
        v.put(
            "asb.plan_actions",
            Table(("What will be done", "Who", "By when"), rows, widths=(3.2, 1.4, 1.2)),
            no_plan,
        )
    else:
        v.put("asb.plan_actions", None, no_plan)
    visit = f.latest("home_visit_request")
    no_visit = "no home visit has been requested on this case"
    v.put("visit.requested", plain_date(visit.day) if visit else None, no_visit)
    vd = next(
        (x for x in f.deadlines if visit is not None and x.key == f"home_visit:{visit.id}"), None
    )
    v.put("visit.due", long_date(vd.due) if vd is not None and vd.due else None, no_visit)
    reason = fields_of(visit, HomeVisitRequestFields)["reason"] if visit else None
    v.put("visit.reason", VISIT_REASONS.get(reason) if reason is not None else None, no_visit)
    closed = f.latest("case_closed")
    v.put(
        "closure.date", plain_date(closed.day) if closed else None, "the case has not been closed"
    )
    v.put(
        "closure.outcome",
        fields_of(closed, CaseClosedFields)["outcome"] if closed else None,
        "the case has not been closed",
    )


def _safety_values(v: _Values, f: CaseFacts) -> None:
    """Hazard, decision and arrears fields, from the latest such event on the case."""
    inv = f.latest("hazard_investigated")
    found = fields_of(inv, HazardInvestigatedFields) if inv else None
    # "answers" of an investigation names a hazard_reported (the schema checks it)
    report = next((e for e in f.events if found is not None and e.id == found["answers"]), None)
    hazard = fields_of(report, HazardReportedFields) if report else None
    none = "no hazard on this case has been investigated yet"
    rules = f.policy.hazards
    name = rules.name_of(hazard["hazard"]) if hazard else None
    v.put("hazard.name", name[0].lower() + name[1:] if name else None, none)  # mid-sentence
    v.put(
        "hazard.location",
        hazard["location"] if hazard else None,
        none if report is None else "no location was recorded with the report",
    )
    v.put("hazard.reported", plain_date(report.day) if report else None, none)
    v.put("hazard.investigated", plain_date(inv.day) if inv else None, none)
    v.put("hazard.finding", found["finding"].strip() if found else None, none)
    clocks = {d.kind: d for d in f.deadlines if report is not None and d.started_by == report.id}
    safety, works = clocks.get("hazard_safety"), clocks.get("hazard_works_target")
    safe_by = None
    if safety is not None and safety.due_at is not None:
        local = safety.due_at.astimezone(LONDON)
        safe_by = f"{local:%H:%M} on {plain_date(local.date())}"
    elif safety is not None and safety.due is not None:
        safe_by = long_date(safety.due)
    v.put("hazard.safe_by", safe_by, none)
    v.put(
        "hazard.works_by",
        long_date(works.due) if works is not None and works.due else None,
        none if report is None else "no preventative works are owed for this hazard",
    )
    decided = f.latest("request_decided")
    decision = fields_of(decided, RequestDecidedFields) if decided else None
    # "answers" of a decision names a request_made (the schema checks it)
    asked = next(
        (e for e in f.events if decision is not None and e.id == decision["answers"]), None
    )
    no_decision = "no request on this case has been decided yet"
    v.put(
        "request.subject",
        SUBJECT_WORDS[fields_of(asked, RequestMadeFields)["subject"]] if asked else None,
        no_decision,
    )
    v.put("request.made", plain_date(asked.day) if asked else None, no_decision)
    v.put("decision.text", decision["decision"] if decision else None, no_decision)
    v.put("decision.reasons", decision["reasons"] if decision else None, no_decision)
    v.put("decision.date", plain_date(decided.day) if decided else None, no_decision)
    check = f.latest("arrears_check")
    no_check = "the rent account has not been checked on this case"
    balance = fields_of(check, ArrearsCheckFields)["balance"] if check else None
    v.put(
        "arrears.balance",
        money(balance) if balance is not None else None,
        no_check if check is None else "the latest check recorded no balance",
    )
    v.put("arrears.checked", plain_date(check.day) if check else None, no_check)


def _input_values(
    v: _Values, f: CaseFacts, policy: Policy, inputs: Inputs, day: dt.date
) -> tuple[Point, ...]:
    entered = "enter it in the letter's details"
    new_due = _date(inputs.values.get("extension.new_due"))
    v.promise("extension.new_due", new_due, day, entered)
    for name in ("extension.reason", "refusal.reason", "visit.when", "works.schedule"):
        v.put(name, (inputs.values.get(name) or "").strip(), entered)
    points = tuple(
        Point(
            i + 1,
            p["point"].strip(),
            DECISION_WORDS.get(p["decision"], "Not yet decided"),
            p["reasons"].strip(),
        )
        for i, p in enumerate(p for p in inputs.points if p["point"].strip())
    )
    v.put("response.points", points, "no points are decided yet")
    actions = tuple(
        f"{text.strip()} — by {plain_date(due)}" if due else text.strip()
        for text, due in inputs.outstanding
        if text.strip()
    )
    v.put(
        "response.actions",
        Bullets(actions) if actions else None,
        "no actions are entered: add them, or delete the line if there are none",
    )
    items = [c for c in inputs.compensation if c[0]]
    total = sum((a or Decimal(0) for _, a, _ in items), Decimal(0))
    v.put(
        "compensation.table",
        compensation_table(policy, items) if items else None,
        "no compensation is entered: add it, or delete the line if none is offered",
    )
    v.put("compensation.total", money(total) if items else None, "no compensation is entered")
    return points


def build_context(
    f: CaseFacts,
    *,
    organisation: Organisation,
    inputs: Inputs,
    complaint_id: str | None,
    number: int,
    day: dt.date,
    signer: str,
    template_title: str,
) -> LetterContext:
    case = f.case
    r = case.resident
    officer = f.officers.get(signer)
    # Signed by a person on record, by name and job title, never by a login name.
    signer_name = (officer.name or "").strip() if officer is not None else ""
    title = title_of(officer)
    v = _Values(_date(inputs.values.get("promise.agreed")))
    reference = f"{case.ref}/{number}"
    v.put("today", plain_date(day), "")
    v.put("letter.ref", reference, "")
    v.put("case.ref", case.ref, "")
    v.put("resident.name", r.name.strip(), "the resident's name is not recorded")
    lines = address_lines(r.address)
    v.put("resident.address", ", ".join(lines), "the resident has no postal address recorded")
    unsigned = (
        f"{signer!r} has no name on record: add it in People, or act as a named person"
        if officer is not None
        else f"{signer!r} is not a person in this database: act as one of its people (--user)"
    )
    v.put("officer.name", signer_name, unsigned)
    v.put("officer.title", title, unsigned)
    v.put(
        "officer.email",
        officer.email if officer is not None and officer.email else organisation.email,
        "the officer has no email address recorded",
    )
    v.put("org.name", organisation.name, "")
    v.put(
        "org.phone",
        organisation.phone,
        "the organisation has no phone number: add it in File › Organisation details",
    )
    v.put(
        "org.email",
        organisation.email,
        "the organisation has no email address: add it in File › Organisation details",
    )
    v.put("org.website", organisation.website, "the organisation has no website")
    v.put("org.address", organisation.one_line_address(), "the organisation has no address")
    state = f.complaint(complaint_id)
    _complaint_values(v, f, state, day, signer_name)
    _asb_values(v, f, day)
    _safety_values(v, f)
    points = _input_values(v, f, state.policy if state is not None else f.policy, inputs, day)
    contact = tuple(
        x for x in (v.values.get("officer.email"), organisation.phone) if isinstance(x, str) and x
    )
    return LetterContext(
        values=v.values,
        missing=v.missing,
        organisation=organisation,
        recipient=(r.name.strip(), *lines),
        reference=reference,
        date_text=plain_date(day),
        signature=Signature("Yours sincerely,", signer_name or gap(unsigned), title, contact),
        points=points,
        author=f"{signer_name}, {organisation.name}",
        keywords=(case.ref, template_title),
        present=frozenset(
            name
            for name, rows in (
                ("outstanding", [t for t, _ in inputs.outstanding if t.strip()]),
                ("compensation", [c for c in inputs.compensation if c[0]]),
                ("points", [p for p in inputs.points if p["point"].strip()]),
            )
            if rows
        ),
    )
