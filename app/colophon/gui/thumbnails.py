"""Thumbnails of image works: made on a worker, kept on disk beside the catalog and in memory.

A thumbnail is named by the work's digest, so it can never show other content than the work's
own; the folder (``<home>/thumbnails``) is a cache that may be deleted at any time and is rebuilt
on demand. Images are decoded with `QImageReader` at the reduced size (JPEG decodes straight to
it), which is safe off the UI thread because `QImage` is; only the final `QPixmap` is made on the
UI thread. Only the most recently shown thumbnails stay in memory.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QImageReader, QPainter, QPixmap

from ..core.errors import ColophonError
from ..core.fsutil import atomic_write
from .tasks import Batcher, TaskRunner

THUMBNAIL_SIZE = 128  # longest side, in pixels
MEMORY_ITEMS = 400
FOLDER_NAME = "thumbnails"


def thumbnail_path(folder: Path, digest: str) -> Path:
    return folder / digest[:2] / f"{digest}.png"


def make_thumbnail(source: str, size: int = THUMBNAIL_SIZE) -> QImage | None:
    """Decode ``source`` scaled to fit ``size`` pixels; None if it is not a readable image."""
    reader = QImageReader(source)
    reader.setAutoTransform(True)  # honour EXIF orientation
    if not reader.canRead():
        return None
    full = reader.size()
    if full.isValid() and (full.width() > size or full.height() > size):
        reader.setScaledSize(full.scaled(QSize(size, size), Qt.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    if image.width() > size or image.height() > size:  # formats that cannot scale on read
        image = image.scaled(size, size, Qt.KeepAspectRatio, Qt.SmoothTransformation)
    return image


def load_thumbnails(folder: Path, items: list[tuple[str, str, int]]) -> dict[str, QImage | None]:
    """For ``(digest, path, size)`` items: the cached thumbnail, made and stored if needed.

    Runs on a worker. A source whose size differs from the registered work's is not the work
    any more, and gets no thumbnail.
    """
    results: dict[str, QImage | None] = {}
    for digest, source, expected_size in items:
        cached = thumbnail_path(folder, digest)
        image = QImage(str(cached)) if cached.is_file() else QImage()
        if image.isNull():
            image = _make_and_store(source, expected_size, cached)
        results[digest] = None if image is None or image.isNull() else square(image)
    return results


def square(image: QImage) -> QImage:
    """``image`` centred on a transparent square, so every preview takes the same room."""
    side = max(image.width(), image.height())
    canvas = QImage(side, side, QImage.Format_ARGB32_Premultiplied)
    canvas.fill(Qt.transparent)
    painter = QPainter(canvas)
    painter.drawImage((side - image.width()) // 2, (side - image.height()) // 2, image)
    painter.end()
    return canvas


def _make_and_store(source: str, expected_size: int, cached: Path) -> QImage | None:
    try:
        if os.stat(source).st_size != expected_size:
            return None
    except OSError:
        return None
    image = make_thumbnail(source)
    if image is None:
        return None
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, bytes(data.data()))
    except (OSError, ColophonError):
        pass  # the cache is optional: show the thumbnail anyway, make it again next time
    return image


class ThumbnailCache(QObject):
    """Icons for image works, or None while one is being made (or if none can be)."""

    #: digests whose thumbnail has just become available
    thumbnails_ready = Signal(list)

    def __init__(self, folder: Path, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self._icons: OrderedDict[str, QIcon] = OrderedDict()
        self._unavailable: set[str] = set()
        self._batcher = Batcher(
            runner,
            lambda items: load_thumbnails(folder, items),
            self._on_batcher_results,
            label="Making thumbnails",
            batch_size=16,
            max_pending=256,
        )

    def icon(self, digest: str, path: str | None, size: int) -> QIcon | None:
        """The thumbnail of the work ``digest`` found at ``path``; asks for it if not in memory."""
        icon = self._icons.get(digest)
        if icon is not None:
            self._icons.move_to_end(digest)
            return icon
        if path and digest not in self._unavailable:
            self._batcher.request(digest, (digest, path, size))
        return None

    def forget_unavailable(self) -> None:
        """Try again for images that could not be read (after files came back, say)."""
        self._unavailable.clear()

    def _on_batcher_results(self, results: dict[str, QImage | None]) -> None:
        ready = []
        for digest, image in results.items():
            if image is None:
                self._unavailable.add(digest)
                continue
            self._icons[digest] = QIcon(QPixmap.fromImage(image))
            ready.append(digest)
        while len(self._icons) > MEMORY_ITEMS:
            self._icons.popitem(last=False)
        if ready:
            self.thumbnails_ready.emit(ready)
