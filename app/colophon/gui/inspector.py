"""The inspector: the details of the selected works, and the form to edit them.

One work: every field. Several works: the fields they can share (description, creation date,
contributors) show a value when all have the same one, and whatever is changed is written to
all of them; tags typed for several works are added to each work's own. Problems are shown
next to the field they concern, and nothing invalid is saved. The logic (what is shared, what
changed, what is valid) lives in `work_edits`.

Typed edits are never lost silently. When the works shown change (or the window closes, which
asks `confirm_leave` first), valid edits are saved; edits that cannot be saved are put to the
person (`unsaved_changes`): fix them (the inspector stays on its works and asks the library,
through `leave_refused`, to select them again), save the fields that are valid, or discard them.
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
from .unsaved_changes import Answer, ask_about_invalid_edits
from .work_edits import (
    FIELD_NAMES,
    apply_changes,
    check_edits,
    common_tags,
    format_created,
    format_tags,
    resolve_created,
    shared_values,
)
from .work_terms_section import ExportHistory, WorkTermsSection

MAX_LOADED = 1000  # beyond this many selected works, shared values are not looked up
#: the edited fields in the order of the form (problems are named and focused in this order)
FORM_ORDER = ("title", "created", "tags", "description", "contributors", "terms")
TAGS_PLACEHOLDER = "comma, separated, tags"
ADD_TAGS_PLACEHOLDER = "add tags to all selected"
#: fields whose edits, for several works, are worked out from each work's own value
SEVERAL_KEYS = {"tags": "add_tags", "terms": "terms_uses"}


class Inspector(QScrollArea):
    """Shows and edits the works selected in the library."""

    #: works whose changes were written to the catalog
    saved = Signal(list)
    #: a sentence for the status bar (e.g. that changes were saved)
    message_posted = Signal(str)
    #: whether there are unsaved, valid changes (for the Save action)
    savable_changed = Signal(bool)
    #: the person chose to stay on these works (to fix their edits): select them again
    leave_refused = Signal(list)

    def __init__(self, catalog: Catalog, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self._runner = runner
        self.work_ids: list[int] = []
        self.works: list[Work] = []
        self._edited: set[str] = set()
        self._problems: dict[str, str] = {}
        self._created_shown: str | None = None  # the stored date behind the one shown
        self._save_error: str | None = None
        self._saving = False
        self._asking = False  # a question about unsaved edits is open
        self._requested: list[int] | None = None  # works asked for while it was open
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
        self.tags_edit = self._line_edit("Tags", TAGS_PLACEHOLDER)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(90)
        self.description_edit.textChanged.connect(lambda: self._on_field_edited("description"))
        self.contributors = ContributorsEditor()
        self.contributors.edited.connect(lambda: self._on_field_edited("contributors"))
        self.contributors_note = QLabel()
        self.contributors_note.setWordWrap(True)
        self.tags_note = QLabel()
        self.tags_note.setWordWrap(True)
        self.tags_note.setTextFormat(Qt.PlainText)  # tags are typed text, never markup
        self.tags_note.setAccessibleName("About tags of several works")
        #: the problem of each field that can have one, shown right under it
        self.problem_labels = {
            field: self._problem_label(FIELD_NAMES[field])
            for field in ("title", "created", "contributors", "terms")
        }
        form.addRow("&Title", self.title_edit)
        form.addRow("", self.problem_labels["title"])
        form.addRow("&Created", self.created_edit)
        form.addRow("", self.problem_labels["created"])
        form.addRow("T&ags", self.tags_edit)
        form.addRow("", self.tags_note)
        form.addRow("&Description", self.description_edit)
        form.addRow(QLabel("Contributors"))
        form.addRow(self.contributors_note)
        form.addRow(self.contributors)
        form.addRow(self.problem_labels["contributors"])
        self._form = form
        layout.addWidget(self.form_box)
        self.terms_section = WorkTermsSection(self.catalog)  # saved with the fields above
        self.terms_section.edited.connect(lambda: self._on_field_edited("terms"))
        layout.addWidget(self.terms_section)
        layout.addWidget(self.problem_labels["terms"])

        self.error_label = self._problem_label("")  # saving itself failed
        self.error_label.setAccessibleName("Problem")
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

    @staticmethod
    def _problem_label(field_name: str) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.PlainText)  # titles and file names, never markup
        label.setWordWrap(True)
        label.setAccessibleName(f"Problem with the {field_name}")
        label.setStyleSheet("color: #d93025; font-weight: 600;")
        label.hide()
        return label

    def _line_edit(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        field = name.lower()
        edit.textEdited.connect(lambda _text: self._on_field_edited(field))
        return edit

    # -- showing -------------------------------------------------------------------------------
    def show_works(self, work_ids: list[int]) -> None:
        """Show the works with these ids, once the edits to the previous ones are dealt with.

        Valid edits are saved. Edits that cannot be saved are asked about (`confirm_leave`);
        when the person chooses to fix them, the same works stay shown and `leave_refused`
        asks the library to select them again.
        """
        work_ids = list(work_ids)
        if self._asking:  # the selection moved again while the question is open
            self._requested = work_ids
            return
        if self._edited:
            if work_ids == self.work_ids:
                return  # the same works (the library was reloaded): keep the edits under way
            self._requested = work_ids
            self._asking = True
            try:
                leave = self.confirm_leave()
            finally:
                self._asking = False
            work_ids, self._requested = self._requested, None
            if not leave:
                self.leave_refused.emit(list(self.work_ids))
                return
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
        self._problems = {}
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
        self._created_shown = shared.created if shared else None
        created = format_created(self._created_shown) if self._created_shown is not None else None
        self._fill(self.created_edit, created, "several dates", "YYYY-MM-DD")
        self._show_tags(count)
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

    def _show_tags(self, count: int) -> None:
        """One work: its tags, typed over. Several: an empty field whose tags are added to each."""
        several = count > 1
        self._form.setRowVisible(self.tags_note, several)
        if not several:
            tags = self.works[0].tags if self.works else []
            self._fill(self.tags_edit, format_tags(tags), "", TAGS_PLACEHOLDER)
            return
        self.tags_edit.clear()
        self.tags_edit.setPlaceholderText(ADD_TAGS_PLACEHOLDER)
        note = "Tags typed here are added to each work's own; none are removed."
        common = common_tags(self.works) if len(self.works) == count else []
        if common:
            note += f" All have: {format_tags(common)}."
        self.tags_note.setText(note)

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
        """The first problem of the form (in the form's order), or why saving failed."""
        return next(iter(self._problems.values()), None) or self._save_error

    def _check(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The changes that can be saved, and the problem of each edited field that cannot."""
        several = len(self.work_ids) > 1
        readers: dict[str, Any] = {
            "title": self.title_edit.text,
            "description": self.description_edit.toPlainText,
            "created": lambda: resolve_created(self.created_edit.text(), self._created_shown),
            "tags": self.tags_edit.text,
            "contributors": self.contributors.values,
            "terms": self.terms_section.answers if several else self.terms_section.value,
        }
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for field in FORM_ORDER:
            if field not in self._edited:
                continue
            key = SEVERAL_KEYS.get(field, field) if several else field
            try:
                values[key] = readers[field]()
            except ColophonError as exc:  # the terms read their own widgets
                problems[field] = exc.message
        changes, more = check_edits(values)
        fields = {key: field for field, key in SEVERAL_KEYS.items()}
        problems.update({fields.get(f, f): m for f, m in more.items()})
        ordered = {field: problems[field] for field in FORM_ORDER if field in problems}
        return changes, ordered

    def _on_field_edited(self, field: str) -> None:
        self._edited.add(field)
        self._save_error = None
        self._validate()

    def _validate(self) -> dict[str, Any] | None:
        """Show each field's problem under it; the changes to save, or None if any is invalid."""
        changes, self._problems = self._check()
        for field, label in self.problem_labels.items():
            label.setText(self._problems.get(field, ""))
            if field == "terms":
                label.setVisible(field in self._problems)
            else:
                self._form.setRowVisible(label, field in self._problems)
        self.error_label.setText(self._save_error or "")
        self.error_label.setVisible(self._save_error is not None)
        savable = not self._problems and bool(self._edited) and not self._saving
        self.save_button.setEnabled(savable)
        self.save_button.setToolTip(self.error or "")
        self.revert_button.setEnabled(bool(self._edited))
        self.savable_changed.emit(savable)
        return None if self._problems else changes

    def save(self) -> None:
        """Write the changed fields to every shown work (in the background)."""
        changes = self._validate()
        if changes is None or not self._edited or self._saving or not self.work_ids:
            return
        self._edited.clear()  # first: the works are shown again once saved, however soon
        self._submit(list(self.work_ids), changes)
        self._validate()

    def confirm_leave(self) -> bool:
        """Deal with unsaved edits before the works shown change or the window closes.

        Valid edits are saved (in the background). Edits that cannot be saved are never
        dropped silently: the person is asked to fix them (False: stay, the edits and the
        problems shown), to save the other edited fields, or to discard them. True when the
        inspector may be left.
        """
        if not self._edited:
            return True
        changes, problems = self._check()
        if problems:
            savable = [FIELD_NAMES[f] for f in FORM_ORDER if f in self._edited - problems.keys()]
            answer = ask_about_invalid_edits(
                self, self._subject(), list(problems.values()), savable
            )
            if answer is Answer.FIX:
                self._validate()
                self._focus_problem()
                return False
            if answer is Answer.DISCARD:
                changes = {}
        if changes and self.work_ids:
            self._submit(list(self.work_ids), changes)
        self._edited.clear()
        self._validate()
        return True

    def _subject(self) -> str:
        if len(self.work_ids) == 1 and self.works:
            return f"“{self.works[0].title}”"
        return f"the {len(self.work_ids):,} selected works"

    def _focus_problem(self) -> None:
        """Put the cursor in the first field with a problem, scrolled into view."""
        field = next(iter(self._problems), None)
        widget: QWidget | None = {"title": self.title_edit, "created": self.created_edit}.get(
            field or ""
        )
        if field == "contributors" and self.contributors.rows:
            widget = self.contributors.rows[-1].share
        if field == "terms":  # the conditions still to be written, else the first answer
            rows = self.terms_section.editor.rows
            missing = (r.condition for r in rows if r.condition.isVisibleTo(self))
            widget = next((edit for edit in missing if not edit.text().strip()), rows[0].combo)
        if widget is None:
            return
        self.ensureWidgetVisible(widget)
        widget.setFocus(Qt.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()

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
