"""A column header that ignores the selection: "Select all" in a long table stays instant."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from colophon.gui.table_header import ignore_selection_in_header

ROWS, COLUMNS = 5_000, 4


class CountingModel(QAbstractTableModel):
    """A plain table that counts how often Qt asks it for an item's flags."""

    def __init__(self) -> None:
        super().__init__()
        self.flag_calls = 0

    def rowCount(self, parent=QModelIndex()):  # noqa: B008, N802
        return 0 if parent.isValid() else ROWS

    def columnCount(self, parent=QModelIndex()):  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMNS

    def data(self, index, role=Qt.DisplayRole):
        return f"{index.row()}:{index.column()}" if role == Qt.DisplayRole else None

    def flags(self, index):
        self.flag_calls += 1
        return super().flags(index)


def flag_calls_painting_the_header_after_select_all(qtbot, quiet: bool) -> int:
    model = CountingModel()
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectRows)
    if quiet:
        ignore_selection_in_header(table)
    table.resize(600, 400)
    table.show()
    table.selectAll()
    model.flag_calls = 0
    table.horizontalHeader().grab()  # paints every section
    calls = model.flag_calls
    assert table.selectionModel().isRowSelected(ROWS - 1)  # the rows are all selected
    return calls


def test_the_header_does_not_ask_about_every_row(qtbot):
    assert flag_calls_painting_the_header_after_select_all(qtbot, quiet=True) < 100
    # what it saves: without it, Qt asks about every row of every column
    assert flag_calls_painting_the_header_after_select_all(qtbot, quiet=False) >= ROWS * COLUMNS
