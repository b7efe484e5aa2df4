"""Secondary text: quieter than the text around it, yet never the disabled grey.

The disabled colour says "not available", and on the light palette it is too faint to read
(about 3.9:1); a note, a hint or an empty-list message is available and meant to be read.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

#: how much of the text colour a secondary line keeps (the rest is the background): lighter than
#: the text around it, yet at least 5:1 against the background of the light and dark palettes
SECONDARY_TEXT_SHARE = 0.62


def secondary_text_color(palette: QPalette) -> QColor:
    """The palette's window text blended towards its window colour, for secondary lines."""
    text, back = palette.color(QPalette.WindowText), palette.color(QPalette.Window)
    keep = SECONDARY_TEXT_SHARE
    return QColor.fromRgbF(
        text.redF() * keep + back.redF() * (1 - keep),
        text.greenF() * keep + back.greenF() * (1 - keep),
        text.blueF() * keep + back.blueF() * (1 - keep),
    )


class SecondaryLabel(QLabel):
    """A line of advice, quieter than the text around it but never the disabled grey (which
    says "not available" and is too faint to read); it follows the palette when it changes."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._follow_palette()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ParentChange):
            self._follow_palette()

    def _follow_palette(self) -> None:
        parent = self.parentWidget()
        source = parent.palette() if parent is not None else QApplication.palette(self)
        palette = self.palette()
        color = secondary_text_color(source)
        if palette.color(QPalette.WindowText) != color:  # else no change, no new event
            palette.setColor(QPalette.WindowText, color)
            self.setPalette(palette)
