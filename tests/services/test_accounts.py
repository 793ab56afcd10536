"""Sign-in: argon2id hashes, lockout that survives a restart, password change and reset,
disabled accounts, the last admin, nothing read before sign-in, and bundle imports."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.services import accounts
from app.services.accounts import SignInFailed, sign_in
from app.services.attachments import list_attachments
from app.services.auditing import audit_all, audit_case
from app.services.bundles import export_bundle, import_bundle
from app.services.cases import create_case, get_case
from app.services.inbox import count_inbox, list_inbox
from app.services.search import search
from app.services.workspace import Actor, open_workspace
from app.store.models import Officer

BOSS_PW = "boss password one"
PW = "officer password"


@pytest.fixture(scope="module")
def team_file(tmp_path_factory):
    """A database with sign-in, built once (argon2 is slow on purpose): the first admin (added
    without signing in) and an officer."""
    path = tmp_path_factory.mktemp("accounts") / "team.sqlite"
    ws = open_workspace(path, actor=Actor("setup", "t"))
    try:
        accounts.add_person(ws, "boss", "admin", BOSS_PW, full_name="Bo Admin")
        accounts.add_person(ws, "o.one", "officer", PW, team="North")
    finally:
        ws.close()
    return path


@pytest.fixture
def team(team_file, tmp_path, clock):
    """This test's copy of that database, signed in as the admin."""
    path = tmp_path / "team.sqlite"
    src, dst = sqlite3.connect(team_file), sqlite3.connect(path)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    ws = open_workspace(path, actor=Actor("nobody", "test-device"), clock=clock)
    sign_in(ws, "boss", BOSS_PW)
    yield ws
    ws.close()


def reopen(ws, clock):
    """A new Workspace on the same file: the app restarted."""
    return open_workspace(ws.db.path, actor=Actor("someone", "other-laptop"), clock=clock)


def row(ws, username):
    with ws.db.connect() as conn:
        return conn.execute(select(Officer).where(Officer.username == username)).one()


def test_the_first_person_is_an_admin_and_passwords_are_stored_as_argon2id(ws):
    with pytest.raises(ValidationError, match="first person with a sign-in must be an admin"):
        accounts.add_person(ws, "o.one", "officer", PW)
    view = accounts.add_person(ws, "boss", "admin", BOSS_PW)
    assert (view.username, view.role, ws.signed_in) == ("boss", "admin", "boss")
    stored = row(ws, "boss").password_hash
    assert stored.startswith("$argon2id$") and BOSS_PW not in stored
    with pytest.raises(ValidationError, match="at least 10 characters"):
        accounts.add_person(ws, "short", "officer", "tooshort")
    with pytest.raises(ValidationError, match="must not be the username"):
        accounts.add_person(ws, "longusername", "officer", "LongUsername")


def test_wrong_passwords_lock_after_five_and_the_lock_holds_across_a_restart(team, clock):
    for _ in range(4):
        with pytest.raises(SignInFailed, match="name or password is wrong"):
            sign_in(team, "o.one", "not my password")
    assert row(team, "o.one").failed_logins == 4
    # 10:00 UTC on 24 Jun 2025 is 11:00 in London; the lock lasts 15 minutes
    with pytest.raises(SignInFailed, match="locked until 11:15 on 24 Jun 2025"):
        sign_in(team, "o.one", "not my password")
    with pytest.raises(SignInFailed, match="locked until 11:15"):
        sign_in(team, "o.one", PW)  # even the right password
    team.close()

    later = reopen(team, clock)
    try:
        with pytest.raises(SignInFailed, match="locked until 11:15 on 24 Jun 2025"):
            sign_in(later, "o.one", PW)
        clock.set("2025-06-24T10:14:59+00:00")
        with pytest.raises(SignInFailed, match="locked"):
            sign_in(later, "o.one", PW)
        clock.set("2025-06-24T10:15:01+00:00")
        assert sign_in(later, "o.one", PW).username == "o.one"
        assert later.signed_in == "o.one"
        locked = row(later, "o.one")
        assert (locked.failed_logins, locked.locked_until) == (0, None)
    finally:
        later.close()


def test_a_right_password_resets_the_count(team):
    for _ in range(4):
        with pytest.raises(SignInFailed):
            sign_in(team, "o.one", "not my password")
    sign_in(team, "o.one", PW)
    for _ in range(4):  # four more wrong ones do not lock: the count started again
        with pytest.raises(SignInFailed, match="name or password is wrong"):
            sign_in(team, "o.one", "not my password")
    assert sign_in(team, "o.one", PW).username == "o.one"


def test_an_admin_reset_lifts_the_lock(team, clock):
    for _ in range(5):
        with pytest.raises(SignInFailed):
            sign_in(team, "o.one", "not my password")
    assert [p.locked_until for p in accounts.list_people(team) if p.username == "o.one"] == [
        clock.now + accounts.LOCKOUT
    ]
    accounts.reset_password(team, "o.one", "a brand new password")
    assert [p.locked_until for p in accounts.list_people(team) if p.username == "o.one"] == [None]
    with pytest.raises(SignInFailed, match="name or password is wrong"):
        sign_in(team, "o.one", PW)  # the old password is gone
    assert sign_in(team, "o.one", "a brand new password").username == "o.one"


