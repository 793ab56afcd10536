"""Spot checks (DOMAIN_RULES.md §7; CLI.md ``spotcheck``).

A reproducible random sample of live (open) cases — the policy's ``[spotcheck] percent`` unless
given — stratified by officer: for each officer, in
username order, ``ceil(n × percent / 100)`` of their n open cases, drawn with
``random.Random(f"{seed}:{officer}")`` from their refs in order — the same seed over the same
cases draws the same sample, and the seed is recorded with it. Each sampled case gets a
checklist: what the record answers is filled in when drawn (risk assessment in time, action plan
agreed, regular contact, letters issued and approved — from the stored deadlines and letters),
and the manager completes the quality checks (balanced investigation, report writing,
professional letters) with comments and actions for the officer.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.domain.deadlines.model import missed
from app.errors import ConflictError, ValidationError
from app.services.access import Do, require
from app.services.cases import log_action
from app.services.reports.common import stream
from app.services.workspace import Workspace
from app.store.models import Case, DeadlineRow, Letter, Officer, SpotCheck, SpotCheckItem

AUTO_CHECKS = {
    "risk_assessment": "Risk assessment in time",
    "action_plan": "Action plan agreed",
    "regular_contact": "Regular contact kept",
    "letters": "Letters issued and approved",
}
QUALITY_CHECKS = {
    "balanced_investigation": "Balanced investigation",
    "report_writing": "Report writing",
    "professional_letters": "Professional letters",
}
QUALITY_RESULTS = ("pass", "fail", "n/a")
# the deadline kinds that answer each automatic check
_KINDS = {
    "risk_assessment": "risk_assessment",
    "action_plan": "action_plan",
    "regular_contact": "update_contact",
}
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class ItemView:
    id: uuid.UUID
    version: int
    ref: str
    officer: str
    auto: Mapping[str, Mapping[str, str]]  # check -> {"result", "note"}
    quality: Mapping[str, str]  # check -> pass | fail | n/a
    comments: str
    actions: str
    completed_by: str | None
    completed_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.ref,
            "officer": self.officer,
            "auto": {k: dict(v) for k, v in self.auto.items()},
            "quality": dict(self.quality),
            "comments": self.comments,
            "actions": self.actions,
            "completed_by": self.completed_by,
        }


@dataclass(frozen=True)
class SpotCheckView:
    id: uuid.UUID
    drawn_at: dt.datetime
    drawn_by: str
    as_of: dt.date
    percent: int
    seed: int
    population: int
    items: tuple[ItemView, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "drawn": self.as_of.isoformat(),
            "drawn_by": self.drawn_by,
            "percent": self.percent,
            "seed": self.seed,
            "live_cases": self.population,
            "sample": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class OfficerResult:
    """One officer's cases in one spot check."""

    officer: str
    drawn: dt.date
    spot_check: uuid.UUID
    checked: int
    completed: int
    auto_fails: int
    quality_passes: int
    quality_fails: int
    actions: tuple[tuple[str, str], ...]  # (case ref, action for the officer)


def check_percent(value: Any) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise ValidationError(
            f"{value!r} is not a percentage: give a whole number from 1 to 100."
        ) from None
    if not 1 <= n <= 100:
        raise ValidationError(f"The sample must be 1 to 100 percent of live cases; got {n}.")
    return n


def default_percent(ws: Workspace) -> int:
    return ws.registry.get().spotcheck_percent


def check_seed(value: Any) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{value!r} is not a seed: give a whole number.") from None
    if not 0 <= n <= MAX_SEED:
        raise ValidationError(f"The seed must be a whole number from 0 to {MAX_SEED}; got {n}.")
    return n


def sample_refs(officer: str, refs: list[str], percent: int, seed: int) -> list[str]:
    """The officer's share of the sample: the same seed and refs always give the same cases."""
    if not refs:
        return []
    k = math.ceil(len(refs) * percent / 100)
    return sorted(random.Random(f"{seed}:{officer}").sample(sorted(refs), k))


