"""Verified copies of an SQLite database: make one, restore one, keep a fortnight of daily ones.

A copy counts only once it verifies: opened read-only, ``PRAGMA integrity_check`` says ok, and
it is a Doorstep database at a schema revision this release knows. Restore refuses anything
else, keeps the current database as a backup first, and swaps the file in with a rename.
PostgreSQL (the team server) is backed up with its own tools (pg_dump).

An encrypted (SQLCipher) database's copies are encrypted with the same key: SQLite's backup API
on SQLCipher copies the pages encrypted. Restoring over an encrypted database keeps it encrypted
(a plain backup is encrypted as it comes in), so no plain copy is left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
import threading
from pathlib import Path

from app.domain.calendar import london_date
from app.errors import DoorstepError, StorageError, ValidationError
from app.paths import make_private, private_dir, private_umask, sqlite_companions
from app.services.access import Do, require
from app.services.cases import log_action
from app.services.workspace import Workspace, put_setting
from app.store import cipher
from app.store.database import is_known_revision, to_url

log = logging.getLogger(__name__)
KEEP_DAYS_SETTING = "backup_keep_days"
DEFAULT_KEEP_DAYS = 14
STAMP = "%Y%m%dT%H%M%SZ"
NAMED = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?P<kind>|-before-restore)\.sqlite$")
CORE_TABLES = frozenset({"cases", "case_events", "audit_log", "alembic_version"})
PG_SENTENCE = (
    "This is a PostgreSQL database: back it up on the server with pg_dump "
    "(Doorstep's backup command copies SQLite files only)."
)


class PostgresBackup(ValidationError):
    """Backing up a team server database is the server's job (pg_dump)."""


def backups_dir(db_path: Path) -> Path:
    """The backups/ folder beside the database (in the data directory for the usual one)."""
    return Path(db_path).parent / "backups"


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime(STAMP)


def _sqlite_path(ws: Workspace) -> Path:
    if not ws.db.is_sqlite or ws.db.path is None:
        raise PostgresBackup(PG_SENTENCE)
    return ws.db.path


def verify_backup(file: Path, key: bytes | None = None) -> str:
    """The schema revision of a good copy; else one sentence saying why it is not usable.
    An encrypted copy needs the ``key`` that decrypts it."""
    file = Path(file)
    if not file.is_file():
        raise ValidationError(f"{file} cannot be used: there is no such file.")
    with file.open("rb") as fh:
        plain = fh.read(16) == b"SQLite format 3\x00"
    if not plain and not cipher.looks_encrypted(file):
        raise ValidationError(f"{file} is not a Doorstep backup (it is not an SQLite file).")
    if not plain and (key is None or not cipher.key_opens(file, key)):
        raise cipher.cannot_open(file, ValidationError)
    uri = f"{file.resolve().as_uri()}?mode=ro"
    dbapi = sqlite3 if plain else cipher.driver()
    try:
        conn = sqlite3.connect(uri, uri=True) if plain else cipher.connect(uri, key, uri=True)
    except dbapi.Error as exc:
        raise ValidationError(f"{file} cannot be opened ({exc}).") from None
    try:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            raise ValidationError(f"{file} is damaged: its integrity check failed ({check[0]}).")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables >= CORE_TABLES:
            raise ValidationError(f"{file} is an SQLite file but not a Doorstep database.")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except dbapi.DatabaseError as exc:
        raise ValidationError(f"{file} is damaged and cannot be read ({exc}).") from None
    finally:
        conn.close()
    if revision is None:
        raise ValidationError(f"{file} has no schema revision, so it is not a usable backup.")
    if not is_known_revision(revision[0]):
        raise ValidationError(
            f"{file} was written by a newer Doorstep (schema {revision[0]}); "
            "install that version to restore it."
        )
    return revision[0]


def _copy(
    source: Path, target: Path, source_key: bytes | None = None, key: bytes | None = None
) -> None:
    """A consistent copy with SQLite's backup API, owner-only, written beside then renamed.
    With ``key`` the copy is encrypted with it (``source_key`` opens an encrypted source)."""
    if not target.parent.exists():
        private_dir(target.parent)
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    if key is not None:
        _copy_encrypted(source, tmp, source_key, key)
    else:
        _copy_plain(source, tmp)
    make_private(tmp)
    try:
        verify_backup(tmp, key)
    except ValidationError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)


def _copy_encrypted(source: Path, tmp: Path, source_key: bytes | None, key: bytes) -> None:
    dbapi = cipher.driver()
    try:
        with private_umask():
            cipher.copy_database(source, tmp, source_key, key)
        with contextlib.closing(cipher.connect(tmp, key)) as dst:
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    except dbapi.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"The copy could not be written ({exc}); nothing was kept.") from None


def _copy_plain(source: Path, tmp: Path) -> None:
    src = sqlite3.connect(str(source))
    try:
        with private_umask():
            dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            dst.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"The copy could not be written ({exc}); nothing was kept.") from None
    finally:
        src.close()


def backup(ws: Workspace, out: Path | None = None) -> Path:
    """Write a verified copy of the workspace's database; returns where it went."""
    path = _sqlite_path(ws)
    if out is None:
        folder = private_dir(backups_dir(path))
        out = folder / f"{path.stem}-{_stamp(ws.now())}.sqlite"
    out = Path(out)
    if out.resolve() in {p.resolve() for p in sqlite_companions(path)}:
        raise ValidationError("A backup cannot be written over the database itself.")
    if out.exists():
        raise ValidationError(f"{out} already exists; choose another name for the backup.")
    if not out.parent.is_dir():
        raise ValidationError(f"{out.parent} is not a folder that exists.")
    _copy(path, out, ws.db.cipher_key, ws.db.cipher_key)
    return out


