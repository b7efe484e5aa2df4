"""The identity window: profile edits, fingerprint, backup with a key file, card, rotate, revoke."""

from __future__ import annotations

import errno
import gc
import json
import os
from types import SimpleNamespace

import pytest
from gui_helpers import PASSPHRASE, answer_dialog
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLabel

from colophon.core import fsutil
from colophon.core.backup import read_backup
from colophon.core.card import parse_card
from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keyevents import parse_event
from colophon.core.keys import key_id
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.gui.identity_page import IdentityWindow
from colophon.gui.key_dialogs import BackupDialog, RevokeDialog, RotateDialog
from colophon.gui.passphrase_dialog import ERROR_STYLE, PassphraseDialog
from colophon.gui.profile_form import bank_address
from colophon.gui.tasks import TaskRunner


def answer_passphrase(qtbot, dialog, text: str, prompts: list[str]) -> None:
    """Type ``text`` into a passphrase prompt and unlock; ``prompts`` gets what it said first."""
    assert isinstance(dialog, PassphraseDialog)
    prompts.append(dialog.error_label.text())
    qtbot.keyClicks(dialog.edit, text)
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)


def identity_of(home):
    return Identity(Catalog.open(home))


@pytest.fixture
def window(qtbot, home, sync_runner):
    def make(location=None, passphrase=None):
        with Catalog.open(home) as catalog:
            Identity(catalog).create(
                Profile("Ada Lovelace", email="ada@example.org"),
                location or KeyLocation.keyring(),
                passphrase,
            )
        w = IdentityWindow(home, sync_runner)
        qtbot.addWidget(w)
        w.show()
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow)
        w.show_key_tab()  # most tests act on the key
        return w

    return make


def test_shows_the_fingerprint_in_groups_and_copies_it(qtbot, window, home):
    w = window()
    key = identity_of(home).require_key()
    assert w.heading.text() == "Ada Lovelace"
    lines = w.key_tab.fingerprint.text().split("\n")
    assert [len(line.split()) for line in lines] == [4, 4]
    assert w.key_tab.location.text() == "The system keyring"
    qtbot.mouseClick(w.key_tab.copy_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == key.fingerprint
    assert w.key_tab.history.isHidden()  # no earlier keys


def test_editing_the_profile_is_validated_then_saved(qtbot, window, home):
    w = window()
    w.tabs.setCurrentIndex(0)
    assert not w.save_button.isEnabled()
    w.form.website_edit.setFocus()
    qtbot.keyClicks(w.form.website_edit, "ftp://ada.example")
    qtbot.mouseClick(w.save_button, Qt.LeftButton)
    assert w.profile_error.text().startswith("Website:")
    assert identity_of(home).profile().website is None
    w.form.website_edit.clear()
    qtbot.keyClicks(w.form.website_edit, "ada.example")
    qtbot.keyClick(w.form.website_edit, Qt.Key_S, Qt.ControlModifier)  # the Save shortcut
    assert w.profile_error.text() == ""
    assert identity_of(home).profile().website == "https://ada.example"
    assert "saved" in w.notice.text()
    qtbot.keyClicks(w.form.name_edit, " Jr")  # edited again: "saved" is no longer true
    assert "saved" not in w.notice.text() and w.save_button.isEnabled()
    w.form.set_profile(identity_of(home).profile())  # nothing left to ask about on closing


def test_backup_with_a_key_file_asks_its_passphrase_again_when_wrong(qtbot, window, home, tmp_path):
    w = window(KeyLocation.file(tmp_path / "Keys" / "signing.key"), PASSPHRASE)
    assert w.key_tab.location.text() == f"The key file {tmp_path / 'Keys' / 'signing.key'}"
    target = tmp_path / "backup.key"
    prompts = []

    def passphrase(dialog, text):
        answer_passphrase(qtbot, dialog, text, prompts)

    def backup(dialog):
        assert isinstance(dialog, BackupDialog)
        assert not dialog.ok_button.isEnabled()
        dialog.file.edit.setText(str(target))
        qtbot.keyClicks(dialog.passphrase.first, "another good passphrase")
        qtbot.keyClicks(dialog.passphrase.second, "another good passphrase")
        answer_dialog(qtbot, lambda d: (passphrase(d, "not it at all"), answer_again()))
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    def answer_again():
        answer_dialog(qtbot, lambda d: passphrase(d, PASSPHRASE))

    answer_dialog(qtbot, backup)
    qtbot.mouseClick(w.key_tab.backup_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: target.exists())
    assert prompts == ["", "That passphrase does not open the key file. Please try again."]
    keyid = identity_of(home).require_key().keyid
    assert key_id(read_backup(target, "another good passphrase").public_key()) == keyid
    assert str(target) in w.notice.text()
    assert w.show_folder_button.isVisible()


def test_export_public_card_writes_card_and_key(qtbot, window, home, tmp_path, monkeypatch):
    w = window()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(w.key_tab.card_button, Qt.LeftButton)
    card = parse_card((tmp_path / "Ada-Lovelace-identity-card.json").read_bytes())
    assert card.key.keyid == identity_of(home).require_key().keyid
    assert card.profile.display_name == "Ada Lovelace"
    assert "BEGIN PUBLIC KEY" in (tmp_path / "Ada-Lovelace-public-key.pub").read_text()
    qtbot.mouseClick(w.show_folder_button, Qt.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(tmp_path)]


def test_a_key_action_that_fails_in_the_background_says_why_and_frees_the_buttons(
    qtbot, home, tmp_path, monkeypatch
):
    # With the real, threaded runner the failure arrives after the action has returned: it must
    # still be shown, and the key buttons enabled again.
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile("Ada Lovelace"), KeyLocation.keyring())
    runner = TaskRunner()
    w = IdentityWindow(home, runner)
    qtbot.addWidget(w)
    w.show()
    w.show_key_tab()
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("in the way")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(not_a_folder))

    qtbot.mouseClick(w.key_tab.card_button, Qt.LeftButton)
    gc.collect()
    qtbot.waitUntil(lambda: w.notice.text() != "", timeout=10_000)

    assert str(not_a_folder) in w.notice.text()
    assert w.key_tab.card_button.isEnabled() and w.key_tab.backup_button.isEnabled()
    runner.shutdown()


