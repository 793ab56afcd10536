"""Who is acting and what they may do: the role matrix, enforced here for every service.

A database is in one of four sign-in modes (``sign_in_mode``):

* ``passwords`` — it has people with passwords (a team server, or a laptop set to require
  sign-in). Nothing that reads or writes case data runs until someone has signed in
  (``app.services.accounts.sign_in``); the signed-in person's role decides the rest.
* ``solo`` — a lone officer's laptop without sign-in, chosen explicitly at first run and recorded
  in the database (setting ``solo_user``): everything runs as that one named officer, who works on
  every case in it (as in ``open``); the role-only steps still follow their recorded role.
* ``demo`` — the invented demo database: choose any demo person without a password; their role
  is enforced exactly as with passwords.
* ``replica`` — a laptop enrolled with the team's sync service (app/services/sync): everything
  runs as the person who enrolled it, with their role; its copy holds only the cases the server
  lets that person see, and the server checks every change again when it arrives. Steps that
  change the team's own records (imports, policy, people, cover, retention) are the server's.
* ``open`` — a file with no people set up (made by ``doorstep import`` or a test): whoever can
  open the file acts in it. Roles still gate the role-only actions (an unknown name has none),
  but every case is visible. The desktop app never runs a database in this mode: it asks to
  set it up first.

The UI only hides what these checks would refuse.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.errors import PermissionDenied
from app.store.models import Officer, Setting

ROLES = ("officer", "manager", "admin", "auditor")
ROLE_WORDS = {
    "officer": "an officer",
    "manager": "a manager",
    "admin": "an admin",
    "auditor": "an auditor",
}


class Do(StrEnum):
    """Actions that need a role (case work is decided by ``check_case``)."""

    WORK_CASES = "change case records"
    SEE_ALL_CASES = "see every case"
    IMPORT = "import case bundles"
    REASSIGN_ANY = "reassign another officer's case"
    APPROVE_LETTERS = "approve letters"
    CHANGE_POLICY = "change the policy, closure days or organisation details"
    MANAGE_USERS = "manage people and roles"
    OVERSIGHT = "run oversight reports across all cases"
    SAR = "export a subject access bundle"
    RETENTION = "delete cases whose retention period has passed"
    MANAGE_COVER = "set another officer's out-of-office cover"
    SELF_ASSESS = "record the annual self-assessment against the Complaint Handling Code"
    REPORTS = "produce the complaints pack and the regulator's measures"
    SPOT_CHECK = "draw and record spot checks"


_MANAGER = frozenset(
    {
        Do.WORK_CASES,
        Do.SEE_ALL_CASES,
        Do.IMPORT,
        Do.REASSIGN_ANY,
        Do.APPROVE_LETTERS,
        Do.CHANGE_POLICY,
        Do.OVERSIGHT,
        Do.SAR,
        Do.RETENTION,
        Do.MANAGE_COVER,
        Do.SELF_ASSESS,
        Do.REPORTS,
        Do.SPOT_CHECK,
    }
)
MATRIX: dict[str, frozenset[Do]] = {
    "officer": frozenset({Do.WORK_CASES}),
    "manager": _MANAGER,
    "admin": _MANAGER | {Do.MANAGE_USERS},
    "auditor": frozenset({Do.SEE_ALL_CASES, Do.OVERSIGHT, Do.REPORTS, Do.SPOT_CHECK}),
}
# Which cases each role sees (and, with WORK_CASES, may change).
CASE_SCOPE = {
    "officer": "own, their team's, and those they cover",
    "manager": "all",
    "admin": "all",
    "auditor": "all (read only)",
}


# In open mode (a file with no people set up) the file's owner works on its cases freely; the
# quality checks between people (approval, policy, cover, people) still need the recorded role.
OPEN_MODE_FREE = frozenset(
    {
        Do.WORK_CASES,
        Do.SEE_ALL_CASES,
        Do.IMPORT,
        Do.REASSIGN_ANY,
        Do.OVERSIGHT,
        Do.REPORTS,
        Do.SAR,
    }
)


# Steps that change the team's own records: on a laptop that syncs, they are the server's.
SERVER_ONLY = frozenset(
    {
        Do.IMPORT,
        Do.CHANGE_POLICY,
        Do.MANAGE_USERS,
        Do.RETENTION,
        Do.MANAGE_COVER,
        Do.SELF_ASSESS,
        Do.SPOT_CHECK,
    }
)


def allowed(role: str | None, action: Do) -> bool:
    return role is not None and action in MATRIX.get(role, frozenset())


def who_may(action: Do) -> str:
    words = [ROLE_WORDS[r] for r in ROLES if action in MATRIX[r]]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def refusal(action: Do) -> PermissionDenied:
    text = who_may(action)
    return PermissionDenied(f"Only {text} can {action.value}.")


@dataclass(frozen=True)
class Person:
    """The person a service acts for, resolved once per session."""

    username: str
    role: str | None
    officer_id: uuid.UUID | None
    unrestricted: bool = False  # open mode: every case visible
    replica: bool = False  # a laptop's copy: every case in it is one the server let it have
    case_officers: frozenset[uuid.UUID] = field(default_factory=frozenset)

    def may(self, action: Do) -> bool:
        if self.replica and action in SERVER_ONLY:
            return False
        if self.unrestricted and action in OPEN_MODE_FREE:
            return True
        return allowed(self.role, action)


def sign_in_mode(session: Session) -> str:
    if session.get(Setting, "sync_device") is not None:
        return "replica"
    has_passwords = session.scalar(
        select(exists().where(Officer.password_hash.is_not(None), Officer.active.is_(True)))
    )
    if has_passwords:
        return "passwords"
    if session.get(Setting, "solo_user") is not None:
        return "solo"
    demo = session.get(Setting, "demo")
    if demo is not None and demo.value:
        return "demo"
    return "open"


def _case_officers(session: Session, me: Officer, today: dt.date) -> frozenset[uuid.UUID]:
    from app.services.absences import covered_officers

    ids = {me.id}
    if me.team_id is not None:
        ids.update(session.scalars(select(Officer.id).where(Officer.team_id == me.team_id)))
    ids.update(c.officer_id for c in covered_officers(session, me.username, today))
    return frozenset(ids)


def resolve(session: Session, username: str, signed_in: str | None, today: dt.date) -> Person:
    """Who is acting in this database, or PermissionDenied with what to do."""
    mode = sign_in_mode(session)
    if mode == "solo":
        username = session.get(Setting, "solo_user").value
    elif mode == "replica":
        enrolled = session.get(Setting, "sync_device")
        assert enrolled is not None  # sign_in_mode found it
        username = enrolled.value["username"]
    me = session.scalar(select(Officer).where(Officer.username == username))
    if mode in ("open", "solo"):  # one person's file: every case in it is theirs to work on
        return Person(username, me.role if me else None, me.id if me else None, unrestricted=True)
    if mode == "passwords" and signed_in != username:
        raise PermissionDenied("Sign in first: this database is protected by sign-in.")
    if me is None:
        where = (
            "this demo database; choose one of its people" if mode == "demo" else "this database"
        )
        raise PermissionDenied(f"{username!r} is not a person in {where}.")
    if not me.active:
        raise PermissionDenied(f"The account {username!r} is disabled; ask an admin.")
    if mode == "replica":
        return Person(me.username, me.role, me.id, replica=True)
    return Person(me.username, me.role, me.id, case_officers=_case_officers(session, me, today))


def person_of(ws, session: Session | None = None) -> Person:
    """Who is acting in ``ws`` — memoised on the workspace (every write and sign-in clears it;
    another laptop's change of role or cover shows within the memo's 30 s), so neither a service
    call nor a transaction's row scope costs extra queries. Worked out on ``session``, or on a
    session of its own that sets no row scope."""
    today = ws.today()

    def compute() -> Person:
        if session is not None:
            return resolve(session, ws.actor.username, ws.signed_in, today)
        own = ws.db.unscoped_read()
        try:
            return resolve(own, ws.actor.username, ws.signed_in, today)
        finally:
            own.close()

    return ws.memo(("person", ws.actor.username, ws.signed_in, today), compute)


def acting(session: Session) -> Person:
    """The acting person for a service's session (the workspace puts itself in ``session.info``)."""
    person = session.info.get("person")
    if person is None:
        ws = session.info.get("ws")
        if ws is None:  # a session made outside a workspace (migrations, maintenance)
            return Person("system", None, None, unrestricted=True)
        person = session.info["person"] = person_of(ws, session)
    return person


