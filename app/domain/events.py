"""Case events: the schema of every event type and their validation.

The same table validates a bundle on import and an event recorded in the app,
so the two can never disagree about what an event must carry. An event keeps
its fields exactly as given (``data``, for a faithful export) and a normalised,
typed view of them (``f``: dates as ``date``, booleans defaulted to false, money
as ``Decimal``) for the deadline engine.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from app.domain.calendar import LONDON, london_date
from app.domain.hazards import CATEGORIES as HAZARD_CATEGORIES
from app.domain.policy import COMPENSATION_HEADS, REQUEST_SUBJECTS, RISK_HINTS, TIERS

CHANNELS = ("phone", "email", "letter", "visit", "portal", "in_person")
DIRECTIONS = ("in", "out")
TOPICS = ("repair", "general", "complaint")
VISIT_REASONS = ("harassment", "domestic_violence", "other")
HOLD_REASONS = ("awaiting_resident", "awaiting_partner", "no_access", "other")
INCIDENT_TYPES = (
    "threat",
    "intimidation",
    "harassment",
    "hate_incident",
    "violence",
    "nuisance",
    "noise",
    "damage",
    "drugs",
    "other",
)
RESIDENT = "resident"

# The years an event or date may fall in (London time, whatever offset it is written with):
# those the working-day calendar covers. A deadline an event starts that would fall past the
# calendar is refused by the engine, naming the case and event.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# How much of what a person wrote an error message quotes.
QUOTE_LIMIT = 80
# The largest sum of money an event may name (compensation, an order): far above any award.
MAX_AMOUNT = Decimal(10_000_000)
# Longest event id and username (the store's columns: local_id, username, actor).
MAX_ID = 80

_repr = reprlib.Repr()
_repr.maxstring = QUOTE_LIMIT
_repr.maxother = QUOTE_LIMIT
_repr.maxlevel = 2
_repr.maxlist = _repr.maxtuple = _repr.maxdict = 4


def shown(value: Any) -> str:
    """What the person wrote, quoted for a message and cut to a sensible length."""
    text = _repr.repr(value)
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def unprintable(text: str) -> str | None:
    """The first character of ``text`` that has no place in a name or reference, described
    (control and format characters such as bidi overrides, look-alike spaces, unassigned
    code points); None when there is none."""
    if text.isascii() and text.isprintable():  # the usual case, answered in C: no control
        return None  # characters, and the only ASCII space is " "
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "C" or cat in ("Zl", "Zp") or (cat == "Zs" and ch != " "):
            name = unicodedata.name(ch, "")
            return f"U+{ord(ch):04X}" + (f" {name}" if name else "")
    return None


class BundleError(ValueError):
    """Input that cannot be accepted; names the event id and field at fault."""

    def __init__(self, message: str, event_id: str | None = None, field_name: str | None = None):
        self.event_id = event_id
        self.field_name = field_name
        where = []
        if event_id is not None:
            where.append(f"event {shown(event_id)}")
        if field_name is not None:
            where.append(f"field {shown(field_name)}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass(frozen=True)
class Spec:
    kind: str  # text, enum, bool, int, count, date, money, ref, person, actions, compensation, stage, rating, object, list, texts
    required: bool = True
    choices: tuple[str, ...] = ()
    ref_types: tuple[str, ...] = ()  # for refs: the event types it may point at


# Whole-number kinds and their ranges; ``count`` allows 0 (a risk score with no factor).
WHOLE_RANGES = {"int": (1, 250), "count": (0, 10_000), "stage": (0, 10), "rating": (1, 5)}


def _req(kind: str, *choices: str) -> Spec:
    return Spec(kind, True, tuple(choices))


def _opt(kind: str, *choices: str) -> Spec:
    return Spec(kind, False, tuple(choices))


def _ref(*types: str, required: bool = True) -> Spec:
    return Spec("ref", required, (), tuple(types))


BOOL = Spec("bool", False)
COMPLAINT_REF = _ref("complaint_received", required=False)
CORRECTS = _ref(required=False)

LETTER = Spec("text", False)  # id of the stored letter this event issued
OFFICER = _opt("person")

# type -> field -> spec (beyond id, at, type, summary). From CASE_BUNDLE.md; fields and
# types marked "Doorstep" are this app's optional extensions (kept on export, ignored by
# other readers, never required).
EVENT_TYPES: dict[str, dict[str, Spec]] = {
    "contact": {
        "channel": _req("enum", *CHANNELS),
        "direction": _req("enum", *DIRECTIONS),
        "by": _req("person"),
        "dissatisfaction": BOOL,
        "callback_requested": BOOL,
        "answers": _ref(required=False),
        "topic": _opt("enum", *TOPICS),
        "corrects": CORRECTS,  # Doorstep: the entry this one corrects
        "letter": LETTER,  # Doorstep
        "template": _opt("text"),  # Doorstep: letter template issued
        "covering_for": OFFICER,  # Doorstep: logged by a cover officer for this officer
    },
    "asb_report": {
        "channel": _req("enum", *CHANNELS),
        "by": _req("person"),
        "risk_hint": _req("enum", *RISK_HINTS),
        "hate_incident": BOOL,
        "incident_type": _opt("enum", *INCIDENT_TYPES),  # Doorstep
        "perpetrator": _opt("text"),  # Doorstep
        "police_ref": _opt("text"),  # Doorstep
        "reporter": _opt("text"),  # Doorstep: who reported, when not the resident
    },
    "risk_assessment": {
        "tier": _req("enum", *TIERS),
        "by": _req("person"),
        "answers": _opt("object"),  # Doorstep: the structured questions and answers
        "score": Spec("count", False),  # Doorstep: 0 when no risk factor applies
        "reasons": _opt("text"),  # Doorstep: reasoning shown with the tier
    },
    "vulnerability_plan": {
        "adjustments": _req("text"),
        "member": _opt("text"),  # Doorstep: household member (resident, son, ...)
        "vulnerability": _opt("text"),  # Doorstep
        "preferred_channel": _opt("enum", *CHANNELS),  # Doorstep
        "contact_times": _opt("text"),  # Doorstep
        "interpreter": _opt("text"),  # Doorstep: language
        "communication": _opt("text"),  # Doorstep: communication style
    },
    "action_plan_agreed": {
        "actions": _req("actions"),
        "update_every_wd": _req("int"),
        "agreed_on": _opt("date"),  # Doorstep: agreed with the resident on
        "supersedes": _ref("action_plan_agreed", required=False),  # Doorstep
        "letter": LETTER,
    },
    "action_done": {
        # An agreed plan's action, or (Doorstep) an action promised in a complaint response
        "plan": _ref("action_plan_agreed", "complaint_response"),
        "action": _req("text"),
        "notes": _opt("text"),
    },
    "complaint_offered": {"accepted": BOOL, "answers": _ref(required=False)},
    "complaint_received": {
        "channel": _req("enum", *CHANNELS),
        "about_officer": _opt("person"),
        "stage": _req("stage"),
        "matter_date": _opt("date"),  # Doorstep: when the matter complained about happened
        "late_reason": _opt("text"),  # Doorstep: why an old matter is accepted (12-month rule)
        "points": _opt("texts"),  # Doorstep: the points of complaint
        "handler": OFFICER,  # Doorstep: who handles it
    },
    "complaint_points": {  # points added or restated after intake: the latest list stands
        "complaint": _ref("complaint_received"),
        "points": _req("texts"),
        "by": OFFICER,  # Doorstep: who recorded them
    },
    "complaint_ack": {
        "stage": _req("stage"),
        "by": _req("person"),
        "complaint": COMPLAINT_REF,
        "letter": LETTER,
    },
    "extension_notice": {
        "stage": _req("stage"),
        "new_due": _req("date"),
        "reason": _req("text"),
        "complaint": COMPLAINT_REF,
        "by": OFFICER,  # Doorstep
        "letter": LETTER,
    },
    "complaint_response": {
        "stage": _req("stage"),
        "by": _req("person"),
        "compensation": _opt("compensation"),
        "complaint": COMPLAINT_REF,
        "points": _opt("list"),  # Doorstep: [{point, decision, reasons}]
        "apology": Spec("bool", False),  # Doorstep
        "remedy": _opt("text"),  # Doorstep
        "outstanding": _opt("list"),  # Doorstep: [{text, due}]
        "lessons": _opt("text"),  # Doorstep
        "escalation": _opt("text"),  # Doorstep: how to escalate / go to the Ombudsman, as told
        "letter": LETTER,
    },
    "escalation_request": {"stage": _req("stage"), "complaint": COMPLAINT_REF},
    "escalation_refused": {
        "stage": _req("stage"),
        "reason": _req("text"),
        "complaint": COMPLAINT_REF,
        "by": OFFICER,  # Doorstep
        "letter": LETTER,
    },
    "complaint_refused": {  # Doorstep: refusal to accept a complaint, in writing with reasons
        "reason": _req("text"),
        "complaint": COMPLAINT_REF,
        "by": OFFICER,
        "letter": LETTER,
    },
    "complaint_closed": {  # Doorstep
        "outcome": _req("text"),
        "lessons": _opt("text"),
        "complaint": COMPLAINT_REF,
    },
    "complaint_reopened": {"reason": _req("text"), "complaint": COMPLAINT_REF},  # Doorstep
    "complaint_assigned": {  # Doorstep: who handles a stage (a manager's reassignment)
        "handler": _req("person"),
        "stage": _req("stage"),
        "complaint": COMPLAINT_REF,
        "reason": _opt("text"),
    },
    "compensation_decision": {  # Doorstep: the resident accepts or declines an offer
        "accepted": BOOL,
        "complaint": COMPLAINT_REF,
    },
    "compensation_paid": {  # Doorstep
        "compensation": _req("compensation"),
        "complaint": COMPLAINT_REF,
        "reference": _opt("text"),
    },
    "partner_request": {"agency": _req("text"), "ask": _req("text"), "contact": _opt("text")},
    "partner_reply": {"agency": _req("text"), "answers": _ref("partner_request")},
    "repair_raised": {"job": _req("text"), "priority": _req("text"), "target": _req("date")},
    "repair_done": {"job": _req("text")},
    "home_visit_request": {"reason": _req("enum", *VISIT_REASONS)},
    "home_visit": {"by": _req("person"), "notes": _opt("text"), "offline": Spec("bool", False)},
    "ombudsman_enquiry": {  # Doorstep: an enquiry, investigation or determination
        "reference": _req("text"),
        "stage": _req("enum", "enquiry", "investigation", "determination"),
        "due": _opt("date"),
    },
    "ombudsman_order": {
        "due": _req("date"),
        "text": _req("text"),
        "compensation": _opt("compensation"),
        "enquiry": _ref("ombudsman_enquiry", required=False),  # Doorstep
    },
    "order_complied": {  # Doorstep: evidence of compliance sent to the Ombudsman
        "order": _ref("ombudsman_order"),
        "evidence": _req("text"),
        "evidence_sent": _opt("date"),
    },
    "request_made": {
        "subject": _req("enum", *REQUEST_SUBJECTS),
        "channel": _req("enum", *CHANNELS),
    },
    "request_decided": {
        "answers": _ref("request_made"),
        "decision": _req("text"),
        "reasons": _req("text"),
        "letter": LETTER,
    },
    "arrears_check": {
        "by": _req("person"),
        "result": _req("text"),
        "balance": _opt("money"),  # Doorstep: the arrears found, in pounds
    },
    "pre_action_checked": {  # Doorstep: the pre-action protocol steps taken before a NOSP
        "by": _req("person"),
        "items": _req("texts"),
    },
    "possession_requested": {"by": _req("person"), "reason": _opt("text")},  # Doorstep
    "possession_approved": {"by": _req("person"), "answers": _ref()},
    "possession_refused": {  # Doorstep: the approver's refusal, with reasons
        "by": _req("person"),
        "answers": _ref("possession_requested"),
        "reasons": _req("text"),
    },
    "nosp_served": {"by": _req("person"), "approved_by": _opt("person")},
    # Awaab's Law (DOMAIN_RULES.md §6): a hazard's clocks run from its report.
    "hazard_reported": {
        "hazard": _req("text"),  # a key of the policy's [hazards.types]
        "category": _req("enum", *HAZARD_CATEGORIES),
        "channel": _req("enum", *CHANNELS),
        "by": _req("person"),
        "location": _opt("text"),
    },
    "hazard_investigated": {
        "answers": _ref("hazard_reported"),
        "by": _req("person"),
        "category": _req("enum", *HAZARD_CATEGORIES),  # confirmed or changed
        "finding": _req("text"),
    },
    "hazard_summary_sent": {
        "answers": _ref("hazard_reported"),
        "channel": _req("enum", *CHANNELS),
        "letter": LETTER,  # Doorstep
    },
    "hazard_made_safe": {"answers": _ref("hazard_reported"), "by": _req("person")},
    "hazard_works_started": {"answers": _ref("hazard_reported"), "job": _req("text")},
    "hazard_works_done": {"answers": _ref("hazard_reported"), "job": _req("text")},
    "alternative_accommodation": {
        "answers": _ref("hazard_reported"),
        "offered": BOOL,
        "accepted": BOOL,
    },
    "hold_started": {
        "deadline": _ref(),
        "kind": _opt("text"),
        "reason": _req("enum", *HOLD_REASONS),
    },
    "hold_ended": {"deadline": _ref()},
    "case_reassigned": {  # Doorstep: reassignment is part of the case's history
        "from_officer": _req("person"),
        "to_officer": _req("person"),
        "reason": _opt("text"),
    },
    "case_closed": {
        "outcome": _req("text"),
        "satisfaction": _opt("rating"),
        "open_actions_reason": _opt("text"),  # Doorstep: why it closed with actions open
        "letter": LETTER,
    },
}

# Events that are contact with the resident (DOMAIN_RULES.md §8): outbound contact,
# a home visit, or a letter sent to them.
LETTER_TYPES = frozenset(
    {
        "complaint_ack",
        "extension_notice",
        "complaint_response",
        "escalation_refused",
        "complaint_refused",
    }
)
# Events that belong to a complaint (named by ``complaint``, else the latest one received).
COMPLAINT_EVENT_TYPES = frozenset(
    {
        "complaint_points",
        "complaint_ack",
        "extension_notice",
        "complaint_response",
        "escalation_request",
        "escalation_refused",
        "complaint_refused",
        "complaint_closed",
        "complaint_reopened",
        "complaint_assigned",
        "compensation_decision",
        "compensation_paid",
    }
)


@dataclass(frozen=True)
class PlanAction:
    text: str
    owner: str
    due: dt.date


@dataclass(frozen=True)
class Compensation:
    head: str
    amount: Decimal


@dataclass(frozen=True, eq=False)
class Event:
    """One immutable event of a case's history."""

    id: str
    at: dt.datetime  # aware, UTC
    type: str
    summary: str
    data: Mapping[str, Any]  # fields exactly as given (for export), excluding id/at/type
    f: Mapping[str, Any] = field(repr=False)  # normalised fields
    seq: int = 0  # order of recording (input order); never decides a result
    bare: bool = False  # given as a bare date: an unknown time that London day (stored as 09:00)
    day: dt.date = field(init=False, repr=False, compare=False)  # Europe/London date of ``at``

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", london_date(self.at))

    @property
    def by(self) -> str | None:
        return self.f.get("by")

    def is_resident_contact(self) -> bool:
        """Outbound contact, a home visit, or a letter sent to the resident."""
        if self.type == "contact":
            return self.f["direction"] == "out"
        return self.type == "home_visit" or self.type in LETTER_TYPES


