"""The first-run wizard on a fresh profile, and the Settings dialog: both fit a 1366×768 screen."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWizard

from app.errors import PermissionDenied
from app.services import setup
from app.services.officers import get_officer
from app.services.policies import homes_owned
from app.services.workspace import Actor, open_workspace
from app.ui.appearance import FONT_KEY
from app.ui.first_run import FirstRunWizard
from app.ui.settings_dialog import SettingsDialog
from tests.services.conftest import act_as

SMALL_SCREEN = (1366, 768)


@pytest.fixture
def fresh_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    assert setup.is_first_run()
    return tmp_path / "data"


@pytest.fixture
def qsettings(tmp_path, monkeypatch):
    """QSettings in a temporary folder, and the application font put back afterwards."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    font = QApplication.font()
    yield
    QApplication.setFont(font)


def _next(qtbot, wizard):
    before = wizard.currentId()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), _left())
    return wizard.currentId() != before


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def fill_wizard(wizard: FirstRunWizard, tmp_path) -> None:
    logo = tmp_path / "logo.png"
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1b6e3a"))
    image.save(str(logo))
    wizard.org.name.setText("Larkspur Homes")
    wizard.org.address.setPlainText("Larkspur House\n14 Fernbank Road\nLondon SE6 4ZZ")
    wizard.org.phone.setText("020 7946 0999")
    wizard.org.logo.setText(str(logo))


def test_the_wizard_sets_up_a_fresh_profile(qtbot, fresh_profile, tmp_path, qsettings):
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.width() <= SMALL_SCREEN[0] and wizard.height() <= SMALL_SCREEN[1]

    assert not _next(qtbot, wizard)  # an empty organisation page is refused, in words
    assert "organisation's name" in wizard.org.error.text()
    fill_wizard(wizard, tmp_path)
    assert _next(qtbot, wizard)

    assert wizard.policy.buttons["code-2024"].isChecked()  # the default
    assert not _next(qtbot, wizard)  # no homes given yet
    assert "at least 1" in wizard.policy.error.text()
    wizard.policy.homes.setValue(4200)
    wizard.policy.buttons["hexagon-4-stage"].setChecked(True)
    assert _next(qtbot, wizard)

    assert wizard.storage.local.isChecked() and not wizard.storage.url.isEnabled()
    wizard.storage.server.setChecked(True)
    wizard.storage.url.setText("postgresql+psycopg://a.khan:secret@db.example.org/doorstep")
    assert not _next(qtbot, wizard)
    assert "PGPASSWORD" in wizard.storage.error.text()
    wizard.storage.local.setChecked(True)
    assert _next(qtbot, wizard)

    qtbot.keyClicks(wizard.person.full_name, "Aisha Khan")
    assert wizard.person.username.text() == "a.khan"  # made from the name, not the login
    wizard.person.job_title.setText("Tenancy sustainment officer")
    wizard.person.role.setCurrentIndex(wizard.person.role.findData("manager"))
    assert _next(qtbot, wizard)
    assert "Larkspur Homes" in wizard.finish.summary.text()
    assert not setup.config_path().exists()  # nothing is written before Finish

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), _left())
    qtbot.waitUntil(lambda: wizard.profile is not None, timeout=20000)
    assert wizard.result() == QWizard.DialogCode.Accepted

    config = tomllib.loads(setup.config_path().read_text())
    assert config["database"]["kind"] == "sqlite"
    assert config["officer"]["username"] == "a.khan"
    ws = open_workspace(config["database"]["path"], actor=Actor("a.khan", "t"), create=False)
    try:
        me = get_officer(ws, "a.khan")
        assert (me.name, me.role) == ("Aisha Khan", "manager")
        assert ws.setting("organisation")["name"] == "Larkspur Homes"
        assert homes_owned(ws) == 4200
        assert ws.registry.default == "hexagon-4-stage"
    finally:
        ws.close()
    assert not (fresh_profile / "demo.sqlite").exists()  # not asked for


