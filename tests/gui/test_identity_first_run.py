"""The identity as the main window offers it: first run, menu, shortcuts, accessible names."""

from __future__ import annotations

from gui_helpers import PASSPHRASE, answer_by_button, make_creator
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from colophon.core.backup import write_backup
from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.gui.claim_actions import SETUP_LATER
from colophon.gui.identity_page import IdentityWindow
from colophon.gui.identity_wizard import IdentityWizard
from colophon.gui.tasks import TaskRunner


def test_first_run_opens_the_wizard_once_until_set_up(qtbot, make_window, sync_runner):
    window = make_window(sync_runner)
    window.claims.maybe_first_run()
    wizard = window.claims.wizard
    assert isinstance(wizard, IdentityWizard) and wizard.isVisible()
    qtbot.mouseClick(wizard.button(QWizard.CancelButton), Qt.LeftButton)
    assert window.claims.wizard is None
    assert window.settings.value(SETUP_LATER, False, bool)
    assert "Identity menu" in window.statusBar().currentMessage()
    window.claims.maybe_first_run()
    assert window.claims.wizard is None  # put off: not asked again
    window.claims.setup_action.trigger()  # but one menu item away
    assert window.claims.wizard is not None
    window.claims.wizard.reject()


def test_creating_with_the_real_runner_moves_on_by_itself(qtbot, make_window, home):
    runner = TaskRunner()
    window = make_window(runner)
    wizard = window.claims.open_wizard()
    qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)
    qtbot.keyClicks(wizard.form.name_edit, "Ada Lovelace")
    qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)
    refreshed = []
    window.claims.identity_changed.connect(lambda: refreshed.append(True))
    qtbot.mouseClick(wizard.button(QWizard.CommitButton), Qt.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.backup_page, timeout=10_000)
    assert refreshed == [True]
    assert Identity(Catalog.open(home)).require_key() is not None
    combo = window.inspector.terms_section.editor.row("cawg.ai_training").combo
    assert combo.itemText(0) == "As in your profile (No)"
    qtbot.mouseClick(wizard.button(QWizard.FinishButton), Qt.LeftButton)
    qtbot.waitUntil(lambda: window.claims.wizard is None)
    assert not window.settings.value(SETUP_LATER, False, bool)


def test_the_identity_menu_and_its_shortcut(qtbot, make_window, sync_runner, home):
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile("Ada Lovelace"), KeyLocation.keyring())
    window = make_window(sync_runner)
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert window.claims.identity_action in menus["&Identity"].actions()
    qtbot.keyClick(window.view.current_view, Qt.Key_I, Qt.ControlModifier)
    page = window.claims.identity_window
    assert isinstance(page, IdentityWindow) and page.isVisible()
    assert page.heading.text() == "Ada Lovelace"
    page.close()


def test_every_new_action_has_a_shortcut_and_every_control_a_name(make_window, sync_runner):
    window = make_window(sync_runner)
    claims = window.claims
    for action in (
        claims.export_action,
        claims.verify_action,
        claims.identity_action,
        claims.setup_action,
    ):
        assert not action.shortcut().isEmpty(), action.text()
        assert not action.icon().isNull() or action is claims.setup_action
    wizard = claims.open_wizard()
    for edit in (wizard.form.name_edit, wizard.form.email_edit, wizard.form.channel_edit):
        assert edit.accessibleName()
    for row in wizard.form.terms.rows:
        assert row.combo.accessibleName() and row.condition.accessibleName()
    wizard.reject()
    inspector = window.inspector
    assert inspector.terms_section.accessibleName()
    assert inspector.export_history.label.accessibleName()


def test_setting_up_with_an_identity_here_says_so_at_once(qtbot, make_window, sync_runner, home):
    # Not after filling in the wizard's pages: the wizard would only refuse at the end.
    with Catalog.open(home) as catalog:
        identity = Identity(catalog)
        identity.create(Profile("Ada Lovelace"), KeyLocation.keyring())
        fingerprint = identity.require_key().fingerprint
    window = make_window(sync_runner)
    said = answer_by_button(qtbot, "Open Your identity")
    window.claims.setup_action.trigger()
    assert window.claims.wizard is None
    assert said and "already have an identity" in said[0] and fingerprint in said[0]
    page = window.claims.identity_window
    assert isinstance(page, IdentityWindow) and page.isVisible()
    page.close()


def test_after_restoring_a_backup_the_profile_is_shown_to_set_terms_again(
    qtbot, make_window, sync_runner, home, tmp_path
):
    # A backup holds the key only: the terms and payment start from the defaults.
    other, _ids = make_creator(tmp_path / "old-computer")
    with Catalog.open(other) as catalog, Identity(catalog).signing() as private:
        write_backup(private, tmp_path / "backup.key", PASSPHRASE)
    window = make_window(sync_runner)
    wizard = window.claims.open_wizard()
    wizard.intro_page.restore_radio.click()
    wizard.next()
    wizard.restore_page.file.edit.setText(str(tmp_path / "backup.key"))
    qtbot.keyClicks(wizard.restore_page.secret, PASSPHRASE)
    qtbot.keyClicks(wizard.restore_page.name, "Ada Lovelace")
    qtbot.mouseClick(wizard.button(QWizard.FinishButton), Qt.LeftButton)

    page = window.claims.identity_window
    assert isinstance(page, IdentityWindow) and page.isVisible()
    assert page.tabs.currentIndex() == 0
    assert "check your terms for AI and how to be paid" in page.notice.text()
    page.close()
