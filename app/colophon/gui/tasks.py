"""Running core functions off the UI thread: the one place in the GUI that starts threads.

A widget hands a function ``fn(progress) -> result`` to a `TaskRunner` and gets back a `Task`
whose signals (`progressed`, `succeeded`, `failed`, `cancelled`, `finished`) are always emitted on
the UI thread. Progress comes from the core's Qt-free `Progress.on_change`, which fires on worker
threads as often as every chunk read; it is coalesced and delivered at most ``PROGRESS_HZ`` times
a second, always including the last state. Cancelling calls `Progress.cancel()`, so the core
stops at its next safe point by raising `Cancelled`.

A function that touches the catalog opens its own `Catalog` on the worker thread (SQLite in WAL
mode lets the UI's connection read meanwhile); no connection is ever shared between threads.

Tests swap in `SyncTaskRunner`, which runs each function at once on the calling thread.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from ..core.catalog import database_problem, is_environment_error
from ..core.errors import Cancelled, ColophonError
from ..core.progress import Progress

log = logging.getLogger(__name__)

PROGRESS_HZ = 20
TaskFn = Callable[[Progress], Any]


class Task(QObject):
    """One function running in the background, as the UI thread sees it."""

    #: the `Progress` itself (read it on the UI thread; its counters are plain ints)
    progressed = Signal(object)
    succeeded = Signal(object)
    #: the exception the function raised (a `ColophonError` for anything a person should read)
    failed = Signal(object)
    cancelled = Signal()
    #: after any of succeeded / failed / cancelled
    finished = Signal()

    def __init__(self, fn: TaskFn, label: str, runner: TaskRunner) -> None:
        super().__init__()
        self.fn = fn
        self.label = label
        self.progress = Progress(label=label, on_change=self._on_progress_changed)
        self.done = False
        self._runner = runner
        self._relay_lock = threading.Lock()
        self._relay_scheduled = False
        self._last_delivery = 0.0

    def cancel(self) -> None:
        """Ask the function to stop at its next safe point (it raises `Cancelled` there)."""
        self.progress.cancel()

    # -- worker side ---------------------------------------------------------------------------
    def run(self) -> None:
        """Run the function here (on whichever thread calls this) and post the outcome."""
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self._runner.post(self._deliver_cancelled)
        except Exception as exc:  # every failure reaches the UI thread; none is lost
            if is_environment_error(exc):  # busy, full, read-only or damaged: said plainly
                exc = database_problem(exc)  # type: ignore[arg-type]
            if not isinstance(exc, ColophonError):
                log.exception("Background task %r failed", self.label)
            self._runner.post(lambda error=exc: self._deliver_failure(error))
        else:
            self._runner.post(lambda: self._deliver_success(result))

    def _on_progress_changed(self, _progress: Progress) -> None:
        # Called on worker threads, possibly thousands of times a second: only schedule.
        with self._relay_lock:
            if self._relay_scheduled:
                return
            self._relay_scheduled = True
        self._runner.post(self._deliver_progress)

    # -- UI side -------------------------------------------------------------------------------
    def _deliver_progress(self) -> None:
        if self.done:
            return
        wait = self._runner.progress_interval - (time.monotonic() - self._last_delivery)
        if wait > 0:
            QTimer.singleShot(int(wait * 1000) + 1, self._deliver_progress_now)
        else:
            self._deliver_progress_now()

    def _deliver_progress_now(self) -> None:
        with self._relay_lock:
            self._relay_scheduled = False  # changes from now on schedule another delivery
        if self.done:
            return
        self._last_delivery = time.monotonic()
        self.progressed.emit(self.progress)

    def _deliver_success(self, result: object) -> None:
        self._finish()
        self.progressed.emit(self.progress)
        self.succeeded.emit(result)
        self.finished.emit()

    def _deliver_failure(self, exc: BaseException) -> None:
        self._finish()
        self.failed.emit(exc)
        self.finished.emit()

    def _deliver_cancelled(self) -> None:
        self._finish()
        self.cancelled.emit()
        self.finished.emit()

    def _finish(self) -> None:
        self.done = True
        self._runner.forget(self)


class _Runnable(QRunnable):
    """Carries a task into the pool, which owns and deletes it once run."""

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        self.task.run()


class TaskRunner(QObject):
    """Runs tasks on a private thread pool and hands their outcome to the UI thread."""

    _closures_posted = Signal()

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.progress_interval = 1.0 / PROGRESS_HZ
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: set[Task] = set()
        self._closures: list[Callable[[], None]] = []
        self._closures_lock = threading.Lock()
        self._closures_posted.connect(self._on_self_closures_posted, Qt.QueuedConnection)
        self._closed = False

    def submit(
        self,
        fn: TaskFn,
        *,
        label: str = "",
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> Task:
        """Start ``fn(progress)`` in the background; the callbacks run on the UI thread."""
        task = Task(fn, label, self)
        for signal, slot in (
            (task.progressed, on_progress),
            (task.succeeded, on_success),
            (task.failed, on_failure),
            (task.cancelled, on_cancelled),
            (task.finished, on_finished),
        ):
            if slot is not None:
                signal.connect(slot)
        if self._closed:
            task.done = True
            return task
        self._tasks.add(task)
        self._execute(task)
        return task

    @property
    def running(self) -> list[Task]:
        return [t for t in self._tasks if not t.done]

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel every task and wait for the threads; outcomes not yet delivered are dropped."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        self._pool.waitForDone(timeout_ms)
        with self._closures_lock:
            self._closures.clear()
        self._tasks.clear()

    def post(self, closure: Callable[[], None]) -> None:
        """Run ``closure`` on the UI thread soon; safe to call from any thread."""
        with self._closures_lock:
            self._closures.append(closure)
        with contextlib.suppress(RuntimeError):  # the runner is gone: the app is quitting
            self._closures_posted.emit()

    def forget(self, task: Task) -> None:
        self._tasks.discard(task)

    def _execute(self, task: Task) -> None:
        self._pool.start(_Runnable(task))

    @Slot()
    def _on_self_closures_posted(self) -> None:
        with self._closures_lock:
            closures, self._closures = self._closures, []
        for closure in closures:
            if not self._closed:
                closure()


class SyncTaskRunner(TaskRunner):
    """Runs each task at once on the calling thread, for tests that want no concurrency.

    Every callback and signal has fired by the time `submit` returns. Callers never submit from
    inside a model method, so this cannot re-enter a view.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent, max_threads=1)
        self.progress_interval = 0.0

    def post(self, closure: Callable[[], None]) -> None:
        if not self._closed:
            closure()

    def _execute(self, task: Task) -> None:
        task.run()


