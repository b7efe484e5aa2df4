"""What the inspector's form shows for the works selected: none, one, or several.

None: a hint to select a work, and no form. One work: every field, and its details (kind, size,
digest, where it was found). Several: the fields they can share show a value only when all have
the same one, and otherwise a placeholder saying they differ (typing replaces the value for
all); the title is one per work and cannot be typed. Tags are the exception: for several works
the field starts empty, the tags typed are added to each work's own, and a note says which tags
all of them already have. Showing is not an edit: nothing here makes the form report one.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLineEdit

from ..core.catalog import Work
from .inspector_form import TAGS_PLACEHOLDER, InspectorForm
from .work_edits import common_tags, format_created, format_tags, shared_values

ADD_TAGS_PLACEHOLDER = "add tags to all selected"


def show_selection(form: InspectorForm, works: Sequence[Work], count: int) -> str | None:
    """Fill ``form`` for ``count`` selected works, of which ``works`` could be loaded.

    ``works`` holds all of them, or fewer when some were removed meanwhile or too many were
    selected to look up: then no value is shown as shared. Returns the stored creation date
    behind the one shown (None when none is shown), which typed dates are read against.
    """
    works = list(works)
    form.form_box.setVisible(count > 0)
    form.details_box.setVisible(count == 1 and bool(works))
    form.revert_button.setVisible(count > 0)
    form.save_button.setVisible(count > 0)
    if count == 0:
        form.heading.setText("Select a work to see and edit its details.")
    elif count == 1 and works:
        form.heading.setText(works[0].title)
    else:
        form.heading.setText(f"{count:,} works selected")
    shared = shared_values(works) if len(works) == count else None
    single = count == 1
    _fill(form.title_edit, shared and shared.title, "one title per work")
    form.title_edit.setEnabled(single)
    created_shown = shared.created if shared else None
    created = format_created(created_shown) if created_shown is not None else None
    _fill(form.created_edit, created, "several dates", "YYYY-MM-DD")
    _show_tags(form, works, count)
    description = shared.description if shared else None
    form.description_edit.blockSignals(True)
    form.description_edit.setPlainText(description or "")
    form.description_edit.setPlaceholderText(
        "" if description is not None else "(several descriptions; typing replaces them)"
    )
    form.description_edit.blockSignals(False)
    contributors = shared.contributors if shared else None
    form.contributors.set_contributors(contributors or [])
    form.contributors_note.setVisible(count > 1 and contributors is None)
    form.contributors_note.setText(
        "The selected works have different contributors; changing them here replaces them for all."
    )
    if single and works:
        _show_details(form, works[0])
    form.terms_section.set_works(works, count)
    form.export_history.set_work(works[0] if single and works else None)
    return created_shown


def describe_selection(works: Sequence[Work], count: int) -> str:
    """The selected works as named in a sentence: the title of one, or how many there are."""
    if count == 1 and works:
        return f"“{works[0].title}”"
    return f"the {count:,} selected works"


def _show_tags(form: InspectorForm, works: list[Work], count: int) -> None:
    """One work: its tags, typed over. Several: an empty field whose tags are added to each."""
    several = count > 1
    form.fields_layout.setRowVisible(form.tags_note, several)
    if not several:
        tags = works[0].tags if works else []
        _fill(form.tags_edit, format_tags(tags), "", TAGS_PLACEHOLDER)
        return
    form.tags_edit.clear()
    form.tags_edit.setPlaceholderText(ADD_TAGS_PLACEHOLDER)
    note = "Tags typed here are added to each work's own; none are removed."
    common = common_tags(works) if len(works) == count else []
    if common:
        note += f" All have: {format_tags(common)}."
    form.tags_note.setText(note)


def _fill(edit: QLineEdit, value: str | None, mixed: str, placeholder: str = "") -> None:
    edit.setText(value or "")
    edit.setPlaceholderText(placeholder if value is not None else f"({mixed})")


def _show_details(form: InspectorForm, work: Work) -> None:
    mime = f" ({work.mime})" if work.mime else ""
    form.kind_label.setText(f"{work.kind.capitalize()}{mime}")
    form.size_label.setText(f"{work.size:,} bytes")
    form.registered_label.setText(work.registered_at.replace("T", " ").replace("Z", " UTC"))
    form.digest_edit.setText(work.digest)
    form.digest_edit.setCursorPosition(0)
    form.paths_label.setText("\n".join(work.paths) or "no known location")
