"""The main window: the case inbox, with cases opening in tabs beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.access import Do, may
from app.services.inbox import InboxCounts, InboxQuery, count_inbox, list_inbox
from app.services.officers import current_officer, may_see_every_case
from app.services.sar import privacy_tools_allowed
from app.services.team import mark_seen, new_cases
from app.services.visits import database_id, pending_drafts
from app.services.workspace import Workspace
from app.ui.background import Job
from app.ui.fit import fit_window
from app.ui.help import add_help_menu
from app.ui.inbox_filters import InboxFilters, owing_query
from app.ui.inbox_model import SORT_KEYS, InboxJumps, InboxModel
from app.ui.midnight import MidnightTimer
from app.ui.sync_status import SyncController

if TYPE_CHECKING:
    from app.ui.case_view import CaseView
    from app.ui.team_view import TeamView

# The first window needs only the inbox: a case view (its panels, the letters package with
# ReportLab), the dialogs and the reports load when the officer first asks for them
# (tests/ui/test_startup_imports.py keeps it so).


def scopes_for(ws: Workspace) -> list[str]:
    """The inbox scopes to offer: "all" only to those the services let see every case."""
    me = current_officer(ws)
    if me is None:
        return ["all"]
    every = may_see_every_case(ws)
    return ["mine", "team", "covering", "all"] if every else ["mine", "team", "covering"]


def _count(ws: Workspace, query: InboxQuery) -> tuple[InboxCounts, int | None]:
    """The status bar's counts for ``query`` and, beside live cases, how many closed ones still
    owe something (the filter bar's button): both read every matching case, so both run in the
    count's worker thread (at 100,000 cases 0.7 s and 0.14 s), never in the UI thread."""
    counts = count_inbox(ws, query)
    owing = owing_query(query)
    if owing is None:
        return counts, None
    try:
        return counts, count_inbox(ws, owing).total
    except DoorstepError:
        return counts, 0


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        fit_window(self, 1360, 820, "main_window")  # or what the screen has room for
        self.tabs = QTabWidget(self)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.setCentralWidget(self.tabs)

        inbox = QWidget(self)
        lay = QVBoxLayout(inbox)
        lay.setContentsMargins(0, 0, 0, 0)
        self.filters = InboxFilters(ws, scopes_for(ws), inbox)
        self.model = InboxModel(self._fetch, self)
        self.table = QTableView(inbox)
        self.table.setObjectName("inbox")
        self.table.setAccessibleName("Case inbox")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
        self.table.setModel(self.model)
        self.jumps = InboxJumps(self.table, self.model)  # Ctrl+End: the last page at once
        # The indicator first: enabling sorting sorts by it, which is the model's own order
        # (due, ascending), so nothing is read until set_query below (once, not three times).
        self.table.horizontalHeader().setSortIndicator(
            SORT_KEYS.index("due"), Qt.SortOrder.AscendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((130, 190, 110, 70, 330, 120, 130, 170)):
            self.table.setColumnWidth(col, width)
        self.table.activated.connect(self._open_index)
        lay.addWidget(self.filters)
        lay.addWidget(self.table, 1)
        self.tabs.addTab(inbox, "Inbox")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)

        self.counts = QLabel("Counting…", self)
        self._count_job: Job | None = None
        # The first count starts once the window has painted (_update_counts): it reads every
        # matching case, and on a two-core laptop it would share the CPU with the first paint.
        self._first_count: QTimer | None = QTimer(self)
        self._first_count.setSingleShot(True)
        self._first_count.setInterval(0)
        self._first_count.timeout.connect(self._first_count_due)
        self._counts_for: InboxQuery | None = None  # the query the status bar should count
        self._new: frozenset[str] = frozenset()
        self.counts.setAccessibleName("Inbox counts")
        self.user = QLabel(self)
        self.statusBar().addWidget(self.counts, 1)
        self.statusBar().addPermanentWidget(self.user)
        if ws.is_demo:
            banner = QLabel("  DEMO DATABASE — invented cases  ", self)
            banner.setStyleSheet("font-weight: bold; color: white; background: #b45309;")
            self.statusBar().addPermanentWidget(banner)
        # An enrolled laptop: the sync indicator, Sync now, background syncs; the conflicts badge.
        self.sync = SyncController(ws, self)
        self.statusBar().addPermanentWidget(self.sync.indicator)
        self.sync.sig_synced.connect(self._synced)
        self.sync.sig_review.connect(self.review_conflicts)

        self.midnight = MidnightTimer(ws.now, self)
        self.midnight.sig_new_day.connect(self.refresh)
        self.filters.sig_query_changed.connect(self._query_changed)
        self.model.sig_reloaded.connect(self._update_counts)
        self.model.modelAboutToBeReset.connect(self._keep_place)
        self.model.sig_reloaded.connect(self._back_to_place)
        # Escape in a case tab goes back to the inbox list (dialogs and popups keep their own).
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.tabs)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.setWhatsThis("Back to the inbox list")  # Help › Keyboard shortcuts lists it
        escape.activated.connect(self.show_inbox)
        self._build_menus()
        self._update_title()
        self.model.set_query(self.filters.query())
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._mention_drafts()

    # -- menus -----------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "Sign in as someone &else…", self.switch_officer, "Ctrl+Shift+U")
        self.password_action = self._action(file, "Change pass&word…", self.change_password)
        self.password_action.setVisible(self.ws.signed_in is not None)  # only with sign-in
        self._action(file, "&Out of office…", self.out_of_office)
        self.drafts_action = self._action(file, "&Visit drafts…", self.open_drafts)
        self.sync.add_menu_items(file, self._action)
        self._action(file, "Organisation &details…", self.organisation_details)
        self.people_action = self._action(file, "Peop&le…", self.open_people)
        self.people_action.setVisible(may(self.ws, Do.MANAGE_USERS))
        self.privacy_action = self._action(file, "&Privacy…", self.open_privacy)
        self.privacy_action.setVisible(privacy_tools_allowed(self.ws))
        self._action(file, "Se&ttings…", self.open_settings, "Ctrl+,")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view = bar.addMenu("&View")
        self._action(view, "&Inbox", self.show_inbox, "Ctrl+1")
        self._action(view, "&Search…", self.open_search, QKeySequence.StandardKey.Find)
        self._action(view, "&Quick filter", self._quick_filter, "Ctrl+K")
        self._action(view, "&Refresh", self.refresh, QKeySequence.StandardKey.Refresh)
        self._action(view, "&Close case tab", self._close_current, QKeySequence.StandardKey.Close)
        letters = bar.addMenu("&Letters")
        self.queue_action = self._action(
            letters, "&Approval queue…", self.approval_queue, "Ctrl+Shift+A"
        )
        self.queue_action.setObjectName("approval_queue")
        self._action(letters, "&Batch letters…", self.batch_letters, "Ctrl+Shift+B")
        self._build_team_menu(bar)
        self.reports_menu = bar.addMenu("&Reports")
        self._action(self.reports_menu, "&Tenant Satisfaction Measures…", self.open_tsm)
        self._action(self.reports_menu, "Weekly &complaints pack…", self.open_pack)
        self._action(self.reports_menu, "&Spot checks…", self.open_spot_checks)
        self._action(self.reports_menu, "&Arrears review…", self.open_arrears_review)
        self.reports_menu.menuAction().setVisible(may(self.ws, Do.REPORTS))
        self.help_actions = add_help_menu(self, bar.addMenu("&Help"), self._action)

    # -- team (managers and auditors) ------------------------------------------------
    TEAM_ACTIONS = (
        ("team_view", "&Team view", "Ctrl+Shift+T"),
        ("findings", "&Findings across all cases", None),
        ("ombudsman_orders", "Ombudsman &orders", None),
        ("self_assessment", "&Self-assessment against the Code", None),
    )

    def _build_team_menu(self, bar) -> None:
        self.team_menu = bar.addMenu("&Team")
        self.team_view: TeamView | None = None
        for name, text, key in self.TEAM_ACTIONS:
            action = self._action(
                self.team_menu, text, lambda _c=False, n=name: self.open_team(n), key
            )
            action.setObjectName(name)
        self._team_visible()

    def _team_visible(self) -> None:
        """The Team menu only for those the services let see the team."""
        allowed = may(self.ws, Do.OVERSIGHT)
        self.team_menu.menuAction().setVisible(allowed)
        for action in self.team_menu.actions():
            action.setVisible(allowed)
            action.setEnabled(allowed)

    def open_team(self, page: str = "team_view"):
        """The Team tab, on ``page`` (team_view, findings, ombudsman_orders, self_assessment)."""
        from app.ui.team_view import TeamView

        view = self.team_view
        if view is None or self.tabs.indexOf(view) < 0:
            actions = {a.objectName(): a for a in self.findChildren(QAction) if a.objectName()}
            view = self.team_view = TeamView(self.ws, actions, self)
            view.sig_open_case.connect(self.open_case)
            self.tabs.addTab(view, "Team")
        self.tabs.setCurrentWidget(view)
        view.show_page(page)
        return view

    # -- inbox -----------------------------------------------------------------------
    def _fetch(self, query: InboxQuery, after: tuple | None, limit: int, from_end: bool = False):
        try:
            return list_inbox(self.ws, query, limit=limit, after=after, from_end=from_end)
        except DoorstepError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return []

    def _query_changed(self, query: InboxQuery) -> None:
        # The filter bar picks what to show; the column headers keep choosing the order.
        self.model.set_query(
            query.with_(sort=self.model.query.sort, descending=self.model.query.descending)
        )

    def _update_counts(self) -> None:
        """Count in a worker thread (a count reads every matching case: most of a second at
        100,000); the status bar shows the result when it comes. One count at a time: a
        request while one runs is served when it ends, for the query shown then."""
        self._new = self._new_cases()  # one small indexed read: marked at once
        self._counts_for = self.model.query
        if self._count_job is not None and self._count_job.running:
            return
        if self._first_count is not None:  # not painted yet: once it has, for the query then
            self._first_count.start()
            return
        query, ws = self._counts_for, self.ws
        job = Job(lambda _progress: _count(ws, query), self)
        job.sig_done.connect(lambda c: self._counted(query, c))
        job.sig_failed.connect(lambda message: self._counted(query, message))
        self._count_job = job
        job.start()

    def _first_count_due(self) -> None:
        if self._first_count is not None:
            self._first_count.deleteLater()
            self._first_count = None
        self._update_counts()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.sync.stop()
        if self._first_count is not None:  # closed before it painted: nothing to count for
            self._first_count.stop()
        if self._count_job is not None:  # a count still running finishes before the window goes
            self._count_job.thread_.quit()  # (the thread's loop ends once the count returns)
            self._count_job.thread_.wait()
        super().closeEvent(event)

    def _counted(self, query: InboxQuery, c) -> None:
        if self._count_job is not None:
            self._count_job.deleteLater()
            self._count_job = None
        if query != self._counts_for:  # the filters changed while it counted
            self._update_counts()
            return
        if isinstance(c, str):  # the count failed: say why
            self.counts.setText(c)
            return
        c, owing = c
        self.filters.show_owing(owing)  # a case just closed may still owe something
        new = self._new
        self.counts.setText(
            f"{c.total} case{'s' if c.total != 1 else ''} · {c.due_today} due today · "
            f"{c.at_risk} at risk ({c.at_risk_words}) · {c.breached} breached"
            + (f" · {len(new)} handed to you (new)" if new else "")
        )

    def _new_cases(self) -> frozenset[str]:
        """Cases handed to the signed-in officer not yet opened: marked new in the inbox."""
        try:
            new = new_cases(self.ws)
        except DoorstepError:
            new = frozenset()
        self.model.set_new(new)
        return new

    def _case_tabs(self) -> list[tuple[int, CaseView]]:
        """The open case tabs (index, view), last first: closing one keeps the others' indexes."""
        if self.tabs.count() <= 1:
            return []  # only the inbox: no need to load the case view's module to know
        from app.ui.case_view import CaseView

        return [
            (i, w)
            for i in reversed(range(1, self.tabs.count()))
            if isinstance(w := self.tabs.widget(i), CaseView)
        ]

    def refresh(self) -> None:
        self.model.reload()
        for _i, view in reversed(self._case_tabs()):
            view.reload()
        if self.team_view is not None and self.tabs.indexOf(self.team_view) >= 0:
            self.team_view.refresh()

    def _case_changed(self, ref: str) -> None:
        """A write on REF: re-read its inbox row in place and re-count in the background."""
        self.model.refresh_rows({ref})
        self._update_counts()

    def _synced(self, report) -> None:
        """After a sync: the team's changes show where the officer is. The inbox re-reads (the
        chosen case and the scroll kept), open cases that changed re-read, and a case that left
        this laptop (handed to someone else) closes its tab."""
        changed, gone = set(report.changed_refs), set(report.dropped)
        if not changed and not gone:
            return
        shown = {self.model.row(r).ref for r in range(self.model.rowCount())}
        if gone or not changed <= shown:
            self.model.reload()
        else:
            self.model.refresh_rows(changed)
            self._update_counts()
        for i, view in self._case_tabs():
            if view.ref in gone:
                self.close_tab(i)
            elif view.ref in changed:
                view.reload()
        if self.team_view is not None and self.tabs.indexOf(self.team_view) >= 0:
            self.team_view.refresh()
        if gone:
            self.statusBar().showMessage(
                f"No longer on this laptop (handed to someone else): {', '.join(sorted(gone))}",
                15000,
            )

    def review_conflicts(self):
        """File › Review conflicts… or the conflicts badge: the held changes to decide."""
        from app.ui.conflicts_dialog import ConflictsDialog

        dialog = ConflictsDialog(self.ws, self)
        dialog.sig_decided.connect(lambda _ref: self.sync.update())
        dialog.finished.connect(lambda _r: (self.sync.update(), self.refresh()))
        dialog.open()
        return dialog

    def show_inbox(self) -> None:
        """Back to the inbox list (Ctrl+1, or Escape in a case tab), on the case last chosen."""
        self.tabs.setCurrentIndex(0)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _keep_place(self) -> None:
        """Before the inbox reloads: remember the chosen case and how far the list scrolled."""
        index = self.table.currentIndex()
        self._place = (
            self.model.row(index.row()).ref if index.isValid() else None,
            self.table.verticalScrollBar().value(),
        )

    def _back_to_place(self) -> None:
        """After a reload: the same case chosen (when still listed) and the list where it was."""
        ref, scrolled = getattr(self, "_place", (None, 0))
        if ref is not None:
            for r in range(self.model.rowCount()):
                if self.model.row(r).ref == ref:
                    self.table.selectionModel().setCurrentIndex(
                        self.model.index(r, 0),
                        self.table.selectionModel().SelectionFlag.ClearAndSelect
                        | self.table.selectionModel().SelectionFlag.Rows,
                    )
                    self.table.verticalScrollBar().setValue(scrolled)
                    break

    def _quick_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filters.focus_text()

    # -- cases -----------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        self.open_case(self.model.row(index.row()).ref)

    def open_case(self, ref: str, entry_id: str | None = None) -> CaseView:
        try:
            if mark_seen(self.ws, ref):
                self._update_counts()
        except DoorstepError:
            pass
        for i, widget in reversed(self._case_tabs()):
            if widget.ref == ref:
                self.tabs.setCurrentIndex(i)
                if entry_id is not None:
                    widget.show_entry(entry_id)
                return widget
        view = self.new_case_view(ref, self)
        index = self.tabs.addTab(view, ref)
        self.tabs.setCurrentIndex(index)
        view.log_btn.setFocus()
        if entry_id is not None:  # from a search hit: go to that entry, highlighted
            view.show_entry(entry_id)
        return view

    def new_case_view(self, ref: str, parent=None) -> CaseView:
        """A case view with the panels that apply to the case, not yet in a tab."""
        from app.ui.case_view import CaseView
        from app.ui.panels import case_panels

        view = CaseView(self.ws, ref, parent)
        for title, factory, applies in case_panels():
            if view.case is not None and applies(view.case):
                view.add_panel(title, factory(self.ws, view))
        view.sig_case_changed.connect(self._case_changed)
        return view

    def close_tab(self, index: int) -> None:
        if index > 0:
            widget = self.tabs.widget(index)
            if widget is self.team_view:
                self.team_view = None
            self.tabs.removeTab(index)
            widget.deleteLater()
            if self.tabs.currentIndex() == 0:
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)  # Down, Enter: the next case

    def _close_current(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def open_search(self) -> None:
        from app.ui.search_dialog import SearchDialog

        dialog = SearchDialog(self.ws, self)
        dialog.sig_open_case.connect(self.open_case)
        dialog.exec()

    # -- people ----------------------------------------------------------------------
    def _update_title(self) -> None:
        demo = " — DEMO" if self.ws.is_demo else ""
        self.setWindowTitle(f"Doorstep{demo} — {self.ws.db.label}")
        me = current_officer(self.ws)
        self.user.setText(f"Signed in as {me.label if me else self.ws.actor.username}")

    def open_people(self) -> None:
        from app.ui.people_dialog import PeopleDialog

        try:
            PeopleDialog(self.ws, self).exec()
        except DoorstepError as exc:
            QMessageBox.information(self, "Doorstep", str(exc))

    def change_password(self) -> None:
        from app.ui.sign_in import ChangePasswordDialog

        if ChangePasswordDialog(self.ws, self).exec() == ChangePasswordDialog.DialogCode.Accepted:
            QMessageBox.information(self, "Doorstep", "Your password has been changed.")

    def switch_officer(self) -> None:
        """Sign in as someone else (a demo person on the demo); the services enforce their role."""
        from app.ui.sign_in import switch_person

        try:
            if not switch_person(self.ws, self):
                return
        except DoorstepError as exc:
            QMessageBox.information(self, "Doorstep", str(exc))
            return
        self.filters.set_scopes(scopes_for(self.ws))
        self.privacy_action.setVisible(privacy_tools_allowed(self.ws))
        self.password_action.setVisible(self.ws.signed_in is not None)
        self.people_action.setVisible(may(self.ws, Do.MANAGE_USERS))
        self._team_visible()
        if self.team_view is not None and self.tabs.indexOf(self.team_view) >= 0:
            self.close_tab(self.tabs.indexOf(self.team_view))  # the next person opens their own
        self.reports_menu.menuAction().setVisible(may(self.ws, Do.REPORTS))
        self._update_title()
        self.model.set_query(self.filters.query())

    # -- letters ---------------------------------------------------------------------
    def approval_queue(self):
        from app.ui.letters.queue import ApprovalQueueDialog

        dialog = ApprovalQueueDialog(self.ws, self)
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def batch_letters(self):
        from app.ui.letters.batch import BatchDialog

        dialog = BatchDialog(self.ws, self)
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    # -- reports (managers and auditors) ---------------------------------------------
    def _report(self, dialog):
        dialog.sig_open_case.connect(self.open_case)
        dialog.open()
        return dialog

    def open_tsm(self):
        from app.ui.reports.tsm_dialog import TsmDialog

        return self._report(TsmDialog(self.ws, self))

    def open_pack(self):
        from app.ui.reports.pack_dialog import PackDialog

        return self._report(PackDialog(self.ws, self))

    def open_spot_checks(self):
        from app.ui.reports.spotcheck_dialog import SpotCheckDialog

        return self._report(SpotCheckDialog(self.ws, self))

    def open_arrears_review(self):
        from app.ui.reports.arrears_dialog import ArrearsReviewDialog

        return self._report(ArrearsReviewDialog(self.ws, self))

    def organisation_details(self):
        from app.ui.letters.organisation_dialog import OrganisationDialog

        dialog = OrganisationDialog(self.ws, self)
        dialog.open()
        return dialog

    def open_privacy(self):
        """A manager's subject access exports and retention deletions (File › Privacy…)."""
        from app.ui.privacy_dialog import PrivacyDialog

        dialog = PrivacyDialog(self.ws, self)
        dialog.sig_deleted.connect(self._cases_deleted)
        dialog.open()
        return dialog

    def _cases_deleted(self, result) -> None:
        """Close the tabs of deleted cases; the inbox drops their rows."""
        gone = set(result.deleted)
        for i, view in self._case_tabs():
            if view.ref in gone:
                self.close_tab(i)
        self.model.reload()

    def open_settings(self):
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ws, self)
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.sig_deadlines_changed.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def out_of_office(self) -> None:
        from app.ui.small_dialogs import AbsenceDialog

        if AbsenceDialog(self.ws, self).exec():
            self.refresh()

    def _mention_drafts(self) -> None:
        n = len(pending_drafts(self.ws.db.cipher_key, database_id(self.ws)))
        self.drafts_action.setText(f"&Visit drafts ({n})…" if n else "&Visit drafts…")
        if n:
            self.statusBar().showMessage(
                f"{n} home-visit draft{'s' if n != 1 else ''} not yet saved: File › Visit drafts",
                15000,
            )

    def open_drafts(self) -> None:
        from app.ui.visit_mode import VisitModeDialog

        drafts = pending_drafts(self.ws.db.cipher_key, database_id(self.ws))
        if not drafts:
            QMessageBox.information(self, "Visit drafts", "There are no unsaved home-visit drafts.")
            return
        for _path, draft in drafts:
            VisitModeDialog(self.ws, draft.ref, draft=draft, parent=self).exec()
        self._mention_drafts()
        self.refresh()
