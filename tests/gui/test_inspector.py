"""Editing works through the inspector's widgets, with real clicks and key presses."""

from __future__ import annotations

import pytest
from gui_helpers import answer_dialog, retype, search_for, select_rows
from gui_helpers import stored_work as work
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from colophon.core.catalog import Catalog, Contributor
from colophon.gui.library_model import COL_CREATED, COL_TITLE


@pytest.fixture
def window(make_window, registered, sync_runner):
    return make_window(sync_runner)


def test_editing_one_work(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    assert inspector.heading.text() == "poem-00000"
    assert inspector.title_edit.text() == "poem-00000"
    assert inspector.digest_edit.text() == work(window, 1).digest
    assert "poem-00000.txt" in inspector.paths_label.text()
    assert not inspector.save_button.isEnabled()  # nothing changed yet

    retype(qtbot, inspector.title_edit, "Ode to the morning")
    retype(qtbot, inspector.created_edit, "2021-05-06")
    retype(qtbot, inspector.tags_edit, "poetry, morning, poetry")
    qtbot.keyClicks(inspector.description_edit, "Written at dawn.")
    qtbot.mouseClick(inspector.contributors.add_button, Qt.LeftButton)
    row = inspector.contributors.rows[0]
    assert row.name.hasFocus()
    qtbot.keyClicks(row.name, "Ada")
    qtbot.keyClicks(row.role, "author")
    qtbot.keyClicks(row.share, "60")
    qtbot.mouseClick(inspector.contributors.add_button, Qt.LeftButton)
    row = inspector.contributors.rows[1]
    qtbot.keyClicks(row.name, "Grace")
    qtbot.keyClicks(row.share, "40")
    assert inspector.contributors.total_label.text() == "Total: 100 %"
    assert inspector.error is None
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)

    saved = work(window, 1)
    assert saved.title == "Ode to the morning"
    assert saved.created == "2021-05-06"
    assert saved.tags == ["morning", "poetry"]
    assert saved.description == "Written at dawn."
    assert saved.contributors == [
        Contributor("Ada", "author", 60.0),
        Contributor("Grace", "", 40.0),
    ]
    assert window.model.index(0, COL_TITLE).data() == "Ode to the morning"
    assert window.view.selected_work_ids() == [1]  # the edit kept the selection
    assert not inspector.save_button.isEnabled()


def test_shares_that_do_not_add_up_show_an_error_and_save_nothing(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [2])
    before = work(window, 3)
    retype(qtbot, inspector.title_edit, "Changed")
    for name, share in (("Ada", "50"), ("Grace", "30")):
        qtbot.mouseClick(inspector.contributors.add_button, Qt.LeftButton)
        qtbot.keyClicks(inspector.contributors.rows[-1].name, name)
        qtbot.keyClicks(inspector.contributors.rows[-1].share, share)
    problem = inspector.problem_labels["contributors"]  # shown under the contributors
    assert problem.isVisible()
    assert "add up to 100" in problem.text()
    assert "80" in problem.text()
    assert not inspector.save_button.isEnabled()
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
    qtbot.keyClick(inspector.title_edit, Qt.Key_S, Qt.ControlModifier)
    assert work(window, 3) == before

    # removing the second contributor and giving the first everything makes it valid
    qtbot.mouseClick(inspector.contributors.rows[1].remove, Qt.LeftButton)
    retype(qtbot, inspector.contributors.rows[0].share, "100")
    assert problem.isHidden()
    qtbot.keyClick(inspector.title_edit, Qt.Key_S, Qt.ControlModifier)  # the Save shortcut
    assert work(window, 3).contributors == [Contributor("Ada", "", 100.0)]
    assert work(window, 3).title == "Changed"


def test_a_bad_date_is_shown_inline_and_not_saved(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [1])
    before = work(window, 2)
    retype(qtbot, inspector.created_edit, "last spring")
    problem = inspector.problem_labels["created"]
    assert "is not a date" in problem.text()
    assert problem.isVisible()
    assert not inspector.save_button.isEnabled()
    qtbot.mouseClick(inspector.revert_button, Qt.LeftButton)
    assert problem.isHidden()
    assert inspector.created_edit.text() == before.created[:16].replace("T", " ")
    assert work(window, 2) == before


