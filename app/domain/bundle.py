"""The case bundle (``doorstep-case/1``): parse a document into a case and its events, and back.

Parsing validates everything before anything is stored, so an import is all or
nothing. Keys this version does not know are kept and written back on export.

This is the one validator of a bundle: ``import`` and ``audit`` both read through
``loads_bundle``/``parse_bundle``, so they agree on what is valid. Besides the fields of
CASE_BUNDLE.md it refuses what would break later (in the store, the calendar or an
export): nesting deeper than ``MAX_DEPTH``, numbers too large to keep exactly, text no
file can hold (lone surrogates, NUL), unprintable references, over-long names, and dates
outside the calendar. Every refusal is one sentence naming the event and field and
quoting at most ``QUOTE_LIMIT`` characters of what was written.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.calendar import LONDON
from app.domain.events import (
    FIRST_YEAR,
    LAST_YEAR,
    BundleError,
    Event,
    build_event,
    check_name,
    check_references,
    shown,
)

FORMAT = "doorstep-case/1"
CASE_KINDS = ("asb", "complaint", "general", "repair", "arrears")
CASE_KEYS = ("ref", "kind", "opened", "officer", "resident", "policy")
RESIDENT_KEYS = ("name", "address", "phone", "email", "vulnerabilities")
# Where the store keeps a bundle's own top-level extra keys (services/bundles.py): a case
# field of that name would be taken for them on export.
RESERVED_CASE_KEYS = ("__bundle__",)
# Longest texts the store keeps in a column of their own (app/store/models.py).
LONGEST = {"ref": 60, "officer": 80, "policy": 80, "resident.name": 200}
LONGEST_RESIDENT = {"phone": 60, "email": 200}
# Limits of the JSON itself: how deep objects and lists nest, and how many digits a number
# may have (Python refuses integers past 4,300 digits; no field needs more than a few).
MAX_DEPTH = 32
MAX_DIGITS = 40


@dataclass(frozen=True)
class Resident:
    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    vulnerabilities: tuple[str, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseInfo:
    ref: str
    kind: str
    opened: dt.date
    officer: str
    resident: Resident
    policy: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bundle:
    case: CaseInfo
    events: tuple[Event, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)


def _case_error(where: str, problem: str) -> BundleError:
    return BundleError(f"case field {where!r} {problem}")


def _text(value: Any, where: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _case_error(where, f"must be text, got {shown(value)}")
    longest = LONGEST.get(where)
    if longest is not None and len(value) > longest:
        raise _case_error(where, f"must be at most {longest} characters, got {shown(value)}")
    return value


def _name(value: str, where: str) -> str:
    """A case ref or username: printable characters only."""
    try:
        return check_name(value, None, where, LONGEST[where])
    except BundleError as exc:
        raise _case_error(where, str(exc).split(": ", 1)[1]) from None


def _opened(value: Any) -> dt.date:
    if not isinstance(value, str) or len(value) != 10:
        raise _case_error("opened", f"must be a date written YYYY-MM-DD, got {shown(value)}")
    try:
        opened = dt.date.fromisoformat(value)
    except ValueError:
        raise _case_error("opened", f"is not a valid date: {shown(value)}") from None
    if not FIRST_YEAR <= opened.year <= LAST_YEAR:
        raise _case_error("opened", f"is outside the years {FIRST_YEAR}-{LAST_YEAR}: {value!r}")
    return opened


def parse_case(raw: Any) -> CaseInfo:
    if not isinstance(raw, dict):
        raise BundleError("'case' must be an object")
    for key in ("ref", "kind", "opened", "officer", "resident"):
        if key not in raw:
            raise _case_error(key, "is missing")
    for key in RESERVED_CASE_KEYS:
        if key in raw:
            raise _case_error(key, "is reserved for Doorstep's own use; rename it")
    ref = _name(_text(raw["ref"], "ref").strip(), "ref")
    kind = raw["kind"]
    if not isinstance(kind, str) or kind not in CASE_KINDS:
        raise _case_error("kind", f"must be one of {', '.join(CASE_KINDS)}; got {shown(kind)}")
    opened = _opened(raw["opened"])
    officer = _name(_text(raw["officer"], "officer").strip(), "officer")
    res = raw["resident"]
    if not isinstance(res, dict):
        raise _case_error("resident", "must be an object")
    vulns = res.get("vulnerabilities")
    if vulns is not None and (
        not isinstance(vulns, list) or not all(isinstance(v, str) and v.strip() for v in vulns)
    ):
        raise _case_error("resident.vulnerabilities", "must be a list of texts")
    for key, longest in LONGEST_RESIDENT.items():
        value = res.get(key)
        if isinstance(value, str) and len(value) > longest:
            raise _case_error(
                f"resident.{key}", f"must be at most {longest} characters, got {shown(value)}"
            )
    resident = Resident(
        name=_text(res.get("name"), "resident.name"),
        address=_text(res.get("address"), "resident.address", False),
        phone=_text(res.get("phone"), "resident.phone", False),
        email=_text(res.get("email"), "resident.email", False),
        vulnerabilities=tuple(vulns) if vulns is not None else None,
        extra={k: v for k, v in res.items() if k not in RESIDENT_KEYS},
    )
    policy = _text(raw.get("policy"), "policy", False)
    if policy is not None:  # a name, or left out for the default: never blank
        if not policy.strip():
            raise _case_error("policy", "must name a policy, or be left out for the default")
        policy = _name(policy, "policy")
    return CaseInfo(
        ref=ref,
        kind=kind,
        opened=opened,
        officer=officer,
        resident=resident,
        policy=policy,
        extra={k: v for k, v in raw.items() if k not in CASE_KEYS},
    )


def parse_bundle(doc: Any, known_events: Mapping[str, str] | None = None) -> Bundle:
    """Validate a bundle document (already decoded JSON). Raises ``BundleError``."""
    if not isinstance(doc, dict):
        raise BundleError("a case bundle must be a JSON object")
    if doc.get("format") != FORMAT:
        raise BundleError(f"'format' must be {FORMAT!r}, got {shown(doc.get('format'))}")
    check_values(doc)
    if "case" not in doc:
        raise BundleError("'case' is missing")
    case = parse_case(doc["case"])
    raw_events = doc.get("events")
    if not isinstance(raw_events, list):
        raise BundleError("'events' must be a list")
    events: list[Event] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_events):
        event = build_event(raw, seq=i)
        if event.id in seen:
            raise BundleError("duplicate event id", event.id, "id")
        seen.add(event.id)
        events.append(event)
    check_references(events, known_events)
    extra = {k: v for k, v in doc.items() if k not in ("format", "case", "events")}
    return Bundle(case=case, events=tuple(events), extra=extra)


def loads_bundle(text: str | bytes, source: str = "bundle") -> Bundle:
    return parse_bundle(loads_document(text, source))


class _NumberRefused(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _NumberRefused(
            f"a number of {len(text.lstrip('-')):,} digits; a case bundle allows at most {MAX_DIGITS}"
        )
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NumberRefused(f"a number too large to keep ({shown(text)})")
    return value


def _constant(text: str) -> Any:
    raise _NumberRefused(f"{text}, which is not a number JSON allows")


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str) -> int:
    """How deep objects and lists nest in JSON text (strings skipped), without recursing."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads_document(text: str | bytes, source: str = "bundle") -> Any:
    """Decode JSON text with its size bounded before Python's decoder could blow up
    (recursion on deep nesting, integers past 4,300 digits, infinities)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BundleError(
                f"{source} is not UTF-8 text (byte {exc.start + 1} cannot be read)"
            ) from None
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise BundleError(
            f"{source} nests objects and lists {depth:,} deep; a case bundle needs at most "
            f"{MAX_DEPTH}"
        )
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except _NumberRefused as exc:
        raise BundleError(f"{source} holds {exc}") from None
    except RecursionError:  # a scanner miss would land here; never a traceback
        raise BundleError(f"{source} nests objects and lists too deeply") from None


def _refusal(path: tuple[Any, ...], doc: Mapping[str, Any], problem: str) -> BundleError:
    """``problem`` with where it is: the event id and field, the case field, or the key."""
    if len(path) >= 2 and path[0] == "events" and isinstance(path[1], int):
        raw = doc["events"][path[1]]
        eid = raw.get("id") if isinstance(raw, dict) else None
        eid = eid if isinstance(eid, str) else f"number {path[1] + 1}"
        return BundleError(problem, eid, _dotted(path[2:]) or None)
    if len(path) >= 2 and path[0] == "case":
        return _case_error(_dotted(path[1:]), problem)
    return BundleError(problem, None, _dotted(path) or None)


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_UNSTORABLE = re.compile("[\\x00\\ud800-\\udfff]")


def _bad_text(text: str) -> str | None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "a NUL character (U+0000), which the database cannot hold"
    return f"a lone surrogate (U+{ord(found.group()):04X}), which no file can hold"


def check_values(doc: Any) -> None:
    """Every value of a decoded document can be stored and written out again: nesting at most
    ``MAX_DEPTH``, texts (and keys) without lone surrogates or NUL, finite numbers of at most
    ``MAX_DIGITS`` digits. Works without recursion, so a document built in Python is safe too.

    A quick pass answers for a sound document (the bulk import's case); only a document it
    finds fault with is walked again keeping paths, to say where."""
    if not _faulty(doc):
        return
    _check_values_at(doc)


def _faulty(doc: Any) -> bool:
    """Whether ``check_values`` would refuse ``doc``: the same tests, without keeping paths."""
    bad_text, big = _UNSTORABLE.search, 10**MAX_DIGITS
    stack: list[tuple[Any, int]] = [(doc, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        value, depth = pop()
        if depth >= MAX_DEPTH:
            return True
        kind = type(value)
        if kind is str:
            if bad_text(value):
                return True
        elif kind is dict:
            for key, item in value.items():
                if type(key) is not str or bad_text(key):
                    return True
                push((item, depth + 1))
        elif kind is list or kind is tuple:
            stack.extend((item, depth + 1) for item in value)
        elif kind is bool or value is None:
            pass
        elif kind is int:
            if abs(value) >= big:
                return True
        elif kind is float:
            if not math.isfinite(value):
                return True
        else:
            return True  # anything else (a subclass): the careful walk decides
    return False


def _check_values_at(doc: Any) -> None:
    stack: list[tuple[Any, tuple[Any, ...]]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        problem = None
        if len(path) >= MAX_DEPTH:
            problem = f"nests deeper than {MAX_DEPTH} levels"
        elif isinstance(value, str):
            bad = _bad_text(value)
            problem = bad and f"contains {bad}"
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if abs(value) >= 10**MAX_DIGITS:
                problem = f"is a number of more than {MAX_DIGITS} digits"
        elif isinstance(value, float):
            if not math.isfinite(value):
                problem = f"is not a finite number ({value})"
        elif isinstance(value, dict):
            for key, item in value.items():
                bad = _bad_text(key) if isinstance(key, str) else "something other than text"
                if bad:
                    raise _refusal(path, doc, f"the key {shown(key)} holds {bad}")
                stack.append((item, (*path, key)))
        elif isinstance(value, list | tuple):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        if problem:
            raise _refusal(path, doc, problem)


def format_instant(at: dt.datetime) -> str:
    """ISO 8601 with the Europe/London offset of that instant."""
    return at.astimezone(LONDON).isoformat()


def event_to_dict(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"id": event.id, "at": format_instant(event.at), "type": event.type}
    out.update(event.data)
    return out


def case_to_dict(case: CaseInfo) -> dict[str, Any]:
    r = case.resident
    resident: dict[str, Any] = {"name": r.name}
    for key in ("address", "phone", "email"):
        value = getattr(r, key)
        if value is not None:
            resident[key] = value
    if r.vulnerabilities is not None:
        resident["vulnerabilities"] = list(r.vulnerabilities)
    resident.update(r.extra)
    out: dict[str, Any] = {
        "ref": case.ref,
        "kind": case.kind,
        "opened": case.opened.isoformat(),
        "officer": case.officer,
        "resident": resident,
    }
    if case.policy is not None:
        out["policy"] = case.policy
    out.update(case.extra)
    return out


def bundle_to_dict(bundle: Bundle) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT, "case": case_to_dict(bundle.case)}
    doc["events"] = [event_to_dict(e) for e in sorted(bundle.events, key=lambda e: (e.at, e.seq))]
    doc.update(bundle.extra)
    return doc
