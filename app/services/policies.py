"""The organisation's policy choices: which policy is in force, its timescales, its closure
days, and the number of homes the organisation owns.

Closure days are policy data: a change is stored as a new manager's version of the policy
(``policy_versions``), validated before it is stored; deadlines already running keep the
version they started under. Only a manager changes any of this.

A change re-derives the stored deadline rows of the cases it reaches (``rederive_deadlines``),
batch by batch, so the inbox (stored rows), the case view and the audit (derived) agree. The
settings dialog runs that part in a worker with progress (``rederive=False`` on the save).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import tomli_w
from sqlalchemy import Select, or_, select

from app.domain.policy import Policy, PolicyError, parse_policy_text
from app.errors import ValidationError
from app.services.cases import log_action
from app.services.officers import require_manager
from app.services.recompute import rederive
from app.services.workspace import Workspace, put_setting
from app.store.models import Case, PolicyVersion
from app.store.policies import PolicyRegistry, load_registry

DEFAULT_POLICY_KEY = "default_policy"
HOMES_KEY = "homes_owned"
MAX_HOMES = 10_000_000
REDERIVE_BATCH = 200  # cases per transaction when a policy change re-derives stored deadlines


@dataclass(frozen=True)
class PolicyChoice:
    name: str
    title: str
    version: int
    stages: int
    description: str  # one line, made from the policy's own numbers


@dataclass(frozen=True)
class Timescale:
    """One row of a policy's read-only timescale table."""

    area: str
    item: str
    value: str


def _wd(n: int | None) -> str:
    return "no fixed timescale" if n is None else f"{n} WD"


def describe(policy: Policy) -> str:
    """A one-line summary of the complaint stages, e.g. for choosing a policy."""
    parts = []
    for st in policy.stages:
        reply = f"reply in {st.response_wd} WD" if st.response_wd else "no fixed timescale"
        parts.append(f"{st.label}: {reply}")
    return f"{len(policy.stages)} stages — " + "; ".join(parts) + "."


def policy_choices(registry: PolicyRegistry) -> list[PolicyChoice]:
    out = []
    for name in registry.names():
        p = registry.get(name)
        out.append(PolicyChoice(name, p.title, p.version, len(p.stages), describe(p)))
    return out


def shipped_policy_choices() -> list[PolicyChoice]:
    """The policies shipped with Doorstep (before any database exists: the first-run wizard)."""
    return policy_choices(PolicyRegistry())


def list_policies(ws: Workspace) -> list[PolicyChoice]:
    return policy_choices(ws.registry)


def current_policy(ws: Workspace) -> Policy:
    """The policy new cases follow (the organisation's default, newest version)."""
    return ws.registry.get()


def timescales(policy: Policy) -> list[Timescale]:
    """Every timescale of ``policy`` as rows of (area, what, value), read from the parsed policy."""
    rows: list[Timescale] = []

    def add(area: str, item: str, value: str) -> None:
        rows.append(Timescale(area, item, value))

    for st in policy.stages:
        area = f"Complaints — {st.label}"
        add(area, "Acknowledge", _wd(st.ack_wd))
        since = "the acknowledgement" if st.response_from == "ack" else "receipt"
        add(area, f"Respond (from {since})", _wd(st.response_wd))
        add(
            area,
            "Extension at most",
            "none" if st.extension_max_wd is None else f"{st.extension_max_wd} WD",
        )
        if st.request_window_days is not None:
            add(area, "Resident may ask for this stage within", f"{st.request_window_days} days")
    add(
        "Complaints",
        "Offer a formal complaint after dissatisfaction",
        _wd(policy.dissatisfaction_offer_wd),
    )
    add("Complaints", "Warn before an extension letter is due", _wd(policy.extension_warning_wd))
    add("Complaints", "Complaints about older matters after", f"{policy.window_months} months")
    add("ASB", "Agree an action plan", _wd(policy.action_plan_wd))
    for tier, rule in policy.tiers.items():
        add("ASB", f"{tier.capitalize()} risk: first action", _wd(rule.action_wd))
        add(
            "ASB", f"{tier.capitalize()} risk: update the reporter every", _wd(rule.update_every_wd)
        )
    if policy.high_risk_visit:
        add("ASB", "High risk: home visit", _wd(policy.high_risk_visit_wd))
    add(
        "ASB",
        "Case review when",
        f"{policy.case_review_reports} reports in {policy.case_review_months} months",
    )
    add("Contact", "Call back", _wd(policy.callback_wd))
    for r in policy.replies:
        add("Contact", f"Reply by {r.channel}" + (f" ({r.topic})" if r.topic else ""), _wd(r.wd))
    add("Home visits", "Visit", _wd(policy.visit_default_wd))
    add("Home visits", "Urgent visit", _wd(policy.visit_urgent_wd))
    add("Partners", "Chase a partner agency", _wd(policy.partner_chase_wd))
    add("Vulnerability", "Support plan", _wd(policy.vulnerability_plan_wd))
    for subject, wd in policy.decisions.items():
        add("Requests", f"Decide: {subject.replace('_', ' ')}", _wd(wd))
    for priority, wd in policy.repair_priorities.items():
        add("Repairs", f"Priority {priority}", _wd(wd))
    return rows


