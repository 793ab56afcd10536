"""The role matrix, enforced in the services, on SQLite and on PostgreSQL.

One database per module and backend is built through the services themselves (``add_person``:
first an admin, then everyone else signed in as that admin; cases, complaints and letters
created as the admin); every test works on its own copy of it (an SQLite backup, a PostgreSQL
``CREATE DATABASE … TEMPLATE``), so argon2 hashing is paid once. Each test signs in as one
person on a fresh Workspace and compares what the services allow with the hand-written table
below. The table is the intended matrix, written out on purpose instead of read from
``access.MATRIX``, so that a wrong MATRIX fails here.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.errors import PermissionDenied
from app.letters import letters as L
from app.letters.batch import candidates
from app.letters.organisation import get_organisation, save_approval_policy, save_organisation
from app.services import accounts
from app.services.absences import add_absence, reassign_case
from app.services.asb import asb_view, case_review_status, report_asb
from app.services.attachments import add_attachment, attachment_file, list_attachments
from app.services.auditing import audit_all, audit_case
from app.services.bundles import export_bundle, import_bundle
from app.services.cases import create_case, get_case, record_event
from app.services.complaints import acknowledge
from app.services.complaints.intake import pending_offers, receive_complaint
from app.services.complaints.orders import open_orders
from app.services.complaints.reading import get_complaint, list_complaints
from app.services.contacts import log_contact
from app.services.findings import group_findings
from app.services.inbox import InboxQuery, count_inbox, list_inbox
from app.services.policies import save_closure_days, save_homes_owned, set_default_policy
from app.services.reports.common import reporting_year
from app.services.reports.complaints_pack import complaints_pack
from app.services.reports.spotcheck import draw_spot_check, officer_results
from app.services.reports.tsm import counted_cases, tsm
from app.services.retention import retention_due
from app.services.sar import subject_access
from app.services.search import search
from app.services.self_assessment import save_section, self_assessment
from app.services.team import case_review_alerts, reassign_cases, team_overview
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from app.store.models import Attachment, Base, Case, Letter, Officer, Team
from tests.conftest import FIXED_NOW
from tests.pg import PG_URL, fresh_database
from tests.services.conftest import resident_calls

PASSWORD = "correct horse battery"  # ≥ 10 characters, as accounts.MIN_PASSWORD asks

# Who is who in the fixture database (username for each person under test).
USERS = {
    "admin": "boss",
    "manager": "mgr",
    "north1": "north1",  # officer, team North, owns N-1
    "north2": "north2",  # officer, team North
    "south1": "south1",  # officer, team South, owns S-1
    "auditor": "aud",
}
ACTORS = list(USERS)
OWNER = {"N-1": "north1", "S-1": "south1"}

# ---- The intended matrix, by hand ------------------------------------------------------------
SEES = {  # case visibility: own, team's, covered today; managers, admins and auditors see all
    "N-1": {"admin", "manager", "auditor", "north1", "north2"},
    "S-1": {"admin", "manager", "auditor", "south1"},
}
CHANGES = {  # case changes: officers on cases they see; managers and admins all; auditors none
    "N-1": {"admin", "manager", "north1", "north2"},
    "S-1": {"admin", "manager", "south1"},
}
IMPORTS = {"admin", "manager"}
REASSIGNS_N1 = {"admin", "manager", "north1"}  # an officer only their own case
APPROVES = {"admin", "manager"}
SETTINGS = {"admin", "manager"}  # policy, closure days, organisation, homes owned
PEOPLE = {"admin"}
OVERSIGHT = {"admin", "manager", "auditor"}  # audit --all, the team view, findings, orders
SELF_ASSESS = {"admin", "manager"}  # recording the self-assessment (auditors read it)
REPORTS = {"admin", "manager", "auditor"}  # the complaints pack and the regulator's measures
SPOT_CHECKS = {"admin", "manager", "auditor"}
OTHERS_COVER = {"admin", "manager"}
REASSIGNS_ANY = {"admin", "manager"}  # many cases at once, from the team view
PRIVACY = {"admin", "manager"}  # subject access exports, the retention list and deletion
INBOX = {  # the refs each scope shows (no absences in the fixture, so "covering" is empty)
    "all": {
        "admin": {"N-1", "S-1"},
        "manager": {"N-1", "S-1"},
        "auditor": {"N-1", "S-1"},
        "north1": {"N-1"},
        "north2": {"N-1"},
        "south1": {"S-1"},
    },
    "mine": {"north1": {"N-1"}, "south1": {"S-1"}},
    "team": {"north1": {"N-1"}, "north2": {"N-1"}, "south1": {"S-1"}},
    "covering": {},
}


# ---- The database ----------------------------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = dt.datetime.fromisoformat(FIXED_NOW)

    def __call__(self):
        return self.now


def _case(ws: Workspace, ref: str, officer: str, resident: str) -> None:
    create_case(
        ws,
        ref=ref,
        kind="asb",
        officer=officer,
        resident_name=resident,
        address="1 Elm Road\nLondon SE6 1AA",
        opened=dt.date(2025, 6, 2),
    )
    resident_calls(ws, ref, "Marmalade cat trouble, call back please", "2025-06-17T09:00")
    receive_complaint(
        ws,
        ref,
        at=dt.datetime(2025, 6, 18, 10, tzinfo=dt.UTC),
        channel="email",
        summary="Nobody called back about the noise",
        points=["Calls not returned"],
    )


def _letter_for_approval(ws: Workspace, ref: str) -> None:
    """A letter finalised by the case's officer, waiting for a manager's approval."""
    v = L.create_letter(ws, ref, "complaint_ack_stage1")
    ticks = {c.key: True for c in v.template.checks if not c.auto}
    v = L.save_letter(ws, v.id, checks=ticks, expected_version=v.version)
    L.finalise_letter(ws, v.id, v.version)


def build(target: str, files: Path) -> None:
    (files / "evidence.txt").write_text("a photo's stand-in\n")
    ws = Workspace(open_database(target), Actor("setup", "test"), Clock())
    try:
        accounts.add_person(ws, "boss", "admin", PASSWORD, full_name="Bo Admin")  # the first
        accounts.add_person(ws, "mgr", "manager", PASSWORD, full_name="Mo Manager")
        accounts.add_person(ws, "north1", "officer", PASSWORD, team="North")
        accounts.add_person(ws, "north2", "officer", PASSWORD, team="North")
        accounts.add_person(ws, "south1", "officer", PASSWORD, team="South")
        accounts.add_person(ws, "aud", "auditor", PASSWORD, full_name="Al Auditor")
        accounts.add_person(ws, "spare", "officer", PASSWORD, team="South")
        save_approval_policy(ws, {"complaint_ack_stage1": True})
        _case(ws, "N-1", "north1", "Nora Quill")
        _case(ws, "S-1", "south1", "Sam Pike")
        for ref in OWNER:
            add_attachment(ws, ref, files / "evidence.txt")
        for ref, owner in OWNER.items():
            accounts.sign_in(ws, owner, PASSWORD)
            _letter_for_approval(ws, ref)
    finally:
        ws.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Attachments of a PostgreSQL database go to the data directory: keep it in tmp."""
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOORSTEP_DATA_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def template(request, tmp_path_factory, data_dir):
    """The fixture database, built once per module and backend."""
    folder = tmp_path_factory.mktemp(f"matrix-{request.param}")
    if request.param == "sqlite":
        path = folder / "template.sqlite"
        build(str(path), folder)
        yield "sqlite", str(path)
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL (DOORSTEP_TEST_PG_URL)")
    with fresh_database() as url:
        build(url, folder)
        yield "postgresql", url


