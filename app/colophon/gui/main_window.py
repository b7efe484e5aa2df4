"""The main window: the library of works, the inspector, and the actions on them.

The window only wires parts together: the model and views (`library_model`, `library_view`),
the inspector, and `LibraryOperations` for imports and checks, all running their slow work
through one `TaskRunner`. Window geometry and view choices are kept in an INI file under the
Colophon home, so each home (and each test) has its own.

The search applies itself a moment after typing stops; Escape in it clears it. A search never
asks about the edits under way: works it hides while their edits cannot be saved stay in the
inspector, and are selected again when the search shows them (the question comes when the
person selects other works, or closes the window).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog
from ..core.errors import ColophonError
from ..core.media import KINDS
from . import icons
from .claim_actions import ClaimActions
from .help_menu import add_help_menu
from .inspector import Inspector
from .inspector_display import describe_selection
from .library_model import LibraryModel
from .library_operations import LibraryOperations
from .library_view import GRID, TABLE, LibraryView
from .progress_panel import ProgressPanel
from .report_panel import ReportPanel
from .tasks import TaskRunner
from .window_size import fit_to_screen
from .work_removal import WorkRemoval
from .work_status import CHANGED, EXPORTED, MISSING, REGISTERED

SETTINGS_FILE = "gui.ini"
SEARCH_DELAY_MS = 250


def window_settings(home: Path) -> QSettings:
    """The GUI's settings for this Colophon home (an INI file beside the catalog)."""
    return QSettings(str(home / SETTINGS_FILE), QSettings.IniFormat)


