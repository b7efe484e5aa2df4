"""A one-line progress bar on the terminal, shown only when stderr is a terminal.

Pipes, files and ``--json`` runs get no bar at all, so logs stay clean.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ..core.progress import Progress

REFRESH_SECONDS = 0.1


@contextmanager
def progress_bar(stream: TextIO, enabled: bool = True) -> Iterator[Progress]:
    """Yield a `Progress` that draws itself on ``stream`` while the block runs."""
    progress = Progress()
    show = enabled and stream.isatty()
    if not show:
        yield progress
        return
    last = 0.0

    def draw(p: Progress, force: bool = False) -> None:
        nonlocal last
        now = time.monotonic()
        if not force and now - last < REFRESH_SECONDS:
            return
        last = now
        stream.write("\r" + render(p, shutil.get_terminal_size((80, 20)).columns))
        stream.flush()

    progress.on_change = draw
    try:
        yield progress
    finally:
        progress.on_change = None
        if last:
            draw(progress, force=True)
            stream.write("\n")
            stream.flush()


def render(p: Progress, width: int) -> str:
    """The bar as text: label, bar, counts, megabytes; only the counts while the total is unknown
    (a dataset is never listed beforehand)."""
    label = f"{p.label or 'Working'} "
    if not p.total and not p.total_bytes:
        return f"{label}… {p.done:,} files, {p.done_bytes / 1e6:,.0f} MB"[: width - 1]
    fraction = (
        p.done_bytes / p.total_bytes if p.total_bytes else (p.done / p.total if p.total else 0)
    )
    fraction = min(max(fraction, 0.0), 1.0)
    counts = f" {p.done}/{p.total} files, {p.done_bytes / 1e6:,.0f}/{p.total_bytes / 1e6:,.0f} MB"
    room = max(10, width - len(label) - len(counts) - 8)
    filled = int(room * fraction)
    return f"{label}[{'#' * filled}{'.' * (room - filled)}] {fraction:4.0%}{counts}"[: width - 1]
