"""Two commands at once on the same PostgreSQL database: the first opens of a new database take
turns under the migration lock, and two imports adding the same new officer both succeed (an
upsert), with nothing duplicated."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.services.cases import get_or_create_officer
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from tests.pg import fresh_database, needs_pg

pytestmark = needs_pg
ROOT = Path(__file__).resolve().parents[2]


def test_simultaneous_imports_into_a_new_database_all_succeed(tmp_path, example_doc):
    """Real processes, as two officers' laptops would: each opens the brand-new database (so each
    would create the schema) and imports a bundle naming the same two new officers."""
    n = 3
    files = []
    for i in range(n):
        doc = copy.deepcopy(example_doc)
        doc["case"]["ref"] = f"EX-RACE-{i}"
        files.append(tmp_path / f"race-{i}.json")
        files[-1].write_text(json.dumps(doc))
    with fresh_database() as url:
        parsed = make_url(url)
        # the password goes in the environment, never on the command line
        env = os.environ | {"PGPASSWORD": parsed.password or ""}
        bare = parsed.set(password=None).render_as_string(hide_password=False)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "app", "import", str(f), "--db", bare],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in files
        ]
        outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert [rc for rc, _ in outcomes] == [0] * n, outcomes
        assert all("Traceback" not in err for _, err in outcomes)
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
                officers = conn.execute(
                    text("SELECT username, count(*) FROM officers GROUP BY username")
                ).all()
                refs = conn.execute(text("SELECT ref FROM cases ORDER BY ref")).scalars().all()
        finally:
            engine.dispose()
        assert dict(officers) == {"k.mensah": 1, "s.hughes": 1}
        assert refs == [f"EX-RACE-{i}" for i in range(n)]


def test_the_second_adder_of_a_new_officer_uses_the_first_ones_row(clock):
    """Deterministic: the first transaction adds the officer and has not committed when the
    second asks for the same username; the second waits, then gets the same row."""
    with fresh_database() as url:
        first = Workspace(open_database(url), Actor("one", "pg"), clock)
        second = Workspace(open_database(url), Actor("two", "pg"), clock)
        try:
            got: dict[str, object] = {}
            with first.db.write() as s1:
                created1: list[str] = []
                officer1 = get_or_create_officer(s1, first, "new.officer", created1)

                def other() -> None:
                    try:
                        with second.db.write() as s2:
                            created2: list[str] = []
                            got["id"] = get_or_create_officer(
                                s2, second, "new.officer", created2
                            ).id
                            got["created"] = created2
                    except Exception as exc:  # reported below
                        got["error"] = exc

                thread = threading.Thread(target=other)
                thread.start()
                thread.join(timeout=1.0)
                assert thread.is_alive()  # waiting on the first transaction's new row
                first_id = officer1.id
            thread.join(timeout=30)
            assert "error" not in got, got.get("error")
            assert (got["id"], got["created"], created1) == (first_id, [], ["new.officer"])
            with first.db.engine.connect() as conn:
                assert (
                    conn.execute(
                        text("SELECT count(*) FROM officers WHERE username = 'new.officer'")
                    ).scalar()
                    == 1
                )
        finally:
            first.close()
            second.close()
