"""The team server restarts under Doorstep: the person reads one clear sentence, the same
workspace works again once the server is back (the pool re-connects: pool_pre_ping), a change
caught by the restart is saved entirely or not at all, and trying it again records it once.

These tests restart a PostgreSQL server, so each module run starts ITS OWN private cluster
(initdb in a temporary folder, 127.0.0.1 on a free port, removed at the end even on failure);
the shared throwaway cluster of the other PostgreSQL tests is never touched. Skipped with the
reason when the PostgreSQL server programs are not installed."""

from __future__ import annotations

import contextlib
import copy
import glob
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.errors import StorageError
from app.services.bundles import import_bundle
from app.services.cases import append_events, get_case
from app.services.contacts import log_contact
from app.services.workspace import Actor, Workspace
from app.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30  # seconds: the longest any server start or stop may take


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for candidate in reversed(found):
        if os.access(f"{candidate}/initdb", os.X_OK) and os.access(f"{candidate}/pg_ctl", os.X_OK):
            return Path(candidate)
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    return None


def _skip_reason() -> str | None:
    if _pg_bin() is None:
        return "the PostgreSQL server programs (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to own a cluster"
    return None


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A private PostgreSQL cluster this module may stop and start at will."""

    bin: Path
    dir: Path
    port: int
    password: str

    @property
    def data(self) -> Path:
        return self.dir / "data"

    def _run(self, *args: str) -> None:
        """A cluster command as the cluster's owner (root cannot run them), bounded in time."""
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(
            cmd, cwd=self.dir, capture_output=True, text=True, timeout=WAIT + 10, check=False
        )
        if done.returncode != 0:
            log = (
                (self.dir / "server.log").read_text() if (self.dir / "server.log").exists() else ""
            )
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()}\n{log[-2000:]}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
            "-w", "-t", str(WAIT), "-o", options, "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            mode,
            "-w",
            "-t",
            str(WAIT),
            "stop",
        )

    def restart(self) -> None:
        self.stop()
        self.start()

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres:{self.password}@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bin_dir = _pg_bin()
    assert bin_dir is not None
    # Not pytest's tmp_path: its parents are private to this user, and as root the cluster's
    # owner (postgres) must be able to enter the folder.
    folder = Path(tempfile.mkdtemp(prefix="doorstep-pgrestart-"))
    pg = Cluster(bin_dir, folder, _free_port(), secrets.token_hex(16))
    try:
        folder.chmod(0o700)
        pw = folder / "pw"
        pw.write_text(pg.password + "\n")
        pw.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(pw, "postgres", "postgres")
        pg._run(
            str(bin_dir / "initdb"), "-D", str(pg.data), "-U", "postgres", f"--pwfile={pw}",
            "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        pw.unlink()
        for _ in range(5):  # another process may take the free port before the server does
            try:
                pg.start()
                break
            except RuntimeError:
                pg.port = _free_port()
        else:
            pg.start()
        yield pg
    finally:
        if pg.running():
            with contextlib.suppress(Exception):
                pg.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(cluster: Cluster) -> Iterator[str]:
    """A fresh database on the private cluster (the server is running when the test starts)."""
    if not cluster.running():
        cluster.start()
    name = f"doorstep_restart_{secrets.token_hex(5)}"
    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield cluster.url(name)
        if not cluster.running():
            cluster.start()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def count(url: str, sql: str, **params) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def assert_one_clear_sentence(exc: BaseException, expected: str) -> None:
    """What the person reads: exactly the expected sentence, no SQL, parameters or traceback."""
    message = str(exc)
    assert message == expected
    assert "\n" not in message and "[SQL" not in message and "Traceback" not in message
    assert "psycopg" not in message and "password" not in message


SERVER_DOWN = "The team server cannot be reached; check the connection."
LOST_CHANGE = "The team server went away during the change; nothing of it was saved — try again."


@pytest.fixture
def ws(pg_url, clock, example_doc) -> Iterator[Workspace]:
    """A workspace on the private cluster holding the worked example's case."""
    workspace = Workspace(open_database(pg_url), Actor("tester", "pg"), clock)
    import_bundle(workspace, example_doc)
    yield workspace
    workspace.close()


def events(url: str, summary: str | None = None) -> int:
    if summary is None:
        return count(url, "SELECT count(*) FROM case_events")
    return count(url, "SELECT count(*) FROM case_events WHERE summary = :s", s=summary)


def contact(ws: Workspace, ref: str, summary: str):
    return log_contact(ws, ref, channel="phone", direction="in", summary=summary)


def test_a_server_stopped_between_two_calls_is_one_sentence_then_the_workspace_recovers(
    cluster, pg_url, ws, example_doc
):
    ref = example_doc["case"]["ref"]
    contact(ws, ref, "Before the restart")
    before = events(pg_url)
    cluster.stop()  # pg_ctl stop -m fast: every pooled connection is now dead
    with pytest.raises(StorageError) as read_failure:
        get_case(ws, ref)
    assert_one_clear_sentence(read_failure.value, SERVER_DOWN)
    with pytest.raises(StorageError) as write_failure:
        contact(ws, ref, "While the server is down")
    assert_one_clear_sentence(write_failure.value, SERVER_DOWN)
    cluster.start()
    # the same workspace, no re-opening: the pool drops the dead connections (pool_pre_ping)
    case = get_case(ws, ref)
    assert any(e.summary == "Before the restart" for e in case.events)
    contact(ws, ref, "After the restart")
    assert events(pg_url) == before + 1
    assert (events(pg_url, "Before the restart"), events(pg_url, "While the server is down")) == (
        1,
        0,
    )
    assert events(pg_url, "After the restart") == 1


def test_b_a_restart_during_an_open_write_saves_nothing_and_the_retry_records_once(
    cluster, pg_url, ws, example_doc
):
    ref = example_doc["case"]["ref"]
    before = events(pg_url)
    audit_before = count(pg_url, "SELECT count(*) FROM audit_log")
    event = {"type": "contact", "channel": "phone", "direction": "in", "by": "resident",
             "summary": "Caught by the restart"}  # fmt: skip
    with pytest.raises(StorageError) as failure, ws.db.write() as s:
        append_events(s, ws, ref, [dict(event, id="restart-1"), dict(event, id="restart-2")])
        s.flush()  # the rows are on the server, in the open transaction
        cluster.restart()
    assert_one_clear_sentence(failure.value, LOST_CHANGE)
    # all or nothing: not one row of that transaction survived
    assert events(pg_url) == before
    assert events(pg_url, "Caught by the restart") == 0
    assert count(pg_url, "SELECT count(*) FROM audit_log") == audit_before
    # trying the same service call again on the same workspace succeeds, once
    logged = contact(ws, ref, "Caught by the restart")
    assert [e.summary for e in logged.case.events].count("Caught by the restart") == 1
    assert events(pg_url) == before + 1
    assert events(pg_url, "Caught by the restart") == 1


def test_b_a_restart_inside_a_service_call_is_refused_whole_and_the_retry_records_once(
    cluster, pg_url, ws, example_doc
):
    """The restart lands inside log_contact itself, just before its COMMIT."""
    from sqlalchemy import event as sa_event
    from sqlalchemy.orm import Session

    ref = example_doc["case"]["ref"]
    before = events(pg_url)
    restarts: list[int] = []

    def restart_once(session) -> None:
        if not restarts:
            restarts.append(1)
            session.flush()
            cluster.restart()

    sa_event.listen(Session, "before_commit", restart_once)
    try:
        with pytest.raises(StorageError) as failure:
            contact(ws, ref, "Logged during a restart")
    finally:
        sa_event.remove(Session, "before_commit", restart_once)
    assert restarts == [1]
    assert_one_clear_sentence(failure.value, LOST_CHANGE)
    assert events(pg_url) == before
    contact(ws, ref, "Logged during a restart")  # the person tries again, as told
    assert events(pg_url) == before + 1
    assert events(pg_url, "Logged during a restart") == 1


def _lines(stream, into: Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def _next_line(lines: Queue, deadline: float) -> str | None:
    try:
        return lines.get(timeout=max(0.0, deadline - time.monotonic()))
    except Empty:
        return None


def test_c_a_restart_during_a_multi_bundle_import_refuses_bundles_in_one_sentence_each(
    cluster, pg_url, tmp_path, example_doc
):
    """`doorstep import a.json b.json … --db URL` while the server goes down after the first
    bundle and comes back after the first refusal: exit 1, one sentence per refused bundle, and
    exactly the bundles reported imported are in the database. (The command runs through the
    remaining bundles faster than the server starts, so in practice every bundle after the first
    is refused; the assertions hold whichever way the race goes.)"""
    open_database(pg_url).close()  # the schema exists: the command's opening is not the subject
    files = []
    for i in range(6):
        doc = copy.deepcopy(example_doc)
        doc["case"]["ref"] = f"EX-RESTART-{i}"
        files.append(tmp_path / f"bundle-{i}.json")
        files[-1].write_text(json.dumps(doc))
    parsed = make_url(pg_url)
    env = os.environ | {"PGPASSWORD": parsed.password or "", "PYTHONUNBUFFERED": "1"}
    bare = parsed.set(password=None).render_as_string(hide_password=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "import", *map(str, files), "--db", bare],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out: Queue = Queue()
    err: Queue = Queue()
    readers = [
        threading.Thread(target=_lines, args=(proc.stdout, out), daemon=True),
        threading.Thread(target=_lines, args=(proc.stderr, err), daemon=True),
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 60
    try:
        first = _next_line(out, deadline)
        assert first is not None and first.startswith("Imported EX-RESTART-0 "), first
        cluster.stop()
        refusal = _next_line(err, deadline)
        assert refusal is not None, "no bundle was refused while the server was down"
        cluster.start()
        rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if not cluster.running():
            cluster.start()
    for reader in readers:
        reader.join(timeout=10)
    stdout = [first, *iter(out.get_nowait, None)]
    stderr = [refusal, *iter(err.get_nowait, None)]
    proc.stdout.close()
    proc.stderr.close()
    assert rc == 1, (stdout, stderr)
    imported = set()
    for line in stdout:
        said = re.fullmatch(r"Imported (EX-RESTART-(\d)) from (.+) \(\d+ events\)", line)
        assert said and said[3] == str(tmp_path / f"bundle-{said[2]}.json"), line
        imported.add(said[1])
    refused = set()
    for line in stderr:
        path, _, message = line.removeprefix("doorstep: ").partition(": ")
        assert message in (SERVER_DOWN, LOST_CHANGE), line  # one sentence, no traceback
        refused.add(json.loads(Path(path).read_text())["case"]["ref"])
    assert "EX-RESTART-0" in imported and refused
    assert imported | refused == {f"EX-RESTART-{i}" for i in range(6)}
    assert not imported & refused
    engine = create_engine(pg_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            refs = set(conn.execute(text("SELECT ref FROM cases")).scalars())
    finally:
        engine.dispose()
    assert refs == imported
