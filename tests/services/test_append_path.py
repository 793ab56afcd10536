"""One way to append events (issue 10 item 6): the version check, the id generator, the event
rows, the recomputation and the case's stamp are in ``cases.append_events`` only, and a stale
version is refused whichever service records the entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import app
from app.errors import ConflictError
from app.services import asb
from app.services.absences import reassign_case
from app.services.cases import get_case, record_event
from app.services.complaints import receive_complaint
from app.services.contacts import log_contact
from app.store.models import Case, CaseEvent
from tests.services.conftest import resident_calls

APP = Path(app.__file__).parent
APPEND_PATH = APP / "services" / "cases.py"


def _sources():
    for path in sorted(APP.rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("makes an event row", re.compile(r"(?<!class )\bCaseEvent\(")),
        ("makes event ids", re.compile(r"[\"']ev-")),
        ("checks a case's version", re.compile(r"case\.version\s*!=")),
        ("recomputes a case", re.compile(r"(?<!def )\brecompute\(")),
        ("stamps a case", re.compile(r"case\.updated_at\s*=")),
    ],
)
def test_only_the_append_path(what, pattern):
    others = [
        str(path.relative_to(APP))
        for path, text in _sources()
        if path != APPEND_PATH and pattern.search(text) and not _allowed(path, what)
    ]
    assert others == [], f"only app/services/cases.py {what}; also: {others}"


def _allowed(path: Path, what: str) -> bool:
    return path.name == "recompute.py" and what == "recomputes a case"  # where it is defined


def _events(ws, ref: str) -> int:
    with ws.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.ref == ref))
        return s.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case_id))


STALE_PATHS = {
    "record_event": lambda ws, ref, v: record_event(
        ws,
        ref,
        {
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": "p.natarajan",
            "summary": "Rang back",
        },
        expected_version=v,
    ),
    "log_contact": lambda ws, ref, v: log_contact(
        ws, ref, channel="phone", direction="out", summary="Rang back", expected_version=v
    ),
    "receive_complaint": lambda ws, ref, v: receive_complaint(
        ws, ref, summary="Nobody rang back", channel="phone", expected_version=v
    ),
    "report_asb": lambda ws, ref, v: asb.report_asb(
        ws, ref, incident_type="noise", summary="Music at night", expected_version=v
    ),
    "reassign_case": lambda ws, ref, v: reassign_case(ws, ref, "r.morgan", expected_version=v),
}


@pytest.mark.parametrize("path", sorted(STALE_PATHS))
def test_a_stale_version_is_refused_from_every_path(office, path):
    ws = office
    ref = "ASB-1"
    read = get_case(ws, ref).version
    resident_calls(ws, ref, "Rang again")  # someone else's entry since the form was opened
    before = _events(ws, ref)
    with pytest.raises(ConflictError, match="since you opened it"):
        STALE_PATHS[path](ws, ref, read)
    assert _events(ws, ref) == before
    assert get_case(ws, ref).version != read
