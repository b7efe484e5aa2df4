"""Who signed a claim and what it says overall: the two boxes beside the works in the verify window.

`SignerCard`: the signer's name and contact details as the claim gives them, the key fingerprint
in groups (the one thing to compare with the creator), whether the signer is you, a contact or
unknown, and "Trust this signer…". `ClaimDetails`: when it was signed, the terms for AI, what
is asked in payment and where to pay.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.verify import Outcome, VerifyResult
from . import icons
from .plain_words import (
    compensation_in_words,
    group_fingerprint,
    payment_in_words,
    terms_lines,
    trust_words,
)
from .secondary_label import SecondaryLabel


def _label(accessible: str = "", selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.PlainText)  # names and addresses come from strangers, never markup
    label.setWordWrap(True)
    if accessible:
        label.setAccessibleName(accessible)
    if selectable:
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


class SignerCard(QGroupBox):
    """The signer of a claim, and the button to trust them."""

    #: the person wants to trust (pin) this signer's key
    trust_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Signed by", parent)
        self.name = _label("Signer's name")
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setWeight(QFont.DemiBold)
        self.name.setFont(font)
        self.contact = _label("Signer's contact details")
        self.fingerprint = _label("Signer's fingerprint")
        mono = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.15)
        self.fingerprint.setFont(mono)
        self.hint = SecondaryLabel("Compare this fingerprint with the one the creator gave you.")
        self.hint.setWordWrap(True)
        self.trust = _label("Trust")
        self.trust_button = QPushButton("&Trust this signer…")
        self.trust_button.setAccessibleName("Trust this signer")
        icons.set_icon(self.trust_button, "trust")
        self.trust_button.clicked.connect(self.trust_requested)
        self.unknown = _label("Signer not known")
        layout = QVBoxLayout(self)
        layout.addWidget(self.unknown)
        for widget in (self.name, self.contact, self.fingerprint, self.hint, self.trust):
            layout.addWidget(widget)
        layout.addWidget(self.trust_button, 0, Qt.AlignLeft)
        self.set_result(None)

    def set_result(self, result: VerifyResult | None) -> None:
        signer = result.signer if result is not None else None
        if signer is None:
            self.show_nothing(
                "Unknown. A claim that was changed or cannot be read does not tell reliably "
                "who signed it."
                if result is not None
                else "Checking…"
            )
            return
        for widget in (self.name, self.contact, self.fingerprint, self.hint, self.trust):
            widget.setVisible(True)
        self.unknown.hide()
        self.name.setText(signer.name)
        claimant = result.claim.claimant if result is not None and result.claim else {}
        details = [x for x in (signer.email, claimant.get("website")) if x]
        self.contact.setText("\n".join(details))
        self.contact.setVisible(bool(details))
        self.fingerprint.setText(group_fingerprint(signer.fingerprint))
        self.trust.setText(_standing(result, trust_words(signer.trust, signer.contact)))
        unknown = result is not None and result.outcome is Outcome.UNKNOWN_SIGNER
        self.trust_button.setVisible(unknown)

    def show_nothing(self, text: str) -> None:
        """No signer to show: ``text`` says why (still checking, or nothing can be relied on)."""
        for widget in (self.name, self.contact, self.fingerprint, self.hint, self.trust):
            widget.hide()
        self.unknown.setText(text)
        self.unknown.show()
        self.trust_button.hide()


def _standing(result: VerifyResult, trusted: str) -> str:
    """How far the signer's key can be trusted, beyond whose contact it is: a key other than
    the one pinned for that name, or a revoked one, is said here, by the fingerprint."""
    if result.outcome is Outcome.KEY_MISMATCH and result.expected:
        whose = result.expected.get("contact")
        pinned = group_fingerprint(result.expected["fingerprint"])
        if whose:
            said = f"Not the key you trusted for “{whose}”, which is:\n{pinned}"
        else:
            said = f"Not your key, though it signs with your name or email. Yours is:\n{pinned}"
        return (
            f"{said}\nIf they made a new key, confirm it with them, then manage your "
            "contacts (Identity ▸ Contacts…)."
        )
    if result.revoked_by is not None:
        return f"{trusted}\nBut this key was {result.revoked_by.describe()}."
    return trusted


class ClaimDetails(QGroupBox):
    """The claim as a whole: date, default terms, payment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("About this claim", parent)
        self.text = _label("About this claim")
        self.text.setTextFormat(Qt.RichText)
        QVBoxLayout(self).addWidget(self.text)
        self.set_result(None)

    def set_result(self, result: VerifyResult | None) -> None:
        claim = result.claim if result is not None else None
        self.setVisible(claim is not None)
        if claim is None:
            return
        p = claim.predicate
        works = len(claim.works)
        payment = [compensation_in_words(p["compensation"])]
        payment += [payment_in_words(c) for c in claim.claimant.get("paymentChannels", [])]
        self.text.setText(
            f"<p>Signed on {escape(p['issuedAt'][:10])} · {works:,} "
            f"work{'s' if works != 1 else ''}</p>"
            "<p><b>Terms for AI</b> (unless a work says otherwise)<br>"
            + "<br>".join(escape(line) for line in terms_lines(p["terms"]))
            + "</p><p><b>Payment</b><br>"
            + "<br>".join(escape(line) for line in payment)
            + "</p>"
            + _license_html(p.get("license"))
        )


def _license_html(license: str | None) -> str:
    """The claim's license under its own heading (nothing without one). An address is shown,
    not made a link: it comes from whoever signed, perhaps a stranger."""
    if not license:
        return ""
    return (
        "<p><b>License</b> (for uses other than AI: those follow the terms)<br>"
        f"{escape(license)}</p>"
    )
