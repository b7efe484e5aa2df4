"""Passphrase-protected private-key files: backups, and the key file used where no keyring exists.

Format (documented for users in ``resources/spec/keys.md``): the **OpenSSH private-key format**
(``-----BEGIN OPENSSH PRIVATE KEY-----``, "openssh-key-v1") encrypted with AES-256-CTR under a key
derived by **bcrypt_pbkdf** with `KDF_ROUNDS` rounds and a random 16-byte salt. It is written by
pyca/cryptography (which needs the ``bcrypt`` package for this KDF) and opened by the standard
tool everybody has, ``ssh-keygen -y -f FILE``, so nobody depends on Colophon to recover their key.

Cost: `KDF_ROUNDS` = 64, four times ssh-keygen's default of 16. On a modest two-core machine one
derivation takes about 0.45 s, which a person waits once per signature with a key file, and which
makes guessing a passphrase from a stolen file four times slower than for a default ssh-keygen key.

Passphrases are Unicode-normalized (NFC) and encoded as UTF-8, so the same words typed on any
system open the file. Policy for new passphrases is `check_new_passphrase`.

Reading (`read_backup`) accepts, besides Colophon's own files, OpenSSH Ed25519 keys made by
``ssh-keygen`` and encrypted PKCS#8 PEM files (``-----BEGIN ENCRYPTED PRIVATE KEY-----``) as made
by OpenSSL, e.g. by earlier Colophon versions or ``openssl pkcs8 -topk8``. Before any key
derivation, the cost a file asks for is checked against fixed limits, so a hostile file cannot
make Colophon work for hours or exhaust memory; and an OpenSSH file's key is checked against the
public key it states, since the cipher itself would let a damaged byte turn into another key. An
unencrypted file is never written; reading one is refused unless the caller passes
``allow_unencrypted=True`` after telling the person the file was unprotected (`inspect_backup`
says so without asking for a passphrase).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from cryptography.exceptions import InternalError, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import keys
from .errors import ColophonError, EnvironmentProblem, NotFoundError, UsageError
from .fsutil import atomic_write, require_folder

__all__ = [
    "KDF_ROUNDS",
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

#: bcrypt_pbkdf rounds for the files Colophon writes (ssh-keygen's ``-a``; its default is 16)
KDF_ROUNDS = 64

_MAX_FILE = 64 * 1024  # a key file is a few hundred bytes

_PEM_ENCRYPTED = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_PEM_PLAIN = b"-----BEGIN PRIVATE KEY-----"
_OPENSSH = b"-----BEGIN OPENSSH PRIVATE KEY-----"
_OPENSSH_MAGIC = b"openssh-key-v1\x00"

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


class WrongPassphrase(ColophonError):
    """The passphrase does not open the key file; nothing was changed.

    Exit code 3 (``exitcodes.WRONG_PASSPHRASE``), so scripts can tell it from other failures.
    """

    exit_code = 3


class WeakPassphrase(UsageError):
    """A new passphrase is too easy to guess; the message says why."""


class NotAKeyFile(UsageError):
    """The file is not a private-key file Colophon can read."""


class UnencryptedBackup(UsageError):
    """The key file is not protected by a passphrase and the caller did not accept that."""


class BackupMismatch(ColophonError):
    """The key in the file is not the one the person expected (fingerprints differ)."""

    exit_code = 11  # as for `contacts add --fingerprint`: another key than the one given


@dataclass(frozen=True)
class BackupInfo:
    """What a key file is, learned without its passphrase."""

    format: str  # "openssh" or "pkcs8"
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
    """The key as an encrypted OpenSSH private key (bcrypt KDF, AES-256-CTR); checked to open.

    The caller checks the passphrase's strength (`check_new_passphrase`); this only refuses an
    empty one, since an empty passphrase would mean an unencrypted file.
    """
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("only Ed25519 private keys are written")
    password = _passphrase_bytes(passphrase)
    if not password:
        raise WeakPassphrase("The passphrase is empty.")
    try:
        encryption = (
            serialization.PrivateFormat.OpenSSH.encryption_builder()
            .kdf_rounds(KDF_ROUNDS)
            .build(password)
        )
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, encryption
        )
    except UnsupportedAlgorithm as exc:
        raise _bcrypt_missing(exc) from exc
    # Never hand out a container that does not open: read it back as any other file is read.
    again = decrypt_private_key(pem, passphrase)
    if keys.public_raw(again.public_key()) != keys.public_raw(private_key.public_key()):
        raise AssertionError("encrypted key did not round-trip")  # pragma: no cover
    return pem


def decrypt_private_key(
    data: bytes, passphrase: str | None, *, allow_unencrypted: bool = False, what: str = "key file"
) -> Ed25519PrivateKey:
    """Open an OpenSSH or PKCS#8 PEM private key held in memory; see `read_backup` for errors.

    ``what`` the file is to the person, in the messages about its passphrase ("backup").
    """
    info = _identify(data)
    if not info.encrypted and not allow_unencrypted:
        raise UnencryptedBackup(
            f"This {what} is not protected by a passphrase; Colophon reads it only when you "
            "confirm, and you should make a new, encrypted backup afterwards."
        )
    if info.encrypted:
        if info.format == "pkcs8":
            _check_pkcs8_cost(data)
        else:
            _check_openssh_cost(data)
    password = _passphrase_bytes(passphrase) if info.encrypted and passphrase is not None else None
    if info.encrypted and not password:
        raise WrongPassphrase(f"This {what} is protected by a passphrase; please enter it.")
    try:
        if info.format == "pkcs8":
            key = serialization.load_pem_private_key(data, password)
        else:
            key = serialization.load_ssh_private_key(data, password)
    except UnsupportedAlgorithm as exc:
        if info.format == "openssh" and "bcrypt" in str(exc):
            raise _bcrypt_missing(exc) from exc
        raise NotAKeyFile(
            "The key file uses an encryption Colophon cannot read.", details=str(exc)
        ) from exc
    except ValueError as exc:
        text = str(exc).lower()
        if info.encrypted and (info.format == "pkcs8" or "checksum" in text):
            # OpenSSH files carry a check number that only the right passphrase decrypts. PKCS#8
            # with CBC has no integrity tag: its header was checked above, so what fails is the
            # decryption, and a wrong passphrase and damaged ciphertext look alike there.
            raise WrongPassphrase(
                f"The passphrase does not open this {what}; nothing was changed.",
                details=str(exc),
            ) from exc
        raise NotAKeyFile("The key file is damaged and cannot be read.", details=str(exc)) from exc
    except (TypeError, InternalError) as exc:  # encryption not what the header said; bad KDF
        raise NotAKeyFile("The key file is damaged and cannot be read.", details=str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise keys.UnsupportedKeyType(
            "The key file holds a key of another type; Colophon identities are Ed25519 keys only."
        )
    if info.format == "openssh":
        _check_stated_public_key(data, key)
    return key


def _bcrypt_missing(exc: BaseException) -> EnvironmentProblem:
    return EnvironmentProblem(
        "Encrypted OpenSSH key files need the 'bcrypt' Python package, which is missing; "
        "reinstall Colophon with its dependencies.",
        details=str(exc),
    )


def _identify(data: bytes) -> BackupInfo:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(_OPENSSH):
        return BackupInfo("openssh", _openssh_header(head).cipher != "none")
    if head.startswith(_PEM_ENCRYPTED):
        return BackupInfo("pkcs8", True)
    if head.startswith(_PEM_PLAIN):
        return BackupInfo("pkcs8", False)
    if b"PUBLIC KEY" in head[:80] or head.startswith((b"ssh-", b"ecdsa-")):
        raise NotAKeyFile("This file holds a public key, not a private key.")
    raise NotAKeyFile(
        "This is not a private-key file (expected an 'OPENSSH PRIVATE KEY' file as written by "
        "Colophon or ssh-keygen, or an 'ENCRYPTED PRIVATE KEY' PEM file as written by OpenSSL)."
    )


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
    if target.is_dir():
        raise UsageError(f"{target} is a folder; choose a file name for the backup.")
    if target.exists() and not overwrite:
        raise UsageError(f"{target} already exists; choose another name or confirm replacing it.")
    require_folder(target)
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
    what: str = "key file",
) -> Ed25519PrivateKey:
    """Restore the private key from a backup or key file (``what``, for messages).

    Raises `WrongPassphrase`, `NotAKeyFile` (also for a file asking for an unreasonably costly
    key derivation), `keys.UnsupportedKeyType` (not Ed25519), `UnencryptedBackup` (unless
    ``allow_unencrypted``), `NotFoundError`, and `BackupMismatch` when ``expected_fingerprint`` is
    given and the key in the file has another one.
    """
    key = decrypt_private_key(
        _read_small(Path(path)), passphrase, allow_unencrypted=allow_unencrypted, what=what
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


# --- key-derivation cost, checked before any derivation ----------------------------------------

# A hostile file could ask for a key derivation that takes hours or gigabytes. Colophon's own files
# take well under a second; these limits (each a few seconds of work here) leave ample room for
# files from ssh-keygen (``-a`` up to 1000) and OpenSSL (which itself refuses scrypt above 32 MiB).
MAX_BCRYPT_ROUNDS = 1000
_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
_MAX_SCRYPT_WORK = 2**32  # 128 * N * r * p
_MAX_PBKDF2_ITERATIONS = 10_000_000

_TOO_COSTLY = "The key file asks for an unreasonably costly key derivation; it was not opened."


def _damaged() -> NotAKeyFile:
    return NotAKeyFile("The key file is damaged and cannot be read.")


def _pem_blob(pem: bytes, label: str) -> bytes:
    """The base64-decoded body of the one PEM block ``label`` that ``pem`` holds."""
    try:
        lines = pem.decode("ascii").strip().lstrip("\ufeff").splitlines()
    except UnicodeDecodeError as exc:
        raise _damaged() from exc
    if len(lines) < 3 or lines[-1].strip() != f"-----END {label}-----":
        raise _damaged()
    try:
        return base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _damaged() from exc


class _OpenSSHHeader(NamedTuple):
    """The unencrypted start of an openssh-key-v1 file."""

    cipher: str
    kdf: str
    rounds: int  # bcrypt rounds, 0 without a KDF
    public: bytes  # the first public key, in SSH wire format


def _openssh_header(pem: bytes) -> _OpenSSHHeader:
    """Read the header of an openssh-key-v1 file (PROTOCOL.key in the OpenSSH sources).

    After a magic string come length-prefixed strings (RFC 4251 wire format): cipher name, KDF
    name, KDF options (for bcrypt: salt, then rounds as a 32-bit integer), then the number of
    keys as a 32-bit integer and the first public key.
    """
    blob = _pem_blob(pem.lstrip(b"\xef\xbb\xbf \t\r\n"), "OPENSSH PRIVATE KEY")
    if not blob.startswith(_OPENSSH_MAGIC):
        raise _damaged()
    pos = len(_OPENSSH_MAGIC)
    fields: list[bytes] = []
    for index in range(4):
        if index == 3:
            pos += 4  # the number of keys
        if pos + 4 > len(blob):
            raise _damaged()
        size = int.from_bytes(blob[pos : pos + 4], "big")
        pos += 4
        if pos + size > len(blob):
            raise _damaged()
        fields.append(blob[pos : pos + size])
        pos += size
    try:
        cipher, kdf = fields[0].decode("ascii"), fields[1].decode("ascii")
    except UnicodeDecodeError as exc:
        raise _damaged() from exc
    rounds = 0
    if kdf == "bcrypt":
        options = fields[2]
        salt_size = int.from_bytes(options[:4], "big") if len(options) >= 4 else -1
        if salt_size < 0 or len(options) != 4 + salt_size + 4:
            raise _damaged()
        rounds = int.from_bytes(options[4 + salt_size :], "big")
    return _OpenSSHHeader(cipher, kdf, rounds, fields[3])


def _check_openssh_cost(pem: bytes) -> None:
    header = _openssh_header(pem)
    if header.kdf == "bcrypt" and header.rounds > MAX_BCRYPT_ROUNDS:
        raise NotAKeyFile(_TOO_COSTLY, details=f"bcrypt rounds {header.rounds}")


def _check_stated_public_key(pem: bytes, private_key: Ed25519PrivateKey) -> None:
    """Refuse a file whose private key does not give the public key it states.

    The encryption has no integrity check of its own: a damaged byte in the secret part would
    otherwise yield another key, without any error, from a backup that looks fine.
    """
    public = private_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    stated = base64.b64encode(_openssh_header(pem).public)
    if public.split()[1] != stated:
        raise NotAKeyFile(
            "The key file is damaged: its private key does not match the public key it states."
        )


def _check_pkcs8_cost(pem: bytes) -> None:
    """Check the EncryptedPrivateKeyInfo header (RFC 5958, RFC 8018, RFC 7914) and its costs."""
    der = _pem_blob(pem.lstrip(b"\xef\xbb\xbf \t\r\n"), "ENCRYPTED PRIVATE KEY")
    if _asn1 is None:  # pragma: no cover - cryptography < 47 cannot parse the header for us
        return
    try:
        info = _asn1.decode_der(_EncryptedPrivateKeyInfo, der)
        scheme = info.algorithm.algorithm.dotted_string
        if scheme != _OID_PBES2:
            # PBES1 / PKCS#12 schemes: SEQUENCE { salt, iterations }
            iterations = info.algorithm.parameters.parse(_PBEParameter).iterations
            if iterations > _MAX_PBKDF2_ITERATIONS:
                raise NotAKeyFile(_TOO_COSTLY, details=f"iterations {iterations}")
            return
        params = info.algorithm.parameters.parse(_PBES2Params)
        kdf = params.kdf.algorithm.dotted_string
        if kdf == _OID_SCRYPT:
            s = params.kdf.parameters.parse(_ScryptParams)
            n, r, p = s.cost, s.block_size, s.parallelization
            if n < 2 or n & (n - 1) or r < 1 or p < 1:
                raise _damaged()  # scrypt's cost is a power of two; OpenSSL fails obscurely
            if 128 * r * n > _MAX_SCRYPT_MEMORY or 128 * n * r * p > _MAX_SCRYPT_WORK:
                raise NotAKeyFile(_TOO_COSTLY, details=f"scrypt N={n} r={r} p={p}")
        elif kdf == _OID_PBKDF2:
            iterations = params.kdf.parameters.parse(_PBKDF2Params).iterations
            if iterations > _MAX_PBKDF2_ITERATIONS:
                raise NotAKeyFile(_TOO_COSTLY, details=f"PBKDF2 iterations {iterations}")
    except ValueError as exc:  # not the structure the RFCs define
        raise _damaged() from exc


# The header's ASN.1 structures, decoded by cryptography's declarative DER reader (cryptography
# 47 and later). Only the parts needed to learn the costs are spelled out.
_OID_PBES2 = "1.2.840.113549.1.5.13"
_OID_PBKDF2 = "1.2.840.113549.1.5.12"
_OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"

try:
    from cryptography.hazmat import asn1 as _asn1
    from cryptography.x509 import ObjectIdentifier

    @_asn1.sequence
    class _AlgorithmIdentifier:
        algorithm: ObjectIdentifier
        parameters: _asn1.TLV

    @_asn1.sequence
    class _EncryptedPrivateKeyInfo:
        algorithm: _AlgorithmIdentifier
        encrypted_data: bytes

    @_asn1.sequence
    class _PBES2Params:
        kdf: _AlgorithmIdentifier
        encryption_scheme: _AlgorithmIdentifier

    @_asn1.sequence
    class _ScryptParams:
        salt: bytes
        cost: int
        block_size: int
        parallelization: int
        key_length: int | None

    @_asn1.sequence
    class _PBKDF2Params:
        salt: _asn1.TLV  # CHOICE of OCTET STRING or AlgorithmIdentifier
        iterations: int
        key_length: int | None
        prf: _AlgorithmIdentifier | None

    @_asn1.sequence
    class _PBEParameter:
        salt: bytes
        iterations: int

except (ImportError, AttributeError, TypeError):  # pragma: no cover - older cryptography
    _asn1 = None  # type: ignore[assignment]
