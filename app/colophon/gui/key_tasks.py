"""Work that needs the private key: ask a key file's passphrase first, then sign in the background.

The core asks for a key file's passphrase through a callback (`PassphraseProvider`) called on the
worker thread, where no dialog may be shown. So the passphrase is asked here, on the UI thread,
*before* the task starts, and the worker gets a provider that just returns it. When the key file
refuses it (`WrongPassphrase`), the person is asked again, with the reason, and the task starts
again; cancelling the prompt ends the operation quietly. A key kept in the system keyring needs
no prompt at all (the provider is None).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from ..core.keystore import KeyLocation, PassphraseProvider, PassphraseRequest, WrongPassphrase
from ..core.progress import Progress
from .passphrase_dialog import ask_passphrase
from .tasks import Task, TaskRunner

KeyFn = Callable[[PassphraseProvider | None, Progress], Any]
Asker = Callable[[QWidget | None, Path, str, str], str | None]
WRONG = "That passphrase does not open the key file. Please try again."


def fixed_provider(passphrase: str) -> PassphraseProvider:
    """A provider that answers every request with ``passphrase`` (safe on any thread)."""

    def provide(_request: PassphraseRequest) -> str:
        return passphrase

    return provide


class KeyOperation:
    """One operation with the key: prompt (if a key file), run, and prompt again if refused."""

    def __init__(
        self,
        parent: QWidget | None,
        runner: TaskRunner,
        location: KeyLocation | None,
        fn: KeyFn,
        *,
        label: str,
        purpose: str = "",
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_started: Callable[[Task], None] | None = None,
        ask: Asker = ask_passphrase,
    ) -> None:
        self.parent = parent
        self.runner = runner
        self.location = location
        self.fn = fn
        self.label = label
        self.purpose = purpose
        self.on_success = on_success
        self.on_failure = on_failure
        self.on_progress = on_progress
        self.on_cancelled = on_cancelled
        self.on_started = on_started
        self.ask = ask
        self.task: Task | None = None

    @property
    def needs_passphrase(self) -> bool:
        return self.location is not None and self.location.kind == "file"

    def start(self, error: str = "") -> bool:
        """Ask for the passphrase if needed and start; False if the person cancelled."""
        provider: PassphraseProvider | None = None
        if self.needs_passphrase:
            assert self.location is not None and self.location.path is not None
            passphrase = self.ask(self.parent, self.location.path, self.purpose, error)
            if passphrase is None:
                if self.on_cancelled:
                    self.on_cancelled()
                return False
            provider = fixed_provider(passphrase)
        fn = self.fn
        self.task = self.runner.submit(
            lambda progress: fn(provider, progress),
            label=self.label,
            on_success=self.on_success,
            # A closure, not the bound method: a signal holds a plain object's method weakly,
            # and a caller that does not keep this operation would never hear of a failure.
            on_failure=lambda exc: self._on_task_failed(exc),
            on_progress=self.on_progress,
            on_cancelled=self.on_cancelled,
        )
        if self.on_started:
            self.on_started(self.task)
        return True

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _on_task_failed(self, exc: BaseException) -> None:
        if isinstance(exc, WrongPassphrase) and self.needs_passphrase:
            self.start(WRONG)  # asks again; cancelling there ends the operation
            return
        if self.on_failure:
            self.on_failure(exc)


def run_with_key(
    parent: QWidget | None,
    runner: TaskRunner,
    location: KeyLocation | None,
    fn: KeyFn,
    **kwargs: Any,
) -> KeyOperation | None:
    """Start ``fn(provider, progress)`` with the key at ``location``; None if cancelled."""
    operation = KeyOperation(parent, runner, location, fn, **kwargs)
    return operation if operation.start() else None
