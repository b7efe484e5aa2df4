"""The main window, driven as a person would: buttons, menus, shortcuts, drops."""

from __future__ import annotations

import os
import time
from pathlib import Path

from gui_helpers import click_row
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog

from colophon.core import hashing
from colophon.core.catalog import Catalog
from colophon.core.register import register
from colophon.gui import library_operations
from colophon.gui.library_model import COL_KIND, COL_TITLE
from colophon.gui.library_view import GRID, TABLE


def click_action(qtbot, window, action):
    qtbot.mouseClick(window.toolbar.widgetForAction(action), Qt.LeftButton)


def wait_idle(qtbot, window, timeout=20_000):
    qtbot.waitUntil(
        lambda: not window.operations.busy and not window.model.loading, timeout=timeout
    )


def test_add_folder_through_the_toolbar_button(qtbot, make_window, files, tmp_path, monkeypatch):
    paths = files(40)
    outside = tmp_path / "outside.txt"
    outside.write_text("not in the folder")
    (paths[0].parent / "link").symlink_to(outside)  # skipped: it leads out of the folder
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(paths[0].parent))
    window = make_window()  # the real, threaded runner
    progress = []
    window.runner.submit  # noqa: B018 - the runner exists before the click
    click_action(qtbot, window, window.add_folder_action)
    assert window.progress_panel.isVisible()
    task = window.operations.current
    task.progressed.connect(lambda p: progress.append((p.done, p.total)))
    wait_idle(qtbot, window)
    assert progress[-1] == (40, 40)
    assert not window.progress_panel.isVisible()
    assert window.model.rowCount() == 40
    assert window.count_label.text() == "40 works"
    assert window.report_panel.isVisible()
    assert any("link points outside" in line for line in window.report_panel.lines())
    with Catalog.open(window.home) as catalog:
        assert catalog.count_works() == 40


def test_add_files_through_the_menu(qtbot, make_window, files, monkeypatch, sync_runner):
    paths = files(3)
    chosen = [str(p) for p in paths[:2]]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (chosen, ""))
    window = make_window(sync_runner)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.add_files_action in file_menu.actions()
    window.add_files_action.trigger()
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 2
    assert not window.report_panel.isVisible()  # nothing skipped: nothing to report


def test_cancel_stops_the_import_and_leaves_the_catalog_consistent(
    qtbot, make_window, files, monkeypatch
):
    paths = files(3000, size=2000)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(paths[0].parent))
    real_hash_file = hashing.hash_file

    def paced_hash_file(*args, **kwargs):  # a slower disk, so the click surely comes in time
        time.sleep(0.001)
        return real_hash_file(*args, **kwargs)

    monkeypatch.setattr(hashing, "hash_file", paced_hash_file)
    window = make_window()
    cancelled = []

    def on_progress(progress):
        if progress.label == "Registering" and progress.done and not cancelled:
            cancelled.append(progress.done)
            qtbot.mouseClick(window.progress_panel.cancel_button, Qt.LeftButton)

    window.add_folder_action.trigger()
    window.operations.current.progressed.connect(on_progress)
    report = []
    window.operations.import_finished.connect(report.append)
    wait_idle(qtbot, window, timeout=60_000)
    assert cancelled, "the import ended before it could be cancelled"
    with Catalog.open(window.home) as catalog:
        assert catalog.integrity_ok()
        count = catalog.count_works()
        assert 0 < count < 3000
        assert catalog.count_paths() == count  # every work recorded has its path
        orphans = catalog.conn.execute(
            "SELECT count(*) FROM works WHERE id NOT IN (SELECT work_id FROM paths)"
        ).fetchone()[0]
        assert orphans == 0
    assert report[-1].cancelled
    assert window.model.rowCount() == count
    assert "cancelled" in window.statusBar().currentMessage().lower()


