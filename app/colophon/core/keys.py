"""Ed25519 identity keys: generating them, naming them, writing and reading their public half.

A Colophon identity is one Ed25519 key pair (pyca/cryptography). Two names are derived from the
public key, both documented for verifiers in ``resources/spec/keys.md``:

* **Key id** — the securesystemslib default key id, so that independent DSSE verifiers find the
  key: the lowercase hex SHA-256 of the OLPC-canonical JSON of
  ``{"keytype": "ed25519", "keyval": {"public": <64 hex>}, "scheme": "ed25519"}``
  (keys sorted, no whitespace). It names the key inside signatures and in the keyring.
* **Fingerprint** — the short form a person reads aloud to compare keys out of band: the first
  20 bytes of SHA-256 over the 32 raw public-key bytes, in RFC 4648 base32 (``A–Z`` and ``2–7``:
  no ``0``, ``1`` or ``8`` that could be mistaken for ``O``, ``I`` or ``B``), no padding, in eight
  groups of four characters separated by spaces, e.g. ``MZXW 6YTB OJUW U23M ...``. 160 bits is
  far beyond what a forger could match by grinding keys.

This module never touches private-key storage; see `colophon.core.keystore` and
`colophon.core.backup`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import UsageError

__all__ = [
    "FINGERPRINT_BYTES",
    "KeyFormatError",
    "UnsupportedKeyType",
    "fingerprint",
    "fingerprints_match",
    "generate",
    "key_id",
    "load_public",
    "normalize_fingerprint",
    "public_hex",
    "public_pem",
    "public_raw",
    "public_ssh_line",
    "sslib_key",
]

#: how many bytes of SHA-256 the fingerprint keeps (160 bits, 32 base32 characters)
FINGERPRINT_BYTES = 20
_FINGERPRINT_CHARS = 32  # 20 bytes in base32 fill exactly 32 characters, no padding needed
_GROUP = 4

# Anything longer than this is not a public key, whatever it claims to be.
_MAX_PUBLIC_INPUT = 16 * 1024

_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")
_B64_KEY = re.compile(r"[A-Za-z0-9+/]{43}=")


class KeyFormatError(UsageError):
    """The text or bytes given as a public key are not a key Colophon can read."""


class UnsupportedKeyType(KeyFormatError):
    """The input is a well-formed key, but not an Ed25519 one."""


def generate() -> Ed25519PrivateKey:
    """Create a new random Ed25519 private key (from the operating system's CSPRNG)."""
    return Ed25519PrivateKey.generate()


def public_raw(public_key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of the public key (RFC 8032 encoding)."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_hex(public_key: Ed25519PublicKey) -> str:
    """The raw public key as 64 lowercase hex characters (securesystemslib's ``keyval.public``)."""
    return public_raw(public_key).hex()


def sslib_key(public_key: Ed25519PublicKey) -> dict[str, object]:
    """The key as securesystemslib describes it (without key id), e.g. for identity cards."""
    return {
        "keytype": "ed25519",
        "scheme": "ed25519",
        "keyval": {"public": public_hex(public_key)},
    }


def key_id(public_key: Ed25519PublicKey) -> str:
    """The securesystemslib default key id: SHA-256 hex of the canonical JSON key description.

    For this fixed shape (ASCII keys and values, no numbers) OLPC canonical JSON is exactly
    ``json.dumps`` with sorted keys and no whitespace.
    """
    canonical = json.dumps(sslib_key(public_key), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """The short fingerprint people compare aloud, e.g. ``ABCD EFGH ... WXYZ`` (8 groups of 4)."""
    digest = hashlib.sha256(public_raw(public_key)).digest()[:FINGERPRINT_BYTES]
    text = base64.b32encode(digest).decode("ascii")
    return _group(text)


def normalize_fingerprint(text: str) -> str:
    """Read a fingerprint typed or pasted by a person into its canonical grouped form.

    Case, spaces and dashes are ignored. Raises `UsageError` if what remains is not a
    complete fingerprint.
    """
    compact = re.sub(r"[\s\-]", "", text).upper()
    if len(compact) != _FINGERPRINT_CHARS or not re.fullmatch(r"[A-Z2-7]+", compact):
        raise UsageError(
            "A fingerprint is 32 letters and digits (A–Z, 2–7), usually written in 8 groups of 4."
        )
    return _group(compact)


def fingerprints_match(a: str, b: str) -> bool:
    """Whether two fingerprints, as typed or displayed, name the same key."""
    return normalize_fingerprint(a) == normalize_fingerprint(b)


def public_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as a PEM ``PUBLIC KEY`` block (SubjectPublicKeyInfo, RFC 8410)."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_ssh_line(public_key: Ed25519PublicKey, comment: str = "") -> str:
    """The public key as one OpenSSH line, ``ssh-ed25519 AAAA... comment``.

    Line breaks and surrounding blanks in the comment are folded so the result stays one line.
    """
    line = public_key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode("ascii")
    comment = " ".join(comment.split())
    return f"{line} {comment}" if comment else line


def load_public(data: str | bytes) -> Ed25519PublicKey:
    """Read an Ed25519 public key from any of the forms Colophon writes or accepts.

    Accepted: a PEM ``PUBLIC KEY`` block; an OpenSSH ``ssh-ed25519`` line (comment optional);
    64 hexadecimal characters; 44 characters of base64; or exactly 32 raw bytes. Anything else,
    including keys of other types and private keys pasted by mistake, is refused with a
    `KeyFormatError` saying why.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) == 32:
            return _from_raw(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _unreadable() from exc
    elif isinstance(data, str):
        text = data
    else:
        raise TypeError(f"expected str or bytes, not {type(data).__name__}")
    if len(text) > _MAX_PUBLIC_INPUT:
        raise _unreadable()
    text = text.strip().lstrip("\ufeff")

    if "PRIVATE KEY" in text:
        raise KeyFormatError(
            "This is a private key; give the public key instead, and keep the private one secret."
        )
    if text.startswith("-----BEGIN"):
        return _load_pem(text)
    if text.startswith(("ssh-", "ecdsa-", "sk-")):
        return _load_ssh(text)
    if _HEX_KEY.fullmatch(text):
        return _from_raw(bytes.fromhex(text))
    if _B64_KEY.fullmatch(text):
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise _unreadable() from exc
        return _from_raw(raw)
    raise _unreadable()


def _from_raw(raw: bytes) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise KeyFormatError("These 32 bytes are not a valid Ed25519 public key.") from exc


def _load_pem(text: str) -> Ed25519PublicKey:
    if not text.startswith("-----BEGIN PUBLIC KEY-----"):
        kind = text.splitlines()[0].strip("- ").removeprefix("BEGIN ")
        raise KeyFormatError(f"A PEM '{kind}' block is not a public key Colophon can use.")
    try:
        key = serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError) as exc:
        raise KeyFormatError("The PEM public key is damaged or of an unknown kind.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise UnsupportedKeyType(
            f"This is {_describe(key)} public key; Colophon identities are Ed25519 keys only."
        )
    return key


def _load_ssh(text: str) -> Ed25519PublicKey:
    if "\n" in text:
        raise KeyFormatError("Give one OpenSSH public key line, not several.")
    key_type = text.split(maxsplit=1)[0]
    if key_type != "ssh-ed25519":
        raise UnsupportedKeyType(
            f"This is an OpenSSH '{key_type}' key; Colophon identities are Ed25519 keys only "
            "(lines starting with 'ssh-ed25519')."
        )
    try:
        key = serialization.load_ssh_public_key(text.encode("ascii"))
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError) as exc:
        raise KeyFormatError("The OpenSSH public key line is damaged.") from exc
    if not isinstance(key, Ed25519PublicKey):  # pragma: no cover - guarded by the type check
        raise UnsupportedKeyType("Colophon identities are Ed25519 keys only.")
    return key


def _describe(key: object) -> str:
    name = type(key).__name__.removeprefix("_").replace("PublicKey", "")
    return f"an {name}" if name[:1] in "AEIOU" else f"a {name}"


def _unreadable() -> KeyFormatError:
    return KeyFormatError(
        "Not an Ed25519 public key: expected a PEM public key, an OpenSSH 'ssh-ed25519' line, "
        "or 64 hexadecimal characters."
    )


def _group(text: str) -> str:
    return " ".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))
