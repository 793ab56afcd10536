"""Small builders for domain tests: policies, a case and events from compact tuples."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from app.domain.audit import audit
from app.domain.bundle import CaseInfo, Resident, parse_bundle
from app.domain.deadlines import derive
from app.domain.events import build_event, check_references
from app.domain.policy import Policy, PolicyHistory, parse_policy

ROOT = Path(__file__).resolve().parents[2]
POLICY_DIR = ROOT / "resources" / "policy"
SEED_001 = ROOT / "resources" / "demo" / "seed-001.json"
OFFICER = "k.mensah"


@cache
def _policy_doc(name: str) -> dict[str, Any]:
    path = POLICY_DIR / f"{name}.toml"
    if not path.is_file():
        raise KeyError(name)
    with path.open("rb") as fh:
        return tomllib.load(fh)


def policy_doc(name: str = "code-2024") -> dict[str, Any]:
    """A fresh, freely editable copy of a shipped policy document."""
    return copy.deepcopy(_policy_doc(name))


def resolve(name: str) -> dict[str, Any]:
    return policy_doc(name)


@cache
def shipped(name: str = "code-2024") -> Policy:
    return parse_policy(policy_doc(name), f"{name}.toml", resolve)


def variant(version: int, **changes: Any) -> Policy:
    """code-2024 with dotted-path changes, e.g. variant(4, **{"contact.callback_wd": 3})."""
    doc = policy_doc("code-2024")
    doc["version"] = version
    for path, value in changes.items():
        *parents, last = path.split(".")
        table = doc
        for p in parents:
            table = table[p]
        table[last] = value
    return parse_policy(doc, f"code-2024@{version}", resolve)


# Required fields filled in when a test does not care about them.
DEFAULTS: dict[str, dict[str, Any]] = {
    "contact": {"channel": "phone", "direction": "in"},
    "asb_report": {"channel": "phone", "by": "resident", "risk_hint": "none"},
    "risk_assessment": {"tier": "low", "by": OFFICER},
    "vulnerability_plan": {"adjustments": "Contact by email first"},
    "action_plan_agreed": {"update_every_wd": 10},
    "complaint_received": {"channel": "email", "stage": 1},
    "complaint_ack": {"stage": 1, "by": "s.hughes"},
    "extension_notice": {"stage": 1, "reason": "Awaiting a report"},
    "complaint_response": {"stage": 1, "by": "s.hughes"},
    "escalation_request": {"stage": 2},
    "escalation_refused": {"stage": 2, "reason": "Resolved; Ombudsman details given"},
    "partner_request": {"agency": "police", "ask": "Incident log"},
    "partner_reply": {"agency": "police"},
    "repair_raised": {"job": "Door bolts", "priority": "urgent"},
    "repair_done": {"job": "Door bolts"},
    "home_visit_request": {"reason": "other"},
    "home_visit": {"by": OFFICER},
    "ombudsman_order": {"text": "Apologise in writing"},
    "request_made": {"subject": "transfer", "channel": "phone"},
    "request_decided": {"decision": "Agreed", "reasons": "Evidence supports it"},
    "arrears_check": {"by": OFFICER, "result": "Account correct"},
    "nosp_served": {"by": OFFICER},
    "possession_approved": {"by": "h.ward"},
    "possession_requested": {"by": OFFICER},
    "possession_refused": {"by": "h.ward", "reasons": "Repayment plan first"},
    "pre_action_checked": {"by": OFFICER, "items": ["Sent rent statements"]},
    "hazard_reported": {
        "hazard": "damp_mould",
        "category": "significant",
        "channel": "phone",
        "by": "resident",
    },
    "hazard_investigated": {"by": OFFICER, "category": "significant", "finding": "Mould"},
    "hazard_summary_sent": {"channel": "letter"},
    "hazard_made_safe": {"by": OFFICER},
    "hazard_works_started": {"job": "Extractor fan and mould wash"},
    "hazard_works_done": {"job": "Extractor fan and mould wash"},
    "alternative_accommodation": {"offered": True},
    "hold_started": {"reason": "awaiting_resident"},
    "case_closed": {"outcome": "Resolved"},
    "complaint_refused": {"reason": "Matter over 12 months old; Ombudsman details given"},
    "complaint_closed": {"outcome": "Upheld; remedy delivered"},
    "complaint_reopened": {"reason": "Remedy not delivered"},
    "compensation_paid": {"compensation": [{"head": "time_trouble", "amount": 50}]},
    "ombudsman_enquiry": {"reference": "202400001", "stage": "enquiry"},
    "order_complied": {"evidence": "Apology letter and payment receipt"},
    "case_reassigned": {"from_officer": OFFICER, "to_officer": "b.jones"},
    "complaint_assigned": {"handler": "s.hughes", "stage": 1},
}


def E(eid: str, at: str, etype: str, **fields: Any) -> dict[str, Any]:
    """One raw event (as in a bundle) with defaults for the fields the test leaves out."""
    raw: dict[str, Any] = {"id": eid, "at": at, "type": etype}
    raw.update(DEFAULTS.get(etype, {}))
    if etype == "contact":
        direction = fields.get("direction", "in")
        raw["by"] = "resident" if direction == "in" else OFFICER
    raw.update(fields)
    return raw


def out(eid: str, at: str, channel: str = "phone", **fields: Any) -> dict[str, Any]:
    """An outbound contact by the officer."""
    return E(eid, at, "contact", channel=channel, direction="out", **fields)


def inbound(eid: str, at: str, channel: str = "phone", **fields: Any) -> dict[str, Any]:
    """An inbound contact from the resident."""
    return E(eid, at, "contact", channel=channel, direction="in", **fields)


def make_case(
    kind: str = "general",
    opened: str = "2025-06-02",
    vulnerabilities: list[str] | None = None,
    policy: str | None = None,
) -> CaseInfo:
    return CaseInfo(
        ref="T-0001",
        kind=kind,
        opened=dt.date.fromisoformat(opened),
        officer=OFFICER,
        resident=Resident(
            name="Ms T",
            vulnerabilities=tuple(vulnerabilities) if vulnerabilities is not None else None,
        ),
        policy=policy,
    )


def history(*raws: dict[str, Any]):
    events = [build_event(raw, i) for i, raw in enumerate(raws)]
    check_references(events)
    return events


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


AS_OF = "2025-09-01"


def findings(
    raws: list[dict[str, Any]] | tuple[dict[str, Any], ...],
    *,
    case: CaseInfo | None = None,
    policy: Policy | PolicyHistory | None = None,
    as_of: str = AS_OF,
) -> list[tuple[str, str, list[str]]]:
    """The audit of a history as (code, date, events), in the audit's order."""
    result = audit(case or make_case(), history(*raws), policy or shipped(), D(as_of))
    return [(f.code, f.date.isoformat(), list(f.events)) for f in result]


def deadlines(
    raws: list[dict[str, Any]] | tuple[dict[str, Any], ...],
    *,
    case: CaseInfo | None = None,
    policy: Policy | PolicyHistory | None = None,
    as_of: str | None = None,
):
    return derive(
        case or make_case(),
        history(*raws),
        policy or shipped(),
        as_of=D(as_of) if as_of else None,
    )


def deadline(result, key: str):
    matches = [d for d in result.deadlines if d.key == key]
    assert len(matches) == 1, (key, [d.key for d in result.deadlines])
    return matches[0]


def load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_bundle(path: Path):
    return parse_bundle(load_json(path))
