"""The focus stays visible for someone using the keyboard, also after a drop-down list closes.

Qt shows where the keyboard focus is (the blue outline of a field or list) only while the window
remembers that focus last moved by keyboard. A drop-down list (or a menu) that closes gives the
focus back as a popup would, which Qt counts as not by keyboard: a person who opened the list
with Alt+Down and chose with Enter then no longer sees which field they are on. This filter
remembers whether the last key or button press was a key, and if so keeps the outline shown
when a popup gives the focus back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QWidget

_KEY = QEvent.Type.KeyPress
_BUTTONS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
_FOCUS_IN = QEvent.Type.FocusIn


class KeyboardFocusKeeper(QObject):
    """Installed once on the application (`create_application`)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.by_keyboard = False  # whether the last key or button pressed was a key
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == _KEY:
            self.by_keyboard = True
        elif kind in _BUTTONS:
            self.by_keyboard = False
        elif (
            kind == _FOCUS_IN
            and self.by_keyboard
            and isinstance(event, QFocusEvent)
            and event.reason() == Qt.PopupFocusReason
            and isinstance(watched, QWidget)
        ):
            watched.window().setAttribute(Qt.WA_KeyboardFocusChange, True)
            watched.update()
        return False
