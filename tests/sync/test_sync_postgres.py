"""Sync against a PostgreSQL team database served through the app's own role, so the row-level
security (migration 0007) is in force: a laptop receives only its person's cases, and an entry
for a case that has left them is held for review rather than lost or left waiting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli import main
from app.services import accounts
from app.services.absences import reassign_case
from app.services.cases import create_case
from app.services.contacts import log_contact
from app.services.sync import client, conflicts
from app.services.workspace import Actor, open_workspace
from app.store.models import Case, CaseEvent
from tests.pg import admin_sql, drop_database, fresh_database, needs_pg, unique, url_for
from tests.sync.conftest import PASSWORD, PEOPLE, Server

pytestmark = needs_pg
APP_PASSWORD = "app-role-secret-2026"


@pytest.fixture
def pg_team(monkeypatch, capsys, sync_clock):
    role = unique("doorstep_app")
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", PASSWORD)
    monkeypatch.setenv("DOORSTEP_APP_PASSWORD", APP_PASSWORD)
    with fresh_database() as owner_url:
        assert (
            main(["server", "init", "--db", owner_url, "--user", "admin1", "--app-role", role]) == 0
        )
        capsys.readouterr()
        database = owner_url.rsplit("/", 1)[1]
        app_url = url_for(database, role, APP_PASSWORD)
        ws = open_workspace(app_url, actor=Actor("admin1", "pg"), clock=sync_clock)
        accounts.sign_in(ws, "admin1", PASSWORD)
        for username, (role_name, name) in PEOPLE.items():
            if username != "admin1":
                team = {"amira": "North", "ben": "South"}.get(username)
                accounts.add_person(ws, username, role_name, PASSWORD, full_name=name, team=team)
        for ref, officer in (("T-001", "amira"), ("T-002", "amira"), ("T-003", "ben")):
            create_case(ws, ref=ref, kind="general", officer=officer, resident_name="A N Other")
        try:
            yield ws, app_url
        finally:
            ws.close()
            drop_database(database)
            admin_sql(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def pg_laptop(tmp_path, pg_team, sync_clock):
    team_ws, app_url = pg_team
    service = open_workspace(app_url, actor=Actor("sync-service", "server"), clock=sync_clock)
    opened = []
    with Server(service) as server:

        def make(username: str):
            ws = open_workspace(
                tmp_path / f"{username}.sqlite", Actor(username, username), sync_clock
            )
            client.enrol(ws, server.url, username, PASSWORD, username)
            opened.append(ws)
            return ws

        yield make
    for ws in opened:
        ws.close()
    service.close()


def _refs(ws) -> set[str]:
    with ws.db.read() as s:
        return set(s.scalars(select(Case.ref)))


def _entries(ws, ref: str) -> set[str]:
    with ws.db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.ref == ref))
        return set(s.scalars(select(CaseEvent.local_id).where(CaseEvent.case_id == cid)))


def test_a_laptop_gets_its_persons_cases_and_its_entries_reach_the_team(pg_team, pg_laptop):
    team_ws, _ = pg_team
    amira, mo = pg_laptop("amira"), pg_laptop("mo")
    client.sync(amira)
    client.sync(mo)
    assert _refs(amira) == {"T-001", "T-002"}
    assert _refs(mo) == {"T-001", "T-002", "T-003"}
    log_contact(amira, "T-002", channel="visit", direction="out", summary="Home visit, no signal")
    assert client.sync(amira).pushed == 1
    client.sync(mo)
    assert _entries(mo, "T-002") == _entries(amira, "T-002") == _entries(team_ws, "T-002")


def test_an_entry_made_before_the_case_left_its_author_is_merged(pg_team, pg_laptop):
    """Row security hides T-001 from Amira once it is Ben's (another team); her call, logged
    offline while it was hers, still joins its history — read past the wall only to check that
    she held it then — and her laptop gives the case up."""
    team_ws, _ = pg_team
    amira, mo = pg_laptop("amira"), pg_laptop("mo")
    client.sync(amira)
    log_contact(amira, "T-001", channel="phone", direction="in", summary="Rang from the bus")
    reassign_case(team_ws, "T-001", "ben", "Moved to the South patch")
    report = client.sync(amira)
    assert (report.pushed, report.held, report.pending) == (1, [], 0)
    assert "T-001" not in _refs(amira)
    client.sync(mo)
    assert _entries(mo, "T-001") == _entries(team_ws, "T-001")
    with team_ws.db.read() as s:
        summaries = set(
            s.scalars(
                select(CaseEvent.summary)
                .join(Case, Case.id == CaseEvent.case_id)
                .where(Case.ref == "T-001")
            )
        )
    assert "Rang from the bus" in summaries


def test_conflicting_handovers_on_postgres(pg_team, pg_laptop):
    team_ws, _ = pg_team
    amira, mo = pg_laptop("amira"), pg_laptop("mo")
    client.sync(amira)
    client.sync(mo)
    reassign_case(mo, "T-002", "ben", "Ben covers")
    reassign_case(amira, "T-002", "mo", "Leave")
    client.sync(mo)
    assert client.sync(amira).held == ["T-002"]
    client.sync(mo)
    assert [c.fact for c in conflicts.open_conflicts(mo)] == ["assignment"]
