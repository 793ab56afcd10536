"""Row-level security on the team server (migration 0007): the app's role touches only the cases
the acting person may see, even through SQL that skips the services' own checks."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from app.cli import main
from app.services import accounts
from app.services.absences import reassign_case
from app.services.cases import create_case
from app.services.workspace import Actor, open_workspace
from tests.pg import admin_sql, drop_database, fresh_database, needs_pg, unique, url_for
from tests.services.conftest import resident_calls

pytestmark = needs_pg

ADMIN_PASSWORD = "first-admin-password-1"
PASSWORD = "an officer's own passphrase"
APP_PASSWORD = "app-role-secret-2026"


@pytest.fixture
def team(monkeypatch, capsys, clock):
    """A team database set up by its owner: an app role, an admin, an officer in each team, and
    a case for each officer (with a call-back deadline)."""
    role = unique("doorstep_app")
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("DOORSTEP_APP_PASSWORD", APP_PASSWORD)
    with fresh_database() as owner_url:
        assert (
            main(["server", "init", "--db", owner_url, "--user", "boss", "--app-role", role]) == 0
        )
        capsys.readouterr()
        database = owner_url.rsplit("/", 1)[1]
        app_url = url_for(database, role, APP_PASSWORD)
        ws = open_workspace(app_url, actor=Actor("boss", "pg"), clock=clock)
        try:
            accounts.sign_in(ws, "boss", ADMIN_PASSWORD)
            accounts.add_person(ws, "north1", "officer", PASSWORD, team="North")
            accounts.add_person(ws, "south1", "officer", PASSWORD, team="South")
            for ref, officer in (("N-1", "north1"), ("S-1", "south1")):
                create_case(ws, ref=ref, kind="general", officer=officer, resident_name="A N Other")
                resident_calls(ws, ref, f"Please call back ({ref})")
        finally:
            ws.close()
        try:
            yield owner_url, app_url
        finally:
            drop_database(database)
            admin_sql(f'DROP ROLE IF EXISTS "{role}"')


def raw(ws, sql: str) -> list:
    """SQL straight through the app's connection, past every service check."""
    with ws.db.read() as s:
        first = s.execute(text(sql)).all()
    with ws.db.connect() as conn:
        assert conn.execute(text(sql)).all() == first  # the inbox's plain connections too
    return first


def owner_counts(owner_url: str, ref: str) -> tuple[int, int]:
    engine = create_engine(owner_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id"
                    " WHERE c.ref = :r), (SELECT count(*) FROM deadlines d JOIN cases c"
                    " ON c.id = d.case_id WHERE c.ref = :r)"
                ),
                {"r": ref},
            ).one()
    finally:
        engine.dispose()


def test_an_officer_reaches_only_their_own_cases_even_past_the_services(team, clock):
    _owner, app_url = team
    ws = open_workspace(app_url, actor=Actor("north1", "pg"), clock=clock)
    try:
        assert raw(ws, "SELECT ref FROM cases") == []  # nobody has signed in: nothing at all
        accounts.sign_in(ws, "north1", PASSWORD)
        assert [r.ref for r in raw(ws, "SELECT ref FROM cases ORDER BY ref")] == ["N-1"]
        refs = raw(
            ws,
            "SELECT DISTINCT c.ref FROM case_events e JOIN cases c ON c.id = e.case_id",
        )
        assert [r.ref for r in refs] == ["N-1"]
        assert raw(ws, "SELECT count(*) AS n FROM case_events")[0].n == len(
            raw(ws, "SELECT id FROM case_events e WHERE e.case_id IN (SELECT id FROM cases)")
        )
        with ws.db.write() as s:  # another team's case cannot be changed either
            changed = s.execute(text("UPDATE cases SET status = 'closed' WHERE ref = 'S-1'"))
            assert changed.rowcount == 0
    finally:
        ws.close()


def test_the_admin_reaches_every_case(team, clock):
    _owner, app_url = team
    ws = open_workspace(app_url, actor=Actor("boss", "pg"), clock=clock)
    try:
        accounts.sign_in(ws, "boss", ADMIN_PASSWORD)
        assert [r.ref for r in raw(ws, "SELECT ref FROM cases ORDER BY ref")] == ["N-1", "S-1"]
    finally:
        ws.close()


def test_handing_a_case_to_another_team_keeps_its_history_and_deadlines(team, clock):
    owner_url, app_url = team
    before = owner_counts(owner_url, "N-1")
    ws = open_workspace(app_url, actor=Actor("north1", "pg"), clock=clock)
    try:
        accounts.sign_in(ws, "north1", PASSWORD)
        reassign_case(ws, "N-1", "south1", "Moved to the South patch")
        assert raw(ws, "SELECT ref FROM cases") == []  # now out of her reach
    finally:
        ws.close()
    events, deadlines = owner_counts(owner_url, "N-1")
    assert events == before[0] + 1 and deadlines == before[1] and deadlines > 0
