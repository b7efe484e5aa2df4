"""What the creator profile, terms and compensation say, in the words a person reads on screen.

The core speaks in field paths (``paymentChannels[0].value``) and vocabulary values (``perUse``,
``notAllowed``); people read "Payment address" and "a fee per use". Everything that turns one into
the other for the GUI lives here, free of widgets, so dialogs and reports say things the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.profile import ProfileError
from ..core.terms import USE_QUESTIONS, in_words

#: payment channel kinds as offered to a person, with an example of what to type
PAYMENT_CHOICES = (
    ("", "No payment address", ""),
    ("openPayments", "Open Payments wallet", "https://wallet.example/alice"),
    ("payto", "Bank account (IBAN)", "e.g. DE75 5121 0800 1245 1261 99, or a payto:// address"),
    ("url", "Payment page (web address)", "https://ko-fi.com/alice"),
)
PAYMENT_LABELS = {kind: label for kind, label, _example in PAYMENT_CHOICES if kind}

#: compensation models as offered to a person
COMPENSATION_CHOICES = (
    ("none", "No payment asked"),
    ("perUse", "A fee per use"),
    ("flatFee", "A flat fee"),
    ("revenueShare", "A share of revenue"),
    ("negotiate", "To be agreed with me"),
)
COMPENSATION_WORDS = {
    "none": "no payment",
    "perUse": "a fee per use",
    "flatFee": "a flat fee",
    "revenueShare": "a share of revenue",
    "negotiate": "terms to be agreed",
}

_FIELD_LABELS = {
    "displayName": "Name",
    "email": "Email",
    "website": "Website",
    "handles": "Handles",
    "paymentChannels": "Payment address",
    "compensation.model": "Compensation",
    "compensation.amount": "Amount",
    "compensation.currency": "Currency",
    "compensation.contact": "Contact for payment",
}
_TERM_FIELD = re.compile(r"terms\.(?P<use>cawg\.[a-z_]+)(\.(?P<part>use|constraint_info))?")


def field_label(field: str) -> str:
    """The label a person sees for a profile field path, e.g. "Payment address"."""
    if field in _FIELD_LABELS:
        return _FIELD_LABELS[field]
    if field.startswith("paymentChannels"):
        return "Payment address"
    match = _TERM_FIELD.fullmatch(field)
    if match:
        question = USE_QUESTIONS.get(match["use"], "AI use")
        return f"Conditions for “{question}”" if match["part"] == "constraint_info" else question
    return field.split(".")[0].capitalize()


def profile_problem(exc: ProfileError) -> str:
    """One sentence naming the field: "Email: 'ada' does not look like an email address."."""
    text = exc.problem[:1].upper() + exc.problem[1:]
    return f"{field_label(exc.field)}: {text}"


def compensation_in_words(comp: Mapping[str, Any]) -> str:
    """ "The creator asks for a fee per use: 0.05 EUR." (from a compensation dict)."""
    model = comp.get("model", "none")
    words = COMPENSATION_WORDS.get(model, model)
    if model == "none":
        return "No payment is asked."
    amount = ""
    if comp.get("amount"):
        unit = "%" if model == "revenueShare" else f" {comp.get('currency') or ''}"
        amount = f": {comp['amount']}{unit.rstrip()}"
    contact = f" Contact: {comp['contact']}." if comp.get("contact") else ""
    return f"Asks for {words}{amount}.{contact}"


def payment_in_words(channel: Mapping[str, str]) -> str:
    """ "Open Payments wallet: https://…"."""
    return f"{PAYMENT_LABELS.get(channel.get('kind', ''), 'Pay at')}: {channel.get('value', '')}"


def terms_lines(terms: Mapping[str, Any]) -> list[str]:
    """Each use as one line: "May be used to train AI: No"."""
    return [f"{question}: {answer}" for question, answer in in_words(terms)]


def people_in_words(contributors: Sequence[Mapping[str, Any]]) -> str:
    """Who made a work, as a claim lists them: "Ada Lovelace (photographer, 80 %), Bo (20 %)"."""
    said = []
    for person in contributors:
        notes = [person["role"]] if person.get("role") else []
        if "share" in person:
            notes.append(f"{person['share']:g} %")
        said.append(person["name"] + (f" ({', '.join(notes)})" if notes else ""))
    return ", ".join(said)


def short_terms(terms: Mapping[str, Any]) -> str:
    """The four answers in two short lines for a table cell ("Train AI: No · Generative AI: No",
    then inference and data mining)."""
    shorts = ("Train AI", "Generative AI", "AI input", "Data mining")
    answers = [
        "Conditions" if answer.startswith("Only with conditions") else answer
        for _question, answer in in_words(terms)
    ]
    pairs = [f"{s}: {a}" for s, a in zip(shorts, answers, strict=True)]
    return " · ".join(pairs[:2]) + "\n" + " · ".join(pairs[2:])


def group_fingerprint(fingerprint: str) -> str:
    """A fingerprint in two lines of four groups, easier to read aloud and compare."""
    groups = fingerprint.split()
    if len(groups) != 8:
        return fingerprint
    return " ".join(groups[:4]) + "\n" + " ".join(groups[4:])


def slug(text: str, fallback: str = "colophon") -> str:
    """A file-name-friendly version of a name: "Ada Lovelace" -> "Ada-Lovelace"."""
    cleaned = re.sub(r"[^\w\-]+", "-", text.strip(), flags=re.UNICODE).strip("-")
    return cleaned[:60] or fallback


def key_status_words(status: str) -> str:
    return {
        "active": "In use: signs your claims",
        "retired": "Replaced by a newer key",
        "revoked": "Revoked: no longer valid",
    }.get(status, status)


def revocation_reason_words(reason: str | None) -> str:
    return {
        "compromised": "lost or stolen",
        "superseded": "replaced",
        "retired": "no longer used",
    }.get(reason or "", reason or "")


#: each verification outcome as a signal level and a headline a person reads first; the
#: sentence under it (`VerifyResult.message`) gives the reason
VERDICTS = {
    "valid": ("green", "You can rely on this claim"),
    "unknown_signer": ("amber", "Check who signed it before relying on it"),
    "key_mismatch": ("red", "Warning: this may not be who it claims to be"),
    "revoked": ("red", "Do not rely on this claim"),
    "tampered": ("red", "Do not rely on this claim"),
    "signature_invalid": ("red", "Do not rely on this claim"),
    "unsupported_version": ("red", "This claim cannot be checked"),
    "malformed": ("red", "Do not rely on this claim"),
}


def verdict(outcome: str) -> tuple[str, str]:
    """``(level, headline)`` for a verification outcome; unknown outcomes read as not valid."""
    return VERDICTS.get(outcome, ("red", "Not valid"))


#: what a malformed file is, for a person: the reason the core gives names the part of the file
MALFORMED_IN_WORDS = (
    "The file is damaged, was changed after it was made, or is not a claim at all, so nothing in "
    "it can be relied on."
)


def verdict_message(outcome: str, message: str) -> str:
    """The sentence under the headline: the core's reason, led by plain words where it is
    technical (a malformed file's reason names a zip member or a JSON field)."""
    if outcome == "key_mismatch":  # the headline already says "Warning"
        said = message.removeprefix("Warning: ")
        return said[:1].upper() + said[1:]
    if outcome != "malformed":
        return message
    detail = message.removeprefix("Not a valid claim: ")
    return f"{MALFORMED_IN_WORDS}\nDetails: {detail}"


def trust_words(trust: str, contact: str | None) -> str:
    """How the signer relates to the person verifying, in words."""
    if trust == "you":
        return "This is you: signed with your own key."
    if trust == "contact":
        return f"In your contacts as “{contact}”."
    return "Not in your contacts yet."
