"""The Help menu: the guide, the keyboard shortcuts read from the live window, About."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMenu, QTextBrowser

from app.paths import resources_dir
from app.ui.help.about import AboutDialog
from app.ui.help.guide import GuideDialog, load_topics
from app.ui.help.shortcuts import (
    NO_DESCRIPTION,
    Shortcut,
    ShortcutsDialog,
    collect_shortcuts,
    mark_clashes,
    mnemonic,
)
from app.ui.main_window import MainWindow
from tests.ui.keyboard import alt, focused, shown

TOPICS = [
    "Your day in Doorstep",
    "Log a contact",
    "Run a complaint",
    "Agree an ASB action plan",
    "Issue a letter",
    "Out of office and cover",
    "Visit mode",
]


def _window(qtbot, ws) -> MainWindow:
    return shown(qtbot, MainWindow(ws))


def _help_menu(window: MainWindow) -> QMenu:
    (menu,) = [m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Help"]
    return menu


def _open(qtbot, window, key: str, kind):
    window.help_actions[key].trigger()
    dialog = window.findChild(kind)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # activation is queued
    return dialog


def test_the_help_menu_has_its_three_items_with_unique_mnemonics(qtbot, office):
    w = _window(qtbot, office)
    texts = [a.text() for a in _help_menu(w).actions()]
    assert texts == ["&Guide", "&Keyboard shortcuts", "&About Doorstep"]
    letters = [mnemonic(t) for t in texts]
    assert len(set(letters)) == len(letters)
    menus = [mnemonic(a.text()) for a in w.menuBar().actions()]
    assert menus.count("H") == 1
    assert w.help_actions["guide"].shortcut() == QKeySequence("F1")


def test_the_guide_opens_with_f1_and_shows_every_topic(qtbot, office):
    w = _window(qtbot, office)
    qtbot.keyClick(focused(), Qt.Key.Key_F1)
    dialog = w.findChild(GuideDialog)
    assert dialog is not None and dialog.isVisible()
    model = dialog.list.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == TOPICS
    # the first topic is rendered from its Markdown, not shown as source
    assert "case inbox" in dialog.text.toPlainText()
    assert "**" not in dialog.text.toPlainText()
    for row, title in enumerate(TOPICS):
        dialog.select(row)
        text = dialog.text.toPlainText()
        assert text.startswith(title) and len(text) > 300, title
    assert dialog.select_slug("run-a-complaint")
    assert "escalation" in dialog.text.toPlainText().lower()
    html = dialog.text.toHtml()
    assert "<table" in html  # the stage table is a real table


def test_guide_topics_are_keyboard_driven(qtbot, office):
    w = _window(qtbot, office)
    dialog = _open(qtbot, w, "guide", GuideDialog)
    assert focused() is dialog.list
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.text.toPlainText().startswith("Log a contact")
    alt(qtbot, "r")
    assert isinstance(focused(), QTextBrowser)
    alt(qtbot, "t")
    assert focused() is dialog.list


def test_guide_text_comes_from_the_resource_files():
    topics = load_topics()
    files = sorted((resources_dir() / "help").glob("*.md"))
    assert [t.markdown for t in topics] == [p.read_text(encoding="utf-8") for p in files]
    assert "Ctrl+L" in topics[1].markdown


def test_the_guide_says_so_when_its_files_are_missing(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr("app.ui.help.guide.resources_dir", lambda: tmp_path)
    dialog = GuideDialog()
    qtbot.addWidget(dialog)
    assert dialog.list.model().rowCount() == 0
    assert "missing" in dialog.text.toPlainText()


def _rows(dialog: ShortcutsDialog):
    return [(s.keys, s.does, s.where) for s in dialog.rows_shown()]


def test_the_shortcuts_table_lists_what_the_window_really_registers(qtbot, office):
    w = _window(qtbot, office)
    dialog = _open(qtbot, w, "shortcuts", ShortcutsDialog)
    rows = _rows(dialog)
    assert ("Ctrl+F", "Search", "View menu") in rows
    assert ("Ctrl+K", "Quick filter", "View menu") in rows
    assert ("F1", "Guide", "Help menu") in rows
    assert ("Alt+H", "Open the Help menu", "Menu bar") in rows
    # a case tab's keys, from a case view built for the case selected in the inbox
    assert ("Ctrl+L", "Log a contact", "Case") in rows
    assert ("Alt+G", "Log contact", "Case") in rows
    assert any(r[2] == "Case › Complaints" for r in rows)
    assert any(r[0] == "Alt+S" and r[2] == "Inbox" for r in rows)
    assert not [r for r in rows if r[1] == NO_DESCRIPTION]
    menu_item = next(s for s in dialog.rows_shown() if s.does == "Out of office")
    assert menu_item.keys == "" and menu_item.menu_keys == "Alt+F, O"
    # the filter narrows the list
    dialog.filter.setText("ctrl+shift")
    assert {r[1] for r in _rows(dialog)} >= {
        "Sign in as someone else",
        "Approval queue",
        "Batch letters",
    }
    assert all("Ctrl+Shift" in r[0] for r in _rows(dialog))


def test_the_list_follows_the_window_so_it_cannot_drift(qtbot, office):
    w = _window(qtbot, office)
    extra = QAction("Do something new", w)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    w.addAction(extra)
    assert ("Ctrl+Alt+J", "Do something new", "Main window") in [
        (s.keys, s.does, s.where) for s in collect_shortcuts(w)
    ]


def test_keys_that_do_two_things_at_once_are_flagged():
    rows = mark_clashes(
        [
            Shortcut("Alt+L", "Open the Letters menu", "Menu bar"),
            Shortcut("Alt+L", "Log contact", "Case"),
            Shortcut("Alt+N", "New letter", "Case › Letters"),
            Shortcut("Alt+N", "New request", "Case › ASB"),  # sibling tabs: never both
            Shortcut("Alt+S", "Go to Show", "Inbox"),
            Shortcut("Alt+S", "Reassign", "Case"),  # inbox and case: never both
            Shortcut("F5", "Refresh", "View menu"),
            Shortcut("F5", "Refresh complaints", "Case › Complaints"),
            Shortcut("", "Out of office", "File menu", "Alt+F, O"),
            Shortcut("Ctrl+Shift+U", "Switch officer", "File menu", "Alt+F, O"),
        ]
    )
    clashes = {(r.does, r.where): r.clashes for r in rows}
    assert clashes[("Log contact", "Case")] == "Open the Letters menu (Menu bar)"
    assert clashes[("Open the Letters menu", "Menu bar")] == "Log contact (Case)"
    assert clashes[("Refresh complaints", "Case › Complaints")] == "Refresh (View menu)"
    assert clashes[("New letter", "Case › Letters")] == ""
    assert clashes[("Reassign", "Case")] == ""
    assert clashes[("Out of office", "File menu")] == "Switch officer (File menu, same menu letter)"


def test_a_clash_in_the_live_window_shows_in_the_table(qtbot, office):
    w = _window(qtbot, office)
    extra = QAction("Another quick thing", w)
    extra.setShortcut(QKeySequence("Ctrl+K"))
    w.addAction(extra)
    dialog = _open(qtbot, w, "shortcuts", ShortcutsDialog)
    row = next(s for s in dialog.rows_shown() if s.does == "Quick filter")
    assert row.clashes == "Another quick thing (Main window)"


def test_an_open_case_is_read_as_it_is(qtbot, office):
    w = _window(qtbot, office)
    w.open_case("ASB-1")
    rows = [(s.keys, s.does, s.where) for s in collect_shortcuts(w)]
    assert ("Ctrl+L", "Log a contact", "Case") in rows
    assert any(r[2] == "Case › ASB" for r in rows)
    assert ("Alt+B", "Show the ASB tab", "Case") in rows


def _texts(dialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_about_shows_versions_and_never_the_database_password(qtbot, office, monkeypatch):
    monkeypatch.setattr(office.db, "url", "postgresql+psycopg://u:secret@h/db")
    monkeypatch.setattr(office.db, "path", None)
    w = _window(qtbot, office)
    dialog = _open(qtbot, w, "about", AboutDialog)
    shown_text = _texts(dialog)
    for name in ("Doorstep", "Python", "Qt", "PySide6", "SQLAlchemy", "reportlab"):
        assert dialog.values[name].text()[0].isdigit(), name
    assert "postgresql+psycopg://u@h/db" in shown_text
    assert "Data directory" in shown_text
    assert "secret" not in shown_text
    alt(qtbot, "c")
    copied = QApplication.clipboard().text()
    assert "SQLAlchemy: 2." in copied and "Database: postgresql+psycopg://u@h/db" in copied
    assert "secret" not in copied
    assert dialog.copied.text() == "Copied to the clipboard."


def test_about_names_a_database_file_by_its_path(qtbot, office):
    dialog = AboutDialog(office)
    qtbot.addWidget(dialog)
    assert dialog.values["Database"].text() == f"{office.db.path} (demo)"  # the office fixture


def test_every_help_dialog_fits_a_small_laptop_screen(qtbot, office):
    w = _window(qtbot, office)
    for key, kind in (
        ("guide", GuideDialog),
        ("shortcuts", ShortcutsDialog),
        ("about", AboutDialog),
    ):
        dialog = _open(qtbot, w, key, kind)
        size = dialog.frameGeometry().size()
        assert size.width() <= 1366 and size.height() <= 768 - 40, (key, size)
        hint = dialog.sizeHint()
        assert hint.width() <= 1366 and hint.height() <= 728, (key, hint)
        buttons = [b.text() for b in dialog.findChildren(QAbstractButton) if b.text()]
        assert all(mnemonic(b) for b in buttons), (key, buttons)
        labels = [x.text() for x in dialog.findChildren(QLabel) if x.buddy() is not None]
        letters = [m for c in buttons + labels if (m := mnemonic(c))]
        assert len(set(letters)) == len(letters), (key, letters)
        dialog.close()
