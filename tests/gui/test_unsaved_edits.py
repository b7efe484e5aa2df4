"""No typed edit is lost without the person choosing so: leaving a work or closing the window
with edits that cannot be saved asks first (a letter typed alone does not answer), a search
hiding the work keeps it without a question, and tags typed for several works are added to theirs.
"""

from __future__ import annotations

import pytest
from gui_helpers import answer_by_button as press
from gui_helpers import answer_dialog, click_row, retype, search_for, select_rows
from gui_helpers import stored_work as work
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from colophon.core.catalog import Catalog, Contributor
from colophon.gui.main_window import MainWindow


def drop_edits(window: MainWindow) -> None:
    """Before the window is closed after a test: a test that failed half-way, leaving edits that
    cannot be saved, must fail rather than wait for an answer to the question on closing."""
    if window.isVisible():
        window.inspector.revert()


@pytest.fixture
def window(qtbot, home, registered, sync_runner):
    window = MainWindow(home=home, runner=sync_runner)
    qtbot.addWidget(window, before_close_func=drop_edits)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow() and not window.model.loading)
    return window


def answering(qtbot, button_text: str) -> tuple[list[str], list[bool]]:
    """Answer every question that opens by clicking ``button_text``, noting what it said, until
    ``True`` is put in the second list returned (a test that fails must not hang on a question)."""
    said: list[str] = []
    stop: list[bool] = []

    def poll() -> None:
        if stop:
            return
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            said.append(f"{box.text()}\n{box.informativeText()}")
            button = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
            qtbot.mouseClick(button, Qt.LeftButton)
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return said, stop


def add_contributors(qtbot, inspector, *rows):
    for name, share in rows:
        qtbot.mouseClick(inspector.contributors.add_button, Qt.LeftButton)
        qtbot.keyClicks(inspector.contributors.rows[-1].name, name)
        qtbot.keyClicks(inspector.contributors.rows[-1].share, share)