def require(session: Session, action: Do) -> Person:
    person = acting(session)
    if person.replica and action in SERVER_ONLY:
        raise PermissionDenied(
            f"This laptop syncs with the team server: {action.value} on the team server."
        )
    if not person.may(action):
        raise refusal(action)
    return person


def may_see(person: Person, officer_id: uuid.UUID | None) -> bool:
    return (
        person.replica
        or person.unrestricted
        or person.may(Do.SEE_ALL_CASES)
        or (officer_id is not None and officer_id in person.case_officers)
    )


def check_case(session: Session, ref: str, officer_id: uuid.UUID | None, write: bool) -> None:
    """Refuse a case the acting person may not see, or change when ``write``."""
    person = acting(session)
    if person.unrestricted:
        return
    if write and not person.may(Do.WORK_CASES):
        raise PermissionDenied(
            f"{ROLE_WORDS.get(person.role or '', 'This person').capitalize()} reads cases "
            "but cannot change them."
        )
    if not may_see(person, officer_id):
        raise PermissionDenied(
            f"Case {ref} is not yours, your team's or one you cover; "
            "ask a manager to reassign it or set up cover."
        )


def visible_officer_ids(session: Session) -> frozenset[uuid.UUID] | None:
    """The officers whose cases the acting person sees, or None for every case."""
    person = acting(session)
    if person.replica or person.unrestricted or person.may(Do.SEE_ALL_CASES):
        return None
    return person.case_officers


def row_scope(ws) -> str:
    """The value PostgreSQL's row-level security policies read (``doorstep.visible_officers``):
    "*" when the person sees every case, their officers' ids joined by commas otherwise, and ""
    (nothing) when nobody may act yet."""
    try:
        person = person_of(ws)
    except PermissionDenied:
        return ""
    if person.unrestricted or person.may(Do.SEE_ALL_CASES):
        return "*"
    return ",".join(sorted(str(i) for i in person.case_officers))


def may(ws, action: Do) -> bool:
    """Whether the acting person may take ``action`` (for the UI to offer it; the service that
    does it checks again)."""
    try:
        with ws.db.read() as s:
            return acting(s).may(action)
    except PermissionDenied:
        return False