@pytest.fixture
def target(template, tmp_path):
    """A fresh copy of the fixture database for this test."""
    kind, source = template
    if kind == "sqlite":
        path = tmp_path / "cases.sqlite"
        src, dst = sqlite3.connect(source), sqlite3.connect(path)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        attachments = Path(source).parent / "attachments"
        if attachments.is_dir():
            shutil.copytree(attachments, tmp_path / "attachments")
        yield str(path)
        return
    with fresh_database(template=make_url(source).database) as url:
        yield url


@pytest.fixture
def signed_in(target):
    """``signed_in(actor)``: a new Workspace on the test's database, signed in as that person."""
    opened: list[Workspace] = []

    def open_as(actor: str, clock: Clock | None = None) -> Workspace:
        ws = Workspace(open_database(target), Actor("nobody-yet", "matrix-test"), clock or Clock())
        opened.append(ws)
        accounts.sign_in(ws, USERS[actor], PASSWORD)
        return ws

    yield open_as
    for ws in opened:
        ws.close()


def snapshot(ws: Workspace) -> dict[str, list[str]]:
    """Every row of every table (case_events, audit_log, officers, settings, …)."""
    with ws.db.connect() as conn:
        return {
            t.name: sorted(repr(tuple(r)) for r in conn.execute(select(t)))
            for t in Base.metadata.sorted_tables
        }


