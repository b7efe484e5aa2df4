"""The creator profile, AI-use terms in the CAWG vocabulary, compensation and payment channels.

This is the one place for the CAWG training-and-data-mining vocabulary: the four uses
(`AI_USES`) and their three values (`USE_VALUES`). The profile is ordinary catalog data and also
travels, as `Profile.to_dict`, inside signed claims, so `from_dict` is strict: unknown keys,
wrong types and invalid values are refused with a `ProfileError` naming the field.

Plain-JSON shape (camelCase like other in-toto predicates; the terms keep CAWG's own names)::

    {"displayName": "Ada", "email": "ada@example.org", "website": "https://ada.example",
     "handles": {"mastodon": "@ada@example.social"},
     "paymentChannels": [{"kind": "openPayments", "value": "https://wallet.example/ada"}],
     "terms": {"cawg.ai_training": {"use": "notAllowed"}, ...all four...},
     "compensation": {"model": "perUse", "amount": "0.05", "currency": "EUR",
                      "contact": "licensing@ada.example"}}

Optional scalar fields are left out when empty; ``handles`` and ``paymentChannels`` are always
present. Validation rules are in `Profile.validate` and the helpers below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import UsageError

__all__ = [
    "AI_GENERATIVE_TRAINING",
    "AI_INFERENCE",
    "AI_TRAINING",
    "AI_USES",
    "ALLOWED",
    "COMPENSATION_MODELS",
    "CONSTRAINED",
    "DATA_MINING",
    "NOT_ALLOWED",
    "PAYMENT_KINDS",
    "PAYTO_TARGET_TYPES",
    "USE_VALUES",
    "Compensation",
    "PaymentChannel",
    "Profile",
    "ProfileError",
    "Terms",
    "UseTerm",
]

# --- vocabulary ------------------------------------------------------------------------------

AI_TRAINING = "cawg.ai_training"
AI_GENERATIVE_TRAINING = "cawg.ai_generative_training"
AI_INFERENCE = "cawg.ai_inference"
DATA_MINING = "cawg.data_mining"
AI_USES = (AI_TRAINING, AI_GENERATIVE_TRAINING, AI_INFERENCE, DATA_MINING)

ALLOWED = "allowed"
NOT_ALLOWED = "notAllowed"
CONSTRAINED = "constrained"
USE_VALUES = (ALLOWED, NOT_ALLOWED, CONSTRAINED)

COMPENSATION_MODELS = ("perUse", "flatFee", "revenueShare", "negotiate", "none")
PAYMENT_KINDS = ("openPayments", "payto", "url")

#: payto target types from RFC 8905 and the IANA registry that followed it
PAYTO_TARGET_TYPES = frozenset(
    {"ach", "bic", "iban", "upi", "bitcoin", "ilp", "void", "ldap", "eth"}
    | {"interac-etransfer", "x-taler-bank"}
)
_PAYTO_GENERIC_OPTIONS = {"amount", "receiver-name", "sender-name", "message", "instruction"}

#: what no text of a profile may hold (the claim schema's "line"): control characters, line and
#: paragraph separators, and the marks that reorder text (a name shown backwards)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
_EMAIL = re.compile(r"[^@\s]{1,64}@([^@\s.]+\.)+[^@\s.]{2,}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"(0|[1-9][0-9]{0,14})(\.[0-9]{1,8})?")
_PAYTO_AMOUNT = re.compile(r"[A-Za-z]{1,12}:[0-9]{1,16}(\.[0-9]{1,8})?")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")


def check_currency_known(code: str | None, where: str = "compensation.currency") -> None:
    """Refuse (`ProfileError`) a code of three letters that ISO 4217 does not list (``XYZ``).

    Asked where a person types the code, not when a profile is read: one kept by an earlier
    Colophon, or a code withdrawn since, must not lock its owner out.
    """
    if not code:
        return
    from iso4217 import Currency  # the published ISO 4217 list, read when first needed

    try:
        Currency(code)
    except ValueError:
        raise ProfileError(
            where, f"{code!r} is not a currency code of ISO 4217 (such as EUR, USD or JPY)."
        ) from None


class ProfileError(UsageError):
    """A profile value is invalid; ``field`` is its JSON path, e.g. ``paymentChannels[1].value``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        #: what is wrong, without the field's name (each face names the field its own way)
        self.problem = message


