"""Editing who made a work: one row per contributor with name, role and share of the work.

Each row is a set of plain line edits rather than cells of a table, so every field is reachable
by keyboard and by screen readers, and is typed into directly. The total of the shares is shown
as it is typed; whether it is valid is decided by the core (`check_shares`) through the
inspector. A new row takes its place in the Tab order: after the row above it (or what comes
before the editor), before "Add contributor".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Contributor
from . import icons
from .work_edits import ContributorRow, format_share, total_share

ROLES = (
    "author",
    "artist",
    "composer",
    "performer",
    "photographer",
    "illustrator",
    "writer",
    "editor",
    "translator",
    "producer",
    "developer",
)


class _Row:
    def __init__(self, editor: ContributorsEditor, contributor: Contributor) -> None:
        self.name = QLineEdit(contributor.name)
        self.name.setPlaceholderText("Name")
        self.role = QLineEdit(contributor.role)
        self.role.setPlaceholderText("Role")
        self.role.setCompleter(QCompleter(list(ROLES), self.role))
        self.share = QLineEdit(format_share(contributor.share))
        self.share.setPlaceholderText("%")
        self.share.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,3}([.,]\d{0,2})?"), self.share)
        )
        self.share.setMaximumWidth(52)
        self.role.setMinimumWidth(96)
        self.remove = QToolButton()
        icons.set_icon(self.remove, "cancel")
        self.remove.setToolTip("Remove this contributor")
        self.number(len(editor.rows) + 1)
        for edit in (self.name, self.role, self.share):
            edit.textEdited.connect(editor._on_row_edited)
        self.remove.clicked.connect(lambda: editor._on_row_remove_clicked(self))

    def show(self, contributor: Contributor) -> None:
        """Fill the fields with ``contributor`` (not an edit)."""
        for edit, text in (
            (self.name, contributor.name),
            (self.role, contributor.role),
            (self.share, format_share(contributor.share)),
        ):
            if edit.text() != text:
                edit.setText(text)

    def number(self, number: int) -> None:
        """Name the fields after the row's position, for screen readers."""
        self.name.setAccessibleName(f"Contributor {number} name")
        self.role.setAccessibleName(f"Contributor {number} role")
        self.share.setAccessibleName(f"Contributor {number} share in percent")
        self.remove.setAccessibleName(f"Remove contributor {number}")

    @property
    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.role, self.share, self.remove)

    def values(self) -> ContributorRow:
        return (self.name.text(), self.role.text(), self.share.text())


class ContributorsEditor(QWidget):
    """A list of contributors that a person can add to, change and remove from."""

    #: the person changed, added or removed a contributor
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[_Row] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(1, 2)
        self.add_button = QPushButton("Add co&ntributor")
        self.add_button.setAccessibleName("Add contributor")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.total_label = QLabel()
        self.total_label.setAccessibleName("Total of shares")
        footer = QHBoxLayout()
        footer.addWidget(self.add_button)
        footer.addStretch(1)
        footer.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addLayout(footer)

    def set_contributors(self, contributors: Sequence[Contributor]) -> None:
        """Show ``contributors`` (not an edit).

        The rows already there are filled in again rather than replaced, so a field being
        typed in keeps the keyboard focus when the work is shown again after saving.
        """
        for row, contributor in zip(self.rows, contributors, strict=False):
            row.show(contributor)
        for contributor in contributors[len(self.rows) :]:
            self._add_row(contributor)
        extra = self.rows[len(contributors) :]
        del self.rows[len(contributors) :]
        if any(w.hasFocus() for row in extra for w in row.widgets):  # not to a field far away
            (self.rows[-1].name if self.rows else self.add_button).setFocus()
        for row in extra:
            self._discard(row)
        self._update_total()

    def values(self) -> list[ContributorRow]:
        return [row.values() for row in self.rows]

    def first_field(self) -> QWidget:
        """Where the editor starts: the first contributor's name, else "Add contributor"."""
        return self.rows[0].name if self.rows else self.add_button

    def add_contributor(self) -> None:
        """Add an empty row and put the cursor in its name field."""
        row = self._add_row(Contributor(""))
        row.name.setFocus()
        self.edited.emit()

    def _add_row(self, contributor: Contributor) -> _Row:
        row = _Row(self, contributor)
        line = len(self.rows)
        before = self._before_new_row()
        for column, widget in enumerate(row.widgets):
            self._grid.addWidget(widget, line, column)
            if self.isVisible():
                widget.show()  # now, so that it can take the focus at once
        # A widget added to a window joins the end of its Tab order, from where Tab would wrap
        # round to the top of the window: the row goes in its place instead.
        for widget in row.widgets:
            if before is not None:
                QWidget.setTabOrder(before, widget)
            before = widget
        if self._before_new_row() is not row.remove:  # nothing to follow before the editor
            QWidget.setTabOrder(row.remove, self.add_button)
        self.rows.append(row)
        return row

    def _before_new_row(self) -> QWidget | None:
        """What Tab reaches just before "Add contributor": the last row's remove button, or
        what comes before the editor; None if nothing else takes the focus."""
        widget = self.add_button.previousInFocusChain()
        while widget is not self.add_button and widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            widget = widget.previousInFocusChain()
        return None if widget is self.add_button else widget

    def _relayout(self) -> None:
        for line, row in enumerate(self.rows):
            row.number(line + 1)
            for column, widget in enumerate(row.widgets):
                self._grid.addWidget(widget, line, column)

    def _discard(self, row: _Row) -> None:
        for widget in row.widgets:
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()

    def _update_total(self) -> None:
        total = total_share(self.values())
        self.total_label.setText("" if total is None else f"Total: {total:g} %")

    def _on_add_button_clicked(self) -> None:
        self.add_contributor()

    def _on_row_edited(self) -> None:
        self._update_total()
        self.edited.emit()

    def _on_row_remove_clicked(self, row: _Row) -> None:
        self.rows.remove(row)
        self._discard(row)
        self._relayout()
        self._update_total()
        self.edited.emit()