def letter_of(ws: Workspace, ref: str) -> str:
    with ws.db.connect() as conn:
        return str(
            conn.execute(
                select(Letter.id).join(Case, Case.id == Letter.case_id).where(Case.ref == ref)
            ).scalar_one()
        )


def attachment_of(ws: Workspace, ref: str) -> str:
    with ws.db.connect() as conn:
        return str(
            conn.execute(
                select(Attachment.id)
                .join(Case, Case.id == Attachment.case_id)
                .where(Case.ref == ref)
            ).scalar_one()
        )


def outcome(ws: Workspace, call: Callable[[], object], writes: bool = True) -> str:
    """'allowed', or 'refused' (PermissionDenied) with the database left exactly as it was."""
    before = snapshot(ws) if writes else None
    try:
        call()
    except PermissionDenied:
        assert before is None or snapshot(ws) == before, "a refused call changed the database"
        return "refused"
    return "allowed"


def expect(allowed: bool) -> str:
    return "allowed" if allowed else "refused"


def differences(got: dict, want: dict) -> dict:
    """What the services did that the matrix says they should not: {call: (got, wanted)}."""
    return {k: (got[k], want[k]) for k in want if got[k] != want[k]}


# ---- Reading cases ---------------------------------------------------------------------------
def _reads(ws: Workspace, ref: str, tmp: Path) -> dict[str, Callable[[], object]]:
    letter, attachment = letter_of(ws, ref), attachment_of(ws, ref)
    owner = USERS[OWNER[ref]]
    return {
        "get_case": lambda: get_case(ws, ref),
        "export_bundle": lambda: export_bundle(ws, ref),
        "audit_case": lambda: audit_case(ws, ref),
        "list_attachments": lambda: list_attachments(ws, ref),
        "attachment_file": lambda: attachment_file(ws, attachment),
        "list_complaints": lambda: list_complaints(ws, ref),
        "get_complaint": lambda: get_complaint(ws, ref),
        "pending_offers": lambda: pending_offers(ws, ref),
        "asb_view": lambda: asb_view(ws, ref),
        "case_review_status": lambda: case_review_status(ws, ref),
        "list_letters": lambda: L.list_letters(ws, ref),
        "available_templates": lambda: L.available_templates(ws, ref),
        "get_letter": lambda: L.get_letter(ws, letter),
        "preview_letter": lambda: L.preview_letter(ws, letter),
        "render_for_case": lambda: L.render_for_case(ws, ref, "complaint_ack_stage1", text=True),
        "list_inbox --officer": lambda: list_inbox(ws, InboxQuery(officer=owner)),
        "count_inbox --officer": lambda: count_inbox(ws, InboxQuery(officer=owner)),
    }


@pytest.mark.parametrize("actor", ACTORS)
def test_case_reads_follow_the_matrix(signed_in, actor, tmp_path):
    ws = signed_in(actor)
    got, want = {}, {}
    for ref in OWNER:
        for name, call in _reads(ws, ref, tmp_path).items():
            got[ref, name] = outcome(ws, call, writes=False)
            want[ref, name] = expect(actor in SEES[ref])
    assert differences(got, want) == {}


