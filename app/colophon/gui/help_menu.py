"""The Help menu: what Colophon is, where it keeps its catalog, and the claim format's spec."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMainWindow, QMessageBox

from .. import __version__
from ..core.assets import resource

SPEC = "spec/claim-bundle.md"


def add_help_menu(window: QMainWindow, home: Path) -> None:
    """Add Help ▸ About Colophon and Help ▸ The claim format to ``window``'s menu bar."""
    menu = window.menuBar().addMenu("&Help")
    about = QAction("&About Colophon", window)
    about.triggered.connect(lambda: show_about(window, home))
    spec = QAction("The claim &format (for AI companies)", window)
    spec.triggered.connect(lambda: open_spec(window))
    menu.addActions([about, spec])


def about_text(home: Path) -> str:
    """What the About box says: what the app is for, where its data is, its licence."""
    return (
        f"<p><b>Colophon {__version__}</b></p>"
        "<p>Register your works, sign your terms for AI use, and verify anyone's claims. "
        "Everything stays on this computer: Colophon never needs a network connection and "
        "never changes your files.</p>"
        f"<p>Your catalog is kept in <code>{escape(str(home))}</code>; your signing key is in "
        "your system's keyring, or in the key file you chose.</p>"
        "<p>Free software under the GNU General Public License, version 3 or later.</p>"
    )


def show_about(window: QMainWindow, home: Path) -> None:
    QMessageBox.about(window, "About Colophon", about_text(home))


def spec_path() -> Path | None:
    """The claim format's spec as a file on disk, if the installed app has it as one."""
    path = Path(str(resource(SPEC)))
    return path if path.is_file() else None


def open_spec(window: QMainWindow) -> None:
    """Open the spec in the program the system uses for text files."""
    path = spec_path()
    if path is None or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        window.statusBar().showMessage(
            "The claim format could not be opened here; it is resources/spec/claim-bundle.md "
            "in Colophon's source.",
            10000,
        )
