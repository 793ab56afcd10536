"""Opening a database: SQLite (WAL, synchronous=FULL, foreign keys) or PostgreSQL.

An SQLite file may be encrypted (SQLCipher, app/store/cipher.py): it is recognised by its
missing SQLite header and opened with the key from ``DOORSTEP_DB_KEY`` or the keyring; a
wrong or missing key is refused in one sentence before anything touches the file.

Opening applies pending Alembic migrations, backing an SQLite file up first, and
refuses a database written by a newer Doorstep. Write transactions on SQLite
start with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import StorageError
from app.paths import make_private, migrations_dir, private_dir, private_umask, sqlite_companions
from app.store import bulk_indexes, cipher, integrity, syncseq

log = logging.getLogger(__name__)
SQLITE_MAGIC = b"SQLite format 3\x00"
# FTS5 virtual tables (and their shadow tables) made by migration 0002, outside the ORM.
# External content is keyed by rowid: after a VACUUM, run rebuild_search_index().
SEARCH_TABLES = ("event_fts", "case_fts")


def is_search_table(name: str | None) -> bool:
    return bool(name) and name.startswith(SEARCH_TABLES)


def rebuild_search_index(db: Database) -> None:
    """Rebuild the SQLite full-text indexes from their tables (after VACUUM or a repair)."""
    if not db.is_sqlite:
        return
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO event_fts(event_fts) VALUES('rebuild')")
        conn.exec_driver_sql("DELETE FROM case_fts")
        conn.exec_driver_sql(
            "INSERT INTO case_fts(rowid, ref, resident) SELECT c.rowid, c.ref, r.name "
            "FROM cases c JOIN residents r ON r.id = c.resident_id"
        )


def _alembic_config(connection=None):
    # Alembic (and Mako) are imported only when a schema must be checked in full or
    # migrated: opening an up-to-date database compares one stored version (``_up_to_date``).
    from alembic.config import Config

    cfg = Config()
    # Config values interpolate "%": an install path holding one must not break migrations.
    cfg.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def is_known_revision(revision: str) -> bool:
    """Whether this release knows the schema revision (a newer release's is unknown)."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        ScriptDirectory.from_config(_alembic_config()).get_revision(revision)
    except (CommandError, KeyError):
        return False
    return True


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


_REVISION = re.compile(r"^revision(?:: *str)? *= *['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision[^=]*= *['\"]([^'\"]+)['\"]", re.M)


def shipped_head() -> str | None:
    """The newest schema revision, read from the migration files' text (no Alembic): the one
    no other revises. None when that cannot be told (then Alembic decides)."""
    return _revisions_in(migrations_dir())[1]


@functools.lru_cache(maxsize=4)
def _revisions_in(folder: Path) -> tuple[frozenset[str], str | None]:
    """Every revision the migration files name, and the head (None when it cannot be told)."""
    revisions, revised = set(), set()
    for path in (folder / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found is None:
            return frozenset(), None
        revisions.add(found.group(1))
        revised.update(_DOWN.findall(text))
    heads = revisions - revised
    return frozenset(revisions), heads.pop() if len(heads) == 1 else None


def _up_to_date(conn: Connection) -> bool:
    """The database records exactly the shipped head revision (one small query)."""
    head = shipped_head()
    if head is None:
        return False
    if not inspect(conn).has_table("alembic_version"):
        return False  # a new database (a failed SELECT would spoil a PostgreSQL transaction)
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    return len(rows) == 1 and rows[0][0] == head


def upgrade_due(path: Path) -> bool:
    """Whether opening the plain SQLite file at ``path`` first backs it up and upgrades its
    schema (a file written by an older release: seconds for a large one). Read-only, without
    SQLAlchemy; False for a new, encrypted, foreign or newer file, which opening judges itself."""
    known, head = _revisions_in(migrations_dir())
    if head is None or not path.is_file() or cipher.looks_encrypted(path):
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:  # no such table (not ours, or new), or unreadable
        return False
    return len(rows) == 1 and rows[0][0] != head and rows[0][0] in known


def to_url(target: str | Path) -> tuple[str, Path | None]:
    """A plain path means SQLite; anything with ``://`` is a SQLAlchemy URL."""
    text = str(target)
    if "://" in text:
        if text.startswith("sqlite:///"):
            raw = text.removeprefix("sqlite:///").split("?")[0].removeprefix("file:")
            return text, Path(raw)
        return text, None
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}", path


def _sqlcipher_key(engine: Engine, key: bytes) -> None:
    """Every new connection is SQLCipher's, with the key set before anything else runs."""
    pragma = cipher.key_pragma(key)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, _record, cargs, cparams):
        conn = dialect.loaded_dbapi.connect(*cargs, **cparams)
        conn.execute(pragma)
        return conn


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        # a REPLACE that removes a row fires its delete triggers (append-only tables refuse it)
        cur.execute("PRAGMA recursive_triggers=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        # journal_mode=WAL is set once the file is known to be ours (_prepare): it changes the
        # file, and another program's database is refused without being touched.
        cur.execute("PRAGMA synchronous=FULL")  # durable commits: kept (docs/benchmarks.md)
        # Measured (bench/sqlite_tuning.py): sorts and temporary indexes in memory; a 32 MB
        # page cache so a bulk import's batch does not spill dirty pages into the WAL early.
        # mmap is left off: SQLCipher files cannot use it and an I/O error would crash.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA cache_size=-32768")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        options = conn.get_execution_options()
        if options.get("single_read", False):
            return  # one SELECT is consistent on its own: skip the extra round trip
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("immediate", False) else "BEGIN")


