"""Officers and teams as the UI and the inbox need them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound, PermissionDenied
from app.services.workspace import Workspace
from app.store.models import Officer

MANAGER_ROLES = frozenset({"manager", "admin"})


@dataclass(frozen=True)
class OfficerView:
    username: str
    name: str
    role: str
    team: str | None
    active: bool

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def label(self) -> str:
        return (
            f"{self.name} ({self.username})"
            if self.name and self.name != self.username
            else self.username
        )


def _view(o: Officer) -> OfficerView:
    return OfficerView(
        o.username, o.name or o.username, o.role, o.team.name if o.team else None, o.active
    )


def officer_row(session: Session, username: str) -> Officer:
    officer = session.scalar(select(Officer).where(Officer.username == username))
    if officer is None:
        raise NotFound(f"There is no officer {username!r}.")
    return officer


def role_of(session: Session, username: str) -> str | None:
    """The officer's role, or None when ``username`` is not a known officer."""
    return session.scalar(select(Officer.role).where(Officer.username == username))


def list_officers(ws: Workspace, active_only: bool = True) -> list[OfficerView]:
    with ws.db.read() as s:
        q = select(Officer).order_by(Officer.name, Officer.username)
        if active_only:
            q = q.where(Officer.active.is_(True))
        return [_view(o) for o in s.scalars(q)]


def get_officer(ws: Workspace, username: str) -> OfficerView:
    with ws.db.read() as s:
        return _view(officer_row(s, username))


def current_officer(ws: Workspace) -> OfficerView | None:
    """The officer record of the acting user, if there is one."""
    with ws.db.read() as s:
        o = s.scalar(select(Officer).where(Officer.username == ws.actor.username))
        return _view(o) if o else None


def require_manager(session: Session, ws: Workspace, doing: str) -> None:
    """Refuse (``PermissionDenied``) unless the acting person is a manager, saying what was refused."""
    if role_of(session, ws.actor.username) not in MANAGER_ROLES:
        raise PermissionDenied(f"Only a manager can {doing}; ask your manager.")


def is_manager(ws: Workspace) -> bool:
    """Whether the acting person may make a manager's changes (for the UI to disable the rest)."""
    with ws.db.read() as s:
        return role_of(s, ws.actor.username) in MANAGER_ROLES
