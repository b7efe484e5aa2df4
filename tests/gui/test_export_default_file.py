"""The file an export is first offered to go to: a full path that Export takes as it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.gui.export_dialog import ExportDialog

NAME = f"Zoë-Hartmann-{date.today().isoformat()}.colophon"


def open_export(home, make_window, runner) -> ExportDialog:
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile("Zoë Hartmann"), KeyLocation.keyring())
    window = make_window(runner)
    window.claims.export_action.trigger()
    dialog = window.claims.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def test_the_first_export_goes_to_documents_and_export_works_at_once(
    qtbot, make_window, registered, sync_runner, home
):
    documents = Path.home() / "Documents"
    documents.mkdir()
    dialog = open_export(home, make_window, sync_runner)
    assert dialog.file.path() == documents / NAME
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert (documents / NAME).is_file()
    assert dialog.result_label.text().startswith(f"Exported 6 works (1 with a preview) to {NAME}")
    assert dialog.settings.value("paths/last_export") == str(documents)


def test_without_a_documents_folder_the_first_export_goes_home(
    qtbot, make_window, registered, sync_runner, home
):
    dialog = open_export(home, make_window, sync_runner)
    assert dialog.file.path() == Path.home() / NAME
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert (Path.home() / NAME).is_file()


def test_the_last_folder_is_offered_while_it_exists(
    make_window, registered, sync_runner, home, tmp_path
):
    kept, gone = tmp_path / "claims", tmp_path / "gone"
    kept.mkdir()
    dialog = open_export(home, make_window, sync_runner)
    dialog.settings.setValue("paths/last_export", str(kept))
    assert dialog._default_path() == kept / NAME
    dialog.settings.setValue("paths/last_export", str(gone))
    assert dialog._default_path() == Path.home() / NAME


def test_a_second_export_the_same_day_is_offered_a_name_of_its_own(
    qtbot, make_window, registered, sync_runner, home
):
    documents = Path.home() / "Documents"
    documents.mkdir()
    (documents / NAME).write_bytes(b"the first export of the day")
    dialog = open_export(home, make_window, sync_runner)
    assert dialog.file.path() == documents / NAME.replace(".colophon", "-2.colophon")
