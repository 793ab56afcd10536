"""First run: what a fresh profile needs before the main window opens.

A fresh profile has no ``config.toml`` in the data directory and no user database yet.
The first-run wizard collects ``SetupChoices``; ``complete_setup`` validates them, creates
the database (a SQLite file in the data directory, or the team's PostgreSQL server), adds the
person as its first officer and stores the organisation's settings in ONE transaction, and
only then writes ``config.toml``. When anything fails nothing is left behind: a SQLite file
it created is removed and no config is written, so the next start runs the wizard again.

The config never holds a password: a server address with one is refused; libpq reads the
password from ``PGPASSWORD`` or the user's pgpass file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from app.errors import StorageError, ValidationError
from app.paths import (
    data_dir,
    default_database,
    make_private,
    private_dir,
    private_umask,
)
from app.services.access import sign_in_mode
from app.services.cases import log_action
from app.services.letterhead import clean_letterhead
from app.services.policies import DEFAULT_POLICY_KEY, HOMES_KEY, check_homes
from app.services.workspace import Actor, open_workspace, put_setting
from app.store import cipher
from app.store.models import Officer, Setting
from app.store.policies import shipped_documents

CONFIG_NAME = "config.toml"
SERVER_SCHEME = "postgresql+psycopg"
ROLES = ("officer", "manager")
TITLES_KEY = (
    "officer_titles"  # before migration 0012_honest: username -> job title (now officers.job_title)
)
SETUP_KEY = "setup_complete"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
SQLITE, SERVER = "sqlite", "postgresql"


def config_path() -> Path:
    return data_dir() / CONFIG_NAME


def is_first_run() -> bool:
    """No config for Doorstep in the data directory and no user database yet."""
    return not config_path().exists() and not default_database().exists()


@dataclass(frozen=True)
class SetupChoices:
    org_name: str = ""
    org_address: tuple[str, ...] = ()
    org_phone: str = ""
    org_email: str = ""
    org_logo: str = ""
    homes: Any = 0
    policy: str = "code-2024"
    storage: str = SQLITE  # "sqlite" (this laptop alone) | "postgresql" (a team server)
    server_url: str = ""
    full_name: str = ""
    job_title: str = ""
    role: str = "officer"
    username: str = ""  # empty: derived from the full name
    encrypt: bool = False  # this laptop alone: an encrypted (SQLCipher) database


@dataclass(frozen=True)
class Profile:
    """What ``config.toml`` says: which database to open and as whom."""

    storage: str
    target: str  # a SQLite path or a SQLAlchemy URL without a password
    username: str
    joined: bool = False  # the server was already set up; this person was added to it


# -- checks ---------------------------------------------------------------------------------
def derive_username(full_name: str) -> str:
    """'Aisha Khan' -> 'a.khan'; accents dropped, only letters, digits, dot and dash kept."""
    folded = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    words = [re.sub(r"[^a-z0-9-]", "", w.lower()) for w in folded.split()]
    words = [w for w in words if w]
    if not words:
        return ""
    if len(words) == 1:
        return words[0][:80]
    return f"{words[0][0]}.{words[-1]}"[:80]


def check_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise ValidationError(
            f"{username!r} cannot be a username: use 2 to 80 lower-case letters, digits, "
            "dots or dashes, e.g. a.khan."
        )
    return username


def check_server_url(url: str) -> str:
    """A ``postgresql+psycopg://user@host[:port]/database`` address without a password."""
    url = url.strip()
    if not url:
        raise ValidationError(
            "Give the team server's address, e.g. postgresql+psycopg://a.khan@db.example.org/doorstep."
        )
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValidationError(
            f"{url!r} is not a database address: write it as "
            "postgresql+psycopg://user@host/database."
        ) from None
    if parsed.drivername != SERVER_SCHEME:
        raise ValidationError(
            f"The team server's address must start with {SERVER_SCHEME}:// (got {parsed.drivername}://)."
        )
    if parsed.password:
        raise ValidationError(
            "Leave the password out of the address: Doorstep reads it from PGPASSWORD or your "
            "pgpass file, so it is never stored in plain text."
        )
    if not parsed.host:
        raise ValidationError("The server address needs a host name, e.g. @db.example.org.")
    if not parsed.database:
        raise ValidationError(
            "The server address needs a database name at the end, e.g. /doorstep."
        )
    return url


