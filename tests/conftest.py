"""Shared test set-up: Qt runs offscreen; fixtures for policies and bundles."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The user's data folder (integrity-check records, profiles) is the run's own, never the home's.
os.environ.setdefault("DOORSTEP_DATA_DIR", tempfile.mkdtemp(prefix="doorstep-test-data-"))

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The project's own copy of the worked example (an ASB case with a complaint and its expected
# audit). The suite stands alone: nothing in it reads the shared spec beside a checkout.
OWN_EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "worked-example"
EXAMPLE = "asb-with-complaint.json"
EXAMPLE_AUDIT = "asb-with-complaint.audit.json"


@pytest.fixture(scope="module")
def examples_dir() -> Path:
    """The folder holding the worked example and its expected audit."""
    return OWN_EXAMPLES


FIXED_NOW = "2025-06-24T10:00:00+00:00"


@pytest.fixture
def clock():
    """A settable clock for services (defaults to Tue 24 Jun 2025 10:00 UTC)."""
    import datetime as dt

    class Clock:
        def __init__(self):
            self.now = dt.datetime.fromisoformat(FIXED_NOW)

        def __call__(self):
            return self.now

        def set(self, iso: str):
            self.now = dt.datetime.fromisoformat(iso)

    return Clock()


@pytest.fixture
def ws(tmp_path, clock):
    """A workspace on a fresh SQLite database in a temporary folder."""
    from app.services.workspace import Actor, open_workspace

    workspace = open_workspace(
        tmp_path / "cases.sqlite", actor=Actor("tester", "test-device"), clock=clock
    )
    yield workspace
    workspace.close()


@pytest.fixture
def example_doc():
    import json

    return json.loads((OWN_EXAMPLES / EXAMPLE).read_text())


@pytest.fixture
def seed001_doc():
    import json

    return json.loads((ROOT / "resources" / "demo" / "seed-001.json").read_text())


@pytest.fixture
def pg_url():
    """A fresh empty database on the PostgreSQL test server (tests/pg.py) for one test."""
    from tests.pg import fresh_database

    with fresh_database() as url:
        yield url
