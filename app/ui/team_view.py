"""The manager's team view (a main-window tab, Team menu): each officer's position with covers
and absences, the weekly trend of breaches and on-time rates, case review alerts, drilling down
to the cases and reassigning them; findings across all cases; the Ombudsman orders tracker; and
the annual self-assessment against the Complaint Handling Code.

Everything here calls the services (app/services/team.py, findings.py, complaints/orders.py,
self_assessment.py), which refuse anyone who may not see the team; long work (the whole-database
audit, exports) runs off the UI thread and can be cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.access import Do, may
from app.services.complaints.orders import OrderLine, open_orders
from app.services.findings import (
    FindingGroups,
    FindingLine,
    export_findings_csv,
    group_findings,
)
from app.services.inbox import InboxQuery, list_inbox
from app.services.officers import list_officers
from app.services.self_assessment import (
    STATUSES,
    SectionStatus,
    export_self_assessment,
    save_section,
    self_assessment,
)
from app.services.team import (
    Counts,
    OfficerLine,
    ReviewAlert,
    TeamOverview,
    WeekTrend,
    case_review_alerts,
    kinds_of,
    reassign_cases,
    team_overview,
)
from app.services.workspace import Workspace
from app.ui.background import Job
from app.ui.formats import day
from app.ui.inbox_model import InboxJumps, InboxModel
from app.ui.records_model import Column, RecordsModel, make_table

# Report names (resources/oversight/self_assessment.toml) -> what the link says.
REPORT_TITLES = {
    "team_view": "Team view",
    "findings": "Findings across all cases",
    "ombudsman_orders": "Ombudsman orders",
    "self_assessment": "Self-assessment",
    "approval_queue": "Letter approval queue",
    "weekly_complaints_pack": "Weekly complaints pack",
    "tsm_report": "Tenant Satisfaction Measures",
}
# Officer table columns that drill down: column -> (kind group or None, due filter or None).
DRILL = {
    2: (None, None),
    3: (None, "today"),
    4: (None, "at_risk"),
    5: (None, "breached"),
    6: ("complaint", None),
    7: ("asb", None),
    8: ("other", None),
}


class Cancelled(DoorstepError):
    """The person cancelled the long work."""


def _pair(c: Counts) -> str:
    return f"{c.open} ({c.breached} breached)" if c.breached else str(c.open)


def _situation(line: OfficerLine) -> str:
    parts = []
    if line.away:
        parts.append(line.away)
    if line.covering:
        parts.append("covering " + ", ".join(line.covering))
    return "; ".join(parts)


OFFICER_COLUMNS: list[Column[OfficerLine]] = [
    Column("Officer", lambda o: o.label, 160),
    Column("Team", lambda o: o.team or "—", 80),
    Column("In inbox", lambda o: str(o.total.open), 70),
    Column("Due today", lambda o: str(o.total.due_today), 75),
    Column("At risk", lambda o: str(o.total.at_risk), 60),
    Column("Breached", lambda o: str(o.total.breached), 70),
    Column("Complaints", lambda o: _pair(o.kind("complaint")), 110),
    Column("ASB", lambda o: _pair(o.kind("asb")), 110),
    Column("Other", lambda o: _pair(o.kind("other")), 110),
    Column("Away / covering", _situation, 200),
]
ALERT_COLUMNS: list[Column[ReviewAlert]] = [
    Column("Cases", lambda a: ", ".join(a.refs), 130),
    Column("Officers", lambda a: ", ".join(a.officers), 120),
    Column("Reports", lambda a: f"{a.reports} from {day(a.first)} to {day(a.last)}", 230),
    Column("Case review", lambda a: a.text),
]
ORDER_COLUMNS: list[Column[OrderLine]] = [
    Column("Case", lambda o: o.ref, 100),
    Column("Officer", lambda o: o.officer_name, 140),
    Column("Made", lambda o: day(o.made_on), 110),
    Column("Due", lambda o: day(o.due), 110),
    Column(
        "Countdown",
        lambda o: (
            "no due date"
            if o.wd_left is None
            else f"{-o.wd_left} WD overdue"
            if o.wd_left < 0
            else "due today"
            if o.wd_left == 0
            else f"{o.wd_left} WD left"
        ),
        110,
        foreground=lambda o: QColor("#b3261e") if o.overdue else None,
    ),
    Column("Evidence", lambda o: o.evidence, 260),
    Column("Order", lambda o: o.text, tooltip=lambda o: o.text),
]
FINDING_COLUMNS: list[Column[FindingLine]] = [
    Column("Case", lambda f: f.ref, 130),
    Column("Officer", lambda f: f.officer, 110),
    Column("Code", lambda f: f.code, 210),
    Column("Date", lambda f: day(f.date), 110),
    Column("Detail", lambda f: f.detail, tooltip=lambda f: f.detail),
]
GROUP_COLUMNS: list[Column[tuple]] = [
    Column("Group", lambda g: g[0], 260),
    Column("Findings", lambda g: str(g[1]), 80),
]


class TrendChart(QWidget):
    """Breaches per week (bars) and the on-time rate (line), drawn with QPainter; the same
    figures are in the tooltip and the accessible description, so nothing rests on colour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("team_trend")
        self.setAccessibleName("Weekly trend of breaches and on-time rates")
        self.setMinimumSize(QSize(320, 150))
        self.weeks: tuple[WeekTrend, ...] = ()

    def set_weeks(self, weeks: tuple[WeekTrend, ...]) -> None:
        self.weeks = weeks
        text = "; ".join(
            f"week of {w.week_start.day} {w.week_start:%b}: {w.breached} breached, "
            + (f"{w.on_time_rate:.0%} on time" if w.on_time_rate is not None else "none due")
            for w in weeks
        )
        self.setToolTip(text.replace("; ", "\n"))
        self.setAccessibleDescription(text)
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(36, 18, -36, -22)
        p.setPen(self.palette().text().color())
        p.drawText(QRectF(4, 0, self.width() - 8, 16), Qt.AlignmentFlag.AlignLeft, "Weekly trend")
        if not self.weeks:
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, "Loading…")
            return
        n = len(self.weeks)
        most = max(1, max(w.breached for w in self.weeks))
        slot = r.width() / n
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        p.setFont(small)
        p.drawLine(r.bottomLeft(), r.bottomRight())
        p.drawText(QRectF(0, r.top() - 4, 34, 14), Qt.AlignmentFlag.AlignRight, str(most))
        p.drawText(QRectF(r.right() + 2, r.top() - 4, 34, 14), Qt.AlignmentFlag.AlignLeft, "100%")
        points = []
        for i, w in enumerate(self.weeks):
            x = r.left() + i * slot
            h = r.height() * w.breached / most
            p.fillRect(QRectF(x + slot * 0.2, r.bottom() - h, slot * 0.6, h), QColor("#b3261e"))
            label = f"{w.week_start.day}/{w.week_start.month}"
            p.drawText(QRectF(x, r.bottom() + 2, slot, 16), Qt.AlignmentFlag.AlignCenter, label)
            if w.on_time_rate is not None:
                points.append(QPointF(x + slot / 2, r.bottom() - r.height() * w.on_time_rate))
        p.setPen(QPen(QColor("#1b6e3a"), 2))
        for a, b in zip(points, points[1:], strict=False):
            p.drawLine(a, b)
        for pt in points:
            p.drawEllipse(pt, 3, 3)
        p.setPen(self.palette().text().color())
        p.drawText(
            QRectF(0, 0, self.width() - 4, 16),
            Qt.AlignmentFlag.AlignRight,
            "bars: breached · line: % on time",
        )


