"""One case: who, what is owed and when, and everything that has happened, newest first."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.attachments import (
    AttachmentView,
    add_attachment,
    attachment_file,
    list_attachments,
)
from app.services.cases import get_case
from app.services.contacts import record_complaint_offer
from app.services.people import display_name, name_and_title
from app.services.views import CaseDetail, DeadlineView, PartnerView, RepairView
from app.services.workspace import Workspace
from app.ui.background import run_with_progress
from app.ui.contact_dialog import ComplaintOfferDialog, ContactDialog
from app.ui.countdown import countdown_colour, countdown_icon, countdown_text
from app.ui.fit import remember_splitter
from app.ui.formats import day
from app.ui.inbox_model import KIND_NAMES
from app.ui.records_model import Column, RecordsModel
from app.ui.safety.dialogs import ReportHazardDialog, RequestDialog
from app.ui.small_dialogs import ReassignDialog
from app.ui.timeline import GROUPS, TimelineFilter, TimelineModel

SUMMARY_COLUMN = 3  # the case history's Summary column takes the spare width
VULN_STYLE = "background:#fff4e5; border:1px solid #b45309; border-radius:4px; padding:6px;"


def _deadline_state(d: DeadlineView) -> str:
    if d.status == "open":
        return countdown_text(d.wd_left)
    if d.status == "on_hold":
        return "on hold"
    if d.status == "met":
        return f"done {day(d.met_on)}" + (" (late)" if d.breached else "")
    return "closed" + (" (missed)" if d.breached else "")


def _deadline_icon(d: DeadlineView):
    """The countdown's shape while open; a missed or late one keeps the overdue mark."""
    if d.status == "open":
        return countdown_icon(d.urgency)
    return countdown_icon("overdue") if d.breached else None


def _deadline_colour(d: DeadlineView):
    if d.status == "open":
        return countdown_colour(d.urgency)
    return countdown_colour("overdue") if d.breached else None