def test_a_long_import_shows_the_works_recorded_so_far(qtbot, make_window, files, monkeypatch):
    # 3,000 files take a while: the library fills as they are recorded, not all at the end.
    paths = files(3000, size=2000)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(paths[0].parent))
    monkeypatch.setattr(library_operations, "SHOW_RECORDED_EVERY_S", 0.2)
    real_hash_file = hashing.hash_file

    def paced_hash_file(*args, **kwargs):  # a slower disk: the import lasts a few seconds
        time.sleep(0.001)
        return real_hash_file(*args, **kwargs)

    monkeypatch.setattr(hashing, "hash_file", paced_hash_file)
    window = make_window()
    shown_meanwhile = []
    window.model.loaded.connect(
        lambda: window.operations.busy and shown_meanwhile.append(window.model.rowCount())
    )
    window.add_folder_action.trigger()
    wait_idle(qtbot, window, timeout=60_000)
    assert any(0 < rows < 3000 for rows in shown_meanwhile), shown_meanwhile
    assert shown_meanwhile == sorted(shown_meanwhile)  # only ever more
    assert window.model.rowCount() == 3000


def test_dropping_files_and_folders_adds_them(qtbot, make_window, files, sync_runner):
    paths = files(4)
    window = make_window(sync_runner)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(paths[0])), QUrl.fromLocalFile(str(paths[1].parent))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPoint(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 4


def test_dragging_something_that_is_not_a_file_is_refused(make_window, sync_runner):
    window = make_window(sync_runner)
    mime = QMimeData()
    mime.setText("hello")
    enter = QDragEnterEvent(QPoint(5, 5), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    enter.ignore()
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_view_choice_and_geometry_are_remembered(qtbot, make_window, registered, sync_runner):
    window = make_window(sync_runner)
    assert window.view.mode == TABLE
    qtbot.keyClick(window.view.table, Qt.Key_2, Qt.ControlModifier)
    assert window.view.mode == GRID
    assert window.grid_action.isChecked()
    assert window.view.currentWidget() is window.view.grid
    window.resize(720, 520)  # within the offscreen screen, so restoring keeps it
    window.close()

    again = make_window(sync_runner)
    assert again.view.mode == GRID
    assert again.grid_action.isChecked()
    assert again.view.currentWidget() is again.view.grid
    assert (again.width(), again.height()) == (720, 520)
    qtbot.keyClick(again.view.grid, Qt.Key_1, Qt.ControlModifier)
    assert again.view.mode == TABLE
    assert Path(os.environ["COLOPHON_HOME"], "gui.ini").is_file()


def shown_ids(window):
    model = window.model
    return [model.work_id_at(r) for r in range(model.rowCount())]


def click_header(qtbot, window, column):
    header = window.view.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))


def test_clicking_a_header_sorts_and_a_third_click_restores_the_order_added(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    with Catalog.open(window.home) as catalog:
        catalog.update_work(3, title="Aardvark")
    window.model.refresh()
    window.view.select_work_ids([6])
    click_header(qtbot, window, COL_TITLE)
    assert shown_ids(window) == [3, 1, 2, 4, 5, 6]
    click_header(qtbot, window, COL_TITLE)
    assert shown_ids(window) == [6, 5, 4, 2, 1, 3]
    assert window.view.selected_work_ids() == [6]  # the selection follows its work
    click_header(qtbot, window, COL_TITLE)
    assert shown_ids(window) == [1, 2, 3, 4, 5, 6]
    assert window.view.table.horizontalHeader().sortIndicatorSection() == -1


def test_the_sort_menu_works_from_the_keyboard_and_the_order_is_remembered(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    sort_menu = next(a.menu() for a in view_menu.actions() if a.text() == "&Sort by")
    by = {a.text(): a for a in sort_menu.actions()}
    assert by["Date &added"].isChecked() and not by["&Descending"].isChecked()
    by["&Kind"].trigger()
    assert shown_ids(window)[0] == 6  # the image before the texts
    by["&Descending"].trigger()
    assert shown_ids(window)[-1] == 6
    header = window.view.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COL_KIND,
        Qt.DescendingOrder,
    )
    click_header(qtbot, window, COL_TITLE)  # the menu follows the header
    assert by["&Title"].isChecked() and not by["&Descending"].isChecked()
    by["&Descending"].trigger()
    window.close()

    again = make_window(sync_runner)
    assert shown_ids(again) == [6, 5, 4, 3, 2, 1]  # sunset, then poem-00004 … poem-00000
    header = again.view.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COL_TITLE,
        Qt.DescendingOrder,
    )


