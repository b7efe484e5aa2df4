"""The first-run wizard: create an identity (or restore one), then back the key up.

Create: welcome → about you → your terms → (a key file, only when no keyring can hold the key)
→ back up. Restore: welcome → restore. The page that creates or restores is a commit page
("Create my identity", "Restore"), so there is no going back to an identity half made.

Whether the keyring can be used is asked once when the wizard opens; if it still refuses when
the key is stored (`KeyringUnavailable`), the wizard moves to the key-file page, which says why
in plain words. It never falls back to anything silently. Slow steps (key derivation for a key
file or a backup takes about half a second) run through the `TaskRunner`, each opening its own
catalog connection, while the page shows a busy bar.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget, QWizard, QWizardPage

from ..core.catalog import Catalog
from ..core.identity import Identity, KeyRecord
from ..core.keystore import KeyLocation, KeyringUnavailable, KeyStore
from ..core.profile import Profile
from . import icons
from .profile_form import ProfileForm
from .tasks import TaskRunner
from .window_size import fit_to_screen
from .wizard_pages import (
    ABOUT,
    BACKUP,
    INTRO,
    KEY_FILE,
    RESTORE,
    TERMS,
    AboutPage,
    IntroPage,
    TermsPage,
    show_error,
)
from .wizard_steps import BackupPage, KeyFilePage, RestorePage, message_of


class IdentityWizard(QWizard):
    """Sets up the identity of the Colophon home ``home``."""

    #: an identity was created or restored (emitted on the UI thread)
    identity_changed = Signal()

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
        self.record: KeyRecord | None = None
        self.key_passphrase: str | None = None  # a new key file's, kept until the wizard closes
        self.busy = False
        self._busy_labels: dict[QWizardPage, QWidget] = {}
        with Catalog.open(self.home) as catalog:
            self.existing: Profile | None = Identity(catalog).profile()
        #: restored with a profile of a name only: its terms and payment are to be set again
        self.profile_to_review = False
        try:
            self.store.check_keyring()
            self.keyring_ok, self.keyring_problem = True, ""
        except KeyringUnavailable as exc:
            self.keyring_ok, self.keyring_problem = False, exc.details or exc.message
        self.form = ProfileForm(self)
        self.form.set_profile(self.existing)
        self.setWindowTitle("Set up your identity")
        self.setWindowIcon(icons.icon("identity"))
        self.setWizardStyle(QWizard.ModernStyle)
        self.setPixmap(QWizard.LogoPixmap, icons.app_icon().pixmap(48, 48))
        self.setButtonText(QWizard.CancelButton, "Set up &later")
        self.setButtonText(QWizard.CommitButton, "&Create my identity")
        self.setMinimumSize(520, 400)  # the pages need less; a short screen gets a short wizard
        fit_to_screen(self, 660, 600)
        self.intro_page = IntroPage(self)
        self.about_page = AboutPage(self)
        self.terms_page = TermsPage(self)
        self.key_file_page = KeyFilePage(self)
        self.backup_page = BackupPage(self)
        self.restore_page = RestorePage(self)
        for page_id, page in (
            (INTRO, self.intro_page),
            (ABOUT, self.about_page),
            (TERMS, self.terms_page),
            (KEY_FILE, self.key_file_page),
            (BACKUP, self.backup_page),
            (RESTORE, self.restore_page),
        ):
            self.setPage(page_id, page)
        self.setStartId(INTRO)
        self.finished.connect(self._forget_secrets)
        # No Back once the identity exists (the backup page); the restore page keeps it, for a
        # restore chosen by mistake.
        self.currentIdChanged.connect(
            lambda page_id: self.setOption(QWizard.NoBackButtonOnLastPage, page_id == BACKUP)
        )

    # -- steps that run in the background --------------------------------------------------------
    def busy_label(self, page: QWizardPage) -> QWidget:
        """A busy bar with a label, shown on ``page`` while one of its steps runs."""
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel()
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setMaximumHeight(12)
        bar.setTextVisible(False)
        layout.addWidget(label)
        layout.addWidget(bar, 1)
        box.hide()
        self._busy_labels[page] = box
        return box

    def run_step(
        self,
        page: QWizardPage,
        fn: Callable[[Any], Any],
        label: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        *,
        advance: bool = True,
    ) -> bool:
        """Run ``fn`` for ``page`` in the background.

        Returns True if it already succeeded (a synchronous runner), so a ``validatePage`` can
        return this directly; otherwise the wizard moves on by itself once it succeeds.
        """
        if self.busy:
            return False
        self._set_busy(page, label)
        state = {"synchronous": True, "succeeded": False}

        def succeeded(result: Any) -> None:
            on_success(result)
            state["succeeded"] = True
            if advance and not state["synchronous"]:
                QTimer.singleShot(0, lambda: self._advance_from(page))

        self.runner.submit(
            fn,
            label=label,
            on_success=succeeded,
            on_failure=on_failure,
            on_finished=lambda: self._set_busy(page, None),
        )
        state["synchronous"] = False
        return state["succeeded"]

    def _set_busy(self, page: QWizardPage, label: str | None) -> None:
        self.busy = label is not None
        box = self._busy_labels.get(page)
        if box is not None:
            box.findChild(QLabel).setText(label or "")
            box.setVisible(self.busy)
        page.completeChanged.emit()

    def _advance_from(self, page: QWizardPage) -> None:
        if self.currentPage() is not page:
            return
        if page.nextId() == -1:
            self.accept()
        else:
            self.next()

    # -- creating --------------------------------------------------------------------------------
    def create_identity(
        self,
        page: QWizardPage,
        profile: Profile,
        location: KeyLocation | None,
        passphrase: str | None,
    ) -> bool:
        """Make the key and record the identity (keyring when ``location`` is None)."""
        home, store = self.home, self.store
        where = location or KeyLocation.keyring()

        def create(_progress: object) -> KeyRecord:
            with Catalog.open(home) as catalog:
                return Identity(catalog, store).create(profile, where, passphrase)

        def created(record: KeyRecord) -> None:
            self.record = record
            self.key_passphrase = passphrase
            self.identity_changed.emit()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, KeyringUnavailable) and where.kind == "keyring":
                # The keyring said yes when asked, then refused the key: explain, offer a file.
                self.keyring_ok, self.keyring_problem = False, exc.details or exc.message
                QTimer.singleShot(0, self.next)
            else:
                show_error(page.error, message_of(exc))  # type: ignore[attr-defined]

        return self.run_step(page, create, "Creating your key…", created, failed)

    # -- closing ---------------------------------------------------------------------------------
    def reject(self) -> None:
        if self.busy:  # a step under way finishes first (it is short and cannot be undone)
            return
        if self.currentPage() is self.backup_page and not self.backup_page.may_close():
            return  # Escape with a passphrase typed: asked, and the person stays
        super().reject()

    def _forget_secrets(self) -> None:
        self.key_passphrase = None
        with contextlib.suppress(RuntimeError):
            self.backup_page.passphrase.clear()
