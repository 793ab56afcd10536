"""First-run set-up: validation, one transaction, config.toml written last, nothing half-made."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.services import setup
from app.services.officers import get_officer
from app.services.policies import (
    check_homes,
    homes_owned,
    parse_closure_day,
    save_closure_days,
    save_homes_owned,
    set_default_policy,
)
from app.services.workspace import Actor, open_workspace
from app.store.models import Officer
from tests.services.conftest import act_as

GOOD = setup.SetupChoices(
    org_name="Larkspur Homes",
    org_address=("Larkspur House", "14 Fernbank Road", "London SE6 4ZZ"),
    org_email="housing@larkspur.example.org",
    homes=4200,
    policy="hexagon-4-stage",
    full_name="Aisha Khan",
    job_title="Tenancy sustainment officer",
    role="manager",
)


@pytest.fixture
def profile_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_a_fresh_profile_is_a_first_run(profile_dir):
    assert setup.is_first_run()
    (profile_dir).mkdir()
    (profile_dir / "doorstep.sqlite").write_bytes(b"")
    assert not setup.is_first_run()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"org_name": "  "}, "organisation's name"),
        ({"org_address": ()}, "address"),
        ({"org_email": "", "org_phone": ""}, "phone number or an email"),
        ({"homes": 0}, "at least 1"),
        ({"homes": -5}, "at least 1"),
        ({"homes": "lots"}, "not a number of homes"),
        ({"policy": "nope"}, "no policy called"),
        ({"full_name": " "}, "full name"),
        ({"job_title": ""}, "job title"),
        ({"role": "admin"}, "officer or manager"),
        ({"username": "A Khan!"}, "cannot be a username"),
        ({"storage": "postgresql", "server_url": "mysql://x@h/db"}, "must start with"),
        ({"storage": "postgresql", "server_url": "not a url"}, "not a database address"),
        (
            {"storage": "postgresql", "server_url": "postgresql+psycopg://a:secret@h/db"},
            "PGPASSWORD",
        ),
        ({"storage": "postgresql", "server_url": "postgresql+psycopg://a@h"}, "database name"),
        ({"org_logo": "/no/such/logo.png"}, "no logo file"),
    ],
)
def test_bad_choices_are_refused_in_one_sentence(profile_dir, change, message):
    from dataclasses import replace

    with pytest.raises(ValidationError, match=message):
        setup.complete_setup(replace(GOOD, **change))
    assert not setup.config_path().exists()
    assert not (profile_dir / "doorstep.sqlite").exists()


def test_usernames_are_derived_from_the_name_never_the_login():
    assert setup.derive_username("Tomasz  Wiśniewski") == "t.wisniewski"
    assert setup.derive_username("Cher") == "cher"
    assert setup.check_person(GOOD).username == "a.khan"


def test_setup_creates_officer_settings_and_config(profile_dir):
    profile = setup.complete_setup(GOOD)
    assert profile.storage == "sqlite" and profile.username == "a.khan"
    config = tomllib.loads(setup.config_path().read_text())
    assert config["database"] == {"kind": "sqlite", "path": str(profile_dir / "doorstep.sqlite")}
    assert config["officer"]["username"] == "a.khan"
    assert setup.read_profile() == profile
    assert not setup.is_first_run()
    ws = open_workspace(profile.target, actor=Actor("a.khan", "laptop"), create=False)
    try:
        me = get_officer(ws, "a.khan")
        assert (me.name, me.role) == ("Aisha Khan", "manager")
        assert ws.setting("organisation")["name"] == "Larkspur Homes"
        assert ws.setting("organisation")["address"][0] == "Larkspur House"
        assert homes_owned(ws) == 4200
        assert ws.registry.default == "hexagon-4-stage"
        with ws.db.read() as s:  # the title is on the officer's profile (0012_honest)
            titles = {o.username: o.job_title for o in s.scalars(select(Officer))}
        assert titles == {"a.khan": "Tenancy sustainment officer"}
        assert not ws.is_demo
    finally:
        ws.close()
    with pytest.raises(ValidationError, match="already set up"):
        setup.complete_setup(GOOD)


def test_a_failure_inside_the_transaction_leaves_nothing(profile_dir, monkeypatch):
    def boom(*_a, **_k):
        raise ValidationError("simulated failure")

    monkeypatch.setattr(setup, "_write_config", boom)
    with pytest.raises(ValidationError, match="simulated"):
        setup.complete_setup(GOOD)
    assert not (profile_dir / "doorstep.sqlite").exists()
    assert not setup.config_path().exists()
    assert setup.is_first_run()


def test_a_config_that_cannot_be_read_says_how_to_recover(profile_dir):
    profile_dir.mkdir()
    setup.config_path().write_text("[database\n")
    with pytest.raises(ValidationError, match="delete it"):
        setup.read_profile()


def test_the_server_connection_test_reports_an_unreachable_server():
    from app.errors import StorageError

    with pytest.raises(StorageError, match="Cannot reach the team server"):
        setup.test_server("postgresql+psycopg://nobody@127.0.0.1:1/doorstep", timeout_s=2)


# -- settings services ----------------------------------------------------------------------
def test_homes_must_be_a_whole_number_above_nought(office):
    assert check_homes("4,200") == 4200
    for bad in (0, -1, "1.5", "", True):
        with pytest.raises(ValidationError):
            check_homes(bad)
    act_as(office, "p.natarajan")
    assert save_homes_owned(office, 310) == 310 and homes_owned(office) == 310
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied, match="Only a manager"):
        save_homes_owned(office, 12)
    assert homes_owned(office) == 310


def test_a_closure_date_must_be_a_date():
    assert parse_closure_day(" 2025-12-29 ") == dt.date(2025, 12, 29)
    for bad in ("29/12/2025", "2025-02-30", "Christmas"):
        with pytest.raises(ValidationError, match="is not a date"):
            parse_closure_day(bad)


def test_closure_days_make_a_new_validated_policy_version(office):
    act_as(office, "p.natarajan")
    before = office.registry.get()
    policy = save_closure_days(office, "code-2024", ["2025-12-29", dt.date(2025, 12, 30)])
    assert policy.version == before.version + 1
    assert policy.closure_days == (dt.date(2025, 12, 29), dt.date(2025, 12, 30))
    current = office.registry.get("code-2024")
    assert current.version == policy.version and current.closure_days == policy.closure_days
    assert not current.calendar.is_working_day(dt.date(2025, 12, 29))
    # the older version stays in the history for deadlines that started under it
    assert office.registry.history("code-2024").at(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) is not (
        current
    )
    again = save_closure_days(office, "code-2024", [])
    assert again.version == policy.version + 1 and again.closure_days == ()


def test_closure_days_on_a_policy_that_extends_another(office):
    act_as(office, "p.natarajan")
    policy = save_closure_days(office, "hexagon-4-stage", ["2025-08-01"])
    assert policy.closure_days == (dt.date(2025, 8, 1),)
    assert len(policy.stages) == 4 and policy.region == "ENG"


def test_officers_cannot_change_policy_or_closure_days(office):
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied):
        save_closure_days(office, "code-2024", ["2025-12-29"])
    with pytest.raises(PermissionDenied):
        set_default_policy(office, "hexagon-4-stage")
    assert office.registry.get("code-2024").closure_days == ()
    assert office.registry.default == "code-2024"


def test_a_manager_chooses_the_policy(office):
    act_as(office, "p.natarajan")
    with pytest.raises(ValidationError, match="no policy"):
        set_default_policy(office, "nope")
    set_default_policy(office, "hexagon-4-stage")
    assert office.registry.default == "hexagon-4-stage"


def test_the_job_title_given_at_set_up_signs_letters(office, clock):
    from app.letters import letters as L
    from tests.services.letter_helpers import complaint_case

    complaint_case(office, clock)
    act_as(office, "a.khan")
    before = L.create_letter(office, "CMP-7", "complaint_ack_stage1")
    assert before.context.signature.title == "Housing officer"  # from the role
    with office.db.write() as s:
        s.scalar(
            select(Officer).where(Officer.username == "a.khan")
        ).job_title = "Tenancy sustainment officer"
    after = L.get_letter(office, before.id)
    assert after.context.signature.title == "Tenancy sustainment officer"


def test_the_profile_and_the_data_directory_are_owner_only(tmp_path, monkeypatch):
    import os
    import stat

    from app.services import setup

    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    old = os.umask(0o022)
    try:
        path = setup._write_config(
            setup.Profile(storage=setup.SQLITE, target=str(tmp_path / "c.sqlite"), username="a")
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
