"""Running the case timeline audit on stored cases or on bundle documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.domain.audit import audit
from app.domain.bundle import parse_bundle
from app.domain.calendar import CalendarRangeError
from app.domain.deadlines import Finding, derive
from app.domain.events import BundleError
from app.domain.trail import late_evidence_in, note_late_evidence
from app.errors import ValidationError
from app.services.cases import find_case
from app.services.convert import case_info_from_row, events_from_rows
from app.services.late_entries import late_evidence
from app.services.recompute import case_history, policy_history
from app.services.stream import BATCH, CaseHistory, iter_case_histories
from app.services.workspace import Workspace
from app.store.models import Case
from app.store.policies import PolicyRegistry


@dataclass(frozen=True)
class AuditReport:
    case: str
    as_of: dt.date
    policy: str
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "as_of": self.as_of.isoformat(),
            "policy": self.policy,
            "findings": [f.to_dict() for f in self.findings],
        }


def _audit(case, events, history, as_of: dt.date) -> list[Finding]:
    try:
        return audit(case, events, history, as_of)
    except (BundleError, CalendarRangeError) as exc:  # a deadline past the calendar's last year
        raise ValidationError(str(exc)) from exc


def audit_document(doc: Any, registry: PolicyRegistry, as_of: dt.date) -> AuditReport:
    """Audit a bundle document without storing it."""
    try:
        bundle = parse_bundle(doc)
    except BundleError as exc:
        raise ValidationError(str(exc)) from exc
    name = bundle.case.policy or registry.default
    if name not in registry.names():
        raise ValidationError(
            f"Unknown policy {name!r}; known policies: {', '.join(registry.names())}."
        )
    history = registry.history(name)
    # Valid for the audit exactly when valid for import: every deadline the events start must
    # be derivable (import derives them all; the audit reads only what was known by --as-of).
    try:
        derive(bundle.case, bundle.events, history)
    except (BundleError, CalendarRangeError) as exc:
        raise ValidationError(str(exc)) from exc
    findings = _audit(bundle.case, bundle.events, history, as_of)
    late = late_evidence_in(bundle.events, history.current.late_entry_days)
    findings = note_late_evidence(findings, late)
    return AuditReport(bundle.case.ref, as_of, history.current.ref, tuple(findings))


def audit_case(ws: Workspace, ref: str, as_of: dt.date | None = None) -> AuditReport:
    as_of = as_of or ws.today()
    with ws.db.read() as s:
        case = find_case(s, ref)
        return audit_row(s, ws, case, as_of)


def audit_all(ws: Workspace, as_of: dt.date | None = None) -> list[AuditReport]:
    return list(iter_audit(ws, as_of))


def iter_audit(
    ws: Workspace, as_of: dt.date | None = None, batch: int = BATCH
) -> Iterator[AuditReport]:
    """Every stored case's audit, in reference order, streamed a batch of cases at a time
    (``stream.iter_case_histories``): memory does not grow with the database."""
    as_of = as_of or ws.today()
    for histories in iter_case_histories(ws, batch):
        for h in histories:
            yield audit_history(ws, h, as_of)


def audit_history(ws: Workspace, h: CaseHistory, as_of: dt.date) -> AuditReport:
    """Audit one case as the whole-database stream read it (no access check: callers check)."""
    history = ws.registry.history(h.policy_name or ws.registry.default)
    return _report(h.info, history, h.rows, as_of)


def audit_row(s, ws: Workspace, case: Case, as_of: dt.date) -> AuditReport:
    """Audit one stored case inside the caller's session (no access check: callers check)."""
    history = policy_history(ws.registry, case)
    return _report(case_info_from_row(case), history, case_history(s, case), as_of)


def _report(info, history, rows, as_of: dt.date) -> AuditReport:
    events = events_from_rows(rows)
    findings = _audit(info, events, history, as_of)
    findings = note_late_evidence(findings, late_evidence(rows, history.current.late_entry_days))
    return AuditReport(info.ref, as_of, history.current.ref, tuple(findings))
