"""Passphrase-protected private-key files: backups, and the key file used where no keyring exists.

Format (decided here, documented for users in ``resources/spec/keys.md``): an **encrypted PKCS#8
PEM file** (``-----BEGIN ENCRYPTED PRIVATE KEY-----``, RFC 5958) using PBES2 (RFC 8018) with the
**scrypt** KDF (RFC 7914; N=2^14, r=8, p=5, 16-byte salt) and AES-256-CBC. OpenSSL opens it
(``openssl pkey -in FILE``), so nobody depends on Colophon to recover their key.

Why not the OpenSSH format with its bcrypt KDF: pyca/cryptography can only write it with the extra
``bcrypt`` package. Why not cryptography's own ``BestAvailableEncryption`` for PKCS#8: it uses
PBKDF2 with 2,048 iterations, far too cheap for a file that may sit in a cloud folder. So this
module builds the small PBES2 header itself with scrypt parameters inside OpenSSL's default
32 MiB memory limit, and lets cryptography do all the reading and the cryptography.

Passphrases are Unicode-normalized (NFC) and encoded as UTF-8, so the same words typed on any
system open the file. Policy for new passphrases is `check_new_passphrase`.

Reading (`read_backup`) also accepts OpenSSH private keys (Ed25519 only; encrypted ones need the
``bcrypt`` package). An unencrypted file is never written; reading one is refused unless the
caller passes ``allow_unencrypted=True`` after telling the person the file was unprotected
(`inspect_backup` says so without asking for a passphrase).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from . import keys
from .errors import ColophonError, EnvironmentProblem, NotFoundError, UsageError
from .fsutil import atomic_write

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "BackupInfo",
    "BackupMismatch",
    "NotAKeyFile",
    "UnencryptedBackup",
    "WeakPassphrase",
    "WrongPassphrase",
    "check_new_passphrase",
    "decrypt_private_key",
    "encrypt_private_key",
    "inspect_backup",
    "read_backup",
    "write_backup",
]

MIN_PASSPHRASE_LENGTH = 10

# scrypt cost: OWASP's "N=2^14, r=8, p=5" setting; 16 MiB of memory keeps it openable by OpenSSL.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 5
_SALT_BYTES = 16
_MAX_FILE = 64 * 1024  # a key file is a few hundred bytes

_PEM_ENCRYPTED = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_PEM_PLAIN = b"-----BEGIN PRIVATE KEY-----"
_OPENSSH = b"-----BEGIN OPENSSH PRIVATE KEY-----"

# The most common passwords (lowercase). Matched whole, and with digits or symbols stripped from
# the end, so "password2024!" is caught too. Short on purpose: length rules do most of the work.
_COMMON_WORDS = """
    123456 12345678 123456789 1234567890 password password1 passw0rd p@ssw0rd p@ssword qwerty
    qwertyuiop qwerty123 qwertz azerty asdfghjkl zxcvbnm qazwsx qazwsxedc 1qaz2wsx zaq12wsx
    1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y abc123 abcd1234 iloveyou letmein welcome admin administrator
    monkey dragon football baseball soccer hockey sunshine princess master shadow superman batman
    trustno1 starwars whatever freedom computer internet secret changeme default login hello
    michael jennifer jordan charlie thomas ashley daniel mustang access flower passport
    colophon mypassword mypassphrase passphrase correcthorsebatterystaple