def test_server(url: str, timeout_s: int = 5) -> str:
    """Connect to the team server once; a sentence saying what answered, or ``StorageError``."""
    url = check_server_url(url)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": timeout_s})
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StorageError(f"Cannot use that address ({exc.__class__.__name__}).") from None
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else "no answer"
        raise StorageError(f"Cannot reach the team server: {first}") from None
    finally:
        engine.dispose()
    return f"Connected: PostgreSQL {version} answered at {make_url(url).host}."


def validate(choices: SetupChoices) -> SetupChoices:
    """The choices cleaned; ``ValidationError`` names the first thing to fix."""
    letterhead = check_organisation(choices)
    homes = check_homes(choices.homes)
    if choices.policy not in shipped_documents():
        raise ValidationError(f"There is no policy called {choices.policy!r}.")
    if choices.storage not in (SQLITE, SERVER):
        raise ValidationError("Choose this laptop alone or a team server.")
    url = check_server_url(choices.server_url) if choices.storage == SERVER else ""
    encrypt = check_encryption(choices)
    person = check_person(choices)
    return replace(
        person,
        org_name=letterhead["name"],
        org_address=tuple(letterhead["address"]),
        org_phone=letterhead["phone"],
        org_email=letterhead["email"],
        org_logo=letterhead["logo"],
        homes=homes,
        server_url=url,
        encrypt=encrypt,
    )


def check_encryption(choices: SetupChoices) -> bool:
    """Whether the new database will be encrypted; refused when the key could not be kept."""
    if not choices.encrypt or choices.storage != SQLITE:
        return False
    reason = cipher.encryption_unavailable()
    if reason is not None:
        raise ValidationError(reason)
    return True


def check_organisation(choices: SetupChoices) -> dict[str, Any]:
    return clean_letterhead(
        {
            "name": choices.org_name,
            "address": choices.org_address,
            "phone": choices.org_phone,
            "email": choices.org_email,
            "logo": choices.org_logo,
        }
    )


def check_person(choices: SetupChoices) -> SetupChoices:
    name = " ".join(choices.full_name.split())
    if not name:
        raise ValidationError("Give your full name: it signs your letters and the audit trail.")
    title = " ".join(choices.job_title.split())
    if not title:
        raise ValidationError("Give your job title: it goes under your name on letters.")
    if len(name) > 200 or len(title) > 120:
        raise ValidationError("That name or job title is too long; shorten it.")
    if choices.role not in ROLES:
        raise ValidationError("Choose officer or manager as your role.")
    username = check_username(choices.username or derive_username(name))
    return replace(choices, full_name=name, job_title=title, username=username)


