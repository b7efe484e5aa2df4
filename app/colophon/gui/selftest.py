"""``colophon --self-test``: start the desktop app as a user would, and report in one line.

It opens the main window (offscreen unless ``QT_QPA_PLATFORM`` says otherwise) on a throw-away
Colophon home, waits until the window has painted, closes it and reports which keyring backend
``keyring`` picked. It exists for frozen builds (packaging/smoke_test.sh), where ``--version``
works even when a Qt plugin, a resource or a keyring backend was left out of the bundle; this
fails instead, with exit status 1 and the reason.

``QT_QPA_PLATFORM=xcb colophon --self-test`` (under a display, or ``xvfb-run``) checks the real
X11 plugin and the system libraries it loads.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from PySide6 import __version__ as qt_version
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from .. import __version__
from ..core.licenses import claim_license
from ..core.profile import check_currency_known

PAINT_TIMEOUT_MS = 30_000


class SelfTestFailed(Exception):
    """The app did not start, paint or close as it should; the message says what went wrong."""


def run_self_test(out: TextIO | None = None) -> int:
    """Run the self-test and print its one-line result on ``out``; 0 if it passed, else 1."""
    out = out or sys.stdout
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the application starts
    try:
        with tempfile.TemporaryDirectory(prefix="colophon-selftest-") as tmp:
            seconds = _open_paint_close(Path(tmp) / "home")
        check_currency_known("EUR")  # the currency list travels as a data file: is it there?
        claim_license("CC-BY-4.0")  # and so does the SPDX license list
        keyring_state = keyring_report()
    except Exception as exc:  # whatever stops the app is the result, reported in one line
        reason = str(exc) if isinstance(exc, SelfTestFailed) else f"{type(exc).__name__}: {exc}"
        print(f"colophon {__version__} self-test FAILED: {reason}", file=out, flush=True)
        return 1
    platform = QGuiApplication.platformName()
    print(
        f"colophon {__version__} self-test passed: window painted in {seconds:.2f} s "
        f"(Qt {qt_version}, {platform}); keyring: {keyring_state}",
        file=out,
        flush=True,
    )
    return 0


def _open_paint_close(home: Path) -> float:
    """Open the main window on ``home``, wait for its first paint, close it; the seconds taken."""
    from .app import create_application  # the app module imports the whole GUI: load it here
    from .main_window import MainWindow

    started = time.monotonic()
    app = create_application()
    if app.windowIcon().isNull():
        raise SelfTestFailed("the application icon could not be loaded from the resources")
    window = MainWindow(home=home)
    loop = QEventLoop()
    watcher = _PaintWatcher(window, loop.quit)
    app.installEventFilter(watcher)
    QTimer.singleShot(PAINT_TIMEOUT_MS, loop.quit)
    try:
        window.show()
        if not watcher.painted:
            loop.exec()
    finally:
        app.removeEventFilter(watcher)
    if not watcher.painted:
        window.close()
        raise SelfTestFailed(f"the main window did not paint within {PAINT_TIMEOUT_MS // 1000} s")
    seconds = time.monotonic() - started
    if window.grab().isNull():
        raise SelfTestFailed("the main window could not be rendered")
    if not window.close() or window.isVisible():
        raise SelfTestFailed("the main window refused to close")
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # let go of the catalog before cleanup
    app.processEvents()
    return seconds


class _PaintWatcher(QObject):
    """Notices the first paint event of any widget inside ``window``."""

    def __init__(self, window: QWidget, on_paint: object) -> None:
        super().__init__()
        self.window = window
        self.on_paint = on_paint
        self.painted = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            not self.painted
            and event.type() == QEvent.Type.Paint
            and isinstance(obj, QWidget)
            and obj.window() is self.window
        ):
            self.painted = True
            QTimer.singleShot(0, self.on_paint)  # type: ignore[arg-type]
        return False


def keyring_report() -> str:
    """Which backend ``keyring`` picked, whether Colophon may keep keys in it, and how many
    backends ``keyring`` found at all (0 in a frozen build means its metadata is missing)."""
    from importlib.metadata import entry_points

    import keyring

    from ..core.keystore import KeyringUnavailable, KeyStore

    backend = keyring.get_keyring()
    module = type(backend).__module__.removeprefix("keyring.backends.")
    name = f"{module}.{type(backend).__name__}"
    try:
        KeyStore().check_keyring()
        state = "usable"
    except KeyringUnavailable as exc:
        state = f"not usable ({exc.details})"
    known = len(entry_points(group="keyring.backends"))
    return f"{name}, {state}; {known} backends known"
