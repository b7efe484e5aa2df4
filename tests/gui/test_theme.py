"""Light and dark: the palette follows the colour scheme, and action icons follow the palette."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from colophon.gui import icons
from colophon.gui.theme import ThemeFollower, is_dark


def icon_lightness(action) -> int:
    image = action.icon().pixmap(24, 24).toImage()
    opaque = [
        image.pixelColor(x, y)
        for x in range(24)
        for y in range(24)
        if image.pixelColor(x, y).alpha() > 200
    ]
    return max(c.lightness() for c in opaque)


def test_dark_scheme_gives_a_dark_palette_and_light_icons(qtbot, qapp, make_window, sync_runner):
    window = make_window(sync_runner)
    saved = QPalette(qapp.palette())
    follower = ThemeFollower(qapp)
    try:
        assert icon_lightness(window.add_files_action) < 100
        follower.apply(Qt.ColorScheme.Dark)
        assert is_dark(qapp.palette())
        qtbot.waitUntil(lambda: icon_lightness(window.add_files_action) > 200)
        assert icon_lightness(window.progress_panel.cancel_button) > 200

        follower.apply(Qt.ColorScheme.Light)
        assert not is_dark(qapp.palette())
        qtbot.waitUntil(lambda: icon_lightness(window.add_files_action) < 100)
    finally:
        qapp.setPalette(saved)
        follower.deleteLater()
        icons.clear_cache()
