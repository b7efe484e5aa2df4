"""Exporting through the dialog: the summary, the file, the recorded export, the library status."""

from __future__ import annotations

from gui_helpers import PASSPHRASE, answer_by_button, answer_dialog, make_creator
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices

from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import AI_TRAINING, ALLOWED, Compensation, PaymentChannel, Profile
from colophon.core.verify import Outcome, verify
from colophon.gui.export_dialog import ExportDialog
from colophon.gui.library_model import COL_STATUS
from colophon.gui.passphrase_dialog import PassphraseDialog

PROFILE = Profile(
    "Ada Lovelace",
    email="ada@example.org",
    payment_channels=[PaymentChannel("openPayments", "https://wallet.example/ada")],
    compensation=Compensation("perUse", "0.05", "EUR"),
)


def create_identity(home, location=None, passphrase=None):
    with Catalog.open(home) as catalog:
        Identity(catalog).create(PROFILE, location or KeyLocation.keyring(), passphrase)


def open_export(qtbot, window, rows):
    window.view.select_work_ids([window.model.work_id_at(r) for r in rows])
    qtbot.waitUntil(lambda: len(window.inspector.work_ids) == len(rows))
    qtbot.keyClick(window.view.table, Qt.Key_E, Qt.ControlModifier)  # the Export shortcut
    dialog = window.claims.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def test_exporting_the_selected_works(
    qtbot, make_window, registered, sync_runner, home, tmp_path, monkeypatch
):
    create_identity(home)
    with Catalog.open(home) as catalog:
        catalog.update_work(2, terms={AI_TRAINING: {"use": ALLOWED}})
    window = make_window(sync_runner)
    dialog = open_export(qtbot, window, [0, 1])
    assert dialog.selected_radio.isChecked()
    assert dialog.selected_radio.text().replace("&", "") == "The 2 selected works"
    assert dialog.all_radio.text().replace("&", "") == "All 6 works in your library"
    summary = dialog.summary_label.text()
    assert "You sign as <b>Ada Lovelace</b>" in summary
    assert "May be used to train AI: No" in summary
    assert "One of these works has terms of its own:" in summary
    assert "“poem-00001”: May be used to train AI: Yes" in summary
    assert "Asks for a fee per use: 0.05 EUR." in summary
    assert "Open Payments wallet: https://wallet.example/ada" in summary
    target = tmp_path / "out" / "ada-portfolio"
    target.parent.mkdir()
    dialog.file.edit.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)

    written = tmp_path / "out" / "ada-portfolio.colophon"
    assert written.is_file()
    assert "Exported 2 works to ada-portfolio.colophon" in dialog.result_label.text()
    assert not dialog.export_button.isEnabled()
    with Catalog.open(home) as catalog:
        exports = catalog.exports_of(1)
        assert [e["path"] for e in exports] == [str(written)]
        assert catalog.exported_work_ids() == {1, 2}
        assert verify(written, catalog).outcome is Outcome.VALID  # our own key
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(dialog.show_folder_button, Qt.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "out")]
    qtbot.mouseClick(dialog.close_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.model.index(0, COL_STATUS).data() == "exported")
    assert window.model.index(2, COL_STATUS).data() == "registered"
    window.status_combo.setCurrentIndex(window.status_combo.findData("exported"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)


def test_a_name_that_cannot_be_a_file_is_said_in_the_dialog(
    qtbot, make_window, registered, sync_runner, home, tmp_path, monkeypatch
):
    from colophon.gui import export_dialog

    asked = []
    monkeypatch.setattr(export_dialog, "confirm", lambda *args: asked.append(args))
    create_identity(home)
    window = make_window(sync_runner)
    dialog = open_export(qtbot, window, [0])
    (tmp_path / "portfolio.colophon").mkdir()  # a folder, once the suffix is added
    for name, says in (
        ("portfolio", f"{tmp_path / 'portfolio.colophon'} is a folder; give another file name."),
        ("n" * 300, "This cannot be a file's name here: File name too long."),
        ("n" * 250, "This cannot be a file's name here: File name too long."),  # with .colophon
    ):
        dialog.file.edit.setText(str(tmp_path / name))
        qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
        assert dialog.result_label.text() == says
    assert not asked  # nothing to replace was ever offered
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("n", "portfolio"))) == [
        "portfolio.colophon"
    ]


def test_exporting_all_with_a_key_file_asks_the_passphrase(
    qtbot, make_window, registered, sync_runner, home, tmp_path
):
    create_identity(home, KeyLocation.file(tmp_path / "signing.key"), PASSPHRASE)
    window = make_window(sync_runner)
    dialog = open_export(qtbot, window, [0])
    dialog.all_radio.click()
    assert "for the 6 works" in dialog.summary_label.text()
    dialog.file.edit.setText(str(tmp_path / "everything.colophon"))

    def cancel(prompt):
        assert isinstance(prompt, PassphraseDialog)
        prompt.reject()

    answer_dialog(qtbot, cancel)
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert dialog.result_label.text() == "Export cancelled; nothing was written."
    assert not (tmp_path / "everything.colophon").exists()

    def unlock(prompt):
        qtbot.keyClicks(prompt.edit, PASSPHRASE)
        qtbot.keyClick(prompt.edit, Qt.Key_Return)

    answer_dialog(qtbot, unlock)
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert (tmp_path / "everything.colophon").is_file()
    size = (tmp_path / "everything.colophon").stat().st_size
    assert f"Exported 6 works (1 with a preview) to everything.colophon ({size / 1e3:.1f} kB)" in (
        dialog.result_label.text()
    )


