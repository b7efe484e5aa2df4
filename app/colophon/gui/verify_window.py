"""The verify window: one claim, its verdict, its signer, its works, and what to do next.

Opened from File ▸ Verify a claim…, by dropping a ``.colophon`` (or ``.intoto.json``) file on the
main window, or with ``colophon FILE``. Everything slow runs through the shared `TaskRunner`
(`verify_tasks`): the first check, "Check against a folder…" (hashing every file in it, with
progress and Cancel) and "Trust this signer…", after which the claim is checked again and turns
green. Reports are saved as JSON or PDF (`verify_report`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMetaMethod, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.progress import Progress
from . import icons
from .signer_card import ClaimDetails, SignerCard
from .tasks import Task, TaskRunner
from .trust_dialog import TrustDialog, contact_name_problem
from .verdict_banner import VerdictBanner
from .verify_report import save_json, save_pdf
from .verify_tasks import Checked, check_claim, trust_signer
from .verify_works_model import VerifyWorksModel
from .verify_works_panel import WorksPanel
from .window_size import fit_to_screen

CLAIM_FILTER = "Colophon claims (*.colophon *.intoto.json);;All files (*)"

#: windows opened by "Open another claim…" that no one else keeps (until they close)
_KEPT: list[VerifyWindow] = []


class VerifyWindow(QMainWindow):
    """Verifies the claim at ``path`` with the contacts of the Colophon home ``home``.

    "Open another claim…" asks for a new window through `open_requested`, so whoever keeps the
    verify windows (the main window) keeps that one too; if no one listens, the new window is
    kept here until it closes. Without a reference Python would delete it at once.
    """

    #: the person chose another claim to verify (in a window of its own)
    open_requested = Signal(Path)

    def __init__(
        self, path: Path, home: Path, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.path = Path(path)
        self.home = Path(home)
        self.runner = runner
        self.checked: Checked | None = None
        self.checked_folders: list[Path] = []  # the folders a check last looked in
        self._looking_in: list[Path] = []  # the folders of the folder check under way
        self.folder_task: Task | None = None
        self._recheck_pending = False  # contacts changed while a folder was being checked
        self._closed = False  # results arriving after the window closed are dropped
        self.setWindowTitle(f"{self.path.name} — Verify — Colophon")
        self.setWindowIcon(icons.icon("verify"))
        fit_to_screen(self, 1120, 700)
        self.model = VerifyWorksModel(self)
        self._build()
        self._build_actions()
        self.verify()

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = VerdictBanner()
        self.signer = SignerCard()
        self.signer.trust_requested.connect(self.trust)
        self.details = ClaimDetails()
        side = QVBoxLayout()
        side.addWidget(self.signer)
        side.addWidget(self.details)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(300)
        side_scroll = QScrollArea()  # on a short screen the signer and the terms scroll
        side_scroll.setAccessibleName("Signer and claim details")  # a Tab stop, to scroll them
        side_scroll.setWidget(side_widget)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        side_scroll.setFixedWidth(300 + side_scroll.verticalScrollBar().sizeHint().width())
        self.works = WorksPanel(self.model)
        self.works.cancel_requested.connect(self._on_works_cancel_requested)
        middle = QHBoxLayout()
        middle.addWidget(side_scroll)
        middle.addWidget(self.works, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addLayout(middle, 1)
        self.setCentralWidget(central)

    def _action(self, text: str, icon: str, shortcut: object, slot: object) -> QAction:
        action = QAction(text, self)
        if icon:
            icons.set_icon(action, icon)
        action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.setStatusTip(text.replace("&", "").rstrip("…"))
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action(
            "&Open another claim…", "verify", QKeySequence.Open, self.open_other
        )
        self.folder_action = self._action(
            "Check against a &folder…", "check-files", "Ctrl+Shift+K", self.check_folder
        )
        self.trust_action = self._action("&Trust this signer…", "trust", "Ctrl+T", self.trust)
        self.json_action = self._action(
            "Save report as &JSON…", "save", QKeySequence.Save, self.save_json
        )
        self.pdf_action = self._action(
            "Save report as &PDF…", "save", QKeySequence.Print, self.save_pdf
        )
        self.close_action = self._action("&Close", "", QKeySequence.Close, self.close)
        menu = self.menuBar().addMenu("&Claim")
        menu.addActions([self.open_action, self.folder_action, self.trust_action])
        menu.addSeparator()
        menu.addActions([self.json_action, self.pdf_action])
        menu.addSeparator()
        menu.addAction(self.close_action)
        self.toolbar = self.addToolBar("Claim")
        self.toolbar.setObjectName("claim-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.folder_action, self.json_action, self.pdf_action])
        self._update_actions()

    # -- verifying -----------------------------------------------------------------------------
    def verify(self, folders: list[Path] | None = None) -> None:
        """Check the claim (again), optionally hashing ``folders`` to find its works there."""
        home, path, folders = self.home, self.path, list(folders or [])
        self.statusBar().clearMessage()  # what the last check said is not this one's
        if not folders:
            self.banner.show_checking("Checking the claim…")
        else:
            self._looking_in = folders
        task = self.runner.submit(
            lambda progress: check_claim(home, path, folders, progress),
            label="Checking files" if folders else "Checking the claim",
            on_success=self._on_checked,
            on_failure=self._on_check_failed,
            on_progress=self._show_progress if folders else None,
            on_cancelled=self._on_check_cancelled,
            on_finished=self._on_check_finished,
        )
        if folders and not task.done:
            self.folder_task = task
            self._show_progress(Progress(label="Looking for files"))
        self._update_actions()

    def _on_checked(self, checked: Checked) -> None:
        if self._closed:
            return
        if checked.result.matches is not None:  # a folder check: what "found" counts refer to
            self.checked_folders = self._looking_in
        _keep_folder_matches(self.checked, checked)
        self.checked = checked
        result = checked.result
        self.banner.show_result(result)
        self.signer.set_result(result)
        self.details.set_result(result)
        self.model.set_result(result, checked.thumbnails)
        self.works.show_result(result, self.checked_folders)

    def _on_check_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.banner.show_problem(getattr(exc, "message", None) or f"Could not check it: {exc}")
        if self.checked is None:  # nothing was read: nothing to show but why
            self.signer.show_nothing("Unknown: the file could not be checked.")
            self.details.set_result(None)
            self.model.set_result(None, {})
            self.works.show_nothing(
                "The file could not be checked, so there is nothing to show.\n\n"
                "Check that it is there and can be read, then open it again."
            )

    def _on_check_cancelled(self) -> None:
        if not self._closed:
            self.statusBar().showMessage("Stopped checking the folder.", 8000)

    def _on_check_finished(self) -> None:
        self.folder_task = None
        if self._closed:
            return
        self._show_progress(None)
        self._update_actions()
        if self._recheck_pending:
            self._recheck_pending = False
            self.verify()

    def recheck(self) -> None:
        """Check the claim again (the contacts changed): now, or once a folder check ends."""
        if self.folder_task is None:
            self.verify()
        else:
            self._recheck_pending = True

    def _show_progress(self, progress: Progress | None) -> None:
        if not self._closed:
            self.works.show_progress(progress)

    def _update_actions(self) -> None:
        result = self.checked.result if self.checked else None
        intact = result is not None and result.claim is not None and result.outcome.intact
        idle = self.folder_task is None
        self.folder_action.setEnabled(intact and idle)
        self.trust_action.setEnabled(not self.signer.trust_button.isHidden() and idle)
        self.json_action.setEnabled(result is not None)
        self.pdf_action.setEnabled(result is not None)

    # -- actions -------------------------------------------------------------------------------
    def open_other(self) -> None:
        """Ask for another claim and verify it in a new window, which stays open."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Verify a claim", str(self.path.parent), CLAIM_FILTER
        )
        if not chosen:
            return
        if self.isSignalConnected(QMetaMethod.fromSignal(self.open_requested)):
            self.open_requested.emit(Path(chosen))
            return
        other = VerifyWindow(Path(chosen), self.home, self.runner)
        _KEPT.append(other)
        other.destroyed.connect(lambda *_a, w=other: _KEPT.remove(w) if w in _KEPT else None)
        other.show()

    def check_folder(self) -> None:
        """Hash every file in a chosen folder and mark which claimed works are there."""
        folder = QFileDialog.getExistingDirectory(
            self, "Check against a folder", str(self.path.parent)
        )
        if folder:
            self.verify([Path(folder)])

    def trust(self) -> None:
        """Show the fingerprint, ask for confirmation, pin the key, and check again."""
        checked = self.checked
        signer = checked.result.signer if checked else None
        if checked is None or signer is None:
            return
        dialog = TrustDialog(
            signer.name, signer.fingerprint, self, name_problem=contact_name_problem(self.home)
        )
        if dialog.exec() != TrustDialog.Accepted:
            return
        name, home = dialog.contact_name(), self.home
        self.runner.submit(
            lambda _progress: trust_signer(home, checked, name),
            label="Adding the contact",
            on_success=lambda contact: self._on_trusted(contact.name),
            on_failure=self._on_trust_failed,
        )

    def _on_trust_failed(self, exc: BaseException) -> None:
        if not self._closed:
            self.statusBar().showMessage(getattr(exc, "message", None) or str(exc), 10000)

    def _on_trusted(self, name: str) -> None:
        if self._closed:
            return
        self.statusBar().showMessage(f"{name} is now one of your contacts.", 8000)
        self.verify()

    def _report_path(self, suffix: str, caption: str, filter: str) -> Path | None:
        default = self.path.parent / f"{self.path.name.split('.')[0]}-report{suffix}"
        chosen, _filter = QFileDialog.getSaveFileName(self, caption, str(default), filter)
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def save_json(self) -> None:
        if self.checked is None:
            return
        path = self._report_path(".json", "Save the report as JSON", "JSON files (*.json)")
        if path is not None:
            self._save(lambda: save_json(self.checked.result, path), path)

    def save_pdf(self) -> None:
        if self.checked is None:
            return
        path = self._report_path(".pdf", "Save the report as PDF", "PDF documents (*.pdf)")
        if path is not None:
            checked = self.checked
            self._save(lambda: save_pdf(checked.result, checked.thumbnails, path), path)

    def _save(self, write: object, path: Path) -> None:
        try:
            write()  # type: ignore[operator]
        except Exception as exc:
            message = getattr(exc, "message", None) or f"Could not save {path.name}: {exc}"
            self.statusBar().showMessage(message, 10000)
            return
        self.statusBar().showMessage(f"Saved the report to {path}.", 8000)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Escape closes the window, as it does a dialog; while a folder is being checked it
        stops the check first. Escape reaches here only when no control used it (an open menu
        or list closes itself instead)."""
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()
            if self.folder_task is not None and not self.folder_task.progress.cancelled:
                self._on_works_cancel_requested()
            else:
                self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._closed = True
        if self.folder_task is not None:
            self.folder_task.cancel()  # no need to go on hashing for a window no one sees
        super().closeEvent(event)

    def _on_works_cancel_requested(self) -> None:
        if self.folder_task is not None:
            self.folder_task.cancel()
            self.works.stopping()


def _keep_folder_matches(before: Checked | None, after: Checked) -> None:
    """Carry the files found in a folder over to a new check of the very same works.

    Checking the claim again (after trusting its signer, or a change of contacts) decides who
    signed it, not which local files it covers; hashing the folder again could take minutes, and
    forgetting what it found would be a loss. Only for the same works in the same order: a
    bundle replaced on disk since starts afresh.
    """
    old, new = (before.result if before else None), after.result
    if old is None or old.matches is None or new.matches is not None:
        return
    if old.claim is None or new.claim is None or not new.outcome.intact:
        return
    if _digests(old.claim.subjects) == _digests(new.claim.subjects):
        new.matches, new.near, new.unmatched = old.matches, old.near, old.unmatched
        new.skipped = old.skipped


def _digests(subjects: list[dict[str, Any]]) -> list[str]:
    return [s["digest"]["sha256"] for s in subjects]
