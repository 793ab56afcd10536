"""People and sign-in: argon2id passwords, lockout, password change and reset, roles.

Identity is behind one interface (``IdentityProvider``): today passwords stored here; an
organisation's single sign-on (OIDC through MSAL) can be added as another provider that proves
a username, after which everything (roles, cases, the trail) works the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.calendar import LONDON
from app.errors import NotFound, PermissionDenied, ValidationError
from app.services.access import ROLES, Do, require, sign_in_mode
from app.services.cases import log_action
from app.services.officers import OfficerView, officer_view
from app.services.workspace import Actor, Workspace, put_setting
from app.store.models import Officer, Team

MAX_FAILURES = 5  # failed sign-ins in a row before the account locks
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 10  # NCSC: length beats complexity rules
WRONG = (
    f"The name or password is wrong (after {MAX_FAILURES} wrong tries in a row "
    "the account locks for a while)."
)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against for a name with no password, so a wrong name takes as long as a wrong password.
# Written out rather than hashed at import (~0.15-0.2 s of every start that signs in); a test
# checks it still carries the hasher's parameters (regenerate with _hasher.hash(...) if not).
_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$fgwhcTuteeIcVttAYmTrlQ$Ld5tzYAA0uVVUADCpvJ2sCdtY12lT4xDRmddfBN6vOA"


class SignInFailed(PermissionDenied):
    """Wrong name or password, a locked or disabled account (exit 3 on the command line)."""


class IdentityProvider(Protocol):
    """Proves who someone is; returns the username they proved, or raises SignInFailed."""

    def authenticate(
        self, session: Session, username: str, secret: str, now: dt.datetime
    ) -> str: ...


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            f"Choose a password of at least {MIN_PASSWORD} characters (three random words work well)."
        )
    if password.strip().lower() == username.strip().lower():
        raise ValidationError("The password must not be the username.")


def _london(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M on %d %b %Y")


class Passwords:
    """Passwords hashed with argon2id in the officers table; a lockout after repeated failures
    (counted in the database, so it holds across restarts and laptops)."""

    def authenticate(self, session: Session, username: str, secret: str, now: dt.datetime) -> str:
        person = session.scalar(select(Officer).where(Officer.username == username))
        if person is None or person.password_hash is None:
            _safe_verify(_DUMMY, secret)
            raise SignInFailed(WRONG)
        if person.locked_until is not None and person.locked_until > now:
            raise SignInFailed(
                f"Too many failed sign-ins: {username} is locked until "
                f"{_london(person.locked_until)}; an admin can unlock it sooner."
            )
        if not _safe_verify(person.password_hash, secret):
            person.failed_logins = (person.failed_logins or 0) + 1
            if person.failed_logins >= MAX_FAILURES:
                person.locked_until = now + LOCKOUT
                person.failed_logins = 0
                raise _Failed(
                    f"Too many failed sign-ins: {username} is locked until "
                    f"{_london(person.locked_until)}."
                )
            # The same words as for an unknown name: a sign-in screen must not confirm who has
            # an account. The count is kept; the lock says when it lifts.
            raise _Failed(WRONG)
        if not person.active:
            raise SignInFailed(f"The account {username!r} is disabled; ask an admin.")
        person.failed_logins = 0
        person.locked_until = None
        if _hasher.check_needs_rehash(person.password_hash):
            person.password_hash = hash_password(secret)
        return person.username


class _Failed(Exception):
    """A wrong password: the failure count must be committed before it is reported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _safe_verify(hashed: str, secret: str) -> bool:
    try:
        return _hasher.verify(hashed, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


PASSWORDS = Passwords()


def sign_in(
    ws: Workspace, username: str, secret: str, provider: IdentityProvider = PASSWORDS
) -> OfficerView:
    """Prove who is acting; from now on the workspace acts as them."""
    username = username.strip()
    failure: _Failed | None = None
    with ws.db.write() as s:
        try:
            proved = provider.authenticate(s, username, secret, ws.now())
        except _Failed as exc:
            failure = exc
            log_action(s, ws, "sign_in_failed", "officer", username)
        except SignInFailed:
            log_action(s, ws, "sign_in_refused", "officer", username)
            raise
        else:
            ws.actor = Actor(proved, ws.actor.device)
            log_action(s, ws, "signed_in", "officer", proved)
    if failure is not None:
        raise SignInFailed(failure.message)
    ws.signed_in = proved
    ws.forget()
    with ws.db.read() as s:
        return officer_view(s.scalar(select(Officer).where(Officer.username == proved)))


def sign_out(ws: Workspace) -> None:
    ws.signed_in = None
    ws.forget()


def _team(s: Session, name: str | None) -> Team | None:
    if not name:
        return None
    team = s.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        s.add(team)
        s.flush()
    return team


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}.")


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 80 or not name.isprintable() or any(c.isspace() for c in name):
        raise ValidationError("A username is 1–80 printable characters with no spaces.")
    return name


def add_person(
    ws: Workspace,
    username: str,
    role: str,
    password: str,
    full_name: str = "",
    team: str | None = None,
) -> OfficerView:
    """Give someone a sign-in (creating their officer record, or giving an imported one a
    password). The first person with a password must be an admin and needs no sign-in;
    after that only an admin adds people."""
    username = _check_username(username)
    _check_role(role)
    check_password_rules(username, password)
    with ws.db.write() as s:
        first = sign_in_mode(s) != "passwords"
        if first:
            if role != "admin":
                raise ValidationError(
                    "The first person with a sign-in must be an admin (they add everyone else)."
                )
        else:
            require(s, Do.MANAGE_USERS)
        person = s.scalar(select(Officer).where(Officer.username == username))
        if person is not None and person.password_hash is not None:
            raise ValidationError(
                f"{username} already has a sign-in; reset their password instead."
            )
        if person is None:
            person = Officer(username=username, name=full_name.strip() or username)
            s.add(person)
        elif full_name.strip():
            person.name = full_name.strip()
        person.role = role
        person.active = True
        person.password_hash = hash_password(password)
        person.password_changed_at = ws.now()
        person.updated_by = ws.actor.username
        person.device = ws.actor.device
        if team:
            person.team = _team(s, team)
        s.flush()
        log_action(s, ws, "person_added", "officer", username, role=role)
        view = officer_view(person)
    if first:  # the new admin is the one who set the database up
        ws.signed_in = username
        ws.actor = Actor(username, ws.actor.device)
    return view


