"""The library model over a real catalog: checked by Qt's model tester and plain data() asserts."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtTest import QAbstractItemModelTester

from colophon.core.catalog import Catalog, now_utc
from colophon.gui import library_model as lm
from colophon.gui import work_status as ws
from colophon.gui.library_model import LibraryModel


@pytest.fixture
def catalog(home, registered):
    catalog = Catalog.open(home)
    yield catalog
    catalog.close()


@pytest.fixture
def model(catalog, sync_runner):
    model = LibraryModel(catalog, sync_runner)
    model.refresh()
    return model


def cell(model, row, column, role=Qt.DisplayRole):
    return model.data(model.index(row, column), role)


def test_model_passes_the_qt_model_tester(qtbot, model):
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_filter(search="poem")
    model.set_filter(kind="image")
    model.set_filter()
    model.reload_works([1, 6])
    qtbot.waitUntil(lambda: cell(model, 0, lm.COL_STATUS) == "registered")
    assert model.rowCount() == 6


def test_rows_show_the_works_in_registration_order(model, registered):
    assert model.rowCount() == 6
    assert model.columnCount() == 5
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert [cell(model, r, lm.COL_TITLE) for r in range(6)] == [
        "poem-00000",
        "poem-00001",
        "poem-00002",
        "poem-00003",
        "poem-00004",
        "sunset",
    ]
    assert cell(model, 0, lm.COL_KIND) == "Text"
    assert cell(model, 5, lm.COL_KIND) == "Image"
    assert len(cell(model, 0, lm.COL_CREATED)) == 16  # "YYYY-MM-DD HH:MM"
    assert cell(model, 0, lm.COL_PREVIEW) is None  # a picture only
    assert isinstance(cell(model, 0, lm.COL_PREVIEW, Qt.DecorationRole), QIcon)
    digest = hashlib.sha256(registered[0].read_bytes()).hexdigest()
    assert cell(model, 0, lm.COL_KIND, lm.DigestRole) == digest
    assert cell(model, 0, lm.COL_KIND, lm.WorkIdRole) == 1
    assert cell(model, 5, lm.COL_TITLE, lm.KindRole) == "image"
    assert cell(model, 5, lm.COL_TITLE, lm.PathRole) == str(registered[5])
    assert cell(model, 5, lm.COL_TITLE, lm.WorkRole).title == "sunset"


def test_headers(model):
    titles = [model.headerData(c, Qt.Horizontal) for c in range(5)]
    assert titles == ["", "Title", "Kind", "Created", "Status"]
    assert model.headerData(0, Qt.Horizontal, Qt.ToolTipRole).startswith("Preview")
    assert model.headerData(0, Qt.Vertical) is None
    assert model.headerData(9, Qt.Horizontal) is None


def test_data_never_raises(model, catalog):
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(99, 0)) is None
    assert cell(model, 0, lm.COL_TITLE, Qt.UserRole + 99) is None
    with sqlite3.connect(catalog.path) as other:  # the work vanishes behind the model's back
        other.execute("DELETE FROM works WHERE id = 2")
    model.reload_works([2])
    for role in (Qt.DisplayRole, Qt.DecorationRole, Qt.ToolTipRole, lm.StatusRole, lm.WorkRole):
        assert cell(model, 1, lm.COL_TITLE, role) is None
    assert cell(model, 0, lm.COL_TITLE) == "poem-00000"


def test_status_is_found_in_the_background_and_shows_missing_files(qtbot, model, registered):
    assert cell(model, 2, lm.COL_STATUS, lm.StatusRole) in (None, "registered")
    qtbot.waitUntil(lambda: cell(model, 2, lm.COL_STATUS) == "registered")
    registered[2].unlink()
    model.presence.mark_stale()
    with qtbot.waitSignal(model.dataChanged, timeout=5000):
        assert cell(model, 2, lm.COL_STATUS) == "registered"  # the last answer, while asking again
    assert cell(model, 2, lm.COL_STATUS) == "file missing"
    assert cell(model, 2, lm.COL_STATUS, lm.StatusRole) == "file missing"
    assert cell(model, 2, lm.COL_STATUS, Qt.ForegroundRole) is not None


def test_a_file_edited_since_registration_shows_as_changed(qtbot, model, registered):
    # Its claim no longer describes it: it must not read as "registered" or "exported".
    qtbot.waitUntil(lambda: cell(model, 3, lm.COL_STATUS) == "registered")
    registered[3].write_text("another poem altogether")
    model.presence.mark_stale()
    cell(model, 3, lm.COL_STATUS)  # asks again
    qtbot.waitUntil(lambda: cell(model, 3, lm.COL_STATUS) == "file changed", timeout=5000)
    assert cell(model, 3, lm.COL_STATUS, Qt.ForegroundRole) is not None
    model.set_filter(status="file changed")
    assert [cell(model, r, lm.COL_TITLE) for r in range(model.rowCount())] == ["poem-00003"]


def test_filters_by_text_kind_and_status(model, registered):
    model.set_filter(search="poem-0000")
    assert model.rowCount() == 5
    model.set_filter(search="SUNSET")
    assert [cell(model, r, lm.COL_TITLE) for r in range(model.rowCount())] == ["sunset"]
    model.set_filter(kind="text")
    assert model.rowCount() == 5
    model.set_filter(kind="audio")
    assert model.rowCount() == 0
    registered[0].unlink()
    model.set_filter(status="file missing")
    assert [cell(model, r, lm.COL_TITLE) for r in range(model.rowCount())] == ["poem-00000"]
    model.set_filter(status="registered")
    assert model.rowCount() == 5
    model.set_filter(kind="text", status="registered", search="00004")
    assert model.rowCount() == 1


def test_image_works_get_a_thumbnail_cached_beside_the_catalog(qtbot, model, home):
    kind_icon = cell(model, 5, lm.COL_PREVIEW, Qt.DecorationRole)
    digest = cell(model, 5, lm.COL_PREVIEW, lm.DigestRole)
    thumbnail = home / "thumbnails" / digest[:2] / f"{digest}.png"
    qtbot.waitUntil(thumbnail.exists, timeout=5000)
    qtbot.waitUntil(lambda: cell(model, 5, lm.COL_PREVIEW, Qt.DecorationRole) is not kind_icon)
    stored = QImage(str(thumbnail))
    assert (stored.width(), stored.height()) == (128, 85)  # 300x200 scaled to fit, shape kept
    shown = cell(model, 5, lm.COL_PREVIEW, Qt.DecorationRole).pixmap(128, 128).toImage()
    assert (shown.width(), shown.height()) == (128, 128)  # centred in a square
    assert shown.pixelColor(64, 64) == QColor("#3366cc")
    assert shown.pixelColor(64, 5).alpha() == 0


def test_a_large_catalog_is_read_a_page_at_a_time(qtbot, home, sync_runner):
    with Catalog.open(home) as catalog, catalog.transaction() as conn:
        conn.executemany(
            "INSERT INTO works (id, digest, size, kind, title, created, registered_at) "
            "VALUES (?, ?, 1, 'text', ?, '2024-01-01', ?)",
            [(i, f"{i:064x}", f"Work {i}", now_utc()) for i in range(1, 20_001)],
        )
    catalog = Catalog.open(home)
    try:
        model = LibraryModel(catalog, sync_runner)
        model.refresh()
        assert model.rowCount() == 20_000
        assert cell(model, 19_999, lm.COL_TITLE) == "Work 20000"
        assert cell(model, 10_000, lm.COL_TITLE) == "Work 10001"
        assert len(model._pages) == 2  # only the pages looked at were read
        for row in range(0, 20_000, lm.PAGE_SIZE):
            model.work_at(row)
        assert len(model._pages) == lm.MAX_PAGES
        assert model.row_of(12_345) == 12_344
        assert model.row_of(99_999) is None
    finally:
        catalog.close()


def test_a_page_that_cannot_be_read_shows_empty_rows_once(model, catalog, caplog, monkeypatch):
    def broken(ref):
        raise sqlite3.DatabaseError("disk I/O error")

    monkeypatch.setattr(catalog, "get_work", broken)
    model.refresh()
    for _ in range(3):  # painting asks again and again: the failure is logged once
        assert cell(model, 0, lm.COL_TITLE) is None
        assert cell(model, 5, lm.COL_PREVIEW, Qt.DecorationRole) is None
    assert len([r for r in caplog.records if "Cannot read works" in r.getMessage()]) == 1
    monkeypatch.undo()
    model.refresh()
    assert cell(model, 0, lm.COL_TITLE) == "poem-00000"


def titles(model):
    return [cell(model, r, lm.COL_TITLE) for r in range(model.rowCount())]


def test_sorting_by_a_column_asks_the_catalog_and_keeps_rows_findable(qtbot, model, catalog):
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    catalog.update_work(2, title="Zebra", created="1999-01-01")
    catalog.update_work(6, created="2000-01-01")
    model.sort(lm.COL_TITLE, Qt.DescendingOrder)
    assert titles(model) == [
        "Zebra",
        "sunset",
        "poem-00004",
        "poem-00003",
        "poem-00002",
        "poem-00000",
    ]
    assert model.row_of(2) == 0 and model.row_of(1) == 5 and model.row_of(99) is None
    model.sort(lm.COL_KIND)
    assert titles(model)[0] == "sunset"  # Image before Text
    model.sort(lm.COL_CREATED)
    assert titles(model)[:2] == ["Zebra", "sunset"]
    catalog.update_work(6, title="Dawn")  # an edit shows in its row, wherever it is
    model.reload_works([6])
    assert cell(model, 1, lm.COL_TITLE) == "Dawn"
    model.sort(-1)  # the order works were added
    assert [cell(model, r, lm.COL_TITLE, lm.WorkIdRole) for r in range(6)] == [1, 2, 3, 4, 5, 6]
    assert model.row_of(6) == 5


def test_sorting_by_status_sorts_what_is_shown(qtbot, model, catalog, registered):
    catalog.record_export("claims.colophon", "key", "0" * 64, [4])
    registered[2].unlink()
    model.sort(lm.COL_STATUS)
    ids = [cell(model, r, lm.COL_TITLE, lm.WorkIdRole) for r in range(6)]
    assert ids == [4, 3, 1, 2, 5, 6]  # exported, file missing, registered (in the order added)
    model.sort(lm.COL_STATUS, Qt.DescendingOrder)
    ids = [cell(model, r, lm.COL_TITLE, lm.WorkIdRole) for r in range(6)]
    assert ids == [6, 5, 2, 1, 3, 4]
    model.set_filter(status="registered")  # a filter keeps the order chosen
    ids = [cell(model, r, lm.COL_TITLE, lm.WorkIdRole) for r in range(model.rowCount())]
    assert ids == [6, 5, 2, 1]


def test_many_statuses_found_at_once_are_one_change_of_the_column(qtbot, model, monkeypatch):
    # A status filter or sort looks at every file; 100,000 signals would freeze the window.
    monkeypatch.setattr(lm, "MANY_CHANGES", 3)
    changes = []
    model.dataChanged.connect(lambda top, bottom, roles: changes.append((top, bottom)))
    model.presence.update({i: ws.GONE if i == 2 else ws.HERE for i in range(1, 7)})
    assert [(t.row(), t.column(), b.row(), b.column()) for t, b in changes] == [
        (0, lm.COL_STATUS, 5, lm.COL_STATUS)
    ]
    assert cell(model, 1, lm.COL_STATUS) == "file missing"
    changes.clear()
    model.presence.update({1: ws.GONE, 3: ws.GONE})  # a few: row by row
    assert sorted(t.row() for t, _b in changes) == [0, 2]


def test_rows_are_found_in_the_order_shown_until_a_new_order_arrives(qtbot, catalog):
    from colophon.gui.tasks import TaskRunner

    runner = TaskRunner()
    model = LibraryModel(catalog, runner)
    model.refresh()
    qtbot.waitUntil(lambda: not model.loading)
    model.sort(lm.COL_TITLE, Qt.DescendingOrder)
    qtbot.waitUntil(lambda: not model.loading)
    shown = [model.work_id_at(r) for r in range(model.rowCount())]
    assert shown == [6, 5, 4, 3, 2, 1]  # sunset, then poem-00004 … poem-00000
    model.sort(-1)  # asked for, not yet read: the rows are still those above
    assert [model.row_of(i) for i in shown] == list(range(6))
    qtbot.waitUntil(lambda: not model.loading)
    assert [model.row_of(i) for i in (1, 2, 3, 4, 5, 6)] == list(range(6))
    runner.shutdown()
