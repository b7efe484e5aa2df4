"""Whether each work's file is still on disk and as registered, found out lazily, never on the
UI thread.

The library shows a status per work: "registered", "exported" (it went into a bundle), "file
changed" (its files are there, but none is as it was registered: edited since, so the claim no
longer describes it), or "file missing" (none of its known paths exists: it can no longer be
found to export or to check). Knowing this costs an ``os.stat`` per known path, which on a slow
or sleeping disk can take long, so it is asked only for the rows a view actually shows, in
background batches, and remembered.

After an import or a check the answers are marked stale: stale answers are still shown (no
flicker) while fresh ones are asked for.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..core.catalog import Catalog, KnownPath
from .tasks import Batcher, TaskRunner

REGISTERED = "registered"
EXPORTED = "exported"
CHANGED = "file changed"
MISSING = "file missing"
STATUSES = (REGISTERED, EXPORTED, CHANGED, MISSING)
#: what the disk says of a work's files (a status before "exported" is known)
HERE, EDITED, GONE = "here", "edited", "gone"
_STATUS_OF = {HERE: REGISTERED, EDITED: CHANGED, GONE: MISSING}


def state_of(known: Iterable[KnownPath]) -> str:
    """`HERE` if a file is as registered (same size and time), else `EDITED` if one exists, else
    `GONE`; a stat per path, stopping at the first found as registered."""
    exists = False
    for path in known:
        try:
            st = os.stat(path.path)
        except OSError:
            continue
        if (st.st_size, st.st_mtime_ns) == (path.size, path.mtime_ns):
            return HERE
        exists = True
    return EDITED if exists else GONE


def state_of_catalog(catalog: Catalog, ids: Iterable[int] | None = None) -> dict[int, str]:
    """The state of every work (or of ``ids``); call on a worker with its own connection."""
    wanted = None if ids is None else set(ids)
    paths: dict[int, list[KnownPath]] = defaultdict(list)
    for known in catalog.iter_known_paths(wanted):
        if wanted is None or known.work_id in wanted:
            paths[known.work_id].append(known)
    result = {work_id: state_of(known) for work_id, known in paths.items()}
    for work_id in wanted or ():
        result.setdefault(work_id, GONE)  # a work with no known path cannot be found
    return result


def _state_of_works(home: Path, work_ids: list[int]) -> dict[int, str]:
    """For a batch of work ids: the state of each (on a worker, with its own connection)."""
    with Catalog.open(home) as catalog:
        return state_of_catalog(catalog, work_ids)


class PresenceCache(QObject):
    """Remembers each work's state on disk; asks a worker about the ones not known yet."""

    #: work ids whose state has just become known or changed
    presence_changed = Signal(list)

    def __init__(self, home: Path, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._known: dict[int, str] = {}
        self._fresh: set[int] = set()
        self._batcher = Batcher(
            runner,
            partial(_state_of_works, home),
            self._on_batcher_results,
            label="Looking for files",
        )

    def status(self, work_id: int) -> str | None:
        """The last known status (None if there is none yet); asks again if stale."""
        if work_id not in self._fresh:
            self._batcher.request(work_id, work_id)
        return self.known_status(work_id)

    def known_status(self, work_id: int) -> str | None:
        """The status if known, without asking anything."""
        state = self._known.get(work_id)
        return None if state is None else _STATUS_OF[state]

    def update(self, states: dict[int, str]) -> None:
        """Record answers found elsewhere (a full scan, a check of every file)."""
        self._on_batcher_results(states)

    def mark_stale(self) -> None:
        """Keep showing what is known, but ask again for whatever is shown next."""
        self._fresh.clear()
        self._batcher.clear()

    def _on_batcher_results(self, states: dict[int, str]) -> None:
        changed = [wid for wid, state in states.items() if self._known.get(wid) != state]
        self._known.update(states)
        self._fresh.update(states)
        if changed:
            self.presence_changed.emit(changed)
