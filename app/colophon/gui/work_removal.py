"""Removing works from the catalog, after asking: the files stay where they are, and bundles
already exported still claim the works. Adding the files again registers them anew."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.catalog import Catalog
from .alt_key_question import AltKeyQuestion
from .tasks import TaskRunner


def confirm_removal(parent: QWidget, count: int, title: str = "") -> bool:
    """Ask before ``count`` works are removed; True to go on. Cancel is the default.

    One work is named by its ``title`` (when it has one), several are counted. The buttons
    answer to Alt+letter, not to a letter typed alone (`AltKeyQuestion`).
    """
    if count == 1:
        these = f"“{title}”" if title.strip() else "this work"
    else:
        these = f"these {count:,} works"
    box = AltKeyQuestion(
        parent,
        QMessageBox.Icon.Question,
        "Remove from the catalog",
        f"Remove {these} from your catalog?",
        "The files stay where they are, and bundles you already exported still claim "
        f"{'it' if count == 1 else 'them'}. Adding the files again registers them anew.",
    )
    remove = box.addButton("&Remove", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    return box.ask(cancel, cancel) is remove


class WorkRemoval(QObject):
    """Removes works on a worker thread and says how it went."""

    #: works were removed (the library should be read again); carries how many
    removed = Signal(int)
    #: a sentence for the status bar
    message_posted = Signal(str)

    def __init__(self, home: Path, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.runner = runner

    def remove(
        self,
        parent: QWidget,
        work_ids: list[int],
        title: str = "",
        confirmed: Callable[[], None] | None = None,
    ) -> bool:
        """Ask, then remove ``work_ids``; False if the person said no (nothing is changed).

        ``title`` names a single work in the question. ``confirmed`` is called once the person
        said yes, before anything is removed (to drop edits to these works, say): never on No.
        """
        if not work_ids or not confirm_removal(parent, len(work_ids), title):
            return False
        if confirmed is not None:
            confirmed()
        home, ids = self.home, list(work_ids)

        def run(_progress: object) -> int:
            with Catalog.open(home) as catalog:
                return catalog.remove_works(ids)

        self.runner.submit(
            run,
            label="Removing works",
            on_success=self._on_removed,
            on_failure=lambda exc: self.message_posted.emit(
                f"Nothing was removed: {getattr(exc, 'message', None) or exc}"
            ),
        )
        return True

    def _on_removed(self, count: int) -> None:
        noun = "work" if count == 1 else "works"
        self.message_posted.emit(
            f"Removed {count:,} {noun} from the catalog; the files are untouched."
        )
        self.removed.emit(count)