def draw_spot_check(
    ws: Workspace, percent: Any | None = None, seed: Any | None = None
) -> SpotCheckView:
    """Draw and record a sample of live cases; the checks the record answers are filled in.
    ``percent`` defaults to the policy's (``[spotcheck] percent``, 10 as shipped)."""
    pct = default_percent(ws) if percent is None else check_percent(percent)
    chosen_seed = secrets.randbelow(MAX_SEED) if seed is None else check_seed(seed)
    today = ws.today()
    with ws.db.write() as s:
        me = require(s, Do.SPOT_CHECK)
        stmt = (
            select(Officer.username, Case.ref, Case.id)
            .join(Officer, Officer.id == Case.officer_id)
            .where(Case.status == "open")
            .order_by(Officer.username, Case.ref)
        )
        chosen: list[tuple[str, str, uuid.UUID]] = []
        population = 0
        for officer, rows in itertools.groupby(stream(s, stmt), key=lambda r: r[0]):
            ids = {ref: case_id for _, ref, case_id in rows}
            population += len(ids)
            for ref in sample_refs(officer, list(ids), pct, chosen_seed):
                chosen.append((officer, ref, ids[ref]))
        check = SpotCheck(
            drawn_by=me.username,
            as_of=today,
            percent=pct,
            seed=chosen_seed,
            population=population,
            drawn_at=ws.now(),
        )
        s.add(check)
        s.flush()
        autos = _auto_checks(s, [c for _, _, c in chosen], today)
        for position, (officer, ref, case_id) in enumerate(chosen):
            s.add(
                SpotCheckItem(
                    spot_check_id=check.id,
                    position=position,
                    case_id=case_id,
                    case_ref=ref,
                    officer=officer,
                    auto=autos[case_id],
                    quality={},
                    updated_by=ws.actor.username,
                    device=ws.actor.device,
                )
            )
        log_action(
            s,
            ws,
            "draw_spot_check",
            "spot_check",
            str(check.id),
            percent=pct,
            seed=chosen_seed,
            sampled=len(chosen),
            live=population,
        )
        check_id = check.id
    return get_spot_check(ws, check_id)


def _auto_checks(s, case_ids: list[uuid.UUID], today: dt.date) -> dict[uuid.UUID, dict]:
    found: dict[uuid.UUID, dict[str, list[tuple]]] = {c: {} for c in case_ids}
    letters: dict[uuid.UUID, list[tuple[str, str | None]]] = {c: [] for c in case_ids}
    kinds = list(_KINDS.values())
    for i in range(0, len(case_ids), 500):
        part = case_ids[i : i + 500]
        rows = s.execute(
            select(
                DeadlineRow.case_id,
                DeadlineRow.kind,
                DeadlineRow.status,
                DeadlineRow.due,
                DeadlineRow.met_on,
                DeadlineRow.closed_on,
            ).where(DeadlineRow.case_id.in_(part), DeadlineRow.kind.in_(kinds))
        )
        for case_id, kind, *rest in rows:
            found[case_id].setdefault(kind, []).append(tuple(rest))
        for case_id, status, approved_by in s.execute(
            select(Letter.case_id, Letter.status, Letter.approved_by).where(
                Letter.case_id.in_(part)
            )
        ):
            letters[case_id].append((status, approved_by))
    out = {}
    for case_id in case_ids:
        checks = {}
        for check, kind in _KINDS.items():
            checks[check] = _judge(found[case_id].get(kind, []), today)
        checks["letters"] = _letters(letters[case_id])
        out[case_id] = checks
    return out


def _judge(rows: list[tuple], today: dt.date) -> dict[str, str]:
    if not rows:
        return {"result": "n/a", "note": "not owed on this case"}
    late = sum(
        1
        for status, due, met_on, closed_on in rows
        if missed(status, due, met_on, closed_on, today)
    )
    pending = sum(1 for status, *_ in rows if status in ("open", "on_hold"))
    if late:
        return {"result": "fail", "note": f"{late} of {len(rows)} late"}
    if pending == len(rows):
        return {"result": "open", "note": "not yet due"}
    return {
        "result": "pass",
        "note": f"{len(rows) - pending} on time" + (f", {pending} not yet due" if pending else ""),
    }


def _letters(rows: list[tuple[str, str | None]]) -> dict[str, str]:
    if not rows:
        return {"result": "n/a", "note": "no letters"}
    issued = sum(1 for status, _ in rows if status == "issued")
    approved = sum(1 for _, by in rows if by)
    waiting = len(rows) - issued
    note = f"{issued} issued ({approved} approved)" + (
        f", {waiting} not yet issued" if waiting else ""
    )
    return {"result": "pass" if not waiting else "open", "note": note}


