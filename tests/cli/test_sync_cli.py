"""`doorstep server run`, `device enrol|list|revoke` and `sync` from the command line, with the
sync service as a real process on 127.0.0.1 (stopped at the end of each test)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.sync.conftest import PASSWORD, free_port
from tests.sync.service_process import running_service

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def service(tmp_path, monkeypatch, capsys):
    team = tmp_path / "team.sqlite"
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", PASSWORD)
    assert main(["server", "init", "--db", str(team), "--user", "boss"]) == 0
    monkeypatch.setenv("DOORSTEP_USER", "boss")
    monkeypatch.setenv("DOORSTEP_PASSWORD", PASSWORD)
    assert main(["user", "add", "amy", "--role", "officer", "--db", str(team)]) == 0
    monkeypatch.delenv("DOORSTEP_USER")
    capsys.readouterr()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "app", "server", "run", "--db", str(team), "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with running_service(argv, url, tmp_path, env):
        yield url, team


def enrol(capsys, url: str, db: str, *more: str):
    return run(capsys, "device", "enrol", "--server", url, "--user", "amy", "--db", db, *more)


def test_enrol_sync_list_and_revoke(service, tmp_path, capsys, monkeypatch):
    url, team = service
    laptop = str(tmp_path / "amy.sqlite")
    monkeypatch.setenv("DOORSTEP_PASSWORD", PASSWORD)
    code, out, err = enrol(capsys, url, laptop, "--name", "amy-laptop")
    assert (code, err) == (0, "") and "enrolled" in out
    code, out, _ = run(capsys, "sync", "--db", laptop, "--json")
    assert code == 0 and json.loads(out)["pending"] == 0
    monkeypatch.setenv("DOORSTEP_USER", "boss")
    code, out, _ = run(capsys, "device", "list", "--db", str(team))
    assert code == 0 and "amy-laptop" in out and "amy" in out
    code, out, _ = run(capsys, "device", "revoke", "amy-laptop", "--db", str(team))
    assert code == 0 and "can no longer sync" in out
    code, out, err = run(capsys, "sync", "--db", laptop)
    assert (code, out) == (3, "") and "withdrawn" in err


def test_a_wrong_password_is_refused(service, tmp_path, capsys, monkeypatch):
    url, _ = service
    monkeypatch.setenv("DOORSTEP_PASSWORD", "not the password at all")
    code, out, err = enrol(capsys, url, str(tmp_path / "x.sqlite"))
    assert code == 3 and out == "" and err.count("\n") == 1


def test_sync_without_enrolment_or_server_is_one_sentence(tmp_path, capsys, monkeypatch):
    lone = str(tmp_path / "lone.sqlite")
    monkeypatch.setenv("DOORSTEP_USER", "someone")
    assert main(["demo", "--db", lone, "--cases", "2"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "sync", "--db", lone)
    assert (code, out) == (1, "") and "not enrolled" in err and err.count("\n") == 1
    monkeypatch.setenv("DOORSTEP_PASSWORD", "whatever it is")
    code, out, err = run(
        capsys,
        "device",
        "enrol",
        "--server",
        "http://127.0.0.1:9",
        "--user",
        "x",
        "--db",
        str(tmp_path / "new.sqlite"),
    )
    assert code == 1 and "cannot be reached" in err


def test_a_database_with_its_own_cases_is_not_enrolled(service, tmp_path, capsys, monkeypatch):
    url, _ = service
    lone = str(tmp_path / "lone.sqlite")
    assert main(["demo", "--db", lone, "--cases", "2"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("DOORSTEP_PASSWORD", PASSWORD)
    code, _, err = enrol(capsys, url, lone)
    assert code == 1 and "enrol a new, empty database" in err
