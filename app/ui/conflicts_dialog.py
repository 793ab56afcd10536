"""File › Review conflicts…: the changes the team server held rather than overwrite
(app/services/sync/conflicts.py), each shown both ways in plain words — what is in place on the
server and the held change, with who and when — for a person to keep what is in place or apply
the held change (under a new reference when the held change opened a case whose reference was
taken). On a laptop the decision is queued and sent with the next sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.calendar import LONDON
from app.errors import DoorstepError
from app.services.people import display_name
from app.services.sync import client, conflicts
from app.services.sync.conflicts import ConflictView
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.formats import day_time
from app.ui.forms import ERROR_STYLE


def _at(value: Any, today: dt.date) -> str:
    """A stored time (datetime or ISO text) as '10:02' today or 'Mon 23 Jun 2025 10:02'."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(LONDON)
    return f"{local:%H:%M}" if local.date() == today else day_time(value)


def _entry(side: dict[str, Any], today: dt.date) -> str:
    kind = str(side.get("type") or "entry").replace("_", " ")
    at = _at(side.get("at"), today)
    text = str(side.get("summary") or "").strip()
    return f"a {kind}{f' at {at}' if at else ''}{f': “{text}”' if text else ''}"


def describe(ws: Workspace, c: ConflictView) -> tuple[str, str]:
    """(what is in place, the held change) in plain words."""
    today = ws.today()

    def name(username: Any) -> str:
        return display_name(ws, str(username)) if username else "nobody"

    theirs, ours = c.theirs, c.ours
    author = name(c.author)
    made = _at(c.made_at, today)
    reached = _at(c.held_at, today)
    held = f"{author}'s laptop"
    if c.fact == "assignment":
        if theirs.get("by"):
            now = (
                f"{name(theirs['by'])} handed {c.ref} to {name(theirs.get('officer'))} "
                f"at {_at(theirs.get('at'), today)}."
            )
        else:
            now = f"{c.ref} is with {name(theirs.get('officer'))}."
        change = f"{held} handed it to {name(ours.get('officer'))} at {made}, offline."
    elif c.fact == "case reference":
        now = (
            f"Another case is already called {c.ref}: {name(theirs.get('officer'))}'s, "
            f"opened {theirs.get('opened') or 'on an unknown day'}."
        )
        change = (
            f"{held} opened a case as {c.ref} for {name(ours.get('officer'))} "
            f"(opened {ours.get('opened') or 'on an unknown day'}) at {made}, offline."
        )
    elif c.fact == "access":
        now = f"{c.ref} is with {name(theirs.get('officer'))}." if theirs else "Nothing."
        change = f"{held} recorded {_entry(ours, today)} at {made}, offline."
        if "officer" in ours and "summary" not in ours:
            change = f"{held} handed it to {name(ours.get('officer'))} at {made}, offline."
    elif c.fact == "entry id":
        now = f"The case holds {_entry(theirs, today)} under the same entry id."
        change = f"{held} recorded {_entry(ours, today)} at {made}, offline."
    elif c.fact in ("entry", "case"):
        now = "Nothing: the server could not store it."
        detail = _entry(ours, today) if c.fact == "entry" else f"case {ours.get('ref', c.ref)}"
        change = f"{held} recorded {detail} at {made}, offline."
    elif c.fact == "author":
        now = f"The laptop belongs to {name(theirs.get('person'))}."
        change = f"The change says {name(ours.get('person'))} made it, at {made}."
    else:
        now = _plain(theirs) or "Nothing."
        change = f"{held}, at {made}: {_plain(ours) or 'a change'}."
    return now, f"{change} It reached the server at {reached}."


def outcomes(ws: Workspace, c: ConflictView) -> str:
    """What each choice does, in a sentence each."""
    if c.fact == "assignment":
        keep = f"{c.ref} stays with {display_name(ws, c.theirs.get('officer')) or 'its officer'}"
        apply = f"it goes to {display_name(ws, c.ours.get('officer')) or 'the other officer'}"
    elif c.fact == "case reference":
        keep = "the held case stays on record, not opened"
        apply = "it is opened under the new reference you give"
    else:
        keep = "the held change stays on record, not applied"
        apply = "it is applied now, as it was made"
    return f"Keep: {keep}. Apply: {apply}."


def _plain(side: dict[str, Any]) -> str:
    return "; ".join(f"{k.replace('_', ' ')} {v}" for k, v in side.items() if v not in ("", None))


