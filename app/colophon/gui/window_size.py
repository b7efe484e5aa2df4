"""Opening windows at a size that fits the screen they open on.

Each window has a comfortable size; on a small screen (a 1366×768 laptop, or 1024×700 with the
system's panels taken off) it opens smaller instead, so that its edges and its buttons are not
off-screen on first use. What the person then chooses (a resize, a saved geometry) is kept.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: the share of the available screen a window takes at most when it opens
MAX_SHARE = 0.95


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` × ``height``, or less where its screen is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        frame = window.frameGeometry().size() - window.geometry().size()  # title bar, borders
        width = min(width, int(available.width() * MAX_SHARE) - frame.width())
        height = min(height, int(available.height() * MAX_SHARE) - frame.height())
    window.resize(width, height)


def available_height(widget: QWidget) -> int:
    """The height of the screen ``widget`` is on, less the system's panels (pixels)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().height() if screen is not None else 1080
