"""The identity window (menu Identity): your profile, your key, and what you can do with it.

Two tabs. "Profile" is the same form as the first-run wizard's, saved with validation (the
problem named under the form, the cursor put in the field). "Key" shows the fingerprint in
groups with a Copy button, where the key is kept, the history of earlier keys, and the actions
of `IdentityActions`. Results appear in a notice at the bottom, with "Show in folder" when a file
was written, instead of one popup per message.

Profile edits are never dropped silently: closing the window (its Close button, Escape, the
title bar) while the form differs from the saved profile asks Save / Discard / Cancel, and the
key actions re-read the identity without touching the form being edited.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog
from ..core.identity import Identity
from ..core.keystore import KeyStore
from ..core.profile import Profile, ProfileError
from . import icons
from .desktop import copy_text, show_in_folder
from .identity_actions import IdentityActions
from .identity_key_tab import KeyTab
from .passphrase_dialog import ERROR_STYLE, GOOD_STYLE
from .plain_words import profile_problem
from .profile_form import ProfileForm
from .tasks import TaskRunner
from .unsaved_changes import ask_to_save
from .window_size import fit_to_screen

SAVED = "Your profile is saved. Claims you export from now on carry it."


class IdentityWindow(QDialog):
    """Shows and edits the identity of the Colophon home ``home``."""

    #: the profile or the keys changed
    identity_changed = Signal()
    #: the person asked to set up an identity (there is none, or its key was revoked)
    setup_requested = Signal()

    def __init__(
        self,
        home: Path,
        runner: TaskRunner,
        store: KeyStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.runner = runner
        self.store = store or KeyStore()
        self.setWindowTitle("Your identity")
        self.setWindowIcon(icons.icon("identity"))
        fit_to_screen(self, 720, 700)
        self.actions = IdentityActions(self, self.home, runner, self.store)
        self.form = ProfileForm(self)
        self._notice_path: Path | None = None
        self._saving = False
        self._dirty = False
        self._build()
        self.actions.done.connect(self._on_actions_done)
        self.actions.failed.connect(lambda text: self.show_notice(text, error=True))
        self.actions.changed.connect(self._on_actions_changed)
        self.actions.busy_changed.connect(self.key_tab.set_busy)
        self.form.edited.connect(self._on_form_edited)
        self.refresh()
        if self.profile is None:
            self.tabs.setCurrentWidget(self.key_tab)  # it explains how to set one up

    def show_key_tab(self) -> None:
        self.tabs.setCurrentWidget(self.key_tab)

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setWeight(QFont.DemiBold)
        self.heading.setFont(font)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Identity sections")
        self.tabs.addTab(self._build_profile_tab(), "&Profile")
        self.key_tab = KeyTab(self.actions)
        self.key_tab.copy_button.clicked.connect(self._on_copy_clicked)
        self.key_tab.setup_button.clicked.connect(self.setup_requested)
        self.tabs.addTab(self.key_tab, "&Key")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Notice")
        self.notice.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.show_folder_button = QPushButton("Show in &folder")
        icons.set_icon(self.show_folder_button, "folder")
        self.show_folder_button.clicked.connect(self._on_show_folder_clicked)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addWidget(self.show_folder_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.show_notice("")
        save = QShortcut(QKeySequence.Save, self)
        save.activated.connect(self.save_profile)

    def _build_profile_tab(self) -> QWidget:
        body = QWidget()
        inner = QVBoxLayout(body)
        for box in (self.form.about_box, self.form.terms_box, self.form.payment_box):
            inner.addWidget(box)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        self.profile_error = QLabel()
        self.profile_error.setWordWrap(True)
        self.profile_error.setAccessibleName("Problem")
        self.profile_error.setStyleSheet(ERROR_STYLE)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.clicked.connect(lambda: self.refresh())
        self.save_button = QPushButton("&Save profile")
        icons.set_icon(self.save_button, "save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_profile)
        buttons = QGridLayout()
        buttons.addWidget(self.profile_error, 0, 0)
        buttons.addWidget(self.revert_button, 0, 1)
        buttons.addWidget(self.save_button, 0, 2)
        buttons.setColumnStretch(0, 1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        return tab

    # -- showing -------------------------------------------------------------------------------
    def refresh(self, keep_edits: bool = False) -> None:
        """Read the identity again and show it.

        Unsaved profile edits are dropped (Revert), unless ``keep_edits``: then a form being
        edited is left as typed and only the keys and the saved profile are read again.
        """
        with Catalog.open(self.home) as catalog:
            identity = Identity(catalog, self.store)
            profile, keys = identity.profile(), identity.keys()
        self.key_tab.show_keys(keys, has_profile=profile is not None)
        if keep_edits and self._dirty and self.profile is not None and profile is not None:
            self.profile = profile
            self._set_dirty(self.has_unsaved_changes())
            return
        self.profile = profile
        self.form.set_profile(profile)
        name = profile.display_name if profile else ""
        self.heading.setText(name or "No identity yet")
        self.profile_error.clear()
        self._set_dirty(False)

    def show_notice(self, text: str, path: Path | None = None, error: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(ERROR_STYLE if error else (GOOD_STYLE if text else ""))
        self._notice_path = path
        self.show_folder_button.setVisible(path is not None)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.save_button.setEnabled(dirty and not self._saving and self.profile is not None)
        self.revert_button.setEnabled(dirty)

    def has_unsaved_changes(self) -> bool:
        """Whether the form was edited and now differs from the saved profile.

        A form that cannot be read as a profile (a problem in it) differs, since what is saved
        is always valid; edits typed back to the saved values do not count.
        """
        if not self._dirty or self.profile is None:
            return False
        try:
            return self.form.profile() != self.profile
        except ProfileError:
            return True

    # -- closing ---------------------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """Ask Save / Discard / Cancel when the profile has unsaved changes; True: may close.

        Save saves in the background and closes; when the form has a problem it is named
        under the form, the cursor put in the field, and the window stays open.
        """
        if not self.has_unsaved_changes():
            return True
        self.tabs.setCurrentIndex(0)  # the profile, so the question makes sense
        answer = ask_to_save(
            self,
            "Save the changes to your profile?",
            "Your profile has changes that are not saved. If you close without saving, "
            "they are lost.",
        )
        if answer == QMessageBox.Save:
            if self._saving:
                self.show_notice("Your profile is being saved; close again in a moment.")
                return False
            return self.save_profile()
        if answer == QMessageBox.Discard:
            self.refresh()
            return True
        return False

    def done(self, result: int) -> None:
        """Close, unless unsaved profile edits are to be kept (Close, Escape, title bar)."""
        if self.confirm_close():
            super().done(result)

    # -- saving the profile ----------------------------------------------------------------------
    def save_profile(self) -> bool:
        """Check the form and save it (in the background); problems are shown, nothing saved.

        False when nothing was saved: a problem in the form, a save under way, or no identity.
        """
        if self._saving or self.profile is None:
            return False
        try:
            profile = self.form.profile()
        except ProfileError as exc:
            self.profile_error.setText(profile_problem(exc))
            self.form.focus_field(exc.field)
            return False
        self.profile_error.clear()
        self._saving = True
        self._set_dirty(False)
        home, store = self.home, self.store

        def save(_progress: object) -> Profile:
            with Catalog.open(home) as catalog:
                Identity(catalog, store).save_profile(profile)
            return profile

        self.runner.submit(
            save,
            label="Saving your profile",
            on_success=self._on_profile_saved,
            on_failure=self._on_profile_save_failed,
        )
        return not self._dirty  # with a synchronous runner the outcome is known already

    def _on_profile_saved(self, profile: Profile) -> None:
        self._saving = False
        self.profile = profile
        self.heading.setText(profile.display_name)
        self.show_notice(SAVED)
        self._set_dirty(self.has_unsaved_changes())  # edits typed while it was saving
        self.identity_changed.emit()

    def _on_profile_save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.profile_error.setText(getattr(exc, "message", None) or f"Not saved: {exc}")
        self._set_dirty(True)
        if not self.isVisible():  # closed meanwhile: the edits are not saved, so show them
            self.show()

    # -- reactions -------------------------------------------------------------------------------
    def _on_form_edited(self) -> None:
        self.profile_error.clear()
        self._set_dirty(True)
        if self.notice.text() == SAVED:  # no longer true of what the form shows
            self.show_notice("")

    def _on_copy_clicked(self) -> None:
        copy_text(self.key_tab.fingerprint_text())
        self.show_notice("The fingerprint is copied.")

    def _on_show_folder_clicked(self) -> None:
        if self._notice_path is not None:
            show_in_folder(self._notice_path)

    def _on_actions_done(self, text: str, path: object) -> None:
        self.show_notice(text, path if isinstance(path, Path) else None)

    def _on_actions_changed(self) -> None:
        notice = (self.notice.text(), self._notice_path)
        self.refresh(keep_edits=True)
        self.show_notice(*notice)
        self.identity_changed.emit()