# -- the profile ----------------------------------------------------------------------------
def read_profile() -> Profile | None:
    """The profile in ``config.toml``, or None when there is none."""
    path = config_path()
    if not path.exists():
        return None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        db, officer = doc["database"], doc["officer"]
        storage = db["kind"]
        target = db["path"] if storage == SQLITE else db["url"]
        username = officer["username"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ValidationError(
            f"{path} cannot be read ({exc.__class__.__name__}); fix it, or delete it to run "
            "the first-run set-up again."
        ) from None
    if storage not in (SQLITE, SERVER) or not isinstance(target, str):
        raise ValidationError(f"{path} names no database Doorstep can open; fix or delete it.")
    return Profile(storage, target, str(username))


def _write_config(profile: Profile) -> Path:
    path = config_path()
    db: dict[str, str] = {"kind": profile.storage}
    if profile.storage == SQLITE:
        db["path"] = profile.target
    else:
        db["url"] = profile.target
    body = tomli_w.dumps({"database": db, "officer": {"username": profile.username}})
    header = (
        "# Doorstep on this computer (written by the first-run set-up).\n"
        "# The server password is never kept here: it comes from PGPASSWORD or a pgpass file.\n"
    )
    private_dir(path.parent)  # the data directory: owner-only, like the files in it
    tmp = path.with_name(path.name + ".tmp")
    with private_umask():
        tmp.write_text(header + body, encoding="utf-8")
    make_private(tmp)
    os.replace(tmp, path)
    return path


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()


def complete_setup(choices: SetupChoices, now: Callable[[], dt.datetime] | None = None) -> Profile:
    """Create the database, the first officer and the settings, then write ``config.toml``.

    On a team server the person must already have a sign-in there (an admin adds people): the
    laptop only remembers the server and their username, and the app asks them to sign in.
    """
    clean = validate(choices)
    if config_path().exists():
        raise ValidationError(
            f"Doorstep is already set up on this computer ({config_path()}); nothing was changed."
        )
    created: Path | None = None
    key, key_stored = None, False
    if clean.storage == SQLITE:
        path = default_database()
        if path.exists():
            raise ValidationError(f"There is already a database at {path}; nothing was changed.")
        target = str(path)
        created = path
        if clean.encrypt:  # 32 random bytes into the keyring (or DOORSTEP_DB_KEY's)
            key, key_stored = cipher.new_key(path)
    else:
        target = clean.server_url
    actor = Actor(clean.username, socket.gethostname()[:120])
    try:
        ws = open_workspace(target, actor=actor, key=key, **({"clock": now} if now else {}))
        try:
            with ws.db.write() as s:
                joined = _store(s, ws, clean)
        finally:
            ws.close()
        profile = Profile(clean.storage, target, clean.username, joined)
        _write_config(profile)
    except BaseException:
        if created is not None:
            _remove_sqlite(created)
        if key_stored and created is not None:
            cipher.forget_key(created)
        raise
    return profile


def _store(s, ws, c: SetupChoices) -> bool:
    """The officer and the settings, inside the caller's one write. True when joining.

    A laptop alone works without sign-in as its one named officer (recorded: ``solo_user``).
    A team server is joined, never set up from a laptop: an admin prepares it
    (`doorstep server init`) and adds each person; the app then asks them to sign in."""
    if c.storage == SERVER:
        if sign_in_mode(s) != "passwords":
            raise ValidationError(
                "That team server is not set up yet: an admin prepares it first with "
                "`doorstep server init`, then adds you with `doorstep user add`."
            )
        if not s.scalar(
            select(func.count())
            .select_from(Officer)
            .where(Officer.username == c.username, Officer.password_hash.is_not(None))
        ):
            raise ValidationError(
                f"{c.username} has no sign-in on that server: ask its admin to add you."
            )
        return True
    already = s.get(Setting, SETUP_KEY) is not None
    if s.scalar(select(func.count()).select_from(Officer).where(Officer.username == c.username)):
        raise ValidationError(
            f"There is already an officer {c.username!r} in that database; choose another username."
        )
    role = "officer" if already else c.role
    s.add(
        Officer(
            username=c.username,
            name=c.full_name,
            job_title=c.job_title,
            role=role,
            updated_by=c.username,
            device=ws.actor.device,
        )
    )
    if not already:
        put_setting(
            s,
            "organisation",
            {
                "name": c.org_name,
                "address": list(c.org_address),
                "phone": c.org_phone,
                "email": c.org_email,
                "website": "",
                "logo": c.org_logo,
                "signature_title": "",
            },
        )
        put_setting(s, HOMES_KEY, c.homes)
        put_setting(s, DEFAULT_POLICY_KEY, c.policy)
        put_setting(s, SETUP_KEY, {"at": ws.now().isoformat(), "by": c.username})
        put_setting(s, "solo_user", c.username)  # this laptop alone: no sign-in, acting as them
    log_action(s, ws, "first_run_setup", "officer", c.username, role=role, joined=already)
    return already