def _person(s: Session, username: str) -> Officer:
    person = s.scalar(select(Officer).where(Officer.username == username))
    if person is None:
        raise NotFound(f"There is no person {username!r}.")
    return person


def _active_admins(s: Session) -> int:
    return s.scalar(
        select(func.count())
        .select_from(Officer)
        .where(
            Officer.role == "admin", Officer.active.is_(True), Officer.password_hash.is_not(None)
        )
    )


def set_role(ws: Workspace, username: str, role: str) -> OfficerView:
    _check_role(role)
    with ws.db.write() as s:
        require(s, Do.MANAGE_USERS)
        person = _person(s, username)
        if person.role == "admin" and role != "admin" and _active_admins(s) <= 1:
            raise ValidationError("That is the last admin: make someone else an admin first.")
        old = person.role
        person.role = role
        person.updated_by = ws.actor.username
        log_action(s, ws, "role_changed", "officer", username, old=old, new=role)
        return officer_view(person)


def disable_person(ws: Workspace, username: str) -> OfficerView:
    with ws.db.write() as s:
        require(s, Do.MANAGE_USERS)
        person = _person(s, username)
        if person.role == "admin" and person.active and _active_admins(s) <= 1:
            raise ValidationError("That is the last admin: make someone else an admin first.")
        person.active = False
        person.updated_by = ws.actor.username
        log_action(s, ws, "person_disabled", "officer", username)
        return officer_view(person)


def change_password(ws: Workspace, old: str, new: str) -> None:
    """The signed-in person changes their own password (proving the old one)."""
    username = ws.actor.username
    if ws.signed_in != username:
        raise PermissionDenied("Sign in first to change your password.")
    check_password_rules(username, new)
    with ws.db.write() as s:
        person = _person(s, username)
        if person.password_hash is None or not _safe_verify(person.password_hash, old):
            raise SignInFailed("The current password is wrong; nothing was changed.")
        person.password_hash = hash_password(new)
        person.password_changed_at = ws.now()
        log_action(s, ws, "password_changed", "officer", username)


def reset_password(ws: Workspace, username: str, new: str) -> None:
    """An admin sets a new password for someone (and lifts a lockout)."""
    check_password_rules(username, new)
    with ws.db.write() as s:
        require(s, Do.MANAGE_USERS)
        person = _person(s, username)
        person.password_hash = hash_password(new)
        person.password_changed_at = ws.now()
        person.failed_logins = 0
        person.locked_until = None
        log_action(s, ws, "password_reset", "officer", username)


@dataclass(frozen=True)
class PersonRow:
    username: str
    name: str
    role: str
    team: str | None
    active: bool
    can_sign_in: bool
    locked_until: dt.datetime | None


def list_people(ws: Workspace) -> list[PersonRow]:
    with ws.db.read() as s:
        require(s, Do.MANAGE_USERS)
        now = ws.now()
        return [
            PersonRow(
                o.username,
                o.name or o.username,
                o.role,
                o.team.name if o.team else None,
                o.active,
                o.password_hash is not None,
                o.locked_until if o.locked_until and o.locked_until > now else None,
            )
            for o in s.scalars(select(Officer).order_by(Officer.username))
        ]


def choose_solo(ws: Workspace, username: str, full_name: str, role: str = "officer") -> None:
    """A lone officer's laptop without sign-in: an explicit choice, recorded in the database."""
    username = _check_username(username)
    if role not in ("officer", "manager"):
        raise ValidationError("A lone laptop's officer is an officer or a manager.")
    if not full_name.strip():
        raise ValidationError("Give your full name: it signs your letters and the case history.")
    with ws.db.write() as s:
        if sign_in_mode(s) != "open":
            raise PermissionDenied("This database already has sign-in set up.")
        person = s.scalar(select(Officer).where(Officer.username == username))
        if person is None:
            person = Officer(username=username, name=full_name.strip(), role=role)
            s.add(person)
        else:
            person.name = full_name.strip()
            person.role = role
        put_setting(s, "solo_user", username)
        log_action(s, ws, "solo_laptop_chosen", "officer", username)
    ws.actor = Actor(username, ws.actor.device)


def choose_demo_person(ws: Workspace, username: str) -> OfficerView:
    """On the demo database, act as any demo person (no password: the data is invented)."""
    with ws.db.read() as s:
        if sign_in_mode(s) != "demo":
            raise PermissionDenied("Choosing a person without a password is for the demo only.")
        view = officer_view(_person(s, username))
    ws.actor = Actor(username, ws.actor.device)
    ws.forget()
    return view


def sign_in_mode_of(ws: Workspace) -> str:
    with ws.db.read() as s:
        return sign_in_mode(s)


def enter(ws: Workspace) -> str:
    """Settle who is acting on opening a database: the solo officer on a lone laptop."""
    with ws.db.read() as s:
        mode = sign_in_mode(s)
        if mode == "solo":
            from app.store.models import Setting

            ws.actor = Actor(s.get(Setting, "solo_user").value, ws.actor.device)
    return mode
