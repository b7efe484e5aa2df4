"""The questions asked before typed edits could be lost, so that none is ever dropped silently.

Two situations, one rule: whoever leaves a form that holds unsaved edits decides their fate.

* The inspector, when the works shown change or the window closes, saves valid edits by itself.
  Edits it cannot save (a date that is not one, shares that do not add up) are put to the
  person: *Fix* (stay, the default and Escape), *Save the other changes* (when some edited
  fields are valid) or *Discard changes*.
* A form saved by a button (the profile in "Your identity") asks on closing: Save, Discard or
  Cancel, as desktop apps do for documents.

Both questions answer to Alt+letter, never to a letter typed alone: someone still typing when
one opens must not answer it unread.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from .alt_key_question import AltKeyQuestion


class Answer(Enum):
    """What to do with edits that cannot all be saved."""

    FIX = "fix"
    SAVE_OTHERS = "save others"
    DISCARD = "discard"


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def ask_about_invalid_edits(
    parent: QWidget, subject: str, problems: Sequence[str], savable: Sequence[str]
) -> Answer:
    """Ask what to do with edits to ``subject`` that have ``problems``.

    ``savable`` names the edited fields that are valid (e.g. "title"); when there are some, the
    person may save those alone. Titles and problems are shown as plain text, never markup.
    The buttons answer to Alt+letter, not to a letter typed alone (`AltKeyQuestion`).
    """
    info = "\n".join(problems)
    if savable:
        info += (
            f"\n\n“Save the other changes” saves the {_join(savable)} and leaves the rest "
            "as it was."
        )
    box = AltKeyQuestion(
        parent,
        QMessageBox.Warning,
        "Changes not saved yet",
        f"Your changes to {subject} cannot be saved as they are.",
        info,
    )
    fix = box.addButton("&Fix", QMessageBox.RejectRole)
    fix.setToolTip("Go back to the form and correct it")
    others = box.addButton("&Save the other changes", QMessageBox.AcceptRole) if savable else None
    box.addButton("&Discard changes", QMessageBox.DestructiveRole)
    clicked = box.ask(fix, fix)
    if clicked is fix or clicked is None:
        return Answer.FIX
    return Answer.SAVE_OTHERS if clicked is others else Answer.DISCARD


def ask_to_save(parent: QWidget, question: str, detail: str) -> QMessageBox.StandardButton:
    """Ask ``question`` with Save (the default), Discard and Cancel (also Escape)."""
    # desktops that underline "Discard" do not discard on a "d"
    box = AltKeyQuestion(parent, QMessageBox.Question, "Unsaved changes", question, detail)
    box.setStandardButtons(QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)
    clicked = box.ask(box.button(QMessageBox.Save), box.button(QMessageBox.Cancel))
    return QMessageBox.Cancel if clicked is None else box.standardButton(clicked)