def policy_timescales(ws: Workspace, name: str) -> list[Timescale]:
    return timescales(_get(ws.registry, name))


def _get(registry: PolicyRegistry, name: str) -> Policy:
    try:
        return registry.get(name)
    except KeyError:
        raise ValidationError(f"There is no policy called {name!r}.") from None


def set_default_policy(ws: Workspace, name: str, rederive: bool = True) -> Policy:
    """Make ``name`` the policy new cases follow (a manager's action). Cases that name no policy
    of their own follow the default: their stored deadlines are re-derived under ``name``
    unless ``rederive`` is False (the caller then runs ``rederive_deadlines(..., unnamed=True)``)."""
    policy = _get(ws.registry, name)
    with ws.db.write() as s:
        require_manager(s, ws, "choose the organisation's policy")
        before = load_registry(s).default
        put_setting(s, DEFAULT_POLICY_KEY, name)
        log_action(s, ws, "set_default_policy", "setting", DEFAULT_POLICY_KEY, policy=name)
    ws.policies_changed()
    if rederive and before != name:
        rederive_deadlines(ws, name, unnamed=True)
    return policy


# -- policy changes reach stored deadlines ---------------------------------------------------
@dataclass(frozen=True)
class Rederived:
    """What re-deriving after a policy change did: the cases it looked at, the refs whose stored
    deadlines changed, and whether it went through them all (False: stopped when asked)."""

    policy: str
    looked_at: int
    changed: tuple[str, ...]
    finished: bool = True

    def summary(self) -> str:
        n = len(self.changed)
        moved = f"deadlines changed on {n} case{'s' if n != 1 else ''}"
        if not self.finished:
            return f"Stopped after {self.looked_at} cases: {moved}; the rest keep their rows."
        return f"{moved.capitalize()} (of {self.looked_at} looked at)."


def _reached(name: str, default: str, since: dt.datetime | None, unnamed: bool) -> Select:
    """The cases a change to policy ``name`` can reach: those following it (naming it, or naming
    none while it is the default; ``unnamed``: only those), with ``since`` only those whose
    history reaches the version's start (running deadlines keep the version they started under)."""
    follows = Case.policy_name.is_(None) if unnamed else Case.policy_name == name
    if not unnamed and name == default:
        follows = or_(follows, Case.policy_name.is_(None))
    stmt = select(Case.id).where(follows).order_by(Case.id)
    if since is not None:  # a case-opening deadline starts on the London day it opened
        day_before = (since - dt.timedelta(days=1)).date()
        stmt = stmt.where(or_(Case.last_event_at >= since, Case.opened >= day_before))
    return stmt


def rederive_deadlines(
    ws: Workspace,
    name: str,
    since: dt.datetime | None = None,
    *,
    unnamed: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch: int = REDERIVE_BATCH,
) -> Rederived:
    """Re-derive the stored deadlines of the cases a change to policy ``name`` reaches (see
    ``_reached``), ``batch`` cases per transaction so a large database is never held in one;
    ``progress(done, total)`` after each batch; ``cancelled()`` is asked between batches."""
    _get(ws.registry, name)
    with ws.db.read() as s:
        require_manager(s, ws, "re-derive deadlines after a policy change")
        ids = list(s.scalars(_reached(name, ws.registry.default, since, unnamed)))
    total, changed, done = len(ids), [], 0
    if progress is not None:
        progress(0, total)
    for start in range(0, total, max(batch, 1)):
        if cancelled is not None and cancelled():
            break
        chunk = ids[start : start + max(batch, 1)]
        registry = ws.registry
        with ws.db.write() as s:
            moved = rederive(s, chunk, registry)
            if moved:
                log_action(s, ws, "rederive_deadlines", "policy", name, cases=len(moved))
        changed += moved
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return Rederived(name, done, tuple(sorted(changed)), done == total)