def test_cancel_leaves_nothing(qtbot, fresh_profile, tmp_path):
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    fill_wizard(wizard, tmp_path)
    assert _next(qtbot, wizard)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), _left())
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert setup.is_first_run()
    assert not fresh_profile.exists() or not any(fresh_profile.iterdir())


def test_settings_fit_change_font_and_closure_days(qtbot, office, qsettings):
    act_as(office, "p.natarajan")
    dialog = SettingsDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() <= SMALL_SCREEN[0] and dialog.height() <= SMALL_SCREEN[1]

    dialog.appearance.size.setValue(15)
    assert QApplication.font().pointSize() == 15
    assert int(QSettings().value(FONT_KEY)) == 15

    # the policy tab's table is the parsed policy's numbers
    texts = [(t.area, t.item, t.value) for t in dialog.policy.model.rows]
    assert ("Complaints — Stage 2", "Respond (from the acknowledgement)", "20 WD") in texts

    before = office.registry.get().version
    from app.ui.forms import to_qdate

    dialog.closures.day.setDate(to_qdate(dt.date(2025, 12, 29)))
    qtbot.mouseClick(dialog.closures.add_button, _left())
    with qtbot.waitSignal(dialog.sig_deadlines_changed):  # the cases' deadlines, in a worker
        qtbot.mouseClick(dialog.closures.save_button, _left())
    assert "Saved as version" in dialog.closures.status.text()
    policy = office.registry.get()
    assert policy.version == before + 1
    assert dt.date(2025, 12, 29) in policy.closure_days
    assert not policy.calendar.is_working_day(dt.date(2025, 12, 29))


def test_settings_are_read_only_for_an_officer(qtbot, office):
    act_as(office, "a.khan")
    dialog = SettingsDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    for tab in (dialog.organisation, dialog.policy, dialog.closures, dialog.homes):
        assert not tab.save_button.isEnabled()
        assert "Only a manager" in tab.refusal.text()
    assert not dialog.closures.add_button.isEnabled()
    assert dialog.organisation.name.isReadOnly()
    assert dialog.appearance.size.isEnabled()  # their own font size is theirs to choose
    # the service refuses even if the button were pressed
    dialog.closures.save()
    assert "Only a manager" in dialog.closures.status.text()
    assert office.registry.get().closure_days == ()


def test_a_manager_turns_on_the_record_of_case_reads(qtbot, office):
    act_as(office, "p.natarajan")
    dialog = SettingsDialog(office)
    qtbot.addWidget(dialog)
    assert not dialog.policy.read_log.isChecked()  # off in the shipped policy
    dialog.policy.read_log.setChecked(True)
    with qtbot.waitSignal(dialog.sig_deadlines_changed):  # a new version: deadlines re-derived
        qtbot.mouseClick(dialog.policy.save_button, _left())
    assert "case reads are recorded" in dialog.policy.status.text()
    assert office.registry.get().log_case_reads
    assert dialog.policy.read_log.isChecked()


def test_backups_kept_for_a_set_number_of_days_and_one_made_now(qtbot, office):
    from app.services.backups import backups_dir, keep_days

    act_as(office, "p.natarajan")
    dialog = SettingsDialog(office)
    qtbot.addWidget(dialog)
    dialog.backups.days.setValue(30)
    qtbot.mouseClick(dialog.backups.save_button, _left())
    assert keep_days(office) == 30
    qtbot.mouseClick(dialog.backups.now_button, _left())
    qtbot.waitUntil(lambda: "Backed up and verified" in dialog.backups.status.text(), timeout=20000)
    assert list(backups_dir(office.db.path).glob("*.sqlite"))


def test_an_officer_cannot_change_how_long_backups_are_kept(qtbot, office):
    from app.services.backups import keep_days, save_keep_days

    act_as(office, "a.khan")
    dialog = SettingsDialog(office)
    qtbot.addWidget(dialog)
    assert not dialog.backups.days.isEnabled() and not dialog.backups.save_button.isEnabled()
    with pytest.raises(PermissionDenied):
        save_keep_days(office, 2)
    assert keep_days(office) == 14
