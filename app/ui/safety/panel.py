"""The "Hazards and decisions" tab of a case: hazards with their clocks (hours for emergencies),
requests owed a decision, and on an arrears case the safeguards before a notice.
``sig_changed(ref)`` after it recorded something."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.hazards import HazardView, hazards_on
from app.services.possession import Safeguards, safeguards, serve_nosp
from app.services.requests import RequestView, requests_on
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.ui.formats import day
from app.ui.records_model import Column, RecordsModel, make_table, selected_row
from app.ui.safety import dialogs


def _left(ws: Workspace) -> Callable[[HazardView], str]:
    def text(h: HazardView) -> str:
        clock = h.next_clock
        if clock is None:
            return "all clocks met" if all(not c.late for c in h.clocks) else "done (late)"
        now = ws.now()
        return f"{clock.label}: " + clock.left_text(
            now, ws.today(), ws.registry.history(ws.registry.default).current.calendar
        )

    return text


def _lay(page: QWidget) -> QVBoxLayout:
    layout = page.layout()
    assert isinstance(layout, QVBoxLayout)
    return layout


def _request_state(r: RequestView) -> str:
    if r.decided_on:
        late = " (late)" if r.late else ""
        return f"decided {day(r.decided_on)}{late}: {r.decision}"
    if r.due is None:
        return "on hold"
    return f"decision due {day(r.due)}"


class SafetyPanel(QWidget):
    sig_changed = Signal(str)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.case: CaseDetail | None = None
        self.guard: Safeguards | None = None
        self.setAccessibleName("Hazards and decisions")
        layout = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setAccessibleName("Panel status")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Hazards and decisions sections")
        layout.addWidget(self.tabs, 1)

        page = self._tab("Hazards")
        self.hazards = RecordsModel[HazardView](
            [
                Column("Hazard", lambda h: h.name, width=220),
                Column("Category", lambda h: h.category, width=100),
                Column("Where", lambda h: h.location or "", width=140),
                Column("Reported", lambda h: f"{h.reported_at:%d %b %Y %H:%M}", width=140),
                Column("Next", _left(ws)),
            ],
            self,
            titled=True,
            tooltip_over=30,
        )
        self.hazards_view = make_table(self.hazards, "Hazards", page)
        _lay(page).addWidget(self.hazards_view)
        self._buttons(
            page,
            [("Report hazar&d…", self.report_hazard), ("Record ste&p…", self.hazard_step)],
        )

        page = self._tab("Requests")
        self.requests = RecordsModel[RequestView](
            [
                Column("Request", lambda r: r.words.capitalize(), width=260),
                Column("Made", lambda r: day(r.made_on), width=110),
                Column("Asked", lambda r: r.summary, width=320),
                Column("State", _request_state),
            ],
            self,
            titled=True,
            tooltip_over=30,
        )
        self.requests_view = make_table(self.requests, "Requests", page)
        _lay(page).addWidget(self.requests_view)
        self._buttons(
            page, [("New re&quest…", self.new_request), ("&Decide request…", self.decide)]
        )

        self.arrears_page = self._tab("Arrears")
        self.checklist = QLabel(self.arrears_page)
        self.checklist.setAccessibleName("Safeguards before a notice")
        self.checklist.setWordWrap(True)
        _lay(self.arrears_page).addWidget(self.checklist)
        _lay(self.arrears_page).addStretch(1)
        bar = self._buttons(
            self.arrears_page,
            [
                ("Account chec&k…", self.account_check),
                ("Pre-&action steps…", self.pre_action),
                ("Re&quest approval…", self.request_approval),
                ("Appr&ove or refuse…", self.decide_approval),
                ("Serve &NOSP…", self.serve),
            ],
        )
        self.serve_button = bar[-1]
        self.decide_button = bar[-2]

    # -- building ----------------------------------------------------------------------------------
    def _tab(self, title: str) -> QWidget:
        page = QWidget(self.tabs)
        page.setAccessibleName(title)
        QVBoxLayout(page)
        self.tabs.addTab(page, title)
        return page

    def _buttons(self, page: QWidget, specs) -> list[QPushButton]:
        bar = QHBoxLayout()
        out = []
        for text, slot in specs:
            b = QPushButton(text, page)
            b.setAccessibleName(text.replace("&", "").rstrip("…"))
            b.clicked.connect(slot)
            bar.addWidget(b)
            out.append(b)
        bar.addStretch(1)
        _lay(page).addLayout(bar)
        return out

    # -- showing -----------------------------------------------------------------------------------
    def load(self, case: CaseDetail) -> None:
        self.case = case
        try:
            found = hazards_on(self.ws, case.ref)
            asked = requests_on(self.ws, case.ref)
            self.guard = safeguards(self.ws, case.ref) if case.kind == "arrears" else None
        except DoorstepError as exc:
            self.say(str(exc))
            return
        self.hazards.set_rows(found[::-1])
        self.requests.set_rows(asked[::-1])
        # The newest is chosen, so Record step and Decide request work without a click first.
        for view, rows in ((self.hazards_view, found), (self.requests_view, asked)):
            if rows and not view.selectionModel().selectedRows():
                view.selectRow(0)
        open_hazards = sum(h.next_clock is not None for h in found)
        waiting = sum(r.decided_on is None for r in asked)
        self.tabs.setTabText(0, f"Hazards ({open_hazards} open)" if open_hazards else "Hazards")
        self.tabs.setTabText(1, f"Requests ({waiting} waiting)" if waiting else "Requests")
        index = self.tabs.indexOf(self.arrears_page)
        self.tabs.setTabVisible(index, self.guard is not None)
        if self.guard is not None:
            self._show_safeguards(self.guard)

    def _show_safeguards(self, g: Safeguards) -> None:
        def line(done: bool, text: str) -> str:
            return f"{'✔' if done else '✘'} {text}"

        rows = [
            line(g.account_checked, "Rent account checked (payments posted, evidence considered)")
        ]
        if g.vulnerable:
            rows.append(
                line(g.assessed, "Risk / equality impact assessment (vulnerable household)")
            )
        rows += [line(done, f"Pre-action: {step}") for step, done in g.pre_action]
        if g.refused:
            rows.append("✘ Proceedings refused by the approver")
        else:
            approval = (
                f"approved by {g.approved_by}"
                if g.approved_by
                else ("waiting for a decision" if g.request else "not requested")
            )
            rows.append(
                line(g.approved_by is not None, f"Approval ({g.approver_role}): {approval}")
            )
        self.checklist.setText("\n".join(rows))
        self.serve_button.setEnabled(g.ready)
        self.serve_button.setToolTip(
            "Every safeguard is in place" if g.ready else "Still missing: " + "; ".join(g.missing)
        )
        self.decide_button.setEnabled(bool(g.request) and not g.approved_by and not g.refused)

    def say(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))

    # -- acting ------------------------------------------------------------------------------------
    def _run(self, dialog: QDialog, message: str) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted and self.case is not None:
            self.say(message)
            self.sig_changed.emit(self.case.ref)

    def report_hazard(self) -> None:
        if self.case:
            self._run(
                dialogs.ReportHazardDialog(self.ws, self.case.ref, self),
                "Hazard recorded: its clocks are running.",
            )

    def hazard_step(self) -> None:
        hazard = selected_row(self.hazards_view)
        if hazard is None or self.case is None:
            self.say("Choose the hazard first.")
            return
        self._run(dialogs.HazardStepDialog(self.ws, self.case.ref, hazard, self), "Step recorded.")

    def new_request(self) -> None:
        if self.case:
            self._run(dialogs.RequestDialog(self.ws, self.case.ref, self), "Request recorded.")

    def decide(self) -> None:
        request = selected_row(self.requests_view)
        if request is None or self.case is None:
            self.say("Choose the request to decide first.")
            return
        self._run(
            dialogs.DecisionDialog(self.ws, self.case.ref, request, self),
            "Decision recorded: send the decision letter from the Letters tab.",
        )

    def account_check(self) -> None:
        if self.case:
            self._run(dialogs.AccountCheckDialog(self.ws, self.case.ref, self), "Check recorded.")

    def pre_action(self) -> None:
        if self.case and self.guard:
            self._run(
                dialogs.PreActionDialog(self.ws, self.case.ref, self.guard, self),
                "Pre-action steps recorded.",
            )

    def request_approval(self) -> None:
        if self.case and self.guard:
            self._run(
                dialogs.PossessionRequestDialog(self.ws, self.case.ref, self.guard, self),
                "Request sent for approval.",
            )

    def decide_approval(self) -> None:
        if self.case:
            self._run(
                dialogs.PossessionDecisionDialog(self.ws, self.case.ref, self),
                "Decision recorded.",
            )

    def serve(self) -> None:
        if self.case is None:
            return
        answer = QMessageBox.question(
            self,
            "Serve a Notice of Seeking Possession",
            "Record that the notice has been served on the resident today?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            serve_nosp(self.ws, self.case.ref)
        except DoorstepError as exc:
            self.say(str(exc))
            return
        self.say("Notice recorded.")
        self.sig_changed.emit(self.case.ref)
