"""The case history marks a late entry: when it was really recorded, and by whom."""

from __future__ import annotations

from app.ui.case_view import CaseView
from tests.services.test_late_entries import BACKDATED_ACK, merge


def test_the_case_view_history_marks_a_late_entry(qtbot, ws, seed001_doc):
    from app.services.bundles import import_bundle
    from app.store.models import Officer

    import_bundle(ws, seed001_doc)
    with ws.db.write() as s:
        s.add(Officer(username="tester", name="Tess Ter"))
    merge(ws, seed001_doc, BACKDATED_ACK)
    view = CaseView(ws, "HX-0001")
    qtbot.addWidget(view)
    model = view.timeline
    notes = model.columns.index(next(c for c in model.columns if c.title == "Notes"))
    ids = model.columns.index(next(c for c in model.columns if c.title == "Id"))
    marked = {
        model.data(model.index(r, ids)): model.data(model.index(r, notes))
        for r in range(model.rowCount())
        if "late entry" in (model.data(model.index(r, notes)) or "")
    }
    assert marked == {"k1a": "late entry, recorded Tue 24 Jun 2025 11:00 by Tess Ter"}
    entry = next(c for c in model.columns if c.title == "Entry")
    row = next(r for r in model.rows if r.id == "k1a")
    assert entry.text(row) == "Late entry: Complaint acknowledged"  # seen without scrolling
    assert entry.tooltip(row) == marked["k1a"]
    assert not any("Late" in entry.text(r) for r in model.rows if r.id != "k1a")
