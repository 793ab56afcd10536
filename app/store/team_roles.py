"""The team server's database roles: migrations run as the owner of the tables; the app connects
as a role holding only the privileges it needs.

The app role may read and change the working tables (SELECT, INSERT, UPDATE, DELETE), only
read and add to the append-only ``case_events`` and ``audit_log`` (SELECT, INSERT), read
``alembic_version``, and use the sequences. One exception, retention (migration 0005): a
manager deleting a closed case past its retention period removes its events, so the app role may
DELETE from ``case_events`` — and the append-only trigger still refuses every delete but that
marked one (never UPDATE, never TRUNCATE; ``audit_log`` stays insert-only). It owns nothing, so TRUNCATE, ALTER TABLE (such as
DISABLE TRIGGER), DROP and CREATE are refused by PostgreSQL itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from app.errors import StorageError, ValidationError
from app.store.database import Database

APPEND_ONLY = ("case_events", "audit_log")
READ_ONLY = ("alembic_version",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """A SCRAM-SHA-256 verifier (as psql's \\password makes): the password itself never reaches
    the server, its statement log or a command line."""
    salt = secrets.token_bytes(16)
    # PostgreSQL applies SASLprep; NFKC normalisation is its core (identical for ASCII).
    secret = unicodedata.normalize("NFKC", password).encode()
    salted = hashlib.pbkdf2_hmac("sha256", secret, salt, iterations)
    stored = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored)}:{b64(server)}"


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def grant_app_role(db: Database, role: str, password: str | None = None) -> bool:
    try:
        return _grant(db, role, password)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise StorageError(
            f"The owner's database role may not set up {role} ({str(exc.orig).splitlines()[0]}): "
            "give it CREATEROLE, or have a superuser create the role first."
        ) from exc


def _grant(db: Database, role: str, password: str | None) -> bool:
    """Create the app role when missing (LOGIN with ``password``, else NOLOGIN: then grant it to
    the team's login roles) and give it exactly the app's privileges on this database, replacing
    any it had. Returns whether the role was created. Run as the owner of the tables."""
    if db.is_sqlite:
        raise ValidationError("An app role is for a PostgreSQL team server, not an SQLite file.")
    if not ROLE_NAME.match(role):
        raise ValidationError(
            f"{role!r} is not a usable role name: lower-case letters, digits and _ only."
        )
    with db.engine.begin() as conn:
        me = conn.execute(text("SELECT current_user")).scalar()
        if role == me:
            raise ValidationError(
                f"The app role must differ from the owner ({me}) that runs the migrations."
            )
        found = conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        if found is not None and found.rolsuper:
            raise ValidationError(f"{role} is a superuser, so no grant could limit it.")
        q = _quote(conn, role)
        login = "LOGIN PASSWORD '" + scram_verifier(password) + "'" if password else None
        if found is None:
            conn.exec_driver_sql(f"CREATE ROLE {q} {login or 'NOLOGIN'}")
        elif login:
            conn.exec_driver_sql(f"ALTER ROLE {q} {login}")
        database = conn.execute(text("SELECT current_database()")).scalar()
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        s = _quote(conn, schema)
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_quote(conn, database)} TO {q}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {s} TO {q}")
        conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {q}")
        conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {q}")
        tables_present = (
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
                {"s": schema},
            )
            .scalars()
            .all()
        )
        for table in tables_present:
            t = f"{s}.{_quote(conn, table)}"
            if table == "case_events" and "retention_delete" in tables_present:
                privileges = "SELECT, INSERT, DELETE"  # the trigger admits only retention's
            elif table in APPEND_ONLY:
                privileges = "SELECT, INSERT"
            elif table in READ_ONLY:
                privileges = "SELECT"
            else:
                privileges = "SELECT, INSERT, UPDATE, DELETE"
            conn.exec_driver_sql(f"GRANT {privileges} ON {t} TO {q}")
        conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {q}")
    return found is None