def _view(check: SpotCheck) -> SpotCheckView:
    return SpotCheckView(
        id=check.id,
        drawn_at=check.drawn_at,
        drawn_by=check.drawn_by,
        as_of=check.as_of,
        percent=check.percent,
        seed=check.seed,
        population=check.population,
        items=tuple(_item(i) for i in check.items),
    )


def _item(i: SpotCheckItem) -> ItemView:
    return ItemView(
        id=i.id,
        version=i.version,
        ref=i.case_ref,
        officer=i.officer,
        auto={k: dict(v) for k, v in (i.auto or {}).items()},
        quality=dict(i.quality or {}),
        comments=i.comments,
        actions=i.actions,
        completed_by=i.completed_by,
        completed_at=i.completed_at,
    )


def get_spot_check(ws: Workspace, check_id: uuid.UUID) -> SpotCheckView:
    with ws.db.read() as s:
        require(s, Do.SPOT_CHECK)
        check = s.get(SpotCheck, check_id)
        if check is None:
            raise ValidationError("That spot check no longer exists.")
        return _view(check)


def list_spot_checks(ws: Workspace) -> list[SpotCheckView]:
    """Every spot check, newest first (with their items)."""
    with ws.db.read() as s:
        require(s, Do.SPOT_CHECK)
        checks = s.scalars(select(SpotCheck).order_by(SpotCheck.drawn_at.desc()))
        return [_view(c) for c in checks]


def record_item(
    ws: Workspace,
    item_id: uuid.UUID,
    version: int,
    quality: Mapping[str, str],
    comments: str = "",
    actions: str = "",
) -> ItemView:
    """The manager's judgement on one sampled case; a stale ``version`` is refused."""
    clean = {}
    for key, result in quality.items():
        if key not in QUALITY_CHECKS:
            raise ValidationError(
                f"Unknown quality check {key!r}; known: {', '.join(QUALITY_CHECKS)}."
            )
        if result not in QUALITY_RESULTS:
            raise ValidationError(
                f"{QUALITY_CHECKS[key]} must be pass, fail or n/a; got {result!r}."
            )
        clean[key] = result
    missing = [QUALITY_CHECKS[k] for k in QUALITY_CHECKS if k not in clean]
    if missing:
        raise ValidationError(f"Judge every quality check; still to do: {', '.join(missing)}.")
    if any(r == "fail" for r in clean.values()) and not actions.strip():
        raise ValidationError("A failed check needs an action for the officer.")
    try:
        with ws.db.write() as s:
            me = require(s, Do.SPOT_CHECK)
            item = s.get(SpotCheckItem, item_id)
            if item is None:
                raise ValidationError("That spot-check case no longer exists.")
            if item.version != version:
                raise ConflictError(
                    f"Someone else recorded {item.case_ref}'s spot check meanwhile; "
                    "reopen it to see their answers."
                )
            item.quality = clean
            item.comments = comments.strip()
            item.actions = actions.strip()
            item.completed_by = me.username
            item.completed_at = ws.now()
            item.updated_by = ws.actor.username
            item.device = ws.actor.device
            s.flush()
            log_action(
                s, ws, "record_spot_check", "spot_check_item", str(item.id), case=item.case_ref
            )
            return _item(item)
    except StaleDataError:
        raise ConflictError(
            "Someone else recorded this spot check meanwhile; reopen it to see their answers."
        ) from None


def officer_results(ws: Workspace) -> list[OfficerResult]:
    """Each officer's results in each spot check, oldest check first."""
    out = []
    for check in reversed(list_spot_checks(ws)):
        by_officer: dict[str, list[ItemView]] = {}
        for item in check.items:
            by_officer.setdefault(item.officer, []).append(item)
        for officer, items in sorted(by_officer.items()):
            out.append(
                OfficerResult(
                    officer=officer,
                    drawn=check.as_of,
                    spot_check=check.id,
                    checked=len(items),
                    completed=sum(1 for i in items if i.completed_by),
                    auto_fails=sum(
                        1 for i in items for a in i.auto.values() if a.get("result") == "fail"
                    ),
                    quality_passes=sum(1 for i in items for r in i.quality.values() if r == "pass"),
                    quality_fails=sum(1 for i in items for r in i.quality.values() if r == "fail"),
                    actions=tuple((i.ref, i.actions) for i in items if i.actions),
                )
            )
    return out