class OpenOnly(QSortFilterProxyModel):
    """Open and on-hold deadlines, unless the officer asks to see the done and missed ones too."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_all = False

    def set_show_all(self, on: bool) -> None:
        self.show_all = on
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        return self.show_all or self.sourceModel().row(source_row).status in ("open", "on_hold")


def _table(name: str, model, parent) -> QTableView:
    view = QTableView(parent)
    view.setAccessibleName(name)
    view.setModel(model)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def _box(title: str, widget: QWidget, parent) -> QGroupBox:
    box = QGroupBox(title, parent)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(4, 4, 4, 4)
    lay.addWidget(widget)
    return box


class CaseView(QWidget):
    sig_case_changed = Signal(str)  # the case was written to: refresh whatever shows it

    def __init__(self, ws: Workspace, ref: str, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.ref = ref
        self.case: CaseDetail | None = None
        self.panels: list[QWidget] = []
        self.setAccessibleName(f"Case {ref}")

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setAccessibleName("Case summary")
        self.contact = QLabel(self)
        self.contact.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contact.setAccessibleName("Resident contact details")
        self.vulns = QLabel(self)
        self.vulns.setWordWrap(True)
        self.vulns.setAccessibleName("Household vulnerabilities")

        buttons = QHBoxLayout()
        self.log_btn = QPushButton("Lo&g contact", self)
        self.log_btn.setToolTip("Log a call, email, letter or visit (Ctrl+L)")
        self.correct_btn = QPushButton("Co&rrect entry…", self)
        self.attach_btn = QPushButton("Attach f&ile…", self)
        self.reassign_btn = QPushButton("Rea&ssign…", self)
        self.visit_btn = QPushButton("Visit &mode…", self)
        for b in (
            self.log_btn,
            self.correct_btn,
            self.attach_btn,
            self.reassign_btn,
            self.visit_btn,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.deadlines = RecordsModel[DeadlineView](
            [
                Column("Owed", lambda d: d.label, tooltip=lambda d: f"{d.detail} ({d.policy})"),
                Column("Due", lambda d: day(d.due)),
                Column(
                    "Countdown",
                    _deadline_state,
                    decoration=_deadline_icon,
                    foreground=_deadline_colour,
                ),
            ],
            self,
        )
        self.repairs = RecordsModel[RepairView](
            [
                Column("Repair", lambda r: r.job),
                Column("Priority", lambda r: r.priority),
                Column("Target", lambda r: day(r.target)),
                Column(
                    "State",
                    lambda r: f"done {day(r.done_on)}" if r.done_on else countdown_text(r.wd_left),
                ),
            ],
            self,
        )
        self.partners = RecordsModel[PartnerView](
            [
                Column("Agency", lambda p: p.agency),
                Column("Asked", lambda p: day(p.asked_on)),
                Column(
                    "Answer",
                    lambda p: (
                        f"answered {day(p.answered_on)}"
                        if p.answered_on
                        else (
                            f"chased {day(p.chased_on)}"
                            if p.chased_on
                            else (f"chase by {day(p.chase_due)}" if p.chase_due else "—")
                        )
                    ),
                ),
                Column("Asked for", lambda p: p.ask),
            ],
            self,
        )
        self.attachments = RecordsModel[AttachmentView](
            [
                Column("File", lambda a: a.filename),
                Column("Size", lambda a: f"{a.size / 1024:,.0f} KB"),
                Column("Entry", lambda a: a.event_id or "case"),
            ],
            self,
        )
        self.deadlines_filter = OpenOnly(self)
        self.deadlines_filter.setSourceModel(self.deadlines)
        self.deadlines_view = _table("Deadlines", self.deadlines_filter, self)
        dh = self.deadlines_view.horizontalHeader()
        dh.setStretchLastSection(False)
        dh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.show_all_deadlines = QCheckBox("Show &done and missed", self)
        self.show_all_deadlines.toggled.connect(self.deadlines_filter.set_show_all)
        self.repairs_view = _table("Repairs", self.repairs, self)
        self.partners_view = _table("Partner agencies", self.partners, self)
        self.attachments_view = _table("Attachments", self.attachments, self)
        self.attachments_view.doubleClicked.connect(lambda _i: self.open_attachment())

        # The deadlines take the room; repairs, partners and attachments show only when the
        # case has some (one line says which have none), and the column scrolls on a small
        # screen or with a large font rather than pushing the window off it.
        left = QWidget(self)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        deadlines_box = _box("Deadlines", self.deadlines_view, left)
        deadlines_box.layout().insertWidget(0, self.show_all_deadlines)
        self.deadlines_view.setMinimumHeight(120)
        left_lay.addWidget(deadlines_box, 4)
        self.side_boxes = {
            "repairs": _box("Repairs", self.repairs_view, left),
            "partner agencies": _box("Partner agencies", self.partners_view, left),
            "attachments": _box("Attachments", self.attachments_view, left),
        }
        for box in self.side_boxes.values():
            left_lay.addWidget(box, 1)
        self.none_recorded = QLabel(left)
        self.none_recorded.setWordWrap(True)
        self.none_recorded.setAccessibleName("Lists with nothing recorded")
        left_lay.addWidget(self.none_recorded)
        left_scroll = QScrollArea(self)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setWidget(left)
        left_scroll.setMinimumWidth(280)

        self.timeline = TimelineModel(self, names=lambda u: display_name(ws, u))
        self.timeline_filter = TimelineFilter(self)
        self.timeline_filter.setSourceModel(self.timeline)
        self.timeline_view = _table("Case history", self.timeline_filter, self)
        th = self.timeline_view.horizontalHeader()
        th.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        th.setStretchLastSection(False)
        for col, width in enumerate((150, 150, 90, 420, 150, 70)):
            self.timeline_view.setColumnWidth(col, width)
        th.setSectionResizeMode(SUMMARY_COLUMN, QHeaderView.ResizeMode.Stretch)  # the spare width
        self.group = QComboBox(self)
        self.group.setAccessibleName("Show entries")
        self.group.addItem("All entries", None)
        for name in GROUPS:
            self.group.addItem(name, name)
        self.group.currentIndexChanged.connect(
            lambda _i: self.timeline_filter.set_group(self.group.currentData())
        )
        right = QWidget(self)
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        show = QHBoxLayout()
        show_label = QLabel("Sh&ow:", right)
        show_label.setBuddy(self.group)
        show.addWidget(show_label)
        show.addWidget(self.group)
        show.addStretch(1)
        right_lay.addLayout(show)
        right_lay.addWidget(self.timeline_view)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left_scroll)
        split.addWidget(right)
        split.setSizes([460, 820])
        split.setChildrenCollapsible(False)
        remember_splitter(split, "case_history")
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Case sections")
        self.tabs.addTab(split, "Histor&y")

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.contact)
        layout.addWidget(self.vulns)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)

        self.log_btn.clicked.connect(self.log_contact)
        self.correct_btn.clicked.connect(self.correct_entry)
        self.attach_btn.clicked.connect(lambda: self.attach_file())  # not the checked flag
        self.reassign_btn.clicked.connect(self.reassign)
        self.visit_btn.clicked.connect(self.visit_mode)
        # Scoped to this case: with several case tabs open, a window-wide Ctrl+L would be ambiguous.
        QShortcut(
            QKeySequence("Ctrl+L"),
            self,
            activated=self.log_contact,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            whatsThis="Log a contact",  # Help › Keyboard shortcuts lists it by this
        )
        self.reload()

    # -- panels from other parts of the app (complaints, ASB, letters) ---------------
    def add_panel(self, title: str, panel: QWidget) -> None:
        self.panels.append(panel)
        # A panel scrolls rather than push the window past a small screen's edge.
        page = QScrollArea(self.tabs)
        page.setWidgetResizable(True)
        page.setFrameShape(QScrollArea.Shape.NoFrame)
        page.setWidget(panel)
        self.tabs.addTab(page, title)
        if hasattr(panel, "sig_changed"):
            panel.sig_changed.connect(lambda _ref: self.changed())
        if self.case is not None:
            panel.load(self.case)

    # -- loading ---------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.case = get_case(self.ws, self.ref)
            files = list_attachments(self.ws, self.ref)
        except DoorstepError as exc:
            self.title.setText(f"<b>{escape(self.ref)}</b>: {escape(str(exc))}")
            return
        c = self.case
        risk = f" · <b>{c.risk_tier.capitalize()} risk</b>" if c.risk_tier else ""
        self.title.setText(
            f"<span style='font-size:15pt; font-weight:bold'>{escape(c.resident_name)}</span>"
            f"&nbsp;&nbsp;{escape(c.ref)} · {KIND_NAMES.get(c.kind, c.kind)} · {c.status}{risk}"
            f" · officer {escape(name_and_title(self.ws, c.officer))} · policy {escape(c.policy)}"
        )
        parts = [p for p in (c.address, c.phone, c.email) if p]
        self.contact.setText("  ·  ".join(parts) if parts else "No contact details recorded")
        if c.vulnerabilities:
            self.vulns.setText(
                "⚠ <b>Household vulnerabilities:</b> " + escape("; ".join(c.vulnerabilities))
            )
            self.vulns.setStyleSheet(VULN_STYLE)
        else:
            self.vulns.setText("No household vulnerabilities recorded.")
            self.vulns.setStyleSheet("")
        self.deadlines.set_rows(c.deadlines)
        done = sum(1 for d in c.deadlines if d.status not in ("open", "on_hold"))
        missed = sum(1 for d in c.deadlines if d.breached and d.status != "open")
        self.show_all_deadlines.setText(f"Show &done and missed ({done}, {missed} missed)")
        self.repairs.set_rows(c.repairs)
        self.partners.set_rows(c.partners)
        self.attachments.set_rows(files)
        empty = []
        for name, rows in (
            ("repairs", c.repairs),
            ("partner agencies", c.partners),
            ("attachments", files),
        ):
            self.side_boxes[name].setVisible(bool(rows))
            if not rows:
                empty.append(name)
        self.none_recorded.setText(
            f"No {', '.join(empty[:-1])}{' or ' if len(empty) > 1 else ''}{empty[-1]} recorded."
            if empty
            else ""
        )
        self.none_recorded.setVisible(bool(empty))
        self.timeline.set_events(c.events, c.corrected)
        for panel in self.panels:
            panel.load(c)

    def changed(self) -> None:
        self.reload()
        self.sig_case_changed.emit(self.ref)

    # -- actions ---------------------------------------------------------------------
    def log_contact(self) -> None:
        if self.case is None:
            return
        dialog = ContactDialog(self.ws, self.case, parent=self)
        if dialog.exec() and dialog.result_contact is not None:
            self.changed()
            if dialog.result_contact.offer_complaint:
                self.offer_complaint(dialog.result_contact.id)
            if dialog.hazard.isChecked():
                self.follow_up(ReportHazardDialog(self.ws, self.ref, self), dialog)
            if dialog.request.isChecked():
                self.follow_up(RequestDialog(self.ws, self.ref, self), dialog)

    def follow_up(self, form, contact: ContactDialog) -> None:
        """A hazard or a request raised in a contact: its own form, starting from the contact's
        words, channel and time (its clock starts when we became aware)."""
        form.summary.setPlainText(contact.summary.toPlainText())
        channel = form.channel.findData(contact.channel.currentData())
        if channel >= 0:
            form.channel.setCurrentIndex(channel)
        form.at.setDateTime(contact.when.dateTime())
        if form.exec():
            self.changed()

    def offer_complaint(self, contact_id: str) -> None:
        definition = self.ws.registry.history(None).current.complaint_definition
        prompt = ComplaintOfferDialog(definition, self)
        prompt.exec()
        answer = prompt.answer()
        if answer is None:
            return
        try:
            record_complaint_offer(self.ws, self.ref, contact_id, answer)
        except DoorstepError as exc:
            QMessageBox.warning(self, "Offer a formal complaint", str(exc))
            return
        self.changed()

    def show_entry(self, entry_id: str) -> bool:
        """Go to an entry of the history (a search hit): every entry shown, the entry selected,
        scrolled to the middle and highlighted. False when the case has no such entry."""
        rows = [i for i, e in enumerate(self.timeline.rows) if e.id == entry_id]
        if not rows:
            return False
        self.tabs.setCurrentIndex(0)
        self.group.setCurrentIndex(0)  # "All entries": a filter must not hide it
        self.timeline.set_highlight(entry_id)
        index = self.timeline_filter.mapFromSource(self.timeline.index(rows[0], 0))
        self.timeline_view.setCurrentIndex(index)
        self.timeline_view.selectRow(index.row())
        self.timeline_view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.timeline_view.setFocus()
        return True

    def selected_entry(self):
        rows = self.timeline_view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.timeline.row(self.timeline_filter.mapToSource(rows[0]).row())

    def correct_entry(self) -> None:
        entry = self.selected_entry()
        if entry is None or entry.type != "contact":
            QMessageBox.information(
                self, "Correct an entry", "Select a contact in the history to correct it."
            )
            return
        dialog = ContactDialog(self.ws, self.case, corrects=entry, parent=self)
        if dialog.exec():
            self.changed()

    def attach_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self,
                "Attach a file",
                str(Path.home()),
                "Documents (*.pdf *.eml *.msg *.jpg *.jpeg *.png *.heic *.docx *.txt);;All files (*)",
            )
            if not path:
                return
        entry = self.selected_entry()
        event_id = entry.id if entry else None
        try:  # hashing a large file runs off the UI thread, with progress and Cancel
            done = run_with_progress(
                self,
                "Attach a file",
                f"Checking and storing {Path(path).name}…",
                lambda progress: add_attachment(
                    self.ws, self.ref, Path(path), event_id=event_id, progress=progress
                ),
            )
        except DoorstepError as exc:
            QMessageBox.warning(self, "Attach a file", str(exc))
            return
        if done is not None:
            self.changed()

    def open_attachment(self) -> None:
        rows = self.attachments_view.selectionModel().selectedRows()
        if not rows:
            return
        try:
            path = attachment_file(self.ws, self.attachments.row(rows[0].row()).id)
        except DoorstepError as exc:
            QMessageBox.warning(self, "Open attachment", str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def reassign(self) -> None:
        if self.case is None:
            return
        dialog = ReassignDialog(self.ws, self.case, self)
        if dialog.exec():
            self.changed()

    def visit_mode(self) -> None:
        from app.ui.visit_mode import VisitModeDialog

        dialog = VisitModeDialog(self.ws, self.ref, parent=self)
        dialog.exec()
        if dialog.saved:
            self.changed()
