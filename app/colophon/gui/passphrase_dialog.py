"""Passphrases: asking for a key file's, and choosing a new one (typed twice, checked as typed).

A key file's passphrase is asked on the UI thread, before the work that needs the key starts
(see `key_tasks`); the worker then gets a provider that only returns what was typed. New
passphrases are checked with the core's own rule (`check_new_passphrase`), whose reason is shown
while typing, so the person learns what is wrong before pressing anything.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import UsageError
from ..core.keystore import KeyLocation, WeakPassphrase, check_new_passphrase

ERROR_STYLE = "color: #d93025; font-weight: 600;"
GOOD_STYLE = "color: #1e8e3e;"
HINT = "At least 10 characters. A few ordinary words in a row make a good passphrase."
KEY_FILE_FILTER = "Key files (*.key);;All files (*)"
BACKUP_FILTER = "Key backups (*.key);;All files (*)"


def _with_mnemonic(text: str, letter: str) -> str:
    """``text`` with an ``&`` before the first ``letter`` in it (unchanged if it has none)."""
    at = text.casefold().find(letter.casefold())
    return text if at < 0 else f"{text[:at]}&{text[at:]}"


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.Password)
    edit.setAccessibleName(name)
    return edit


class PassphraseDialog(QDialog):
    """Asks for the passphrase of one key file; says so when the last one was wrong."""

    def __init__(
        self, path: Path, purpose: str = "", error: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock your key")
        self.setMinimumWidth(440)
        intro = QLabel(
            f"{purpose or 'To sign'}, Colophon needs the passphrase of your key file:"
            f"<br><code>{path}</code>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.RichText)
        self.edit = _password_edit("Passphrase")
        label = QLabel("&Passphrase:")
        label.setBuddy(self.edit)
        field = QFormLayout()
        field.addRow(label, self.edit)
        self.error_label = QLabel(error)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(bool(error))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("&Unlock")
        self.ok_button.setEnabled(False)
        self.edit.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text)))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(field)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.edit.setFocus()

    def passphrase(self) -> str:
        return self.edit.text()


def ask_passphrase(
    parent: QWidget | None, path: Path, purpose: str = "", error: str = ""
) -> str | None:
    """Ask for the passphrase of the key file at ``path``; None if the person cancels."""
    dialog = PassphraseDialog(path, purpose, error, parent)
    try:
        return dialog.passphrase() if dialog.exec() == QDialog.Accepted else None
    finally:
        dialog.deleteLater()


class NewPassphraseFields(QObject):
    """A new passphrase typed twice, with the reason it is not good enough shown as it is typed.

    Its rows go into the caller's form (`add_rows`), so their labels line up with the others.
    Their Alt+letters (S by default, then A, and W for the Show box) are free in every form that
    has them: the backup and key-file forms, and the restore page, whose own field for the
    backup's passphrase takes P.
    """

    #: the passphrase or its repetition changed
    changed = Signal()

    def __init__(
        self, what: str = "Passphrase", parent: QObject | None = None, *, letter: str = "s"
    ) -> None:
        super().__init__(parent)
        self.what = what
        self.letter = letter  # the Alt+letter of the first field
        self.first = _password_edit(what)
        self.second = _password_edit(f"{what} again")
        self.show_box = QCheckBox("Sho&w what I type")
        self.show_box.toggled.connect(self._on_show_box_toggled)
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Passphrase advice")
        for edit in (self.first, self.second):
            edit.textChanged.connect(self._on_text_changed)

    def add_rows(self, form: QFormLayout) -> None:
        """Put the two fields, the Show box and the advice into ``form``."""
        form.addRow(_with_mnemonic(f"{self.what}:", self.letter), self.first)
        form.addRow("&Again:", self.second)
        form.addRow("", self.show_box)
        form.addRow("", self.hint)

    def problem(self) -> str | None:
        """Why the passphrase cannot be used yet, or None."""
        text = self.first.text()
        if not text:
            return "Choose a passphrase."
        try:
            check_new_passphrase(text)
        except WeakPassphrase as exc:
            return exc.message
        if text != self.second.text():
            return "The two passphrases are not the same; type it again below."
        return None

    def passphrase(self) -> str:
        """The new passphrase; `UsageError` with the reason if it cannot be used."""
        problem = self.problem()
        if problem:
            raise UsageError(problem)
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _on_text_changed(self) -> None:
        problem = self.problem()
        if not self.first.text():
            self.hint.setText(HINT)
            self.hint.setStyleSheet("")
        elif problem and not (self.second.text() == "" and "not the same" in problem):
            self.hint.setText(problem)
            self.hint.setStyleSheet(ERROR_STYLE)
        elif problem:
            self.hint.setText("Good. Now type it once more.")
            self.hint.setStyleSheet(GOOD_STYLE)
        else:
            self.hint.setText("Good passphrase; both are the same.")
            self.hint.setStyleSheet(GOOD_STYLE)
        self.changed.emit()

    def _on_show_box_toggled(self, shown: bool) -> None:
        mode = QLineEdit.Normal if shown else QLineEdit.Password
        self.first.setEchoMode(mode)
        self.second.setEchoMode(mode)


class FileField(QWidget):
    """A file name with a Browse… button (a save dialog, or an open dialog with ``save=False``)."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        caption: str,
        filter: str = "",
        save: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.caption = caption
        self.filter = filter
        self.save = save
        self.edit = QLineEdit()
        self.edit.setAccessibleName(name)
        self.browse = QPushButton("Browse…")
        self.browse.setAccessibleName(f"Choose {name.lower()}")
        self.browse.clicked.connect(self._on_browse_clicked)
        self.edit.textChanged.connect(lambda _text: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.browse)
        # The field stands for its line edit: a label's mnemonic (its buddy is this container)
        # and Tab land there. A label only moves the focus to a buddy that accepts it.
        self.setFocusPolicy(self.edit.focusPolicy())
        self.setFocusProxy(self.edit)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_path(self, path: Path) -> None:
        self.edit.setText(str(path))

    def new_file_problem(self) -> str | None:
        """Why no new file can be written here, or None."""
        path = self.path()
        if path is None:
            return "Choose where to save the file."
        if not path.is_absolute():
            return "Give the full location of the file (use Browse…)."
        try:
            if path.is_dir():
                return f"{path} is a folder; give a file name."
            if not path.parent.is_dir():
                return f"The folder {path.parent} does not exist."
        except OSError as exc:  # a name longer than the file system takes, say
            return f"This cannot be a file's name here: {exc.strerror or exc}."
        return None

    def _on_browse_clicked(self) -> None:
        start = str(self.path() or Path.home())
        ask = QFileDialog.getSaveFileName if self.save else QFileDialog.getOpenFileName
        chosen, _filter = ask(self, self.caption, start, self.filter)
        if chosen:
            self.edit.setText(chosen)


class KeyFileFields:
    """Where a new key file goes, and its passphrase (for pages and dialogs alike)."""

    def __init__(self, default: Path, form: QFormLayout) -> None:
        self.file = FileField("Key file", "Keep your key in this file", KEY_FILE_FILTER)
        self.file.set_path(default)
        self.passphrase = NewPassphraseFields("Passphrase")
        form.addRow("&Key file:", self.file)  # F is "Backup file" on the restore page
        self.passphrase.add_rows(form)

    def location(self) -> tuple[KeyLocation, str]:
        """The chosen file and passphrase; `UsageError` says what is missing or wrong."""
        problem = self.file.new_file_problem()
        path = self.file.path()
        if problem is None and path is not None and path.exists():
            problem = f"{path} already exists; choose a new file for your key."
        if problem:
            raise UsageError(problem)
        assert path is not None
        return KeyLocation.file(path), self.passphrase.passphrase()