# --- terms -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UseTerm:
    """One CAWG entry: ``allowed``, ``notAllowed`` or ``constrained`` (+ ``constraint_info``)."""

    use: str = NOT_ALLOWED
    constraint_info: str | None = None

    def validate(self, where: str = "term") -> None:
        if self.use not in USE_VALUES:
            raise ProfileError(f"{where}.use", f"must be one of {', '.join(USE_VALUES)}.")
        if self.use == CONSTRAINED:
            if not self.constraint_info or not self.constraint_info.strip():
                raise ProfileError(
                    f"{where}.constraint_info", "a constrained use needs the constraint in words."
                )
            _check_text(self.constraint_info, f"{where}.constraint_info", 2000)
        elif self.constraint_info is not None:
            raise ProfileError(f"{where}.constraint_info", "only a constrained use has one.")

    def to_dict(self) -> dict[str, str]:
        out = {"use": self.use}
        if self.constraint_info is not None:
            out["constraint_info"] = self.constraint_info
        return out

    @classmethod
    def from_dict(cls, data: Any, where: str = "term") -> UseTerm:
        obj = _object(data, where, {"use", "constraint_info"})
        term = cls(
            use=_string(obj.get("use"), f"{where}.use"),
            constraint_info=_optional_string(
                obj.get("constraint_info"), f"{where}.constraint_info"
            ),
        )
        term.validate(where)
        return term


def _default_entries() -> dict[str, UseTerm]:
    return {use: UseTerm() for use in AI_USES}


@dataclass
class Terms:
    """The four CAWG uses, each with a `UseTerm`; all ``notAllowed`` unless stated."""

    entries: dict[str, UseTerm] = field(default_factory=_default_entries)

    def __getitem__(self, use: str) -> UseTerm:
        return self.entries[use]

    def with_use(self, use: str, value: str, constraint_info: str | None = None) -> Terms:
        """A copy with one use changed (validated)."""
        if use not in AI_USES:
            raise ProfileError("terms", f"unknown use {use!r}.")
        term = UseTerm(value, constraint_info)
        term.validate(f"terms.{use}")
        return Terms({**self.entries, use: term})

    def validate(self, where: str = "terms") -> None:
        for use in self.entries:
            if use not in AI_USES:
                raise ProfileError(f"{where}.{use}", "is not one of the four CAWG uses.")
        for use in AI_USES:
            if use not in self.entries:
                raise ProfileError(f"{where}.{use}", "is missing.")
            self.entries[use].validate(f"{where}.{use}")

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {use: self.entries[use].to_dict() for use in AI_USES}

    @classmethod
    def from_dict(cls, data: Any, where: str = "terms") -> Terms:
        obj = _object(data, where, set(AI_USES))
        terms = cls({use: UseTerm.from_dict(obj.get(use), f"{where}.{use}") for use in obj})
        terms.validate(where)
        return terms


# --- compensation and payment ----------------------------------------------------------------


@dataclass(frozen=True)
class Compensation:
    """What the creator asks for. ``amount`` is a decimal string; for ``revenueShare`` it is a
    percentage (0–100) and has no currency, otherwise it comes with an ISO 4217 ``currency``."""

    model: str = "none"
    amount: str | None = None
    currency: str | None = None
    contact: str | None = None

    def validate(self, where: str = "compensation") -> None:
        if self.model not in COMPENSATION_MODELS:
            raise ProfileError(
                f"{where}.model", f"must be one of {', '.join(COMPENSATION_MODELS)}."
            )
        if self.amount is not None and not _AMOUNT.fullmatch(self.amount):
            raise ProfileError(f"{where}.amount", "must be a plain decimal number like 12.50.")
        if self.currency is not None and not _CURRENCY.fullmatch(self.currency):
            raise ProfileError(f"{where}.currency", "must be a 3-letter ISO 4217 code like EUR.")
        if self.model in ("none", "negotiate") and (self.amount or self.currency):
            raise ProfileError(
                f"{where}.amount", f"no amount goes with compensation '{self.model}'."
            )
        if self.model == "revenueShare":
            if self.currency is not None:
                raise ProfileError(f"{where}.currency", "a revenue share is a percentage.")
            if self.amount is not None and float(self.amount) > 100:
                raise ProfileError(f"{where}.amount", "a revenue share is at most 100 percent.")
        elif (self.amount is None) != (self.currency is None):
            if self.currency is None:
                raise ProfileError(
                    f"{where}.currency", "give the currency of the amount (such as EUR or USD)."
                )
            raise ProfileError(f"{where}.amount", "give the amount, or no currency.")
        if self.contact is not None:
            _check_text(self.contact, f"{where}.contact", 500, required=True)

    def to_dict(self) -> dict[str, str]:
        out = {"model": self.model}
        for key in ("amount", "currency", "contact"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Any, where: str = "compensation") -> Compensation:
        obj = _object(data, where, {"model", "amount", "currency", "contact"})
        value = cls(
            model=_string(obj.get("model"), f"{where}.model"),
            **{
                key: _optional_string(obj.get(key), f"{where}.{key}")
                for key in ("amount", "currency", "contact")
            },
        )
        value.validate(where)
        return value


