"""Light and dark palettes that follow the system's colour scheme (Qt 6.5+).

Where the platform theme already paints in the scheme the system asks for, its palette is kept.
Where it does not (Fusion on a desktop set to dark, for instance), a dark palette is applied, and
the choice follows the system when it changes while Colophon runs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from . import icons


def dark_palette() -> QPalette:
    """A calm dark palette with enough contrast for text and selections."""
    palette = QPalette()
    colors = {
        QPalette.Window: "#202226",
        QPalette.WindowText: "#e6e7ea",
        QPalette.Base: "#17181b",
        QPalette.AlternateBase: "#1d1f23",
        QPalette.ToolTipBase: "#2b2e33",
        QPalette.ToolTipText: "#e6e7ea",
        QPalette.PlaceholderText: "#8b8f97",
        QPalette.Text: "#e6e7ea",
        QPalette.Button: "#2b2e33",
        QPalette.ButtonText: "#e6e7ea",
        QPalette.BrightText: "#ff6b6b",
        QPalette.Light: "#3a3d43",
        QPalette.Midlight: "#32353a",
        QPalette.Mid: "#26282c",
        QPalette.Dark: "#141517",
        QPalette.Shadow: "#000000",
        QPalette.Highlight: "#3d6fd1",
        QPalette.HighlightedText: "#ffffff",
        QPalette.Link: "#7aa7ff",
        QPalette.LinkVisited: "#b197fc",
    }
    for role, value in colors.items():
        palette.setColor(QPalette.All, role, QColor(value))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        palette.setColor(QPalette.Disabled, role, QColor("#6f737b"))
    palette.setColor(QPalette.Disabled, QPalette.Highlight, QColor("#3a3d43"))
    return palette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.Window).lightness() < 128


class ThemeFollower(QObject):
    """Keeps the application's palette in step with the system's light or dark scheme."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        start = app.palette()
        self._light = QPalette(start) if not is_dark(start) else app.style().standardPalette()
        self._own_dark = False
        app.styleHints().colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)
        self.apply(app.styleHints().colorScheme())

    @property
    def dark(self) -> bool:
        return is_dark(self._app.palette())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Use a dark palette for the dark scheme unless the platform already gives one."""
        if scheme == Qt.ColorScheme.Dark and not is_dark(self._app.palette()):
            self._app.setPalette(dark_palette())
            self._own_dark = True
        elif scheme != Qt.ColorScheme.Dark and self._own_dark:
            self._app.setPalette(self._light)
            self._own_dark = False
        else:
            return
        icons.clear_cache()  # action icons are painted in the palette's text colour

    def _on_style_hints_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self.apply(scheme)
