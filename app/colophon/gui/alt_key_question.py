"""A question (a message box) that no stray keystroke can answer.

A plain QMessageBox presses a button when the letter underlined in it is typed alone, without
Alt. Someone still typing when a question opens (a search, a name) would answer it unread: the
"d" of a word discards edits, the "r" removes works. Here the buttons answer only to Alt+letter,
Enter, Escape, Space on the focused button, or a click.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMessageBox

#: modifiers that make a key a command rather than typing
COMMAND_MODIFIERS = Qt.AltModifier | Qt.ControlModifier | Qt.MetaModifier


class AltKeyQuestion(QMessageBox):
    """A QMessageBox whose buttons answer to Alt+letter, never to a letter typed alone."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text()
        if not event.modifiers() & COMMAND_MODIFIERS and text.isprintable() and text.strip():
            event.accept()  # typed, not chosen: nothing happens
            return
        super().keyPressEvent(event)
