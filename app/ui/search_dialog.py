"""Search everything (Ctrl+F from anywhere): case references, resident names and history entries.

The search runs off the UI thread (a very common word can take a second on a big database);
the dialog says how many matches there are and pages through them, 50 at a time. Opening an
entry's hit opens its case with that entry selected and highlighted in the history."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
)

from app.services.search import SearchHit, SearchPage, search_page
from app.services.workspace import Workspace
from app.ui.background import Job
from app.ui.fit import fit_window
from app.ui.formats import day_time
from app.ui.records_model import Column, RecordsModel


def found_in(hit: SearchHit) -> str:
    """Which part of the case matched: the case record, or the entry by its date and kind."""
    if hit.where == "case":
        return "case record"
    kind = (hit.entry_type or "entry").replace("_", " ")
    return f"{day_time(hit.entry_at)} · {kind}" if hit.entry_at else kind


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
                Column("Found in", found_in),
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
        for col, width in enumerate((130, 170, 210)):
            self.results.setColumnWidth(col, width)
        self.status = QLabel(self)
        self.status.setAccessibleName("Search status")
        self.page = 0
        self.job: Job | None = None
        self.pending = False  # the query or page changed while a search was running
        self.last: SearchPage | None = None
        self.previous = QPushButton("&Previous 50", self)
        self.previous.setAccessibleName("Previous page of results")
        self.previous.clicked.connect(lambda: self.go(self.page - 1))
        self.next = QPushButton("&Next 50", self)
        self.next.setAccessibleName("Next page of results")
        self.next.clicked.connect(lambda: self.go(self.page + 1))
        self.previous.setEnabled(False)
        self.next.setEnabled(False)
        layout = QVBoxLayout(self)
        label = QLabel("&Find:", self)
        label.setBuddy(self.query)
        layout.addWidget(label)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.previous)
        row.addWidget(self.next)
        layout.addLayout(row)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.run)
        self.query.textChanged.connect(self._changed)
        self.query.returnPressed.connect(self._enter)
        self.results.activated.connect(self._open)

    def _changed(self, _text: str) -> None:
        self.page = 0
        self._debounce.start()

    def go(self, page: int) -> None:
        self.page = max(page, 0)
        self.run()

    @property
    def searching(self) -> bool:
        return self.job is not None

    def run(self) -> None:
        """Search off the UI thread; a newer query waits for the running one, then runs."""
        if self.job is not None:
            self.pending = True
            return
        query, page = self.query.text(), self.page
        self.status.setText("Searching…" if query.strip() else "")
        self.job = Job(lambda _progress: search_page(self.ws, query, page), self)
        self.job.sig_done.connect(self._show)
        self.job.sig_failed.connect(self._failed)
        self.job.start()

    def _finished(self) -> bool:
        """The job has ended; True when a newer search must run instead of showing this one."""
        self.job = None
        if self.pending:
            self.pending = False
            self.run()
            return True
        return False

    def _failed(self, message: str) -> None:
        if not self._finished():
            self.status.setText(message)

    def _show(self, result: SearchPage) -> None:
        if self._finished():
            return
        self.last = result
        self.model.set_rows(result.hits)
        self.status.setText(result.summary() if self.query.text().strip() else "")
        self.previous.setEnabled(result.offset > 0)
        self.next.setEnabled(result.has_more)
        if result.hits:
            self.results.selectRow(0)

    def _enter(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.run()
        if self.job is not None:  # show the results when they come, then go to them
            self.job.sig_done.connect(lambda _r: self._focus_results())
            return
        self._focus_results()

    def _focus_results(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()

    def done(self, result: int) -> None:
        if self.job is not None:  # let a search under way finish before the dialog goes
            self.job.thread_.wait(5000)
        super().done(result)

    def _open(self, index: QModelIndex) -> None:
        hit = self.model.row(index.row())
        self.sig_open_case.emit(hit.ref, hit.event_id)
        self.accept()
