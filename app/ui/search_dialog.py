"""Search everything (Ctrl+F from anywhere): case references, resident names and history entries."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
)

from app.errors import DoorstepError
from app.services.search import SearchHit, search
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.records_model import Column, RecordsModel


class HtmlDelegate(QStyledItemDelegate):
    """Shows the snippet with its matched words in bold."""

    def paint(self, painter, option, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setHtml(index.data(Qt.ItemDataRole.UserRole) or "")
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(
                QPalette.ColorRole.Text, opt.palette.color(QPalette.ColorRole.HighlightedText)
            )
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        base = super().sizeHint(option, index)
        return QSize(base.width(), max(base.height(), 24))


class HitsModel(RecordsModel[SearchHit]):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.UserRole and index.isValid() and index.column() == 3:
            return self.rows[index.row()].snippet_html()
        return super().data(index, role)


class SearchDialog(QDialog):
    sig_open_case = Signal(str, object)  # ref, entry id or None

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("Search")
        fit_window(self, 980, 560, "search")
        self.query = QLineEdit(self)
        self.query.setAccessibleName("Search for")
        self.query.setPlaceholderText("Case reference, resident name or words from the history")
        self.model = HitsModel(
            [
                Column("Case", lambda h: h.ref),
                Column("Resident", lambda h: h.resident),
                Column(
                    "Found in", lambda h: "case" if h.where == "case" else f"entry {h.event_id}"
                ),
                Column("Match", lambda h: h.snippet_text("", "")),
            ],
            self,
        )
        self.results = QTableView(self)
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegateForColumn(3, HtmlDelegate(self.results))
        self.results.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.results.verticalHeader().setVisible(False)
        self.results.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((130, 170, 110)):
            self.results.setColumnWidth(col, width)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        label = QLabel("&Find:", self)
        label.setBuddy(self.query)
        layout.addWidget(label)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.run)
        self.query.textChanged.connect(lambda _t: self._debounce.start())
        self.query.returnPressed.connect(self._enter)
        self.results.activated.connect(self._open)

    def run(self) -> None:
        try:
            hits = search(self.ws, self.query.text())
        except DoorstepError as exc:
            self.status.setText(str(exc))
            return
        self.model.set_rows(hits)
        self.status.setText(
            f"{len(hits)} match{'es' if len(hits) != 1 else ''}, best first"
            if self.query.text().strip()
            else ""
        )
        if hits:
            self.results.selectRow(0)

    def _enter(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.run()
        if self.model.rowCount():
            self.results.setFocus()

    def _open(self, index: QModelIndex) -> None:
        hit = self.model.row(index.row())
        self.sig_open_case.emit(hit.ref, hit.event_id)
        self.accept()