@pytest.mark.parametrize("actor", ACTORS)
def test_inbox_search_and_oversight_show_only_what_the_person_may_see(signed_in, actor):
    ws = signed_in(actor)
    for scope, by_actor in INBOX.items():
        rows = list_inbox(ws, InboxQuery(scope=scope))
        assert {r.ref for r in rows} == by_actor.get(actor, set()), scope
        assert count_inbox(ws, InboxQuery(scope=scope)).total == len(by_actor.get(actor, ()))
    visible = {ref for ref in OWNER if actor in SEES[ref]}
    assert {h.ref for h in search(ws, "marmalade")} == visible
    assert {h.ref for h in search(ws, "Quill")} == visible & {"N-1"}
    assert {h.ref for h in search(ws, "N-1")} <= visible
    assert {q.case_ref for q in L.approval_queue(ws)} == visible
    if actor != "auditor":  # batch letters list only cases the person may see
        assert {c.ref for c in candidates(ws, "apology")} == visible
    if actor in OVERSIGHT:
        assert {r.case for r in audit_all(ws)} == {"N-1", "S-1"}
    else:
        assert outcome(ws, lambda: audit_all(ws)) == "refused"


# ---- Changing cases --------------------------------------------------------------------------
def _writes(ws: Workspace, ref: str, tmp: Path) -> dict[str, Callable[[], object]]:
    letter = letter_of(ws, ref)
    proof = tmp / f"{ref}-note.txt"
    proof.write_text("scanned note\n")
    at = dt.datetime(2025, 6, 24, 9, tzinfo=dt.UTC)
    return {
        "log_contact": lambda: log_contact(
            ws, ref, channel="phone", direction="out", summary="Rang back", at=at
        ),
        "record_event": lambda: record_event(
            ws,
            ref,
            {
                "type": "contact",
                "channel": "visit",
                "direction": "out",
                "by": "officer",
                "at": "2025-06-24T08:00",
                "summary": "Visited",
            },
        ),
        "report_asb": lambda: report_asb(
            ws, ref, incident_type="harassment", summary="Shouting on the stairs", at=at
        ),
        "acknowledge complaint": lambda: acknowledge(ws, ref, at=at),
        "create_letter": lambda: L.create_letter(ws, ref, "asb_acknowledgement"),
        "reopen_letter (by id)": lambda: L.reopen_letter(ws, letter),
        "add_attachment": lambda: add_attachment(ws, ref, proof),
        "create_case": lambda: create_case(
            ws, ref=f"NEW-{ref}", kind="general", officer=OWNER[ref], resident_name="New Person"
        ),
    }


@pytest.mark.parametrize("actor", ACTORS)
def test_case_changes_follow_the_matrix(signed_in, actor, tmp_path):
    ws = signed_in(actor)
    got, want = {}, {}
    for ref in OWNER:
        for name, call in _writes(ws, ref, tmp_path).items():
            got[ref, name] = outcome(ws, call)
            want[ref, name] = expect(actor in CHANGES[ref])
    assert differences(got, want) == {}


# ---- Role-only steps -------------------------------------------------------------------------
def _bundle(ws_admin_export: dict, ref: str) -> dict:
    doc = dict(ws_admin_export)
    doc["case"] = {**doc["case"], "ref": ref}
    return doc