"""
COMMON_PASSWORDS = frozenset(_COMMON_WORDS.split())

# Object identifiers of the container (RFC 8018, RFC 7914, NIST AES).
_OID_PBES2 = "1.2.840.113549.1.5.13"
_OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"
_OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"


class WrongPassphrase(ColophonError):
    """The passphrase does not open the key file; nothing was changed."""

    exit_code = 3


class WeakPassphrase(UsageError):
    """A new passphrase is too easy to guess; the message says why."""


class NotAKeyFile(UsageError):
    """The file is not a private-key file Colophon can read."""


class UnencryptedBackup(UsageError):
    """The key file is not protected by a passphrase and the caller did not accept that."""


class BackupMismatch(ColophonError):
    """The key in the file is not the one the person expected (fingerprints differ)."""


@dataclass(frozen=True)
class BackupInfo:
    """What a key file is, learned without its passphrase."""

    format: str  # "pkcs8" or "openssh"
    encrypted: bool


# --- passphrase policy ---------------------------------------------------------------------------


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a new passphrase that is easy to guess, with the reason in the message.

    Rules, kept simple so they can be explained: not empty; at least 10 characters; more than one
    repeated character and at least 4 different ones; not a straight run like ``abcdefghij`` or
    ``9876543210``; not one of the most common passwords, even with digits or symbols added at the
    end. Long passphrases of several ordinary words pass.
    """
    text = unicodedata.normalize("NFC", passphrase)
    if not text.strip():
        raise WeakPassphrase("The passphrase is empty.")
    if len(text) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(
            f"The passphrase is shorter than {MIN_PASSPHRASE_LENGTH} characters; "
            "a few ordinary words make a strong one."
        )
    if len(set(text)) == 1:
        raise WeakPassphrase("The passphrase is one character repeated.")
    if len(set(text)) < 4:
        raise WeakPassphrase("The passphrase uses fewer than 4 different characters.")
    if _is_straight_run(text.lower()):
        raise WeakPassphrase("The passphrase is a simple sequence of characters.")
    compact = "".join(text.lower().split())
    stem = compact.rstrip("0123456789!@#$%^&*()-_=+.?,;:~")
    if compact in COMMON_PASSWORDS or stem in COMMON_PASSWORDS:
        raise WeakPassphrase("The passphrase is one of the most common passwords.")


def _is_straight_run(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


def _passphrase_bytes(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


# --- the container ---------------------------------------------------------------------------


def encrypt_private_key(private_key: Ed25519PrivateKey, passphrase: str) -> bytes:
    """The key as encrypted PKCS#8 PEM (PBES2, scrypt, AES-256-CBC); checked to open again."""
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("only Ed25519 private keys are written")
    salt = os.urandom(_SALT_BYTES)
    iv = os.urandom(16)
    secret = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        _passphrase_bytes(passphrase)
    )
    plain = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padded) + encryptor.finalize()
    del plain, padded, secret

    kdf = _seq(
        _oid(_OID_SCRYPT),
        _seq(_octets(salt), _int(SCRYPT_N), _int(SCRYPT_R), _int(SCRYPT_P)),
    )
    scheme = _seq(_oid(_OID_AES256_CBC), _octets(iv))
    algorithm = _seq(_oid(_OID_PBES2), _seq(kdf, scheme))
    der = _seq(algorithm, _octets(sealed))
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem = "\n".join(
        ["-----BEGIN ENCRYPTED PRIVATE KEY-----", *lines, "-----END ENCRYPTED PRIVATE KEY-----", ""]
    ).encode("ascii")

    # Never hand out a container that does not open: decrypt it once with an independent reader.
    again = decrypt_private_key(pem, passphrase)
    if keys.public_raw(again.public_key()) != keys.public_raw(private_key.public_key()):
        raise AssertionError("encrypted key did not round-trip")  # pragma: no cover
    return pem


