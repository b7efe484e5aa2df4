"""Keyboard access: the Export shortcut from a text field, mnemonics of labels on file fields,
entering the library from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QLineEdit, QWidget

from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.gui.export_dialog import ExportDialog
from colophon.gui.key_dialogs import BackupDialog, RevokeDialog
from colophon.gui.passphrase_dialog import FileField

CTRL_E = QKeySequence("Ctrl+E")


class EndOfLineOnCtrlE(QObject):
    """A text field's claim on Ctrl+E, where the platform's key bindings do not make it.

    With the key bindings of Linux desktops (X11, GNOME, KDE) a text field claims Ctrl+E as
    "end of line" before any shortcut sees it; elsewhere (and offscreen) only End does that.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        override = event.type() == QEvent.ShortcutOverride
        if override and QKeySequence(event.keyCombination()) == CTRL_E:
            event.accept()
        return False  # the field itself goes on to see the event


@pytest.fixture
def window(make_window, registered, sync_runner, home):
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile("Ada Lovelace"), KeyLocation.keyring())
    return make_window(sync_runner)


def test_ctrl_e_exports_while_typing_in_the_search_field(qtbot, window):
    search = window.search_edit
    bindings = QKeySequence.keyBindings(QKeySequence.MoveToEndOfLine)
    if CTRL_E not in bindings:
        stand_in = EndOfLineOnCtrlE(search)
        search.installEventFilter(stand_in)
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "poem")
    qtbot.keyClick(search, Qt.Key_Home)
    qtbot.keyClick(search, Qt.Key_E, Qt.ControlModifier)
    dialog = window.claims.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    assert search.text() == "poem"  # the key did not edit the search
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_other_keys_still_edit_the_search_field(qtbot, window):
    search = window.search_edit
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "poem")
    qtbot.keyClick(search, Qt.Key_Home)
    qtbot.keyClicks(search, "a ")
    qtbot.keyClick(search, Qt.Key_A, Qt.ControlModifier)  # select all
    qtbot.keyClick(search, Qt.Key_Backspace)
    assert search.text() == ""
    assert window.claims.export_dialog is None


def test_a_file_field_takes_focus_in_its_line_edit(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    before = QLineEdit()
    field = FileField("Backup file", "Save the backup as")
    after = QLineEdit()
    form = QFormLayout(host)
    form.addRow("&Before:", before)
    form.addRow("Save &to:", field)
    form.addRow("&After:", after)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    label = form.labelForField(field)
    assert isinstance(label, QLabel) and label.buddy() is field
    field.setFocus()
    assert field.edit.hasFocus()
    before.setFocus()
    qtbot.keyClick(before, Qt.Key_Tab)
    assert field.edit.hasFocus()
    qtbot.keyClick(field.edit, Qt.Key_Tab)
    assert field.browse.hasFocus()
    qtbot.keyClick(field.browse, Qt.Key_Tab)
    assert after.hasFocus()


def press_mnemonic(qtbot, dialog, start: QWidget, key: Qt.Key) -> None:
    """Show ``dialog``, put the focus on ``start``, and press Alt+``key``."""
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    qtbot.keyClick(dialog, key, Qt.AltModifier)


def test_alt_t_in_the_backup_dialog_goes_to_the_file(qtbot, tmp_path: Path):
    dialog = BackupDialog(tmp_path / "backup.key")
    qtbot.addWidget(dialog)
    press_mnemonic(qtbot, dialog, dialog.passphrase.first, Qt.Key_T)
    assert dialog.file.edit.hasFocus()


def test_alt_s_in_the_revoke_dialog_goes_to_the_file(qtbot, tmp_path: Path):
    dialog = RevokeDialog("ABCD EF01", tmp_path / "revocation.json")
    qtbot.addWidget(dialog)
    press_mnemonic(qtbot, dialog, dialog.comment, Qt.Key_S)
    assert dialog.file.edit.hasFocus()


def test_alt_a_in_the_export_dialog_goes_to_the_file(qtbot, window):
    window.claims.export_action.trigger()
    dialog = window.claims.export_dialog
    assert isinstance(dialog, ExportDialog)
    press_mnemonic(qtbot, dialog, dialog.thumbnails_box, Qt.Key_A)
    assert dialog.file.edit.hasFocus()
    dialog.reject()


@pytest.mark.parametrize("mode", ["table", "grid"])
def test_tabbing_into_the_library_starts_at_the_first_work(qtbot, window, mode):
    window.view.set_mode(mode)
    view = window.view.current_view
    window.status_combo.setFocus()
    qtbot.waitUntil(window.status_combo.hasFocus)
    qtbot.keyClick(window.status_combo, Qt.Key_Tab)
    assert view.hasFocus()
    assert view.currentIndex().row() == 0
    assert window.view.selected_work_ids() == [window.model.work_id_at(0)]
    qtbot.keyClick(view, Qt.Key_Right if mode == "grid" else Qt.Key_Down)
    assert window.view.selected_work_ids() == [window.model.work_id_at(1)]
    qtbot.waitUntil(lambda: window.inspector.work_ids == [window.model.work_id_at(1)])


def test_tabbing_into_the_library_keeps_a_selection(qtbot, window):
    window.view.select_work_ids([3])
    window.status_combo.setFocus()
    qtbot.waitUntil(window.status_combo.hasFocus)
    qtbot.keyClick(window.status_combo, Qt.Key_Tab)
    assert window.view.table.hasFocus()
    assert window.view.selected_work_ids() == [3]


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def test_tab_leaves_the_library_table_for_the_details_and_arrows_move_in_it(qtbot, window):
    table = window.view.table
    window.status_combo.setFocus()
    qtbot.waitUntil(window.status_combo.hasFocus)
    qtbot.keyClick(window.status_combo, Qt.Key_Tab)
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key_Down)
    qtbot.keyClick(table, Qt.Key_Right)  # within the row: still the second work
    assert window.view.selected_work_ids() == [window.model.work_id_at(1)]
    qtbot.waitUntil(lambda: window.inspector.work_ids == [window.model.work_id_at(1)])
    qtbot.keyClick(table, Qt.Key_Tab)
    assert window.inspector.isAncestorOf(focused())  # the details, after one Tab
    assert focused() is window.inspector.title_edit
    qtbot.keyClick(focused(), Qt.Key_Backtab)
    assert table.hasFocus()
    assert window.view.selected_work_ids() == [window.model.work_id_at(1)]


