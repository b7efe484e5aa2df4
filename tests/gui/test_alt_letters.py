"""Alt+letters reach every control of the details panel and of the export, trust and passphrase
dialogs; Tab in the export dialog stops only where the focus can be seen; the signer card's
advice reads as secondary text, not as a disabled control."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import retype, select_rows, stored_work
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import (
    AI_GENERATIVE_TRAINING,
    AI_INFERENCE,
    AI_TRAINING,
    DATA_MINING,
    Profile,
)
from colophon.gui.export_dialog import ExportDialog
from colophon.gui.key_dialogs import BackupDialog
from colophon.gui.passphrase_dialog import PassphraseDialog
from colophon.gui.secondary_label import SecondaryLabel
from colophon.gui.signer_card import SignerCard
from colophon.gui.theme import dark_palette
from colophon.gui.trust_dialog import TrustDialog


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def active(qtbot, window: QWidget) -> QWidget:
    """``window`` shown and active: Alt+letters reach only the active window."""
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def alt(qtbot, window: QWidget, key: Qt.Key) -> None:
    """Press Alt+``key`` where the keyboard focus is (in ``window``)."""
    qtbot.keyClick(focused() or window, key, Qt.AltModifier)


@pytest.fixture
def identity(home):
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile("Ada Lovelace"), KeyLocation.keyring())


@pytest.fixture
def window(qtbot, make_window, registered, sync_runner, identity):
    """The main window with the first work selected, the focus in the search field."""
    main = make_window(sync_runner)
    select_rows(qtbot, main, [0])
    main.search_edit.setFocus()
    qtbot.waitUntil(main.search_edit.hasFocus)
    return main


# -- the details panel -------------------------------------------------------------------------
def test_alt_o_goes_to_the_contributors_and_alt_n_adds_one(qtbot, window):
    editor = window.inspector.contributors
    alt(qtbot, window, Qt.Key_O)
    assert focused() is editor.add_button and not editor.rows  # none yet: where to add one
    window.search_edit.setFocus()
    alt(qtbot, window, Qt.Key_N)  # a button's letter clicks it
    qtbot.waitUntil(lambda: len(editor.rows) == 1)
    assert focused() is editor.rows[0].name
    qtbot.keyClicks(editor.rows[0].name, "Ada")
    editor.add_contributor()
    window.search_edit.setFocus()
    alt(qtbot, window, Qt.Key_O)
    assert focused() is editor.rows[0].name  # the first contributor, not the newest
    window.inspector.revert()


@pytest.mark.parametrize(
    ("key", "use"),
    [
        (Qt.Key_U, AI_TRAINING),
        (Qt.Key_G, AI_GENERATIVE_TRAINING),
        (Qt.Key_P, AI_INFERENCE),
        (Qt.Key_M, DATA_MINING),
    ],
)
def test_alt_letters_go_to_each_ai_terms_question(qtbot, window, key, use):
    alt(qtbot, window, key)
    assert focused() is window.inspector.terms_section.editor.row(use).combo


def test_a_question_reached_by_its_letter_is_scrolled_into_view(qtbot, window):
    window.resize(window.width(), 420)  # a short screen: the terms are below the fold
    form = window.inspector  # the details panel scrolls
    scroll = form.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0)
    scroll.setValue(0)
    combo = window.inspector.terms_section.editor.row(DATA_MINING).combo
    top = combo.mapTo(form.viewport(), combo.rect().topLeft()).y()
    assert top > form.viewport().height()  # out of sight
    alt(qtbot, window, Qt.Key_M)
    assert focused() is combo
    top = combo.mapTo(form.viewport(), combo.rect().topLeft()).y()
    assert top >= 0 and top + combo.height() <= form.viewport().height()


def test_alt_s_saves_and_alt_r_reverts(qtbot, window):
    inspector = window.inspector
    work_id = inspector.work_ids[0]
    retype(qtbot, inspector.title_edit, "Harbour at dawn")
    alt(qtbot, window, Qt.Key_R)
    qtbot.waitUntil(lambda: not inspector.dirty)
    assert inspector.title_edit.text() != "Harbour at dawn"
    retype(qtbot, inspector.title_edit, "Harbour at dawn")
    alt(qtbot, window, Qt.Key_S)
    qtbot.waitUntil(lambda: stored_work(window, work_id).title == "Harbour at dawn")
    assert focused() is inspector.title_edit  # pressing Save left the cursor where it was


# -- the export dialog -------------------------------------------------------------------------
@pytest.fixture
def export_dialog(qtbot, registered, home, sync_runner, identity):
    dialog = ExportDialog(home, sync_runner, selected=[1, 2], total=6)
    active(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.summary is not None)
    return dialog


def test_alt_l_and_alt_s_choose_all_works_or_the_selected_ones(qtbot, export_dialog):
    dialog = export_dialog
    assert dialog.selected_radio.isChecked()
    alt(qtbot, dialog, Qt.Key_L)
    qtbot.waitUntil(dialog.all_radio.isChecked)
    assert dialog.chosen_ids() is None
    alt(qtbot, dialog, Qt.Key_S)
    qtbot.waitUntil(dialog.selected_radio.isChecked)
    assert dialog.chosen_ids() == [1, 2]


def tab_stops(qtbot, dialog: QWidget) -> list[QWidget]:
    """Every widget Tab stops at in ``dialog``, once round, each checked to show its focus:
    it looks different with the focus than without."""
    dialog.selected_radio.setFocus()
    qtbot.waitUntil(dialog.selected_radio.hasFocus)
    qtbot.keyClick(dialog.selected_radio, Qt.Key_Tab)  # from here on, as when tabbing
    stops: list[QWidget] = []
    while len(stops) < 20:
        widget = focused()
        assert widget is not None
        if stops and widget is stops[0]:
            return stops
        stops.append(widget)
        with_focus = widget.grab().toImage()
        qtbot.keyClick(widget, Qt.Key_Tab)
        assert focused() is not widget
        name = widget.accessibleName() or type(widget).__name__
        assert widget.grab().toImage() != with_focus, f"Tab reached {name} unseen"
    raise AssertionError("Tab did not come round")


def test_tab_in_the_export_dialog_stops_only_where_the_focus_shows(qtbot, export_dialog):
    stops = tab_stops(qtbot, export_dialog)
    assert export_dialog.file.edit in stops and export_dialog.export_button in stops
    assert export_dialog.summary_scroll not in stops  # the summary fits: nothing to scroll


def test_a_summary_too_long_to_show_whole_is_a_tab_stop_that_scrolls(qtbot, export_dialog):
    dialog = export_dialog
    dialog.summary_label.setText("".join(f"<p>Line {n} of the summary</p>" for n in range(60)))
    bar = dialog.summary_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    stops = tab_stops(qtbot, dialog)
    assert dialog.summary_scroll in stops and dialog.summary_scroll.accessibleName()
    dialog.summary_scroll.setFocus()
    qtbot.waitUntil(dialog.summary_scroll.hasFocus)
    qtbot.keyClick(dialog.summary_scroll, Qt.Key_PageDown)
    assert bar.value() > 0


# -- the trust and passphrase dialogs ----------------------------------------------------------
def test_alt_f_ticks_that_the_fingerprint_was_compared(qtbot):
    dialog = active(qtbot, TrustDialog("Ada Lovelace", "ab" * 32))
    assert not dialog.trust_button.isEnabled()
    alt(qtbot, dialog, Qt.Key_F)
    qtbot.waitUntil(dialog.compared.isChecked)
    assert dialog.trust_button.isEnabled()


def test_alt_p_goes_to_the_passphrase_of_a_key_file(qtbot, tmp_path):
    dialog = active(qtbot, PassphraseDialog(tmp_path / "signing.key", "To sign your claim"))
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Cancel)
    cancel.setFocus()
    qtbot.waitUntil(cancel.hasFocus)
    alt(qtbot, dialog, Qt.Key_P)
    assert focused() is dialog.edit


def test_alt_s_and_alt_a_go_to_a_new_passphrase_and_its_repetition(qtbot, tmp_path):
    dialog = active(qtbot, BackupDialog(tmp_path / "backup.key"))
    dialog.file.edit.setFocus()
    qtbot.waitUntil(dialog.file.edit.hasFocus)
    alt(qtbot, dialog, Qt.Key_S)
    assert focused() is dialog.passphrase.first
    alt(qtbot, dialog, Qt.Key_A)
    assert focused() is dialog.passphrase.second


def test_alt_w_shows_and_hides_what_is_typed(qtbot, tmp_path):
    dialog = active(qtbot, BackupDialog(tmp_path / "backup.key"))
    fields = dialog.passphrase
    fields.first.setFocus()
    qtbot.waitUntil(fields.first.hasFocus)
    assert fields.first.echoMode() == fields.first.EchoMode.Password
    alt(qtbot, dialog, Qt.Key_W)
    qtbot.waitUntil(fields.show_box.isChecked)
    assert fields.first.echoMode() == fields.first.EchoMode.Normal
    alt(qtbot, dialog, Qt.Key_W)
    qtbot.waitUntil(lambda: not fields.show_box.isChecked())
    assert fields.second.echoMode() == fields.second.EchoMode.Password


# -- the signer card ---------------------------------------------------------------------------
def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours."""

    def luminance(color: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b_ = (channel(c) for c in (color.redF(), color.greenF(), color.blueF()))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_fingerprint_advice_is_secondary_but_readable(qtbot, scheme):
    card = SignerCard()
    qtbot.addWidget(card)
    if scheme == "dark":
        card.setPalette(dark_palette())  # as the theme sets it when the system turns dark
    hint = card.hint
    palette = hint.palette()
    text = palette.color(QPalette.Active, hint.foregroundRole())
    window_text = card.palette().color(QPalette.Active, QPalette.WindowText)
    disabled = card.palette().color(QPalette.Disabled, QPalette.WindowText)
    background = card.palette().color(QPalette.Active, QPalette.Window)
    assert hint.isEnabled()  # advice, not a control that cannot be used
    assert text not in (disabled, window_text)  # quieter than the text around it
    assert contrast(text, background) >= 4.5


def test_notes_and_empty_lists_are_quiet_but_never_the_disabled_grey(qtbot, make_window):
    # The revoke dialog's notes, the key id, the empty library: read, not "unavailable".
    from colophon.gui.key_dialogs import RevokeDialog

    dialog = RevokeDialog("ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567", Path("revocation.json"))
    qtbot.addWidget(dialog)
    notes = [label for label in dialog.findChildren(SecondaryLabel)]
    assert len(notes) == 3  # one under each reason
    window = make_window()
    quiet = [*notes, window.view.empty_label]
    background = dialog.palette().color(QPalette.Active, QPalette.Window)
    for label in quiet:
        assert label.isEnabled()
        text = label.palette().color(QPalette.Active, label.foregroundRole())
        assert contrast(text, background) >= 4.5, label.text()
