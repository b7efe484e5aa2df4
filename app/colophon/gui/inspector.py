"""The inspector: the details of the selected works, and the form to edit them.

One work: every field. Several works: the fields they can share (description, creation date,
tags, contributors) show a value when all have the same one, and whatever is changed is
written to all of them. Problems are shown inline, next to the form, and nothing invalid is
saved. The logic (what is shared, what changed, what is valid) lives in `work_edits`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog, Work
from ..core.errors import ColophonError
from .contributors_editor import ContributorsEditor
from .tasks import TaskRunner
from .work_edits import apply_changes, build_changes, format_tags, shared_values
from .work_terms_section import ExportHistory, WorkTermsSection

MAX_LOADED = 1000  # beyond this many selected works, shared values are not looked up


class Inspector(QScrollArea):
    """Shows and edits the works selected in the library."""

    #: works whose changes were written to the catalog
    saved = Signal(list)
    #: a sentence for the status bar (e.g. why unsaved edits were dropped)
    message_posted = Signal(str)
    #: whether there are unsaved, valid changes (for the Save action)
    savable_changed = Signal(bool)

    def __init__(self, catalog: Catalog, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self._runner = runner
        self.work_ids: list[int] = []
        self.works: list[Work] = []
        self._edited: set[str] = set()
        self._error: str | None = None
        self._save_error: str | None = None
        self._saving = False
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.setAccessibleName("Inspector")
        self.setMinimumWidth(300)
        self._build()
        self.show_works([])

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.PlainText)  # titles and file names, never markup
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextSelectableByMouse)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.DemiBold)
        self.heading.setFont(font)
        layout.addWidget(self.heading)

        self.form_box = QWidget()
        form = QFormLayout(self.form_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.title_edit = self._line_edit("Title")
        self.created_edit = self._line_edit("Created", "YYYY-MM-DD")
        self.tags_edit = self._line_edit("Tags", "comma, separated, tags")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(90)
        self.description_edit.textChanged.connect(lambda: self._on_field_edited("description"))
        self.contributors = ContributorsEditor()
        self.contributors.edited.connect(lambda: self._on_field_edited("contributors"))
        self.contributors_note = QLabel()
        self.contributors_note.setWordWrap(True)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Created", self.created_edit)
        form.addRow("T&ags", self.tags_edit)
        form.addRow("&Description", self.description_edit)
        form.addRow(QLabel("Contributors"))
        form.addRow(self.contributors_note)
        form.addRow(self.contributors)
        layout.addWidget(self.form_box)
        self.terms_section = WorkTermsSection(self.catalog)  # saved with the fields above
        self.terms_section.edited.connect(lambda: self._on_field_edited("terms"))
        layout.addWidget(self.terms_section)

        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.PlainText)  # titles and file names, never markup
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Problem")
        self.error_label.setStyleSheet("color: #d93025; font-weight: 600;")
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save")
        self.save_button.setAccessibleName("Save changes")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setAccessibleName("Revert changes")
        self.revert_button.clicked.connect(self.revert)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

        self.details_box = QWidget()
        details = QFormLayout(self.details_box)
        details.setContentsMargins(0, 8, 0, 0)
        self.kind_label = QLabel()
        self.size_label = QLabel()
        self.registered_label = QLabel()
        self.digest_edit = QLineEdit()
        self.digest_edit.setReadOnly(True)
        self.digest_edit.setAccessibleName("Digest (SHA-256)")
        self.digest_edit.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.paths_label = QLabel()
        self.paths_label.setTextFormat(Qt.PlainText)  # titles and file names, never markup
        self.paths_label.setWordWrap(True)
        self.paths_label.setAccessibleName("Known paths")
        self.paths_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        details.addRow("Kind", self.kind_label)
        details.addRow("Size", self.size_label)
        details.addRow("Registered", self.registered_label)
        details.addRow("SHA-256", self.digest_edit)
        details.addRow("Found at", self.paths_label)
        layout.addWidget(self.details_box)

        # Sections below the work's own details (the export history), each hidden when empty.
        self.sections = QVBoxLayout()
        self.export_history = ExportHistory(self.catalog)
        self.sections.addWidget(self.export_history)
        layout.addLayout(self.sections)
        layout.addStretch(1)
        self.setWidget(body)

    def _line_edit(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        field = name.lower()
        edit.textEdited.connect(lambda _text: self._on_field_edited(field))
        return edit

    # -- showing -------------------------------------------------------------------------------
    def show_works(self, work_ids: list[int]) -> None:
        """Show the works with these ids; valid unsaved edits to the previous ones are saved."""
        work_ids = list(work_ids)
        if self._edited:
            if work_ids == self.work_ids:
                return  # the same works (the library was reloaded): keep the edits under way
            self._leave_edits()
        self.work_ids = work_ids
        self.works = []
        if len(work_ids) <= MAX_LOADED:
            for work_id in work_ids:
                with contextlib.suppress(ColophonError):  # removed meanwhile
                    self.works.append(self.catalog.get_work(work_id))
        self._populate()

    def revert(self) -> None:
        """Forget unsaved changes and show the catalog's values again."""
        self._edited.clear()
        self.show_works(self.work_ids)

    def _populate(self) -> None:
        count = len(self.work_ids)
        self._edited.clear()
        self._save_error = None
        self.form_box.setVisible(count > 0)
        self.details_box.setVisible(count == 1 and bool(self.works))
        self.revert_button.setVisible(count > 0)
        self.save_button.setVisible(count > 0)
        if count == 0:
            self.heading.setText("Select a work to see and edit its details.")
        elif count == 1 and self.works:
            self.heading.setText(self.works[0].title)
        else:
            self.heading.setText(f"{count:,} works selected")
        shared = shared_values(self.works) if len(self.works) == count else None
        single = count == 1
        self._fill(self.title_edit, shared and shared.title, "one title per work")
        self.title_edit.setEnabled(single)
        self._fill(self.created_edit, shared and shared.created, "several dates", "YYYY-MM-DD")
        tags = shared.tags if shared else None
        self._fill(self.tags_edit, None if tags is None else format_tags(tags), "several sets")
        description = shared.description if shared else None
        self.description_edit.blockSignals(True)
        self.description_edit.setPlainText(description or "")
        self.description_edit.setPlaceholderText(
            "" if description is not None else "(several descriptions; typing replaces them)"
        )
        self.description_edit.blockSignals(False)
        contributors = shared.contributors if shared else None
        self.contributors.set_contributors(contributors or [])
        self.contributors_note.setVisible(count > 1 and contributors is None)
        self.contributors_note.setText(
            "The selected works have different contributors; changing them here replaces "
            "them for all."
        )
        if single and self.works:
            self._show_details(self.works[0])
        self.terms_section.set_works(self.works, count)
        self.export_history.set_work(self.works[0] if single and self.works else None)
        self._validate()

    @staticmethod
    def _fill(edit: QLineEdit, value: str | None, mixed: str, placeholder: str = "") -> None:
        edit.setText(value or "")
        edit.setPlaceholderText(placeholder if value is not None else f"({mixed})")

    def _show_details(self, work: Work) -> None:
        mime = f" ({work.mime})" if work.mime else ""
        self.kind_label.setText(f"{work.kind.capitalize()}{mime}")
        self.size_label.setText(f"{work.size:,} bytes")
        self.registered_label.setText(work.registered_at.replace("T", " ").replace("Z", " UTC"))
        self.digest_edit.setText(work.digest)
        self.digest_edit.setCursorPosition(0)
        self.paths_label.setText("\n".join(work.paths) or "no known location")

    # -- editing -------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return bool(self._edited)

    @property
    def error(self) -> str | None:
        return self._error

    def _values(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "title": self.title_edit.text,
            "description": self.description_edit.toPlainText,
            "created": self.created_edit.text,
            "tags": self.tags_edit.text,
            "contributors": self.contributors.values,
            "terms": self.terms_section.value,
        }
        return {name: fields[name]() for name in self._edited}

    def _on_field_edited(self, field: str) -> None:
        self._edited.add(field)
        self._save_error = None
        self._validate()

    def _validate(self) -> dict[str, Any] | None:
        try:
            values = self._values()
            changes = build_changes(values)
            if "terms" in values:  # work_edits leaves the terms as they come (None: inherit)
                changes["terms"] = values["terms"]
        except ColophonError as exc:
            self._error = exc.message
            changes = None
        else:
            self._error = self._save_error
        self.error_label.setText(self._error or "")
        self.error_label.setVisible(self._error is not None)
        savable = changes is not None and bool(self._edited) and not self._saving
        self.save_button.setEnabled(savable)
        self.revert_button.setEnabled(bool(self._edited))
        self.savable_changed.emit(savable)
        return changes

    def save(self) -> None:
        """Write the changed fields to every shown work (in the background)."""
        changes = self._validate()
        if changes is None or not self._edited or self._saving or not self.work_ids:
            return
        self._submit(list(self.work_ids), changes)
        self._edited.clear()
        self._validate()

    def _leave_edits(self) -> None:
        changes = self._validate()
        if changes is None:
            self.message_posted.emit(f"Changes not saved: {self._error}")
        elif self._edited:
            self._submit(list(self.work_ids), changes)
        self._edited.clear()

    def _submit(self, work_ids: list[int], changes: dict[str, Any]) -> None:
        home = self.catalog.path.parent
        self._saving = True
        self._runner.submit(
            lambda progress: apply_changes(home, work_ids, changes, progress),
            label="Saving",
            on_success=self._on_save_succeeded,
            on_failure=self._on_save_failed,
            on_finished=self._on_save_finished,
        )

    def _on_save_succeeded(self, work_ids: list[int]) -> None:
        self.message_posted.emit(
            "Saved." if len(work_ids) == 1 else f"Saved changes to {len(work_ids):,} works."
        )
        if work_ids == self.work_ids and not self._edited:
            self.show_works(work_ids)
        self.saved.emit(work_ids)

    def _on_save_failed(self, exc: BaseException) -> None:
        message = getattr(exc, "message", None) or f"Saving failed: {exc}"
        self._save_error = message
        self.message_posted.emit(message)

    def _on_save_finished(self) -> None:
        self._saving = False
        self._validate()
