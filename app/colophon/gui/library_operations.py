"""The long operations on the library — adding files, checking files — as the window runs them.

Each runs the core function (`register`, `check`) through the `TaskRunner`, on a worker with a
catalog connection of its own, shows its progress in the `ProgressPanel`, and lists whatever it
could not do in the `ReportPanel` at the end. Files added while an import runs are queued and
imported next, so dropping several folders in a row just works.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from ..core.catalog import Catalog
from ..core.check import CheckReport, check
from ..core.pathtext import readable
from ..core.progress import Progress
from ..core.register import ImportReport, register
from .progress_panel import ProgressPanel
from .report_panel import ReportPanel
from .tasks import Task, TaskRunner

#: how often an import under way has the library show the works it recorded so far, in seconds
SHOW_RECORDED_EVERY_S = 2.0

CHECK_WORDS = {
    "missing": "Missing",
    "modified": "Changed since it was registered (add it again to claim the new version)",
    "moved": "Moved (now known by its new place)",
    "forgotten": "Gone from here, and forgotten (the work is at another of its places)",
    "unreadable": "Cannot be read",
}


def import_summary(report: ImportReport) -> str:
    """One sentence on what an import did."""
    parts = [f"Added {len(report.added):,} work{'s' if len(report.added) != 1 else ''}"]
    if report.new_versions:
        n = len(report.new_versions)
        what = "the new version of an edited file" if n == 1 else "new versions of edited files"
        parts.append(
            f"{n:,} of them {what}, with the earlier work's title, tags, contributors and terms"
        )
    if report.new_paths:
        places = "location" if report.new_paths == 1 else "locations"
        parts.append(f"{report.new_paths:,} new {places} of known works")
    if report.unchanged:
        parts.append(f"{report.unchanged:,} already registered")
    if report.skipped:
        parts.append(f"{len(report.skipped):,} skipped")
    text = "; ".join(parts) + "."
    return ("Import cancelled. " + text) if report.cancelled else text


def check_lines(report: CheckReport) -> list[str]:
    lines = []
    for result in report.problems:
        line = f"{CHECK_WORDS.get(result.status, result.status)}: {result.path}"
        if result.new_path:
            line += f" → {result.new_path}"
        elif result.detail and result.status == "unreadable":
            line += f" ({result.detail})"
        lines.append(line)
    if report.not_recorded:
        lines.append(f"What was found could not be recorded: {report.not_recorded}")
    return lines


class LibraryOperations(QObject):
    """Runs imports and checks one at a time, with progress, cancel and a final report."""

    #: works were added (the library should be read again); carries the import's report
    import_finished = Signal(object)
    #: an import under way has recorded more works (the library may show them already)
    works_recorded = Signal()
    #: every known file was looked at; carries the check's report
    check_finished = Signal(object)
    #: a sentence for the status bar
    message_posted = Signal(str)
    #: whether an operation is running
    busy_changed = Signal(bool)

    def __init__(
        self,
        home: Path,
        runner: TaskRunner,
        progress_panel: ProgressPanel,
        report_panel: ReportPanel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.home = home
        self._runner = runner
        self.progress_panel = progress_panel
        self.report_panel = report_panel
        self.current: Task | None = None
        self._queue: list[list[str]] = []
        progress_panel.cancel_requested.connect(self.cancel)

    @property
    def busy(self) -> bool:
        return self.current is not None

    def add_paths(self, paths: Sequence[str]) -> None:
        """Register the files and folders at ``paths`` (after any import already running)."""
        if not paths:
            return
        self._queue.append(list(paths))
        if self.busy:
            self.message_posted.emit("These files will be added when the current work is done.")
        else:
            self._start_next()

    def check_files(self, folders: Sequence[str] = ()) -> None:
        """Read every known file again and report those missing or changed; missing ones are
        looked for under ``folders`` (a move found there is kept)."""
        if self.busy:
            self.message_posted.emit("Please wait until the current work is done.")
            return
        home, search = self.home, list(folders)

        def run(progress: Progress) -> CheckReport:
            with Catalog.open(home) as catalog:
                return check(catalog, search, progress=progress)

        self._start(run, "Checking files", self._on_check_succeeded)

    def cancel(self) -> None:
        """Stop the running operation at its next safe point and drop the queued ones."""
        self._queue.clear()
        if self.current is not None:
            self.current.cancel()
            self.progress_panel.stopping()

    def _start_next(self) -> None:
        if not self._queue or self.busy:
            return
        paths = self._queue.pop(0)
        home = self.home

        def run(progress: Progress) -> ImportReport:
            with Catalog.open(home) as catalog:  # this thread's own connection: the one writer
                return register(catalog, paths, progress)

        self._start(run, "Adding files", self._on_import_succeeded, self._on_import_progress)

    def _start(
        self,
        run: Callable[[Progress], Any],
        title: str,
        on_success: Callable[[Any], None],
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self.progress_panel.start(title)
        self.report_panel.hide()
        self.busy_changed.emit(True)
        self._shown_at, self._shown_done = time.monotonic(), 0
        task = self._runner.submit(
            run,
            label=title,
            on_progress=on_progress or self.progress_panel.update_progress,
            on_success=on_success,
            on_failure=self._on_task_failed,
            on_cancelled=self._on_task_cancelled,
            on_finished=self._on_task_finished,
        )
        if not task.done:  # a synchronous runner has finished it already
            self.current = task

    def _on_import_progress(self, progress: Progress) -> None:
        """Show the progress, and every few seconds the works recorded so far (a long import
        fills the library as it goes, rather than all at once at the end)."""
        self.progress_panel.update_progress(progress)
        now = time.monotonic()
        if progress.done > self._shown_done and now - self._shown_at >= SHOW_RECORDED_EVERY_S:
            self._shown_at, self._shown_done = now, progress.done
            self.works_recorded.emit()

    def _on_import_succeeded(self, report: ImportReport) -> None:
        summary = import_summary(report)
        self.message_posted.emit(summary)
        if report.skipped:
            self.report_panel.show_report(
                f"{summary} These files were skipped:",
                [f"{readable(s.path)} — {s.reason}" for s in report.skipped],
            )
        self.import_finished.emit(report)

    def _on_check_succeeded(self, report: CheckReport) -> None:
        problems = check_lines(report)
        ok = report.count("ok")
        if report.cancelled:
            title = f"Check cancelled; {ok:,} files were fine so far."
        elif problems:
            needs = "needs" if len(problems) == 1 else "need"
            title = f"{ok:,} files are fine; {len(problems):,} {needs} attention."
        else:
            title = f"All {ok:,} files are where they were and unchanged."
        self.message_posted.emit(title)
        look = ("&Look for them in a folder…", self.look_for_missing)
        self.report_panel.show_report(title, problems, look if report.count("missing") else None)
        self.check_finished.emit(report)

    def look_for_missing(self) -> None:
        """Ask where the missing files may be now, and check again looking there."""
        parent = self.report_panel.window()
        folder = QFileDialog.getExistingDirectory(parent, "Where might the missing files be now?")
        if folder:
            self.check_files([folder])

    def _on_task_failed(self, exc: BaseException) -> None:
        message = getattr(exc, "message", None) or f"Internal error: {exc}. Please report this."
        self.report_panel.show_report(f"The operation stopped: {message}")
        self.message_posted.emit(message)
        self.import_finished.emit(None)  # whatever was recorded before the error is kept

    def _on_task_cancelled(self) -> None:
        self.message_posted.emit("Cancelled.")
        self.import_finished.emit(None)

    def _on_task_finished(self) -> None:
        self.current = None
        self.progress_panel.finish()
        if self._queue:
            self._start_next()
        else:
            self.busy_changed.emit(False)
