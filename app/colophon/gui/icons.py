"""The icons drawn for Colophon (``resources/icons/*.svg``), crisp at every size and palette.

Action icons are drawn in ``currentColor`` and painted in the palette's text colour, so they
read well in light and dark mode; kind icons carry their own colours. Each SVG is rendered once
per size into the `QIcon`, which then picks the sharpest rendering for where it is shown.
Everything is loaded through `colophon.core.assets.resource`, the one accessor for resources.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QIcon,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton

from ..core.assets import read_text
from ..core.media import KINDS

ACTION_SIZES = (16, 20, 24, 32, 48, 64)  # toolbars, menus, buttons (and twice that on HiDPI)
PICTURE_SIZES = (16, 24, 32, 48, 64, 96, 128, 192, 256)  # kind icons also fill grid cells
PROPERTY = "colophonIcon"
_cache: dict[tuple[str, str], QIcon] = {}
_kind_cache: dict[str, QIcon] = {}


def icon(name: str, color: QColor | None = None) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; ``currentColor`` in it is painted in ``color``.

    ``color`` defaults to the application palette's text colour.
    """
    if color is None:
        color = QGuiApplication.palette().color(QPalette.Active, QPalette.WindowText)
    key = (name, color.name())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    try:
        svg = read_text(f"icons/{name}.svg")
    except OSError:
        return QIcon()  # a missing icon must not stop the app; the text label still shows
    renderer = QSvgRenderer(QByteArray(svg.replace("currentColor", color.name()).encode()))
    result = QIcon()
    if "currentColor" in svg:
        for size in ACTION_SIZES:
            result.addPixmap(_render(renderer, size))
            result.addPixmap(_render(renderer, size, opacity=0.38), QIcon.Disabled)
    else:
        for size in PICTURE_SIZES:
            result.addPixmap(_render(renderer, size))
    _cache[key] = result
    return result


def set_icon(target: QAction | QAbstractButton, name: str) -> None:
    """Give an action or button the icon ``name``, and remember it for `refresh`."""
    target.setProperty(PROPERTY, name)
    target.setIcon(icon(name))


def refresh(root: QObject) -> None:
    """Paint again the icons set with `set_icon` under ``root``, after the palette changed."""
    for child in root.findChildren(QObject):
        name = child.property(PROPERTY)
        if name and isinstance(child, (QAction, QAbstractButton)):
            child.setIcon(icon(str(name)))


def kind_icon(kind: str) -> QIcon:
    """The icon for a kind of work (``image``, ``audio``, … see `colophon.core.media.KINDS`)."""
    cached = _kind_cache.get(kind)
    if cached is None:  # kind icons keep their own colours whatever the palette
        cached = _kind_cache[kind] = icon(f"kind-{kind if kind in KINDS else 'other'}")
    return cached


def app_icon() -> QIcon:
    return icon("colophon")


def clear_cache() -> None:
    """Forget rendered icons, e.g. when the palette changes between light and dark."""
    _cache.clear()


def _render(renderer: QSvgRenderer, size: int, opacity: float = 1.0) -> QPixmap:
    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setOpacity(opacity)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return QPixmap.fromImage(image)
