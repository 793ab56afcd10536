"""The stage track: each stage of the complaint with its dates, readable without colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.complaints.views import StageView, Step

MARKS = {
    "done": ("✓", "#1b6e3a"),
    "late": ("⚠", "#b3261e"),
    "missed": ("✗", "#b3261e"),
    "overdue": ("✗", "#b3261e"),
    "due": ("◷", "#a16207"),
    "info": ("•", "#5f6368"),
}


def step_text(step: Step) -> str:
    mark, _ = MARKS.get(step.state, ("•", ""))
    return f"{mark} {step.text}"


class StageTrack(QWidget):
    """One column per stage; each step a keyboard-selectable line (symbol + words + colour)."""

    def __init__(self, parent: QWidget | None = None, names=None):
        super().__init__(parent)
        self.setAccessibleName("Stage track")
        self.names = names or (lambda username: username)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.step_labels: list[QLabel] = []

    def set_stages(self, stages: tuple[StageView, ...], current: int | None = None) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            old = item.widget()
            if old is not None:
                old.hide()
                old.setParent(None)
                old.deleteLater()
        self.step_labels = []
        words = []
        for i, stage in enumerate(stages):
            frame = QFrame(self)
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            is_current = i == len(stages) - 1
            frame.setStyleSheet(
                "QFrame { border: 2px solid #1a73e8; border-radius: 4px; }"
                if is_current
                else "QFrame { border: 1px solid #c4c7c5; border-radius: 4px; }"
            )
            col = QVBoxLayout(frame)
            who = []
            if stage.handler:
                who.append(f"handler {self.names(stage.handler)}")
            if stage.decided_by:
                who.append(f"decided by {self.names(stage.decided_by)}")
            title = QLabel(
                f"<b>{stage.label}</b>" + (f"<br><small>{' · '.join(who)}</small>" if who else ""),
                frame,
            )
            title.setStyleSheet("border: none;")
            title.setAccessibleName(f"{stage.label}" + (f", {', '.join(who)}" if who else ""))
            col.addWidget(title)
            for step in stage.steps:
                mark, colour = MARKS.get(step.state, ("•", "#5f6368"))
                label = QLabel(step_text(step), frame)
                label.setWordWrap(True)
                label.setStyleSheet(f"border: none; color: {colour};")
                label.setAccessibleName(f"{stage.label}: {step.text}")
                label.setTextInteractionFlags(
                    Qt.TextInteractionFlag.TextSelectableByKeyboard
                    | Qt.TextInteractionFlag.TextSelectableByMouse
                )
                label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                col.addWidget(label)
                self.step_labels.append(label)
                words.append(f"{stage.label}: {step.text}")
            col.addStretch(1)
            self._layout.addWidget(frame, 1)
            frame.show()
        self.setAccessibleDescription("; ".join(words))


__all__ = ["StageTrack", "step_text"]
