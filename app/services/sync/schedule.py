"""How often an enrolled laptop syncs in the background: the laptop's own setting
``sync_every_minutes`` (default 5), never sent to the team server."""

from __future__ import annotations

from app.errors import ValidationError
from app.services.cases import log_action
from app.services.sync.client import enrolment
from app.services.workspace import Workspace, put_setting

SETTING = "sync_every_minutes"
DEFAULT_MINUTES = 5
MAX_MINUTES = 24 * 60


def every_minutes(ws: Workspace) -> int:
    """The interval in minutes (the default when the setting is missing or not usable)."""
    value = ws.setting(SETTING, DEFAULT_MINUTES)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
        return DEFAULT_MINUTES
    return value


def save_every_minutes(ws: Workspace, minutes: int) -> int:
    """Set this laptop's interval (the person it is enrolled for may: it is their laptop's)."""
    if enrolment(ws) is None:
        raise ValidationError("Only a laptop enrolled with a team server syncs in the background.")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(f"Sync every whole number of minutes from 1 to {MAX_MINUTES}.")
    with ws.db.write() as s:
        s.info["syncing"] = True  # the laptop's own setting: not a change for the server
        put_setting(s, SETTING, minutes)
        log_action(s, ws, "save_sync_every", "setting", SETTING, minutes=minutes)
    return minutes
