"""The dialogs that gather what a key operation needs: a backup, a rotation, a revocation.

They only ask and check; `identity_actions` runs the operation. Each explains in a few plain
sentences what will happen, and the OK button stays disabled until every answer is usable, with
the reason shown under the form.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import UsageError
from ..core.keystore import KeyLocation
from . import icons
from .passphrase_dialog import (
    BACKUP_FILTER,
    ERROR_STYLE,
    FileField,
    KeyFileFields,
    NewPassphraseFields,
)
from .secondary_label import SecondaryLabel
from .signal_colors import WARNING_COLOR

REVOKE_REASONS = (
    (
        "compromised",
        "It was lost or stolen, or someone else may have it",
        "Every claim this key ever signed will be treated as withdrawn.",
    ),
    (
        "superseded",
        "I replaced it with a new key",
        "Claims it signed before now stay valid; newer ones are refused.",
    ),
    (
        "retired",
        "I no longer sign with it",
        "Claims it signed before now stay valid; newer ones are refused.",
    ),
)


def _text(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    return label


class _AskDialog(QDialog):
    """A dialog whose OK button is enabled only while `problem` returns None."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.layout_ = QVBoxLayout(self)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.buttons)
        self.update_state(first=True)

    def problem(self) -> str | None:
        return None

    def update_state(self, first: bool = False) -> None:
        """Enable OK when nothing is wrong; say what is. Before anything was typed, what is
        still to do ("Choose a passphrase.") is said plainly, not as an error."""
        problem = self.problem()
        self.ok_button.setEnabled(problem is None)
        self.error.setText(problem or "")
        self.error.setStyleSheet("" if first else ERROR_STYLE)

    def accept(self) -> None:
        if self.problem() is None:
            super().accept()


class BackupDialog(_AskDialog):
    """Where to write a backup of the key, and its passphrase (twice)."""

    def __init__(self, default: Path, parent: QWidget | None = None) -> None:
        super().__init__("Back up your key", "&Back up", parent)
        self.layout_.addWidget(
            _text(
                "A backup lets you go on signing as you on a new computer. Protect it with a "
                "passphrase and keep the file somewhere else than this computer. Anyone with "
                "both the file and the passphrase can sign as you."
            )
        )
        form = QFormLayout()
        self.file = FileField("Backup file", "Save the backup as", BACKUP_FILTER)
        self.file.set_path(default)
        self.passphrase = NewPassphraseFields("Passphrase")
        form.addRow("Save &to:", self.file)
        self.passphrase.add_rows(form)
        self.layout_.addLayout(form)
        self.file.changed.connect(self.update_state)
        self.passphrase.changed.connect(self.update_state)
        self.finish_layout()

    def problem(self) -> str | None:
        problem = self.file.new_file_problem()
        path = self.file.path()
        if problem is None and path is not None and path.exists():
            problem = f"{path.name} already exists there; choose another name."
        return problem or self.passphrase.problem()

    def answer(self) -> tuple[Path, str]:
        path = self.file.path()
        assert path is not None
        return path, self.passphrase.passphrase()


class RotateDialog(_AskDialog):
    """Confirms a rotation, and asks for the new key's file unless it goes to the keyring."""

    def __init__(self, keyring_ok: bool, default: Path, parent: QWidget | None = None) -> None:
        """``keyring_ok``: the new key goes to the keyring (where the current one is, and
        usable); otherwise to a key file, chosen here."""
        super().__init__("Replace your key", "&Replace key", parent)
        self.keyring_ok = keyring_ok
        self.layout_.addWidget(
            _text(
                "Colophon will make a <b>new key</b> for you. Your current key signs a statement "
                "naming the new one, so people who trust you will trust the new key too. Claims "
                "you already handed out stay valid.<br><br>Do this every few years, or when you "
                "move to a new computer, and back up the new key afterwards. If someone may have "
                "<b>copied</b> your key, revoke it instead (Revoke…): a replaced key can still "
                "sign claims dated before the change."
            )
        )
        form = QFormLayout()
        self.key_file: KeyFileFields | None = None
        if keyring_ok:
            self.layout_.addWidget(_text("The new key will be kept in this computer's keyring."))
        else:
            self.layout_.addWidget(
                _text("The new key will be kept in a key file, as your current one is: choose it.")
            )
            self.key_file = KeyFileFields(default, form)
            self.key_file.file.changed.connect(self.update_state)
            self.key_file.passphrase.changed.connect(self.update_state)
        self.comment = QLineEdit()
        self.comment.setAccessibleName("Note")
        self.comment.setPlaceholderText("Optional: a note kept in the signed statement")
        self.comment.setMaxLength(500)
        form.addRow("&Note:", self.comment)
        self.layout_.addLayout(form)
        self.finish_layout()

    def problem(self) -> str | None:
        if self.key_file is None:
            return None
        try:
            self.key_file.location()
        except UsageError as exc:
            return exc.message
        return None

    def answer(self) -> tuple[KeyLocation, str | None, str | None]:
        location, passphrase = (
            (KeyLocation.keyring(), None) if self.key_file is None else self.key_file.location()
        )
        return location, passphrase, self.comment.text().strip() or None


