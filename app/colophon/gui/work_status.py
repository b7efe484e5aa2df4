"""Whether each work's file is still on disk, found out lazily and never on the UI thread.

The library shows a status per work: "registered", "file missing", and later "exported" (from the
exports table the bundle feature adds). Knowing whether a file exists costs an ``os.stat`` per
known path, which on a slow or sleeping disk can take long, so it is asked only for the rows a
view actually shows, in background batches, and remembered. A work counts as missing when none
of its known paths exists any more: it can no longer be found to export or to check.

After an import or a check the answers are marked stale: stale answers are still shown (no
flicker) while fresh ones are asked for.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from ..core.catalog import Catalog
from .tasks import Batcher, TaskRunner

REGISTERED = "registered"
EXPORTED = "exported"  # filled in once exports are recorded in the catalog
MISSING = "file missing"
STATUSES = (REGISTERED, EXPORTED, MISSING)


def any_exists(paths: Iterable[str]) -> bool:
    """True if at least one of ``paths`` exists (a stat per path, stopping at the first)."""
    return any(os.path.exists(p) for p in paths)


def presence_of_works(items: list[tuple[int, tuple[str, ...]]]) -> dict[int, bool]:
    """For a batch of ``(work_id, paths)``: does each work still have a file? (worker thread)"""
    return {work_id: any_exists(paths) for work_id, paths in items}


def presence_of_catalog(catalog: Catalog, ids: Iterable[int] | None = None) -> dict[int, bool]:
    """Presence of every work (or of ``ids``); call on a worker with its own connection."""
    wanted = None if ids is None else set(ids)
    paths: dict[int, list[str]] = defaultdict(list)
    for known in catalog.iter_known_paths(wanted):
        if wanted is None or known.work_id in wanted:
            paths[known.work_id].append(known.path)
    result = {work_id: any_exists(p) for work_id, p in paths.items()}
    for work_id in wanted or ():
        result.setdefault(work_id, False)  # a work with no known path cannot be found
    return result


class PresenceCache(QObject):
    """Remembers which works still have a file; asks a worker about the ones not known yet."""

    #: work ids whose presence has just become known or changed
    presence_changed = Signal(list)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._known: dict[int, bool] = {}
        self._fresh: set[int] = set()
        self._batcher = Batcher(
            runner, presence_of_works, self._on_batcher_results, label="Looking for files"
        )

    def present(self, work_id: int, paths: Iterable[str]) -> bool | None:
        """The last answer for ``work_id`` (None if there is none yet); asks again if stale."""
        if work_id not in self._fresh:
            self._batcher.request(work_id, (work_id, tuple(paths)))
        return self._known.get(work_id)

    def status(self, work_id: int, paths: Iterable[str]) -> str | None:
        present = self.present(work_id, paths)
        if present is None:
            return None
        return REGISTERED if present else MISSING

    def known_status(self, work_id: int) -> str | None:
        """The status if known, without asking anything."""
        present = self._known.get(work_id)
        return None if present is None else (REGISTERED if present else MISSING)

    def update(self, presence: dict[int, bool]) -> None:
        """Record answers found elsewhere (a full scan, a check of every file)."""
        self._on_batcher_results(presence)

    def mark_stale(self) -> None:
        """Keep showing what is known, but ask again for whatever is shown next."""
        self._fresh.clear()
        self._batcher.clear()

    def _on_batcher_results(self, presence: dict[int, bool]) -> None:
        changed = [wid for wid, here in presence.items() if self._known.get(wid) != here]
        self._known.update(presence)
        self._fresh.update(presence)
        if changed:
            self.presence_changed.emit(changed)
