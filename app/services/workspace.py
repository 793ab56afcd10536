"""The context every service runs in: the database, who is acting, from which device, and the clock."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain.calendar import london_date
from app.domain.policy import PolicyError
from app.errors import StorageError, ValidationError
from app.store.database import Database, open_database
from app.store.models import Setting
from app.store.policies import PolicyRegistry, load_registry


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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

    def setting(self, key: str, default=None):
        with self.db.read() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    @property
    def is_demo(self) -> bool:
        return bool(self.setting("demo", False))

    def close(self) -> None:
        self.db.close()


def open_workspace(
    target: str | Path,
    actor: Actor | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
    create: bool = True,
) -> Workspace:
    try:
        db = open_database(target, create=create)
    except StorageError:
        raise
    return Workspace(db, actor, clock)