def test_editing_several_works_at_once(qtbot, window):
    inspector = window.inspector
    with Catalog.open(window.home) as catalog:
        catalog.update_work(1, description="A poem.", tags=["old"])
        catalog.update_work(2, description="A poem.", tags=["older"])
        catalog.update_work(4, description="A poem.", tags=["old"])
    window.model.reload_works([1, 2, 4])
    select_rows(qtbot, window, [0, 1, 3])
    assert inspector.heading.text() == "3 works selected"
    assert not inspector.title_edit.isEnabled()
    assert inspector.description_edit.toPlainText() == "A poem."  # the same everywhere
    assert inspector.tags_edit.text() == ""  # tags typed for several works are added
    assert "add tags" in inspector.tags_edit.placeholderText()
    assert inspector.details_box.isHidden()

    qtbot.keyClicks(inspector.tags_edit, "series, 2024")
    retype(qtbot, inspector.created_edit, "2020-01-02")
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)

    for work_id, title, tags in (
        (1, "poem-00000", ["2024", "old", "series"]),
        (2, "poem-00001", ["2024", "older", "series"]),
        (4, "poem-00003", ["2024", "old", "series"]),
    ):
        saved = work(window, work_id)
        assert saved.tags == tags
        assert saved.created == "2020-01-02"
        assert saved.description == "A poem."  # not edited, so untouched
        assert saved.title == title
    assert work(window, 3).tags == []  # not selected


