"""Closing "Your identity" with profile edits that are not saved asks: Save, Discard or Cancel."""

from __future__ import annotations

import pytest
from gui_helpers import answer_dialog, retype
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.gui.identity_page import IdentityWindow
from colophon.gui.key_dialogs import RotateDialog


def saved_profile(home):
    with Catalog.open(home) as catalog:
        return Identity(catalog).profile()


@pytest.fixture
def window(qtbot, home, sync_runner):
    with Catalog.open(home) as catalog:
        Identity(catalog).create(
            Profile("Ada Lovelace", email="ada@example.org"), KeyLocation.keyring()
        )
    w = IdentityWindow(home, sync_runner)
    # drop what a test left typed, so that closing the window at the end asks nothing
    qtbot.addWidget(w, before_close_func=lambda w: w.refresh())
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def press(qtbot, button, timeout_ms=10_000):
    """Answer the next question with its standard ``button``; records what it asked."""
    asked: list[str] = []

    def answer(box):
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.mouseClick(box.button(button), Qt.LeftButton)

    answer_dialog(qtbot, answer, timeout_ms)
    return asked


def close_button(w):
    return next(b for b in w.findChildren(QPushButton) if b.text() == "Close")


def test_cancel_keeps_the_window_and_the_edits(qtbot, window, home):
    retype(qtbot, window.form.name_edit, "Ada King")
    asked = press(qtbot, QMessageBox.Cancel)
    qtbot.mouseClick(close_button(window), Qt.LeftButton)
    assert asked and "profile" in asked[0]
    assert window.isVisible()
    assert window.form.name_edit.text() == "Ada King"
    assert saved_profile(home).display_name == "Ada Lovelace"


def test_discard_closes_and_forgets_the_edits(qtbot, window, home):
    retype(qtbot, window.form.email_edit, "ada@king.example")
    asked = press(qtbot, QMessageBox.Discard)
    qtbot.keyClick(window.form.email_edit, Qt.Key_Escape)  # Escape closes a dialog too
    qtbot.waitUntil(lambda: not window.isVisible())
    assert asked
    assert saved_profile(home).email == "ada@example.org"
    assert window.form.email_edit.text() == "ada@example.org"


def test_save_saves_then_closes(qtbot, window, home):
    retype(qtbot, window.form.name_edit, "Ada King")
    asked = press(qtbot, QMessageBox.Save)
    window.close()  # the window's own close button (title bar)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert asked
    assert saved_profile(home).display_name == "Ada King"


def test_save_with_a_problem_keeps_the_window_open_and_names_it(qtbot, window, home):
    retype(qtbot, window.form.website_edit, "ftp://ada.example")
    asked = press(qtbot, QMessageBox.Save)
    qtbot.mouseClick(close_button(window), Qt.LeftButton)
    assert asked
    assert window.isVisible()
    assert window.profile_error.text().startswith("Website:")
    assert window.form.website_edit.text() == "ftp://ada.example"
    assert saved_profile(home).website is None


def test_no_question_without_a_difference_from_the_saved_profile(qtbot, window):
    asked = press(qtbot, QMessageBox.Cancel, timeout_ms=300)  # should no question come
    retype(qtbot, window.form.name_edit, "Ada King")
    retype(qtbot, window.form.name_edit, "Ada Lovelace")  # typed back as it was
    qtbot.mouseClick(close_button(window), Qt.LeftButton)
    assert not window.isVisible()
    qtbot.wait(400)
    assert asked == []


def test_replacing_the_key_keeps_the_profile_being_edited(qtbot, window, home):
    retype(qtbot, window.form.name_edit, "Ada King")
    old = saved_profile(home)

    def confirm(dialog):
        assert isinstance(dialog, RotateDialog)
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    answer_dialog(qtbot, confirm)
    qtbot.mouseClick(window.key_tab.rotate_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.key_tab.history.rowCount() == 1)  # the key was replaced
    assert window.form.name_edit.text() == "Ada King"  # still as typed
    assert saved_profile(home) == old
    asked = press(qtbot, QMessageBox.Save)
    qtbot.mouseClick(close_button(window), Qt.LeftButton)
    assert asked
    assert saved_profile(home).display_name == "Ada King"
