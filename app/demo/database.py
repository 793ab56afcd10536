"""The demo database: its own file, filled with invented cases, never the user's real database."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.domain.calendar import today_london
from app.errors import ValidationError
from app.paths import resources_dir
from app.services.bundles import import_bundle
from app.services.cases import log_action
from app.services.policies import HOMES_KEY
from app.services.workspace import Actor, Workspace, open_workspace
from app.store.models import Officer, Setting, Team


def seed_bundles() -> list[dict]:
    """Reconstructions of the seed cases (invented names), e.g. seed 001 as HX-0001."""
    folder = resources_dir() / "demo"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("seed-*.json"))]


def _is_demo_file(path: Path) -> bool:
    """Whether the SQLite file at ``path`` carries the demo marker (the ``demo`` setting written
    when the demo is made; every demo file has had it since the demo existed). Read-only and
    without opening it as a workspace, so nothing in it is migrated or changed; a file that is not
    a readable SQLite database (an encrypted one, a text file) is not a demo."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    if row is None:
        return False
    try:
        return json.loads(row[0]) is True if isinstance(row[0], str) else row[0] == 1
    except ValueError:
        return False


def _refuse_real_database(path: Path) -> None:
    """Only a file that is itself a demo database may be replaced by a new demo: a database with
    officers, teams or settings but no cases yet is as real as one with cases."""
    if not path.exists():
        return
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give the demo database a file name.")
    if path.stat().st_size == 0 and not _companions(path):
        return
    if not _is_demo_file(path):
        raise ValidationError(
            f"{path} is not a demo database, so it was left as it is; "
            "the demo is only ever written to its own file."
        )


def _companions(path: Path) -> list[Path]:
    """The SQLite journal files beside ``path`` (a WAL file holds committed data too)."""
    return [
        p
        for suffix in ("-wal", "-journal")
        if (p := path.with_name(path.name + suffix)).exists() and p.stat().st_size > 0
    ]


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()


DEMO_HOMES = 4200  # the invented landlord's homes (Settings › Homes owned)


def remove_demo_database(path: Path) -> None:
    """Delete a demo database (one whose making was cancelled); a real database is refused."""
    path = Path(path).expanduser().resolve()
    _refuse_real_database(path)
    _remove(path)


def create_demo_database(
    path: Path,
    n_cases: int = 200,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Create (or re-create) a demo database at ``path`` and return its path.

    ``progress(done, total)`` is called after each case is imported."""
    from app.demo.generator import OFFICERS, generate_bundles
    from app.demo.residents import SEED_STAFF

    path = Path(path).expanduser().resolve()
    _refuse_real_database(path)
    _remove(path)
    today = today or today_london()
    ws: Workspace = open_workspace(path, actor=Actor("demo", "demo"))
    try:
        with ws.db.write() as s:
            s.add(Setting(key="demo", value=True))
            s.add(Setting(key="demo_created", value=today.isoformat()))
            s.add(Setting(key=HOMES_KEY, value=DEMO_HOMES))  # for the regulator's measures
            teams: dict[str, Team] = {}
            for o in OFFICERS + SEED_STAFF:
                team = teams.get(o["team"])
                if team is None:
                    team = teams[o["team"]] = Team(name=o["team"], updated_by="demo")
                s.add(
                    Officer(
                        username=o["username"],
                        name=o["name"],
                        job_title=o["title"],
                        role=o["role"],
                        team=team,
                        email=f"{o['username']}@example.org",
                        updated_by="demo",
                    )
                )
            log_action(
                s, ws, "create_demo", "setting", "demo", officers=len(OFFICERS) + len(SEED_STAFF)
            )
        # The demo's roles are enforced like a real team's: its cases come in as a demo manager.
        manager = next(o["username"] for o in OFFICERS if o["role"] == "manager")
        ws.actor = Actor(manager, "demo")
        docs = seed_bundles() + generate_bundles(today, n_cases=n_cases, seed=seed)
        for done, doc in enumerate(docs, 1):
            import_bundle(ws, doc)
            if progress is not None:
                progress(done, len(docs))
    finally:
        ws.close()
    return path


def make_demo(progress: Callable[[int, int], None] | None = None) -> Path:
    """Create the SEPARATE demo database (``demo.sqlite``) to explore beside the real one."""
    from app.services.setup import demo_database

    return create_demo_database(demo_database(), progress=progress)
