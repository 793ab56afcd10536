"""`doorstep server init --app-role`: migrations run as the owner, and the app's role may do its
work but cannot TRUNCATE, ALTER, DROP or rewrite the append-only tables."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.errors import StorageError
from app.services.accounts import sign_in
from app.services.cases import create_case, record_event
from app.services.retention import delete_cases
from app.services.search import search
from app.services.trail import verify_trail
from app.services.workspace import Actor, open_workspace
from app.store.database import _alembic_config, open_database
from tests.pg import PG_URL, admin_sql, drop_database, fresh_database, needs_pg, unique, url_for
from tests.services.privacy_helpers import close_case

pytestmark = needs_pg

APP_PASSWORD = "app-role-secret-2026"


@pytest.fixture
def team(monkeypatch, capsys):
    """A new team database prepared by `server init` as its owner, with an app role."""
    role = unique("doorstep_app")
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", "first-admin-password-1")
    monkeypatch.setenv("DOORSTEP_APP_PASSWORD", APP_PASSWORD)
    with fresh_database() as owner_url:
        code = main(["server", "init", "--db", owner_url, "--user", "boss", "--app-role", role])
        out, err = capsys.readouterr()
        assert (code, err) == (0, ""), err
        assert f"app role {role} created" in out and "first admin boss" in out
        database = owner_url.rsplit("/", 1)[1]
        try:
            yield owner_url, url_for(database, role, APP_PASSWORD), role
        finally:
            drop_database(database)
            admin_sql(f'DROP ROLE IF EXISTS "{role}"')


REFUSED = [
    "TRUNCATE cases CASCADE",
    "TRUNCATE case_events",
    "ALTER TABLE case_events DISABLE TRIGGER ALL",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "DROP TABLE audit_log",
    "DROP TABLE cases CASCADE",
    "UPDATE case_events SET summary = 'rewritten'",
    "UPDATE audit_log SET actor = 'forger'",
    "DELETE FROM audit_log",
    "UPDATE alembic_version SET version_num = '0001'",
    "CREATE TABLE sneaky (x int)",
    "CREATE INDEX sneaky ON cases (ref)",
]


def test_the_app_role_works_but_cannot_rewrite_or_destroy(team, clock):
    owner_url, app_url, role = team
    ws = open_workspace(app_url, actor=Actor("boss", "pg"), clock=clock)
    try:
        sign_in(ws, "boss", "first-admin-password-1")
        create_case(ws, ref="ASB-9", kind="asb", officer="k.mensah", resident_name="Ann Example")
        record_event(
            ws,
            "ASB-9",
            {
                "type": "contact",
                "channel": "phone",
                "direction": "in",
                "by": "resident",
                "summary": "Loud music, wants a call back",
            },
        )
        assert [h.ref for h in search(ws, "loud music")] == ["ASB-9"]
        # ws.db.connect() sets the transaction's row scope (migration 0007) as the app does
        with ws.db.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar() == role
            before = conn.execute(
                text("SELECT (SELECT count(*) FROM case_events), (SELECT count(*) FROM audit_log)")
            ).one()
        assert before[0] >= 1 and before[1] >= 1
        for sql in REFUSED:
            with pytest.raises(DBAPIError) as refused, ws.db.engine.begin() as conn:
                conn.execute(text(sql))
            # PostgreSQL's own privilege check (not only the append-only triggers) says no
            assert refused.value.orig.sqlstate == "42501", (sql, str(refused.value.orig))
        with ws.db.connect() as conn:
            after = conn.execute(
                text("SELECT (SELECT count(*) FROM case_events), (SELECT count(*) FROM audit_log)")
            ).one()
        assert after == before
        # DELETE on case_events is granted for retention only: the trigger refuses the rest
        with pytest.raises(DBAPIError, match="append-only"), ws.db.connect() as conn:
            conn.execute(text("DELETE FROM case_events"))
        # ... and retention's own path works as the app role
        create_case(
            ws,
            ref="GEN-OLD",
            kind="general",
            officer="k.mensah",
            resident_name="Old Case",
            opened=dt.date(2021, 3, 1),
        )
        close_case(ws, "GEN-OLD", "2022-01-10T12:00:00+00:00")
        assert delete_cases(ws, ["GEN-OLD"], "Retention period over").deleted == ("GEN-OLD",)
        assert verify_trail(ws).ok
    finally:
        ws.close()
    # the owner still owns everything; the app role owns nothing
    engine = create_engine(owner_url)
    try:
        with engine.connect() as conn:
            owned = conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE tableowner = :r"), {"r": role}
            ).scalar()
            privileges = dict(
                conn.execute(
                    text(
                        "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)"
                        " FROM information_schema.role_table_grants WHERE grantee = :r"
                        " GROUP BY table_name"
                    ),
                    {"r": role},
                ).all()
            )
    finally:
        engine.dispose()
    assert owned == 0
    assert privileges["audit_log"] == "INSERT,SELECT"
    assert privileges["case_events"] == "DELETE,INSERT,SELECT"  # retention's marked deletes
    assert privileges["alembic_version"] == "SELECT"
    assert privileges["cases"] == "DELETE,INSERT,SELECT,UPDATE"


def test_init_again_renews_grants_and_the_app_role_cannot_migrate(team, capsys, monkeypatch):
    owner_url, app_url, role = team
    monkeypatch.delenv("DOORSTEP_APP_PASSWORD")
    assert main(["server", "init", "--db", owner_url]) == 1  # people exist: no second admin
    assert "already set up with people" in capsys.readouterr().err
    # a release with a newer schema: the app role may not migrate, and says so in a sentence
    engine = create_engine(owner_url)
    try:
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0005")
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match="may not change the schema.*server init"):
        open_database(app_url)
    assert main(["inbox", "--db", app_url, "--user", "boss"]) == 1
    assert "server init" in capsys.readouterr().err
    # the owner upgrades and renews the grants (new tables get them too); the app opens again
    assert main(["server", "init", "--db", owner_url, "--app-role", role]) == 0
    assert f"app role {role} updated" in capsys.readouterr().out
    open_database(app_url).close()


def test_the_app_role_must_not_be_the_owner_or_a_bad_name(monkeypatch, capsys):
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", "first-admin-password-1")
    owner = create_engine(PG_URL).url.username
    with fresh_database() as url:
        assert main(["server", "init", "--db", url, "--user", "boss", "--app-role", owner]) == 1
        assert "must differ from the owner" in capsys.readouterr().err
        bad = 'x"; DROP TABLE cases; --'
        assert main(["server", "init", "--db", url, "--user", "boss", "--app-role", bad]) == 1
        assert "not a usable role name" in capsys.readouterr().err
