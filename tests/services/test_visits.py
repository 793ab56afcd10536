"""Visit mode: the draft is kept on the laptop until the visit is safely stored."""

from __future__ import annotations

import pytest

from app.errors import NotFound, ValidationError
from app.services.cases import get_case
from app.services.visits import VisitDraft, pending_drafts, save_draft, save_visit


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))


def test_saving_a_visit_records_it_and_removes_the_draft(office):
    draft = VisitDraft(
        ref="ASB-1",
        started_at="2025-06-24T08:30:00+00:00",
        notes="Checked the door locks.\nOK.",
        callback_requested=True,
    )
    save_draft(draft)
    assert [d.ref for _p, d in pending_drafts()] == ["ASB-1"]
    save_visit(office, draft)
    case = get_case(office, "ASB-1")
    visit = next(e for e in case.events if e.type == "home_visit")
    assert visit.fields["offline"] is True and visit.fields["notes"].startswith(
        "Checked the door locks"
    )
    assert visit.summary == "Checked the door locks."
    assert any(d.kind == "callback" and d.status == "open" for d in case.deadlines)
    assert pending_drafts() == []


def test_a_visit_that_cannot_be_saved_keeps_its_draft(office):
    draft = VisitDraft(ref="NO-SUCH-CASE", started_at="2025-06-24T08:30:00+00:00", notes="Notes")
    with pytest.raises(NotFound):
        save_visit(office, draft)
    assert [d.notes for _p, d in pending_drafts()] == ["Notes"]
    with pytest.raises(ValidationError):
        save_visit(
            office, VisitDraft(ref="ASB-1", started_at="2025-06-24T08:30:00+00:00", notes=" ")
        )
