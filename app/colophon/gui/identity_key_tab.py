"""The "Key" tab of the identity window: the fingerprint, where the key is kept, its history,
and the buttons for backup, public card, replacing and revoking.

With no usable key (none yet, or the last one revoked) the tab says so in words and offers to
set one up instead of showing buttons that could only fail.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.identity import KeyRecord
from . import icons
from .identity_actions import IdentityActions
from .plain_words import group_fingerprint, key_status_words, revocation_reason_words
from .secondary_label import SecondaryLabel


def _date(stamp: str | None) -> str:
    return (stamp or "")[:10]


def _button(text: str, icon: str, name: str, slot: object) -> QPushButton:
    button = QPushButton(text)
    if icon:
        icons.set_icon(button, icon)
    button.setAccessibleName(name)
    button.clicked.connect(slot)  # type: ignore[arg-type]
    return button


class KeyTab(QWidget):
    """Shows the keys of one identity and offers what can be done with the active one."""

    def __init__(self, actions: IdentityActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.none_label = QLabel()
        self.none_label.setWordWrap(True)
        self.setup_button = QPushButton("&Set up an identity…")
        icons.set_icon(self.setup_button, "identity")
        self.key_box = QGroupBox("Your key")
        form = QFormLayout(self.key_box)
        self.fingerprint = QLabel()
        self.fingerprint.setAccessibleName("Fingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setWeight(QFont.DemiBold)
        self.fingerprint.setFont(font)
        self.copy_button = _button("&Copy", "copy", "Copy the fingerprint", lambda: None)
        row = QHBoxLayout()
        row.addWidget(self.fingerprint, 1)
        row.addWidget(self.copy_button, 0, Qt.AlignTop)
        self.status = QLabel()
        self.location = QLabel()
        self.location.setWordWrap(True)
        self.location.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.keyid = SecondaryLabel()  # quiet: for experts
        self.keyid.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.keyid.setWordWrap(True)
        form.addRow("Fingerprint:", row)
        form.addRow("", self._hint())
        form.addRow("Status:", self.status)
        form.addRow("Kept in:", self.location)
        form.addRow("Key id:", self.keyid)
        self.backup_button = _button("&Back up…", "save", "Back up your key", actions.back_up)
        self.card_button = _button(
            "&Export public card…", "export", "Export your public card", actions.export_card
        )
        self.rotate_button = _button("Rep&lace key…", "key", "Replace your key", actions.rotate)
        self.revoke_button = _button(
            "Re&voke…", "warning", "Revoke your key", lambda: actions.revoke()
        )
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.card_button, self.rotate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.revoke_button)
        self.history = QTableWidget(0, 3)
        self.history.setAccessibleName("Earlier keys")
        self.history.setHorizontalHeaderLabels(["Fingerprint", "Status", "Dates"])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.history.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.history.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.history_label = QLabel("Earlier keys")
        self._earlier: list[KeyRecord] = []
        self.revoke_earlier_button = _button(
            "Revoke the selected earlier key…",
            "warning",
            "Revoke the selected earlier key",
            lambda: actions.revoke(self.selected_earlier()),
        )
        self.revoke_earlier_button.setToolTip(
            "If an earlier key may have been copied, revoke it as lost or stolen: everything it "
            "signed is then withdrawn."
        )
        self.history.itemSelectionChanged.connect(self._update_earlier_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.none_label)
        layout.addWidget(self.setup_button, 0, Qt.AlignLeft)
        layout.addWidget(self.key_box)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history, 1)
        layout.addWidget(self.revoke_earlier_button, 0, Qt.AlignLeft)
        self._key_widgets = [self.key_box, self.backup_button, self.card_button]
        self._key_widgets += [self.rotate_button, self.revoke_button]

    @staticmethod
    def _hint() -> QLabel:
        label = SecondaryLabel(
            "People who check your claims compare this with the fingerprint you give them."
        )
        label.setWordWrap(True)
        return label

    def show_keys(self, keys: list[KeyRecord], has_profile: bool) -> None:
        active = next((k for k in keys if k.status == "active"), None)
        for widget in self._key_widgets:
            widget.setVisible(active is not None)
        self.none_label.setVisible(active is None)
        self.setup_button.setVisible(active is None)
        if active is None:
            revoked = any(k.status == "revoked" for k in keys)
            self.none_label.setText(
                "Your key was revoked, so you cannot sign until you make a new one. Your "
                "profile is kept."
                if revoked
                else "You have no identity yet. You can check other people's claims without "
                "one; to sign your own, set one up."
            )
            self.setup_button.setText("&Make a new key…" if revoked else "&Set up an identity…")
        else:
            self.fingerprint.setText(group_fingerprint(active.fingerprint))
            self.status.setText(
                f"{key_status_words(active.status)} (since {_date(active.created_at)})"
            )
            where = active.location.describe()  # a path keeps its case: only the first letter
            self.location.setText(where[:1].upper() + where[1:])
            self.keyid.setText(active.keyid)
        earlier = [k for k in reversed(keys) if k.status != "active"]
        self._earlier = earlier
        self.history_label.setVisible(bool(earlier))
        self.history.setVisible(bool(earlier))
        self.revoke_earlier_button.setVisible(bool(earlier))
        self.history.setRowCount(len(earlier))
        for row, key in enumerate(earlier):
            if key.status == "revoked":
                status = f"Revoked ({revocation_reason_words(key.reason)})"
                until = _date(key.revoked_at)
            else:
                status, until = "Replaced", _date(key.retired_at)
            values = (key.fingerprint, status, f"{_date(key.created_at)} – {until}")
            for column, text in enumerate(values):
                self.history.setItem(row, column, QTableWidgetItem(text))
        self._update_earlier_button()

    def selected_earlier(self) -> KeyRecord | None:
        """The earlier key selected in the history, if any."""
        rows = {index.row() for index in self.history.selectionModel().selectedRows()}
        return self._earlier[min(rows)] if rows and min(rows) < len(self._earlier) else None

    def _update_earlier_button(self) -> None:
        key = self.selected_earlier()
        # A key revoked as compromised already withdraws everything it signed: nothing to add.
        self.revoke_earlier_button.setEnabled(
            key is not None and not (key.status == "revoked" and key.reason == "compromised")
        )

    def fingerprint_text(self) -> str:
        """The fingerprint on one line, as it is compared and pasted."""
        return " ".join(self.fingerprint.text().split())

    def set_busy(self, busy: bool) -> None:
        for button in (self.backup_button, self.card_button, self.rotate_button):
            button.setEnabled(not busy)
        self.revoke_button.setEnabled(not busy)
        if busy:
            self.revoke_earlier_button.setEnabled(False)
        else:
            self._update_earlier_button()