class Batcher(QObject):
    """Resolves keys asked for one by one on the UI thread in background batches.

    For what a view needs per visible row but must not compute while painting (a thumbnail,
    whether a file still exists): `request` returns at once, and the keys asked for during one
    turn of the event loop go to ``fn`` as one batch on a worker. One batch runs at a time and
    only the ``max_pending`` most recent requests are kept, so scrolling fast through 100,000
    rows never queues work for rows long out of sight. ``on_results`` runs on the UI thread.
    """

    def __init__(
        self,
        runner: TaskRunner,
        fn: Callable[[list[Any]], dict[Any, Any]],
        on_results: Callable[[dict[Any, Any]], None],
        *,
        label: str = "",
        batch_size: int = 64,
        max_pending: int = 512,
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self._fn = fn
        self._on_results = on_results
        self._label = label
        self._batch_size = batch_size
        self._max_pending = max_pending
        self._pending: dict[Any, Any] = {}  # insertion-ordered: oldest first
        self._in_flight: set[Any] = set()
        self._flush_scheduled = False
        self._generation = 0

    def request(self, key: Any, item: Any) -> None:
        """Ask for ``key``; ``item`` is what ``fn`` receives for it."""
        if key in self._in_flight:
            return
        self._pending.pop(key, None)
        self._pending[key] = item
        while len(self._pending) > self._max_pending:
            del self._pending[next(iter(self._pending))]
        self._schedule_flush()

    def clear(self) -> None:
        """Forget every request; results of a batch already running are dropped."""
        self._pending.clear()
        self._in_flight.clear()
        self._generation += 1

    def _schedule_flush(self) -> None:
        if not self._flush_scheduled and not self._in_flight:
            self._flush_scheduled = True
            QTimer.singleShot(0, self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._in_flight or not self._pending:
            return
        newest = list(self._pending.items())[-self._batch_size :]  # what is on screen now
        for key, _item in newest:
            del self._pending[key]
        self._in_flight = {key for key, _item in newest}
        items = [item for _key, item in newest]
        generation = self._generation
        fn = self._fn
        self._runner.submit(
            lambda _progress: fn(items),
            label=self._label,
            on_success=lambda results: self._on_batch_succeeded(generation, results),
            on_failure=lambda _exc: self._on_batch_ended(generation),
        )

    def _on_batch_succeeded(self, generation: int, results: dict[Any, Any]) -> None:
        if generation == self._generation:
            self._on_results(results)
        self._on_batch_ended(generation)

    def _on_batch_ended(self, generation: int) -> None:
        if generation == self._generation:
            self._in_flight.clear()
        if self._pending:
            self._schedule_flush()
