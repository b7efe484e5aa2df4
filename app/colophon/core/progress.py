"""A small, Qt-free progress and cancellation object shared by every long operation.

Core functions take a `Progress`, call `advance()` as they go and `check()` at safe points; a
cancelled operation raises `Cancelled` from `check()`. Faces (the terminal bar, the GUI progress
dialog) either poll the counters or pass an ``on_change`` callback. The callback runs on the
worker's thread, so a GUI must hand it over to its own thread (see ``colophon.gui.tasks``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import Cancelled


@dataclass
class Progress:
    """Counters for one operation. ``total`` of 0 means "not known yet"."""

    total: int = 0
    done: int = 0
    total_bytes: int = 0
    done_bytes: int = 0
    label: str = ""
    on_change: Callable[[Progress], None] | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, total: int = 0, total_bytes: int = 0, label: str = "") -> None:
        self.total, self.total_bytes, self.label = total, total_bytes, label
        self.done = self.done_bytes = 0
        self._notify()

    def advance(self, items: int = 1, nbytes: int = 0) -> None:
        """Count finished items and bytes; safe to call from worker threads."""
        with self._lock:
            self.done += items
            self.done_bytes += nbytes
        self._notify()

    def cancel(self) -> None:
        """Ask the operation to stop at its next safe point; safe from any thread."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise `Cancelled` if someone asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change(self)
