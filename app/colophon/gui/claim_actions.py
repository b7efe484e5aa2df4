"""The main window's actions about identity and claims: set up, identity, contacts, export, verify.

Kept apart from `main_window` so the window only places them in its menus and toolbar. The first
run opens the identity wizard once; "Set up later" is remembered, and the wizard stays one menu
item away. Export without an identity offers the wizard instead of failing. Each claim to verify
gets its own window; they close with the main window, whose task runner they share.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from ..core.identity import Identity
from . import icons
from .alt_key_question import confirm
from .contacts_window import ContactsWindow
from .export_dialog import ExportDialog
from .identity_page import IdentityWindow
from .identity_wizard import IdentityWizard
from .verify_tasks import is_claim_file
from .verify_window import CLAIM_FILTER, VerifyWindow

if TYPE_CHECKING:
    from .main_window import MainWindow

SETUP_LATER = "identity/setup_later"


class ClaimActions(QObject):
    """Creates the identity, export and verify actions of ``window`` and carries them out."""

    #: the identity (profile or keys) changed
    identity_changed = Signal()
    #: a bundle was written with these works
    exported = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.wizard: IdentityWizard | None = None
        self.identity_window: IdentityWindow | None = None
        self.export_dialog: ExportDialog | None = None
        self.verify_windows: list[VerifyWindow] = []
        self.export_action = self._action(
            "&Export claim…", "export", "Ctrl+E", self.export, "Sign and save a claim to works"
        )
        self.shortcut_guard = ShortcutsBeforeText(window, [self.export_action])
        self.verify_action = self._action(
            "&Verify a claim…",
            "verify",
            "Ctrl+Shift+V",
            self.choose_and_verify,
            "Check a claim someone sent you",
        )
        self.identity_action = self._action(
            "Your &identity…",
            "identity",
            "Ctrl+I",
            self.open_identity,
            "Your profile, your key, backup",
        )
        self.contacts_window: ContactsWindow | None = None
        self.contacts_action = self._action(
            "&Contacts…",
            "trust",
            "Ctrl+Shift+C",
            self.open_contacts,
            "The signers you trust",
        )
        self.setup_action = self._action(
            "&Set up identity…",
            "",
            "Ctrl+Shift+I",
            self.set_up_identity,
            "Create your identity or restore it from a backup",
        )

    def _action(self, text: str, icon: str, shortcut: str, slot: object, tip: str) -> QAction:
        action = QAction(text, self.window)
        if icon:
            icons.set_icon(action, icon)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.window.addAction(action)  # shortcuts work even with menus hidden
        return action

    def _has_key(self) -> bool:
        return Identity(self.window.catalog).active_key() is not None

    # -- identity ----------------------------------------------------------------------------------
    def maybe_first_run(self) -> None:
        """Open the wizard if there is no identity and the person did not put it off."""
        identity = Identity(self.window.catalog)
        if identity.profile() is None and not self.window.settings.value(SETUP_LATER, False, bool):
            self.open_wizard()

    def set_up_identity(self) -> None:
        """Open the wizard; with an identity already here, say so first, not after the forms."""
        key = Identity(self.window.catalog).active_key()
        if key is None:
            self.open_wizard()
            return
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Information)
        box.setWindowTitle("You have an identity")
        box.setText("You already have an identity on this computer.")
        box.setInformativeText(
            f"Your key's fingerprint is {key.fingerprint}. To sign with a new key, use Replace "
            "key… in Your identity; to change your name or terms, edit your profile there."
        )
        show = box.addButton("Open &Your identity", QMessageBox.AcceptRole)
        box.addButton(QMessageBox.Close)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is show:
            self.open_identity()

    def open_wizard(self) -> IdentityWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        self.wizard = IdentityWizard(self.window.home, self.window.runner, parent=self.window)
        self.wizard.identity_changed.connect(self._on_identity_changed)
        self.wizard.finished.connect(self._on_wizard_finished)
        self.wizard.open()
        return self.wizard

    def _on_wizard_finished(self, result: int) -> None:
        if result != IdentityWizard.Accepted and not self._has_key():
            self.window.settings.setValue(SETUP_LATER, True)
            self.window.statusBar().showMessage(
                "You can set up your identity any time from the Identity menu.", 10000
            )
        if result == IdentityWizard.Accepted and self.wizard and self.wizard.profile_to_review:
            page = self.open_identity()
            page.tabs.setCurrentIndex(0)
            page.show_notice(
                "Your key is restored. The backup held only the key: check your terms for AI "
                "and how to be paid, then save your profile."
            )
        if self.wizard is not None:
            self.wizard.deleteLater()
        self.wizard = None

    def open_identity(self) -> IdentityWindow:
        if self.identity_window is None:
            self.identity_window = IdentityWindow(
                self.window.home, self.window.runner, parent=self.window
            )
            self.identity_window.identity_changed.connect(self._on_identity_changed)
            self.identity_window.setup_requested.connect(self._on_setup_requested)
        else:
            self.identity_window.refresh()
        self.identity_window.show()
        self.identity_window.raise_()
        return self.identity_window

    def open_contacts(self) -> ContactsWindow:
        if self.contacts_window is None:
            self.contacts_window = ContactsWindow(
                self.window.home, self.window.runner, parent=self.window
            )
            self.contacts_window.contacts_changed.connect(self._on_contacts_changed)
        else:
            self.contacts_window.refresh()
        self.contacts_window.show()
        self.contacts_window.raise_()
        self.contacts_window.activateWindow()
        return self.contacts_window

    def _on_contacts_changed(self) -> None:
        for window in self.verify_windows:  # "valid, your contact…" may no longer hold
            window.recheck()

    def _on_setup_requested(self) -> None:
        if self.identity_window is not None and not self.identity_window.close():
            return  # the person kept the window for its unsaved profile edits
        self.open_wizard()

    def _on_identity_changed(self) -> None:
        if self.identity_window is not None and self.identity_window.isVisible():
            self.identity_window.refresh(keep_edits=True)
        self.identity_changed.emit()

    def confirm_close(self) -> bool:
        """Ask about unsaved edits in the windows opened here; False: the person stays."""
        window = self.identity_window
        return window is None or not window.isVisible() or window.confirm_close()

    def _export_after_save(self) -> None:
        inspector = self.window.inspector

        def once(_work_ids: list[int]) -> None:
            inspector.saved.disconnect(once)
            QTimer.singleShot(0, self.export)  # once the save has finished, not from inside it

        inspector.saved.connect(once)

    # -- export ------------------------------------------------------------------------------------
    def export(self) -> ExportDialog | None:
        """Open the export dialog for the selected works (or offer to set up an identity)."""
        if not self._has_key():
            if confirm(
                self.window,
                "Set up your identity first",
                "To sign a claim you need an identity: your name and a key. Set it up now?",
                "&Set up now",
            ):
                self.open_wizard()
            return None
        inspector = self.window.inspector
        if not inspector.confirm_leave():  # edits not saved yet: what is signed must have them
            return None
        if inspector.saving:  # open once they are written, so the claim carries them
            self._export_after_save()
            return None
        total = self.window.catalog.count_works()
        if total == 0:
            QMessageBox.information(
                self.window,
                "Nothing to export yet",
                "Add your works first: File ▸ Add files, or drop them on the window.",
            )
            return None
        dialog = ExportDialog(
            self.window.home,
            self.window.runner,
            self.window.view.selected_work_ids(),
            total,
            self.window.settings,
            self.window,
        )
        dialog.exported.connect(self.exported)
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    # -- verify ------------------------------------------------------------------------------------
    def choose_and_verify(self) -> None:
        start = str(self.window.settings.value("paths/last_claim", str(Path.home())))
        chosen, _filter = QFileDialog.getOpenFileName(
            self.window, "Verify a claim", start, CLAIM_FILTER
        )
        if chosen:
            self.window.settings.setValue("paths/last_claim", str(Path(chosen).parent))
            self.verify_file(Path(chosen))

    def verify_file(self, path: Path) -> VerifyWindow:
        """Open a window verifying the claim at ``path`` (the one already open for it, if any:
        brought to the front and checked again, since the file may have changed)."""
        wanted = Path(path).resolve()
        for open_window in self.verify_windows:
            if open_window.path.resolve() == wanted and open_window.isVisible():
                open_window.raise_()
                open_window.activateWindow()
                open_window.recheck()
                return open_window
        window = VerifyWindow(Path(path), self.window.home, self.window.runner)
        window.open_requested.connect(self.verify_file)  # "Open another claim…"
        self.verify_windows.append(window)
        window.destroyed.connect(lambda *_a, w=window: self._forget(w))
        window.show()
        return window

    def split_dropped(self, paths: Sequence[str]) -> list[str]:
        """Open the claims among ``paths`` for verifying; returns the others (works to add)."""
        works = []
        for path in paths:
            if is_claim_file(path) and not Path(path).is_dir():
                self.verify_file(Path(path))
            else:
                works.append(path)
        return works

    def _forget(self, window: VerifyWindow) -> None:
        if window in self.verify_windows:
            self.verify_windows.remove(window)

    def close_all(self) -> None:
        """Close the windows this opened (before the main window's runner stops)."""
        for window in list(self.verify_windows):
            window.close()
        for dialog in (self.identity_window, self.contacts_window, self.export_dialog, self.wizard):
            if dialog is not None:
                with contextlib.suppress(RuntimeError):  # already deleted
                    dialog.close()


class ShortcutsBeforeText(QObject):
    """Lets some of ``window``'s shortcuts win over the text field that has the focus.

    With the key bindings of Linux desktops a text field claims Ctrl+E ("end of line", as in
    Emacs) before any shortcut sees it, so Export did nothing while the search field had the
    focus. The filter sits on the focused widget of ``window`` only, and declines that claim
    for the keys of ``actions`` while they are enabled; every other key edits as before, and
    End still goes to the end of the line.
    """

    def __init__(self, window: QWidget, actions: list[QAction]) -> None:
        super().__init__(window)
        self.window = window
        self.actions = actions
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_focus_changed)

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, old: QWidget | None, now: QWidget | None) -> None:
        if old is not None:
            old.removeEventFilter(self)
        if now is not None and now.window() is self.window:
            now.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.ShortcutOverride and self._is_shortcut(event):
            event.ignore()  # not the field's key: the shortcut goes ahead
            return True
        return False

    def _is_shortcut(self, event: QEvent) -> bool:
        assert isinstance(event, QKeyEvent)
        pressed = QKeySequence(event.keyCombination())
        return any(action.isEnabled() and pressed in action.shortcuts() for action in self.actions)
