"""Removing works from the catalog in the app: asked first, files untouched, library updated."""

from __future__ import annotations

from gui_helpers import answer_by_button as answer
from gui_helpers import click_row
from PySide6.QtCore import Qt

from colophon.core.catalog import Catalog


def ids_in(window):
    with Catalog.open(window.home) as catalog:
        return catalog.work_ids()


def test_delete_asks_then_removes_the_selected_works_and_leaves_their_files(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    assert not window.remove_action.isEnabled()  # nothing selected
    click_row(qtbot, window, 1)
    click_row(qtbot, window, 2, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.inspector.work_ids == [2, 3])
    assert window.remove_action.isEnabled()
    before = {p: p.read_bytes() for p in registered}

    said = answer(qtbot, "Cancel")
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key_Delete)
    assert said and "Remove these 2 works from your catalog?" in said[0]
    assert ids_in(window) == [1, 2, 3, 4, 5, 6]  # Cancel changes nothing

    window.activateWindow()  # back from the question
    qtbot.waitUntil(window.isActiveWindow)
    window.view.table.setFocus()
    said = answer(qtbot, "Remove")
    qtbot.keyClick(window.view.table, Qt.Key_Delete)
    assert said and "files stay where they are" in said[0]
    qtbot.waitUntil(lambda: window.model.rowCount() == 4)
    assert ids_in(window) == [1, 4, 5, 6]
    assert {p: p.read_bytes() for p in registered} == before
    assert window.inspector.work_ids == []
    assert "Removed 2 works from the catalog" in window.statusBar().currentMessage()


def test_delete_in_the_search_field_deletes_text_not_works(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: window.inspector.work_ids == [1])
    said = answer(qtbot, "Remove")
    window.search_edit.setFocus()
    qtbot.keyClicks(window.search_edit, "poemx")
    qtbot.keyClick(window.search_edit, Qt.Key_Left)
    qtbot.keyClick(window.search_edit, Qt.Key_Delete)
    qtbot.wait(300)
    assert window.search_edit.text() == "poem" and not said
    assert ids_in(window) == [1, 2, 3, 4, 5, 6]