class RevokeDialog(_AskDialog):
    """A clear warning, a reason, and where to save the signed revocation statement."""

    def __init__(self, fingerprint: str, default: Path, parent: QWidget | None = None) -> None:
        super().__init__("Revoke your key", "&Revoke key for good", parent)
        top = QHBoxLayout()
        warning = QLabel()
        warning.setPixmap(icons.icon("warning", WARNING_COLOR).pixmap(40, 40))
        top.addWidget(warning, 0, Qt.AlignTop)
        top.addWidget(
            _text(
                "<b>Revoking cannot be undone.</b> The key "
                f"<code>{fingerprint}</code> will never sign again, and everyone who checks "
                "your claims will be told it was revoked. To sign again afterwards you will "
                "make a new key."
            ),
            1,
        )
        self.layout_.addLayout(top)
        self.layout_.addWidget(QLabel("Why are you revoking it?"))
        self.reasons = QButtonGroup(self)
        for reason, label, effect in REVOKE_REASONS:
            radio = QRadioButton(label)
            radio.setProperty("reason", reason)
            radio.setAccessibleDescription(effect)
            self.reasons.addButton(radio)
            self.layout_.addWidget(radio)
            note = SecondaryLabel(effect)
            note.setContentsMargins(24, 0, 0, 4)
            self.layout_.addWidget(note)
        self.reasons.buttonToggled.connect(lambda *_a: self.update_state())
        form = QFormLayout()
        self.comment = QLineEdit()
        self.comment.setAccessibleName("Note")
        self.comment.setPlaceholderText("Optional: a note kept in the signed statement")
        self.comment.setMaxLength(500)
        self.file = FileField("Statement file", "Save the revocation statement as", "*.json")
        self.file.set_path(default)
        self.file.changed.connect(self.update_state)
        form.addRow("&Note:", self.comment)
        form.addRow("Save the &statement to:", self.file)
        self.layout_.addLayout(form)
        self.layout_.addWidget(
            _text("Send that file to the people who have your key, or publish it.")
        )
        # A key lost with an old computer is still revoked by itself: its backup signs.
        self.use_backup = QCheckBox(
            "The key is not on this computer any more: sign with its &backup"
        )
        self.use_backup.setToolTip(
            "Only the key itself can sign its revocation. If it was kept on a computer you no "
            "longer have, choose the backup you made of it."
        )
        self.backup = FileField("Backup file", "Open the key's backup", BACKUP_FILTER, save=False)
        self.backup.edit.setPlaceholderText("The backup file of this key")
        self.backup.setVisible(False)
        self.use_backup.toggled.connect(self.backup.setVisible)
        self.use_backup.toggled.connect(lambda _on: self._fit_height())
        self.use_backup.toggled.connect(lambda _on: self.update_state())
        self.backup.changed.connect(self.update_state)
        self.layout_.addWidget(self.use_backup)
        self.layout_.addWidget(self.backup)
        self.understood = QCheckBox("I understand that this cannot be &undone")
        self.understood.toggled.connect(lambda _on: self.update_state())
        self.layout_.addWidget(self.understood)
        self.finish_layout()

    def reason(self) -> str | None:
        checked = self.reasons.checkedButton()
        return None if checked is None else str(checked.property("reason"))

    def problem(self) -> str | None:
        if self.reason() is None:
            return "Choose why you are revoking the key."
        problem = self.file.new_file_problem()
        path = self.file.path()
        if problem is None and path is not None and path.exists():
            return f"{path.name} already exists there; choose another name."
        if problem is None and self.use_backup.isChecked():
            backup = self.backup.path()
            if backup is None:
                problem = "Choose the backup of the key."
            elif not backup.is_file():
                problem = f"There is no file at {backup}."
        if problem is None and not self.understood.isChecked():
            return "Tick the box to confirm that you understand."
        return problem

    def answer(self) -> tuple[str, str | None, Path]:
        reason, path = self.reason(), self.file.path()
        assert reason is not None and path is not None
        return reason, self.comment.text().strip() or None, path

    def _fit_height(self) -> None:
        """Grow to show everything once the backup's field is shown (never shrink)."""
        self.layout_.activate()
        width = self.width()
        if self.layout_.hasHeightForWidth():
            needed = self.layout_.totalHeightForWidth(width)
        else:
            needed = self.sizeHint().height()
        if needed > self.height():
            self.resize(width, needed)

    def backup_path(self) -> Path | None:
        """The backup to sign with, if one was chosen (else the key where it is kept signs)."""
        return self.backup.path() if self.use_backup.isChecked() else None
