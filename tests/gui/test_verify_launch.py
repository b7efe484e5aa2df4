"""Ways a claim reaches the verify window: the menu, a drop on the main window, the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import export_from, make_creator
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from colophon.cli.main import main
from colophon.gui import app as gui_app
from colophon.gui.verify_window import VerifyWindow


@pytest.fixture
def bundle(tmp_path) -> Path:
    ada_home, _ids = make_creator(tmp_path / "ada")
    return export_from(ada_home, tmp_path / "from ada.colophon")


def verify_windows() -> list[VerifyWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, VerifyWindow)]


def test_the_verify_menu_opens_a_chosen_claim(qtbot, make_window, sync_runner, bundle, monkeypatch):
    window = make_window(sync_runner)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bundle), ""))
    file_menu = window.menuBar().actions()[0].menu()
    assert window.claims.verify_action in file_menu.actions()
    qtbot.keyClick(window.view.current_view, Qt.Key_V, Qt.ControlModifier | Qt.ShiftModifier)
    [opened] = window.claims.verify_windows
    assert opened.path == bundle
    assert opened.banner.level == "amber"
    window.close()  # closes the verify windows, which share its runner
    qtbot.waitUntil(lambda: not window.claims.verify_windows)


def test_opening_a_claim_already_open_brings_its_window_back_checked_again(
    qtbot, make_window, sync_runner, bundle
):
    window = make_window(sync_runner)
    first = window.claims.verify_file(bundle)
    again = window.claims.verify_file(bundle.parent / "." / bundle.name)  # same file
    assert again is first and window.claims.verify_windows == [first]
    window.close()
    qtbot.waitUntil(lambda: not window.claims.verify_windows)


def test_dropping_a_claim_verifies_it_and_other_files_are_added(
    qtbot, make_window, sync_runner, bundle, tmp_path
):
    window = make_window(sync_runner)
    work = tmp_path / "new work.txt"
    work.write_text("a new work")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bundle)), QUrl.fromLocalFile(str(work))])
    enter = QDragEnterEvent(QPoint(40, 40), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    drop = QDropEvent(QPoint(40, 40), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    [opened] = window.claims.verify_windows
    assert opened.path == bundle
    qtbot.waitUntil(lambda: not window.operations.busy and window.model.rowCount() == 1)
    assert window.model.work_at(0).title == "new work"  # the claim itself was not registered


def test_a_claim_on_the_command_line_opens_in_the_verify_window(qtbot, bundle, monkeypatch):
    seen = {}

    def fake_exec(app):
        [opened] = verify_windows()
        qtbot.waitUntil(lambda: opened.checked is not None)
        seen["path"] = opened.path
        seen["level"] = opened.banner.level
        mains = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow"]
        for w in mains:
            w.close()
        seen["closed"] = not opened.isVisible()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    monkeypatch.setattr(gui_app, "settle_after_startup", lambda: None)
    assert main([str(bundle)]) == 0
    assert seen == {"path": bundle, "level": "amber", "closed": True}


def test_file_arguments_are_told_apart_from_options():
    assert gui_app.files_from_args(["--home", "/h", "a.colophon", "-v", "b.intoto.json"]) == [
        Path("a.colophon"),
        Path("b.intoto.json"),
    ]
