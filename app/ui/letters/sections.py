"""The editor's sections list: names, states, the Enter key, and the guidance shown beside the text."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTableView

SECTION_NAMES = {
    "opening": "Opening",
    "closing": "Closing",
    "actions": "Actions we will take",
    "money": "Compensation offered",
}
WHEN_WORDS = {"outstanding": "if actions", "compensation": "if offered"}


def section_name(spec) -> str:
    return spec.heading or SECTION_NAMES.get(spec.key, spec.key.replace("_", " ").capitalize())


class SectionsView(QTableView):
    """The sections list: Enter (or Return) goes to the section's text."""

    sig_enter = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.sig_enter.emit()
            return
        super().keyPressEvent(event)


@dataclass(frozen=True)
class SectionRow:
    key: str
    title: str
    state: str


def guidance_html(heading: str, guidance: str, example: str) -> str:
    paras = "".join(
        f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in guidance.split("\n\n") if p.strip()
    )
    ex = "".join(
        f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in example.split("\n\n") if p.strip()
    )
    return (
        f"<h3 style='margin:0'>Guidance: {escape(heading)}</h3>"
        "<p style='color:#5f6368'><i>For you, never printed.</i></p>"
        f"{paras}<h4>An example</h4><div style='background:#f3f6f9; padding:4px'>{ex}</div>"
    )