def _table(model: RecordsModel, name: str, parent: QWidget) -> QTableView:
    view = make_table(model, name, parent)
    view.setSortingEnabled(False)
    return view


class OfficersPage(QWidget):
    """Officers' counts, the trend, case review alerts, and the cases of a chosen cell."""

    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.overview: TeamOverview | None = None
        self.query: InboxQuery | None = None
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Team summary")
        self.summary.setWordWrap(True)
        refresh = QPushButton("&Refresh", self)
        refresh.clicked.connect(self.reload)
        top.addWidget(self.summary, 1)
        top.addWidget(refresh)
        lay.addLayout(top)

        split = QSplitter(Qt.Orientation.Vertical, self)
        upper = QSplitter(Qt.Orientation.Horizontal, split)
        self.officers = RecordsModel(OFFICER_COLUMNS, self, titled=True)
        self.officer_table = _table(self.officers, "Team officers", upper)
        self.officer_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.officer_table.activated.connect(self._drill)
        self.officer_table.setToolTip(
            "Double-click or press Enter on a count to list those cases below"
        )
        side = QWidget(upper)
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        self.chart = TrendChart(side)
        side_lay.addWidget(self.chart, 1)
        side_lay.addWidget(QLabel("Case review alerts (community trigger):", side))
        self.alerts = RecordsModel(ALERT_COLUMNS, self, titled=True)
        self.alert_table = _table(self.alerts, "Case review alerts", side)
        self.alert_table.activated.connect(
            lambda i: self.sig_open_case.emit(self.alerts.row(i.row()).refs[0])
        )
        side_lay.addWidget(self.alert_table, 1)
        upper.addWidget(self.officer_table)
        upper.addWidget(side)
        upper.setSizes([860, 440])

        lower = QWidget(split)
        low = QVBoxLayout(lower)
        low.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.cases_label = QLabel("Choose a count above to list its cases.", lower)
        self.reassign_btn = QPushButton("Re&assign selected…", lower)
        self.reassign_btn.setEnabled(False)
        self.reassign_btn.clicked.connect(self.reassign_selected)
        self.reassign_btn.setVisible(may(ws, Do.REASSIGN_ANY))
        bar.addWidget(self.cases_label, 1)
        bar.addWidget(self.reassign_btn)
        low.addLayout(bar)
        self.cases = InboxModel(self._fetch, self)
        self.case_table = QTableView(lower)
        self.case_table.setObjectName("team_cases")
        self.case_table.setAccessibleName("Cases of the chosen count")
        self.case_table.setModel(self.cases)
        InboxJumps(self.case_table, self.cases)
        self.case_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.case_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.case_table.verticalHeader().setVisible(False)
        self.case_table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((110, 160, 100, 60, 260, 110, 110)):
            self.case_table.setColumnWidth(col, width)
        self.case_table.activated.connect(
            lambda i: self.sig_open_case.emit(self.cases.row(i.row()).ref)
        )
        self.case_table.selectionModel().selectionChanged.connect(
            lambda *_: self.reassign_btn.setEnabled(bool(self.selected_refs()))
        )
        low.addWidget(self.case_table, 1)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([380, 260])
        lay.addWidget(split, 1)
        self._jobs: list[Job] = []

    # -- loading ---------------------------------------------------------------------
    def reload(self) -> None:
        """The counts now (fast: a few aggregate queries); the alerts off the UI thread."""
        try:
            self.overview = team_overview(self.ws)
        except DoorstepError as exc:
            self.summary.setText(str(exc))
            return
        o = self.overview
        t = o.totals
        self.summary.setText(
            f"{len(o.officers)} people · {t.open} cases in the inboxes · {t.due_today} due today"
            f" · {t.at_risk} at risk ({o.at_risk_words}) · {t.breached} breached — as of {day(o.as_of)}"
        )
        self.officers.set_rows(o.officers)
        self.chart.set_weeks(o.trend)
        job = Job(lambda _p: case_review_alerts(self.ws), self)
        job.sig_done.connect(self.alerts.set_rows)
        job.sig_failed.connect(lambda m: self.summary.setText(m))
        self._jobs = [j for j in self._jobs if j.running] + [job]
        job.start()
        if self.query is not None:
            self.cases.reload()

    def _fetch(self, query: InboxQuery, after: tuple | None, limit: int, from_end: bool = False):
        if self.query is None:
            return []
        try:
            return list_inbox(self.ws, query, limit=limit, after=after, from_end=from_end)
        except DoorstepError as exc:
            self.cases_label.setText(str(exc))
            return []

    def _drill(self, index: QModelIndex) -> None:
        line = self.officers.row(index.row())
        group, due = DRILL.get(index.column(), (None, None))
        self.show_cases(line, group, due)

    def show_cases(self, line: OfficerLine, group: str | None, due: str | None) -> None:
        self.query = InboxQuery(
            officer=line.username, kinds=kinds_of(group) if group else (), due=due
        )
        what = {"today": "due today", "at_risk": "at risk", "breached": "breached"}.get(due or "")
        kind = {"complaint": "complaint", "asb": "ASB", "other": "other"}.get(group or "")
        words = " ".join(w for w in (kind, "cases", what) if w)
        self.cases_label.setText(f"{line.label}: {words}")
        self.cases.set_query(self.query)

    def selected_refs(self) -> list[str]:
        rows = sorted({i.row() for i in self.case_table.selectionModel().selectedRows()})
        return [self.cases.row(r).ref for r in rows]

    def reassign_selected(self) -> None:
        refs = self.selected_refs()
        if not refs:
            return
        people = [o for o in list_officers(self.ws) if o.role in ("officer", "manager")]
        names = [f"{o.name or o.username} ({o.username})" for o in people]
        choice, ok = QInputDialog.getItem(
            self, "Reassign", f"Hand {len(refs)} case(s) to:", names, 0, False
        )
        if not ok:
            return
        reason, ok = QInputDialog.getText(self, "Reassign", "Reason (optional):")
        if not ok:
            return
        self.reassign(refs, people[names.index(choice)].username, reason)

    def reassign(self, refs: list[str], to_officer: str, reason: str = "") -> bool:
        try:
            done = reassign_cases(self.ws, refs, to_officer, reason)
        except DoorstepError as exc:
            QMessageBox.information(self, "Reassign", str(exc))
            return False
        self.cases_label.setText(
            f"Handed {len(done.moved)} case(s) to {to_officer}: {', '.join(done.moved)}"
        )
        self.reload()
        return True


