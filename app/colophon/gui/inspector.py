"""The inspector: the details of the selected works, and the form to edit them.

One work: every field. Several works: the fields they can share (description, creation date,
contributors) show a value when all have the same one, and whatever is changed is written to
all of them; tags typed for several works are added to each work's own. Problems are shown
next to the field they concern, and nothing invalid is saved. The logic (what is shared, what
changed, what is valid) lives in `work_edits`; the widgets in `inspector_form`, and what they
show for one work or several in `inspector_display`.

Typed edits are never lost silently. When the works shown change (or the window closes, which
asks `confirm_leave` first), valid edits are saved; edits that cannot be saved are put to the
person (`unsaved_changes`): fix them (the inspector stays on its works and asks the library,
through `leave_refused`, to select them again), save the fields that are valid, or discard them.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ..core.catalog import Catalog, Work
from ..core.errors import ColophonError
from .inspector_display import describe_selection, show_selection
from .inspector_form import InspectorForm
from .tasks import TaskRunner
from .unsaved_changes import Answer, ask_about_invalid_edits
from .work_edits import FIELD_NAMES, MAX_LOADED, apply_changes, check_edits, resolve_created

#: the edited fields in the order of the form (problems are named and focused in this order)
FORM_ORDER = ("title", "created", "tags", "description", "contributors", "terms")
#: fields whose edits, for several works, are worked out from each work's own value
SEVERAL_KEYS = {"tags": "add_tags", "terms": "terms_uses"}


class Inspector(InspectorForm):
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
        super().__init__(catalog, parent)
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
        self.field_edited.connect(self._on_field_edited)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        for edit in (self.title_edit, self.created_edit, self.tags_edit):  # Enter saves
            edit.returnPressed.connect(self._save_if_edited)
        self.show_works([])

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
            try:  # all at once: a portfolio selected whole is read in a few queries
                self.works = self.catalog.works_by_ids(work_ids)
            except ColophonError:  # one removed meanwhile: the others, one by one
                for work_id in work_ids:
                    with contextlib.suppress(ColophonError):
                        self.works.append(self.catalog.get_work(work_id))
        self._populate()

    def revert(self) -> None:
        """Forget unsaved changes and show the catalog's values again."""
        self._edited.clear()
        self.show_works(self.work_ids)

    def _populate(self) -> None:
        self._edited.clear()
        self._problems = {}
        self._save_error = None
        self._created_shown = show_selection(self, self.works, len(self.work_ids))
        self._validate()

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
        self.show_problems(self._problems, self._save_error)
        savable = not self._problems and bool(self._edited) and not self._saving
        self.save_button.setEnabled(savable)
        self.save_button.setToolTip(self.error or "")
        self.revert_button.setEnabled(bool(self._edited))
        self.savable_changed.emit(savable)
        return None if self._problems else changes

    def _save_if_edited(self) -> None:
        if self._edited:
            self.save()

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
            subject = describe_selection(self.works, len(self.work_ids))
            answer = ask_about_invalid_edits(self, subject, list(problems.values()), savable)
            if answer is Answer.FIX:
                self._validate()
                self.focus_problem(next(iter(self._problems), None))
                return False
            if answer is Answer.DISCARD:
                changes = {}
        if changes and self.work_ids:
            self._submit(list(self.work_ids), changes)
        self._edited.clear()
        self._validate()
        return True

    @property
    def saving(self) -> bool:
        """Whether edits are being written (`saved` is emitted once they are)."""
        return self._saving

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