def test_valid_edits_are_saved_when_the_selection_moves_on(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    retype(qtbot, inspector.title_edit, "Kept")
    select_rows(qtbot, window, [1])
    assert work(window, 1).title == "Kept"
    assert inspector.title_edit.text() == "poem-00001"
    retype(qtbot, inspector.title_edit, "")  # invalid: an empty title is asked about
    asked = []

    def discard(box):
        asked.append(box.informativeText())
        button = next(b for b in box.buttons() if b.text().replace("&", "") == "Discard changes")
        qtbot.mouseClick(button, Qt.LeftButton)

    answer_dialog(qtbot, discard)
    select_rows(qtbot, window, [2])
    assert asked == ["A title cannot be empty."]
    assert work(window, 2).title == "poem-00001"


def test_edits_under_way_survive_the_library_being_reloaded(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    retype(qtbot, inspector.title_edit, "Half typed")
    window.model.refresh()  # as after an import finishing in the background
    qtbot.waitUntil(lambda: not window.model.loading)
    qtbot.wait(20)
    assert window.view.selected_work_ids() == [1]
    assert inspector.title_edit.text() == "Half typed"
    assert inspector.dirty


def test_a_title_that_looks_like_markup_is_shown_as_text(qtbot, window):
    inspector = window.inspector
    with Catalog.open(window.home) as catalog:
        catalog.update_work(1, title="<b>Ode</b> <img src='x'>")
    window.model.refresh()
    select_rows(qtbot, window, [0])
    qtbot.waitUntil(lambda: inspector.heading.text() == "<b>Ode</b> <img src='x'>")
    labels = [inspector.heading, inspector.paths_label, inspector.error_label]
    for label in labels + list(inspector.problem_labels.values()):
        assert label.textFormat() == Qt.PlainText


def test_the_inspector_follows_a_search_that_hides_the_selected_work(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    search_for(qtbot, window, "nothing is called this")
    assert window.view.empty_label.text() == "No works match."
    qtbot.waitUntil(lambda: inspector.work_ids == [])
    assert inspector.heading.text() == "Select a work to see and edit its details."
    assert inspector.form_box.isHidden() and not inspector.save_button.isVisible()


def test_the_inspector_empties_when_a_search_hides_only_the_selected_works(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [5])  # the picture; the search keeps the poems
    search_for(qtbot, window, "poem")
    assert window.model.rowCount() == 5
    qtbot.waitUntil(lambda: inspector.work_ids == [])
    assert inspector.form_box.isHidden()


def test_created_is_shown_as_in_the_table_and_kept_exact(qtbot, window):
    inspector = window.inspector
    with Catalog.open(window.home) as catalog:
        catalog.update_work(1, created="2026-11-22T06:52:57+00:00")
    window.model.reload_works([1])
    select_rows(qtbot, window, [0])
    assert inspector.created_edit.text() == "2026-11-22 06:52"
    assert window.model.index(0, COL_CREATED).data() == "2026-11-22 06:52"

    retype(qtbot, inspector.title_edit, "Dawn")  # another field saved: the date is untouched
    qtbot.keyClick(inspector.title_edit, Qt.Key_S, Qt.ControlModifier)
    assert work(window, 1).created == "2026-11-22T06:52:57+00:00"
    retype(qtbot, inspector.created_edit, "2026-11-22 06:52")  # typed as shown: no change
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
    assert work(window, 1).created == "2026-11-22T06:52:57+00:00"

    retype(qtbot, inspector.created_edit, "2026-11-23 07:15")  # in the offset it was shown in
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
    assert work(window, 1).created == "2026-11-23T07:15:00+00:00"
    qtbot.waitUntil(lambda: inspector.created_edit.text() == "2026-11-23 07:15")
    for typed, stored in (
        ("2021-05-06", "2021-05-06"),  # what the command line accepts is accepted here too
        ("2020-02-03T04:05:06+02:00", "2020-02-03T04:05:06+02:00"),
        ("2020-02-03T04:05:06Z", "2020-02-03T04:05:06+00:00"),
    ):
        retype(qtbot, inspector.created_edit, typed)
        assert inspector.error is None
        qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
        assert work(window, 1).created == stored


@pytest.mark.parametrize("threaded", [False, True])
def test_saving_keeps_the_focus_in_the_field_being_edited(
    qtbot, make_window, registered, sync_runner, threaded
):
    window = make_window(None if threaded else sync_runner)  # None: the real, threaded runner
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    for field in ("title", "contributor"):
        if field == "title":
            edit = inspector.title_edit
            retype(qtbot, edit, f"Saved from the {field}")
        else:
            qtbot.mouseClick(inspector.contributors.add_button, Qt.LeftButton)
            edit = inspector.contributors.rows[0].name
            qtbot.keyClicks(edit, "Ada")
        assert edit.hasFocus()
        qtbot.keyClick(edit, Qt.Key_S, Qt.ControlModifier)
        qtbot.waitUntil(lambda: not inspector.dirty and inspector.save_button.isVisible())
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Saved.")
        qtbot.wait(50)  # the saved work is shown again
        focused = QApplication.focusWidget()
        assert focused is not None and focused.accessibleName() == edit.accessibleName()
        assert not window.search_edit.hasFocus()
        window.statusBar().clearMessage()
    assert work(window, 1).title == "Saved from the title"
    assert [c.name for c in work(window, 1).contributors] == ["Ada"]


@pytest.mark.parametrize("button", ["save", "revert"])
def test_clicking_save_or_revert_leaves_the_focus_in_the_field(
    qtbot, make_window, registered, sync_runner, button
):
    window = make_window(sync_runner)
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    retype(qtbot, inspector.title_edit, "Clicked")
    clicked = inspector.save_button if button == "save" else inspector.revert_button
    qtbot.mouseClick(clicked, Qt.LeftButton)
    qtbot.waitUntil(lambda: not inspector.dirty)
    assert inspector.title_edit.hasFocus()  # not the next field, not scrolled away
    assert work(window, 1).title == ("Clicked" if button == "save" else "poem-00000")


def test_problems_that_wrap_onto_several_lines_are_shown_whole(
    qtbot, make_window, registered, sync_runner
):

    before = QApplication.font()
    larger = QApplication.font()
    larger.setPointSizeF(larger.pointSizeF() * 1.25)  # a larger font, as many people set
    QApplication.setFont(larger)
    try:
        window = make_window(sync_runner)
        window.resize(1024, 700)
        inspector = window.inspector
        window.view.select_work_ids([1])
        qtbot.waitUntil(lambda: inspector.work_ids == [1])
        editor = inspector.contributors
        for name, share in (("Ada", "70"), ("Bo", "20")):
            qtbot.mouseClick(editor.add_button, Qt.LeftButton)
            qtbot.keyClicks(editor.rows[-1].name, name)
            qtbot.keyClicks(editor.rows[-1].share, share)
        qtbot.keyClicks(inspector.created_edit, " and the summer after the great storm")
        qtbot.keyClick(inspector.save_button, Qt.Key_S, Qt.ControlModifier)
        QApplication.processEvents()
        shown = [inspector.problem_labels[f] for f in ("created", "contributors")]
        heights = [(lab.height(), lab.heightForWidth(lab.width()), lab.text()) for lab in shown]
        lines = [lab.fontMetrics().lineSpacing() for lab in shown]
        qtbot.mouseClick(inspector.revert_button, Qt.LeftButton)  # nothing to ask on closing
        for (height, needed, text), line in zip(heights, lines, strict=True):
            assert text and needed >= 3 * line  # long enough to wrap, at this width and font
            assert height >= needed, text
    finally:
        QApplication.setFont(before)


def test_enter_in_a_line_of_the_form_saves(qtbot, window):
    inspector = window.inspector
    select_rows(qtbot, window, [0])
    retype(qtbot, inspector.title_edit, "Ode to the evening")
    qtbot.keyClick(inspector.title_edit, Qt.Key_Return)
    assert work(window, 1).title == "Ode to the evening"
    assert not inspector.save_button.isEnabled()  # saved: nothing left to save
