"""Sign-in on the command line and the people commands (`doorstep user …`, `server init`).

Exit status 3 is "not allowed" (sign-in failed, or the role may not do it), always with one
sentence on stderr and never a password in the output.
"""

from __future__ import annotations

import io
import json
import sys

import pytest

from app.cli import main
from tests.conftest import EXAMPLE, OWN_EXAMPLES

BOSS_PW = "boss password one"
OFFICER_PW = "officer password"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    for secret in (BOSS_PW, OFFICER_PW):
        assert secret not in out and secret not in err
    return code, out, err


def one_sentence(err: str) -> str:
    assert err.startswith("doorstep: ") and err.count("\n") == 1 and "Traceback" not in err
    return err.removeprefix("doorstep: ").strip()


@pytest.fixture
def env(monkeypatch):
    """No terminal, and nothing about who acts from the outside environment."""
    for name in ("DOORSTEP_USER", "DOORSTEP_PASSWORD", "DOORSTEP_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return monkeypatch


@pytest.fixture
def team_db(tmp_path, env, capsys):
    """`user add` on an empty database makes the first admin; the admin adds an officer and
    imports the worked example."""
    db = str(tmp_path / "team.sqlite")
    env.setenv("DOORSTEP_NEW_PASSWORD", BOSS_PW)
    code, out, err = run(capsys, "user", "add", "boss", "--role", "admin", "--db", db)
    assert (code, err) == (0, "") and "the first admin" in out
    env.setenv("DOORSTEP_PASSWORD", BOSS_PW)
    env.setenv("DOORSTEP_NEW_PASSWORD", OFFICER_PW)
    code, out, err = run(
        capsys, "user", "add", "o.one", "--role", "officer", "--team", "North",
        "--user", "boss", "--db", db,
    )  # fmt: skip
    assert (code, out.strip(), err) == (0, "Added o.one (officer)", "")
    code, _, err = run(capsys, "import", str(OWN_EXAMPLES / EXAMPLE), "--user", "boss", "--db", db)
    assert (code, err) == (0, "")
    env.delenv("DOORSTEP_PASSWORD")
    env.delenv("DOORSTEP_NEW_PASSWORD")
    return db


def test_the_first_user_add_needs_an_admin(tmp_path, env, capsys):
    env.setenv("DOORSTEP_NEW_PASSWORD", OFFICER_PW)
    code, out, err = run(
        capsys, "user", "add", "o.one", "--role", "officer", "--db", str(tmp_path / "x.sqlite")
    )
    assert (code, out) == (1, "")
    assert "first person with a sign-in must be an admin" in one_sentence(err)


def test_commands_on_a_database_with_sign_in_need_the_right_password(team_db, env, capsys):
    code, out, err = run(capsys, "inbox", "--db", team_db)
    assert (code, out) == (3, "")
    assert one_sentence(err).startswith("This database needs sign-in: give --user NAME")

    code, out, err = run(capsys, "inbox", "--user", "boss", "--db", team_db)  # no password
    assert (code, out) == (3, "")
    assert "no terminal to ask on: set DOORSTEP_PASSWORD" in one_sentence(err)

    env.setenv("DOORSTEP_PASSWORD", "not the password")
    code, out, err = run(capsys, "inbox", "--user", "boss", "--db", team_db)
    assert (code, out) == (3, "")
    assert one_sentence(err).startswith("The name or password is wrong")

    code, _, err_unknown = run(capsys, "inbox", "--user", "nobody", "--db", team_db)
    assert code == 3 and err_unknown == err  # an unknown name reads the same

    env.setenv("DOORSTEP_PASSWORD", BOSS_PW)
    code, out, err = run(capsys, "inbox", "--json", "--user", "boss", "--db", team_db)
    assert (code, err) == (0, "") and isinstance(json.loads(out), list)
    code, out, err = run(capsys, "export", "EX-ASB-0001", "--user", "boss", "--db", team_db)
    assert (code, err) == (0, "") and json.loads(out)["case"]["ref"] == "EX-ASB-0001"

    env.setenv("DOORSTEP_USER", "boss")  # the environment names the person as well as --user
    code, out, err = run(capsys, "inbox", "--json", "--db", team_db)
    assert (code, err) == (0, "")


def test_an_officer_may_not_run_oversight_or_manage_people(team_db, env, capsys):
    env.setenv("DOORSTEP_PASSWORD", OFFICER_PW)
    code, out, err = run(capsys, "audit", "--all", "--user", "o.one", "--db", team_db)
    assert (code, out) == (3, "")
    assert one_sentence(err).startswith("Only a manager, an admin or an auditor can run oversight")

    env.setenv("DOORSTEP_NEW_PASSWORD", "another long password")
    code, out, err = run(
        capsys, "user", "add", "o.two", "--role", "officer", "--user", "o.one", "--db", team_db
    )
    assert (code, out) == (3, "")
    assert one_sentence(err) == "Only an admin can manage people and roles."

    for argv in (["user", "list"], ["user", "role", "o.one", "admin"], ["user", "disable", "boss"]):
        code, out, err = run(capsys, *argv, "--user", "o.one", "--db", team_db)
        assert (code, out) == (3, ""), argv
        assert one_sentence(err) == "Only an admin can manage people and roles."

    # the case the officer may not see (the example is k.mensah's, another team's)
    code, out, err = run(capsys, "export", "EX-ASB-0001", "--user", "o.one", "--db", team_db)
    assert (code, out) == (3, "")
    assert "is not yours, your team's or one you cover" in one_sentence(err)

    env.setenv("DOORSTEP_PASSWORD", BOSS_PW)  # the admin may do all of it
    code, out, err = run(capsys, "audit", "--all", "--json", "--user", "boss", "--db", team_db)
    assert code in (0, 1) and err == ""
    assert [r["case"] for r in json.loads(out)] == ["EX-ASB-0001"]


def test_user_list_role_reset_and_password(team_db, env, capsys):
    env.setenv("DOORSTEP_PASSWORD", BOSS_PW)
    code, out, err = run(capsys, "user", "list", "--json", "--user", "boss", "--db", team_db)
    assert (code, err) == (0, "")
    people = {p["username"]: p for p in json.loads(out)}
    assert (people["boss"]["role"], people["o.one"]["team"]) == ("admin", "North")
    assert people["k.mensah"]["can_sign_in"] is False  # named by the imported bundle

    code, out, err = run(
        capsys, "user", "role", "boss", "officer", "--user", "boss", "--db", team_db
    )
    assert code == 1 and "last admin" in one_sentence(err)

    env.setenv("DOORSTEP_NEW_PASSWORD", "reset by the admin")
    code, out, err = run(capsys, "user", "reset", "o.one", "--user", "boss", "--db", team_db)
    assert (code, err) == (0, "")

    env.setenv("DOORSTEP_PASSWORD", "reset by the admin")  # the officer picks their own
    env.setenv("DOORSTEP_NEW_PASSWORD", OFFICER_PW + "!")
    code, out, err = run(capsys, "user", "password", "--user", "o.one", "--db", team_db)
    assert (code, out.strip(), err) == (0, "Password changed", "")
    code, _, err = run(capsys, "inbox", "--user", "o.one", "--db", team_db)
    assert code == 3  # the old one no longer works
    env.setenv("DOORSTEP_PASSWORD", OFFICER_PW + "!")
    code, _, err = run(capsys, "inbox", "--user", "o.one", "--db", team_db)
    assert (code, err) == (0, "")


def test_server_init_makes_the_first_admin_once(tmp_path, env, capsys):
    db = str(tmp_path / "server.sqlite")
    code, out, err = run(capsys, "server", "init", "--db", db, "--user", "boss")
    assert (code, out) == (1, "")  # no terminal and no DOORSTEP_NEW_PASSWORD
    assert "DOORSTEP_NEW_PASSWORD" in one_sentence(err)

    env.setenv("DOORSTEP_NEW_PASSWORD", BOSS_PW)
    code, out, err = run(capsys, "server", "init", "--db", db, "--user", "boss")
    assert (code, err) == (0, "") and "first admin boss" in out

    code, out, err = run(capsys, "server", "init", "--db", db, "--user", "boss2")
    assert (code, out) == (1, "")
    assert "already set up with people" in one_sentence(err)

    code, out, err = run(capsys, "inbox", "--db", db, "--user", "boss")  # no password, no tty
    assert (code, out) == (3, "")
    assert "no terminal to ask on" in one_sentence(err)
    env.setenv("DOORSTEP_PASSWORD", BOSS_PW)
    code, out, err = run(capsys, "user", "list", "--db", db, "--user", "boss")
    assert (code, err) == (0, "") and out.split()[:2] == ["boss", "admin"]