class FindingsPage(QWidget):
    """The whole-database audit grouped by code, officer or month; each finding opens its case."""

    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.groups: FindingGroups | None = None
        self.job: Job | None = None
        self._cancel = False
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.run_btn = QPushButton("&Run the audit across all cases", self)
        self.run_btn.clicked.connect(self.run)
        self.cancel_btn = QPushButton("&Cancel", self)
        self.cancel_btn.setEnabled(False)
        self.cancel_btn.clicked.connect(self.cancel)
        self.export_btn = QPushButton("&Export CSV…", self)
        self.export_btn.clicked.connect(self.export_csv)
        self.group_by = QComboBox(self)
        self.group_by.setAccessibleName("Group findings by")
        self.group_by.addItems(["By code", "By officer", "By month", "By code, officer and month"])
        self.group_by.currentIndexChanged.connect(lambda _i: self._show_groups())
        bar.addWidget(self.run_btn)
        bar.addWidget(self.cancel_btn)
        bar.addWidget(self.group_by)
        bar.addStretch(1)
        bar.addWidget(self.export_btn)
        lay.addLayout(bar)
        self.status = QLabel("Run the audit to see findings across all cases.", self)
        self.status.setAccessibleName("Findings status")
        lay.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.group_model = RecordsModel(GROUP_COLUMNS, self, titled=True)
        self.group_table = _table(self.group_model, "Finding groups", split)
        self.group_table.activated.connect(self._filter)
        self.lines = RecordsModel(FINDING_COLUMNS, self, titled=True, tooltip_over=60)
        self.line_table = _table(self.lines, "Findings", split)
        self.line_table.activated.connect(
            lambda i: self.sig_open_case.emit(self.lines.row(i.row()).ref)
        )
        split.addWidget(self.group_table)
        split.addWidget(self.line_table)
        split.setSizes([380, 900])
        lay.addWidget(split, 1)

    def _progress(self, done: int) -> None:
        if self._cancel:
            raise Cancelled("Cancelled; nothing was saved.")

    def run(self) -> None:
        self._cancel = False
        self.run_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.status.setText("Auditing every case…")
        self.job = Job(lambda _p: group_findings(self.ws, progress=self._progress), self)
        self.job.sig_done.connect(self._loaded)
        self.job.sig_failed.connect(self._failed)
        self.job.start()

    def cancel(self) -> None:
        self._cancel = True

    def _failed(self, message: str) -> None:
        self.run_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        self.status.setText(message)

    def _loaded(self, groups: FindingGroups) -> None:
        self.run_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        self.groups = groups
        self.status.setText(
            f"{groups.total} findings in {groups.cases} cases as of {day(groups.as_of)}. "
            "Choose a group to list its findings; open a finding to open its case."
        )
        self._show_groups()
        self.lines.set_rows(groups.lines)

    def _show_groups(self) -> None:
        g = self.groups
        if g is None:
            return
        which = self.group_by.currentIndex()
        if which == 0:
            rows = list(g.by_code)
        elif which == 1:
            rows = list(g.by_officer)
        elif which == 2:
            rows = list(g.by_month)
        else:
            rows = [(f"{c} · {o} · {m}", n) for c, o, m, n in g.by_code_officer_month]
        self.group_model.set_rows(rows)

    def _filter(self, index: QModelIndex) -> None:
        if self.groups is None:
            return
        key = self.group_model.row(index.row())[0]
        which = self.group_by.currentIndex()

        def match(f: FindingLine) -> bool:
            if which == 0:
                return f.code == key
            if which == 1:
                return f.officer == key
            if which == 2:
                return f.month == key
            return f"{f.code} · {f.officer} · {f.month}" == key

        self.lines.set_rows([f for f in self.groups.lines if match(f)])

    def export_csv(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Export findings", f"findings-{dt.date.today()}.csv", "CSV (*.csv)"
            )
            if not name:
                return
            path = Path(name)
        self._cancel = False
        self.export_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.status.setText(f"Writing {path.name}…")
        self.job = Job(lambda _p: export_findings_csv(self.ws, path, progress=self._progress), self)
        self.job.sig_done.connect(self._exported)
        self.job.sig_failed.connect(self._export_failed)
        self.job.start()

    def _exported(self, result) -> None:
        self.export_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        self.status.setText(
            f"Wrote {result.path.name}: {result.findings} findings in {result.cases} of "
            f"{result.audited} cases."
        )

    def _export_failed(self, message: str) -> None:
        self.export_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        self.status.setText(message)


