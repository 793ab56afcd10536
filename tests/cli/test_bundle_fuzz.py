"""Bad input never prints a traceback (issue 10 item 12).

The crashes a mutation fuzzer found are kept as regression tests, and a seeded hypothesis
fuzzer mutates valid bundles and runs `doorstep import` and `doorstep audit` on each, asserting:
no traceback, exit 1 (never anything else) on rejection with one line naming the file, nothing
written on rejection, import and audit agree on what is valid, and whatever imports exports and
re-imports to the same bundle."""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.domain.bundle import parse_bundle
from tests.bundle_mutants import MUTANTS, VALID
from tests.conftest import OWN_EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
BASES = [
    VALID,
    json.loads((OWN_EXAMPLES.parent / "own-example/complaint-escalation-ignored.json").read_text()),
]
AS_OF = ["--as-of", "2025-09-01"]


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    """A new, empty Doorstep database to copy for each run (migrations once, not per example)."""
    from app.store.database import open_database

    path = tmp_path_factory.mktemp("template") / "empty.sqlite"
    open_database(path).close()
    return path


class Runner:
    def __init__(self, folder: Path, template: Path):
        self.folder = folder
        self.template = template
        self.n = 0

    def fresh_db(self) -> Path:
        self.n += 1
        db = self.folder / f"db{self.n}.sqlite"
        shutil.copy(self.template, db)
        return db

    def write(self, text: str) -> Path:
        self.n += 1
        path = self.folder / f"bundle{self.n}.json"
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, capsys, *argv: Any) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in argv])  # an exception escaping here fails the test
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err


def cases_in(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM case_events)"
        ).fetchone()[0]
    finally:
        con.close()


def refused(code: int, err: str, path: Path) -> None:
    lines = err.splitlines()
    assert code == 1, err
    assert len(lines) == 1 and lines[0].startswith(f"doorstep: {path}"), err
    assert len(lines[0]) < 400, len(lines[0])


@pytest.fixture
def runner(tmp_path, empty_db) -> Runner:
    return Runner(tmp_path, empty_db)


@pytest.mark.parametrize("name", MUTANTS)
def test_each_crash_found_is_refused_by_import_and_audit(capsys, runner, name):
    text, words = MUTANTS[name]
    path = runner.write(text)
    db = runner.fresh_db()
    code, out, err = runner.run(capsys, "import", path, "--db", db)
    refused(code, err, path)
    assert out == "" and cases_in(db) == 0
    assert all(word in err for word in words), err
    code, out, err = runner.run(capsys, "audit", path, *AS_OF)
    refused(code, err, path)
    assert out == "" and all(word in err for word in words), err


