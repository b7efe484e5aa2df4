"""Each Alt+letter in a window leads to one place: no two visible labels, buttons, tabs or menus
share a letter (Qt would then only cycle between them, and a typed digit may land nowhere)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from gui_helpers import make_creator, select_rows
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar, QWidget

from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.gui.contacts_window import ContactsWindow
from colophon.gui.identity_page import IdentityWindow
from colophon.gui.identity_wizard import IdentityWizard
from colophon.gui.key_dialogs import BackupDialog, RevokeDialog, RotateDialog
from colophon.gui.passphrase_dialog import PassphraseDialog
from colophon.gui.trust_dialog import TrustDialog
from colophon.gui.verify_window import VerifyWindow


def _letter(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Each letter the visible controls of ``window`` answer to, with their texts."""
    found: dict[str, list[str]] = defaultdict(list)

    def note(text: str) -> None:
        if letter := _letter(text):
            found[letter].append(text)

    for button in window.findChildren(QAbstractButton):
        if button.isVisibleTo(window):
            note(button.text())
    for label in window.findChildren(QLabel):
        if label.isVisibleTo(window) and label.buddy() is not None:
            note(label.text())
    for tabs in window.findChildren(QTabBar):
        if tabs.isVisibleTo(window):
            for i in range(tabs.count()):
                note(tabs.tabText(i))
    for box in window.findChildren(QGroupBox):
        if box.isVisibleTo(window) and box.isCheckable():
            note(box.title())
    for bar in window.findChildren(QMenuBar):
        for action in bar.actions():
            note(action.text())
    return dict(found)


def shared_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """The letters that more than one visible control of ``window`` answers to."""
    return {letter: texts for letter, texts in mnemonics(window).items() if len(texts) > 1}


@pytest.fixture
def creator_home(tmp_path):
    home, _ids = make_creator(tmp_path / "ada")
    return home


def shown(qtbot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_identity_window_has_one_control_per_letter_on_each_tab(
    qtbot, creator_home, sync_runner
):
    window = shown(qtbot, IdentityWindow(creator_home, sync_runner))
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        assert shared_mnemonics(window) == {}, window.tabs.tabText(tab)


def test_the_amount_label_leads_to_the_amount_field(qtbot, creator_home, sync_runner):
    window = shown(qtbot, IdentityWindow(creator_home, sync_runner))
    window.tabs.setCurrentIndex(0)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    form = window.form
    form.model_combo.setCurrentIndex(form.model_combo.findData("perUse"))
    form.name_edit.setFocus()
    qtbot.waitUntil(form.name_edit.hasFocus)
    qtbot.keyClick(window, Qt.Key_M, Qt.AltModifier)
    assert form.amount_edit.hasFocus()
    qtbot.keyClick(form.amount_edit, Qt.Key_Tab)  # and on, once
    assert form.currency_edit.hasFocus()
    with Catalog.open(creator_home) as catalog:  # nothing left to ask about on closing
        form.set_profile(Identity(catalog).profile())


def test_the_wizard_and_key_dialogs_have_one_control_per_letter(qtbot, tmp_path, home, sync_runner):
    wizard = shown(qtbot, IdentityWizard(home, sync_runner))
    for _ in range(6):
        assert shared_mnemonics(wizard) == {}, wizard.currentPage().title()
        if not wizard.button(IdentityWizard.NextButton).isEnabled():
            break
        wizard.next()
    for dialog in (
        BackupDialog(tmp_path / "backup.key"),
        RevokeDialog("ABCD EF01", tmp_path / "revocation.json"),
        RotateDialog(False, tmp_path / "new.key"),
    ):
        assert shared_mnemonics(shown(qtbot, dialog)) == {}, type(dialog).__name__


#: the letters of the details panel: Title, Created, tAgs, Description, cOntributors, add
#: coNtributor, the four uses (Used to train AI, Generative, inPut, Mined), Save, Revert
INSPECTOR_LETTERS = "tcadonugpmsr"


def test_the_trust_and_passphrase_dialogs_have_one_control_per_letter(qtbot, tmp_path):
    trust = shown(qtbot, TrustDialog("Ada Lovelace", "ab" * 32))
    assert "f" in mnemonics(trust) and shared_mnemonics(trust) == {}
    unlock = shown(qtbot, PassphraseDialog(tmp_path / "signing.key", "To sign your claim"))
    assert "p" in mnemonics(unlock) and shared_mnemonics(unlock) == {}
    for dialog in (BackupDialog(tmp_path / "b.key"), RotateDialog(False, tmp_path / "n.key")):
        letters = mnemonics(shown(qtbot, dialog))
        assert set("sa") <= set(letters) and shared_mnemonics(dialog) == {}, letters


def test_the_key_file_pages_of_the_wizard_have_one_control_per_letter(
    qtbot, home, sync_runner, no_keyring
):
    wizard = shown(qtbot, IdentityWizard(home, sync_runner))
    wizard.page(wizard.currentId()).restore_radio.setChecked(True)  # the restore page, whose
    wizard.next()  # backup passphrase (P) sits above the new key file's passphrase
    assert set("psa") <= set(mnemonics(wizard)), mnemonics(wizard)
    assert shared_mnemonics(wizard) == {}


def test_the_contacts_window_has_one_control_per_letter(qtbot, home, sync_runner):
    assert shared_mnemonics(shown(qtbot, ContactsWindow(home, sync_runner))) == {}


def test_the_main_window_with_a_work_selected_and_the_verify_window_too(
    qtbot, make_window, registered, sync_runner, home, tmp_path
):
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile("Ada Lovelace"), KeyLocation.keyring())
    window = make_window(sync_runner)
    for rows in ([0], [0, 1]):  # one work, then several: the details panel shows its fields
        select_rows(qtbot, window, rows)
        letters = mnemonics(window)
        assert set(INSPECTOR_LETTERS) <= set(letters), sorted(letters)
        assert shared_mnemonics(window) == {}
    window.claims.export_action.trigger()
    dialog = window.claims.export_dialog
    assert dialog is not None and set("sl") <= set(mnemonics(dialog))
    assert shared_mnemonics(dialog) == {}
    dialog.reject()
    claim = tmp_path / "claim.colophon"
    claim.write_bytes(b"not a claim: the window says why")
    assert shared_mnemonics(shown(qtbot, VerifyWindow(claim, home, sync_runner))) == {}
