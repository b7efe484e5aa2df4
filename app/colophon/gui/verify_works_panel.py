"""The right-hand side of the verify window: the claimed works, or why none is shown, and the
progress of "Check against a folder" with its Cancel button."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.pathtext import readable
from ..core.progress import Progress
from ..core.verify import VerifyResult
from . import icons
from .progress_panel import describe
from .secondary_label import SecondaryLabel
from .table_header import ignore_selection_in_header
from .verify_works_model import (
    COL_FOUND,
    COL_KIND,
    COL_PEOPLE,
    COL_PREVIEW,
    COL_TERMS,
    COL_TITLE,
    VerifyWorksModel,
)

MAX_SKIPPED_TIP = 10  # unreadable local files named in the tooltip
NOTHING_SHOWN = (
    "Nothing in this file can be relied on, so its works are not shown.\n\n"
    "Ask the sender for a fresh copy, or for their identity card."
)


class WorksPanel(QWidget):
    """A table of the claimed works over ``model``, with a progress row below it."""

    #: the person pressed Cancel while a folder was being checked
    cancel_requested = Signal()

    def __init__(self, model: VerifyWorksModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView()
        self.table.setAccessibleName("Claimed works")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setIconSize(QSize(48, 48))
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)  # no per-row sizing
        self.table.verticalHeader().setDefaultSectionSize(56)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(COL_TERMS, QHeaderView.Stretch)
        for column, width in (
            (COL_PREVIEW, 60),
            (COL_TITLE, 180),
            (COL_PEOPLE, 160),
            (COL_KIND, 70),
            (COL_FOUND, 180),
        ):
            header.resizeSection(column, width)
        self.table.setColumnHidden(COL_FOUND, True)  # until a folder was checked
        ignore_selection_in_header(self.table)
        self.no_works = SecondaryLabel()
        self.no_works.setWordWrap(True)
        self.no_works.setAlignment(Qt.AlignCenter)
        self.no_works.setAccessibleName("No works shown")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.no_works)
        self.label = QLabel("Works")
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Progress")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(14)
        self.cancel_button = QPushButton("Cancel")
        icons.set_icon(self.cancel_button, "cancel")
        self.cancel_button.setAccessibleName("Stop checking the folder")
        self.cancel_button.clicked.connect(self.cancel_requested)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_label)
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(progress)
        self.show_progress(None)

    def show_result(self, result: VerifyResult, folders: Sequence[Path] = ()) -> None:
        """Say how many works there are (and how many were found in ``folders``), or why none
        is shown."""
        text = f"Works ({self.model.rowCount():,})"
        if result.matches is not None and result.claim is not None:
            where = f"“{readable(folders[0].name or str(folders[0]))}”" if folders else "the folder"
            text += f" — {self.model.found_count():,} found in {where}"
            if near := self.model.near_count():
                text += f", {near:,} more as {'a near copy' if near == 1 else 'near copies'}"
        skipped = (result.skipped or []) if result.claim is not None else []
        if skipped:  # what they hold is not known: a work "not found" may be among them
            text += f" · {len(skipped):,} local file{'s' if len(skipped) != 1 else ''} unreadable"
        self.label.setText(text)
        self.label.setToolTip(
            "Could not be read, so not compared:\n"
            + "\n".join(f"{readable(s.path)}: {s.reason}" for s in skipped[:MAX_SKIPPED_TIP])
            + (
                f"\n… and {len(skipped) - MAX_SKIPPED_TIP:,} more"
                if len(skipped) > MAX_SKIPPED_TIP
                else ""
            )
            if skipped
            else ""
        )
        self.table.setColumnHidden(COL_FOUND, result.matches is None)
        if result.claim is None:
            self.no_works.setText(NOTHING_SHOWN)
            self.stack.setCurrentWidget(self.no_works)
        else:
            self.stack.setCurrentWidget(self.table)

    def show_nothing(self, text: str = NOTHING_SHOWN) -> None:
        """No claim to show works of (the file could not be checked): say so instead."""
        self.label.setText("Works")
        self.label.setToolTip("")
        self.no_works.setText(text)
        self.stack.setCurrentWidget(self.no_works)

    def show_progress(self, progress: Progress | None) -> None:
        """Show how far a folder check is (None: hide the progress row)."""
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            widget.setVisible(progress is not None)
        self.cancel_button.setEnabled(True)
        if progress is None:
            return
        counts = f" · {describe(progress)}" if progress.total else ""
        self.progress_label.setText(f"{progress.label or 'Checking files'}{counts}")
        if progress.total_bytes:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(int(1000 * progress.done_bytes / progress.total_bytes))
        else:
            self.progress_bar.setRange(0, max(progress.total, 0))
            self.progress_bar.setValue(min(progress.done, progress.total))

    def stopping(self) -> None:
        self.progress_label.setText("Stopping…")
        self.cancel_button.setEnabled(False)