def test_leaving_a_work_whose_shares_do_not_add_up_asks_and_fix_keeps_it(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    add_contributors(qtbot, inspector, ("Ada", "70"), ("Grace", "50"))
    said = press(qtbot, "Fix")
    click_row(qtbot, window, 1)
    qtbot.waitUntil(lambda: bool(said))
    assert "“poem-00000”" in said[0]
    assert "they add up to 120 %" in said[0]

    # still on the first work, with both contributors as typed, and the selection back on it
    assert inspector.work_ids == [1]
    assert [row.values() for row in inspector.contributors.rows] == [
        ("Ada", "", "70"),
        ("Grace", "", "50"),
    ]
    qtbot.waitUntil(lambda: window.view.selected_work_ids() == [1])
    qtbot.wait(20)
    assert inspector.work_ids == [1] and inspector.dirty
    problem = inspector.problem_labels["contributors"]
    assert problem.isVisible() and "120" in problem.text()
    assert inspector.problem_labels["title"].isHidden()

    retype(qtbot, inspector.contributors.rows[1].share, "30")
    assert problem.isHidden()
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
    assert work(window, 1).contributors == [
        Contributor("Ada", "", 70.0),
        Contributor("Grace", "", 30.0),
    ]


def test_discarding_invalid_edits_moves_on_and_saves_nothing(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    before = work(window, 1)
    add_contributors(qtbot, inspector, ("Ada", "70"), ("Grace", "50"))
    said = press(qtbot, "Discard changes")
    click_row(qtbot, window, 1)
    qtbot.waitUntil(lambda: inspector.work_ids == [2])
    assert said
    assert inspector.contributors.rows == []
    assert not inspector.dirty
    assert work(window, 1) == before


def test_the_valid_edits_can_be_saved_without_the_invalid_ones(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [2])
    retype(qtbot, inspector.title_edit, "Evening")
    add_contributors(qtbot, inspector, ("Ada", "70"), ("Grace", "50"))
    said = press(qtbot, "Save the other changes")
    click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: inspector.work_ids == [1])
    assert "title" in said[0]
    assert work(window, 3).title == "Evening"
    assert work(window, 3).contributors == []


def test_quitting_with_an_invalid_share_asks_before_the_valid_title_is_lost(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [2])
    retype(qtbot, inspector.title_edit, "Evening")
    add_contributors(qtbot, inspector, ("Ada", "70"), ("Grace", "50"))

    said = press(qtbot, "Fix")
    window.quit_action.trigger()  # File ▸ Quit (Ctrl+Q where the desktop defines it)
    assert said and window.isVisible()  # "Fix" keeps the window open
    assert inspector.dirty and inspector.title_edit.text() == "Evening"
    assert len(inspector.contributors.rows) == 2

    said = press(qtbot, "Save the other changes")
    window.quit_action.trigger()  # File ▸ Quit (Ctrl+Q where the desktop defines it)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert said
    assert work(window, 3).title == "Evening"
    assert work(window, 3).contributors == []


def test_confirm_leave_saves_valid_edits_without_asking(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [1])
    retype(qtbot, inspector.title_edit, "Kept")
    assert inspector.confirm_leave() is True
    assert work(window, 2).title == "Kept"
    assert not inspector.dirty
    assert inspector.confirm_leave() is True  # nothing left to ask about


def test_tags_typed_for_several_works_are_added_to_their_own(qtbot, window):
    inspector = window.inspector
    with Catalog.open(window.home) as catalog:
        catalog.update_work(1, tags=["poetry"])
        catalog.update_work(2, tags=["dawn", "poetry"])
    window.model.reload_works([1, 2])
    select_rows(qtbot, window, [0, 1, 3])
    assert inspector.tags_edit.text() == ""
    assert "add tags to all selected" in inspector.tags_edit.placeholderText()
    qtbot.keyClicks(inspector.tags_edit, "portfolio, Poetry")  # "Poetry" is "poetry"
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
    assert work(window, 1).tags == ["poetry", "portfolio"]
    assert work(window, 2).tags == ["dawn", "poetry", "portfolio"]
    assert work(window, 4).tags == ["Poetry", "portfolio"]
    assert work(window, 3).tags == []  # not selected


def test_tags_all_selected_works_share_are_kept_when_adding(qtbot, window):
    inspector = window.inspector
    with Catalog.open(window.home) as catalog:
        for work_id in (1, 2, 3):
            catalog.update_work(work_id, tags=["poetry", "dawn"])
    window.model.reload_works([1, 2, 3])
    select_rows(qtbot, window, [0, 1, 2])
    assert inspector.tags_edit.text() == ""  # adding, not replacing
    assert "dawn, poetry" in inspector.tags_note.text()
    qtbot.keyClicks(inspector.tags_edit, "series, dawn")
    qtbot.keyClick(inspector.tags_edit, Qt.Key_S, Qt.ControlModifier)
    for work_id in (1, 2, 3):
        assert work(window, work_id).tags == ["dawn", "poetry", "series"]

    select_rows(qtbot, window, [0])  # one work: its tags are shown and typed over, as before
    assert inspector.tags_edit.text() == "dawn, poetry, series"
    assert inspector.tags_note.isHidden()
    retype(qtbot, inspector.tags_edit, "solo")
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
    assert work(window, 1).tags == ["solo"]


def test_a_search_hiding_the_work_saves_valid_edits_and_empties_the_inspector(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [1])
    retype(qtbot, inspector.title_edit, "Kept")
    search_for(qtbot, window, "nothing is called this")
    qtbot.waitUntil(lambda: inspector.work_ids == [])
    assert work(window, 2).title == "Kept"
    assert not inspector.dirty and inspector.form_box.isHidden()


def test_a_search_hiding_a_work_with_invalid_edits_keeps_it_without_a_question(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    add_contributors(qtbot, inspector, ("Ada", "70"), ("Grace", "50"))
    said, stop = answering(qtbot, "Fix")  # should a question (wrongly) open
    search_for(qtbot, window, "nothing is called")
    qtbot.keyClicks(window.search_edit, " this")  # typing goes on, into the search
    qtbot.waitUntil(lambda: window.model.search == "nothing is called this")
    qtbot.wait(50)
    assert not said
    assert window.search_edit.hasFocus() and window.search_edit.text() == "nothing is called this"
    assert window.model.rowCount() == 0
    assert inspector.work_ids == [1] and inspector.dirty  # kept, edits and all
    assert [row.values()[2] for row in inspector.contributors.rows] == ["70", "50"]
    assert inspector.problem_labels["contributors"].isVisible()
    assert "kept until you fix them" in window.statusBar().currentMessage()

    qtbot.keyClick(window.search_edit, Qt.Key_Escape)  # the works come back, it is selected again
    qtbot.waitUntil(lambda: window.model.rowCount() == 6 and not window.model.loading)
    qtbot.waitUntil(lambda: window.view.selected_work_ids() == [1])
    assert not said and inspector.work_ids == [1] and inspector.dirty
    stop.append(True)

    said = press(qtbot, "Fix")
    click_row(qtbot, window, 1)  # choosing another work asks, as always
    qtbot.waitUntil(lambda: bool(said))
    assert "they add up to 120 %" in said[0]
    qtbot.waitUntil(lambda: window.view.selected_work_ids() == [1])
    assert inspector.work_ids == [1] and inspector.dirty
    qtbot.mouseClick(inspector.revert_button, Qt.LeftButton)  # nothing left to ask on closing
    assert not inspector.dirty


def test_choosing_another_work_while_the_search_hides_the_edited_one_asks(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    add_contributors(qtbot, inspector, ("Ada", "70"), ("Grace", "50"))
    said, stop = answering(qtbot, "Fix")  # should a question (wrongly) open
    search_for(qtbot, window, "poem-00003")
    stop.append(True)
    assert not said
    assert window.model.rowCount() == 1 and inspector.work_ids == [1]

    said = press(qtbot, "Fix")
    click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: bool(said))
    qtbot.wait(50)  # "Fix" cannot select the hidden work again: still no second question
    assert len(said) == 1 and inspector.work_ids == [1] and inspector.dirty

    said = press(qtbot, "Discard changes")
    click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: inspector.work_ids == [4])
    assert said and not inspector.dirty
    assert work(window, 1).contributors == []


def test_letters_typed_alone_do_not_answer_the_question_alt_does(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [2])
    retype(qtbot, inspector.title_edit, "Evening")
    add_contributors(qtbot, inspector, ("Ada", "70"), ("Grace", "50"))
    still_open = []

    def type_then_answer(box):
        qtbot.waitUntil(box.isActiveWindow)
        for key in (Qt.Key_D, Qt.Key_S, Qt.Key_F, Qt.Key_A):  # "discard", "save", "fix", ...
            qtbot.keyClick(QApplication.focusWidget(), key)
        qtbot.wait(300)  # a button pressed by a key is released after 100 ms
        still_open.append(box.isVisible())
        if box.isVisible():
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key_S, Qt.AltModifier)

    answer_dialog(qtbot, type_then_answer)
    click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: inspector.work_ids == [1])
    assert still_open == [True]
    assert work(window, 3).title == "Evening"  # Alt+S: "Save the other changes"
    assert work(window, 3).contributors == []