class ConflictsDialog(QDialog):
    """The review queue: a list on the left, the chosen conflict both ways on the right."""

    sig_decided = Signal(str)  # the case reference a decision was made on

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.on_laptop = client.enrolment(ws) is not None
        self.setWindowTitle("Review conflicts")
        self.setAccessibleName("Review conflicts")
        fit_window(self, 940, 560, "conflicts_dialog")

        intro = QLabel(
            "The team server held these changes rather than overwrite what was there. "
            "For each, keep what is in place or apply the held change."
            + (
                " On this laptop your decision is sent to the team server with the next sync."
                if self.on_laptop
                else ""
            ),
            self,
        )
        intro.setWordWrap(True)

        self.list = QListWidget(self)
        self.list.setAccessibleName("Open conflicts")
        self.list.setMinimumWidth(240)
        self.list.currentItemChanged.connect(lambda *_: self._show())

        self.heading = QLabel(self)
        self.heading.setAccessibleName("Chosen conflict")
        self.heading.setWordWrap(True)
        self.theirs = QLabel(self)
        self.ours = QLabel(self)
        sides = QHBoxLayout()
        for title, label, name in (
            ("In place on the team server", self.theirs, "What is in place"),
            ("The held change (not applied)", self.ours, "The held change"),
        ):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
            box = QGroupBox(title, self)
            QVBoxLayout(box).addWidget(label)
            sides.addWidget(box, 1)

        self.outcomes = QLabel(self)
        self.outcomes.setWordWrap(True)
        self.outcomes.setAccessibleName("What each choice does")

        self.new_ref = QLineEdit(self)
        self.new_ref.setPlaceholderText("a reference not yet in use")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("optional: why")
        form = QFormLayout()
        self.new_ref_label = QLabel("New &reference:", self)
        self.new_ref_label.setBuddy(self.new_ref)
        form.addRow(self.new_ref_label, self.new_ref)
        note_label = QLabel("&Note:", self)
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.note)

        self.keep_btn = QPushButton("&Keep what is in place", self)
        self.apply_btn = QPushButton("&Apply the held change", self)
        self.keep_btn.clicked.connect(lambda: self.decide("keep"))
        self.apply_btn.clicked.connect(lambda: self.decide("apply"))
        actions = QHBoxLayout()
        actions.addWidget(self.keep_btn)
        actions.addWidget(self.apply_btn)
        actions.addStretch(1)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Outcome")

        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addLayout(sides)
        right.addWidget(self.outcomes)
        right.addLayout(form)
        right.addLayout(actions)
        right.addWidget(self.message)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(right, 2)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(body, 1)
        lay.addWidget(close)
        self.views: list[ConflictView] = []
        self.load()

    def load(self, keep: str | None = None) -> None:
        try:
            self.views = conflicts.open_conflicts(self.ws)
        except DoorstepError as exc:
            self.views = []
            self._say(str(exc), error=True)
        self.list.clear()
        for c in self.views:
            item = QListWidgetItem(
                f"{c.ref} · {c.what}\n{display_name(self.ws, c.author)}, "
                f"{_at(c.made_at, self.ws.today())}"
            )
            item.setData(Qt.ItemDataRole.UserRole, c.change_id)
            self.list.addItem(item)
        row = next((i for i, c in enumerate(self.views) if c.change_id == keep), 0)
        if self.views:
            self.list.setCurrentRow(row)
        self._show()

    def current(self) -> ConflictView | None:
        row = self.list.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _show(self) -> None:
        c = self.current()
        for w in (self.keep_btn, self.apply_btn, self.note):
            w.setEnabled(c is not None)
        asks_ref = c is not None and c.fact == "case reference"
        self.new_ref.setVisible(asks_ref)
        self.new_ref_label.setVisible(asks_ref)
        if c is None:
            self.heading.setText("No conflicts are waiting for a decision.")
            self.theirs.setText("")
            self.ours.setText("")
            self.outcomes.setText("")
            return
        now, held = describe(self.ws, c)
        self.heading.setText(f"<b>{c.ref}</b>: {c.what}")
        self.theirs.setText(now)
        self.ours.setText(held)
        self.outcomes.setText(outcomes(self.ws, c))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")

    def decide(self, choice: str) -> None:
        c = self.current()
        if c is None:
            return
        new_ref = self.new_ref.text().strip() or None
        if choice == "apply" and c.fact == "case reference" and not new_ref:
            self._say("Give the held case a new reference to open it under.", error=True)
            self.new_ref.setFocus()
            return
        try:
            conflicts.decide(self.ws, c.change_id, choice, self.note.text().strip(), new_ref)
        except DoorstepError as exc:
            self._say(str(exc), error=True)
            return
        done = "Kept what is in place" if choice == "keep" else "Applied the held change"
        then = " It is sent to the team server with the next sync." if self.on_laptop else ""
        self._say(f"{done} for {c.ref}.{then}")
        self.note.clear()
        self.new_ref.clear()
        self.sig_decided.emit(c.ref)
        self.load()
        self.list.setFocus()