def test_escape_in_the_search_field_clears_it_and_a_second_escape_does_nothing(qtbot, window):
    search = window.search_edit
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "sunset")
    qtbot.waitUntil(lambda: window.model.search == "sunset" and not window.model.loading)
    assert window.model.rowCount() == 1
    qtbot.keyClick(search, Qt.Key_Escape)
    assert search.text() == "" and search.hasFocus()
    qtbot.waitUntil(lambda: window.model.search == "" and not window.model.loading)
    assert window.model.rowCount() == 6
    qtbot.keyClick(search, Qt.Key_Escape)  # again: nothing happens, the window stays
    assert search.text() == "" and search.hasFocus() and window.isVisible()
    qtbot.keyClick(search, Qt.Key_Z, Qt.ControlModifier)  # the cleared search can be undone
    assert search.text() == "sunset"


def test_new_contributor_rows_sit_in_the_tab_order_before_add_contributor(qtbot, window):
    inspector = window.inspector
    editor = inspector.contributors
    window.view.select_work_ids([1])
    qtbot.waitUntil(lambda: inspector.work_ids == [1])
    editor.add_button.setFocus()
    qtbot.waitUntil(editor.add_button.hasFocus)
    for _ in range(2):  # two rows, added from the keyboard
        qtbot.keyClick(editor.add_button, Qt.Key_Space)
        row = editor.rows[-1]
        assert row.name.hasFocus()
        qtbot.keyClicks(row.name, "Ada")
        for widget in (row.role, row.share, row.remove, editor.add_button):
            qtbot.keyClick(focused(), Qt.Key_Tab)
            assert focused() is widget
    qtbot.keyClick(focused(), Qt.Key_Tab)  # on to what follows the editor, in the inspector
    after = focused()
    assert inspector.isAncestorOf(after) and not editor.isAncestorOf(after)
    assert after is not window.search_edit
    qtbot.keyClick(after, Qt.Key_Backtab)
    assert focused() is editor.add_button
    backwards = [editor.rows[1].remove, editor.rows[1].share, editor.rows[1].role]
    backwards += [editor.rows[1].name, editor.rows[0].remove]
    for widget in backwards:
        qtbot.keyClick(focused(), Qt.Key_Backtab)
        assert focused() is widget
    qtbot.mouseClick(inspector.revert_button, Qt.LeftButton)  # nothing left to ask on closing


def test_contributors_of_a_work_shown_sit_in_the_tab_order_after_the_description(
    qtbot, window, home
):
    from colophon.core.catalog import Contributor

    with Catalog.open(home) as catalog:
        catalog.update_work(2, contributors=[Contributor("Ada", "", 60), Contributor("Bo", "", 40)])
    window.model.reload_works([2])
    inspector = window.inspector
    window.view.select_work_ids([2])
    qtbot.waitUntil(lambda: len(inspector.contributors.rows) == 2)
    inspector.description_edit.setFocus()
    qtbot.waitUntil(inspector.description_edit.hasFocus)
    qtbot.keyClick(inspector.description_edit, Qt.Key_Tab)
    assert focused() is inspector.contributors.rows[0].name


# -- the focus outline after a drop-down list ----------------------------------------------------
def test_the_focus_stays_shown_after_choosing_from_a_list_by_keyboard(qtbot, qapp):
    from PySide6.QtWidgets import QComboBox, QVBoxLayout

    from colophon.gui.app import create_application

    create_application()  # as the app starts: the keeper of the keyboard focus is installed
    form = QWidget()
    first, second = QComboBox(form), QComboBox(form)
    for combo in (first, second):
        combo.addItems(["As in your profile", "Yes", "No"])
    field = QLineEdit(form)
    layout = QVBoxLayout(form)
    for widget in (first, second, field):
        layout.addWidget(widget)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    first.setFocus()
    qtbot.keyClick(first, Qt.Key_Tab)
    qtbot.waitUntil(second.hasFocus)
    assert form.testAttribute(Qt.WA_KeyboardFocusChange)  # Tab: the outline shows

    qtbot.keyClick(second, Qt.Key_Down, Qt.AltModifier)  # opens the list
    qtbot.waitUntil(second.view().isVisible)
    qtbot.keyClick(second.view(), Qt.Key_Down)
    qtbot.keyClick(second.view(), Qt.Key_Return)
    qtbot.waitUntil(lambda: not second.view().isVisible() and second.hasFocus())

    assert second.currentText() == "Yes"
    assert form.testAttribute(Qt.WA_KeyboardFocusChange)  # still shown where the focus is

    qtbot.mouseClick(field, Qt.LeftButton)  # a click: the outline is the style's to hide
    qtbot.waitUntil(field.hasFocus)
    assert not form.testAttribute(Qt.WA_KeyboardFocusChange)