# -- closure days ---------------------------------------------------------------------------
def parse_closure_day(value: Any) -> dt.date:
    """A closure day from a date or its ISO text; anything else is refused in one sentence."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a date: write closure days as YYYY-MM-DD, e.g. 2025-12-29."
        ) from None


def _save_version(
    ws: Workspace,
    name: str,
    doing: str,
    change: Callable[[dict], None],
    action: str,
    rederive: bool = True,
    **detail,
) -> Policy:
    """Store a new version of policy ``name``: its latest document with ``change`` applied,
    validated as a whole before it is stored; refused to anyone who may not change policy.
    Then (unless ``rederive`` is False) the stored deadlines of the cases it reaches follow it."""
    effective = ws.now()
    with ws.db.write() as s:
        require_manager(s, ws, doing)
        try:
            registry = load_registry(s)
        except PolicyError as exc:
            raise ValidationError(f"A policy cannot be used: {exc}") from exc
        current = _get(registry, name)
        doc = copy.deepcopy(dict(registry.latest_document(name)))
        version = max([current.version, *registry.stored_versions(name)]) + 1
        doc["version"] = version
        change(doc)
        text = tomli_w.dumps(doc)
        source = f"{name} version {version} (new)"
        try:
            policy = parse_policy_text(text, source, registry.latest_document)
        except PolicyError as exc:
            raise ValidationError(f"The policy cannot be saved: {exc}") from None
        s.add(
            PolicyVersion(
                name=name,
                version=version,
                effective_from=effective,
                document=text,
                created_by=ws.actor.username,
            )
        )
        log_action(s, ws, action, "policy", name, version=version, **detail)
    ws.policies_changed()
    if rederive:
        rederive_deadlines(ws, name, since=effective)
    return policy


def save_closure_days(
    ws: Workspace, name: str, days: Iterable[Any], rederive: bool = True
) -> Policy:
    """Store a new version of policy ``name`` whose calendar closes on exactly ``days``."""
    chosen = sorted({parse_closure_day(d) for d in days})

    def change(doc: dict) -> None:
        doc["calendar"] = {**dict(doc.get("calendar") or {}), "closure_days": chosen}

    return _save_version(
        ws,
        name,
        "change the organisation's closure days",
        change,
        "save_closure_days",
        rederive,
        closure_days=len(chosen),
    )


def save_read_logging(ws: Workspace, name: str, on: bool, rederive: bool = True) -> Policy:
    """Store a new version of policy ``name`` that does (or does not) record in the trail who
    opens or exports each case."""

    def change(doc: dict) -> None:
        doc["trail"] = {**dict(doc.get("trail") or {}), "log_case_reads": bool(on)}

    return _save_version(
        ws,
        name,
        "change whether case reads are recorded",
        change,
        "save_read_logging",
        rederive,
        on=on,
    )


def save_at_risk_days(ws: Workspace, name: str, days: Any, rederive: bool = True) -> Policy:
    """Store a new version of policy ``name`` in which an open deadline due within ``days``
    working days counts as at risk (the inbox's filter, count and amber countdowns)."""
    text = str(days).strip()
    if isinstance(days, bool) or not text.isdigit():
        raise ValidationError(
            f"{text!r} is not a number of working days: give a whole number, e.g. 2."
        )
    n = int(text)

    def change(doc: dict) -> None:
        doc["inbox"] = {**dict(doc.get("inbox") or {}), "at_risk_wd": n}

    return _save_version(
        ws,
        name,
        "change when a deadline counts as at risk",
        change,
        "save_at_risk_days",
        rederive,
        days=n,
    )


# -- homes owned ----------------------------------------------------------------------------
def check_homes(value: Any) -> int:
    """The number of homes owned: a whole number above nought."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        n = value
    else:
        text = str(value).strip().replace(",", "")
        if not text.lstrip("-").isdigit():
            raise ValidationError(
                f"{str(value).strip()!r} is not a number of homes: give a whole number, e.g. 4200."
            )
        n = int(text)
    if n <= 0:
        raise ValidationError("The number of homes owned must be at least 1.")
    if n > MAX_HOMES:
        raise ValidationError(f"{n} homes is more than any landlord owns; check the number.")
    return n


def homes_owned(ws: Workspace) -> int | None:
    value = ws.setting(HOMES_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def save_homes_owned(ws: Workspace, value: Any) -> int:
    n = check_homes(value)
    with ws.db.write() as s:
        require_manager(s, ws, "change the number of homes the organisation owns")
        put_setting(s, HOMES_KEY, n)
        log_action(s, ws, "save_homes_owned", "setting", HOMES_KEY, homes=n)
    return n
