"""The inbox filter bar: scope by role, kind, status, what is due, a quick filter and saved views."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.inbox import InboxQuery, at_risk_words
from app.services.saved_views import delete_view, list_views, save_view
from app.services.workspace import Workspace

SCOPE_LABELS = {
    "mine": "My cases",
    "team": "My team",
    "covering": "Covering",
    "all": "All officers",
}
KINDS = [
    ("", "All kinds"),
    ("asb", "ASB"),
    ("complaint", "Complaint"),
    ("general", "General"),
    ("repair", "Repair"),
    ("arrears", "Arrears"),
]
# Live cases first: a closed case that still owes something (an order, a reply) is its own
# section, reached from the "closed, still owing" button, never above every live case.
STATUSES = [("open", "Open"), ("closed", "Closed, still owing"), ("any", "Open or owing")]
DUES = [
    (None, "Any deadline"),
    ("today", "Due today"),
    ("at_risk", "At risk"),  # with the policy's threshold: see InboxFilters
    ("breached", "Breached"),
]


def _combo(name: str, items: list[tuple], parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    box.setAccessibleName(name)
    for value, label in items:
        box.addItem(label, value)
    return box


def owing_query(q: InboxQuery) -> InboxQuery | None:
    """The query for the closed cases still owing something beside the live cases ``q`` shows,
    or None when ``q`` is not of the live cases (the button is then hidden)."""
    return q.with_(status="closed", due=None, text="") if q.status == "open" else None


class InboxFilters(QWidget):
    sig_query_changed = Signal(object)  # InboxQuery

    def __init__(self, ws: Workspace, scopes: list[str], parent=None):
        super().__init__(parent)
        self.ws = ws
        # Two rows, so the bar fits a 1024-wide screen: what to show, then the text and views.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 4, 6, 4)
        rows.setSpacing(4)
        layout = QHBoxLayout()
        second = QHBoxLayout()
        rows.addLayout(layout)
        rows.addLayout(second)
        self.scope = _combo("Whose cases", [(s, SCOPE_LABELS[s]) for s in scopes], self)
        self.kind = _combo("Case kind", KINDS, self)
        self.status = _combo("Case status", STATUSES, self)
        dues = [
            (v, f"{label} ({at_risk_words(ws)})" if v == "at_risk" else label) for v, label in DUES
        ]
        self.due = _combo("Deadline filter", dues, self)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText("Filter by case or resident…")
        self.text.setAccessibleName("Quick filter")
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(220)
        self.views = QComboBox(self)
        self.views.setAccessibleName("Saved views")
        self.views.setMinimumWidth(150)
        self.save_btn = QPushButton("Save v&iew…", self)
        self.delete_btn = QPushButton("Delete view", self)
        for label, widget in (
            ("&Show:", self.scope),
            ("&Kind:", self.kind),
            ("St&atus:", self.status),
            ("&Due:", self.due),
        ):
            lab = QLabel(label, self)
            lab.setBuddy(widget)
            layout.addWidget(lab)
            layout.addWidget(widget)
        self.owing = QPushButton(self)  # "2 closed, still owing": that section, one key away
        self.owing.setAccessibleName("Closed cases that still owe something")
        self.owing.setFlat(True)
        self.owing.hide()
        self.owing.clicked.connect(
            lambda: self.status.setCurrentIndex(self.status.findData("closed"))
        )
        layout.addStretch(1)
        second.addWidget(self.text, 1)
        second.addWidget(self.owing)
        views_label = QLabel("Vie&ws:", self)
        views_label.setBuddy(self.views)
        second.addWidget(views_label)
        second.addWidget(self.views)
        second.addWidget(self.save_btn)
        second.addWidget(self.delete_btn)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._emit)
        for box in (self.scope, self.kind, self.status, self.due):
            box.currentIndexChanged.connect(self._emit)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.views.activated.connect(self._apply_view)
        self.save_btn.clicked.connect(self._save_view)
        self.delete_btn.clicked.connect(self._delete_view)
        self._sort = ("due", False)
        self._loading = False
        self.scope.setCurrentIndex(
            self.scope.findData("all") if scopes and scopes[-1] == "all" and len(scopes) == 4 else 0
        )  # managers start with everyone's cases
        self.reload_views()

    def set_scopes(self, scopes: list[str]) -> None:
        """Offer the scopes the (new) user's role allows, and their saved views."""
        self.scope.blockSignals(True)
        self.scope.clear()
        for s in scopes:
            self.scope.addItem(SCOPE_LABELS[s], s)
        self.scope.blockSignals(False)
        self.reload_views()

    def query(self) -> InboxQuery:
        kind = self.kind.currentData()
        return InboxQuery(
            scope=self.scope.currentData(),
            kinds=(kind,) if kind else (),
            status=self.status.currentData(),
            due=self.due.currentData(),
            text=self.text.text(),
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def set_sort(self, key: str, descending: bool) -> None:
        self._sort = (key, descending)

    def set_query(self, q: InboxQuery) -> None:
        self._loading = True
        try:
            for box, value in (
                (self.scope, q.scope),
                (self.kind, q.kinds[0] if q.kinds else ""),
                (self.status, q.status),
                (self.due, q.due),
            ):
                i = box.findData(value)
                if i >= 0:
                    box.setCurrentIndex(i)
            self.text.setText(q.text)
            self._sort = (q.sort, q.descending)
        finally:
            self._loading = False
        self._emit()

    def _emit(self) -> None:
        if not self._loading:
            q = self.query()
            if owing_query(q) is None:
                self.show_owing(None)
            self.sig_query_changed.emit(q)

    def show_owing(self, n: int | None) -> None:
        """Beside the live cases, how many closed ones still owe something (a button to them);
        ``n`` counted off the UI thread with the inbox's counts (None: not asked, hidden)."""
        n = n or 0
        self.owing.setText(f"{n} closed, still owing")
        self.owing.setToolTip(
            "Closed cases with a promise still open (an Ombudsman order, a reply): show them"
        )
        self.owing.setVisible(n > 0)

    # -- saved views ---------------------------------------------------------------
    def reload_views(self) -> None:
        self.views.clear()
        self.views.addItem("—", None)
        try:
            for name, q in list_views(self.ws):
                self.views.addItem(name, q)
        except DoorstepError as exc:
            self.views.setToolTip(str(exc))

    def _apply_view(self, index: int) -> None:
        q = self.views.itemData(index)
        if isinstance(q, InboxQuery):
            if self.scope.findData(q.scope) < 0:
                q = q.with_(scope=self.scope.currentData())
            self.set_query(q)

    def _save_view(self) -> None:
        name, ok = QInputDialog.getText(self, "Save view", "Name for this view:")
        if not ok or not name.strip():
            return
        try:
            save_view(self.ws, name, self.query())
        except DoorstepError as exc:
            QMessageBox.warning(self, "Save view", str(exc))
            return
        self.reload_views()
        self.views.setCurrentIndex(self.views.findText(name.strip()))

    def _delete_view(self) -> None:
        name = self.views.currentText()
        if self.views.currentData() is None:
            return
        delete_view(self.ws, name)
        self.reload_views()

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