DAMAGED = (
    "The database file is damaged (SQLite reports it malformed), so it cannot be used; "
    "restore a backup with `doorstep restore`."
)


def translate(exc: BaseException) -> StorageError | None:
    """A clear message for the database errors a person can act on."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "disk is full" in text or "database or disk is full" in text or "no space left" in text:
        return StorageError(
            "The disk is full, so nothing was saved. Free some space and try again."
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return StorageError("The database is read-only, so nothing was saved.")
    if "database is locked" in text:
        return StorageError(
            "The database is busy with another change; nothing was saved. Try again."
        )
    if "not a database" in text or "file is encrypted" in text:
        return StorageError("This file is not a Doorstep database (it is not an SQLite file).")
    if "malformed" in text or "database corrupt" in text:
        return StorageError(DAMAGED)
    if "disk i/o error" in text:
        return StorageError("The disk reported an error, so nothing was saved.")
    if isinstance(exc, OperationalError):
        return _connection_problem(text)
    return None


def _connection_problem(text: str) -> StorageError | None:
    """PostgreSQL: why the team server could not be used, in one sentence."""
    if "password authentication failed" in text or "no password supplied" in text:
        return StorageError(
            "The team server refused the database role or its password; check the role in the "
            "address and the password (PGPASSWORD or ~/.pgpass)."
        )
    if "does not exist" in text and "database" in text:
        return StorageError("The team server has no database of that name; check the address.")
    if "failed to resolve host" in text or "could not translate host name" in text:
        return StorageError("The team server's name cannot be found; check the address.")
    if any(
        words in text
        for words in (
            "could not connect",
            "connection refused",
            "connection failed",
            "timeout expired",
            "server closed the connection",
            "terminating connection",
            "connection timed out",
            "no route to host",
            "network is unreachable",
        )
    ):
        return StorageError("The team server cannot be reached; check the connection.")
    return None


# The connection dropped mid-conversation (the server restarted or crashed), as opposed to a
# server that cannot be reached at all.
LOST_CONNECTION = (
    "terminating connection",
    "server closed the connection",
    "consuming input failed",
    "connection is lost",
    "the connection is closed",
)
# The server ended the session itself (admin_shutdown, crash_shutdown, cannot_connect_now): the
# backend was gone before any COMMIT was processed, so its open transaction was rolled back.
SERVER_ENDED_SESSION = {"57P01", "57P02", "57P03"}


def _write_interrupted(exc: DBAPIError, committing: bool) -> StorageError | None:
    """A write whose connection to the team server was lost: say whether it is certain that
    nothing was saved (so trying again is safe) or whether the COMMIT may have gone through."""
    orig = getattr(exc, "orig", exc)
    if not any(words in str(orig).lower() for words in LOST_CONNECTION):
        return None
    if committing and getattr(orig, "sqlstate", None) not in SERVER_ENDED_SESSION:
        return StorageError(
            "The team server went away while saving the change; it may or may not have been "
            "saved — check before trying again."
        )
    return StorageError(
        "The team server went away during the change; nothing of it was saved — try again."
    )


# is_local: the setting lasts only for the transaction it is set in.
SET_SCOPE = text("SELECT set_config('doorstep.visible_officers', :scope, true)")
WIDEN_SCOPE = text(
    "SELECT set_config('doorstep.visible_officers', CASE "
    "WHEN current_setting('doorstep.visible_officers', true) = '*' THEN '*' "
    "ELSE concat_ws(',', nullif(current_setting('doorstep.visible_officers', true), ''), "
    "CAST(:officer AS text)) END, true)"
)


class Database:
    def __init__(self, url: str, path: Path | None, engine: Engine, key: bytes | None = None):
        self.url = url
        self.path = path
        self.engine = engine
        # The SQLCipher key of an encrypted file (also seals its attachments); None when plain.
        self.cipher_key = key
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._reader = sessionmaker(bind=engine, expire_on_commit=False)
        writer = engine.execution_options(immediate=True) if self.is_sqlite else engine
        self._writer = sessionmaker(bind=writer, expire_on_commit=False)
        syncseq.install(self._writer)  # number every case change for the laptops' pulls
        self.backup_path: Path | None = None
        self.checked = False  # SQLite's integrity check ran at this open (app.store.integrity)
        self.prepared = False  # opened, checked and migrated: a clean close may vouch for it
        self.after_write: list[Callable[[], None]] = []  # called after every committed write
        # Put in every session's ``info`` (the workspace adds itself: services find who is acting).
        self.session_info: dict[str, object] = {}
        # PostgreSQL row-level security (migration 0007): which officers' cases this database's
        # user may touch, "*" for all, "" for none; set at the start of every transaction.
        self.row_scope: Callable[[], str] | None = None

    def _scope(self, run) -> None:
        """The second wall on a team server: tell PostgreSQL whose cases this transaction may
        see (the role matrix, from the workspace); the policies refuse the rest."""
        if self.row_scope is not None and not self.is_sqlite:
            run(SET_SCOPE, {"scope": self.row_scope()})

    def widen_scope(self, session: Session, officer_id) -> None:
        """Let this transaction also reach ``officer_id``'s cases: a service that has checked the
        step (handing a case to another team) needs to write the case's new owner."""
        if self.row_scope is not None and not self.is_sqlite:
            session.execute(WIDEN_SCOPE, {"officer": str(officer_id)})

    def see_all(self, session: Session) -> None:
        """Let this transaction reach every case, for a step whose service has its own check
        that needs the case first (a sync entry made before the case left its author: is the
        author the one who held it then?). ``rescope`` puts the person's scope back."""
        if self.row_scope is not None and not self.is_sqlite:
            session.execute(SET_SCOPE, {"scope": "*"})

    def rescope(self, session: Session) -> None:
        self._scope(session.execute)

    def unscoped_read(self) -> Session:
        """A session that sets no row scope (for working out the scope itself: people, settings
        and absences carry no row-level security)."""
        return self._reader(info={**self.session_info, "writing": False})

    @property
    def encrypted(self) -> bool:
        return self.cipher_key is not None

    @property
    def label(self) -> str:
        """A name for the database safe to show (no password)."""
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        session = self._reader(info={**self.session_info, "writing": False})
        try:
            self._scope(session.execute)
            yield session
        except DBAPIError as exc:
            err = translate(exc)
            raise (err or exc) from exc
        finally:
            session.close()

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain connection for hot read paths (the inbox): no ORM session, and on SQLite
        no transaction around what must be a single SELECT per use."""
        try:
            with self.engine.connect() as conn:
                self._scope(conn.execute)
                yield conn.execution_options(single_read=True) if self.is_sqlite else conn
        except DBAPIError as exc:
            err = translate(exc)
            raise (err or exc) from exc

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back entirely otherwise."""
        session = self._writer(info={**self.session_info, "writing": True})
        committing = False
        try:
            self._scope(session.execute)
            yield session
            committing = True
            session.commit()
            committing = False
            for callback in self.after_write:
                callback()
        except DBAPIError as exc:
            session.rollback()
            err = _write_interrupted(exc, committing) or translate(exc)
            raise (err or exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()
        if self.is_sqlite and self.path is not None and self.prepared:
            integrity.record_clean_close(self.path)


def _check_sqlite_file(path: Path, create: bool, encrypted: bool = False) -> None:
    if path.exists():
        if path.is_dir():
            raise StorageError(f"{path} is a folder, not a Doorstep database.")
        with path.open("rb") as fh:
            head = fh.read(16)
        if not head and not create:  # SQLite would quietly make it a new, empty database
            raise StorageError(f"{path} is empty — not a Doorstep database.")
        if head and head != SQLITE_MAGIC and not encrypted:
            raise StorageError(f"{path} is not a Doorstep database (it is not an SQLite file).")
    elif not create:
        raise StorageError(f"There is no database at {path}.")
    elif not path.parent.exists():
        private_dir(path.parent)  # only a folder we make is made owner-only


def backup_sqlite(path: Path, revision: str, key: bytes | None = None) -> Path:
    """A consistent copy (SQLite backup API) beside the database, before it is migrated;
    an encrypted database's copy is encrypted with the same key."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.backup-{revision}-{stamp}{path.suffix}")
    if key is not None:
        with private_umask():
            cipher.copy_database(path, target, key, key)
        make_private(*sqlite_companions(target))
        return target
    src = sqlite3.connect(str(path))
    try:
        with private_umask():
            dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    make_private(*sqlite_companions(target))
    return target


def open_database(
    target: str | Path, create: bool = True, migrate: bool = True, key: bytes | None = None
) -> Database:
    """Open (and create or migrate) a Doorstep database. Raises ``StorageError`` with a clear message.

    An encrypted SQLite file is opened with ``key`` or, by default, the key on this computer
    (``DOORSTEP_DB_KEY``, then the keyring). A new file is created encrypted when ``key`` is given.
    """
    url, path = to_url(target)
    writable = path is not None and "mode=ro" not in url
    key = _cipher_key(path, key)
    if writable:
        _check_sqlite_file(path, create, encrypted=key is not None)
    with private_umask() if writable else contextlib.nullcontext():
        db = _open(url, path, migrate, key)
    if writable:
        make_private(*sqlite_companions(path))  # also tightens a file made by an older release
    return db


def _cipher_key(path: Path | None, key: bytes | None) -> bytes | None:
    """The key to open ``path`` with: None for a plain file (or a server), else a key checked
    to decrypt it. A missing or wrong key is refused before the file is touched."""
    if path is None:
        return None
    if path.is_file() and cipher.looks_encrypted(path):
        found = cipher.key_opens(path, key) and key if key is not None else cipher.opening_key(path)
        if not found:
            raise cipher.cannot_open(path)
        return found
    if key is not None and path.exists():
        raise StorageError(f"{path} is not encrypted; encrypt it with `doorstep encrypt` instead.")
    return key


def _open(url: str, path: Path | None, migrate: bool, key: bytes | None = None) -> Database:
    try:
        extra = {"module": cipher.driver()} if key is not None else {}
        engine = create_engine(
            url, future=True, pool_pre_ping=not url.startswith("sqlite"), **extra
        )
    except StorageError:
        raise
    except Exception as exc:  # bad URL, missing driver
        hint = (
            " — for the team server write postgresql+psycopg://…"
            if isinstance(exc, ModuleNotFoundError) and url.startswith("postgres")
            else ""
        )
        raise StorageError(
            f"Cannot use the database address given ({exc.__class__.__name__}){hint}."
        ) from exc
    if engine.dialect.name == "sqlite":
        if key is not None:
            _sqlcipher_key(engine, key)
        _sqlite_pragmas(engine)
    db = Database(url, path, engine, key)
    try:
        _prepare(db, migrate)
        db.prepared = True
    except StorageError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise (translate(exc) or StorageError(f"Cannot open the database: {exc.orig}")) from exc
    return db


def _pending(db: Database, conn: Connection, migrate: bool) -> str | None:
    """Whether migrations must run: None when the schema is up to date, else the current
    revision ("" for an empty database). Refuses foreign, newer and (without ``migrate``) old
    databases."""
    if _up_to_date(conn):
        return None
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head()
    try:
        current = MigrationContext.configure(conn).get_current_revision()
    except CommandError:  # more than one row in alembic_version
        raise StorageError(
            f"{db.label} records more than one schema version (its alembic_version table is "
            "damaged), so it cannot be used; restore a backup with `doorstep restore`."
        ) from None
    tables = set(inspect(conn).get_table_names())
    if current is None and tables - {"alembic_version"}:
        raise StorageError(
            f"{db.label} holds tables but is not a Doorstep database; choose another file."
        )
    if current is not None:
        try:
            script.get_revision(current)
        except (CommandError, KeyError):
            raise StorageError(
                f"{db.label} was written by a newer version of Doorstep (schema {current}). "
                "Install the newer version to open it; nothing was changed."
            ) from None
    if current == head:
        return None
    if not migrate:
        raise StorageError(f"{db.label} needs upgrading to schema {head} before it can be used.")
    return current or ""


def _prepare(db: Database, migrate: bool) -> None:
    if not db.is_sqlite:
        _prepare_postgres(db, migrate)
        return
    with db.engine.connect() as conn:
        if db.path is None or integrity.needs_check(db.path):
            _quick_check(db, conn)
            if db.path is not None:
                integrity.record_check(db.path)
            db.checked = True
        current = _pending(db, conn, migrate)
        _use_wal(conn)
        abandoned = bulk_indexes.abandoned(conn)
        conn.rollback()
    if abandoned:  # an import was killed with the indexes set aside: make them again first
        try:
            with db.engine.connect().execution_options(immediate=True) as conn, conn.begin():
                bulk_indexes.restore(conn)
        except DBAPIError:  # a read-only file, or busy: reads are right without them, if slower
            log.warning("indexes set aside by an unfinished import could not be made again")
    if current is None:
        return
    if current and db.path is not None:
        db.backup_path = backup_sqlite(db.path, current, db.cipher_key)
        log.info("database backed up before migration to %s", db.backup_path.name)
    with db.engine.begin() as conn:
        from alembic import command

        cfg = _alembic_config(conn)
        command.upgrade(cfg, "head")


def _quick_check(db: Database, conn: Connection) -> None:
    """SQLite's quick integrity check, once per open: a damaged file is refused in one
    sentence before any command reads half of it (or writes into it)."""
    rows = conn.exec_driver_sql("PRAGMA quick_check").all()
    conn.rollback()
    problems = [str(r[0]) for r in rows if r[0] != "ok"]
    if problems:
        first = problems[0] if len(problems[0]) <= 80 else problems[0][:79] + "…"
        raise StorageError(
            f"{db.label} fails SQLite's integrity check ({first}), so it cannot be used; "
            "restore a backup with `doorstep restore`."
        )


def _use_wal(conn: Connection) -> None:
    """Write-ahead logging (a persistent setting of the file), for a file known to be ours."""
    conn.rollback()  # the journal mode cannot change inside a transaction
    raw = conn.connection.dbapi_connection
    assert raw is not None  # a live connection (we are inside ``engine.connect()``)
    cur = raw.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except conn.engine.dialect.loaded_dbapi.OperationalError:
        pass  # a read-only file keeps its journal mode
    finally:
        cur.close()


def _prepare_postgres(db: Database, migrate: bool) -> None:
    """Check and migrate in one transaction holding the migration lock: two commands opening
    the same new database at once take turns (the second finds it up to date), instead of both
    creating the tables and one failing on a duplicate key in pg_type."""
    with db.engine.begin() as conn:
        take_migration_lock(conn)
        if _pending(db, conn, migrate) is None:
            return
        try:
            from alembic import command

            command.upgrade(_alembic_config(conn), "head")
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
                raise
            raise StorageError(
                f"{db.label} needs upgrading to schema {head_revision()} and this database role "
                "may not change the schema: the team's administrator runs `doorstep server init` "
                "with the owner's address."
            ) from exc


# pg_advisory_xact_lock key for schema changes (any fixed number; this spells "DoorStep").
MIGRATION_LOCK = 0x446F6F7253746570


def take_migration_lock(conn: Connection) -> None:
    """On PostgreSQL, wait for the migration lock (released when the transaction ends)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
