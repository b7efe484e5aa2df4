"""Handing things to the desktop: opening a folder in the file manager, copying text.

Kept in one place so that every "Show in folder" behaves alike (the folder of a file is opened;
selecting the file itself has no portable way) and tests can stand in for the file manager.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication


def folder_of(path: Path) -> Path:
    """The folder to open for ``path``: itself if it is one, else the folder holding it."""
    return path if path.is_dir() else path.parent


def show_in_folder(path: Path) -> bool:
    """Open the folder holding ``path`` in the file manager; False if none could be started."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder_of(path))))


def copy_text(text: str) -> None:
    """Put ``text`` on the clipboard."""
    QGuiApplication.clipboard().setText(text)