def test_replacing_the_key_keeps_the_old_one_in_the_history(qtbot, window, home):
    w = window()
    old = identity_of(home).require_key()

    def confirm(dialog):
        assert isinstance(dialog, RotateDialog)
        qtbot.keyClicks(dialog.comment, "yearly change")
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    answer_dialog(qtbot, confirm)
    qtbot.mouseClick(w.key_tab.rotate_button, Qt.LeftButton)
    new = identity_of(home).require_key()
    assert new.keyid != old.keyid
    assert w.key_tab.fingerprint_text() == new.fingerprint
    assert w.key_tab.history.rowCount() == 1
    assert w.key_tab.history.item(0, 0).text() == old.fingerprint
    assert w.key_tab.history.item(0, 1).text() == "Replaced"
    assert new.fingerprint in w.notice.text()


def test_a_key_kept_in_a_file_is_replaced_by_one_in_a_file(qtbot, window, home, tmp_path):
    w = window(KeyLocation.file(tmp_path / "Keys" / "signing.key"), PASSPHRASE)
    seen = []

    def look(dialog):
        assert isinstance(dialog, RotateDialog)
        seen.append(
            (
                dialog.key_file is not None,
                [label.text() for label in dialog.findChildren(QLabel)],
            )
        )
        dialog.reject()

    answer_dialog(qtbot, look)
    qtbot.mouseClick(w.key_tab.rotate_button, Qt.LeftButton)
    [(asks_for_a_file, texts)] = seen
    assert asks_for_a_file  # never moved into the keyring unasked, though one is there
    assert any("kept in a key file, as your current one is" in t for t in texts)
    assert any("revoke it instead" in t for t in texts)
    assert identity_of(home).require_key().location.kind == "file"


