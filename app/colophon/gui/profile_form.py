"""The creator profile as a form: who you are, your default AI terms, and how to pay you.

The form comes in three boxes (`about_box`, `terms_box`, `payment_box`) so that the first-run
wizard can spread them over two pages while the identity window shows them together. `profile`
assembles and validates a `Profile`; a `ProfileError` names the field, which `focus_field` brings
into view. Fields the form does not show (handles, further payment channels) are kept as they were.
"""

from __future__ import annotations

import dataclasses
import re

from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.profile import (
    Compensation,
    PaymentChannel,
    Profile,
    ProfileError,
    check_currency_known,
)
from .plain_words import COMPENSATION_CHOICES, PAYMENT_CHOICES
from .terms_editor import TermsEditor

WITH_AMOUNT = ("perUse", "flatFee", "revenueShare")


def _edit(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


_IBAN_TYPED = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_PLAIN_IBAN_URI = re.compile(r"payto://iban/([A-Z]{2}[0-9]{2}[A-Z0-9]{11,30})")


def bank_address(text: str) -> str:
    """What was typed for a bank account: an IBAN as printed or pasted ("DE89 3704 …",
    "IBAN: DE89.3704…") becomes the payto address claims carry (``payto://iban/DE893704…``); a
    payto address stays as it is."""
    compact = re.sub(r"[\s.\-]", "", text).upper().removeprefix("IBAN").lstrip(":")
    return f"payto://iban/{compact}" if _IBAN_TYPED.fullmatch(compact) else text.strip()


def shown_bank_address(value: str) -> str:
    """A plain IBAN payto address as people write the IBAN, in groups of four; else as it is."""
    plain = _PLAIN_IBAN_URI.fullmatch(value)
    if plain is None:
        return value
    iban = plain.group(1)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def web_address(text: str) -> str | None:
    """What was typed as a web address, with ``https://`` added when the scheme was left out."""
    text = text.strip()
    if not text:
        return None
    if "://" not in text and "." in text and not text.startswith(("$", "payto:")):
        return "https://" + text
    return text


class ProfileForm(QObject):
    """The widgets for one profile, and the logic to read and check what they hold."""

    #: any field was changed by the person
    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._base: Profile | None = None
        self.about_box = self._build_about()
        self.terms_box = self._build_terms()
        self.payment_box = self._build_payment()
        for edit in self.about_box.findChildren(QLineEdit) + self.payment_box.findChildren(
            QLineEdit
        ):
            edit.textEdited.connect(lambda _text: self.edited.emit())
        self.terms.edited.connect(self.edited)
        self._on_model_changed()

    # -- building ------------------------------------------------------------------------------
    def _build_about(self) -> QGroupBox:
        box = QGroupBox("About you")
        form = QFormLayout(box)
        self.name_edit = _edit("Name", "The name you sign your work with")
        self.email_edit = _edit("Email", "Optional: where people can reach you")
        self.website_edit = _edit("Website", "Optional: e.g. https://your-portfolio.example")
        form.addRow("N&ame", self.name_edit)  # Alt+N is the wizard's Next
        form.addRow("&Email", self.email_edit)
        form.addRow("&Website", self.website_edit)
        return box

    def _build_terms(self) -> QGroupBox:
        box = QGroupBox("Your terms for AI")
        layout = QVBoxLayout(box)
        note = QLabel(
            "Your answers for all your works. You can answer differently for one work in its "
            "details."
        )
        note.setWordWrap(True)
        self.terms = TermsEditor()
        layout.addWidget(note)
        layout.addWidget(self.terms)
        return box

    def _build_payment(self) -> QGroupBox:
        box = QGroupBox("Payment")
        form = QFormLayout(box)
        self.model_combo = QComboBox()
        self.model_combo.setAccessibleName("What you ask for")
        for value, label in COMPENSATION_CHOICES:
            self.model_combo.addItem(label, value)
        self.amount_edit = _edit("Amount", "e.g. 0.05")
        self.currency_edit = _edit("Currency", "e.g. EUR")
        self.currency_edit.setMaxLength(3)
        self.currency_edit.setMaximumWidth(90)
        self.currency_edit.setToolTip("The currency of the amount: three letters, such as EUR")
        self.amount_row = QWidget()
        row = QHBoxLayout(self.amount_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.amount_edit, 1)
        row.addWidget(self.currency_edit)
        # Alt+M goes to the amount: a label only moves the focus to a buddy that accepts it
        self.amount_row.setFocusPolicy(self.amount_edit.focusPolicy())
        self.amount_row.setFocusProxy(self.amount_edit)
        self.contact_edit = _edit("Contact for payment", "Optional: email or page about licensing")
        self.channel_combo = QComboBox()
        self.channel_combo.setAccessibleName("Where to pay")
        for kind, label, _example in PAYMENT_CHOICES:
            self.channel_combo.addItem(label, kind)
        self.channel_edit = _edit("Payment address")
        form.addRow("Ask f&or", self.model_combo)
        form.addRow("A&mount", self.amount_row)
        form.addRow("Con&tact", self.contact_edit)
        form.addRow("Pa&y to", self.channel_combo)
        form.addRow("", self.channel_edit)
        self._payment_form = form
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        self.channel_combo.currentIndexChanged.connect(self._on_channel_changed)
        return box

    # -- showing -------------------------------------------------------------------------------
    def set_profile(self, profile: Profile | None) -> None:
        """Show ``profile`` (None: an empty form with safe defaults: every AI use "No")."""
        self._base = profile
        p = profile or Profile("")
        self.name_edit.setText(p.display_name)
        self.email_edit.setText(p.email or "")
        self.website_edit.setText(p.website or "")
        self.terms.set_terms(p.terms)
        comp = p.compensation
        self.model_combo.setCurrentIndex(max(self.model_combo.findData(comp.model), 0))
        self.amount_edit.setText(comp.amount or "")
        self.currency_edit.setText(comp.currency or "")
        self.contact_edit.setText(comp.contact or "")
        channel = p.payment_channels[0] if p.payment_channels else None
        self.channel_combo.setCurrentIndex(
            max(self.channel_combo.findData(channel.kind if channel else ""), 0)
        )
        shown = channel.value if channel else ""
        self.channel_edit.setText(
            shown_bank_address(shown) if channel and channel.kind == "payto" else shown
        )
        self._on_model_changed()
        self._on_channel_changed()

    def _on_model_changed(self) -> None:
        model = self.model_combo.currentData()
        if model in WITH_AMOUNT and model != "revenueShare" and not self.currency_edit.text():
            # the currency of this computer's region, as a starting point (empty if none)
            iso = QLocale.system().currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
            self.currency_edit.setText(iso if len(iso) == 3 and iso.isalpha() else "")
        self._payment_form.setRowVisible(self.amount_row, model in WITH_AMOUNT)
        self.currency_edit.setVisible(model != "revenueShare")
        self.amount_edit.setPlaceholderText("e.g. 10 (percent)" if model == "revenueShare" else "")
        self.edited.emit()

    def _on_channel_changed(self) -> None:
        index = self.channel_combo.currentIndex()
        _kind, _label, example = PAYMENT_CHOICES[max(index, 0)]
        self.channel_edit.setVisible(bool(example))
        self.channel_edit.setPlaceholderText(example)
        self.edited.emit()

    # -- reading -------------------------------------------------------------------------------
    def about(self) -> Profile:
        """Name, email and website only (checked), for the wizard's first page."""
        profile = Profile(
            self.name_edit.text().strip(),
            email=self.email_edit.text().strip() or None,
            website=web_address(self.website_edit.text()),
        )
        profile.validate()
        return profile

    def profile(self) -> Profile:
        """Everything the form holds as a valid `Profile`; `ProfileError` names the bad field."""
        base = self.about()
        kind = self.channel_combo.currentData() or ""
        value = self.channel_edit.text().strip()
        channels = list(self._base.payment_channels[1:]) if self._base else []
        if kind:
            if not value:
                raise ProfileError(
                    "paymentChannels[0].value",
                    "type the address, or choose “No payment address”.",
                )
            if kind == "url":
                value = web_address(value) or value
            elif kind == "payto":
                value = bank_address(value)
            channels.insert(0, PaymentChannel(kind, value))
        model = self.model_combo.currentData()
        amount = self.amount_edit.text().strip().replace(",", ".").rstrip("%").strip() or None
        currency = self.currency_edit.text().strip().upper() or None
        if model not in WITH_AMOUNT:
            amount = currency = None
        elif model == "revenueShare":
            currency = None
        profile = dataclasses.replace(
            base,
            handles=dict(self._base.handles) if self._base else {},
            payment_channels=channels,
            terms=self.terms.terms(),
            compensation=Compensation(
                model, amount, currency, self.contact_edit.text().strip() or None
            ),
        )
        profile.validate()
        if not self._base or currency != self._base.compensation.currency:  # typed now
            check_currency_known(currency)
        return profile

    def focus_field(self, field: str) -> None:
        """Put the cursor in the widget of a field named by a `ProfileError`."""
        widgets = {
            "displayName": self.name_edit,
            "email": self.email_edit,
            "website": self.website_edit,
            "compensation.amount": self.amount_edit,
            "compensation.currency": self.currency_edit,
            "compensation.contact": self.contact_edit,
            "compensation.model": self.model_combo,
        }
        widget: QWidget | None = widgets.get(field)
        if widget is None and field.startswith("paymentChannels"):
            widget = self.channel_edit
        if widget is None and field.startswith("terms."):
            use = field.split(".")[1] + "." + field.split(".")[2]
            row = next((r for r in self.terms.rows if r.use == use), None)
            widget = row and (row.condition if field.endswith("constraint_info") else row.combo)
        if widget is not None:
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()
