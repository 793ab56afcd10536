"""The context every service runs in: the database, who is acting, from which device, and the clock."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.domain.calendar import london_date
from app.domain.policy import PolicyError
from app.errors import StorageError, ValidationError
from app.store import integrity
from app.store.database import Database, open_database, to_url, upgrade_due
from app.store.models import Setting
from app.store.policies import PolicyRegistry, load_registry


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def put_setting(session: Session, key: str, value: Any) -> None:
    """Store an organisation setting (``Workspace.setting`` reads it), inside the caller's write."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


@dataclass(frozen=True)
class Actor:
    username: str
    device: str

    @classmethod
    def local(cls, username: str | None = None) -> Actor:
        user = username or os.environ.get("DOORSTEP_USER") or _os_user()
        return cls(user, socket.gethostname()[:120])


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers)
        return "officer"


class Workspace:
    """A database opened for one user. Services take it as their first argument."""

    def __init__(
        self,
        db: Database,
        actor: Actor | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ):
        self.db = db
        self.actor = actor or Actor.local()
        self.clock = clock
        self._registry: PolicyRegistry | None = None
        self._memo: dict[object, tuple[float, object]] = {}
        # The username that proved who they are (app.services.accounts.sign_in), if anyone has.
        self.signed_in: str | None = None
        db.after_write.append(self.forget)
        db.session_info["ws"] = self
        db.row_scope = self._row_scope
        # A laptop's copy of the team's cases (app/services/sync): its changes go to the outbox
        # and are numbered by the server, not here.
        enrolled = self.setting("sync_device")
        db.session_info["replica"] = enrolled is not None
        if enrolled is not None:  # everything on an enrolled laptop is its person's doing
            self.actor = Actor(enrolled["username"], self.actor.device)

    def _row_scope(self) -> str:
        """For PostgreSQL's row-level security: the officers whose cases the acting person may
        touch ("*" for every case, "" for none — before sign-in, say)."""
        from app.services.access import row_scope

        return row_scope(self)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return london_date(self.clock())

    @property
    def registry(self) -> PolicyRegistry:
        if self._registry is None:
            with self.db.read() as s:
                try:
                    self._registry = load_registry(s)
                except PolicyError as exc:
                    raise ValidationError(f"A policy cannot be used: {exc}") from exc
        return self._registry

    def policies_changed(self) -> None:
        self._registry = None

    def memo(self, key: object, compute, ttl: float = 30.0):
        """A short-lived cache for lookups on hot read paths (who covers whom today).

        Every write through this database clears it; changes made elsewhere (another
        laptop on the team server) show within ``ttl`` seconds.
        """
        now = time.monotonic()
        hit = self._memo.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
        value = compute()
        self._memo[key] = (now, value)
        return value

    def forget(self) -> None:
        self._memo.clear()

    def setting(self, key: str, default=None):
        with self.db.read() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    @property
    def is_demo(self) -> bool:
        return bool(self.setting("demo", False))

    def close(self) -> None:
        self.db.close()


def opening_work(target: str | Path) -> tuple[str, ...]:
    """What opening ``target`` does before it can be used, when that takes a while: "check",
    SQLite's integrity check (app/store/integrity.py: a file copied in or changed outside
    Doorstep, or not checked for a week; it reads every page: ~1 s at 100,000 cases, ~10 s from
    disk after a restart), and "upgrade", a copy of the file then its schema upgraded (a file an
    older release wrote). Empty for a server or a new file. The desktop app opens such a file
    behind a progress dialog saying which; the command line says so on a terminal."""
    _url, path = to_url(target)
    if path is None or not path.is_file():
        return ()
    work = ("check",) if integrity.needs_check(path) else ()
    return work + (("upgrade",) if upgrade_due(path) else ())


def open_workspace(
    target: str | Path,
    actor: Actor | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
    create: bool = True,
    key: bytes | None = None,
) -> Workspace:
    """``key`` creates a new SQLite file encrypted with it (an encrypted file is opened with
    the key on this computer without it)."""
    try:
        db = open_database(target, create=create, key=key)
    except StorageError:
        raise
    return Workspace(db, actor, clock)
