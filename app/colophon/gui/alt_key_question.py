"""A question (a message box) that no stray keystroke can answer.

A plain QMessageBox presses a button when the letter underlined in it is typed alone, without
Alt. Someone still typing when a question opens (a search, a name) would answer it unread: the
"d" of a word discards edits, the "r" removes works. Here the buttons answer only to Alt+letter,
Enter, Escape, Space on the focused button, or a click.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

#: modifiers that make a key a command rather than typing
COMMAND_MODIFIERS = Qt.AltModifier | Qt.ControlModifier | Qt.MetaModifier


class AltKeyQuestion(QMessageBox):
    """A QMessageBox whose buttons answer to Alt+letter, never to a letter typed alone.

    Its texts are plain text, never markup: they may quote a title, a name or a file.
    """

    def __init__(
        self,
        parent: QWidget | None,
        icon: QMessageBox.Icon,
        title: str,
        text: str,
        details: str = "",
    ) -> None:
        super().__init__(parent)
        self.setIcon(icon)
        self.setWindowTitle(title)
        self.setTextFormat(Qt.PlainText)
        self.setText(text)
        if details:
            self.setInformativeText(details)

    def ask(self, default: QAbstractButton, escape: QAbstractButton) -> QAbstractButton | None:
        """Show the question until it is answered; the button chosen. Enter chooses
        ``default``, Escape ``escape``. The box is gone afterwards."""
        self.setDefaultButton(default)  # type: ignore[arg-type]
        self.setEscapeButton(escape)
        self.exec()
        clicked = self.clickedButton()
        self.deleteLater()
        return clicked

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text()
        if not event.modifiers() & COMMAND_MODIFIERS and text.isprintable() and text.strip():
            event.accept()  # typed, not chosen: nothing happens
            return
        super().keyPressEvent(event)


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "&Yes") -> bool:
    """Ask a yes-or-no question that no stray keystroke answers; True only for ``yes``.

    "No" is the default (Enter) and Escape's answer: a question before a change is answered
    yes on purpose.
    """
    box = AltKeyQuestion(parent, QMessageBox.Question, title, text)
    agree = box.addButton(yes, QMessageBox.YesRole)
    refuse = box.addButton("&No", QMessageBox.NoRole)
    return box.ask(refuse, refuse) is agree