def test_changing_a_password_needs_the_old_one(team, clock):
    fresh = open_workspace(team.db.path, actor=Actor("o.one", "x"), clock=clock)
    try:  # naming yourself is not signing in
        with pytest.raises(PermissionDenied, match="Sign in first"):
            accounts.change_password(fresh, PW, "my new password!")
    finally:
        fresh.close()
    sign_in(team, "o.one", PW)
    with pytest.raises(SignInFailed, match="current password is wrong; nothing was changed"):
        accounts.change_password(team, "a wrong guess", "my new password!")
    assert sign_in(team, "o.one", PW).username == "o.one"  # unchanged
    with pytest.raises(ValidationError, match="at least 10"):
        accounts.change_password(team, PW, "short")
    accounts.change_password(team, PW, "my new password!")
    with pytest.raises(SignInFailed):
        sign_in(team, "o.one", PW)
    assert sign_in(team, "o.one", "my new password!").username == "o.one"


def test_a_disabled_account_cannot_sign_in(team):
    accounts.disable_person(team, "o.one")
    with pytest.raises(SignInFailed, match="disabled"):
        sign_in(team, "o.one", PW)
    assert [p.active for p in accounts.list_people(team) if p.username == "o.one"] == [False]


def test_the_last_admin_cannot_be_demoted_or_disabled(team):
    with pytest.raises(ValidationError, match="last admin"):
        accounts.set_role(team, "boss", "manager")
    with pytest.raises(ValidationError, match="last admin"):
        accounts.disable_person(team, "boss")
    assert row(team, "boss").role == "admin" and row(team, "boss").active
    accounts.set_role(team, "o.one", "admin")  # with a second admin, either may step down
    assert accounts.set_role(team, "boss", "manager").role == "manager"
    sign_in(team, "o.one", PW)  # now the only admin
    with pytest.raises(ValidationError, match="last admin"):
        accounts.disable_person(team, "o.one")


def test_a_database_with_passwords_reads_nothing_before_sign_in(team, clock):
    create_case(team, ref="C-1", kind="general", officer="o.one", resident_name="Ann Example")
    stranger = open_workspace(team.db.path, actor=Actor("boss", "x"), clock=clock)  # name only
    try:
        reads = {
            "get_case": lambda: get_case(stranger, "C-1"),
            "export_bundle": lambda: export_bundle(stranger, "C-1"),
            "audit_case": lambda: audit_case(stranger, "C-1"),
            "audit_all": lambda: audit_all(stranger),
            "list_inbox": lambda: list_inbox(stranger),
            "count_inbox": lambda: count_inbox(stranger),
            "search": lambda: search(stranger, "Example"),
            "list_attachments": lambda: list_attachments(stranger, "C-1"),
            "list_people": lambda: accounts.list_people(stranger),
        }
        refused = {}
        for name, call in reads.items():
            with pytest.raises(PermissionDenied) as caught:
                call()
            refused[name] = str(caught.value)
        assert set(refused.values()) == {"Sign in first: this database is protected by sign-in."}
        sign_in(stranger, "boss", BOSS_PW)
        assert get_case(stranger, "C-1").ref == "C-1"
        accounts.sign_out(stranger)
        with pytest.raises(PermissionDenied, match="Sign in first"):
            get_case(stranger, "C-1")
    finally:
        stranger.close()


def test_an_unknown_name_and_a_wrong_password_get_the_same_words(team):
    answers = []
    for name, password in [("nobody", PW), ("o.one", "not my password"), ("nobody", "x" * 12)]:
        with pytest.raises(SignInFailed) as caught:
            sign_in(team, name, password)
        answers.append(str(caught.value))
    assert len(set(answers)) == 1 and answers[0].startswith("The name or password is wrong")


def test_the_unknown_name_hash_costs_what_a_real_one_does():
    """An unknown name is verified against a written-out hash (no hashing at import: every
    start that signs in paid 0.15-0.2 s): it must carry the hasher's current parameters, or a
    wrong name would answer faster than a wrong password."""
    assert not accounts._hasher.check_needs_rehash(accounts._DUMMY)
    assert accounts._safe_verify(
        accounts._DUMMY, "not a real password: evens out the time of a wrong name"
    )


def test_importing_accounts_hashes_nothing():
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import argon2; calls = []; real = argon2.PasswordHasher.hash; "
        "argon2.PasswordHasher.hash = "
        "lambda self, *a, **k: calls.append(1) or real(self, *a, **k); "
        "import app.services.accounts; print(len(calls))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0"


def test_a_bundle_that_names_officers_gives_nobody_a_sign_in_or_a_higher_role(team, example_doc):
    named = {"k.mensah", "s.hughes"}  # the worked example's officers
    import_bundle(team, example_doc)
    with team.db.connect() as conn:
        people = {
            u: (role, hashed)
            for u, role, hashed in conn.execute(
                select(Officer.username, Officer.role, Officer.password_hash)
            )
        }
    assert named <= set(people)
    assert {people[u] for u in named} == {("officer", None)}
    for username in named:
        with pytest.raises(SignInFailed, match="name or password is wrong"):
            sign_in(team, username, "")
        with pytest.raises(SignInFailed, match="name or password is wrong"):
            sign_in(team, username, username)
