"""The demo is only ever written over a file that is itself a demo database (issue 10 item 2)."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from app.demo.database import create_demo_database
from app.errors import ValidationError
from app.services.workspace import Actor, open_workspace, put_setting
from app.store.models import Officer, Team


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_database_without_cases(path):
    """What setup leaves behind before the first case: a team, an officer and a setting."""
    ws = open_workspace(path, actor=Actor("a.khan", "laptop"))
    try:
        with ws.db.write() as s:
            s.add(
                Officer(username="a.khan", name="Aisha Khan", role="officer", team=Team(name="N"))
            )
            put_setting(s, "organisation", {"name": "Hightown Homes"})
    finally:
        ws.close()


def test_a_real_database_without_cases_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "doorstep.sqlite"
    _real_database_without_cases(path)
    before = _digest(path)
    with pytest.raises(ValidationError, match="is not a demo database"):
        create_demo_database(path, n_cases=1)
    assert _digest(path) == before
    ws = open_workspace(path, create=False)
    try:
        assert not ws.is_demo
        assert ws.setting("organisation") == {"name": "Hightown Homes"}
    finally:
        ws.close()


def test_any_other_file_is_refused(tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all")
    with pytest.raises(ValidationError, match="is not a demo database"):
        create_demo_database(text, n_cases=1)
    assert text.read_text() == "not a database at all"
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO settings VALUES ('demo', 'false')")
    conn.commit()
    conn.close()
    with pytest.raises(ValidationError, match="is not a demo database"):
        create_demo_database(other, n_cases=1)
    with pytest.raises(ValidationError, match="is a folder"):
        create_demo_database(tmp_path, n_cases=1)


def test_a_demo_database_is_replaced(tmp_path):
    path = tmp_path / "demo.sqlite"
    create_demo_database(path, n_cases=1, seed=1)
    create_demo_database(path, n_cases=2, seed=2)
    ws = open_workspace(path, create=False)
    try:
        assert ws.is_demo
    finally:
        ws.close()


def test_a_new_or_empty_file_becomes_the_demo(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    create_demo_database(empty, n_cases=1)
    create_demo_database(tmp_path / "new.sqlite", n_cases=1)
    for p in (empty, tmp_path / "new.sqlite"):
        ws = open_workspace(p, create=False)
        try:
            assert ws.is_demo
        finally:
            ws.close()


def test_the_cli_refuses_with_one_sentence(tmp_path, capsys):
    from app.cli import main

    path = tmp_path / "doorstep.sqlite"
    _real_database_without_cases(path)
    before = _digest(path)
    assert main(["demo", "--db", str(path), "--cases", "1"]) == 1
    err = capsys.readouterr().err
    assert "is not a demo database" in err and "Traceback" not in err
    assert _digest(path) == before