def test_exporting_without_an_identity_offers_to_set_one_up(
    qtbot, make_window, registered, sync_runner, monkeypatch
):
    window = make_window(sync_runner)
    answer_by_button(qtbot, "Set up now")
    window.claims.export_action.trigger()
    assert window.claims.export_dialog is None
    wizard = window.claims.wizard
    assert wizard is not None and wizard.isVisible()
    wizard.reject()


def test_the_summary_says_which_works_were_edited_on_disk_since_registered(tmp_path):
    from colophon.gui.export_summary import summarize, summary_html

    ada_home, _ids = make_creator(tmp_path / "ada")
    assert summarize(ada_home, None).changed == []
    (tmp_path / "ada" / "works" / "poem.txt").write_text("A poem, rewritten and longer.\n")

    summary = summarize(ada_home, None)

    assert summary.changed == ["poem"]
    html = summary_html(summary)
    assert html.startswith("<p><b>One work was edited on disk since you registered it</b>")
    assert "“poem”" in html


def test_export_signs_the_edits_typed_but_not_saved_yet(
    qtbot, make_window, registered, home, tmp_path
):
    # Ctrl+E from the description being typed: the claim must carry what is on the screen.
    from colophon.gui.tasks import TaskRunner

    create_identity(home)
    runner = TaskRunner()  # the real one: the save runs beside the export's own reading
    window = make_window(runner)
    window.view.select_work_ids([window.model.work_id_at(0)])
    qtbot.waitUntil(lambda: window.inspector.work_ids == [1])
    window.inspector.title_edit.setFocus()
    window.inspector.title_edit.selectAll()
    qtbot.keyClicks(window.inspector.title_edit, "Sea poem, final")
    qtbot.keyClick(window.inspector.title_edit, Qt.Key_E, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.claims.export_dialog is not None, timeout=10_000)
    dialog = window.claims.export_dialog
    with Catalog.open(home) as catalog:
        assert catalog.get_work(1).title == "Sea poem, final"  # written before the dialog
    dialog.close()
    runner.shutdown()


def test_export_waits_for_edits_that_cannot_be_saved(
    qtbot, make_window, registered, sync_runner, home
):
    create_identity(home)
    window = make_window(sync_runner)
    window.view.select_work_ids([window.model.work_id_at(0)])
    qtbot.waitUntil(lambda: window.inspector.work_ids == [1])
    window.inspector.created_edit.setFocus()
    window.inspector.created_edit.selectAll()
    qtbot.keyClicks(window.inspector.created_edit, "yesterday")
    seen = answer_dialog(
        qtbot,
        lambda box: qtbot.mouseClick(
            next(b for b in box.buttons() if b.text().replace("&", "") == "Fix"), Qt.LeftButton
        ),
    )
    window.claims.export_action.trigger()
    assert seen and window.claims.export_dialog is None  # fix first, then export
    assert window.inspector.created_edit.text() == "yesterday"
    window.inspector.revert()  # nothing left to ask about when the window closes


def test_a_license_is_checked_against_the_spdx_list_and_stated_in_the_claim(
    qtbot, make_window, registered, sync_runner, home, tmp_path
):
    create_identity(home)
    window = make_window(sync_runner)
    dialog = open_export(qtbot, window, [0])
    target = tmp_path / "licensed.colophon"
    dialog.file.edit.setText(str(target))
    assert dialog.license_edit.text() == ""  # none unless given
    assert "License" not in dialog.summary_label.text()

    dialog.license_edit.setText("CC-BY-4.O")  # a letter O for a zero
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert "is not on the SPDX license list. Did you mean CC-BY-4.0?" in (
        dialog.result_label.text()
    )
    assert dialog.focusWidget() is dialog.license_edit  # to put it right
    assert not target.exists()
    assert dialog.license_note.isVisible()  # what a license covers, and what the terms do
    assert "<b>License</b>, for uses other than AI" in dialog.summary_label.text()  # claimed
    assert "for AI, the terms above apply" in dialog.license_note.text()

    qtbot.keyClick(dialog.license_edit, Qt.Key_Backspace)
    assert not dialog.result_label.isVisible()  # said of the last license, no longer true
    dialog.license_edit.setText("")
    assert not dialog.license_note.isVisible()
    assert "License" not in dialog.summary_label.text()
    dialog.license_edit.setText("cc by 4.0")  # as Creative Commons writes it
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert target.is_file()
    assert dialog.license_edit.text() == "CC-BY-4.0"  # as the claim states it
    with Catalog.open(home) as catalog:
        result = verify(target, catalog)
    assert result.outcome is Outcome.VALID
    assert result.claim.predicate["license"] == "CC-BY-4.0"
    assert window.settings.value("export/license") == "CC-BY-4.0"  # offered next time
