"""Sections other parts of the app add to the case view (complaints, ASB, letters).

Each entry is (tab title, factory(ws, case_view) -> panel, applies(case)). A panel has
``load(case: CaseDetail)`` and ``sig_changed(str)`` (the case ref after it recorded something).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.services.views import CaseDetail
from app.services.workspace import Workspace

PanelFactory = Callable[[Workspace, QWidget], QWidget]
Applies = Callable[[CaseDetail], bool]


def _always(_case: CaseDetail) -> bool:
    return True


def _asb(case: CaseDetail) -> bool:
    return case.kind == "asb" or any(e.type == "asb_report" for e in case.events)


def case_panels() -> list[tuple[str, PanelFactory, Applies]]:
    """(tab title, factory, whether it applies to the case). Complaints can arise on any case."""
    from app.ui.asb.panel import AsbPanel
    from app.ui.complaints.panel import ComplaintPanel
    from app.ui.letters.panel import LettersPanel
    from app.ui.safety.panel import SafetyPanel

    return [
        ("&Complaints", ComplaintPanel, _always),
        ("AS&B", AsbPanel, _asb),
        ("L&etters", LettersPanel, _always),
        ("Ha&zards and decisions", SafetyPanel, _always),
    ]
