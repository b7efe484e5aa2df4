"""Starting the desktop app: the QApplication, the main window, the event loop.

``colophon`` opens the library (and, the first time, the identity wizard); ``colophon FILE``
opens it with FILE verified in its own window when FILE is a claim, or added when it is a work.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import __version__
from ..core.errors import ColophonError
from . import icons
from .keyboard_focus import KeyboardFocusKeeper
from .main_window import MainWindow
from .theme import ThemeFollower


def create_application(argv: Sequence[str] = ()) -> QApplication:
    """The application object (made once), named, with a palette that follows the system."""
    app = QApplication.instance() or QApplication(["colophon", *argv])
    assert isinstance(app, QApplication)
    app.setApplicationName("Colophon")
    app.setOrganizationName("Colophon")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.colophon.Colophon")
    if app.findChild(ThemeFollower) is None:
        ThemeFollower(app)
    if app.findChild(KeyboardFocusKeeper) is None:
        KeyboardFocusKeeper(app)
    app.setWindowIcon(icons.app_icon())
    return app


def home_from_args(args: Sequence[str]) -> str | None:
    """The ``--home DIR`` (or ``--home=DIR``) given on the command line, if any."""
    items = list(args)
    for i, arg in enumerate(items):
        if arg == "--home" and i + 1 < len(items):
            return items[i + 1]
        if arg.startswith("--home="):
            return arg.split("=", 1)[1]
    return None


def files_from_args(args: Sequence[str]) -> list[Path]:
    """The files named on the command line (``colophon claim.colophon``), options left out."""
    items, files, skip = list(args), [], False
    for arg in items:
        if skip:
            skip = False
        elif arg == "--home":
            skip = True
        elif not arg.startswith("-"):
            files.append(Path(arg))
    return files


def settle_after_startup() -> None:
    """Exempt everything made at startup from garbage collection.

    The modules, Qt wrappers and window objects live as long as the app; a full collection
    would otherwise walk them all (tens of milliseconds, long enough to stall scrolling).
    """
    gc.collect()
    gc.freeze()


def run_app(args: Sequence[str] = ()) -> int:
    """Open the main window and run until it is closed; returns the exit status."""
    app = create_application()
    try:
        window = MainWindow(home=home_from_args(args))
    except ColophonError as exc:
        QMessageBox.critical(None, "Colophon", exc.message)
        return exc.exit_code
    window.show()
    files = files_from_args(args)
    if files:  # claims given on the command line open to be verified; other files are added
        works = window.claims.split_dropped([str(f) for f in files])
        if works:
            window.add_paths(works)
    else:
        QTimer.singleShot(0, window.claims.maybe_first_run)
    settle_after_startup()
    return int(app.exec())


def entry_point() -> None:
    sys.exit(run_app(sys.argv[1:]))