@pytest.mark.parametrize("actor", ACTORS)
def test_role_only_steps_follow_the_matrix(signed_in, actor, tmp_path):
    admin = signed_in("admin")
    bundle = _bundle(export_bundle(admin, "N-1"), "IMP-1")
    merge = export_bundle(admin, "S-1")
    ws = signed_in(actor)
    org = get_organisation(ws)
    steps: dict[str, tuple[set[str], Callable[[], object]]] = {
        "import_bundle": (IMPORTS, lambda: import_bundle(ws, bundle)),
        "import_bundle --merge": (IMPORTS, lambda: import_bundle(ws, merge, merge=True)),
        "approve_letter N-1": (APPROVES, lambda: L.approve_letter(ws, letter_of(ws, "N-1"))),
        "return_letter S-1": (
            APPROVES,
            lambda: L.return_letter(ws, letter_of(ws, "S-1"), "Say when we will call."),
        ),
        "save_organisation": (SETTINGS, lambda: save_organisation(ws, org)),
        "save_approval_policy": (
            SETTINGS,
            lambda: save_approval_policy(ws, {"apology": True}),
        ),
        "set_default_policy": (SETTINGS, lambda: set_default_policy(ws, "hexagon-4-stage")),
        "save_closure_days": (
            SETTINGS,
            lambda: save_closure_days(ws, "hexagon-4-stage", ["2025-12-29"]),
        ),
        "save_homes_owned": (SETTINGS, lambda: save_homes_owned(ws, 12000)),
        "audit_all": (OVERSIGHT, lambda: audit_all(ws)),
        "team_overview": (OVERSIGHT, lambda: team_overview(ws)),
        "case_review_alerts": (OVERSIGHT, lambda: case_review_alerts(ws)),
        "group_findings": (OVERSIGHT, lambda: group_findings(ws)),
        "open_orders": (OVERSIGHT, lambda: open_orders(ws)),
        "self_assessment": (OVERSIGHT, lambda: self_assessment(ws, 2025)),
        "save_section": (SELF_ASSESS, lambda: save_section(ws, 2025, "1", "complies")),
        "tsm": (REPORTS, lambda: tsm(ws, reporting_year(dt.date(2025, 6, 1)), homes=100)),
        "complaints_pack": (REPORTS, lambda: complaints_pack(ws, dt.date(2025, 6, 24))),
        "counted_cases": (
            REPORTS,
            lambda: counted_cases(ws, reporting_year(dt.date(2025, 6, 1)), "CH01(1)"),
        ),
        "draw_spot_check": (SPOT_CHECKS, lambda: draw_spot_check(ws, 50, seed=1)),
        "officer_results": (SPOT_CHECKS, lambda: officer_results(ws)),
        "add_absence for spare": (
            OTHERS_COVER,
            lambda: add_absence(
                ws, "spare", dt.date(2025, 6, 30), dt.date(2025, 7, 4), cover_officer="south1"
            ),
        ),
        "subject_access N-1": (
            PRIVACY,
            lambda: subject_access(ws, "N-1", tmp_path / f"sar-{actor}.zip"),
        ),
        "retention_due": (PRIVACY, lambda: retention_due(ws)),
        "list_people": (PEOPLE, lambda: accounts.list_people(ws)),
        "add_person": (
            PEOPLE,
            lambda: accounts.add_person(ws, "newbie", "officer", "a long new password"),
        ),
        "set_role": (PEOPLE, lambda: accounts.set_role(ws, "spare", "manager")),
        "reset_password": (
            PEOPLE,
            lambda: accounts.reset_password(ws, "spare", "another long password"),
        ),
        "disable_person": (PEOPLE, lambda: accounts.disable_person(ws, "spare")),
        "reassign_cases S-1 (many)": (
            REASSIGNS_ANY,
            lambda: reassign_cases(ws, ["S-1"], "north2", "Leave"),
        ),
        # last: it changes who owns N-1
        "reassign_case N-1": (REASSIGNS_N1, lambda: reassign_case(ws, "N-1", "north2", "Leave")),
    }
    got = {name: outcome(ws, call) for name, (_, call) in steps.items()}
    want = {name: expect(actor in who) for name, (who, _) in steps.items()}
    assert differences(got, want) == {}


@pytest.mark.parametrize("actor", ["north1", "south1", "auditor"])
def test_own_absence_needs_no_manager(signed_in, actor):
    ws = signed_in(actor)
    cover = "north2" if actor != "auditor" else "north1"
    view = add_absence(
        ws, USERS[actor], dt.date(2025, 6, 30), dt.date(2025, 7, 4), cover_officer=cover
    )
    assert (view.officer, view.cover_officer) == (USERS[actor], cover)


def test_cover_today_widens_an_officers_cases(signed_in):
    manager = signed_in("manager")
    today = manager.today()
    add_absence(manager, "south1", today, today + dt.timedelta(days=3), cover_officer="north2")
    north1, north2 = signed_in("north1"), signed_in("north2")
    assert get_case(north2, "S-1").ref == "S-1"
    log_contact(north2, "S-1", channel="phone", direction="out", summary="Covering call")
    assert {r.ref for r in list_inbox(north2, InboxQuery(scope="covering"))} == {"S-1"}
    assert {r.ref for r in list_inbox(north2)} == {"N-1", "S-1"}
    with pytest.raises(PermissionDenied, match="not yours, your team's or one you cover"):
        get_case(north1, "S-1")
    # cover by a team: everyone in North sees S-1 while south1 is away
    add_absence(
        manager,
        "south1",
        today + dt.timedelta(days=7),
        today + dt.timedelta(days=9),
        cover_team="North",
    )
    later = Clock()
    later.now += dt.timedelta(days=8)
    north1_later = signed_in("north1", later)
    assert get_case(north1_later, "S-1").ref == "S-1"
    # and an officer still reassigns only their own case, even one they cover
    with pytest.raises(PermissionDenied, match="reassign another officer's case"):
        reassign_case(north2, "S-1", "north2", "cover")


