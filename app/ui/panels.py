"""Sections other parts of the app add to the case view (complaints, ASB, letters).

Each entry is (tab title, factory(ws, case_view) -> panel). A panel has
``load(case: CaseDetail)`` and ``sig_changed(str)`` (the case ref after it recorded something).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.services.workspace import Workspace

PanelFactory = Callable[[Workspace, QWidget], QWidget]


def case_panels() -> list[tuple[str, PanelFactory]]:
    from app.ui.complaints.panel import ComplaintPanel
    from app.ui.letters.panel import LettersPanel

    return [("&Complaints", ComplaintPanel), ("L&etters", LettersPanel)]
