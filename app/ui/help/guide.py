"""The built-in guide: topics on the left, the chosen topic on the right.

The text is Markdown in ``resources/help/`` (one file a topic, shown in file-name order,
titled by its first ``# `` heading), rendered by QTextBrowser, so it can be edited
without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QStringListModel, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.paths import resources_dir
from app.ui.fit import fit_window


@dataclass(frozen=True)
class HelpTopic:
    slug: str
    title: str
    markdown: str


def help_dir() -> Path:
    return resources_dir() / "help"


def load_topics(folder: Path | None = None) -> list[HelpTopic]:
    """Every ``*.md`` file of the help folder, in file-name order."""
    folder = folder or help_dir()
    topics = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        title = first[2:].strip() if first.startswith("# ") else path.stem
        slug = path.stem.split("-", 1)[-1]
        topics.append(HelpTopic(slug, title, text))
    return topics


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, topics: list[HelpTopic] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Doorstep guide")
        self.setObjectName("guide")
        fit_window(self, 980, 620, "guide")
        self.topics = load_topics() if topics is None else topics

        self.list = QListView(self)
        self.list.setObjectName("guide_topics")
        self.list.setAccessibleName("Guide topics")
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setModel(QStringListModel([t.title for t in self.topics], self))
        self.list.setFixedWidth(250)
        topics_label = QLabel("&Topics", self)
        topics_label.setBuddy(self.list)

        self.text = QTextBrowser(self)
        self.text.setObjectName("guide_text")
        self.text.setAccessibleName("Guide text")
        self.text.setOpenExternalLinks(False)
        text_label = QLabel("&Read", self)
        text_label.setBuddy(self.text)

        left = QVBoxLayout()
        left.addWidget(topics_label)
        left.addWidget(self.list, 1)
        right = QVBoxLayout()
        right.addWidget(text_label)
        right.addWidget(self.text, 1)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

        self.list.selectionModel().currentChanged.connect(
            lambda cur, _prev: self.show_topic(cur.row())
        )
        if self.topics:
            self.select(0)
        else:
            self.text.setPlainText(
                f"The guide's files are missing: no topics were found in {help_dir()}."
            )
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def select(self, row: int) -> None:
        index = self.list.model().index(row, 0)
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.show_topic(row)

    def select_slug(self, slug: str) -> bool:
        for row, topic in enumerate(self.topics):
            if topic.slug == slug:
                self.select(row)
                return True
        return False

    def show_topic(self, row: int) -> None:
        if 0 <= row < len(self.topics):
            self.text.setMarkdown(self.topics[row].markdown)
            self.text.verticalScrollBar().setValue(0)


def open_guide(window: QWidget) -> GuideDialog:
    """Show the guide beside the window (one at a time), without blocking it."""
    dialog = window.findChild(GuideDialog)
    if dialog is None:
        dialog = GuideDialog(window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
