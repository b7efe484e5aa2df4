"""The inspector's parts about claims: a work's own AI terms, and where it was exported.

AI terms: each of the four uses reads "As in your profile (No)" until the person answers
differently for this work; only those answers are stored (``Catalog.update_work(terms=...)``,
None when there are none, so the work follows the profile again). With several works selected,
each use shows the answer they share, or "Differs among the selected works"; an answer given
here is set for all of them, and a use left to differ keeps each work's own (`answers`). The
inspector saves them together with the other fields.

Exports: for one work, every bundle it went into, newest first; a click opens the folder.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from ..core.catalog import Catalog, Work
from ..core.errors import UsageError
from ..core.identity import Identity
from ..core.profile import AI_USES, ProfileError
from .desktop import show_in_folder
from .plain_words import profile_problem
from .terms_editor import TermsEditor
from .work_edits import MAX_LOADED

MAX_EXPORTS_SHOWN = 20


def _when(stamp: str) -> str:
    return stamp.replace("T", " ").replace("Z", " UTC")[:20].strip()


class WorkTermsSection(QGroupBox):
    """The AI terms of the works shown in the inspector (saved with its other fields)."""

    #: the person changed an answer or a condition
    edited = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__("Terms for AI", parent)
        self.catalog = catalog
        self.setAccessibleName("Terms for AI")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.editor = TermsEditor(inherit=True)
        self.editor.edited.connect(self.edited)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.editor)
        self.refresh_profile()

    def refresh_profile(self) -> None:
        """Read the profile's terms again, for the "As in your profile (…)" choices."""
        profile = Identity(self.catalog).profile()
        self.editor.set_profile_terms(profile.terms.to_dict() if profile else None)

    def set_works(self, works: list[Work], count: int) -> None:
        """Show the terms of ``works`` (all ``count`` selected ones, or fewer if not loaded)."""
        self.setVisible(count > 0)
        self.setEnabled(len(works) == count)
        if len(works) != count:  # too many to read at once: said, not just greyed out
            self.note.setText(
                f"{count:,} works are selected, more than the {MAX_LOADED:,} whose terms can be "
                "set together here. Select fewer, or change the terms in your profile: they "
                "apply to every work without terms of its own."
            )
            return
        self.refresh_profile()  # one small read; the profile may have changed meanwhile
        answers = {use: [(w.terms or {}).get(use) for w in works] for use in AI_USES}
        mixed = [use for use, given in answers.items() if any(a != given[0] for a in given)]
        shared = {
            use: given[0]
            for use, given in answers.items()
            if given and given[0] is not None and use not in mixed
        }
        self.editor.set_overrides(shared, mixed)
        if count > 1 and mixed:
            self.note.setText(
                "The selected works differ on some uses; an answer given here is set for all "
                "of them, and a use left as it differs keeps each work's own."
            )
        elif count > 1:
            self.note.setText("Answers here apply to every selected work.")
        else:
            self.note.setText("Answer only where this work differs from your profile.")

    def value(self) -> dict[str, Any] | None:
        """The work's own terms to store (None: as in the profile); `UsageError` if incomplete."""
        try:
            return self.editor.overrides()
        except ProfileError as exc:
            raise UsageError(profile_problem(exc)) from exc

    def answers(self) -> dict[str, dict[str, str] | None]:
        """For several works: each use answered here (None: as in the profile), to set on all.

        Uses that read "Differs among the selected works" are left out, so each work keeps its
        own answer to them. `UsageError` if incomplete.
        """
        try:
            return self.editor.answers()
        except ProfileError as exc:
            raise UsageError(profile_problem(exc)) from exc


class ExportHistory(QGroupBox):
    """Every bundle one work went into, newest first; a click on one opens its folder."""

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__("Exported", parent)
        self.catalog = catalog
        self._exports: list[dict[str, Any]] = []
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Export history")
        self.label.setTextFormat(Qt.RichText)
        self.label.linkActivated.connect(self._on_label_link_activated)
        QVBoxLayout(self).addWidget(self.label)
        self.hide()

    def set_work(self, work: Work | None) -> None:
        """Show the exports of ``work`` (None: hide, as for several works)."""
        self._exports = self.catalog.exports_of(work.id) if work is not None else []
        self.setVisible(work is not None)
        if not self._exports:
            self.label.setText("Not exported yet.")
            self.label.setToolTip("")
            return
        lines = []
        for index, export in enumerate(self._exports[:MAX_EXPORTS_SHOWN]):
            path = Path(export["path"])
            count = export["work_count"]
            works = f"{count:,} work{'s' if count != 1 else ''}"
            lines.append(
                f"{escape(_when(export['created_at']))} — <a href='{index}'>"
                f"{escape(path.name)}</a> ({works})"
            )
        more = len(self._exports) - MAX_EXPORTS_SHOWN
        if more > 0:
            lines.append(f"… and {more:,} earlier")
        self.label.setText("<br>".join(lines))
        self.label.setToolTip("Click a name to open its folder.")

    def _on_label_link_activated(self, link: str) -> None:
        index = int(link)
        if 0 <= index < len(self._exports):
            show_in_folder(Path(self._exports[index]["path"]))
