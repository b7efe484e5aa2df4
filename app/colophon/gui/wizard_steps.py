"""The pages of the first-run wizard that act: keeping the key in a key file when no keyring can
hold it, backing the new key up, and restoring an identity from a backup.

Each action runs in the background through the wizard's `run_step`; the page stays on screen,
with a busy bar, until it is done, and any problem is shown on the page in one sentence.

A passphrase typed for the backup is never dropped silently: Enter in its fields backs up (it
does not finish the wizard), and closing the wizard before the backup is made asks first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ..core.backup import UnencryptedBackup
from ..core.catalog import Catalog
from ..core.errors import ColophonError, UsageError
from ..core.identity import Identity
from ..core.keystore import KeyLocation, KeyringUnavailable, WrongPassphrase
from ..core.profile import Profile, ProfileError
from .alt_key_question import AltKeyQuestion
from .key_tasks import fixed_provider
from .passphrase_dialog import (
    BACKUP_FILTER,
    GOOD_STYLE,
    FileField,
    KeyFileFields,
    NewPassphraseFields,
)
from .plain_words import group_fingerprint, profile_problem, slug
from .wizard_pages import error_label, paragraph, show_error

if TYPE_CHECKING:
    from .identity_wizard import IdentityWizard

NO_KEYRING = (
    "Colophon normally keeps your private key in this computer's <b>keyring</b>, the safe "
    "place where your desktop keeps passwords. Here it cannot: {reason}.<br><br>Instead, "
    "Colophon can keep the key in a <b>key file</b> locked with a passphrase you choose. You "
    "will type that passphrase each time you sign. Without it, nobody can use the file."
)


def message_of(exc: BaseException) -> str:
    return getattr(exc, "message", None) or f"Something went wrong: {exc}"


def ask_about_missing_backup(parent: QWidget) -> str:
    """Ask what to do with a passphrase typed for a backup that was not made.

    Returns "back up", "finish" or "stay" (also for Escape). Enter backs up.
    """
    box = AltKeyQuestion(
        parent,
        QMessageBox.Warning,
        "No backup yet",
        "Your key has no backup yet.",
        "You typed a passphrase, but the backup has not been made. If this computer is lost or "
        "breaks, a backup is the only way to go on signing as you.\n\n"
        "You can also back up later: Identity ▸ Your identity…, then Back up…",
    )
    back_up = box.addButton("&Back up now", QMessageBox.AcceptRole)
    finish = box.addButton("&Finish without a backup", QMessageBox.DestructiveRole)
    stay = box.addButton("&Stay on this page", QMessageBox.RejectRole)
    clicked = box.ask(back_up, stay)
    if clicked is back_up:
        return "back up"
    return "finish" if clicked is finish else "stay"


class KeyFilePage(QWizardPage):
    """No keyring: explains it plainly and creates the identity with a key file instead."""

    def __init__(self, wizard: IdentityWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Where to keep your key")
        self.setSubTitle("This computer has no keyring Colophon can use.")
        self.setCommitPage(True)
        self.explanation = paragraph("")
        self.explanation.setAccessibleName("Why a key file")
        form = QFormLayout()
        self.fields = KeyFileFields(wizard.home / "colophon-signing.key", form)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(wizard.busy_label(self))

    def initializePage(self) -> None:  # noqa: N802
        self.explanation.setText(NO_KEYRING.format(reason=self._wizard.keyring_problem))
        self._wizard.setButtonText(self._wizard.WizardButton.CommitButton, "&Create my identity")

    def isComplete(self) -> bool:  # noqa: N802
        return not self._wizard.busy

    def validatePage(self) -> bool:  # noqa: N802
        if self._wizard.record is not None:
            return True
        try:
            location, passphrase = self.fields.location()
            profile = self._wizard.form.profile()
        except ProfileError as exc:
            show_error(self.error, profile_problem(exc))
            return False
        except UsageError as exc:
            show_error(self.error, exc.message)
            return False
        show_error(self.error, None)
        return self._wizard.create_identity(self, profile, location, passphrase)


class BackupPage(QWizardPage):
    """The identity exists: shows its fingerprint and asks to back the key up now."""

    def __init__(self, wizard: IdentityWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Back up your key")
        self.setSubTitle("Your identity is ready. One more step keeps it safe.")
        self.fingerprint = QLabel()
        self.fingerprint.setAccessibleName("Your key's fingerprint")
        self.fingerprint.setStyleSheet("font-family: monospace; font-size: 15px;")
        form = QFormLayout()
        self.file = FileField("Backup file", "Save the backup as", BACKUP_FILTER)
        self.passphrase = NewPassphraseFields("Passphrase")
        form.addRow("Save &to:", self.file)
        self.passphrase.add_rows(form)
        self.backup_button = QPushButton("&Back up now")
        self.backup_button.setAccessibleName("Back up now")
        self.backup_button.clicked.connect(self.back_up)
        self.error = error_label()
        self.done_label = paragraph("")
        self.done_label.setStyleSheet(GOOD_STYLE)
        self.done_label.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Your key's fingerprint, which others use to recognise you:"))
        layout.addWidget(self.fingerprint)
        layout.addWidget(
            paragraph(
                "If this computer is lost or breaks, a backup is the only way to go on signing "
                "as you. Protect it with a passphrase and keep the file somewhere else, such as "
                "a USB stick. Anyone with both the file and the passphrase can sign as you."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.backup_button, 0, Qt.AlignLeft)
        layout.addWidget(self.error)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        layout.addWidget(
            paragraph(
                "You can also back up later: <b>Identity ▸ Your identity…</b>, then "
                "<b>Back up…</b>."
            )
        )
        layout.addWidget(wizard.busy_label(self))
        self.backed_up = False
        for edit in (self.passphrase.first, self.passphrase.second):
            edit.installEventFilter(self)  # Enter there backs up, not the wizard's Done

    def initializePage(self) -> None:  # noqa: N802
        record = self._wizard.record
        if record is not None:
            self.fingerprint.setText(group_fingerprint(record.fingerprint))
        name = self._wizard.form.name_edit.text()
        self.file.set_path(Path.home() / f"{slug(name)}-colophon-backup.key")
        self._wizard.setButtonText(self._wizard.WizardButton.FinishButton, "&Done")
        self._wizard.setOption(self._wizard.WizardOption.NoCancelButtonOnLastPage, True)

    def nextId(self) -> int:  # noqa: N802
        return -1

    def isComplete(self) -> bool:  # noqa: N802
        return not self._wizard.busy

    def validatePage(self) -> bool:  # noqa: N802
        return self.may_close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key_Return, Qt.Key_Enter)
            and not self.backed_up
        ):
            self.back_up()
            return True
        return super().eventFilter(watched, event)

    def passphrase_unused(self) -> bool:
        """A passphrase is typed but no backup was made with it (empty fields: skipped)."""
        typed = self.passphrase.first.text() or self.passphrase.second.text()
        return bool(typed) and not self.backed_up

    def may_close(self) -> bool:
        """Whether the wizard may close now; with a passphrase typed but no backup, asks first."""
        if not self.passphrase_unused():
            return True
        answer = ask_about_missing_backup(self)
        if answer == "finish":
            self.passphrase.clear()
            return True
        if answer == "back up":
            self.back_up()
        else:
            self.passphrase.first.setFocus()
        return False

    def back_up(self) -> None:
        """Write the encrypted backup (in the background) if the file and passphrase are fine."""
        problem = self.file.new_file_problem() or self.passphrase.problem()
        path = self.file.path()
        if problem is None and path is not None and path.exists():
            problem = f"{path} already exists; choose another name."
        if problem and problem == self.passphrase.hint.text():  # said next to the fields already
            show_error(self.error, None)
            self.passphrase.first.setFocus()
            return
        if problem:
            show_error(self.error, problem)
            return
        show_error(self.error, None)
        assert path is not None
        secret = self.passphrase.passphrase()
        key_passphrase = self._wizard.key_passphrase
        provider = fixed_provider(key_passphrase) if key_passphrase else None
        home = self._wizard.home

        def write(_progress: object) -> Path:
            with Catalog.open(home) as catalog:
                Identity(catalog).backup(path, secret, provider)
            return path

        self._wizard.run_step(
            self,
            write,
            "Writing the backup…",
            self._on_backup_written,
            lambda exc: show_error(self.error, message_of(exc)),
            advance=False,
        )

    def _on_backup_written(self, path: Path) -> None:
        self.backed_up = True
        self.passphrase.clear()
        self.backup_button.setEnabled(False)
        self.done_label.setText(
            f"Backed up to {path}. Keep the file and its passphrase in different places."
        )
        self.done_label.show()
        done = self._wizard.button(self._wizard.WizardButton.FinishButton)
        QTimer.singleShot(0, done, done.setFocus)  # once enabled again: the next Enter finishes


class RestorePage(QWizardPage):
    """Brings an identity back from a backup file (and its passphrase)."""

    def __init__(self, wizard: IdentityWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Restore your identity")
        self.setSubTitle("Use the backup file you made, and its passphrase.")
        form = QFormLayout()
        self.file = FileField("Backup file", "Open your backup", BACKUP_FILTER, save=False)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.Password)
        self.secret.setAccessibleName("Backup passphrase")
        self.name = QLineEdit()
        self.name.setAccessibleName("Name")
        self.name.setPlaceholderText("The name you sign your work with")
        self.expected = QLineEdit()
        self.expected.setAccessibleName("Expected fingerprint")
        self.expected.setPlaceholderText("Optional: your key's fingerprint, if you noted it")
        #: shown for a backup without a passphrase, which is read only once this is ticked
        self.accept_plain = QCheckBox(
            "Read this backup although it has no passphrase (then make a protected one)"
        )
        self.accept_plain.hide()
        form.addRow("Backup &file:", self.file)
        form.addRow("&Passphrase:", self.secret)
        form.addRow("", self.accept_plain)
        form.addRow("Your &name:", self.name)
        form.addRow("F&ingerprint:", self.expected)
        self.keep = paragraph("")
        self.key_form = QFormLayout()
        self.key_file = KeyFileFields(wizard.home / "colophon-signing.key", self.key_form)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            paragraph(
                "A backup holds your key only. Once it is restored, Colophon shows your profile "
                "so that you set your terms for AI and how to be paid again."
            )
        )
        layout.addSpacing(6)
        layout.addWidget(self.keep)
        layout.addLayout(self.key_form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(wizard.busy_label(self))
        self.restored = False

    def initializePage(self) -> None:  # noqa: N802
        w = self._wizard
        if w.existing and not self.name.text():
            self.name.setText(w.existing.display_name)
        if w.keyring_ok:
            self.keep.setText("Your key will be kept in this computer's keyring.")
        else:
            self.keep.setText(NO_KEYRING.format(reason=w.keyring_problem))
        for i in range(self.key_form.rowCount()):
            self.key_form.setRowVisible(i, not w.keyring_ok)
        w.setButtonText(w.WizardButton.FinishButton, "&Restore")
        w.setOption(w.WizardOption.NoCancelButtonOnLastPage, False)

    def nextId(self) -> int:  # noqa: N802
        return -1

    def isComplete(self) -> bool:  # noqa: N802
        return not self._wizard.busy

    def validatePage(self) -> bool:  # noqa: N802
        if self.restored:
            return True
        w = self._wizard
        path = self.file.path()
        try:
            if path is None or not path.is_file():
                raise UsageError("Choose your backup file.")
            profile = w.existing or Profile(self.name.text().strip())
            profile.validate()
            location, key_passphrase = (
                (KeyLocation.keyring(), None) if w.keyring_ok else self.key_file.location()
            )
        except ProfileError as exc:
            show_error(self.error, profile_problem(exc))
            return False
        except UsageError as exc:
            show_error(self.error, exc.message)
            return False
        show_error(self.error, None)
        secret, home, store = self.secret.text(), w.home, w.store
        expected = self.expected.text().strip() or None
        plain = not self.accept_plain.isHidden() and self.accept_plain.isChecked()

        def restore(_progress: object) -> object:
            with Catalog.open(home) as catalog:
                return Identity(catalog, store).restore(
                    path,
                    secret,
                    location,
                    key_passphrase,
                    profile,
                    expected_fingerprint=expected,
                    allow_unencrypted=plain,
                )

        def restored(record: object) -> None:
            self.restored = True
            w.profile_to_review = w.existing is None  # only the name came from this page
            w.record = record  # type: ignore[assignment]
            w.identity_changed.emit()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UnencryptedBackup):
                self.accept_plain.show()  # said, and asked: a file anyone could have read
                show_error(
                    self.error,
                    "This backup has no passphrase: anyone who had the file could use your key. "
                    "Tick the box above to read it anyway.",
                )
            elif isinstance(exc, WrongPassphrase):
                show_error(self.error, "That passphrase does not open this backup.")
            elif isinstance(exc, KeyringUnavailable):
                w.keyring_ok, w.keyring_problem = False, exc.details or exc.message
                self.initializePage()  # now asks for a key file instead, and says why
            elif isinstance(exc, ColophonError):
                show_error(self.error, exc.message)
            else:
                show_error(self.error, message_of(exc))

        return w.run_step(self, restore, "Restoring your key…", restored, failed)
