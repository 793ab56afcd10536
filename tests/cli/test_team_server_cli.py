"""A team server that cannot be used gives one sentence and exit 1, never a traceback."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from app.cli import main
from tests.pg import PG_URL, needs_pg, url_for


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "url, sentence",
    [
        (
            "postgresql+psycopg://doorstep@127.0.0.1:1/x",
            "The team server cannot be reached; check the connection.",
        ),
        (
            "postgresql+psycopg://doorstep@no-such-host.invalid:5432/x",
            "The team server's name cannot be found; check the address.",
        ),
        (
            "postgresql://doorstep@127.0.0.1:1/x",  # psycopg2 is not installed: name the driver
            "Cannot use the database address given (ModuleNotFoundError) — for the team server "
            "write postgresql+psycopg://….",
        ),
    ],
)
def test_an_unusable_server_is_one_sentence(capsys, url, sentence):
    for argv in (["inbox", "--db", url], ["search", "noise", "--db", url]):
        code, out, err = run(capsys, *argv)
        assert (code, out, err) == (1, "", f"doorstep: {sentence}\n")


@pytest.mark.parametrize("kind", ["password", "database"])
@needs_pg[0]
@needs_pg[1]
def test_wrong_password_or_database_is_one_sentence(capsys, kind):
    if kind == "password":
        url = url_for("postgres", "doorstep_test", "not-the-password")
        expected = "refused the database role or its password"
    else:
        url = url_for("doorstep_no_such_database")
        expected = "has no database of that name"
    code, out, err = run(capsys, "inbox", "--db", url)
    assert code == 1 and expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert make_url(PG_URL).password not in err  # no password is ever shown


def test_an_app_role_needs_postgresql(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", "first-admin-password-1")
    db = str(tmp_path / "team.sqlite")
    code, out, err = run(
        capsys, "server", "init", "--db", db, "--user", "boss", "--app-role", "doorstep_app"
    )
    assert (code, out) == (1, "")
    assert err == "doorstep: An app role is for a PostgreSQL team server, not an SQLite file.\n"
    # nothing was half done: no admin was added, so init still works without the role
    assert run(capsys, "server", "init", "--db", db, "--user", "boss")[0] == 0
