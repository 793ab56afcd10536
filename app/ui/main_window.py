"""The main window: the case inbox."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHeaderView, QLabel, QMainWindow, QTableView

from app.errors import DoorstepError
from app.services.inbox import list_inbox
from app.services.workspace import Workspace
from app.ui.inbox_model import InboxModel


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        demo = " — DEMO" if ws.is_demo else ""
        self.setWindowTitle(f"Doorstep{demo} — {ws.db.label}")
        self.resize(1280, 760)

        self.model = InboxModel(self._fetch, self)
        self.table = QTableView(self)
        self.table.setObjectName("inbox")
        self.table.setAccessibleName("Case inbox")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((130, 190, 90, 70, 330, 120, 130, 150)):
            self.table.setColumnWidth(col, width)
        self.setCentralWidget(self.table)

        self.status = QLabel(self)
        self.status.setAccessibleName("Inbox status")
        self.statusBar().addWidget(self.status)
        if ws.is_demo:
            banner = QLabel("DEMO DATABASE — invented cases", self)
            banner.setStyleSheet("font-weight: bold; color: #b45309;")
            self.statusBar().addPermanentWidget(banner)

        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        self.addAction(refresh)
        self.menuBar().addMenu("&View").addAction(refresh)
        self.refresh()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fetch(self, offset: int, limit: int):
        try:
            return list_inbox(self.ws, limit=limit, offset=offset)
        except DoorstepError as exc:
            self.statusBar().showMessage(str(exc))
            return []

    def refresh(self) -> None:
        self.model.reload()
        n = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.status.setText(f"{n}{more} case{'' if n == 1 and not more else 's'} in the inbox, soonest deadline first")