class MainWindow(QMainWindow):
    """The library window of one Colophon home (``home``; default: the user's)."""

    def __init__(
        self, home: str | os.PathLike[str] | None = None, runner: TaskRunner | None = None
    ):
        super().__init__()
        self.setWindowTitle("Colophon")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.catalog = Catalog.open(home)
        self.home = self.catalog.path.parent
        self.settings = window_settings(self.home)
        self._owns_runner = runner is None
        self._closed = False
        self.runner = runner or TaskRunner(self)
        self.model = LibraryModel(self.catalog, self.runner, parent=self)
        self.view = LibraryView(self.model)
        self.inspector = Inspector(self.catalog, self.runner)
        self.progress_panel = ProgressPanel()
        self.report_panel = ReportPanel()
        self.operations = LibraryOperations(
            self.home, self.runner, self.progress_panel, self.report_panel, self
        )
        self.removal = WorkRemoval(self.home, self.runner, self)
        self.claims = ClaimActions(self)
        self._build_filter_bar()
        self._build_layout()
        self._build_actions()
        self._connect()
        self._restore_settings()
        self.view.current_view.setFocus()
        self.model.refresh()

    # -- building ------------------------------------------------------------------------------
    def _build_filter_bar(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search titles, descriptions, tags, paths, digests")
        self.search_edit.setAccessibleName("Search")
        self.search_edit.setClearButtonEnabled(True)
        search_icon = self.search_edit.addAction(QIcon(), QLineEdit.LeadingPosition)
        icons.set_icon(search_icon, "search")
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Kind filter")
        self.kind_combo.addItem("All kinds", "")
        for kind in KINDS:
            self.kind_combo.addItem(icons.kind_icon(kind), kind.capitalize(), kind)
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Status filter")
        self.status_combo.addItem("Any status", "")
        self.status_combo.addItem("Registered", REGISTERED)
        self.status_combo.addItem("Exported", EXPORTED)
        self.status_combo.addItem("File changed", CHANGED)
        self.status_combo.addItem("File missing", MISSING)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search_edit.installEventFilter(self)  # Escape clears the search

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 0)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.status_combo)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.inspector)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.progress_panel)
        layout.addWidget(self.report_panel)
        self.setCentralWidget(central)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of works")
        self.statusBar().addPermanentWidget(self.count_label)
        fit_to_screen(self, 1100, 700)

    def _action(
        self, text: str, icon: str, shortcut: object, slot: object, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            icons.set_icon(action, icon)
        action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)  # shortcuts work even when menus and toolbar are hidden
        return action

    def _build_actions(self) -> None:
        self.add_files_action = self._action(
            "Add &files…",
            "add-file",
            QKeySequence.Open,
            self._on_add_files_action_triggered,
            "Register files as works",
        )
        self.add_folder_action = self._action(
            "Add f&older…",
            "add-folder",
            "Ctrl+Shift+O",
            self._on_add_folder_action_triggered,
            "Register every file in a folder as works",
        )
        self.check_action = self._action(
            "&Check files",
            "check-files",
            "Ctrl+Shift+K",
            lambda: self.operations.check_files(),
            "Look whether every registered file is still there and unchanged",
        )
        self.cancel_action = self._action(
            "Ca&ncel",
            "cancel",
            QKeySequence.Cancel,
            self.operations.cancel,
            "Stop adding or checking files; what is done is kept",
        )
        self.cancel_action.setEnabled(False)
        self.quit_action = self._action("&Quit", "", QKeySequence.Quit, self.close)
        self.find_action = self._action(
            "&Find", "search", QKeySequence.Find, self._on_find_action_triggered
        )
        self.save_action = self._action(
            "&Save changes", "save", QKeySequence.Save, self.inspector.save
        )
        self.save_action.setEnabled(False)
        self.remove_action = self._action(
            "&Remove from catalog…",
            "",
            QKeySequence.Delete,
            self._on_remove_action_triggered,
            "Forget the selected works; their files stay where they are",
        )
        self.remove_action.setEnabled(False)
        self.table_action = self._action(
            "As a &table", "view-table", "Ctrl+1", lambda: self.view.set_mode(TABLE)
        )
        self.grid_action = self._action(
            "As a &grid", "view-grid", "Ctrl+2", lambda: self.view.set_mode(GRID)
        )
        group = QActionGroup(self)
        for action in (self.table_action, self.grid_action):
            action.setCheckable(True)
            group.addAction(action)
        self.table_action.setChecked(True)

        menu = self.menuBar().addMenu("&File")
        menu.addActions([self.add_files_action, self.add_folder_action])
        menu.addSeparator()
        menu.addActions([self.claims.export_action, self.claims.verify_action])
        menu.addSeparator()
        menu.addActions([self.check_action, self.cancel_action])
        menu.addSeparator()
        menu.addAction(self.quit_action)
        menu = self.menuBar().addMenu("&Edit")
        menu.addActions([self.find_action, self.save_action])
        menu.addSeparator()
        menu.addAction(self.remove_action)
        menu = self.menuBar().addMenu("&View")
        menu.addActions([self.table_action, self.grid_action])
        menu.addSeparator()
        menu.addMenu(self.view.make_sort_menu(menu))
        menu = self.menuBar().addMenu("&Identity")
        menu.addActions([self.claims.identity_action, self.claims.contacts_action])
        menu.addSeparator()
        menu.addAction(self.claims.setup_action)
        add_help_menu(self, self.home)

        self.toolbar = self.addToolBar("Main")
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.add_files_action, self.add_folder_action, self.check_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.claims.export_action, self.claims.verify_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.table_action, self.grid_action])

    def _connect(self) -> None:
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self._apply_filter)
        self.kind_combo.currentIndexChanged.connect(self._apply_filter)
        self.status_combo.currentIndexChanged.connect(self._apply_filter)
        self.model.loaded.connect(self._on_model_loaded)
        self.view.selection_changed.connect(self.inspector.show_works)  # the person chose
        self.view.selection_reloaded.connect(self._on_view_selection_reloaded)  # a search, say
        for changed in (self.view.selection_changed, self.view.selection_reloaded):
            changed.connect(lambda ids: self.remove_action.setEnabled(bool(ids)))
        self.removal.removed.connect(lambda _count: self.model.refresh())
        self.removal.message_posted.connect(self._show_message)
        self.inspector.leave_refused.connect(self.view.select_work_ids)  # "Fix": back to it
        self.view.mode_changed.connect(self._on_view_mode_changed)
        self.inspector.saved.connect(self.model.reload_works)
        self.inspector.message_posted.connect(self._show_message)
        self.inspector.savable_changed.connect(self.save_action.setEnabled)
        self.operations.message_posted.connect(self._show_message)
        self.operations.busy_changed.connect(self.cancel_action.setEnabled)
        self.operations.import_finished.connect(self._on_operations_import_finished)
        self.operations.works_recorded.connect(self.model.refresh)  # shown as they come
        self.operations.check_finished.connect(self._on_operations_check_finished)
        self.claims.identity_changed.connect(self.inspector.terms_section.refresh_profile)
        self.claims.exported.connect(lambda _ids: self.model.refresh())

    # -- settings ------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        if s.value("window/geometry") is not None:
            self.restoreGeometry(s.value("window/geometry"))
        if s.value("window/state") is not None:
            self.restoreState(s.value("window/state"))
        if s.value("window/splitter") is not None:
            self.splitter.restoreState(s.value("window/splitter"))
        else:
            self.splitter.setSizes([self.width() * 2 // 3, self.width() // 3])
        if s.value("library/header") is not None:
            self.view.restore_header_state(s.value("library/header"))
        self.view.set_mode(str(s.value("library/view", TABLE)))

    def _save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("library/header", self.view.header_state())
        s.setValue("library/view", self.view.mode)
        s.sync()

    # -- actions -------------------------------------------------------------------------------
    def add_paths(self, paths: list[str]) -> None:
        """Register these files and folders (queued behind any import already running)."""
        self.operations.add_paths(paths)

    def _last_folder(self) -> str:
        return str(self.settings.value("paths/last_folder", str(Path.home())))

    def _on_add_files_action_triggered(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, "Add files", self._last_folder())
        if paths:
            self.settings.setValue("paths/last_folder", str(Path(paths[0]).parent))
            self.add_paths(paths)

    def _on_add_folder_action_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add folder", self._last_folder())
        if folder:
            self.settings.setValue("paths/last_folder", folder)
            self.add_paths([folder])

    def _on_remove_action_triggered(self) -> None:
        ids = self.view.selected_work_ids()
        if not ids:
            return
        title = ""
        if len(ids) == 1:
            with contextlib.suppress(ColophonError):  # removed meanwhile: "this work"
                title = self.catalog.get_work(ids[0]).title

        def drop_edits() -> None:  # once the person said yes: edits to forgotten works are moot
            if set(self.inspector.work_ids) & set(ids):
                self.inspector.revert()

        if self.removal.remove(self, ids, title, confirmed=drop_edits):
            self.inspector.show_works([])

    def _on_find_action_triggered(self) -> None:
        self.search_edit.setFocus(Qt.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Escape in the search field clears it (Ctrl+Z brings it back); when empty, nothing.

        The field keeps Escape from the window's Cancel, so that pressing it twice to clear
        a search never stops an import under way.
        """
        if (
            watched is self.search_edit
            and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and not event.modifiers()
        ):
            event.accept()
            if event.type() == QEvent.Type.KeyPress and self.search_edit.text():
                self.search_edit.selectAll()
                self.search_edit.del_()  # as typed, so that undo brings the search back
            return True
        return super().eventFilter(watched, event)

    def _apply_filter(self) -> None:
        self.model.set_filter(
            self.search_edit.text().strip(),
            self.kind_combo.currentData() or "",
            self.status_combo.currentData() or "",
        )

    def _on_view_mode_changed(self, mode: str) -> None:
        (self.grid_action if mode == GRID else self.table_action).setChecked(True)
        self.settings.setValue("library/view", mode)

    def _on_operations_import_finished(self, _report: object) -> None:
        self.model.presence.mark_stale()
        self.model.refresh()

    def _on_operations_check_finished(self, _report: object) -> None:
        self.model.presence.mark_stale()
        self.model.refresh()

    def _on_view_selection_reloaded(self, work_ids: list[int]) -> None:
        """The library changed the selection by itself (a search hid works, rows were reloaded).

        The inspector follows, saving valid edits as ever, except when its edits cannot be
        saved: then they stay shown, with their problems, and nothing is asked. The person did
        not choose other works, and may be typing in the search field, where a question would
        take their next keystrokes. They are asked once they select other works or close.
        """
        inspector = self.inspector
        held = inspector.dirty and inspector.error is not None  # edits that cannot be saved
        typing = inspector.isAncestorOf(QApplication.focusWidget())
        if work_ids == inspector.work_ids and typing:
            return  # the same works, the person in one of their fields: their place is kept
        if not held or work_ids == inspector.work_ids:
            inspector.show_works(work_ids)
            return
        subject = describe_selection(inspector.works, len(inspector.work_ids))
        self._show_message(
            f"Your changes to {subject} are kept until you fix them or choose another work."
        )

    def _on_model_loaded(self) -> None:
        self._update_count()
        held = self.inspector.work_ids
        if self.inspector.dirty and held and not self.view.selection_model.hasSelection():
            # Works kept in the inspector, with edits to fix, after a search hid them: shown
            # again, they are selected again.
            self.view.select_work_ids(held)

    def _update_count(self) -> None:
        total = self.catalog.count_works()
        shown = self.model.rowCount()
        noun = "work" if total == 1 else "works"
        text = f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"
        self.count_label.setText(text)

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            works = self.claims.split_dropped(paths)  # claims open to be verified
            if works:
                self.add_paths(works)

    # -- lifetime ------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            icons.refresh(self)  # action icons are drawn in the palette's text colour
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._closed:
            super().closeEvent(event)
            return
        if not (self.inspector.confirm_leave() and self.claims.confirm_close()):
            event.ignore()  # the person stays, to fix or save edits
            return
        self._closed = True
        self.claims.close_all()
        self.inspector.show_works([])  # saves valid edits still pending
        self.view.blockSignals(True)  # a selection still on its way finds the catalog closed
        self._save_settings()
        if self._owns_runner:
            self.runner.shutdown()  # cancels an import (keeping what it recorded), waits for saves
        self.catalog.close()
        super().closeEvent(event)
