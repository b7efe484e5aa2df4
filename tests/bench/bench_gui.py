"""Benchmark: how fast the window opens on a big catalog, and whether it stays responsive.

Run as a script (pytest does not collect it: its name does not start with ``test_``)::

    QT_QPA_PLATFORM=offscreen python tests/bench/bench_gui.py [--works 100000] [--files 10000]

It fills a fresh catalog with ``--works`` works (straight SQL in one transaction, fake digests),
then prints:

- the time from creating the main window to its first paint, and to the first paint showing rows;
- the longest stall of the event loop while the table is scrolled end to end, and while the grid
  is shown and scrolled;
- the longest stall after selecting every work;
- the time to sort by title and by status (which looks at every file) and the longest stall
  meanwhile;
- the longest stall while ``--files`` small files are imported in the background;
- the time the verify window takes to show a claim of ``--claim-works`` works, and its longest
  stall meanwhile and while scrolling the works.

A stall is measured with a timer that should fire every 10 ms: the longest gap between two of
its ticks. Targets: first paint under 1.5 s, no stall over 100 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer

from colophon.core.bundle import export_bundle
from colophon.core.catalog import Catalog, now_utc
from colophon.core.media import KINDS
from colophon.gui.app import create_application, settle_after_startup
from colophon.gui.library_model import COL_STATUS, COL_TITLE
from colophon.gui.main_window import MainWindow
from colophon.gui.tasks import TaskRunner
from colophon.gui.verify_window import VerifyWindow

FIRST_PAINT_TARGET = 1.5
STALL_TARGET = 0.100


def fill_catalog(home: Path, count: int) -> None:
    """``count`` works with fake digests and paths that do not exist, in one transaction."""
    stamp = now_utc()
    with Catalog.open(home) as catalog, catalog.transaction() as conn:
        conn.executemany(
            "INSERT INTO works (id, digest, size, kind, title, created, registered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    i,
                    hashlib.sha256(b"%d" % i).hexdigest(),
                    1000 + i,
                    KINDS[i % len(KINDS)],
                    f"Work number {i}",
                    "2024-05-01T10:00:00+00:00",
                    stamp,
                )
                for i in range(1, count + 1)
            ),
        )
        conn.executemany(
            "INSERT INTO paths (work_id, path, size, mtime_ns, seen_at) VALUES (?, ?, ?, 0, ?)",
            ((i, f"/nonexistent/bench/work-{i}.bin", 1000 + i, stamp) for i in range(1, count + 1)),
        )


def make_files(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"file-{i:06d}.txt").write_text(f"small file {i}\n")


class PaintWatch(QObject):
    """Notes when a widget is first painted, and first painted while the model has rows."""

    def __init__(self, window: MainWindow, started: float) -> None:
        super().__init__()
        self.window, self.started = window, started
        self.first: float | None = None
        self.with_rows: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Paint:
            now = time.perf_counter() - self.started
            if self.first is None:
                self.first = now
            if self.with_rows is None and self.window.model.rowCount() > 0:
                self.with_rows = now
        return False


class StallProbe(QObject):
    """A 10 ms timer; the longest gap between its ticks is the longest stall of the loop."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self, interval=10, timerType=Qt.PreciseTimer)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.longest = 0.0
        self.last = time.perf_counter()

    def start(self) -> None:
        self.longest, self.last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def run_until(condition, timeout: float) -> bool:
    """Run the event loop until ``condition()`` is true or ``timeout`` seconds pass."""
    loop = QEventLoop()
    poll = QTimer(interval=5)
    deadline = time.perf_counter() + timeout
    poll.timeout.connect(lambda: (condition() or time.perf_counter() > deadline) and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    return bool(condition())


def scroll_through(view, probe: StallProbe, steps: int = 120) -> float:
    """Jump the view's scroll bar across its whole range, one step per frame (16 ms)."""
    bar = view.verticalScrollBar()
    positions = [
        bar.minimum() + (bar.maximum() - bar.minimum()) * i // steps for i in range(steps + 1)
    ]
    timer = QTimer(interval=16)
    timer.timeout.connect(lambda: bar.setValue(positions.pop(0)) if positions else timer.stop())
    probe.start()
    timer.start()
    run_until(lambda: not positions, timeout=60)
    run_until(lambda: False, timeout=0.3)  # let the last batches of status checks land
    return probe.stop()


def report(label: str, seconds: float, target: float, unit: str = "ms") -> None:
    """One line: the figure, and whether it meets its target."""
    value = f"{seconds * 1000:.0f} ms" if unit == "ms" else f"{seconds:.3f} s"
    verdict = "ok" if seconds < target else "OVER TARGET"
    print(f"{label:<36} {value:>9}   (target < {target * 1000:.0f} ms: {verdict})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument(
        "--claim-works", type=int, default=100_000, help="works in the claim verified (0: none)"
    )
    args = parser.parse_args(argv)
    create_application()
    with tempfile.TemporaryDirectory(prefix="colophon-bench-") as tmp:
        home = Path(tmp, "home")
        started = time.perf_counter()
        fill_catalog(home, args.works)
        print(f"catalog of {args.works:,} works filled in {time.perf_counter() - started:.2f} s")

        started = time.perf_counter()
        window = MainWindow(home=home)
        watch = PaintWatch(window, started)
        window.view.table.viewport().installEventFilter(watch)
        window.show()
        settle_after_startup()  # as run_app does
        run_until(lambda: watch.with_rows is not None, timeout=30)
        report("window to first paint", watch.first or float("nan"), FIRST_PAINT_TARGET, "s")
        report("window to first paint with rows", watch.with_rows or 99.0, FIRST_PAINT_TARGET, "s")

        probe = StallProbe()
        report(
            "longest stall scrolling the table",
            scroll_through(window.view.table, probe),
            STALL_TARGET,
        )

        probe.start()
        grid_watch = PaintWatch(window, time.perf_counter())
        window.view.grid.viewport().installEventFilter(grid_watch)
        window.grid_action.trigger()
        run_until(lambda: grid_watch.with_rows is not None, timeout=30)
        run_until(lambda: False, timeout=0.5)
        report(
            "switch to the grid, to first paint",
            grid_watch.with_rows or 99.0,
            FIRST_PAINT_TARGET,
            "s",
        )
        report("longest stall showing the grid", probe.stop(), STALL_TARGET)
        report(
            "longest stall scrolling the grid",
            scroll_through(window.view.grid, probe),
            STALL_TARGET,
        )
        window.table_action.trigger()

        probe.start()
        window.view.table.selectAll()  # Ctrl+A
        run_until(lambda: False, timeout=1.0)
        report("longest stall selecting all", probe.stop(), STALL_TARGET)

        for column, label in ((COL_TITLE, "title"), (COL_STATUS, "status")):
            window.view.select_work_ids([args.works // 2])
            probe.start()
            started = time.perf_counter()
            window.view.sort_by(column, Qt.DescendingOrder)
            run_until(lambda: not window.model.loading, timeout=60)
            run_until(lambda: False, timeout=0.3)
            report(f"sort by {label}, to the new rows", time.perf_counter() - started, 5.0, "s")
            report(f"longest stall sorting by {label}", probe.stop(), STALL_TARGET)
        window.view.sort_by(-1)
        run_until(lambda: not window.model.loading, timeout=60)

        folder = Path(tmp, "files")
        make_files(folder, args.files)
        probe.start()
        began = time.perf_counter()
        window.add_paths([str(folder)])
        run_until(lambda: not window.operations.busy, timeout=600)
        run_until(lambda: not window.model.loading, timeout=60)
        took = time.perf_counter() - began
        stall = probe.stop()
        added = window.catalog.count_works() - args.works
        print(
            f"import of {args.files:,} files: {added:,} added in {took:.2f} s "
            f"({added / took:,.0f} files/s), library showing {window.model.rowCount():,} works"
        )
        report("longest stall during the import", stall, STALL_TARGET)
        window.close()
        if args.claim_works:
            verify_window_figures(Path(tmp), args.claim_works)
    return 0


def verify_window_figures(tmp: Path, works: int) -> None:
    """Open the verify window on a bundle of ``works`` works: time to the verdict, and stalls."""
    import bench_bundle  # its catalog of claimable works, and its signer's profile

    from memory_keyring import MemoryKeyring  # tests/, which bench_bundle puts on the path

    keyring.set_keyring(MemoryKeyring())  # the signer's key, never in the real keyring
    bundle = tmp / "claim.colophon"
    with Catalog.open(tmp / "signer") as catalog:
        ids = bench_bundle.fill_catalog(catalog, works)
        export_bundle(catalog, bench_bundle.make_identity(catalog), ids, bundle, thumbnails=False)
    runner = TaskRunner()
    probe = StallProbe()
    probe.start()
    started = time.perf_counter()
    window = VerifyWindow(bundle, tmp / "verifier", runner)
    window.show()
    run_until(lambda: window.checked is not None, timeout=120)
    shown = time.perf_counter() - started
    run_until(lambda: False, timeout=0.3)
    print(f"verify window on a claim of {works:,} works")
    report("  to the verdict and the works", shown, FIRST_PAINT_TARGET, "s")
    report("  longest stall meanwhile", probe.stop(), STALL_TARGET)
    report(
        "  longest stall scrolling the works",
        scroll_through(window.works.table, probe),
        STALL_TARGET,
    )
    window.close()
    runner.shutdown()


if __name__ == "__main__":
    sys.exit(main())