def test_an_earlier_key_is_revoked_from_the_history(qtbot, window, home, tmp_path):
    w = window()
    old = identity_of(home).require_key()
    answer_dialog(qtbot, lambda d: qtbot.mouseClick(d.ok_button, Qt.LeftButton))
    qtbot.mouseClick(w.key_tab.rotate_button, Qt.LeftButton)  # old is an earlier key now
    tab = w.key_tab
    assert tab.revoke_earlier_button.isVisible() and not tab.revoke_earlier_button.isEnabled()
    tab.history.selectRow(0)
    assert tab.revoke_earlier_button.isEnabled()
    statement = tmp_path / "old-key-revoked.json"

    def revoke(dialog):
        assert isinstance(dialog, RevokeDialog)
        assert any(old.fingerprint in label.text() for label in dialog.findChildren(QLabel))
        dialog.reasons.buttons()[0].click()  # lost or stolen
        dialog.file.edit.setText(str(statement))
        dialog.understood.click()
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    answer_dialog(qtbot, revoke)
    qtbot.mouseClick(tab.revoke_earlier_button, Qt.LeftButton)
    qtbot.waitUntil(statement.exists, timeout=10_000)
    records = identity_of(home).keys()
    keys = {k.keyid: k for k in records}
    assert (keys[old.keyid].status, keys[old.keyid].reason) == ("revoked", "compromised")
    assert identity_of(home).require_key().keyid != old.keyid  # the active key signs on
    assert "To sign again" not in w.notice.text()
    qtbot.waitUntil(lambda: tab.history.item(0, 1).text().startswith("Revoked"))
    tab.history.selectRow(0)
    assert not tab.revoke_earlier_button.isEnabled()  # compromised already: nothing to add


def test_revoking_warns_asks_a_reason_and_saves_the_statement(qtbot, window, home, tmp_path):
    w = window()
    key = identity_of(home).require_key()
    statement = tmp_path / "revocation.json"
    setup = []
    w.setup_requested.connect(lambda: setup.append(True))

    def revoke(dialog):
        assert isinstance(dialog, RevokeDialog)
        assert not dialog.ok_button.isEnabled()
        assert any("cannot be undone" in label.text() for label in dialog.findChildren(QLabel))
        dialog.reasons.buttons()[0].click()  # lost or stolen
        dialog.file.edit.setText(str(statement))
        assert not dialog.ok_button.isEnabled()  # not confirmed yet
        assert "Tick the box" in dialog.error.text()
        dialog.understood.click()
        assert dialog.ok_button.isEnabled()
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    answer_dialog(qtbot, revoke)
    qtbot.mouseClick(w.key_tab.revoke_button, Qt.LeftButton)
    event = parse_event(json.loads(statement.read_text()))
    assert (event.event, event.reason, event.keyid) == ("revocation", "compromised", key.keyid)
    assert identity_of(home).active_key() is None
    assert w.key_tab.none_label.isVisible()
    assert "revoked" in w.key_tab.none_label.text()
    assert w.key_tab.history.item(0, 1).text() == "Revoked (lost or stolen)"
    qtbot.mouseClick(w.key_tab.setup_button, Qt.LeftButton)
    assert setup == [True]


def test_a_key_gone_with_its_computer_is_revoked_with_its_backup(qtbot, window, home, tmp_path):
    # The key file is lost (an old computer); its backup signs the revocation, after a wrong
    # passphrase is asked for again.
    key_file = tmp_path / "Keys" / "signing.key"
    w = window(KeyLocation.file(key_file), PASSPHRASE)
    key = identity_of(home).require_key()
    backup = tmp_path / "backup.key"
    identity_of(home).backup(backup, "another good passphrase", lambda _request: PASSPHRASE)
    key_file.unlink()
    statement = tmp_path / "revocation.json"
    prompts = []

    def passphrase(dialog, text):
        assert str(backup) in " ".join(label.text() for label in dialog.findChildren(QLabel))
        answer_passphrase(qtbot, dialog, text, prompts)

    def revoke(dialog):
        assert isinstance(dialog, RevokeDialog)
        assert not dialog.backup.isVisible()
        dialog.reasons.buttons()[0].click()  # lost or stolen
        dialog.file.edit.setText(str(statement))
        dialog.understood.click()
        dialog.use_backup.click()
        assert dialog.backup.isVisible()
        layout = dialog.layout()  # the dialog grew to show the field, nothing cut short
        assert dialog.height() >= layout.totalHeightForWidth(dialog.width())
        assert not dialog.ok_button.isEnabled()
        assert dialog.error.text() == "Choose the backup of the key."
        dialog.backup.edit.setText(str(tmp_path / "no-such.key"))
        assert dialog.error.text() == f"There is no file at {tmp_path / 'no-such.key'}."
        dialog.backup.edit.setText(str(backup))
        assert dialog.ok_button.isEnabled()
        answer_dialog(qtbot, lambda d: (passphrase(d, PASSPHRASE), answer_again()))
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    def answer_again():
        answer_dialog(qtbot, lambda d: passphrase(d, "another good passphrase"))

    answer_dialog(qtbot, revoke)
    qtbot.mouseClick(w.key_tab.revoke_button, Qt.LeftButton)
    qtbot.waitUntil(statement.exists, timeout=10_000)

    assert prompts == ["", "That passphrase does not open the key file. Please try again."]
    event = parse_event(json.loads(statement.read_text()))
    assert (event.event, event.reason, event.keyid) == ("revocation", "compromised", key.keyid)
    assert identity_of(home).active_key() is None
    assert not key_file.exists()  # nothing written where the key was


