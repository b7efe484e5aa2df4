"""The background runner: results, errors and progress arrive on the UI thread; cancel works."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from colophon.core.errors import EnvironmentProblem, NotFoundError
from colophon.core.progress import Progress
from colophon.gui.tasks import Batcher, SyncTaskRunner, TaskRunner


@pytest.fixture
def runner(qapp):
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_result_is_delivered_on_the_ui_thread(qtbot, runner):
    seen = {}

    def work(progress: Progress) -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["delivered"] = threading.get_ident()

    with qtbot.waitSignal(runner.submit(work, on_success=done).finished, timeout=5000):
        pass
    assert seen["result"] == 42
    assert seen["worker"] != threading.get_ident()
    assert seen["delivered"] == threading.get_ident()
    assert runner.running == []


def test_a_database_error_is_delivered_in_plain_words(qtbot, runner):
    # A catalog another process holds, or a full disk, is no internal error for a person.
    def work(progress: Progress) -> None:
        raise sqlite3.OperationalError("database is locked")

    task = runner.submit(work)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], EnvironmentProblem)
    assert "busy: another Colophon is writing to it" in blocker.args[0].message


def test_errors_are_delivered_not_lost(qtbot, runner):
    def work(progress: Progress) -> None:
        raise NotFoundError("No work 7 in the catalog.")

    task = runner.submit(work)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], NotFoundError)
    assert blocker.args[0].message == "No work 7 in the catalog."


def test_cancel_stops_the_work_at_its_next_check(qtbot, runner):
    started = threading.Event()
    steps = []

    def work(progress: Progress) -> None:
        started.set()
        while True:
            progress.check()
            steps.append(1)
            time.sleep(0.001)

    task = runner.submit(work)
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
    count = len(steps)
    time.sleep(0.05)
    assert len(steps) == count  # the worker really stopped


def test_progress_is_throttled_and_ends_with_the_last_state(qtbot, runner):
    updates: list[tuple[int, int]] = []

    def work(progress: Progress) -> str:
        progress.start(total=200_000, label="Counting")
        for _ in range(200_000):
            progress.advance()
        return "done"

    started = time.monotonic()
    task = runner.submit(work, on_progress=lambda p: updates.append((p.done, p.total)))
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    elapsed = time.monotonic() - started
    assert updates[-1] == (200_000, 200_000)
    # at most ~20 a second (plus the first and the final one), however often the core reports
    assert len(updates) <= elapsed * 20 + 3


def test_sync_runner_has_finished_when_submit_returns(qapp):
    runner = SyncTaskRunner()
    events = []
    runner.submit(
        lambda p: (p.start(total=1), p.advance(), "ok")[-1],
        on_progress=lambda p: events.append(("progress", p.done)),
        on_success=lambda r: events.append(("success", r)),
        on_finished=lambda: events.append(("finished",)),
    )
    assert events[-2:] == [("success", "ok"), ("finished",)]
    assert ("progress", 1) in events


def test_batcher_sends_one_batch_per_turn_of_the_event_loop(qtbot, runner):
    batches: list[list[int]] = []
    results: dict[int, int] = {}

    def square_all(items: list[int]) -> dict[int, int]:
        batches.append(items)
        return {i: i * i for i in items}

    batcher = Batcher(runner, square_all, results.update, batch_size=100)
    for i in range(10):
        batcher.request(i, i)
    batcher.request(3, 3)  # asked twice: done once
    qtbot.waitUntil(lambda: len(results) == 10, timeout=5000)
    assert len(batches) == 1
    assert sorted(batches[0]) == list(range(10))
    assert results[9] == 81


def test_batcher_keeps_only_the_most_recent_requests(qtbot, runner):
    results: dict[int, int] = {}
    batcher = Batcher(runner, lambda items: {i: i for i in items}, results.update, max_pending=5)
    for i in range(100):  # like scrolling quickly past 100 rows
        batcher.request(i, i)
    qtbot.waitUntil(lambda: len(results) == 5, timeout=5000)
    qtbot.wait(50)
    assert sorted(results) == [95, 96, 97, 98, 99]
