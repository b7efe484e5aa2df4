"""The strip at the bottom of the window that shows a long operation and lets a person stop it.

It is fed the core's `Progress` (already throttled by `tasks`), so updating it is cheap; it holds
no logic of the operation itself.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..core.progress import Progress
from . import icons


def describe(progress: Progress) -> str:
    """The counts in words: "1,234 of 10,000 files · 12 of 40 MB"."""
    if not progress.total:
        return "Looking for files…"
    text = f"{progress.done:,} of {progress.total:,} files"
    if progress.total_bytes >= 1_000_000:
        text += f" · {progress.done_bytes / 1e6:,.0f} of {progress.total_bytes / 1e6:,.0f} MB"
    return text


class ProgressPanel(QFrame):
    """A label, a progress bar, the counts and a Cancel button."""

    #: the person asked to stop the operation
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.StyledPanel)
        self.setAccessibleName("Operation in progress")
        self.title = QLabel()
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Progress")
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(14)
        self.counts = QLabel()
        self.counts.setAccessibleName("Files done")
        self.cancel_button = QPushButton("Cancel")
        icons.set_icon(self.cancel_button, "cancel")
        self.cancel_button.setAccessibleName("Cancel the operation")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.counts)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self, title: str) -> None:
        """Show the panel for a new operation whose size is not known yet."""
        self.title.setText(title)
        self.bar.setRange(0, 0)  # busy until the total is known
        self.counts.setText("Looking for files…")
        self.cancel_button.setEnabled(True)
        self.show()

    def update_progress(self, progress: Progress) -> None:
        if progress.label:
            self.title.setText(progress.label)
        if progress.total_bytes:
            # permille of bytes: smooth for big files, and within int range for any size
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * progress.done_bytes / progress.total_bytes))
        elif progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(min(progress.done, progress.total))
        self.counts.setText(describe(progress))

    def stopping(self) -> None:
        """Say that cancelling was asked for and is under way."""
        self.cancel_button.setEnabled(False)
        self.counts.setText("Stopping…")

    def finish(self) -> None:
        self.hide()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_requested.emit()