class OrdersPage(QWidget):
    """Every Ombudsman order not yet evidenced, soonest due first; each opens its case."""

    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        lay = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setAccessibleName("Orders status")
        lay.addWidget(self.status)
        self.model = RecordsModel(ORDER_COLUMNS, self, titled=True, tooltip_over=60)
        self.table = _table(self.model, "Ombudsman orders", self)
        self.table.activated.connect(lambda i: self.sig_open_case.emit(self.model.row(i.row()).ref))
        lay.addWidget(self.table, 1)

    def reload(self) -> None:
        try:
            rows = open_orders(self.ws)
        except DoorstepError as exc:
            self.status.setText(str(exc))
            return
        overdue = sum(1 for o in rows if o.overdue)
        self.status.setText(
            f"{len(rows)} open Ombudsman order(s), {overdue} overdue. "
            "An order leaves this list when the evidence of compliance is sent."
        )
        self.model.set_rows(rows)


SA_COLUMNS: list[Column[SectionStatus]] = [
    Column("Section", lambda r: r.section.number, 60),
    Column("Title", lambda r: r.section.title, 280),
    Column("Status", lambda r: r.status_text, 130),
    Column("Comment", lambda r: r.comment, tooltip=lambda r: r.comment or r.section.evidence),
]


class SelfAssessmentPage(QWidget):
    """The Code's sections as a checklist: status, comment, evidence and links to the reports."""

    def __init__(self, ws: Workspace, actions: Mapping[str, QAction], parent=None):
        super().__init__(parent)
        self.ws = ws
        self.report_actions = actions
        self.rows: list[SectionStatus] = []
        self.may_record = may(ws, Do.SELF_ASSESS)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        year_label = QLabel("&Year:", self)
        bar.addWidget(year_label)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(ws.today().year)
        self.year.setAccessibleName("Self-assessment year")
        year_label.setBuddy(self.year)
        self.year.valueChanged.connect(lambda _v: self.reload())
        bar.addWidget(self.year)
        bar.addStretch(1)
        export = QPushButton("E&xport CSV…", self)
        export.clicked.connect(self.export_csv)
        bar.addWidget(export)
        lay.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = RecordsModel(SA_COLUMNS, self, titled=True)
        self.table = _table(self.model, "Code sections", split)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show(cur.row()))
        detail = QWidget(split)
        form = QVBoxLayout(detail)
        self.evidence = QLabel(detail)
        self.evidence.setWordWrap(True)
        self.evidence.setAccessibleName("What evidence shows compliance")
        form.addWidget(self.evidence)
        self.links = QGridLayout()  # evidence: links to the reports, two a row
        form.addLayout(self.links)
        self.status = QComboBox(detail)
        self.status.setAccessibleName("Section status")
        for key, text in STATUSES.items():
            self.status.addItem(text, key)
        form.addWidget(self.status)
        self.comment = QPlainTextEdit(detail)
        self.comment.setAccessibleName("Comment")
        self.comment.setPlaceholderText(
            "Comment: how the organisation complies, or what it will do"
        )
        self.comment.setTabChangesFocus(True)
        form.addWidget(self.comment, 1)
        self.save_btn = QPushButton("&Save section", detail)
        self.save_btn.clicked.connect(self.save)
        self.save_btn.setEnabled(self.may_record)
        self.status.setEnabled(self.may_record)
        self.comment.setReadOnly(not self.may_record)
        form.addWidget(self.save_btn)
        self.message = QLabel(detail)
        self.message.setWordWrap(True)
        form.addWidget(self.message)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setSizes([700, 560])
        lay.addWidget(split, 1)

    def reload(self) -> None:
        try:
            self.rows = self_assessment(self.ws, self.year.value())
        except DoorstepError as exc:
            self.message.setText(str(exc))
            return
        current = max(self.table.currentIndex().row(), 0)
        self.model.set_rows(self.rows)
        self.table.selectRow(min(current, len(self.rows) - 1))
        self._show(min(current, len(self.rows) - 1))

    def _show(self, i: int) -> None:
        if not 0 <= i < len(self.rows):
            return
        r = self.rows[i]
        self.evidence.setText(
            f"<b>{r.section.number}. {r.section.title}</b><br>{r.section.evidence}"
        )
        self.status.setCurrentIndex(self.status.findData(r.status))
        self.comment.setPlainText(r.comment)
        while self.links.count():
            item = self.links.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()  # out of sight now; deleted when control returns to the event loop
                w.deleteLater()
        for i, name in enumerate(r.section.reports):
            place = divmod(i, 2)
            action = self.report_actions.get(name)
            title = REPORT_TITLES.get(name, name)
            if action is None or not action.isVisible():
                label = QLabel(f"{title} (not available)", self)
                label.setObjectName(f"link_{name}")
                label.setEnabled(False)
                label.setWordWrap(True)
                self.links.addWidget(label, *place)
                continue
            btn = QPushButton(title, self)
            btn.setObjectName(f"link_{name}")
            btn.setToolTip(f"Open the {title.lower()}: evidence for this section")
            btn.clicked.connect(action.trigger)
            self.links.addWidget(btn, *place)

    def save(self) -> bool:
        i = self.table.currentIndex().row()
        if not 0 <= i < len(self.rows):
            return False
        r = self.rows[i]
        try:
            save_section(
                self.ws,
                self.year.value(),
                r.section.number,
                self.status.currentData(),
                self.comment.toPlainText(),
                expected_version=r.version,
            )
        except DoorstepError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"Saved section {r.section.number}.")
        self.reload()
        return True

    def export_csv(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                "Export self-assessment",
                f"self-assessment-{self.year.value()}.csv",
                "CSV (*.csv)",
            )
            if not name:
                return
            path = Path(name)
        try:
            n = export_self_assessment(self.ws, self.year.value(), path)
        except DoorstepError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Wrote {path.name}: {n} sections.")


