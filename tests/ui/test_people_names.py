"""No login names on screen: the case view of demo cases shows people by name (issue 13 item 3)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel
from sqlalchemy import select

from app.demo.database import create_demo_database
from app.services.cases import get_case
from app.services.workspace import Actor, open_workspace
from app.store.models import Case, Officer
from app.ui.asb.panel import AsbPanel
from app.ui.case_view import CaseView
from app.ui.complaints.panel import ComplaintPanel
from app.ui.letters import LettersPanel
from tests.services.test_people import bare_logins


def shown_text(widget) -> str:
    """Every label and every cell (and its tooltip) in the widget tree."""
    out = [label.text() for label in widget.findChildren(QLabel)]
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                i = model.index(r, c)
                out += [
                    str(model.data(i, role) or "")
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
                ]
    return "\n".join(out)


def test_demo_case_views_show_names_never_logins(qtbot, tmp_path):
    path = create_demo_database(tmp_path / "demo.sqlite", n_cases=10)
    ws = open_workspace(path, actor=Actor("p.natarajan", "test-device"), create=False)
    try:
        with ws.db.read() as s:
            names = list(s.scalars(select(Officer.username)))
            refs = list(s.scalars(select(Case.ref).order_by(Case.ref)))
        for ref in refs:
            view = CaseView(ws, ref)
            qtbot.addWidget(view)
            case = get_case(ws, ref)
            panels = [view]
            for panel_type in (ComplaintPanel, AsbPanel, LettersPanel):  # the case's other tabs
                panel = panel_type(ws)
                qtbot.addWidget(panel)
                panel.load(case)
                panels.append(panel)
            text = "\n".join(shown_text(p) for p in panels)
            assert bare_logins(text, names) == set(), ref
        seed = CaseView(ws, "HX-0001")  # the seed case: many people, decisions, a closure
        qtbot.addWidget(seed)
        text = shown_text(seed)
        assert "Rachel Price (Housing officer)" in text and "Martin Fleming" in text
    finally:
        ws.close()