def test_the_tables_refs_exist(signed_in):
    """The table above names real people and cases (a typo would make it vacuous)."""
    ws = signed_in("admin")
    with ws.db.connect() as conn:
        people = {
            u: (r, t)
            for u, r, t in conn.execute(
                select(Officer.username, Officer.role, Team.name).outerjoin(
                    Team, Team.id == Officer.team_id
                )
            )
        }
        refs = set(conn.execute(select(Case.ref)).scalars())
    assert people["north1"] == people["north2"] == ("officer", "North")
    assert people["south1"] == ("officer", "South")
    assert {people[USERS[a]][0] for a in ("admin", "manager", "auditor")} == {
        "admin",
        "manager",
        "auditor",
    }
    assert refs == set(OWNER)


# ---- Open mode -------------------------------------------------------------------------------
@pytest.fixture
def open_db(tmp_path, example_doc):
    """A file with officers but no passwords, no solo and no demo setting (``open`` mode)."""
    ws = Workspace(open_database(str(tmp_path / "open.sqlite")), Actor("m.manager", "t"), Clock())
    with ws.db.write() as s:
        north, south = Team(name="North"), Team(name="South")
        s.add_all(
            [
                Officer(username="n.officer", name="N Officer", role="officer", team=north),
                Officer(username="s.officer", name="S Officer", role="officer", team=south),
                Officer(username="m.manager", name="M Manager", role="manager", team=north),
            ]
        )
    save_approval_policy(ws, {"complaint_ack_stage1": True})
    _case(ws, "N-1", "n.officer", "Nora Quill")
    ws.actor = Actor("n.officer", "t")
    _letter_for_approval(ws, "N-1")
    ws.close()
    return str(tmp_path / "open.sqlite")


@pytest.mark.parametrize(
    "username, manages", [("s.officer", False), ("m.manager", True), ("stranger", False)]
)
def test_open_mode_keeps_case_work_free_and_role_steps_by_the_officer_row(
    open_db, username, manages, example_doc
):
    ws = Workspace(open_database(open_db), Actor(username, "t"), Clock())
    try:
        assert accounts.sign_in_mode_of(ws) == "open"
        assert get_case(ws, "N-1").ref == "N-1"  # not their case, not their team: still free
        log_contact(ws, "N-1", channel="phone", direction="out", summary="Rang back")
        import_bundle(ws, example_doc)
        assert {r.ref for r in list_inbox(ws)} >= {"N-1"}
        assert len(audit_all(ws)) == 2
        role_steps = {
            "approve_letter": lambda: L.approve_letter(ws, letter_of(ws, "N-1")),
            "set_default_policy": lambda: set_default_policy(ws, "hexagon-4-stage"),
            "add_absence for n.officer": lambda: add_absence(
                ws, "n.officer", dt.date(2025, 6, 30), dt.date(2025, 7, 1), cover_team="North"
            ),
        }
        got = {name: outcome(ws, call) for name, call in role_steps.items()}
        assert got == {name: expect(manages) for name in role_steps}
        assert outcome(ws, lambda: accounts.list_people(ws)) == "refused"  # admins only
    finally:
        ws.close()


def test_a_lone_laptop_is_one_persons_file(tmp_path, clock, example_doc):
    """Solo mode: the one named officer works on every case in their file (bundles name other
    officers), and the role-only steps still follow their recorded role."""
    from app.services.workspace import open_workspace

    ws = open_workspace(tmp_path / "solo.sqlite", actor=Actor("anyone", "t"), clock=clock)
    try:
        accounts.choose_solo(ws, "g.oduya", "Grace Oduya")
        import_bundle(ws, example_doc)  # names another officer
        assert ws.actor.username == "g.oduya"
        assert get_case(ws, example_doc["case"]["ref"]).ref == example_doc["case"]["ref"]
        with pytest.raises(PermissionDenied, match="Only a manager"):
            save_homes_owned(ws, 1200)
    finally:
        ws.close()
