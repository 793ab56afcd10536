"""Shared test set-up: Qt runs offscreen; fixtures for policies and bundles."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The project's own copy of the worked example (an ASB case with a complaint and its expected
# audit). The suite stands alone: it needs nothing outside the repository.
OWN_EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "worked-example"
# The living spec beside a development checkout; checked as well when it is there.
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
EXAMPLE = "asb-with-complaint.json"
EXAMPLE_AUDIT = "asb-with-complaint.audit.json"


@pytest.fixture(scope="module", params=["own", "shared"])
def examples_dir(request) -> Path:
    """A folder holding the worked example and its expected audit: the project's own copy, then
    the shared spec's (skipped with a reason when the spec is not beside the checkout)."""
    if request.param == "own":
        return OWN_EXAMPLES
    if not (SHARED_EXAMPLES / EXAMPLE).is_file():
        pytest.skip(f"the shared spec's example is not beside this checkout ({SHARED_EXAMPLES})")
    return SHARED_EXAMPLES


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
