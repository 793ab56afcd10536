"""Log a contact in seconds, from the keyboard. Nothing typed is lost if saving fails."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.errors import DoorstepError
from app.services.contacts import LoggedContact, log_contact, suggested_direction
from app.services.views import CaseDetail, EventView
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.formats import DATETIME_FORMAT
from app.ui.timeline import entry_label, when

CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("visit", "Visit"),
    ("portal", "Portal"),
    ("in_person", "In person"),
]
DIRECTIONS = [(None, "— choose —"), ("in", "From the resident"), ("out", "To the resident")]
TOPICS = [(None, "—"), ("general", "General"), ("repair", "Repair"), ("complaint", "Complaint")]
LONDON_TZ = QTimeZone(b"Europe/London")


def _combo(name: str, items, parent) -> QComboBox:
    box = QComboBox(parent)
    box.setAccessibleName(name)
    for value, label in items:
        box.addItem(label, value)
    return box


class ContactDialog(QDialog):
    """Channel, direction, summary, dissatisfaction, call back, and what it answers."""

    def __init__(
        self, ws: Workspace, case: CaseDetail, corrects: EventView | None = None, parent=None
    ):
        super().__init__(parent)
        self.ws = ws
        self.case = case
        self.corrects = corrects
        self.result_contact: LoggedContact | None = None
        self.setWindowTitle(f"{'Correct an entry' if corrects else 'Log a contact'} — {case.ref}")
        self.setMinimumWidth(560)
        fit_window(self)
        form = QFormLayout()
        self.channel = _combo("Channel", CHANNELS, self)
        self.direction = _combo("Direction", DIRECTIONS, self)
        self.topic = _combo("Topic", TOPICS, self)
        self.when = QDateTimeEdit(self)
        self.when.setAccessibleName("When")
        self.when.setDisplayFormat(DATETIME_FORMAT)
        self.when.setCalendarPopup(True)
        self.when.setTimeZone(LONDON_TZ)
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(ws.now().timestamp()), LONDON_TZ))
        self.summary = QPlainTextEdit(self)
        self.summary.setAccessibleName("Summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText("What was said or agreed, in a sentence or two")
        self.summary.setFixedHeight(90)
        self.answers = _combo("Answers", [(None, "— not a reply —")], self)
        for e in case.events:
            if e.type == "contact" and e.fields.get("direction") == "in":
                self.answers.addItem(f"{entry_label(e)}, {when(e)}: {e.summary[:50]}", e.id)
        self.dissatisfied = QCheckBox("Resident expressed &dissatisfaction", self)
        self.callback = QCheckBox("Call &back requested", self)
        # what the contact was about, recorded next from its own form with this contact's words
        self.hazard = QCheckBox("Reports a ha&zard (damp and mould, an emergency…)", self)
        self.request = QCheckBox("Asks for something that needs a decisio&n", self)
        rows = [
            ("&Channel:", self.channel),
            ("Di&rection:", self.direction),
            ("&When:", self.when),
            ("&Summary:", self.summary),
            ("&Answers:", self.answers),
            ("T&opic:", self.topic),
        ]
        for text, widget in rows:
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("", self.dissatisfied)
        form.addRow("", self.callback)
        if corrects is None:
            form.addRow("", self.hazard)
            form.addRow("", self.request)
        else:
            self.hazard.hide()
            self.request.hide()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setAccessibleName("Error")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if corrects is not None:
            note = QLabel(
                f"Correcting <b>{corrects.id}</b> ({entry_label(corrects)}, {when(corrects)}). "
                "The original stays in the history, marked as corrected.",
                self,
            )
            note.setWordWrap(True)
            layout.addWidget(note)
            self._prefill(corrects)
        else:  # the direction follows the channel and the last entry until the officer picks one
            self.direction_chosen = False
            self.channel.currentIndexChanged.connect(lambda _i: self._suggest_direction())
            self.direction.activated.connect(lambda _i: setattr(self, "direction_chosen", True))
            self._suggest_direction()
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        self.channel.setFocus(Qt.FocusReason.OtherFocusReason)

    def _suggest_direction(self) -> None:
        if self.direction_chosen:
            return
        value = suggested_direction(self.channel.currentData(), self.case.events)
        self.direction.setCurrentIndex(max(self.direction.findData(value), 0))

    def _prefill(self, e: EventView) -> None:
        for box, value in (
            (self.channel, e.fields.get("channel")),
            (self.direction, e.fields.get("direction")),
            (self.topic, e.fields.get("topic")),
        ):
            i = box.findData(value)
            if i >= 0:
                box.setCurrentIndex(i)
        self.summary.setPlainText(e.summary)
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(e.at.timestamp()), LONDON_TZ))
        self.dissatisfied.setChecked(bool(e.fields.get("dissatisfaction")))
        self.callback.setChecked(bool(e.fields.get("callback_requested")))

    def chosen_time(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), dt.UTC)

    def save(self) -> None:
        if self.direction.currentData() is None:
            self.error.setText("Choose the direction: from the resident or to the resident.")
            self.error.show()
            self.direction.setFocus()
            return
        try:
            self.result_contact = log_contact(
                self.ws,
                self.case.ref,
                channel=self.channel.currentData(),
                direction=self.direction.currentData(),
                summary=self.summary.toPlainText(),
                dissatisfaction=self.dissatisfied.isChecked(),
                callback_requested=self.callback.isChecked(),
                answers=self.answers.currentData(),
                topic=self.topic.currentData(),
                at=self.chosen_time(),
                corrects=self.corrects.id if self.corrects else None,
            )
        except DoorstepError as exc:
            self.error.setText(str(exc))  # the form keeps everything typed
            self.error.show()
            return
        self.accept()


class ComplaintOfferDialog(QMessageBox):
    """Dissatisfaction was expressed: offer a formal complaint now and record the answer."""

    def __init__(self, definition: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Offer a formal complaint")
        self.setIcon(QMessageBox.Icon.Question)
        self.setText(
            "<b>The resident expressed dissatisfaction.</b><br>Ask whether they want to make a "
            "formal complaint, and record their answer."
        )
        self.setInformativeText(f"A complaint is “{definition}”")
        self.accept_btn = self.addButton("Resident &accepted", QMessageBox.ButtonRole.YesRole)
        self.decline_btn = self.addButton("Resident &declined", QMessageBox.ButtonRole.NoRole)
        self.later_btn = self.addButton("Ask &later", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.accept_btn)
        self.setEscapeButton(self.later_btn)

    def answer(self) -> bool | None:
        """True accepted, False declined, None not asked yet (the offer deadline keeps running)."""
        clicked = self.clickedButton()
        if clicked is self.accept_btn:
            return True
        if clicked is self.decline_btn:
            return False
        return None
