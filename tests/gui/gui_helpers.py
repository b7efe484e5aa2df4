"""Helpers for the identity, export and verify GUI tests: answering modal dialogs, making parties.

A modal dialog (`QDialog.exec`) runs its own event loop, so a test answers it from a timer:
`answer_dialog(qtbot, handler)` calls ``handler(dialog)`` on the next modal dialog that opens,
the way a person would type into it and press a button.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from colophon.core.bundle import export_bundle
from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.core.register import register

PASSPHRASE = "violet kettle under the harbour"


def answer_dialog(qtbot, handler: Callable[[QWidget], None], timeout_ms: int = 10_000) -> list:
    """Call ``handler`` with the next modal dialog to open; returns a list that records it."""
    seen: list[QWidget] = []
    waited = [0]

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible() and dialog not in seen:
            seen.append(dialog)
            handler(dialog)
            return
        waited[0] += 20
        if waited[0] < timeout_ms:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def answer_by_button(qtbot, button_text: str) -> list[str]:
    """Answer the next question by clicking its button ``button_text``; records what it said."""
    said: list[str] = []

    def click(box: QWidget) -> None:
        said.append(f"{box.text()}\n{box.informativeText()}")  # type: ignore[attr-defined]
        buttons = box.buttons()  # type: ignore[attr-defined]
        button = next(b for b in buttons if b.text().replace("&", "") == button_text)
        qtbot.mouseClick(button, Qt.LeftButton)

    answer_dialog(qtbot, click)
    return said


def click_row(qtbot, window, row: int, modifier=Qt.NoModifier) -> None:
    """Click the title cell of ``row`` in the main window's table (with ``modifier`` held)."""
    from colophon.gui.library_model import COL_TITLE

    table = window.view.table
    rect = table.visualRect(window.model.index(row, COL_TITLE))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, modifier, rect.center())


def select_rows(qtbot, window, rows: list[int]) -> None:
    """Select ``rows`` of the main window's table by clicks (Ctrl for the others); wait until the
    inspector shows them."""
    click_row(qtbot, window, rows[0])
    for row in rows[1:]:
        click_row(qtbot, window, row, Qt.ControlModifier)
    ids = [window.model.work_id_at(r) for r in sorted(rows)]
    qtbot.waitUntil(lambda: window.inspector.work_ids == ids)


def retype(qtbot, edit: QWidget, text: str) -> None:
    """Replace what ``edit`` holds by typing ``text``, as a person would."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClick(edit, Qt.Key_Delete)
    qtbot.keyClicks(edit, text)


def search_for(qtbot, window, text: str) -> None:
    """Type ``text`` in the main window's search field and wait for the library to follow."""
    window.search_edit.setFocus()
    qtbot.keyClicks(window.search_edit, text)
    qtbot.waitUntil(lambda: window.model.search == text and not window.model.loading)


def stored_work(window, work_id: int):
    """The work as the main window's catalog holds it now."""
    with Catalog.open(window.home) as catalog:
        return catalog.get_work(work_id)


def png_bytes(color: tuple[int, int, int], size: tuple[int, int] = (96, 64)) -> bytes:
    """A small real PNG picture (distinct colours give distinct works)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def make_creator(
    root: Path, name: str = "Ada Lovelace", files: dict[str, bytes] | None = None
) -> tuple[Path, list[int]]:
    """A Colophon home under ``root`` with an identity (keyring) and a few registered works."""
    home = root / "home"
    works = root / "works"
    works.mkdir(parents=True, exist_ok=True)
    files = files or {
        "harbour.png": png_bytes((10, 80, 160)),
        "poem.txt": f"A poem by {name}.\n".encode(),
        "notes.txt": f"Notes by {name}.\n".encode(),
    }
    for file_name, data in files.items():
        (works / file_name).write_bytes(data)
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile(name, email="ada@example.org"), KeyLocation.keyring())
        register(catalog, [str(works / n) for n in files], workers=1)
        ids = catalog.work_ids()
    return home, ids


def export_from(
    home: Path, path: Path, work_ids: list[int] | None = None, license: str | None = None
) -> Path:
    """Export a bundle of the works of ``home`` (all by default) to ``path``."""
    with Catalog.open(home) as catalog:
        ids = work_ids or catalog.work_ids()
        export_bundle(catalog, Identity(catalog), ids, path, license=license)
    return path


def tamper(path: Path, member: str, out: Path) -> Path:
    """A copy of the bundle at ``path`` with one member's bytes changed (the zip rebuilt)."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[member] = members[member] + b"<!-- changed -->"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out
