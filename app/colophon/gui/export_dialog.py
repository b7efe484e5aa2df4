"""Exporting a signed claim: which works, what they claim in plain words, where to save it.

The summary (`export_summary`) is worked out in the background whenever the choice of works
changes. Export signs and writes the bundle on a worker through `KeyOperation` (a key file's
passphrase is asked first), with progress and Cancel; the result stays in the dialog with
"Show in folder". Nothing is written unless the whole bundle is (the core writes atomically).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QLocale, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.bundle import SUFFIX, ExportResult, export_bundle
from ..core.catalog import Catalog
from ..core.errors import UsageError
from ..core.identity import Identity
from ..core.keystore import KeyLocation, PassphraseProvider
from ..core.licenses import claim_license, license_ids
from ..core.progress import Progress
from . import icons
from .alt_key_question import confirm
from .desktop import show_in_folder
from .export_summary import Summary, default_bundle_path, summarize, summary_html
from .key_tasks import KeyOperation, run_with_key
from .passphrase_dialog import ERROR_STYLE, GOOD_STYLE, FileField
from .secondary_label import SecondaryLabel
from .tasks import TaskRunner
from .window_size import available_height

FILTER = f"Colophon claims (*{SUFFIX});;All files (*)"
#: the summary's frame: the palette's highlight while it has the keyboard focus
SUMMARY_FOCUS_STYLE = (
    "#summaryScroll { border: 2px solid transparent; border-radius: 3px; }"
    " #summaryScroll:focus { border-color: palette(highlight); }"
)


class ExportDialog(QDialog):
    """Exports the ``selected`` works, or all of them, as one signed ``.colophon`` bundle."""

    #: a bundle was written; carries the ids of the works it holds
    exported = Signal(list)

    def __init__(
        self,
        home: Path,
        runner: TaskRunner,
        selected: list[int],
        total: int,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.runner = runner
        self.selected = list(selected)
        self.settings = settings
        self.summary: Summary | None = None
        self.result_: ExportResult | None = None
        self.operation: KeyOperation | None = None
        self._generation = 0
        self._closed = False  # results arriving after the dialog closed are dropped
        self.setWindowTitle("Export a signed claim")
        self.setWindowIcon(icons.icon("export"))
        self.setMinimumWidth(620)
        self._build(total)
        self._on_choice_changed()

    # -- building ------------------------------------------------------------------------------
    def _build(self, total: int) -> None:
        works = QGroupBox("Works")
        count = len(self.selected)
        self.selected_radio = QRadioButton(
            f"The {count:,} &selected work{'s' if count != 1 else ''}"
            if count
            else "The &selected works (none is selected)"
        )
        self.all_radio = QRadioButton(f"A&ll {total:,} works in your library")
        self.selected_radio.setEnabled(count > 0)
        (self.selected_radio if count else self.all_radio).setChecked(True)
        group = QButtonGroup(self)
        for radio in (self.selected_radio, self.all_radio):
            group.addButton(radio)
            radio.toggled.connect(lambda on: on and self._on_choice_changed())
        box = QVBoxLayout(works)
        box.addWidget(self.selected_radio)
        box.addWidget(self.all_radio)
        claim = QGroupBox("What you claim")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.RichText)
        self.summary_label.setAccessibleName("Summary of the claim")
        self.summary_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.summary_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        # the summary grows when it arrives; it scrolls, never clips
        self.summary_scroll = scroll = QScrollArea()
        scroll.setWidget(self.summary_label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        # tall enough to read on most screens; on a short one the dialog still fits it
        scroll.setMinimumHeight(max(120, min(300, available_height(self) - 480)))
        scroll.viewport().setAutoFillBackground(False)
        # Tab stops here only when there is something to scroll (then the arrow keys scroll
        # it), and a frame shows it has the focus
        scroll.setObjectName("summaryScroll")
        scroll.setAccessibleName("What you claim")
        scroll.setAccessibleDescription("The summary; the arrow keys scroll it.")
        scroll.setStyleSheet(SUMMARY_FOCUS_STYLE)
        scroll.verticalScrollBar().rangeChanged.connect(self._on_summary_range_changed)
        self._on_summary_range_changed(0, scroll.verticalScrollBar().maximum())
        QVBoxLayout(claim).addWidget(scroll)
        self.thumbnails_box = QCheckBox("Include small &previews of pictures")
        self.thumbnails_box.setToolTip(
            "Previews help people recognise your works; they are signed with the claim."
        )
        self.thumbnails_box.setChecked(True)
        self.license_edit = QLineEdit(self._last_license())
        self.license_edit.setPlaceholderText("None; or an SPDX id such as CC-BY-NC-4.0, or a link")
        self.license_edit.setAccessibleName("License")
        self.license_edit.setToolTip(
            "The license you grant, stated in the claim: an id from the SPDX license list "
            "(spdx.org/licenses), or the https:// address of a license of your own. Optional."
        )
        completer = QCompleter(license_ids(), self.license_edit)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        self.license_edit.setCompleter(completer)
        self.license_note = SecondaryLabel(
            "The license covers uses other than AI; for AI, the terms above apply."
        )
        self.license_edit.textChanged.connect(self._on_license_changed)
        self.file = FileField("Save as", "Save the claim as", FILTER)
        self.file.set_path(self._default_path())
        form = QFormLayout()
        form.addRow("", self.thumbnails_box)
        form.addRow("L&icense:", self.license_edit)
        form.addRow("", self.license_note)
        form.addRow("Save &as:", self.file)
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Export progress")
        self.progress_bar.setTextVisible(False)
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.PlainText)  # it names a file: text, never markup
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Result")
        self.show_folder_button = QPushButton("Show in &folder")
        icons.set_icon(self.show_folder_button, "folder")
        self.show_folder_button.clicked.connect(self._on_show_folder_clicked)
        result = QHBoxLayout()
        result.addWidget(self.result_label, 1)
        result.addWidget(self.show_folder_button)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.export_button = self.buttons.button(QDialogButtonBox.Ok)
        self.export_button.setText("&Export")
        icons.set_icon(self.export_button, "export")
        self.close_button = self.buttons.button(QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self._on_close_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(works)
        layout.addWidget(claim, 1)
        layout.addLayout(form)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addLayout(result)
        layout.addWidget(self.buttons)
        self._show_progress(None)
        self._show_result("", None)
        self._on_license_changed(self.license_edit.text())

    def _on_license_changed(self, text: str) -> None:
        self.license_note.setVisible(bool(text.strip()))
        if self.summary is not None:  # what you claim includes the license you grant
            self.summary_label.setText(summary_html(self.summary, text))
        if self.result_ is None and self.result_label.isVisible():
            self._show_result("", None)  # what was said of the last license no longer holds

    def _last_license(self) -> str:
        return str(self.settings.value("export/license", "") or "") if self.settings else ""

    def _default_path(self) -> Path:
        """The last folder exported to (when there is one) with a name for this export."""
        last = str(self.settings.value("paths/last_export", "") or "") if self.settings else ""
        return default_bundle_path(self.home, Path(last) if last else None)

    # -- the summary ---------------------------------------------------------------------------
    def _on_summary_range_changed(self, _minimum: int, maximum: int) -> None:
        """Let Tab reach the summary only while it is too long to show whole."""
        scroll = self.summary_scroll
        if maximum > 0:
            scroll.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            return
        if scroll.hasFocus():
            self.focusNextChild()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def chosen_ids(self) -> list[int] | None:
        """The works to export (None: all)."""
        return self.selected if self.selected_radio.isChecked() else None

    def _on_choice_changed(self) -> None:
        self._generation += 1
        generation, home, ids = self._generation, self.home, self.chosen_ids()
        self.summary = None
        self.summary_label.setText("Reading the works…")
        self.export_button.setEnabled(False)
        self.runner.submit(
            lambda _progress: summarize(home, ids),
            label="Reading the works",
            on_success=lambda s: self._on_summary_ready(generation, s),
            on_failure=lambda exc: self._on_summary_failed(generation, exc),
        )

    def _on_summary_ready(self, generation: int, summary: Summary) -> None:
        if generation != self._generation or self._closed:
            return
        self.summary = summary
        self.summary_label.setText(summary_html(summary, self.license_edit.text()))
        self.export_button.setEnabled(summary.works > 0 and self.result_ is None)

    def _on_summary_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation and not self._closed:
            message = getattr(exc, "message", None) or str(exc)
            self.summary_label.setText(
                escape(message)
            )  # a rich-text label; the message may quote a title

    # -- exporting -----------------------------------------------------------------------------
    def target(self) -> Path | None:
        """The file to write (``.colophon`` added if missing); None after saying what is wrong."""
        problem = self.file.new_file_problem()
        if problem:
            self._show_result(problem, None, error=True)
            return None
        path = self.file.path()
        assert path is not None
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        try:
            is_folder, exists = path.is_dir(), path.exists()
        except OSError as exc:  # the name with its suffix is too long for the file system
            self._show_result(f"This cannot be a file's name here: {exc.strerror}.", None, True)
            return None
        if is_folder:  # a folder of that name, once the suffix is added: no file to replace
            self._show_result(f"{path} is a folder; give another file name.", None, error=True)
            return None
        if exists and not confirm(
            self, "Replace the file?", f"{path.name} already exists. Replace it?", "&Replace"
        ):
            return None
        return path

    def export(self) -> None:
        """Sign and write the bundle in the background."""
        summary = self.summary
        if summary is None:
            return
        typed = self.license_edit.text().strip()
        try:  # as the claim states it; none if none is typed
            license = claim_license(typed) if typed else None
        except UsageError as exc:
            self._show_result(exc.message, None, error=True)
            self.license_edit.setFocus()  # to put it right
            return
        path = self.target()
        if path is None:
            return
        self.license_edit.setText(license or "")  # as the claim states it
        home, ids, thumbnails = self.home, summary.work_ids, self.thumbnails_box.isChecked()

        def work(provider: PassphraseProvider | None, progress: Progress) -> ExportResult:
            with Catalog.open(home) as catalog:
                return export_bundle(
                    catalog,
                    Identity(catalog),
                    ids,
                    path,
                    thumbnails=thumbnails,
                    license=license,
                    passphrase=provider,
                    progress=progress,
                )

        with Catalog.open(home) as catalog:
            location: KeyLocation | None = Identity(catalog).require_key().location
        self._show_result("", None)
        self._set_running(True)
        self.operation = run_with_key(
            self,
            self.runner,
            location,
            work,
            label="Exporting",
            purpose="To sign your claim",
            on_success=self._on_export_succeeded,
            on_failure=self._on_export_failed,
            on_progress=self._show_progress,
            on_cancelled=self._on_export_cancelled,
        )
        if self.operation is None:
            self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running and self.result_ is None)
        self.close_button.setText("&Cancel" if running else "Close")
        widgets = (self.selected_radio, self.all_radio, self.thumbnails_box, self.license_edit)
        for widget in (*widgets, self.file):
            widget.setEnabled(not running and self.result_ is None)
        self.selected_radio.setEnabled(self.selected_radio.isEnabled() and bool(self.selected))
        if running:
            self._show_progress(Progress(label="Getting ready"))
        else:
            self._show_progress(None)

    def _show_progress(self, progress: Progress | None) -> None:
        self.progress_label.setVisible(progress is not None)
        self.progress_bar.setVisible(progress is not None)
        if progress is None:
            return
        counts = f" ({progress.done:,} of {progress.total:,})" if progress.total > 1 else ""
        self.progress_label.setText(f"{progress.label or 'Exporting'}{counts}…")
        self.progress_bar.setRange(0, max(progress.total, 0))
        self.progress_bar.setValue(min(progress.done, progress.total))

    def _show_result(self, text: str, path: Path | None, error: bool = False) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(ERROR_STYLE if error else GOOD_STYLE)
        self.result_label.setVisible(bool(text))
        self.show_folder_button.setVisible(path is not None)

    def _on_export_succeeded(self, result: ExportResult) -> None:
        self.result_ = result
        self.operation = None
        self._set_running(False)
        if self.settings is not None:
            self.settings.setValue("paths/last_export", str(result.path.parent))
            self.settings.setValue("export/license", self.license_edit.text())
        pictures = f" ({result.thumbnails:,} with a preview)" if result.thumbnails else ""
        noun = "work" if result.works == 1 else "works"
        size = QLocale().formattedDataSize(result.size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)
        self._show_result(
            f"Exported {result.works:,} {noun}{pictures} to {result.path.name} ({size}). "
            "Send this file to anyone who should know your terms; they can check it with Colophon.",
            result.path,
        )
        self.close_button.setFocus()
        self.exported.emit(list(self.summary.work_ids if self.summary else []))

    def _on_export_failed(self, exc: BaseException) -> None:
        self.operation = None
        self._set_running(False)
        self._show_result(getattr(exc, "message", None) or f"Export failed: {exc}", None, True)

    def _on_export_cancelled(self) -> None:
        self.operation = None
        self._set_running(False)
        self._show_result("Export cancelled; nothing was written.", None, error=True)

    def _on_show_folder_clicked(self) -> None:
        if self.result_ is not None:
            show_in_folder(self.result_.path)

    def _on_close_clicked(self) -> None:
        self.reject()

    def done(self, result: int) -> None:
        """Close, unless an export is running: then ask it to stop (the dialog stays meanwhile)."""
        if self.operation is not None:
            self.operation.cancel()
            return
        self._closed = True
        super().done(result)