def test_a_revocation_that_could_not_be_saved_is_not_made(
    qtbot, window, home, tmp_path, monkeypatch
):
    # Revoking cannot be undone: a full disk where the statement goes is said first.
    w = window()
    statement = tmp_path / "revocation.json"

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def revoke(dialog):
        dialog.reasons.buttons()[1].click()
        dialog.file.edit.setText(str(statement))
        dialog.understood.click()
        monkeypatch.setattr(fsutil, "os", SimpleNamespace(**{**vars(os), "write": full}))
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    answer_dialog(qtbot, revoke)
    qtbot.mouseClick(w.key_tab.revoke_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "disk space" in w.notice.text(), timeout=10_000)
    monkeypatch.undo()
    assert "revoked" not in w.notice.text()
    assert identity_of(home).active_key() is not None and not statement.exists()
    assert w.key_tab.revoke_button.isEnabled()


def test_without_an_identity_it_offers_to_set_one_up(qtbot, home, sync_runner):
    w = IdentityWindow(home, sync_runner)
    qtbot.addWidget(w)
    w.show()
    assert w.heading.text() == "No identity yet"
    assert w.key_tab.setup_button.isVisible()
    assert not w.key_tab.backup_button.isVisible()
    assert not w.save_button.isEnabled()


def test_the_backup_dialog_offers_a_free_name_and_scolds_only_after_typing(
    qtbot, window, home, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path))  # where backups are offered to go
    (tmp_path / "Ada-Lovelace-colophon-backup.key").write_text("an earlier backup")
    w = window()
    seen = []

    def look(dialog):
        assert isinstance(dialog, BackupDialog)
        seen.append((dialog.file.path(), dialog.error.text(), dialog.error.styleSheet()))
        qtbot.keyClicks(dialog.passphrase.first, "short")
        seen.append((dialog.file.path(), dialog.error.text(), dialog.error.styleSheet()))
        dialog.reject()

    answer_dialog(qtbot, look)
    qtbot.mouseClick(w.key_tab.backup_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(seen) == 2)
    offered = tmp_path / "Ada-Lovelace-colophon-backup-2.key"
    assert seen[0] == (offered, "Choose a passphrase.", "")  # what to do, not an error yet
    assert seen[1][0] == offered and seen[1][1] and seen[1][2] == ERROR_STYLE


def test_a_bank_account_is_typed_as_its_iban_is_printed(qtbot, window, home):
    w = window()
    w.tabs.setCurrentIndex(0)
    form = w.form
    form.channel_combo.setCurrentIndex(form.channel_combo.findData("payto"))
    form.channel_edit.setFocus()
    qtbot.keyClicks(form.channel_edit, "de75 5121 0800 1245 1261 99")
    qtbot.mouseClick(w.save_button, Qt.LeftButton)
    assert w.profile_error.text() == ""
    [channel] = identity_of(home).profile().payment_channels
    assert (channel.kind, channel.value) == ("payto", "payto://iban/DE75512108001245126199")
    form.set_profile(identity_of(home).profile())
    assert form.channel_edit.text() == "DE75 5121 0800 1245 1261 99"
    assert bank_address("IBAN: DE75.5121.0800.1245.1261.99") == channel.value  # as pasted
    form.channel_edit.setText("DE75 5121 0800 1245 1261 98")  # a digit wrong
    qtbot.mouseClick(w.save_button, Qt.LeftButton)
    assert "not a valid IBAN" in w.profile_error.text()
    form.set_profile(identity_of(home).profile())  # nothing left to ask about on closing
