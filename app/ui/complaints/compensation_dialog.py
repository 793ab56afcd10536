"""The compensation editor: the calculator (policy matrix, every figure explained) and the ledger."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.compensation import COMPENSATION_HEADS, Calculation
from app.errors import DoorstepError
from app.services.complaints.compensation import (
    CalculatorInput,
    compensation_matrix,
    record_compensation_decision,
    record_compensation_paid,
    suggest_compensation,
)
from app.services.complaints.views import ComplaintView
from app.ui.complaints.forms import ERROR_STYLE, ActionDialog, order_tabs
from app.ui.complaints.models import LedgerModel
from app.ui.fit import fit_window


class CompensationDialog(QDialog):
    """Suggest amounts per head from the matrix; use them in a response, or record decisions and payments."""

    sig_use = Signal(dict)  # head -> further amount, for the response form
    sig_changed = Signal()  # a decision or payment was recorded

    def __init__(
        self,
        ws,
        view: ComplaintView,
        parent: QWidget | None = None,
        for_response: bool = False,
        vulnerabilities: tuple[str, ...] = (),
    ):
        super().__init__(parent)
        self.ws, self.view = ws, view
        self.setWindowTitle("Compensation")
        self.setAccessibleName("Compensation")
        fit_window(self, 1180, 720, "compensation")
        self.calculation: Calculation | None = None
        self.rows: dict[str, dict[str, QWidget]] = {}
        matrix = compensation_matrix(ws, view.case_ref)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Tick each head that applies and answer the questions. The calculator suggests an "
            "amount from the policy's matrix and explains every figure in words you can paste "
            f"into the letter. ({matrix.source}.)",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        group = QGroupBox("Calculator", self)
        grid = QGridLayout(group)
        for col, title in enumerate(("Head", "How serious", "Months", "Evidenced (£)", "What for")):
            grid.addWidget(QLabel(f"<b>{title}</b>", group), 0, col)
        for r, head in enumerate(COMPENSATION_HEADS, start=1):
            guide = matrix.heads[head]
            use = QCheckBox(guide.label, group)
            use.setAccessibleName(f"Include {guide.label}")
            use.setToolTip(guide.guidance)
            widgets: dict[str, QWidget] = {"use": use}
            grid.addWidget(use, r, 0)
            if guide.method == "matrix":
                sev = QComboBox(group)
                sev.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                sev.setMinimumContentsLength(28)
                sev.setAccessibleName(f"{guide.label}: how serious")
                for band in matrix.bands:
                    sev.addItem(
                        f"£{band.low:,.0f}–£{band.high:,.0f}: {band.label.lower()}", band.key
                    )
                    sev.setItemData(sev.count() - 1, band.label, Qt.ItemDataRole.ToolTipRole)
                months = QSpinBox(group)
                months.setRange(0, 600)
                months.setMaximumWidth(90)
                months.setAccessibleName(f"{guide.label}: months")
                grid.addWidget(sev, r, 1)
                grid.addWidget(months, r, 2)
                widgets |= {"severity": sev, "months": months}
            else:
                amount = QLineEdit(group)
                amount.setAccessibleName(f"{guide.label}: amount evidenced")
                amount.setPlaceholderText("£")
                amount.setMaximumWidth(130)
                grid.addWidget(amount, r, 3)
                widgets["amount"] = amount
            note = QLineEdit(group)
            note.setMinimumWidth(160)
            note.setPlaceholderText("optional")
            note.setAccessibleName(f"{guide.label}: what for")
            grid.addWidget(note, r, 4)
            widgets["note"] = note
            self.rows[head] = widgets
        grid.setColumnStretch(1, 5)
        grid.setColumnStretch(4, 2)
        self.vulnerable = QCheckBox(
            "The household is &vulnerable"
            + (f" (recorded: {'; '.join(vulnerabilities)})" if vulnerabilities else ""),
            group,
        )
        self.vulnerable.setChecked(bool(vulnerabilities))
        self.vulnerable.setAccessibleName("The household is vulnerable")
        grid.addWidget(self.vulnerable, len(COMPENSATION_HEADS) + 1, 0, 1, 5)
        layout.addWidget(group)

        buttons = QHBoxLayout()
        self.suggest_button = QPushButton("&Suggest amounts", self)
        self.suggest_button.setAccessibleName("Suggest amounts")
        self.suggest_button.clicked.connect(self.suggest)
        buttons.addWidget(self.suggest_button)
        self.copy_button = QPushButton("C&opy explanation", self)
        self.copy_button.setAccessibleName("Copy explanation")
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.setEnabled(False)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.explanation = QPlainTextEdit(self)
        self.explanation.setReadOnly(True)
        self.explanation.setAccessibleName("Explanation of the suggested amounts")
        self.explanation.setPlaceholderText(
            "The suggested amounts and their explanation appear here."
        )
        self.explanation.setTabChangesFocus(True)
        layout.addWidget(self.explanation, 1)

        self.error = QLabel("", self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Error")
        self.error.hide()
        layout.addWidget(self.error)

        layout.addWidget(QLabel("<b>Compensation so far, by head and stage</b>", self))
        self.ledger_model = LedgerModel(self)
        self.ledger_model.set_view(view.compensation)
        self.ledger = QTableView(self)
        self.ledger.setAccessibleName("Compensation so far")
        self.ledger.setModel(self.ledger_model)
        self.ledger.setTabKeyNavigation(False)
        self.ledger.verticalHeader().setVisible(False)
        self.ledger.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.ledger.setMaximumHeight(150)
        layout.addWidget(self.ledger)

        actions = QHBoxLayout()
        if for_response:
            self.use_button = QPushButton("&Use in the response", self)
            self.use_button.setAccessibleName("Use in the response")
            self.use_button.setEnabled(False)
            self.use_button.clicked.connect(self.use)
            actions.addWidget(self.use_button)
        else:
            decide = QPushButton("Resident's &decision…", self)
            decide.setAccessibleName("Record the resident's decision")
            decide.clicked.connect(self.open_decision)
            pay = QPushButton("Record &payment…", self)
            pay.setAccessibleName("Record a payment")
            pay.clicked.connect(self.open_payment)
            actions.addWidget(decide)
            actions.addWidget(pay)
        actions.addStretch(1)
        close = QPushButton("Close", self)
        close.setAccessibleName("Close")
        close.clicked.connect(self.reject)
        actions.addWidget(close)
        layout.addLayout(actions)
        self.child: ActionDialog | None = None
        order_tabs(self)

    # -- calculating ---------------------------------------------------------------------------
    def inputs(self) -> list[CalculatorInput]:
        out = []
        for head, w in self.rows.items():
            if not w["use"].isChecked():
                continue
            out.append(
                CalculatorInput(
                    head=head,
                    severity=w["severity"].currentData() if "severity" in w else None,
                    months=w["months"].value() if "months" in w else None,
                    vulnerable=self.vulnerable.isChecked(),
                    amount=w["amount"].text().strip() if "amount" in w else None,
                    note=w["note"].text(),
                )
            )
        return out

    def suggest(self) -> Calculation | None:
        items = self.inputs()
        if not items:
            self._error("Tick at least one head.")
            return None
        try:
            calc = suggest_compensation(self.ws, self.view.case_ref, items, self.view.id)
        except DoorstepError as exc:
            self._error(str(exc))
            return None
        self.error.hide()
        self.calculation = calc
        self.explanation.setPlainText(calc.text)
        self.copy_button.setEnabled(True)
        if hasattr(self, "use_button"):
            self.use_button.setEnabled(True)
        return calc

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.explanation.toPlainText())

    def use(self) -> None:
        if self.calculation is None:
            return
        amounts = {s.head: _plain(s.further) for s in self.calculation.items if s.further > 0}
        self.sig_use.emit(amounts)
        self.accept()

    def _error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    # -- recording -----------------------------------------------------------------------------
    def open_decision(self) -> None:
        d = ActionDialog(
            "Resident's decision on the compensation",
            f"{self.view.compensation.summary()} Record whether the resident accepts it.",
            "&Record",
            self,
        )
        d.check("accepted", "The resident &accepts the offer", True)
        d.when(value=self.ws.now())
        d.submit = lambda: record_compensation_decision(
            self.ws,
            self.view.case_ref,
            self.view.id,
            accepted=d.value("accepted"),
            at=d.value("at"),
            expected_version=self.view.version,
        )
        self._run(d)

    def open_payment(self) -> None:
        d = ActionDialog(
            "Record a payment",
            f"{self.view.compensation.summary()} Give the amount paid under each head.",
            "&Record payment",
            self,
        )
        d.when(value=self.ws.now())
        for row in self.view.compensation.rows:
            d.line(row.head, f"{row.label} (£)", _plain(row.outstanding) if row.outstanding else "")
        d.line("reference", "Payment &reference")

        def submit():
            items = [
                (r.head, d.value(r.head))
                for r in self.view.compensation.rows
                if d.value(r.head).strip()
            ]
            return record_compensation_paid(
                self.ws,
                self.view.case_ref,
                self.view.id,
                items=items,
                reference=d.value("reference"),
                at=d.value("at"),
                expected_version=self.view.version,
            )

        d.submit = submit
        self._run(d)

    def _run(self, d: ActionDialog) -> None:
        self.child = d
        d.accepted.connect(self.sig_changed.emit)
        d.accepted.connect(self.accept)
        d.open()


def _plain(amount: Decimal) -> str:
    return f"{amount:.2f}".removesuffix(".00")


__all__ = ["CompensationDialog"]
