"""The four AI-use questions, each answered No / Yes / Only with conditions, in plain words.

Used twice: for the profile's default terms (every use answered), and for one work's own terms,
where each use may also stay "As in your profile" (then nothing is stored for it, so a later
change of the profile reaches the work). For several works whose answers to a use differ, that
use reads "Differs among the selected works", and while it does each work keeps its own answer.
The CAWG vocabulary stays underneath: each answer is a `UseTerm` value and the conditions are
its ``constraint_info``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from ..core.profile import (
    AI_GENERATIVE_TRAINING,
    AI_INFERENCE,
    AI_TRAINING,
    AI_USES,
    ALLOWED,
    CONSTRAINED,
    DATA_MINING,
    NOT_ALLOWED,
    ProfileError,
    Terms,
)
from ..core.terms import ANSWERS, USE_QUESTIONS

INHERIT = "inherit"
MIXED = "mixed"  # several works, answered differently: each keeps its own
MIXED_TEXT = "Differs among the selected works"
CHOICES = (NOT_ALLOWED, ALLOWED, CONSTRAINED)
CONDITION_HINT = "The conditions, e.g. only for non-commercial research, with credit"
#: the longest "As in your profile (...)" a choice shows; the whole text is its tooltip
SHOWN_CHARS = 72
#: the fewest characters of an answer the details panel shows, however narrow
MIN_SHOWN_CHARS = 24


#: where each question's Alt+letter goes (letters no other field of the profile form uses)
_MNEMONICS = {
    AI_TRAINING: ("train AI", "train A&I"),
    AI_GENERATIVE_TRAINING: ("generative", "&generative"),
    AI_INFERENCE: ("input", "inp&ut"),
    DATA_MINING: ("data", "&data"),
}
#: the same in the inspector, beside the main window: its menus (File, Edit, View, Identity)
#: and the inspector's other fields (Title, Created, Tags, Description, Contributors, Add
#: contributor, Save, Revert) already use the letters above
_INSPECTOR_MNEMONICS = {
    AI_TRAINING: ("used", "&used"),
    AI_GENERATIVE_TRAINING: ("generative", "&generative"),
    AI_INFERENCE: ("input", "in&put"),
    DATA_MINING: ("mined", "&mined"),
}


class _UseRow:
    """One question: its label, the answer, and the conditions when there are some."""

    def __init__(self, use: str, inherit: bool, grid: QGridLayout, row: int) -> None:
        self.use = use
        question = USE_QUESTIONS[use]
        mnemonics = _INSPECTOR_MNEMONICS if inherit else _MNEMONICS
        self.label = QLabel(question.replace(*mnemonics[use], 1))
        self.label.setWordWrap(True)
        self.combo = QComboBox()
        self.combo.setAccessibleName(USE_QUESTIONS[use])
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        if inherit:
            self.combo.addItem("As in your profile", INHERIT)
            # a narrow panel: the answer takes the width there is (the profile's conditions
            # are cut to it, and whole in the tooltip), never more
            self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            self.combo.setMinimumContentsLength(MIN_SHOWN_CHARS)
            self.combo.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        for value in CHOICES:
            self.combo.addItem(ANSWERS[value], value)
        self.label.setBuddy(self.combo)
        self.condition = QLineEdit()
        self.condition.setAccessibleName(f"Conditions for {USE_QUESTIONS[use]}")
        self.condition.setPlaceholderText(CONDITION_HINT)
        self.condition.setMaxLength(2000)
        self.condition_box = QWidget()
        indent = QHBoxLayout(self.condition_box)
        indent.setContentsMargins(18, 0, 0, 4)
        indent.addWidget(self.condition)
        if inherit:  # narrow places (the inspector): the answer goes under its question
            grid.addWidget(self.label, row, 0, 1, 2)
            grid.addWidget(self.combo, row + 1, 0, 1, 2)
        else:
            grid.addWidget(self.label, row, 0)
            grid.addWidget(self.combo, row, 1)
        grid.addWidget(self.condition_box, row + 2, 0, 1, 2)

    @property
    def value(self) -> str:
        return str(self.combo.currentData())

    def set(self, value: str, condition: str | None = None) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))
        self.condition.setText(condition or "")
        self.update_visibility()

    def set_mixed(self, mixed: bool) -> None:
        """Offer (and choose) "Differs among the selected works", or take that choice away."""
        index = self.combo.findData(MIXED)
        if mixed and index < 0:
            self.combo.insertItem(0, MIXED_TEXT, MIXED)
            index = 0
        elif not mixed and index >= 0:
            self.combo.removeItem(index)
        if mixed:
            self.combo.setCurrentIndex(index)
            self.update_visibility()

    def update_visibility(self) -> None:
        self.condition_box.setVisible(self.value == CONSTRAINED)

    def term(self) -> dict[str, str] | None:
        """The CAWG entry chosen; None for "as in your profile". Raises `ProfileError`."""
        if self.value in (INHERIT, MIXED):
            return None
        if self.value != CONSTRAINED:
            return {"use": self.value}
        text = " ".join(self.condition.text().split())
        if not text:
            raise ProfileError(
                f"terms.{self.use}.constraint_info", "write the conditions, or answer Yes or No."
            )
        return {"use": CONSTRAINED, "constraint_info": text}


class TermsEditor(QWidget):
    """Answers to the four AI-use questions; ``inherit=True`` adds "As in your profile"."""

    #: the person changed an answer or a condition
    edited = Signal()

    def __init__(self, inherit: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inherit = inherit
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(0, 1)
        grid.setVerticalSpacing(4)
        self.rows = [_UseRow(use, inherit, grid, 3 * i) for i, use in enumerate(AI_USES)]
        for row in self.rows:
            row.combo.currentIndexChanged.connect(lambda _i, r=row: self._on_row_changed(r))
            row.condition.textEdited.connect(lambda _text: self.edited.emit())
            row.update_visibility()

    def row(self, use: str) -> _UseRow:
        return next(r for r in self.rows if r.use == use)

    # -- profile defaults ----------------------------------------------------------------------
    def set_terms(self, terms: Terms | Mapping[str, Any]) -> None:
        """Show every use's answer (profile mode)."""
        data = terms.to_dict() if isinstance(terms, Terms) else terms
        self._fill(data)

    def terms(self) -> Terms:
        """The answers as `Terms`; `ProfileError` names a use whose conditions are missing."""
        entries = {}
        for row in self.rows:
            term = row.term()
            if term is not None:
                entries[row.use] = term
        return Terms.from_dict(entries) if len(entries) == len(AI_USES) else Terms()

    # -- one work's overrides ------------------------------------------------------------------
    def set_overrides(
        self, overrides: Mapping[str, Any] | None, mixed: Collection[str] = ()
    ) -> None:
        """Show a work's own terms; uses it does not override read "As in your profile".

        Uses in ``mixed`` (several works, answered differently) read "Differs among the
        selected works" instead.
        """
        self._fill(overrides or {})
        for row in self.rows:
            row.combo.blockSignals(True)
            row.set_mixed(row.use in mixed)
            row.combo.blockSignals(False)

    def overrides(self) -> dict[str, dict[str, str]] | None:
        """The uses answered differently from the profile, or None when there are none."""
        out = {}
        for row in self.rows:
            term = row.term()
            if term is not None:
                out[row.use] = term
        return out or None

    def answers(self) -> dict[str, dict[str, str] | None]:
        """Each use not left to differ: its CAWG entry, None for "as in your profile"."""
        return {row.use: row.term() for row in self.rows if row.value != MIXED}

    def set_profile_terms(self, terms: Mapping[str, Any] | None) -> None:
        """Name the profile's answer in each "As in your profile" choice, e.g. "(No)"."""
        if not self.inherit:
            return
        for row in self.rows:
            term = (terms or {}).get(row.use, {})
            answer = ANSWERS.get(term.get("use", ""), "")
            if term.get("use") == CONSTRAINED:  # which conditions: the point of the answer
                answer += f": {term.get('constraint_info', '')}"
            full = f"As in your profile ({answer})" if answer else "As in your profile"
            short = full if len(full) <= SHOWN_CHARS else full[: SHOWN_CHARS - 2] + "…)"
            index = row.combo.findData(INHERIT)
            row.combo.setItemText(index, short)
            row.combo.setItemData(index, full, Qt.ToolTipRole)  # a long condition, whole

    # -- helpers -------------------------------------------------------------------------------
    def _fill(self, data: Mapping[str, Any]) -> None:
        for row in self.rows:
            row.combo.blockSignals(True)
            term = data.get(row.use)
            if term is None:
                row.set(INHERIT if self.inherit else NOT_ALLOWED)
            else:
                row.set(term.get("use", NOT_ALLOWED), term.get("constraint_info"))
            row.combo.blockSignals(False)

    def _on_row_changed(self, row: _UseRow) -> None:
        row.update_visibility()
        if row.value == CONSTRAINED and not row.condition.text():
            row.condition.setFocus()
        self.edited.emit()