def is_bare_date(value: Any) -> bool:
    """``at`` given as a date with no time (``2025-03-20``)."""
    return isinstance(value, str) and len(value.strip()) == 10


def parse_instant(value: Any, event_id: str | None = None, field_name: str = "at") -> dt.datetime:
    """ISO 8601 instant; no offset means Europe/London local; a bare date means 09:00 London."""
    if not isinstance(value, str) or not value.strip():
        raise BundleError(
            f"must be an ISO 8601 date-time, got {shown(value)}", event_id, field_name
        )
    text = value.strip()
    if len(text) == 10:
        try:
            d = dt.date.fromisoformat(text)
        except ValueError:
            raise BundleError(
                f"is not a valid date-time: {shown(value)}", event_id, field_name
            ) from None
        if not FIRST_YEAR <= d.year <= LAST_YEAR:
            raise BundleError(_outside(value), event_id, field_name)
        local = dt.datetime(d.year, d.month, d.day, 9, 0, tzinfo=LONDON)
        return local.astimezone(dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BundleError(
            f"is not a valid date-time: {shown(value)}", event_id, field_name
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    # the year of the instant in London, whatever offset it was written with
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR or not _in_years(parsed):
        raise BundleError(_outside(value), event_id, field_name)
    return parsed.astimezone(dt.UTC)


def _outside(value: Any) -> str:
    return f"is outside the years {FIRST_YEAR}-{LAST_YEAR}: {shown(value)}"


def _in_years(instant: dt.datetime) -> bool:
    try:
        return FIRST_YEAR <= london_date(instant).year <= LAST_YEAR
    except OverflowError:
        return False


def parse_date(value: Any, event_id: str | None, field_name: str) -> dt.date:
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            d = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise BundleError(
                f"is not a valid date: {shown(value)}", event_id, field_name
            ) from None
        if not FIRST_YEAR <= d.year <= LAST_YEAR:
            raise BundleError(_outside(value), event_id, field_name)
        return d
    raise BundleError(f"must be an ISO date (YYYY-MM-DD), got {shown(value)}", event_id, field_name)


def parse_money(value: Any, event_id: str | None, field_name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BundleError(f"must be an amount in pounds, got {shown(value)}", event_id, field_name)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise BundleError(
            f"must be an amount in pounds, got {shown(value)}", event_id, field_name
        ) from None
    if not amount.is_finite() or amount < 0:
        raise BundleError(
            f"must be a positive amount in pounds, got {shown(value)}", event_id, field_name
        )
    if amount > MAX_AMOUNT:
        raise BundleError(
            f"must be at most £{MAX_AMOUNT:,} (an amount in pounds), got {shown(value)}",
            event_id,
            field_name,
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise BundleError(f"must be whole pence, got {shown(value)}", event_id, field_name)
    return amount


def _text(value: Any, eid: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BundleError(f"must be non-empty text, got {shown(value)}", eid, name)
    return value


def check_name(value: str, eid: str | None, name: str, longest: int = MAX_ID) -> str:
    """A reference, event id or username: printable characters only, and not too long."""
    bad = unprintable(value)
    if bad is not None:
        raise BundleError(
            f"may hold only printable characters, but {shown(value)} contains {bad}", eid, name
        )
    if len(value) > longest:
        raise BundleError(f"must be at most {longest} characters, got {shown(value)}", eid, name)
    return value


def _normalise(spec: Spec, value: Any, eid: str, name: str) -> Any:
    kind = spec.kind
    if kind == "text":
        return _text(value, eid, name)
    if kind in ("person", "ref"):
        return check_name(_text(value, eid, name), eid, name)
    if kind == "enum":
        if not isinstance(value, str) or value not in spec.choices:
            raise BundleError(
                f"must be one of {', '.join(spec.choices)}; got {shown(value)}", eid, name
            )
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise BundleError(f"must be true or false, got {shown(value)}", eid, name)
        return value
    if kind in WHOLE_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BundleError(f"must be a whole number, got {shown(value)}", eid, name)
        low, high = WHOLE_RANGES[kind]
        if not low <= value <= high:
            raise BundleError(f"must be between {low} and {high}, got {value}", eid, name)
        return value
    if kind == "date":
        return parse_date(value, eid, name)
    if kind == "money":
        return parse_money(value, eid, name)
    if kind == "object":
        if not isinstance(value, dict):
            raise BundleError("must be an object", eid, name)
        return MappingProxyType(dict(value))
    if kind == "list":
        if not isinstance(value, list):
            raise BundleError("must be a list", eid, name)
        return tuple(value)
    if kind == "texts":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BundleError("must be a list of texts", eid, name)
        return tuple(value)
    if kind == "actions":
        if not isinstance(value, list) or not value:
            raise BundleError("must be a non-empty list of {text, owner, due}", eid, name)
        out = []
        for i, item in enumerate(value):
            sub = f"{name}[{i}]"
            if not isinstance(item, dict):
                raise BundleError("must be an object with text, owner and due", eid, sub)
            for key in ("text", "owner", "due"):
                if key not in item:
                    raise BundleError(f"is missing {key!r}", eid, sub)
            out.append(
                PlanAction(
                    _text(item["text"], eid, f"{sub}.text"),
                    _text(item["owner"], eid, f"{sub}.owner"),
                    parse_date(item["due"], eid, f"{sub}.due"),
                )
            )
        texts = [a.text for a in out]
        if len(set(texts)) != len(texts):
            raise BundleError("action texts must be unique within a plan", eid, name)
        return tuple(out)
    if kind == "compensation":
        if not isinstance(value, list):
            raise BundleError("must be a list of {head, amount}", eid, name)
        items = []
        for i, item in enumerate(value):
            sub = f"{name}[{i}]"
            if not isinstance(item, dict) or "head" not in item or "amount" not in item:
                raise BundleError("must be an object with head and amount", eid, sub)
            if not isinstance(item["head"], str) or item["head"] not in COMPENSATION_HEADS:
                raise BundleError(
                    f"head must be one of {', '.join(COMPENSATION_HEADS)}; got {shown(item['head'])}",
                    eid,
                    f"{sub}.head",
                )
            items.append(
                Compensation(item["head"], parse_money(item["amount"], eid, f"{sub}.amount"))
            )
        return tuple(items)
    raise AssertionError(kind)  # pragma: no cover


def build_event(raw: Mapping[str, Any], seq: int = 0) -> Event:
    """Validate one event object (as found in a bundle) and return it; references are not checked here."""
    if not isinstance(raw, Mapping):
        raise BundleError(f"each event must be an object, got {type(raw).__name__}")
    eid = raw.get("id")
    if not isinstance(eid, str) or not eid.strip():
        raise BundleError(
            f"every event needs a non-empty text 'id' (event number {seq + 1})", None, "id"
        )
    check_name(eid, None, "id")
    etype = raw.get("type")
    if "type" not in raw:
        raise BundleError("is missing", eid, "type")
    if not isinstance(etype, str) or etype not in EVENT_TYPES:
        raise BundleError(f"unknown event type {shown(etype)}", eid, "type")
    if "at" not in raw:
        raise BundleError("is missing", eid, "at")
    at = parse_instant(raw["at"], eid, "at")
    bare = is_bare_date(raw["at"])
    summary = raw.get("summary", "")
    if not isinstance(summary, str):
        raise BundleError(f"must be text, got {shown(summary)}", eid, "summary")
    # A bare date is kept as given (wherever the event is stored, it is read back the same way).
    data = {k: v for k, v in raw.items() if k not in ("id", "at", "type") or (k == "at" and bare)}
    f: dict[str, Any] = {}
    for name, spec in EVENT_TYPES[etype].items():
        if name not in raw or raw[name] is None:
            if spec.required and spec.kind != "bool":
                raise BundleError("is missing", eid, name)
            f[name] = False if spec.kind == "bool" else None
            continue
        f[name] = _normalise(spec, raw[name], eid, name)
    return Event(eid, at, etype, summary, MappingProxyType(data), MappingProxyType(f), seq, bare)


# Kinds whose checked value is the value itself: a stored event needs no work for them.
_AS_GIVEN = frozenset({"text", "person", "ref", "enum", "bool", *WHOLE_RANGES})


def stored_event(
    eid: str, at: dt.datetime, etype: str, data: Mapping[str, Any], seq: int = 0
) -> Event:
    """An event read back from storage: ``build_event`` checked every field when it was stored,
    so this makes the same ``Event`` without checking names, text and ranges again (dates,
    amounts and lists are still converted). ``at``: the stored instant (aware, UTC); ``data``:
    the stored fields as given (a bare date keeps its ``at`` there)."""
    fields = EVENT_TYPES.get(etype)
    if fields is None:
        raise BundleError(f"unknown event type {shown(etype)}", eid, "type")
    bare = "at" in data and is_bare_date(data["at"])
    if bare:
        at = parse_instant(data["at"], eid, "at")
    f: dict[str, Any] = {}
    for name, spec in fields.items():
        value = data.get(name)
        if value is None:
            if spec.required and spec.kind != "bool":
                raise BundleError("is missing", eid, name)
            f[name] = False if spec.kind == "bool" else None
        elif spec.kind in _AS_GIVEN:
            f[name] = value
        else:
            f[name] = _normalise(spec, value, eid, name)
    summary = data.get("summary", "")
    return Event(
        eid, at, etype, summary, MappingProxyType(dict(data)), MappingProxyType(f), seq, bare
    )


def check_references(events: Iterable[Event], known: Mapping[str, str] | None = None) -> None:
    """Every reference field points at an event of the bundle (or at ``known``: id -> type)."""
    types: dict[str, str] = dict(known or {})
    events = list(events)
    for e in events:
        types[e.id] = e.type
    for e in events:
        for name, spec in EVENT_TYPES[e.type].items():
            if spec.kind != "ref" or e.f.get(name) is None:
                continue
            target = e.f[name]
            if target not in types:
                raise BundleError(f"refers to unknown event {shown(target)}", e.id, name)
            if spec.ref_types and types[target] not in spec.ref_types:
                raise BundleError(
                    f"must refer to a {' or '.join(spec.ref_types)} event; {shown(target)} is a {types[target]}",
                    e.id,
                    name,
                )


# At the same instant, what starts something sorts before what answers it, and closures last.
# (The order only arranges ties; what answers what is decided by ``answers``.)
_OPENERS = frozenset(
    {
        "asb_report",
        "complaint_received",
        "escalation_request",
        "partner_request",
        "request_made",
        "hazard_reported",
        "home_visit_request",
        "repair_raised",
        "hold_started",
    }
)
_CLOSERS = frozenset({"complaint_closed", "case_closed"})


def _rank(e: Event) -> int:
    if e.type in _OPENERS or (e.type == "contact" and e.f.get("direction") == "in"):
        return 0
    return 2 if e.type in _CLOSERS else 1


def order_key(e: Event) -> tuple[dt.datetime, int, tuple[tuple[int, str], ...]]:
    """The one reading order of a history: by instant, then kind, then id (numbers in it
    compared as numbers, so e9 comes before e10). Never the file order."""
    return (e.at, _rank(e), _natural(e.id))


@lru_cache(maxsize=65536)
def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """'e10' -> ((0, 'e'), (1, '0000000010')): digit runs sort by value."""
    return tuple(
        (1, part.zfill(20)) if part.isdigit() else (0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events in the order they happened; ties do not depend on the order they were given in."""
    return sorted(events, key=order_key)


def names(x: Event, t: Event) -> bool:
    """``x`` names ``t`` in its ``answers`` field (a risk assessment's ``answers`` are its questions)."""
    ref = x.f.get("answers")
    return isinstance(ref, str) and ref == t.id


def answers(x: Event, t: Event) -> bool:
    """DOMAIN_RULES.md §9 (Order): ``x`` can answer ``t``.

    ``x`` is later than ``t``, or names it in ``answers``, or both fall on the same London
    date and either is a bare date, or both have the same instant. The one rule every
    check uses: replies, callbacks, acknowledgements, assessments, refusals, partner replies.
    """
    if x is t:
        return False
    if x.at >= t.at or names(x, t):
        return True
    return x.day == t.day and (x.bare or t.bare)


def earlier(a: Event, b: Event) -> bool:
    """``a`` certainly happened before ``b``: ``b`` answers ``a`` and not the other way round."""
    return answers(b, a) and not answers(a, b)


def people_named(event: Event) -> set[str]:
    """Usernames an event names (``by``, ``about_officer``, ``approved_by``), not the resident."""
    out = set()
    for name, spec in EVENT_TYPES[event.type].items():
        value = event.f.get(name)
        if spec.kind == "person" and value and value != RESIDENT:
            out.add(value)
    return out


# -- how each type of entry is named, and the groups a case's history is filtered by -----------
# What an entry of each type is called wherever a history is shown.
TYPE_LABELS: dict[str, str] = {
    "contact": "Contact",
    "asb_report": "ASB report",
    "risk_assessment": "Risk assessment",
    "vulnerability_plan": "Vulnerability plan",
    "action_plan_agreed": "Action plan agreed",
    "action_done": "Action done",
    "complaint_offered": "Complaint offered",
    "complaint_received": "Complaint received",
    "complaint_points": "Points of complaint",
    "complaint_ack": "Complaint acknowledged",
    "extension_notice": "Extension notice",
    "complaint_response": "Complaint response",
    "escalation_request": "Escalation request",
    "escalation_refused": "Escalation refused",
    "complaint_refused": "Complaint refused",
    "complaint_closed": "Complaint closed",
    "complaint_reopened": "Complaint reopened",
    "compensation_decision": "Compensation decision",
    "compensation_paid": "Compensation paid",
    "partner_request": "Partner request",
    "partner_reply": "Partner reply",
    "repair_raised": "Repair raised",
    "repair_done": "Repair done",
    "home_visit_request": "Visit requested",
    "home_visit": "Home visit",
    "ombudsman_enquiry": "Ombudsman enquiry",
    "ombudsman_order": "Ombudsman order",
    "order_complied": "Order complied with",
    "request_made": "Request made",
    "request_decided": "Request decided",
    "arrears_check": "Arrears check",
    "nosp_served": "NOSP served",
    "pre_action_checked": "Pre-action steps checked",
    "possession_requested": "Possession approval requested",
    "possession_approved": "Possession approved",
    "possession_refused": "Possession refused",
    "hazard_reported": "Hazard reported",
    "hazard_investigated": "Hazard investigated",
    "hazard_summary_sent": "Hazard summary sent",
    "hazard_made_safe": "Hazard made safe",
    "hazard_works_started": "Hazard works started",
    "hazard_works_done": "Hazard works done",
    "alternative_accommodation": "Alternative accommodation",
    "hold_started": "Deadline on hold",
    "hold_ended": "Hold ended",
    "case_reassigned": "Case reassigned",
    "case_closed": "Case closed",
    "complaint_assigned": "Complaint assigned",
}
# The kinds of entry a case's history can be narrowed to.
EVENT_GROUPS: dict[str, frozenset[str]] = {
    "Contacts and visits": frozenset({"contact", "home_visit", "home_visit_request"}),
    "Letters": frozenset(
        {
            "complaint_ack",
            "extension_notice",
            "complaint_response",
            "escalation_refused",
            "complaint_refused",
        }
    ),
    "Complaints": frozenset(
        {
            "complaint_offered",
            "complaint_received",
            "complaint_points",
            "complaint_ack",
            "extension_notice",
            "complaint_response",
            "escalation_request",
            "escalation_refused",
            "complaint_refused",
            "complaint_closed",
            "complaint_reopened",
            "compensation_decision",
            "compensation_paid",
            "ombudsman_enquiry",
            "ombudsman_order",
            "order_complied",
        }
    ),
    "ASB and assessments": frozenset(
        {"asb_report", "risk_assessment", "vulnerability_plan", "action_plan_agreed", "action_done"}
    ),
    "Repairs": frozenset({"repair_raised", "repair_done"}),
    "Partner agencies": frozenset({"partner_request", "partner_reply"}),
    "Requests and decisions": frozenset({"request_made", "request_decided"}),
}
