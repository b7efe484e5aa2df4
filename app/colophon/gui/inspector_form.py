"""The inspector's widgets: the form that edits the selected works, laid out in a scroll area.

From top to bottom: a heading, the editable fields (title, creation date, tags, description,
contributors, then the AI terms), each with its problem shown right under it, the Save and
Revert buttons, the details of a single work (kind, size, digest, where it was found) and the
sections below them (the export history). What the fields show is filled in by
`inspector_display`; what the edits mean (checking, saving, leaving) is decided by the
`Inspector`, which this form reports every edit to through `field_edited`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog
from .contributors_editor import ContributorsEditor
from .work_edits import FIELD_NAMES
from .work_terms_section import ExportHistory, WorkTermsSection
from .wrapping_label import WrappingLabel

TAGS_PLACEHOLDER = "comma, separated, tags"


class _FieldsLabel(QLabel):
    """The label of a group of fields: its Alt+letter calls ``jump`` (to the group's first field).

    A plain label would hand the focus to its buddy, which a group of fields cannot take
    (giving the group a focus proxy would reorder its Tab chain).
    """

    def __init__(self, text: str, buddy: QWidget, jump: Callable[[], None]) -> None:
        super().__init__(text)
        self._jump = jump
        self.setBuddy(buddy)  # shows the letter underlined and makes it a shortcut

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut:
            self._jump()
            return True
        return super().event(event)


class InspectorForm(QScrollArea):
    """The widgets of the inspector, and how its problems are shown and focused."""

    #: the person edited a field (its name: "title", "created", "tags", "description", …)
    field_edited = Signal(str)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.setWidgetResizable(True)
        # The panel itself never takes the focus: a click on a button or a label leaves it in
        # the field being edited (Qt would otherwise hand it to the scroll area)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.NoFrame)
        self.setAccessibleName("Inspector")
        self.setMinimumWidth(300)
        self._build()
        # A field reached by Alt+letter (or any way but Tab, which scrolls by itself) is brought
        # into view, so the person sees where the cursor went.
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        body = self.widget()
        if new is not None and body is not None and body.isAncestorOf(new):
            self.ensureWidgetVisible(new)

    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.PlainText)  # titles and file names, never markup
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextSelectableByMouse)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.DemiBold)
        self.heading.setFont(font)
        layout.addWidget(self.heading)

        self.form_box = QWidget()
        form = QFormLayout(self.form_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.title_edit = self._line_edit("Title")
        self.created_edit = self._line_edit("Created", "YYYY-MM-DD")
        self.tags_edit = self._line_edit("Tags", TAGS_PLACEHOLDER)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(90)
        self.description_edit.textChanged.connect(lambda: self.field_edited.emit("description"))
        self.contributors = ContributorsEditor()
        self.contributors.edited.connect(lambda: self.field_edited.emit("contributors"))
        self.contributors_note = QLabel()
        self.contributors_note.setWordWrap(True)
        self.tags_note = QLabel()
        self.tags_note.setWordWrap(True)
        self.tags_note.setTextFormat(Qt.PlainText)  # tags are typed text, never markup
        self.tags_note.setAccessibleName("About tags of several works")
        #: the problem of each field that can have one, shown right under it
        self.problem_labels = {
            field: self._problem_label(FIELD_NAMES[field])
            for field in ("title", "created", "contributors", "terms")
        }
        form.addRow("&Title", self.title_edit)
        form.addRow("", self.problem_labels["title"])
        form.addRow("&Created", self.created_edit)
        form.addRow("", self.problem_labels["created"])
        form.addRow("T&ags", self.tags_edit)
        form.addRow("", self.tags_note)
        form.addRow("&Description", self.description_edit)
        form.addRow(_FieldsLabel("C&ontributors", self.contributors, self._on_contributors_jump))
        form.addRow(self.contributors_note)
        form.addRow(self.contributors)
        form.addRow(self.problem_labels["contributors"])
        #: the rows of the editable fields (some shown only when they have something to say)
        self.fields_layout = form
        layout.addWidget(self.form_box)
        self.terms_section = WorkTermsSection(self.catalog)  # saved with the fields above
        self.terms_section.edited.connect(lambda: self.field_edited.emit("terms"))
        layout.addWidget(self.terms_section)
        layout.addWidget(self.problem_labels["terms"])

        self.error_label = self._problem_label("")  # saving itself failed
        self.error_label.setAccessibleName("Problem")
        layout.addWidget(self.error_label)

        # Alt+letters of the inspector: none that the main window's menus (File, Edit, View,
        # Identity) or the fields above use
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save changes")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setAccessibleName("Revert changes")
        for button in (self.save_button, self.revert_button):
            # Reached by Tab, but a click leaves the focus (and the scroll) where the person was
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

        self.details_box = QWidget()
        details = QFormLayout(self.details_box)
        details.setContentsMargins(0, 8, 0, 0)
        self.kind_label = QLabel()
        self.size_label = QLabel()
        self.registered_label = QLabel()
        self.digest_edit = QLineEdit()
        self.digest_edit.setReadOnly(True)
        self.digest_edit.setAccessibleName("Digest (SHA-256)")
        self.digest_edit.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.paths_label = QLabel()
        self.paths_label.setTextFormat(Qt.PlainText)  # titles and file names, never markup
        self.paths_label.setWordWrap(True)
        self.paths_label.setAccessibleName("Known paths")
        self.paths_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        details.addRow("Kind", self.kind_label)
        details.addRow("Size", self.size_label)
        details.addRow("Registered", self.registered_label)
        details.addRow("SHA-256", self.digest_edit)
        details.addRow("Found at", self.paths_label)
        layout.addWidget(self.details_box)

        # Sections below the work's own details (the export history), each hidden when empty.
        self.sections = QVBoxLayout()
        self.export_history = ExportHistory(self.catalog)
        self.sections.addWidget(self.export_history)
        layout.addLayout(self.sections)
        layout.addStretch(1)
        self.setWidget(body)

    def _on_contributors_jump(self) -> None:
        widget = self.contributors.first_field()
        self.ensureWidgetVisible(widget)
        widget.setFocus(Qt.ShortcutFocusReason)

    @staticmethod
    def _problem_label(field_name: str) -> QLabel:
        label = WrappingLabel()
        label.setTextFormat(Qt.PlainText)  # titles and file names, never markup
        label.setAccessibleName(f"Problem with the {field_name}")
        label.setStyleSheet("color: #d93025; font-weight: 600;")
        label.hide()
        return label

    def _line_edit(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        field = name.lower()
        edit.textEdited.connect(lambda _text: self.field_edited.emit(field))
        return edit

    def show_problems(self, problems: dict[str, str], save_error: str | None) -> None:
        """Show each field's problem under it (hidden when it has none), and why saving failed."""
        for field, label in self.problem_labels.items():
            label.setText(problems.get(field, ""))
            if field == "terms":
                label.setVisible(field in problems)
            else:
                self.fields_layout.setRowVisible(label, field in problems)
        self.error_label.setText(save_error or "")
        self.error_label.setVisible(save_error is not None)

    def focus_problem(self, field: str | None) -> None:
        """Put the cursor in the widget of ``field`` (one with a problem), scrolled into view."""
        widget: QWidget | None = {"title": self.title_edit, "created": self.created_edit}.get(
            field or ""
        )
        if field == "contributors" and self.contributors.rows:
            widget = self.contributors.rows[-1].share
        if field == "terms":  # the conditions still to be written, else the first answer
            rows = self.terms_section.editor.rows
            missing = (r.condition for r in rows if r.condition.isVisibleTo(self))
            widget = next((edit for edit in missing if not edit.text().strip()), rows[0].combo)
        if widget is None:
            return
        self.ensureWidgetVisible(widget)
        widget.setFocus(Qt.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()
