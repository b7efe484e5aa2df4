"""A panel listing what an operation could not do (files skipped, files missing, an error).

Shown once at the end of the operation, in the window, instead of one popup per problem. It
stays until closed, so the list can be read and copied at leisure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MAX_LINES = 5_000
VISIBLE_LINES = 8


class ReportPanel(QFrame):
    """A title, a list of lines, and buttons to copy the list or close the panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.StyledPanel)
        self.setAccessibleName("Report")
        self.title = QLabel()
        self.title.setTextFormat(Qt.PlainText)  # it may name files: text, never markup
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.list = QListWidget()
        self.list.setAccessibleName("Report details")
        self.list.setSelectionMode(QListWidget.ExtendedSelection)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAccessibleName("Copy the report")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        #: what the report suggests doing next, when it does (see `show_report`)
        self.action_button = QPushButton()
        self.action_button.clicked.connect(self._on_action_button_clicked)
        self._action: Callable[[], None] | None = None
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close the report")
        self.close_button.clicked.connect(self.hide)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.action_button)
        top.addWidget(self.copy_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(top)
        layout.addWidget(self.list)
        self.hide()

    def show_report(
        self,
        title: str,
        lines: Sequence[str] = (),
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        """Show ``title`` and, if any, the ``lines`` (the first `MAX_LINES` of them);
        ``action``: the label and the callback of a button for what to do next."""
        self.title.setText(title)
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setAccessibleName(action[0].replace("&", "") if action else "")
        self.action_button.setVisible(action is not None)
        self.list.clear()
        shown = list(lines[:MAX_LINES])
        if len(lines) > MAX_LINES:
            shown.append(f"… and {len(lines) - MAX_LINES:,} more")
        self.list.addItems(shown)
        if shown:  # as tall as the lines need, up to a limit; the list scrolls beyond it
            rows = self.list.sizeHintForRow(0) * min(len(shown), VISIBLE_LINES)
            self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 4)
        self.list.setVisible(bool(shown))
        self.copy_button.setVisible(bool(shown))
        self.show()

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _on_action_button_clicked(self) -> None:
        if self._action is not None:
            self._action()

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText("\n".join([self.title.text(), *self.lines()]))
