"""A label whose text wraps onto as many lines as it needs, wherever it is laid out.

A word-wrapped `QLabel` tells its height for a given width, but a form row (and a layout inside
a scrolling panel) may keep the height it first gave it: a problem that wraps onto a third line
at a larger font is then cut off and drawn over the next field. This label asks for the height
its text needs at its present width, whenever either changes.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class WrappingLabel(QLabel):
    """A word-wrapped label that is never shorter than its text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        # The width comes from the layout and never from the height, so this settles at once.
        needed = self.heightForWidth(self.width()) if self.width() > 0 else -1
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)
