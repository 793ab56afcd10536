"""Laptops enrolled with the sync service: a person signs in once on the laptop and it receives a
device token — random, shown once, kept on the laptop, stored here only as its SHA-256 — which
an admin can withdraw. Laptops never hold the team database's credentials."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.services import accounts
from app.services.access import Do, require
from app.services.cases import log_action
from app.services.workspace import Actor, Workspace
from app.store.models import Device, Officer

SEEN_EVERY = dt.timedelta(minutes=1)  # how often a device's last-seen time is written


@dataclass(frozen=True)
class DeviceView:
    id: str
    name: str
    username: str
    role: str
    person_name: str
    enrolled_at: dt.datetime
    last_seen_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class Enrolment:
    device: DeviceView
    token: str  # shown once: the server keeps only its hash


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _view(d: Device) -> DeviceView:
    return DeviceView(
        str(d.id),
        d.name,
        d.officer.username,
        d.officer.role,
        d.officer.name or d.officer.username,
        d.enrolled_at,
        d.last_seen_at,
        d.revoked_at,
    )


def enrol(ws: Workspace, username: str, password: str, device_name: str) -> Enrolment:
    """Sign ``username`` in and give the laptop ``device_name`` a token of its own."""
    device_name = " ".join(device_name.split())[:120]
    if not device_name:
        raise ValidationError("Name the laptop (its host name will do).")
    accounts.sign_in(ws, username, password)  # refuses a wrong password, a locked or disabled one
    token = secrets.token_urlsafe(32)
    with ws.db.write() as s:
        me = s.scalars(select(Officer).where(Officer.username == ws.actor.username)).one()
        device = Device(
            name=device_name, officer_id=me.id, token_hash=token_hash(token), enrolled_at=ws.now()
        )
        s.add(device)
        s.flush()
        log_action(s, ws, "enrol_device", "device", str(device.id), name=device_name)
        view = _view(device)
    return Enrolment(view, token)


def act_for_token(ws: Workspace, token: str) -> DeviceView:
    """Make ``ws`` act as the person whose laptop holds ``token`` (from that laptop), or refuse:
    an unknown or withdrawn token, or a disabled account."""
    with ws.db.unscoped_read() as s:
        device = s.scalar(select(Device).where(Device.token_hash == token_hash(token)))
        if device is None:
            raise PermissionDenied("This laptop is not enrolled with the team server.")
        if device.revoked_at is not None:
            raise PermissionDenied(
                "This laptop's enrolment was withdrawn; enrol it again (doorstep device enrol)."
            )
        if not device.officer.active:
            raise PermissionDenied(f"The account {device.officer.username!r} is disabled.")
        view = _view(device)
    ws.actor = Actor(view.username, f"{view.name} ({view.id[:8]})")
    ws.signed_in = view.username
    if view.last_seen_at is None or ws.now() - view.last_seen_at > SEEN_EVERY:
        with ws.db.write() as s:
            row = s.get(Device, uuid.UUID(view.id))
            if row is not None:
                row.last_seen_at = ws.now()
    return view


def list_devices(ws: Workspace) -> list[DeviceView]:
    with ws.db.read() as s:
        require(s, Do.MANAGE_USERS)
        return [_view(d) for d in s.scalars(select(Device).order_by(Device.enrolled_at))]


def revoke(ws: Workspace, name_or_id: str) -> DeviceView:
    """Withdraw a laptop's token (its next sync is refused); by device name or id."""
    with ws.db.write() as s:
        require(s, Do.MANAGE_USERS)
        rows = [
            d
            for d in s.scalars(select(Device).where(Device.revoked_at.is_(None)))
            if d.name == name_or_id or str(d.id) == name_or_id or str(d.id)[:8] == name_or_id
        ]
        if not rows:
            raise NotFound(f"No enrolled laptop is called {name_or_id!r}.")
        if len(rows) > 1:
            raise ValidationError(
                f"{len(rows)} laptops are called {name_or_id!r}; give the device id instead."
            )
        device = rows[0]
        device.revoked_at = ws.now()
        device.revoked_by = ws.actor.username
        log_action(s, ws, "revoke_device", "device", str(device.id))
        return _view(device)