def test_a_column_layout_saved_before_sorting_existed_shows_the_order_added(
    make_window, registered, sync_runner
):
    from PySide6.QtWidgets import QHeaderView

    old = QHeaderView(Qt.Horizontal)  # as saved before: no sort indicator shown
    old.setModel(make_window(sync_runner).model)
    window = make_window(sync_runner)
    window.view.restore_header_state(old.saveState())
    assert shown_ids(window) == [1, 2, 3, 4, 5, 6]
    assert window.view.table.horizontalHeader().isSortIndicatorShown()


def test_switching_views_keeps_the_selection(qtbot, make_window, registered, sync_runner):
    window = make_window(sync_runner)
    window.view.select_work_ids([2, 4])
    window.grid_action.trigger()
    assert window.view.selected_work_ids() == [2, 4]
    assert window.view.grid.selectionModel().isRowSelected(1)


def focused_grid(qtbot, window, work_ids: list[int] | None = None):
    """The library shown as a grid, with these works selected (if given) and the focus."""
    window.grid_action.trigger()
    if work_ids is not None:
        window.view.select_work_ids(work_ids)
    grid = window.view.grid
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    return grid


def test_shift_arrow_in_the_grid_extends_a_selection_made_in_the_table(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    window.view.select_work_ids([2])  # made by the program, in the table
    grid = focused_grid(qtbot, window)
    assert grid.currentIndex().isValid()  # the grid's own column: it can move from there
    qtbot.keyClick(grid, Qt.Key_Right, Qt.ShiftModifier)
    assert len(window.view.selected_work_ids()) == 2
    assert 2 in window.view.selected_work_ids()


def test_a_current_work_that_is_not_selected_has_no_highlight_in_the_grid(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    grid = focused_grid(qtbot, window, [3])
    grid.selectionModel().clearSelection()  # Ctrl+click on the one selected tile, say
    cell = grid.visualRect(grid.currentIndex())
    picture = grid.viewport().grab().toImage()
    base = grid.palette().color(QPalette.Active, QPalette.Base).rgb()
    assert picture.pixel(cell.center().x(), cell.bottom() - 4) == base  # below the title


def test_a_selected_work_in_the_grid_is_one_highlighted_tile(
    qtbot, make_window, registered, sync_runner
):
    # Picture and title on one tile: above the picture and below a one-line title too, not
    # a tinted picture over a separate box.
    window = make_window(sync_runner)
    grid = focused_grid(qtbot, window, [6])
    row = next(r for r in range(grid.model().rowCount()) if grid.selectionModel().isRowSelected(r))
    cell = grid.visualRect(grid.model().index(row, grid.modelColumn()))
    other = grid.visualRect(grid.model().index((row + 1) % 6, grid.modelColumn()))
    picture = grid.viewport().grab().toImage()
    highlight = grid.palette().color(QPalette.Active, QPalette.Highlight).rgb()
    x = cell.center().x()
    assert picture.pixel(x, cell.top() + 4) == highlight  # above the picture
    assert picture.pixel(x, cell.bottom() - 4) == highlight  # below the title
    assert picture.pixel(other.center().x(), other.top() + 4) != highlight


def test_every_main_action_has_a_shortcut(make_window, sync_runner):
    window = make_window(sync_runner)
    assert window.add_files_action.shortcut() == QKeySequence(QKeySequence.Open)
    assert window.quit_action.shortcut() == QKeySequence(QKeySequence.Quit)
    assert window.find_action.shortcut() == QKeySequence(QKeySequence.Find)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.Save)
    for action in (
        window.add_folder_action,
        window.check_action,
        window.table_action,
        window.grid_action,
    ):
        assert not action.shortcut().isEmpty(), action.text()
    for widget in (
        window.search_edit,
        window.kind_combo,
        window.status_combo,
        window.view.table,
        window.view.grid,
        window.progress_panel.cancel_button,
        window.inspector.title_edit,
        window.inspector.save_button,
    ):
        assert widget.accessibleName(), widget


def test_find_shortcut_focuses_the_search_field_which_filters(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    window.activateWindow()
    window.find_action.trigger()
    assert window.search_edit.hasFocus()
    qtbot.keyClicks(window.search_edit, "sunset")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.count_label.text() == "1 of 6 works"
    window.search_edit.clear()
    window.kind_combo.setCurrentIndex(window.kind_combo.findData("text"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=3000)


def test_check_files_reports_missing_files_in_the_panel(
    qtbot, make_window, registered, sync_runner
):
    window = make_window(sync_runner)
    registered[1].unlink()
    click_action(qtbot, window, window.check_action)
    wait_idle(qtbot, window)
    assert window.report_panel.isVisible()
    assert window.report_panel.lines() == [f"Missing: {registered[1]}"]
    qtbot.waitUntil(lambda: window.model.index(1, 4).data() == "file missing", timeout=3000)


def test_missing_files_are_looked_for_in_a_folder_the_person_names(
    qtbot, make_window, registered, sync_runner, tmp_path, monkeypatch
):
    window = make_window(sync_runner)
    elsewhere = tmp_path / "moved here"
    elsewhere.mkdir()
    registered[1].rename(elsewhere / registered[1].name)
    click_action(qtbot, window, window.check_action)
    wait_idle(qtbot, window)
    panel = window.report_panel
    assert panel.action_button.isVisible()
    assert panel.action_button.text().replace("&", "") == "Look for them in a folder…"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(elsewhere))
    qtbot.mouseClick(panel.action_button, Qt.LeftButton)
    wait_idle(qtbot, window)
    moved_to = elsewhere / registered[1].name
    assert panel.lines() == [f"Moved (now known by its new place): {registered[1]} → {moved_to}"]
    assert not panel.action_button.isVisible()  # nothing missing any more
    with Catalog.open(window.home) as catalog:
        assert catalog.known_path(str(moved_to)) is not None


def test_empty_library_says_how_to_start(make_window, sync_runner):
    window = make_window(sync_runner)
    assert window.view.currentWidget() is window.view.empty_label
    assert "drop" in window.view.empty_label.text()
    assert window.count_label.text() == "0 works"


def test_reading_the_library_again_keeps_the_scroll_and_the_field_being_edited(
    qtbot, make_window, files, sync_runner
):
    # During an import the library is read again every few seconds: the person scrolling it,
    # or about to type in the details, must not be sent back.
    paths = files(300)
    with Catalog.open(Path(os.environ["COLOPHON_HOME"])) as catalog:
        register(catalog, [str(p) for p in paths])
    window = make_window(sync_runner)
    window.resize(900, 500)
    qtbot.waitUntil(lambda: window.model.rowCount() == 300)
    click_row(qtbot, window, 1)
    qtbot.waitUntil(lambda: window.inspector.work_ids == [window.model.work_id_at(1)])
    title = window.inspector.title_edit
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    title.setSelection(0, 3)
    bar = window.view.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    bottom = bar.value()

    window.model.refresh()
    qtbot.waitUntil(lambda: not window.model.loading)
    qtbot.wait(300)  # the selection restored, and said

    assert bar.value() == bottom
    assert title.hasFocus() and title.selectionStart() == 0 and len(title.selectedText()) == 3
    assert window.view.selected_work_ids() == [window.model.work_id_at(1)]


def test_the_import_summary_says_which_works_have_a_new_version():
    from colophon.core.register import ImportReport
    from colophon.gui.library_operations import import_summary

    report = ImportReport(added=[7, 8], new_versions=[(7, 3)], unchanged=4)
    assert import_summary(report) == (
        "Added 2 works; 1 of them the new version of an edited file, with the earlier work's "
        "title, tags, contributors and terms; 4 already registered."
    )


def test_the_grid_says_which_files_are_missing(qtbot, make_window, registered, sync_runner):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleOptionViewItem

    from colophon.gui.library_model import COL_PREVIEW, MISSING_COLOR

    window = make_window(sync_runner)
    registered[1].unlink()
    click_action(qtbot, window, window.check_action)
    wait_idle(qtbot, window)
    window.grid_action.trigger()
    qtbot.waitUntil(lambda: window.model.index(1, 4).data() == "file missing", timeout=3000)
    grid = window.view.grid
    shown = []
    for row in (0, 1):
        option = QStyleOptionViewItem()
        grid.itemDelegate().initStyleOption(option, window.model.index(row, COL_PREVIEW))
        shown.append((option.text, option.palette.color(QPalette.Text)))
    assert shown[0][0] == "poem-00000" and shown[0][1] != MISSING_COLOR
    assert shown[1] == ("poem-00001\u2028file missing", MISSING_COLOR)