@dataclass(frozen=True)
class PaymentChannel:
    """Where to pay: an Open Payments wallet address, a ``payto:`` URI (RFC 8905) or a web URL."""

    kind: str
    value: str

    def validate(self, where: str = "paymentChannel") -> None:
        if self.kind not in PAYMENT_KINDS:
            raise ProfileError(f"{where}.kind", f"must be one of {', '.join(PAYMENT_KINDS)}.")
        problem = {
            "openPayments": _wallet_address_problem,
            "payto": _payto_problem,
            "url": _web_url_problem,
        }[self.kind](self.value)
        if problem:
            raise ProfileError(f"{where}.value", problem)

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value}

    @classmethod
    def from_dict(cls, data: Any, where: str = "paymentChannel") -> PaymentChannel:
        obj = _object(data, where, {"kind", "value"})
        channel = cls(
            _string(obj.get("kind"), f"{where}.kind"), _string(obj.get("value"), f"{where}.value")
        )
        channel.validate(where)
        return channel


# --- the profile -----------------------------------------------------------------------------


@dataclass
class Profile:
    """Who the creator is and what they state by default about their works."""

    display_name: str
    email: str | None = None
    website: str | None = None
    handles: dict[str, str] = field(default_factory=dict)
    payment_channels: list[PaymentChannel] = field(default_factory=list)
    terms: Terms = field(default_factory=Terms)
    compensation: Compensation = field(default_factory=Compensation)

    def validate(self) -> None:
        """Raise `ProfileError` naming the first invalid field."""
        _check_text(self.display_name, "displayName", 200, required=True)
        if self.email is not None and not _is_email(self.email):
            raise ProfileError("email", f"{self.email!r} does not look like an email address.")
        if self.website is not None and (problem := _web_url_problem(self.website)):
            raise ProfileError("website", problem)
        if len(self.handles) > 32:
            raise ProfileError("handles", "at most 32 handles.")
        for name, handle in self.handles.items():
            _check_text(name, "handles", 40, required=True)
            _check_text(handle, f"handles.{name}", 200, required=True)
        if len(self.payment_channels) > 16:
            raise ProfileError("paymentChannels", "at most 16 payment channels.")
        for index, channel in enumerate(self.payment_channels):
            channel.validate(f"paymentChannels[{index}]")
        self.terms.validate("terms")
        self.compensation.validate("compensation")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form (see the module docstring)."""
        out: dict[str, Any] = {"displayName": self.display_name}
        if self.email is not None:
            out["email"] = self.email
        if self.website is not None:
            out["website"] = self.website
        out["handles"] = dict(self.handles)
        out["paymentChannels"] = [channel.to_dict() for channel in self.payment_channels]
        out["terms"] = self.terms.to_dict()
        out["compensation"] = self.compensation.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Profile:
        """Read `to_dict` output strictly; the result is validated."""
        keys = {"displayName", "email", "website", "handles", "paymentChannels", "terms"}
        obj = _object(data, "profile", keys | {"compensation"})
        handles = _object(obj.get("handles", {}), "handles", None)
        channels = obj.get("paymentChannels", [])
        if not isinstance(channels, list):
            raise ProfileError("paymentChannels", "must be a list.")
        profile = cls(
            display_name=_string(obj.get("displayName"), "displayName"),
            email=_optional_string(obj.get("email"), "email"),
            website=_optional_string(obj.get("website"), "website"),
            handles={key: _string(value, f"handles.{key}") for key, value in handles.items()},
            payment_channels=[
                PaymentChannel.from_dict(item, f"paymentChannels[{index}]")
                for index, item in enumerate(channels)
            ],
            terms=Terms.from_dict(obj["terms"]) if "terms" in obj else Terms(),
            compensation=(
                Compensation.from_dict(obj["compensation"])
                if "compensation" in obj
                else Compensation()
            ),
        )
        profile.validate()
        return profile


# --- field checks ----------------------------------------------------------------------------


def _check_text(value: Any, where: str, limit: int, *, required: bool = False) -> None:
    if not isinstance(value, str):
        raise ProfileError(where, "must be text.")
    if required and not value.strip():
        raise ProfileError(where, "must not be empty.")
    if len(value) > limit:
        raise ProfileError(where, f"is longer than {limit} characters.")
    if _CONTROL.search(value):
        raise ProfileError(
            where, "contains control characters such as line breaks or text-direction marks."
        )


def _is_email(text: str) -> bool:
    return len(text) <= 254 and not _CONTROL.search(text) and bool(_EMAIL.fullmatch(text))


def _url_problem(text: str, schemes: tuple[str, ...], what: str) -> str | None:
    if not isinstance(text, str) or not text or len(text) > 2048:
        return f"{what} must be a URL of at most 2048 characters."
    if _CONTROL.search(text) or " " in text:
        return f"{what} must not contain spaces or control characters."
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return f"{text!r} is not a valid URL."
    if not any(text.startswith(s + "://") for s in schemes):  # lower case, as claims require
        return f"{what} must start with {' or '.join(s + '://' for s in schemes)}."
    if not parts.hostname:
        return f"{what} needs a host name, as in {schemes[0]}://example.org/."
    if parts.username is not None or parts.password is not None:
        return f"{what} must not contain a user name or password."
    return None


def _web_url_problem(text: str) -> str | None:
    return _url_problem(text, ("https", "http"), "A web address")


def _wallet_address_problem(text: str) -> str | None:
    if isinstance(text, str) and text.startswith("$"):
        return f"write the payment pointer {text} as a wallet address: https://{text[1:]}"
    problem = _url_problem(text, ("https",), "An Open Payments wallet address")
    if problem:
        return problem
    parts = urlsplit(text)
    if parts.query or parts.fragment:
        return "An Open Payments wallet address has no '?' or '#' part."
    return None


def _payto_problem(text: str) -> str | None:
    """Why ``text`` is not an acceptable payto URI (RFC 8905), or None."""
    if not isinstance(text, str) or len(text) > 2048 or _CONTROL.search(text) or " " in text:
        return "A payto URI is one line without spaces, at most 2048 characters."
    if not text.lower().startswith("payto://"):
        return "A payto URI starts with payto:// followed by the payment type, e.g. payto://iban/…"
    parts = urlsplit(text)
    target = parts.netloc.lower()
    if not re.fullmatch(r"[a-z][a-z0-9.\-]*", target):
        return "The payment type after payto:// must be a plain name such as iban or ach."
    if target not in PAYTO_TARGET_TYPES:
        known = ", ".join(sorted(PAYTO_TARGET_TYPES))
        return f"Unknown payto payment type {target!r} (known: {known})."
    if parts.fragment:
        return "A payto URI has no '#' part."
    segments = parts.path.split("/")[1:] if parts.path else []
    if target != "void" and (not segments or any(not s for s in segments)):
        return f"A payto://{target}/ URI needs the account after the type, without empty parts."
    try:
        options = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        return "The options after '?' must be name=value pairs joined by '&'."
    names = [name for name, _ in options]
    if len(set(names)) != len(names):
        return "A payto option appears twice."
    for name, value in options:
        if name == "amount" and not _PAYTO_AMOUNT.fullmatch(value):
            return "The payto amount must look like EUR:12.50."
        if name not in _PAYTO_GENERIC_OPTIONS and not re.fullmatch(r"[a-z][a-z0-9\-]*", name):
            return f"Unknown payto option {name!r}."
    return _payto_target_problem(target, [s.upper() for s in segments])


def _payto_target_problem(target: str, segments: list[str]) -> str | None:
    if target == "iban":
        if len(segments) > 2:
            return "payto://iban/ takes an IBAN, optionally preceded by a BIC: /BIC/IBAN."
        if len(segments) == 2 and not _BIC.fullmatch(segments[0]):
            return f"{segments[0]!r} is not a valid BIC."
        if not _iban_ok(segments[-1]):
            return f"{segments[-1]!r} is not a valid IBAN (check the digits)."
    elif target == "bic":
        if len(segments) != 1 or not _BIC.fullmatch(segments[0]):
            return "payto://bic/ takes one valid BIC."
    elif target == "ach":
        if len(segments) != 2 or not re.fullmatch(r"[0-9]{9}", segments[0]):
            return "payto://ach/ takes a 9-digit routing number and an account number."
    elif target == "upi" and (len(segments) != 1 or "@" not in segments[0]):
        return "payto://upi/ takes one UPI ID such as name@bank."
    return None


def _iban_ok(iban: str) -> bool:
    if not _IBAN.fullmatch(iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


# --- strict JSON reading ---------------------------------------------------------------------


def _object(data: Any, where: str, allowed: set[str] | None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProfileError(where, "must be an object.")
    for key in data:
        if not isinstance(key, str):
            raise ProfileError(where, "has a key that is not text.")
        if allowed is not None and key not in allowed:
            raise ProfileError(f"{where}.{key}", "is not a known field.")
    return data


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(where, "must be text." if value is not None else "is missing.")
    return value


def _optional_string(value: Any, where: str) -> str | None:
    return None if value is None else _string(value, where)
