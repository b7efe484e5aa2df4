"""Removing works from the catalog in the app: asked first (naming the work, answered by a click,
Escape or Alt+letter, never a letter alone), files untouched, library updated."""

from __future__ import annotations

from gui_helpers import answer_by_button as answer
from gui_helpers import answer_dialog, click_row, retype
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from colophon.core.catalog import Catalog


def refuse_questions(qtbot, ms: int) -> list[str]:
    """Say no (Escape) to any question that opens in the next ``ms`` milliseconds, and note it;
    then stop watching, so that no later test has its questions answered."""
    said: list[str] = []
    stop = QElapsedTimer()
    stop.start()

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            said.append(box.text())
            box.reject()
        if not stop.hasExpired(ms):
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return said


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
    said = refuse_questions(qtbot, 400)
    window.search_edit.setFocus()
    qtbot.keyClicks(window.search_edit, "poemx")
    qtbot.keyClick(window.search_edit, Qt.Key_Left)
    qtbot.keyClick(window.search_edit, Qt.Key_Delete)
    qtbot.wait(400)
    assert window.search_edit.text() == "poem" and not said
    assert ids_in(window) == [1, 2, 3, 4, 5, 6]


def test_the_question_names_the_one_work_and_a_letter_alone_does_not_answer(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    inspector = window.inspector
    click_row(qtbot, window, 1)
    qtbot.waitUntil(lambda: inspector.work_ids == [2])
    retype(qtbot, inspector.title_edit, "Kept")  # not yet saved
    seen: list[tuple[str, bool]] = []

    def type_then_cancel(box):
        box.activateWindow()
        qtbot.waitUntil(box.isActiveWindow)
        qtbot.keyClicks(QApplication.focusWidget(), "remove")  # still typing: no answer
        qtbot.wait(300)  # a button pressed by a key is released after 100 ms
        seen.append((box.text(), box.isVisible()))
        if box.isVisible():
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)

    answer_dialog(qtbot, type_then_cancel)
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key_Delete)
    assert seen == [("Remove “poem-00001” from your catalog?", True)]
    assert ids_in(window) == [1, 2, 3, 4, 5, 6]
    # Saying no keeps the edit under way
    assert inspector.dirty and inspector.title_edit.text() == "Kept"

    window.activateWindow()  # back from the question
    qtbot.waitUntil(window.isActiveWindow)

    def alt_r(box):
        box.activateWindow()
        qtbot.waitUntil(box.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_R, Qt.AltModifier)

    answered = answer_dialog(qtbot, alt_r)
    window.view.table.setFocus()
    qtbot.keyClick(window.view.table, Qt.Key_Delete)
    assert answered
    qtbot.waitUntil(lambda: window.model.rowCount() == 5)
    assert ids_in(window) == [1, 3, 4, 5, 6]
    assert not inspector.dirty and inspector.work_ids == []
