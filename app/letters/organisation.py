"""Organisation details for the letterhead, and which letters need a manager's approval.

Both live in the ``settings`` table (keys ``organisation`` and ``letter_approval``);
until someone saves them the invented defaults apply. Only a manager changes them.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from app.errors import PermissionDenied, ValidationError
from app.letters.compose import DEFAULT_ORGANISATION
from app.letters.document import Organisation
from app.letters.templates import library
from app.services.cases import log_action
from app.services.letterhead import clean_letterhead
from app.services.officers import MANAGER_ROLES, role_of
from app.services.workspace import Workspace, put_setting

ORG_KEY = "organisation"
APPROVAL_KEY = "letter_approval"


def _from_value(value: Any) -> Organisation:
    if not isinstance(value, dict):
        return DEFAULT_ORGANISATION
    base = asdict(DEFAULT_ORGANISATION)
    for key in base:
        if key in value and value[key] is not None:
            base[key] = value[key]
    base["address"] = tuple(str(a) for a in base["address"])
    return Organisation(**base)


def get_organisation(ws: Workspace) -> Organisation:
    return _from_value(ws.setting(ORG_KEY))


def _require_manager(ws: Workspace, session, doing: str) -> None:
    if role_of(session, ws.actor.username) not in MANAGER_ROLES:
        raise PermissionDenied(f"Only a manager can {doing}; ask your manager.")


def save_organisation(ws: Workspace, org: Organisation) -> Organisation:
    """Validate and store the letterhead details (a manager's action)."""
    value = clean_letterhead(asdict(org))
    org = replace(org, **{**value, "address": tuple(value["address"])})
    with ws.db.write() as s:
        _require_manager(ws, s, "change the organisation's details")
        put_setting(s, ORG_KEY, value)
        log_action(s, ws, "save_organisation", "setting", ORG_KEY)
    return org


def approval_policy(ws: Workspace) -> dict[str, bool]:
    """Template name -> whether a manager must approve it before it is issued."""
    stored = ws.setting(APPROVAL_KEY) or {}
    out = {}
    for name, t in library().items():
        value = stored.get(name) if isinstance(stored, dict) else None
        out[name] = value if isinstance(value, bool) else t.approval
    return out


def approval_required(ws: Workspace, template: str) -> bool:
    return approval_policy(ws).get(template, False)


def save_approval_policy(ws: Workspace, policy: dict[str, bool]) -> dict[str, bool]:
    unknown = sorted(set(policy) - set(library()))
    if unknown:
        raise ValidationError(f"There is no letter template {unknown[0]!r}.")
    value = {**approval_policy(ws), **{k: bool(v) for k, v in policy.items()}}
    with ws.db.write() as s:
        _require_manager(ws, s, "change which letters need approval")
        put_setting(s, APPROVAL_KEY, value)
        log_action(s, ws, "save_letter_approval", "setting", APPROVAL_KEY)
    return value