@pytest.mark.parametrize("name", ["100,000 nested lists", "a lone surrogate in the ref"])
def test_a_real_process_prints_one_line(runner, name):
    path = runner.write(MUTANTS[name][0])
    for argv in (["import", path, "--db", runner.fresh_db()], ["audit", path]):
        done = subprocess.run(
            [sys.executable, "-m", "app", *map(str, argv)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert done.stderr.count("\n") == 1 and done.stdout == ""


# -- the fuzzer --------------------------------------------------------------------------------

DATES = st.builds(
    lambda y, m, d, h, off: f"{y:04d}-{m:02d}-{d:02d}T{h:02d}:30:00{off}",
    st.sampled_from([1, 1999, 2000, 2024, 2099, 2100, 2101, 9999]),
    st.integers(1, 12),
    st.integers(1, 31),
    st.integers(0, 23),
    st.sampled_from(["", "Z", "+14:00", "-14:00", "+01:00", "+23:59"]),
)
TEXT = st.text(st.characters(blacklist_categories=()), max_size=12)  # surrogates, controls, …
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**45), 10**45),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e26, 12.345, 0.1, -0.0, 1e308, 50, 0, 1, 11, 251]),
    TEXT,
    DATES,
    st.sampled_from(
        [
            "",
            " ",
            "2024-02-30",
            "20250303",
            "2025-03-03",
            "resident",
            "r1",
            "k1",
            "p1",
            "phone",
            "out",
            "costs",
            "high",
            "__bundle__",
            "EX\u202e1",
            "a\u00a0b",
            "x" * 300,
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            TEXT | st.sampled_from(["head", "amount", "text", "owner", "due"]), inner, max_size=3
        )
    ),
    max_leaves=6,
)
KEYS = (
    st.sampled_from(
        [
            "type",
            "at",
            "id",
            "summary",
            "by",
            "channel",
            "stage",
            "compensation",
            "actions",
            "__bundle__",
            "opened",
            "ref",
            "officer",
            "name",
            "answers",
            "deadline",
            "policy",
            "new_due",
            "plan",
            "action",
            "amount",
            "head",
        ]
    )
    | TEXT
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


@st.composite
def mutants(draw) -> Any:
    """A valid bundle with one to three changes: kept-but-unknown keys and free text (mostly
    still valid, so the round trip is exercised) or a value replaced, removed or nested deep."""
    doc = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["extra", "extra", "text", "replace", "delete", "deep"]))
        if how == "extra":
            where = draw(st.sampled_from(["top", "case", "resident", "event"]))
            target = {
                "top": doc,
                "case": doc.get("case"),
                "resident": (doc.get("case") or {}).get("resident"),
                "event": draw(st.sampled_from(doc.get("events") or [None])),
            }[where]
            if isinstance(target, dict):
                target[draw(KEYS)] = draw(VALUES)
            continue
        if how == "text":
            target = draw(st.sampled_from(doc.get("events") or [None]))
            if isinstance(target, dict):
                target[draw(st.sampled_from(["summary", "notes", "reason"]))] = draw(TEXT)
            continue
        paths = _paths(doc)
        path = draw(st.sampled_from(paths[1:] or paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if how == "delete":
            del parent[path[-1]]
        elif how == "deep":
            value = draw(VALUES)
            for _ in range(draw(st.sampled_from([30, 33, 200]))):
                value = [value]
            parent[path[-1]] = value
        else:
            parent[path[-1]] = draw(VALUES)
    return doc


def same_case(a: dict, b: dict) -> None:
    """Equal as data (CASE_BUNDLE.md): case fields, events and their fields, each `at` the
    same instant, event order free (a left-out summary reads as the empty one)."""
    x, y = parse_bundle(a), parse_bundle(b)
    assert x.case == y.case and dict(x.extra) == dict(y.extra)

    def events(bundle) -> dict:
        return {e.id: (e.at, e.type, {"summary": "", **e.data}) for e in bundle.events}

    assert events(x) == events(y)


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(doc=mutants(), ascii_only=st.booleans())
def test_fuzzed_bundles_never_crash_and_round_trip(capsys, runner, doc, ascii_only):
    path = runner.write(json.dumps(doc, ensure_ascii=True) if ascii_only else _dumps(doc))
    db = runner.fresh_db()
    code, out, err = runner.run(capsys, "import", path, "--db", db)
    a_code, _, a_err = runner.run(capsys, "audit", path, *AS_OF)
    assert a_code in (0, 1)
    if code != 0:
        refused(code, err, path)
        assert cases_in(db) == 0  # nothing written
        assert a_err, f"audit accepted what import refused: {err}"
        return
    assert a_err == "", f"import accepted what audit refused: {a_err}"
    ref = parse_bundle(doc).case.ref
    first = runner.folder / f"export{runner.n}.json"
    code, _, err = runner.run(capsys, "export", ref, "--db", db, "--out", first)
    assert code == 0, err
    again = runner.fresh_db()
    code, _, err = runner.run(capsys, "import", first, "--db", again)
    assert code == 0, err
    second = runner.folder / f"export{runner.n}-again.json"
    code, _, err = runner.run(capsys, "export", ref, "--db", again, "--out", second)
    assert code == 0, err
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert json.loads(second.read_text(encoding="utf-8")) == exported
    same_case(doc, exported)
    ACCEPTED.append(ref)


ACCEPTED: list[str] = []


def test_the_fuzzer_exercised_the_round_trip():
    """Runs after the fuzzer (file order): enough mutants were valid to test export/re-import."""
    assert len(ACCEPTED) >= 20, len(ACCEPTED)


def _dumps(doc: Any) -> str:
    """JSON as a person's editor might save it (not ASCII-escaped); a lone surrogate, which
    UTF-8 cannot hold, stays escaped."""
    text = json.dumps(doc, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(doc, ensure_ascii=True)
    return text


def test_a_deadline_past_the_calendar_is_refused_by_audit_as_by_import(capsys, runner):
    """Audit read only what was known by --as-of and accepted an event late in 2100 whose
    deadline falls past the calendar; import, deriving every deadline, refused it."""
    doc = copy.deepcopy(VALID)
    doc["events"].append(
        {
            "id": "late",
            "at": "2100-12-29T10:00",
            "type": "contact",
            "channel": "letter",
            "direction": "in",
            "by": "resident",
            "callback_requested": True,
        }
    )
    path = runner.write(json.dumps(doc))
    db = runner.fresh_db()
    code, _, err = runner.run(capsys, "import", path, "--db", db)
    refused(code, err, path)
    assert "'late'" in err and cases_in(db) == 0
    code, out, a_err = runner.run(capsys, "audit", path, *AS_OF)
    refused(code, a_err, path)
    assert "'late'" in a_err and out == ""


def test_a_bundle_that_cannot_be_read_makes_no_database(capsys, runner):
    path = runner.write(MUTANTS["100,000 nested lists"][0])
    db = runner.folder / "never-made.sqlite"
    code, _, err = runner.run(capsys, "import", path, "--db", db)
    refused(code, err, path)
    assert not db.exists()
