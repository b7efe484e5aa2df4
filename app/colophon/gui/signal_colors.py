"""The three signal colours of verdicts and warnings, readable on light and dark palettes alike.

Each colour is strong enough for an icon or a border on either palette; banners use it as a
border with a faint tint of it behind the text, so the text keeps the palette's own colour.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

OK_COLOR = QColor("#1e8e3e")
WARNING_COLOR = QColor("#d97706")
ERROR_COLOR = QColor("#d93025")

GREEN, AMBER, RED = "green", "amber", "red"
COLORS = {GREEN: OK_COLOR, AMBER: WARNING_COLOR, RED: ERROR_COLOR}
ICONS = {GREEN: "ok", AMBER: "warning", RED: "error"}


def tint(color: QColor, alpha: int = 38) -> str:
    """``color`` as a CSS ``rgba()`` with a low alpha, for a background behind ordinary text."""
    return f"rgba({color.red()}, {color.green()}, {color.blue()}, {alpha})"
