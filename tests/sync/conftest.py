"""A team server (SQLite here; PostgreSQL in the fault harness) behind the real sync service on
loopback, and laptops enrolled with it."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import closing

import pytest
import uvicorn

from app.server.api import make_app
from app.services import accounts
from app.services.cases import create_case
from app.services.complaints import receive_complaint
from app.services.sync import client
from app.services.workspace import Actor, Workspace, open_workspace
from tests.sync.report import HARNESS

PASSWORD = "a long team passphrase 42"


def pytest_terminal_summary(terminalreporter):
    """The fault harness's counts, shown at the end of the run without -s."""
    if HARNESS:
        terminalreporter.section("Sync fault harness")
        for line in HARNESS:
            terminalreporter.write_line(line)


PEOPLE = {
    "admin1": ("admin", "Ada Admin"),
    "amira": ("officer", "Amira Khan"),
    "ben": ("officer", "Ben Okafor"),
    "mo": ("manager", "Mo Reid"),
}


class Clock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The sync service in a thread on 127.0.0.1, stopped at the end of the test."""

    def __init__(self, ws: Workspace, hooks=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            make_app(ws, hooks), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the sync service did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def make_team(path, clock) -> Workspace:
    ws = open_workspace(path, Actor("setup", "test-server"), clock=clock)
    for username, (role, name) in PEOPLE.items():  # the first (an admin) signs in as it is added
        accounts.add_person(ws, username, role, PASSWORD, full_name=name)
    for i in range(3):
        create_case(
            ws,
            ref=f"T-{i + 1:03d}",
            kind="complaint",
            officer="amira" if i < 2 else "ben",
            resident_name=f"Resident {i + 1}",
        )
    receive_complaint(ws, "T-001", summary="Nobody came about the leak", channel="phone")
    return ws


@pytest.fixture
def sync_clock() -> Clock:
    return Clock(dt.datetime(2025, 6, 24, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def team(tmp_path, sync_clock) -> Iterator[Workspace]:
    ws = make_team(tmp_path / "team.sqlite", sync_clock)
    yield ws
    ws.close()


@pytest.fixture
def server(team, tmp_path) -> Iterator[Server]:
    # the service's own connection to the team database, as `doorstep server run` has
    server_ws = open_workspace(
        tmp_path / "team.sqlite", Actor("sync-service", "server"), team.clock
    )
    with Server(server_ws) as running:
        yield running
    server_ws.close()


@pytest.fixture
def laptop(tmp_path, server, sync_clock):
    opened: list[Workspace] = []

    def make(username: str, name: str | None = None) -> Workspace:
        ws = open_workspace(
            tmp_path / f"{name or username}.sqlite", Actor(username, name or username), sync_clock
        )
        client.enrol(ws, server.url, username, PASSWORD, name or username)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()