def restore(target: str | Path, file: Path, now: dt.datetime | None = None) -> Path | None:
    """Replace the database at ``target`` with the verified copy ``file``.

    The current database (if any) is first kept as a backup, whose path is returned. Refuses a
    copy that does not verify, leaving the current database untouched. Nothing may have the
    database open while this runs.
    """
    _, path = to_url(target)
    if path is None:
        raise PostgresBackup(PG_SENTENCE)
    file = Path(file)
    # An encrypted database stays encrypted with its key; an encrypted backup needs a key here.
    current_key = None
    if path.is_file() and cipher.looks_encrypted(path):
        current_key = cipher.opening_key(path)
        if current_key is None:
            raise cipher.cannot_open(path, ValidationError)
    backup_key = None
    if file.is_file() and cipher.looks_encrypted(file):
        backup_key = cipher.opening_key(file, current_key, cipher.key_for(path))
    verify_backup(file, backup_key)
    if path.exists() and file.resolve() == path.resolve():
        raise ValidationError("That file is the database itself; choose a backup to restore.")
    now = now or dt.datetime.now(dt.UTC)
    kept: Path | None = None
    if path.exists():
        _checkpoint(path, current_key)
        folder = private_dir(backups_dir(path))
        kept = folder / f"{path.stem}-{_stamp(now)}-before-restore.sqlite"
        _copy(path, kept, current_key, current_key)
    elif not path.parent.exists():
        private_dir(path.parent)
    incoming = path.with_name(f".{path.name}.restoring")
    _copy(file, incoming, backup_key, current_key or backup_key)
    for companion in sqlite_companions(path)[1:]:
        companion.unlink(missing_ok=True)  # a stale -wal would be replayed into the new file
    os.replace(incoming, path)
    make_private(path)
    return kept


def _checkpoint(path: Path, key: bytes | None = None) -> None:
    """Fold the -wal into the database file so nothing lives only in the -wal."""
    dbapi = sqlite3 if key is None else cipher.driver()
    conn = sqlite3.connect(str(path)) if key is None else cipher.connect(path, key)
    with contextlib.closing(conn):
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except dbapi.DatabaseError as exc:
            raise StorageError(f"The current database cannot be read ({exc}).") from None


def _made_at(name: str) -> dt.datetime | None:
    m = NAMED.match(name)
    if m is None:
        return None
    return dt.datetime.strptime(m["stamp"], STAMP).replace(tzinfo=dt.UTC)


def prune_backups(folder: Path, keep_days: int, now: dt.datetime | None = None) -> list[Path]:
    """Remove the backups Doorstep made in ``folder`` more than ``keep_days`` days ago (by the
    time in their names), always keeping the newest one. Other files are never touched."""
    if keep_days < 1:
        raise ValidationError("Backups must be kept for at least 1 day.")
    folder = Path(folder)
    if not folder.is_dir():
        return []
    now = now or dt.datetime.now(dt.UTC)
    made = sorted(
        ((t, p) for p in folder.iterdir() if p.is_file() and (t := _made_at(p.name)) is not None),
        reverse=True,
    )
    removed = []
    for p in folder.glob(".*.partial"):  # a copy cut short (the app closed mid-backup)
        if now.timestamp() - p.stat().st_mtime > 86400:
            p.unlink(missing_ok=True)
            removed.append(p)
    for made_at, p in made[1:]:
        if now - made_at > dt.timedelta(days=keep_days):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def keep_days(ws: Workspace) -> int:
    value = ws.setting(KEEP_DAYS_SETTING, DEFAULT_KEEP_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return DEFAULT_KEEP_DAYS
    return value


MAX_KEEP_DAYS = 3650


def save_keep_days(ws: Workspace, days: int) -> int:
    """How many days the daily backups are kept (a manager's or admin's setting)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_KEEP_DAYS:
        raise ValidationError(f"Keep backups for a whole number of days from 1 to {MAX_KEEP_DAYS}.")
    with ws.db.write() as s:
        require(s, Do.CHANGE_POLICY)
        put_setting(s, KEEP_DAYS_SETTING, days)
        log_action(s, ws, "save_backup_keep_days", "setting", KEEP_DAYS_SETTING, days=days)
    return days


def scheduled_backup(ws: Workspace) -> Path | None:
    """At most one backup a day (judged by the London date), then prune old ones.

    Returns the new copy, or None when today's exists or the database is not an SQLite file."""
    if not ws.db.is_sqlite or ws.db.path is None:
        return None
    folder = backups_dir(ws.db.path)
    today = ws.today()
    stem = ws.db.path.stem
    made = None
    if folder.is_dir():
        for p in folder.iterdir():
            m = NAMED.match(p.name)
            t = _made_at(p.name)
            if m and t and m["stem"] == stem and not m["kind"] and london_date(t) == today:
                made = p
                break
    new = None if made is not None else backup(ws)
    prune_backups(folder, keep_days(ws), ws.now())
    return new


def scheduled_backup_in_background(ws: Workspace) -> threading.Thread:
    """Run ``scheduled_backup`` on a worker thread (a large database takes a while to copy);
    a failure is logged, never shown as a traceback, and leaves the app working."""

    def run() -> None:
        try:
            made = scheduled_backup(ws)
        except (DoorstepError, OSError, sqlite3.Error) as exc:
            log.warning("the daily backup was not made: %s", exc)
        else:
            if made is not None:
                log.info("daily backup written to %s", made.name)

    worker = threading.Thread(target=run, name="doorstep-daily-backup", daemon=True)
    worker.start()
    return worker
