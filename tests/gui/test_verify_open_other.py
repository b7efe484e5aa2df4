"""Open another claim… (Ctrl+O) from a verify window opens it in a window of its own that stays."""

from __future__ import annotations

import gc

from gui_helpers import export_from, make_creator
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from colophon.gui.verify_window import VerifyWindow


def open_windows() -> list[VerifyWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, VerifyWindow)]


def test_open_another_claim_keeps_it_open_beside_the_first(
    qtbot, make_window, sync_runner, tmp_path, monkeypatch
):
    ada_home, _ids = make_creator(tmp_path / "ada")
    first = export_from(ada_home, tmp_path / "first.colophon")
    second = export_from(ada_home, tmp_path / "second.colophon", [1])
    window = make_window(sync_runner)
    opened = window.claims.verify_file(first)
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(second), ""))
    qtbot.keyClick(opened, Qt.Key_O, Qt.ControlModifier)
    gc.collect()
    QApplication.processEvents()
    [one, other] = window.claims.verify_windows
    assert one is opened and other.path == second
    assert other.isVisible() and other.banner.level == "amber"
    assert other.model.rowCount() == 1
    assert {w.path for w in open_windows()} == {first, second}
    window.close()  # the main window closes every verify window, the new one too
    qtbot.waitUntil(lambda: not window.claims.verify_windows)


def test_a_verify_window_on_its_own_keeps_the_other_claim_open(
    qtbot, home, sync_runner, tmp_path, monkeypatch
):
    ada_home, _ids = make_creator(tmp_path / "ada")
    first = export_from(ada_home, tmp_path / "first.colophon")
    second = export_from(ada_home, tmp_path / "second.colophon", [1])
    window = VerifyWindow(first, home, sync_runner)
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(second), ""))
    window.open_action.trigger()
    gc.collect()
    QApplication.processEvents()
    [other] = [w for w in open_windows() if w.path == second]
    assert other.isVisible() and other.model.rowCount() == 1
    other.close()
    qtbot.waitUntil(lambda: all(w.path != second for w in open_windows()))
