"""Visit mode: the draft is kept on the laptop until the visit is safely stored."""

from __future__ import annotations

import json

import pytest

from app.errors import NotFound, StorageError, ValidationError
from app.services import visits
from app.services.cases import get_case
from app.services.visits import (
    VisitDraft,
    database_id,
    new_draft,
    pending_drafts,
    save_draft,
    save_visit,
)
from app.services.workspace import Actor, open_workspace


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


def _count(ws, ref: str, etype: str) -> int:
    return sum(1 for e in get_case(ws, ref).events if e.type == etype)


def _raised_draft(ws) -> VisitDraft:
    draft = new_draft(ws, "ASB-1")
    draft.started_at = "2025-06-24T08:30:00+00:00"
    draft.notes = "Resident unhappy nobody came.\nWants a call."
    draft.dissatisfaction = draft.callback_requested = True
    return draft


def test_a_save_that_fails_half_way_records_nothing_and_a_retry_records_it_once(
    office, monkeypatch
):
    draft = _raised_draft(office)
    save_draft(draft)
    real = visits.append_events

    def second_write_fails(s, ws, case, events, *args, **kw):
        real(s, ws, case, events[:1])  # the visit is written, then what was raised fails
        raise StorageError("The disk reported an error, so nothing was saved.")

    monkeypatch.setattr(visits, "append_events", second_write_fails)
    with pytest.raises(StorageError):
        save_visit(office, draft)
    assert _count(office, "ASB-1", "home_visit") == 0
    assert [d.id for _p, d in pending_drafts()] == [draft.id]
    monkeypatch.setattr(visits, "append_events", real)
    [(_p, kept)] = pending_drafts()
    save_visit(office, kept)
    assert _count(office, "ASB-1", "home_visit") == 1
    assert {e.id for e in get_case(office, "ASB-1").events} >= {
        draft.visit_event_id,
        draft.raised_event_id,
    }


def test_a_draft_that_outlived_its_save_is_not_recorded_twice(office, monkeypatch):
    draft = _raised_draft(office)
    contacts = _count(office, "ASB-1", "contact")
    real = visits.discard_draft

    def cannot_remove(_draft):
        raise OSError("the laptop lost power")

    monkeypatch.setattr(visits, "discard_draft", cannot_remove)
    with pytest.raises(OSError):
        save_visit(office, draft)  # stored, but the draft is still on disk
    monkeypatch.setattr(visits, "discard_draft", real)
    [(_p, kept)] = pending_drafts()
    version = get_case(office, "ASB-1").version
    assert save_visit(office, kept) == draft.visit_event_id
    case = get_case(office, "ASB-1")
    assert _count(office, "ASB-1", "home_visit") == 1
    assert _count(office, "ASB-1", "contact") == contacts + 1
    assert case.version == version and pending_drafts() == []


def test_a_draft_kept_before_drafts_had_ids_has_one_id_on_every_read(office):
    draft = VisitDraft(ref="ASB-1", started_at="2025-06-24T08:30:00+00:00", notes="Notes")
    path = save_draft(draft)
    body = json.loads(path.read_text())
    del body["id"], body["database"]
    path.write_text(json.dumps(body))
    [(_p, first)] = pending_drafts()
    [(_p, again)] = pending_drafts(database=database_id(office))
    assert first.id == again.id and first.id != draft.id
    save_visit(office, first)
    save_visit(office, again)
    assert _count(office, "ASB-1", "home_visit") == 1


def test_a_draft_belongs_to_the_database_it_was_started_on(office, tmp_path):
    other = open_workspace(tmp_path / "other.sqlite", actor=Actor("p.natarajan", "laptop"))
    try:
        assert database_id(other) != database_id(office)
        draft = new_draft(office, "ASB-1")
        draft.notes = "Started on the first database"
        save_draft(draft)
        assert pending_drafts(database=database_id(other)) == []
        assert [d.id for _p, d in pending_drafts(database=database_id(office))] == [draft.id]
        with pytest.raises(ValidationError, match="started on another database"):
            save_visit(other, draft)
        assert [d.id for _p, d in pending_drafts()] == [draft.id]
    finally:
        other.close()
