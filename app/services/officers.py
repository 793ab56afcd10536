"""Officers and teams as the UI and the inbox need them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound, PermissionDenied
from app.services.access import Do, acting, visible_officer_ids, who_may
from app.services.workspace import Workspace
from app.store.models import Officer

MANAGER_ROLES = frozenset({"manager", "admin"})  # roles that manage cases (access.MATRIX)


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


def officer_view(o: Officer) -> OfficerView:
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
        return [officer_view(o) for o in s.scalars(q)]


def get_officer(ws: Workspace, username: str) -> OfficerView:
    with ws.db.read() as s:
        return officer_view(officer_row(s, username))


def current_officer(ws: Workspace) -> OfficerView | None:
    """The officer record of the acting user, if there is one."""
    with ws.db.read() as s:
        o = s.scalar(select(Officer).where(Officer.username == ws.actor.username))
        return officer_view(o) if o else None


def require_manager(session: Session, ws: Workspace, doing: str) -> None:
    """Refuse (``PermissionDenied``) unless the acting person may change the organisation's
    policy and settings (access.MATRIX), saying what was refused."""
    if not acting(session).may(Do.CHANGE_POLICY):
        raise PermissionDenied(f"Only {who_may(Do.CHANGE_POLICY)} can {doing}; ask your manager.")


def is_manager(ws: Workspace) -> bool:
    """Whether the acting person may make a manager's changes (for the UI to disable the rest)."""
    with ws.db.read() as s:
        return acting(s).may(Do.CHANGE_POLICY)


def may_see_every_case(ws: Workspace) -> bool:
    """Whether the acting person sees every case (for the UI to offer the "all" inbox)."""
    with ws.db.read() as s:
        return visible_officer_ids(s) is None
