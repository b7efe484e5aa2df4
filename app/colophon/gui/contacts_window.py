"""The contacts window (menu Identity): the signers you trust, each pinned to one key.

A claim signed with a contact's key shows as valid, with the contact's name. The window lists
the contacts with their fingerprints; "Add from a file…" reads a key from what a creator hands
over (an identity card, a public key file, or one of their claims, which is verified first, in
the background), then shows the fingerprint to compare before pinning it, as "Trust this signer"
does in the verify window. "Rename…" keeps a contact under another name; "Remove…" asks first.
Results appear in a notice under the list; a change is also announced (`contacts_changed`), so
that claims shown elsewhere are checked again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog
from ..core.contacts import (
    Contact,
    ContactSource,
    SharedIdentity,
    add_contact,
    check_not_compromised,
    key_news,
    list_contacts,
    read_contact_source,
    remove_contact,
    rename_contact,
)
from ..core.errors import ColophonError
from ..core.identity import record_events
from ..core.keyevents import KeyEvent, read_events_file
from . import icons
from .alt_key_question import AltKeyQuestion, confirm
from .desktop import copy_text
from .passphrase_dialog import ERROR_STYLE, GOOD_STYLE
from .signal_colors import ERROR_COLOR
from .tasks import TaskRunner
from .trust_dialog import TrustDialog, contact_name_problem
from .window_size import fit_to_screen
from .wizard_steps import message_of

SOURCE_FILTER = (
    "Identity cards, public keys and claims (*.json *.pub *.pem *.txt *.colophon);;All files (*)"
)
EMPTY_TEXT = (
    "You have no contacts yet. To trust a creator, open a claim they sent you and choose "
    "<b>Trust this signer</b>, or add them here from a file they gave you: their identity "
    "card, their public key, or one of their claims."
)
_Index = QModelIndex | QPersistentModelIndex


class ContactsModel(QAbstractTableModel):
    """The contacts as a table: name, the name they sign with, email, fingerprint, added."""

    HEADERS = ("Name", "Signs as", "Email", "Fingerprint", "Added", "Key")
    FINGERPRINT = 3
    KEY = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._contacts: list[Contact] = []
        self._news: dict[str, str] = {}

    def set_contacts(self, contacts: list[Contact], news: dict[str, str] | None = None) -> None:
        """Show ``contacts``; ``news`` says, by key id, what became of a key (`key_news`)."""
        self.beginResetModel()
        self._contacts = list(contacts)
        self._news = dict(news or {})
        self.endResetModel()

    def contact(self, row: int) -> Contact:
        return self._contacts[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._contacts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.FontRole and column == self.FINGERPRINT:
            return QFontDatabase.systemFont(QFontDatabase.FixedFont)  # easier to compare
        contact = self._contacts[index.row()]
        news = self._news.get(contact.key.keyid)
        if role == Qt.ForegroundRole and column == self.KEY and news:
            return ERROR_COLOR
        if role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        if column == self.KEY:
            if role == Qt.ToolTipRole:
                return f"The key was {news}." if news else None
            return ("Revoked" if news.startswith("revoked") else "Replaced") if news else "In use"
        same = self._same_person(contact)
        if role == Qt.ToolTipRole:
            if column != 0:
                return None
            also = f"\nAnother key of the same person as {', '.join(same)}" if same else ""
            return f"{contact.name}\n{contact.key.fingerprint}{also}"
        if column == 0:
            return f"{contact.name} (same person as {', '.join(same)})" if same else contact.name
        if column == 1:
            return contact.display_name or ""
        if column == 2:
            return contact.email or ""
        if column == self.FINGERPRINT:
            return contact.key.fingerprint
        return contact.added_at[:10]

    def _same_person(self, contact: Contact) -> list[str]:
        """The other contacts said to be the same person's keys, by name."""
        if contact.person is None:
            return []
        return [c.name for c in self._contacts if c.person == contact.person and c.id != contact.id]

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole
    ) -> Any:
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None