def decrypt_private_key(
    data: bytes, passphrase: str | None, *, allow_unencrypted: bool = False
) -> Ed25519PrivateKey:
    """Open a PKCS#8 PEM or OpenSSH private key held in memory; see `read_backup` for errors."""
    info = _identify(data)
    if not info.encrypted and not allow_unencrypted:
        raise UnencryptedBackup(
            "This key file is not protected by a passphrase; Colophon reads it only when you "
            "confirm, and you should make a new, encrypted backup afterwards."
        )
    if info.format == "pkcs8" and info.encrypted:
        _check_pkcs8_header(data)
    password = _passphrase_bytes(passphrase) if info.encrypted and passphrase is not None else None
    if info.encrypted and not password:
        raise WrongPassphrase("This key file is protected by a passphrase; please enter it.")
    try:
        if info.format == "pkcs8":
            key = serialization.load_pem_private_key(data, password)
        else:
            key = serialization.load_ssh_private_key(data, password)
    except UnsupportedAlgorithm as exc:
        if info.format == "openssh":
            raise EnvironmentProblem(
                "This OpenSSH key file is encrypted with bcrypt, which needs the 'bcrypt' Python "
                "package; install it, or convert the key with a tool that can.",
                details=str(exc),
            ) from exc
        raise NotAKeyFile(
            "The key file uses an encryption Colophon cannot read.", details=str(exc)
        ) from exc
    except ValueError as exc:
        if info.encrypted and (info.format == "pkcs8" or "checksum" in str(exc).lower()):
            # The header was checked above, so what fails is the decryption itself. CBC has no
            # integrity tag: a wrong passphrase and damaged ciphertext look alike, and about one
            # wrong passphrase in 300 decrypts to garbage rather than to bad padding.
            raise WrongPassphrase(
                "The passphrase does not open this key file; nothing was changed.",
                details=str(exc),
            ) from exc
        raise NotAKeyFile("The key file is damaged and cannot be read.", details=str(exc)) from exc
    except TypeError as exc:  # e.g. encryption state not what the header said
        raise NotAKeyFile("The key file is damaged and cannot be read.", details=str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise keys.UnsupportedKeyType(
            "The key file holds a key of another type; Colophon identities are Ed25519 keys only."
        )
    return key


def _identify(data: bytes) -> BackupInfo:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(_PEM_ENCRYPTED):
        return BackupInfo("pkcs8", True)
    if head.startswith(_PEM_PLAIN):
        return BackupInfo("pkcs8", False)
    if head.startswith(_OPENSSH):
        return BackupInfo("openssh", _openssh_encrypted(head))
    if b"PUBLIC KEY" in head[:80] or head.startswith((b"ssh-", b"ecdsa-")):
        raise NotAKeyFile("This file holds a public key, not a private key.")
    raise NotAKeyFile(
        "This is not a private-key file (expected an 'ENCRYPTED PRIVATE KEY' PEM file as written "
        "by Colophon or OpenSSL, or an OpenSSH private key)."
    )


def _openssh_encrypted(pem: bytes) -> bool:
    # openssh-key-v1 blob: magic, then the cipher name as a length-prefixed string ("none" or not).
    lines = pem.decode("ascii", "replace").strip().splitlines()
    body = "".join(line.strip() for line in lines[1:] if not line.startswith("-----"))
    try:
        blob = base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise NotAKeyFile("The OpenSSH key file is damaged and cannot be read.") from exc
    magic = b"openssh-key-v1\x00"
    if not blob.startswith(magic) or len(blob) < len(magic) + 4:
        raise NotAKeyFile("The OpenSSH key file is damaged and cannot be read.")
    size = int.from_bytes(blob[len(magic) : len(magic) + 4], "big")
    cipher = blob[len(magic) + 4 : len(magic) + 4 + size]
    return cipher != b"none"


# --- files -------------------------------------------------------------------------------------


def write_backup(
    private_key: Ed25519PrivateKey,
    path: str | os.PathLike[str],
    passphrase: str,
    *,
    overwrite: bool = False,
) -> None:
    """Write an encrypted backup of ``private_key`` to ``path`` (mode 0600, atomically).

    The passphrase must pass `check_new_passphrase`. An existing file is replaced only with
    ``overwrite=True``, so a backup of another key is never lost by accident.
    """
    target = Path(path)
    check_new_passphrase(passphrase)
    if target.exists() and not overwrite:
        raise UsageError(f"{target} already exists; choose another name or confirm replacing it.")
    if target.is_dir():
        raise UsageError(f"{target} is a folder; choose a file name for the backup.")
    atomic_write(target, encrypt_private_key(private_key, passphrase), mode=0o600)


def inspect_backup(path: str | os.PathLike[str]) -> BackupInfo:
    """Tell the format of a key file and whether it is encrypted, without its passphrase."""
    return _identify(_read_small(Path(path)))


def read_backup(
    path: str | os.PathLike[str],
    passphrase: str | None,
    *,
    allow_unencrypted: bool = False,
    expected_fingerprint: str | None = None,
) -> Ed25519PrivateKey:
    """Restore the private key from a backup or key file.

    Raises `WrongPassphrase`, `NotAKeyFile`, `keys.UnsupportedKeyType` (not Ed25519),
    `UnencryptedBackup` (unless ``allow_unencrypted``), `NotFoundError`, and `BackupMismatch`
    when ``expected_fingerprint`` is given and the key in the file has another one.
    """
    key = decrypt_private_key(
        _read_small(Path(path)), passphrase, allow_unencrypted=allow_unencrypted
    )
    if expected_fingerprint is not None:
        found = keys.fingerprint(key.public_key())
        if not keys.fingerprints_match(found, expected_fingerprint):
            raise BackupMismatch(
                f"The key in this file has fingerprint {found}, not the expected "
                f"{keys.normalize_fingerprint(expected_fingerprint)}."
            )
    return key


def _read_small(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_FILE + 1)
    except FileNotFoundError as exc:
        raise NotFoundError(f"There is no file {path}.") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{path} is a folder, not a key file.") from exc
    except OSError as exc:
        raise EnvironmentProblem(f"Could not read {path}: {exc.strerror or exc}.") from exc
    if len(data) > _MAX_FILE:
        raise NotAKeyFile(f"{path} is far too large to be a private-key file.")
    return data


# --- the PBES2 header: checked before any key derivation ---------------------------------------

# A hostile file could ask for a key derivation that takes gigabytes or minutes. Colophon's own
# files use 16 MiB and a fraction of a second; these limits leave ample room for files from
# OpenSSL (which itself refuses scrypt above 32 MiB) and other tools.
_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
_MAX_SCRYPT_WORK = 2**32  # 128 * N * r * p
_MAX_PBKDF2_ITERATIONS = 10_000_000
_OID_PBKDF2 = "1.2.840.113549.1.5.12"


def _check_pkcs8_header(pem: bytes) -> None:
    """Check the EncryptedPrivateKeyInfo structure and refuse unreasonable KDF costs."""
    damaged = NotAKeyFile("The key file is damaged and cannot be read.")
    try:
        text = pem.decode("ascii").strip().lstrip("\ufeff")
        lines = text.splitlines()
        if not lines[-1].startswith("-----END ENCRYPTED PRIVATE KEY-----"):
            raise damaged
        der = base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
        top = _children(der, 0x30)
        algorithm, _sealed = top[0], top[1]
        algorithm_parts = _children(algorithm, 0x30)
        if algorithm_parts[0] != _oid(_OID_PBES2)[2:]:
            return  # older schemes (PBES1) have fixed small costs; cryptography decides
        kdf, _scheme = _children(algorithm_parts[1], 0x30)
        kdf_oid, kdf_params = _children(kdf, 0x30)
        params = _children(kdf_params, 0x30)
        too_costly = False
        if kdf_oid == _oid(_OID_SCRYPT)[2:]:
            n, r, p = (int.from_bytes(params[i], "big") for i in (1, 2, 3))
            too_costly = 128 * r * n > _MAX_SCRYPT_MEMORY or 128 * n * r * p > _MAX_SCRYPT_WORK
        elif kdf_oid == _oid(_OID_PBKDF2)[2:]:
            too_costly = int.from_bytes(params[1], "big") > _MAX_PBKDF2_ITERATIONS
        if too_costly:
            raise NotAKeyFile(
                "The key file asks for an unreasonably costly key derivation; it was not opened."
            )
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise damaged from exc


def _children(der: bytes, tag: int) -> list[bytes]:
    """The contents of the elements inside one DER element of type ``tag`` (whole input)."""
    found_tag, content, end = _read_tlv(der, 0)
    if found_tag != tag or end != len(der):
        raise ValueError("unexpected DER structure")
    items: list[bytes] = []
    pos = 0
    while pos < len(content):
        item_tag, item, pos = _read_tlv(content, pos)
        # constructed children are returned whole so they can be parsed in turn
        items.append(_tlv(item_tag, item) if item_tag & 0x20 else item)
    return items


def _read_tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    tag = data[pos]
    size = data[pos + 1]
    pos += 2
    if size & 0x80:
        count = size & 0x7F
        if count == 0 or count > 4:
            raise ValueError("unsupported DER length")
        size = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + size > len(data):
        raise ValueError("truncated DER")
    return tag, data[pos : pos + size], pos + size


# --- minimal DER writer (only what the PBES2 header needs) ------------------------------------


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(part) for part in dotted.split("."))
    out = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return _tlv(0x06, bytes(out))
