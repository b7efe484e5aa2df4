"""Trusting a signer: show the fingerprint and ask the person to confirm they compared it.

Used for the signer of a claim being verified, and for a key read from a file (an identity card,
a public key or a claim) in the contacts window.

Anyone can put any name on a claim; only the key cannot be faked. So before a key is pinned as a
contact, the dialog shows its fingerprint large, says where a fingerprint to compare it with
comes from, and keeps the Trust button disabled until the person ticks that they compared it.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog
from ..core.contacts import name_taken
from ..core.errors import ColophonError
from . import icons
from .passphrase_dialog import ERROR_STYLE
from .plain_words import group_fingerprint


class TrustDialog(QDialog):
    """Confirms that the fingerprint was compared; asks the name to keep the contact under."""

    def __init__(
        self,
        name: str,
        fingerprint: str,
        parent: QWidget | None = None,
        *,
        from_file: bool = False,
        name_problem: Callable[[str], str | None] | None = None,
    ) -> None:
        """``name_problem``: why a contact name cannot be used (another contact has it), asked
        when Trust is pressed; the dialog then stays open and says so by the name."""
        super().__init__(parent)
        self._name_problem = name_problem
        self.setWindowTitle("Trust this signer?")
        self.setWindowIcon(icons.icon("trust"))
        self.setMinimumWidth(500)
        if not from_file:
            text = f"The claim is signed as <b>{escape(name)}</b>, with a key whose fingerprint is:"
        elif name:
            text = f"The file holds the key of <b>{escape(name)}</b>, whose fingerprint is:"
        else:
            text = "The file holds a key whose fingerprint is:"
        intro = QLabel(text)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.RichText)
        self.fingerprint = QLabel(group_fingerprint(fingerprint))
        self.fingerprint.setAccessibleName("Fingerprint to compare")
        self.fingerprint.setAlignment(Qt.AlignCenter)
        self.fingerprint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.DemiBold)
        self.fingerprint.setFont(font)
        advice = QLabel(
            "Anyone can sign with any name, but not with someone else's key. Trust this signer "
            "only if the creator gave you <b>the same fingerprint</b> in another way: in "
            "person, by phone, in a message you know is theirs, or on their own website."
        )
        advice.setWordWrap(True)
        advice.setTextFormat(Qt.RichText)
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Contact name")
        self.problem = QLabel()
        self.problem.setAccessibleName("Problem with the name")
        self.problem.setTextFormat(Qt.PlainText)  # it quotes a contact's name
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Keep as the &contact:", self.name)
        form.addRow("", self.problem)
        self.compared = QCheckBox(
            "I compared the &fingerprint with the creator's, and it is the same"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.trust_button = buttons.button(QDialogButtonBox.Ok)
        self.trust_button.setText("&Trust")
        icons.set_icon(self.trust_button, "trust")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.compared.toggled.connect(self._update)
        self.name.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fingerprint)
        layout.addWidget(advice)
        layout.addLayout(form)
        layout.addWidget(self.compared)
        layout.addWidget(buttons)
        self._update()

    def _update(self) -> None:
        self.trust_button.setEnabled(self.compared.isChecked() and bool(self.name.text().strip()))
        self.problem.hide()  # said of the name as it was; a new one is checked on Trust

    def contact_name(self) -> str:
        return self.name.text().strip()

    def accept(self) -> None:
        if not self.trust_button.isEnabled():
            return
        problem = self._name_problem(self.contact_name()) if self._name_problem else None
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            self.name.setFocus(Qt.OtherFocusReason)
            self.name.selectAll()
            return
        super().accept()


def contact_name_problem(home: Path) -> Callable[[str], str | None]:
    """`TrustDialog`'s check of a new contact's name against the contacts kept under ``home``
    (a quick look-up, made when Trust is pressed). A catalog that cannot be read says nothing
    here: adding the contact then reports it."""

    def problem(name: str) -> str | None:
        try:
            with Catalog.open(home) as catalog:
                return name_taken(catalog, name)
        except ColophonError:
            return None

    return problem