class TeamView(QWidget):
    """The Team tab: officers, findings, orders and the self-assessment as pages."""

    PAGES = ("team_view", "findings", "ombudsman_orders", "self_assessment")
    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, actions: Mapping[str, QAction], parent=None):
        super().__init__(parent)
        self.ws = ws
        self.setObjectName("team_view")
        self.setAccessibleName("Team view")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.pages = QTabWidget(self)
        self.pages.setDocumentMode(True)
        self.officers = OfficersPage(ws, self)
        self.findings = FindingsPage(ws, self)
        self.orders = OrdersPage(ws, self)
        self.assessment = SelfAssessmentPage(ws, actions, self)
        for page, title in (
            (self.officers, "&Officers"),
            (self.findings, "&Findings across cases"),
            (self.orders, "Ombudsman o&rders"),
            (self.assessment, "&Self-assessment"),
        ):
            self.pages.addTab(page, title)
            if hasattr(page, "sig_open_case"):
                page.sig_open_case.connect(self.sig_open_case)
        lay.addWidget(self.pages)
        self.pages.currentChanged.connect(self._load)

    def show_page(self, name: str) -> None:
        index = self.PAGES.index(name)
        if self.pages.currentIndex() == index:
            self._load(index)
        self.pages.setCurrentIndex(index)

    def _load(self, index: int) -> None:
        page = self.pages.widget(index)
        # the whole-database audit (FindingsPage) runs only when asked
        if isinstance(page, OfficersPage | OrdersPage | SelfAssessmentPage):
            page.reload()

    def refresh(self) -> None:
        self._load(self.pages.currentIndex())
