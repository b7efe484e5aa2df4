"""Column headers that do not look at the selection, for tables of 100,000 rows.

A `QHeaderView` repaints each section with a style option saying whether its column, and the
ones beside it, are wholly selected. To know, `QItemSelectionModel.isColumnSelected` asks the
model about every row of the column: after "Select all" in a table of 100,000 works that is half
a million calls into Python, a second of frozen window, for a header that shows nothing of it
(section highlighting is off). The header gets a selection model of its own, which stays empty.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QTableView


def ignore_selection_in_header(table: QTableView) -> None:
    """Give ``table``'s column header an empty selection model; call after `setModel`."""
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSelectionModel(QItemSelectionModel(table.model(), header))