SAME, OTHER = "same", "other"  # answers to "another key for the same person?"


class ContactsWindow(QDialog):
    """Lists, adds and removes the contacts of the Colophon home ``home``."""

    #: a contact was added or removed (claims being shown may now verify otherwise)
    contacts_changed = Signal()

    def __init__(self, home: Path, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.runner = runner
        self.setWindowTitle("Contacts")
        self.setWindowIcon(icons.icon("trust"))
        fit_to_screen(self, 820, 420)
        self.model = ContactsModel(self)
        self._build()
        self.refresh()

    def _build(self) -> None:
        intro = QLabel(
            "The people whose claims you trust. A claim signed with one of these keys shows as "
            "valid, with the name you gave its signer."
        )
        intro.setWordWrap(True)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.RichText)
        self.empty.setAccessibleName("No contacts")
        self.empty.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Contacts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton("&Add from a file…")
        icons.set_icon(self.add_button, "trust")
        self.add_button.clicked.connect(self.add_from_file)
        self.rename_button = QPushButton("Re&name…")
        self.rename_button.clicked.connect(self.rename_selected)
        self.remove_button = QPushButton("&Remove…")
        self.remove_button.clicked.connect(self.remove_selected)
        self.copy_button = QPushButton("&Copy fingerprint")
        icons.set_icon(self.copy_button, "copy")
        self.copy_button.clicked.connect(self.copy_fingerprint)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Notice")
        self.notice.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty, 1)  # in the table's place while there is no contact
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        remove = QShortcut(QKeySequence.Delete, self.table, context=Qt.WidgetShortcut)
        remove.activated.connect(self.remove_selected)

    # -- showing ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the contacts again, keeping the selected one selected."""
        selected = self.selected()
        with Catalog.open(self.home) as catalog:
            contacts = list_contacts(catalog)
            news = key_news(catalog, contacts)
        self.model.set_contacts(contacts, news)
        self.empty.setVisible(not contacts)
        self.table.setVisible(bool(contacts))
        rows = [i for i, c in enumerate(contacts) if selected and c.id == selected.id]
        self.table.selectRow(rows[0] if rows else 0)
        self._update_buttons()

    def selected(self) -> Contact | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.contact(rows[0].row()) if rows else None

    def show_notice(self, text: str, *, error: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(ERROR_STYLE if error else (GOOD_STYLE if text else ""))

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.rename_button, self.remove_button, self.copy_button):
            button.setEnabled(chosen)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        # Contacts are also added from verify windows: show them when the person comes back.
        if event.type() == QEvent.ActivationChange and self.isActiveWindow():
            self.refresh()
        super().changeEvent(event)

    # -- acting ----------------------------------------------------------------------------------
    def copy_fingerprint(self) -> None:
        contact = self.selected()
        if contact is not None:
            copy_text(contact.key.fingerprint)
            self.show_notice(f"Copied the fingerprint of {contact.name}.")

    def add_from_file(self) -> None:
        """Choose a file, read the key in it (in the background), then confirm and pin it."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Add a contact from a file", str(Path.home()), SOURCE_FILTER
        )
        if not chosen:
            return
        self.add_button.setEnabled(False)
        self.show_notice("Reading the file…")
        home = self.home

        def read(_progress: object) -> ContactSource | list[KeyEvent]:
            events = read_events_file(chosen)  # a revocation or rotation its owner sent
            if events is None:
                source = read_contact_source(chosen)
                with Catalog.open(home) as catalog:  # said before asking to trust it
                    check_not_compromised(catalog, source.key)
                return source
            with Catalog.open(home) as catalog:
                record_events(catalog, events)
            return events

        self.runner.submit(
            read,
            label="Reading the file",
            on_success=self._on_read,
            on_failure=self._on_failed,
            on_finished=lambda: self.add_button.setEnabled(True),
        )

    def _on_read(self, found: ContactSource | list[KeyEvent]) -> None:
        if isinstance(found, ContactSource):
            self._confirm(found)
            return
        said = " ".join(f"The key {e.key.fingerprint} was {e.describe()}." for e in found)
        self.refresh()  # a contact's key may be the one revoked
        self.show_notice(f"{said} Claims it signed are now verified with this in mind.")
        self.contacts_changed.emit()

    def _confirm(self, source: ContactSource) -> None:
        self.show_notice("")
        dialog = TrustDialog(
            source.name or "",
            source.key.fingerprint,
            self,
            from_file=True,
            name_problem=contact_name_problem(self.home),
        )
        if dialog.exec() != TrustDialog.Accepted:
            return
        self._pin(source, dialog.contact_name())

    def _pin(
        self, source: ContactSource, name: str, answer: str = "", owner: Contact | None = None
    ) -> None:
        home = self.home

        def pin(_progress: object) -> Contact:
            with Catalog.open(home) as catalog:
                return add_contact(
                    catalog,
                    source.key,
                    name,
                    source.card,
                    same_person=owner if answer == SAME and owner is not None else False,
                    someone_else=answer == OTHER,
                )

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, SharedIdentity):
                self._on_failed(exc)
            elif said := self._same_person(exc):
                self._pin(source, name, said, exc.contact)  # the contact the question named

        self.runner.submit(
            pin, label="Adding the contact", on_success=self._on_added, on_failure=failed
        )

    def _same_person(self, exc: SharedIdentity) -> str:
        """Ask whether a card with another contact's name or email is that person's other key
        (`SAME`), or, for a name alone, someone else of that name (`OTHER`); "": neither."""
        box = AltKeyQuestion(
            self,
            QMessageBox.Warning,
            "Another key for the same person?",
            exc.message,
            "Someone else could use this card to sign in their name. Trust it as their other "
            f"key only if {exc.contact.name} told you themselves that this fingerprint is theirs"
            + (
                "."
                if exc.by_email
                else "; as someone else only if you know it is another person of that name."
            ),
        )
        same = box.addButton("&Trust as their other key", QMessageBox.AcceptRole)
        other = (
            None
            if exc.by_email  # an email is one person's
            else box.addButton("Trust as &someone else", QMessageBox.AcceptRole)
        )
        cancel = box.addButton("Do&n't trust", QMessageBox.RejectRole)
        clicked = box.ask(cancel, cancel)
        return SAME if clicked is same else OTHER if other and clicked is other else ""

    def _on_added(self, contact: Contact) -> None:
        self.contacts_changed.emit()
        self.refresh()
        rows = [r for r in range(self.model.rowCount()) if self.model.contact(r).id == contact.id]
        if rows:
            self.table.selectRow(rows[0])
        self.show_notice(f"{contact.name} is now one of your contacts.")

    def _on_failed(self, exc: BaseException) -> None:
        self.show_notice(message_of(exc), error=True)

    def rename_selected(self) -> None:
        """Ask for another name to keep the selected contact under."""
        contact = self.selected()
        if contact is None:
            return
        name, ok = QInputDialog.getText(
            self, "Rename contact", f"Keep {contact.name} as:", text=contact.name
        )
        if not ok:
            return
        try:
            with Catalog.open(self.home) as catalog:
                renamed = rename_contact(catalog, str(contact.id), name)
        except ColophonError as exc:
            self.show_notice(exc.message, error=True)
            return
        self.contacts_changed.emit()
        self.refresh()
        self.show_notice(f"{contact.name} is now kept as {renamed.name}.")

    def remove_selected(self) -> None:
        """Ask, then stop trusting the selected contact."""
        contact = self.selected()
        if contact is None:
            return
        if not confirm(
            self,
            "Remove contact?",
            f"Stop trusting {contact.name}? Claims signed with their key will show as signed by "
            "an unknown signer until you trust it again.",
            "&Stop trusting",
        ):
            return
        with Catalog.open(self.home) as catalog:
            remove_contact(catalog, str(contact.id))
        self.contacts_changed.emit()
        self.refresh()
        self.show_notice(f"Removed {contact.name}.")
