"""The pages of the first-run wizard that only gather answers (the ones that act are in
`wizard_steps`): the welcome page with its choice, and the two pages of the profile.

Each page checks its own fields when Next is pressed and shows the problem under the form, naming
the field, with the cursor put back in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ..core.profile import ProfileError
from .passphrase_dialog import ERROR_STYLE
from .plain_words import profile_problem

if TYPE_CHECKING:
    from .identity_wizard import IdentityWizard

INTRO, ABOUT, TERMS, KEY_FILE, BACKUP, RESTORE = range(6)


def paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName("Problem")
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def show_error(label: QLabel, text: str | None) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


class IntroPage(QWizardPage):
    """What an identity is for, and the choice: create one, or restore one from a backup."""

    def __init__(self, wizard: IdentityWizard) -> None:
        super().__init__()
        self.setTitle("Welcome to Colophon")
        self.setSubTitle("Sign your works with your name and your terms for AI.")
        self.create_radio = QRadioButton("&Create my identity (first time on Colophon)")
        self.restore_radio = QRadioButton("&Restore my identity from a backup file")
        self.create_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.create_radio)
        group.addButton(self.restore_radio)
        layout = QVBoxLayout(self)
        layout.addWidget(
            paragraph(
                "Colophon keeps a list of your works and lets you hand out a <b>signed claim</b>: "
                "who made them, and whether AI may learn from them. To sign, you need an "
                "<b>identity</b>: your name and a private key that never leaves this computer."
            )
        )
        layout.addSpacing(8)
        layout.addWidget(self.create_radio)
        layout.addWidget(self.restore_radio)
        layout.addSpacing(8)
        layout.addWidget(
            paragraph(
                "Only want to check claims made by others? Press <b>Set up later</b>: you can "
                "verify without an identity, and come back here from the <b>Identity</b> menu."
            )
        )
        layout.addStretch(1)

    def nextId(self) -> int:  # noqa: N802
        return RESTORE if self.restore_radio.isChecked() else ABOUT


class AboutPage(QWizardPage):
    """Name, email, website."""

    def __init__(self, wizard: IdentityWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("About you")
        self.setSubTitle("This is how your claims will name you. Only your name is required.")
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(wizard.form.about_box)
        layout.addWidget(
            paragraph(
                "Everyone who receives a claim from you sees these details, so give only what "
                "you are happy to share."
            )
        )
        layout.addWidget(self.error)
        layout.addStretch(1)
        wizard.form.edited.connect(lambda: show_error(self.error, None))

    def initializePage(self) -> None:  # noqa: N802
        self._wizard.form.name_edit.setFocus()

    def validatePage(self) -> bool:  # noqa: N802
        try:
            self._wizard.form.about()
        except ProfileError as exc:
            show_error(self.error, profile_problem(exc))
            self._wizard.form.focus_field(exc.field)
            return False
        return True


class TermsPage(QWizardPage):
    """Default AI terms, compensation and where to pay; creating the identity starts here."""

    def __init__(self, wizard: IdentityWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Your terms")
        self.setSubTitle(
            "What may be done with your works, and what you ask for. You can change this later."
        )
        self.error = error_label()
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(wizard.form.terms_box)
        inner.addWidget(wizard.form.payment_box)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        # Tab goes straight to the questions; the page scrolls to the one that has the focus.
        scroll.setFocusPolicy(Qt.NoFocus)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(wizard.busy_label(self))
        wizard.form.edited.connect(lambda: show_error(self.error, None))

    def initializePage(self) -> None:  # noqa: N802
        self.setCommitPage(self._wizard.keyring_ok)
        self._wizard.setButtonText(self._wizard.WizardButton.CommitButton, "&Create my identity")

    def nextId(self) -> int:  # noqa: N802
        return BACKUP if self._wizard.keyring_ok else KEY_FILE

    def isComplete(self) -> bool:  # noqa: N802
        return not self._wizard.busy

    def validatePage(self) -> bool:  # noqa: N802
        if self._wizard.record is not None:
            return True
        try:
            profile = self._wizard.form.profile()
        except ProfileError as exc:
            show_error(self.error, profile_problem(exc))
            self._wizard.form.focus_field(exc.field)
            return False
        if not self._wizard.keyring_ok:
            return True  # the key file page creates the identity
        return self._wizard.create_identity(self, profile, None, None)
