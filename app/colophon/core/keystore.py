"""Custody of private keys: in the OS keyring, or in a passphrase-protected key file.

Where a key lives is an explicit choice the caller records with the identity (a `KeyLocation`):

* **keyring** — the system keyring through ``keyring`` (Secret Service on Linux, Keychain on
  macOS, Credential Locker on Windows), service ``colophon``, user name = the key id, secret = the
  32-byte Ed25519 seed in standard base64. Only backends that ``keyring`` itself recommends
  (priority 1 or more) are used; the plaintext and home-made file backends of ``keyrings.alt``,
  the null backend and the "no backend" placeholder are refused with `KeyringUnavailable`, whose
  message names the alternative.
* **file** — a key file in the format of `colophon.core.backup` (OpenSSH, bcrypt KDF), mode
  0600, written atomically. Its passphrase is asked for through a callback at each use.

There is never a silent fallback from one to the other, and never a plaintext copy. A private key
exists in memory only inside `KeyStore.unlocked` (or for the duration of `KeyStore.sign`): it is
loaded for one operation, checked against the expected key id, and dropped when the block ends.
(Python cannot wipe memory; not caching the key and not copying it around is what we can do.)

Keys are addressed by key id, so several keys (an old one and its successor after rotation)
coexist in the keyring, or in as many key files as the caller names.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import keyring
import keyring.errors
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyring.backend import KeyringBackend

from . import keys
from .backup import (
    WeakPassphrase,
    WrongPassphrase,
    check_new_passphrase,
    encrypt_private_key,
    inspect_backup,
    read_backup,
)
from .errors import ColophonError, EnvironmentProblem, NotFoundError, UsageError
from .fsutil import atomic_write

__all__ = [
    "SERVICE",
    "KeyLocation",
    "KeyMismatch",
    "KeyNotFound",
    "KeyStore",
    "KeyringUnavailable",
    "PassphraseProvider",
    "PassphraseRequest",
    "StoredKeyDamaged",
    "WeakPassphrase",
    "WrongPassphrase",
    "check_new_passphrase",
]

SERVICE = "colophon"

_KEY_FILE_ADVICE = (
    "You can keep the key in a key file protected by a passphrase instead "
    "(choose 'key file' as the key location)."
)
#: for a key the keyring holds already: it cannot move to a file, but the keyring can be opened
_UNLOCK_ADVICE = (
    "Unlock the system keyring (logging in to your desktop session again usually does) and try "
    "again."
)


class KeyringUnavailable(EnvironmentProblem):
    """No usable system keyring: none installed, locked, refusing, or not a safe one."""


class KeyNotFound(NotFoundError):
    """The key is not where its recorded location says."""


class StoredKeyDamaged(EnvironmentProblem):
    """What the keyring holds under a key id is not a valid Ed25519 seed."""


class KeyMismatch(ColophonError):
    """The stored key is not the key the identity names (another key id)."""

    exit_code = 5  # what is stored changed under the catalog: the environment, not the command


@dataclass(frozen=True)
class KeyLocation:
    """Where one private key is kept: ``KeyLocation.keyring()`` or ``KeyLocation.file(path)``."""

    kind: Literal["keyring", "file"]
    path: Path | None = None

    def __post_init__(self) -> None:
        if self.kind == "keyring" and self.path is not None:
            raise ValueError("a keyring location has no path")
        if self.kind == "file" and (self.path is None or not self.path.is_absolute()):
            raise ValueError("a key-file location needs an absolute path")
        if self.kind not in ("keyring", "file"):
            raise ValueError(f"unknown key location kind {self.kind!r}")

    @classmethod
    def keyring(cls) -> KeyLocation:
        """The system keyring."""
        return cls("keyring")

    @classmethod
    def file(cls, path: str | os.PathLike[str]) -> KeyLocation:
        """A passphrase-protected key file at ``path`` (made absolute, ``~`` expanded)."""
        return cls("file", Path(path).expanduser().absolute())

    def to_text(self) -> str:
        """A compact form to record in the catalog: ``keyring`` or ``file:/abs/path``."""
        return "keyring" if self.kind == "keyring" else f"file:{self.path}"

    @classmethod
    def from_text(cls, text: str) -> KeyLocation:
        """Read back `to_text`; `UsageError` for anything else."""
        if text == "keyring":
            return cls.keyring()
        if text.startswith("file:") and Path(text[5:]).is_absolute():
            return cls.file(text[5:])
        raise UsageError(f"Unknown key location {text!r}: expected 'keyring' or 'file:/path'.")

    def describe(self) -> str:
        """Words for messages: "the system keyring" or "the key file /path"."""
        return "the system keyring" if self.kind == "keyring" else f"the key file {self.path}"


@dataclass(frozen=True)
class PassphraseRequest:
    """What a passphrase prompt needs to say which key it unlocks."""

    key_id: str
    path: Path

    @property
    def prompt(self) -> str:
        return f"Passphrase for the Colophon key file {self.path}"


#: Asked for a key file's passphrase at each use; may raise `Cancelled`.
PassphraseProvider = Callable[[PassphraseRequest], str]


class KeyStore:
    """Stores, lends out for one operation, and deletes private keys.

    ``backend`` pins a keyring backend (tests, or an app setting); by default the one ``keyring``
    selects at each call, so a configuration change is seen without restarting.
    """

    def __init__(self, backend: KeyringBackend | None = None, *, service: str = SERVICE) -> None:
        self._pinned_backend = backend
        self._service = service

    # --- the keyring itself ----------------------------------------------------------------

    def check_keyring(self) -> None:
        """Raise `KeyringUnavailable` unless a safe keyring backend is there to use."""
        self._usable_backend()

    def keyring_available(self) -> bool:
        """Whether `check_keyring` would pass (for choosing what to offer in a dialog)."""
        try:
            self._usable_backend()
        except KeyringUnavailable:
            return False
        return True

    def _usable_backend(self) -> KeyringBackend:
        try:
            backend = self._pinned_backend or keyring.get_keyring()
        except _keyring_failures() as exc:
            raise _unavailable(str(exc)) from exc
        except ImportError as exc:  # PYTHON_KEYRING_BACKEND or keyringrc.cfg names one not here
            raise _unavailable(
                f"the keyring set in the keyring configuration is missing ({exc})"
            ) from exc
        reason = _unusable_reason(backend)
        if reason:
            raise _unavailable(reason)
        return backend

    # --- storing ---------------------------------------------------------------------------

    def store(
        self,
        private_key: Ed25519PrivateKey,
        location: KeyLocation,
        *,
        passphrase: str | None = None,
        overwrite: bool = False,
    ) -> str:
        """Keep ``private_key`` at ``location`` and return its key id.

        A key file needs a new ``passphrase`` (checked by `check_new_passphrase`); an existing
        file is replaced only with ``overwrite=True``. In the keyring, the secret is read back
        after writing, so a backend that silently drops secrets is caught here, not at signing.
        """
        ident = keys.key_id(private_key.public_key())
        if location.kind == "file":
            path = _file_path(location)
            if passphrase is None:
                raise UsageError("A key file needs a passphrase.")
            check_new_passphrase(passphrase)
            if path.exists() and not overwrite:
                raise UsageError(f"{path} already exists; choose another name or confirm.")
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                raise EnvironmentProblem(
                    f"Could not create the folder {path.parent}: {exc.strerror or exc}."
                ) from exc
            atomic_write(path, encrypt_private_key(private_key, passphrase), mode=0o600)
            return ident

        if passphrase is not None:
            raise UsageError(
                "A passphrase is only used for key files; the system keyring protects keys itself."
            )
        backend = self._usable_backend()
        secret = base64.b64encode(_seed(private_key)).decode("ascii")
        try:
            backend.set_password(self._service, ident, secret)
            kept = backend.get_password(self._service, ident)
        except _keyring_failures() as exc:
            raise _unavailable(f"it refused to store the key ({_reason(exc)})") from exc
        if kept != secret:
            with contextlib.suppress(*_keyring_failures()):
                backend.delete_password(self._service, ident)
            raise _unavailable("it accepted the key but did not keep it")
        return ident

    # --- using -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def unlocked(
        self,
        key_id: str,
        location: KeyLocation,
        passphrase: PassphraseProvider | None = None,
    ) -> Iterator[Ed25519PrivateKey]:
        """Lend the private key for the duration of one ``with`` block.

        Raises `KeyNotFound`, `KeyringUnavailable`, `WrongPassphrase`, `KeyMismatch` (the key
        found has another key id) or `StoredKeyDamaged`; `Cancelled` from the passphrase
        callback passes through.
        """
        private_key = self._load(key_id, location, passphrase)
        try:
            yield private_key
        finally:
            del private_key

    def sign(
        self,
        key_id: str,
        location: KeyLocation,
        data: bytes,
        passphrase: PassphraseProvider | None = None,
    ) -> bytes:
        """Sign ``data`` (e.g. DSSE PAE bytes) with the key; the 64-byte Ed25519 signature."""
        with self.unlocked(key_id, location, passphrase) as private_key:
            return private_key.sign(data)

    def has_key(self, key_id: str, location: KeyLocation) -> bool:
        """Whether something is stored for ``key_id`` at ``location`` (no passphrase needed)."""
        if location.kind == "file":
            return _file_path(location).is_file()
        backend = self._usable_backend()
        try:
            return backend.get_password(self._service, key_id) is not None
        except _keyring_failures() as exc:
            raise _unavailable(_reason(exc), held=True) from exc

    def delete(self, key_id: str, location: KeyLocation) -> None:
        """Remove the private key for ``key_id`` from ``location``; `KeyNotFound` if absent.

        Callers ask for confirmation first: without a backup, deleting a key is final.
        """
        if location.kind == "file":
            path = _file_path(location)
            if not path.is_file():
                raise KeyNotFound(f"There is no key file {path}.")
            inspect_backup(path)  # refuses to delete a file that is not a key file
            try:
                path.unlink()
            except OSError as exc:
                raise EnvironmentProblem(f"Could not delete {path}: {exc.strerror}.") from exc
            return
        if not self.has_key(key_id, location):
            raise KeyNotFound(f"No key with id {key_id[:16]}… is in the system keyring.")
        try:
            self._usable_backend().delete_password(self._service, key_id)
        except _keyring_failures() as exc:
            raise _unavailable(f"it refused to delete the key ({_reason(exc)})", held=True) from exc

    def _load(
        self, key_id: str, location: KeyLocation, passphrase: PassphraseProvider | None
    ) -> Ed25519PrivateKey:
        if location.kind == "file":
            path = _file_path(location)
            if not path.is_file():
                raise KeyNotFound(f"The key file {path} is missing; restore it from a backup.")
            if passphrase is None:
                raise UsageError(f"The key file {path} needs its passphrase.")
            private_key = read_backup(path, passphrase(PassphraseRequest(key_id, path)))
        else:
            backend = self._usable_backend()
            try:
                secret = backend.get_password(self._service, key_id)
            except _keyring_failures() as exc:
                raise _unavailable(
                    f"it refused to hand out the key ({_reason(exc)})", held=True
                ) from exc
            if secret is None:
                raise KeyNotFound(
                    f"The private key {key_id[:16]}… is not in the system keyring; "
                    "restore it from a backup."
                )
            private_key = _from_secret(secret)
        found = keys.key_id(private_key.public_key())
        if found != key_id:
            raise KeyMismatch(
                f"{location.describe().capitalize()} holds another key "
                f"({keys.fingerprint(private_key.public_key())}) than the one expected."
            )
        return private_key


# --- helpers ---------------------------------------------------------------------------------


def _seed(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _from_secret(secret: str) -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(secret.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise StoredKeyDamaged("The key stored in the system keyring is damaged.") from exc
    if len(seed) != 32:
        raise StoredKeyDamaged("The key stored in the system keyring is damaged.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _file_path(location: KeyLocation) -> Path:
    if location.path is None:  # pragma: no cover - KeyLocation guarantees it
        raise ValueError("file location without a path")
    return location.path


def _unusable_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold private keys, or None if it may."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return "no keyring service was found on this system"
    if isinstance(backend, null.Keyring):
        return "the keyring is configured to discard secrets"
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return "no keyring service was found on this system"
        return _unusable_reason(chained[0])
    try:
        priority = float(backend.priority)
    except Exception as exc:  # a backend reports "not usable here" by raising from priority
        return _reason(exc)
    if priority < 1:
        return f"the configured keyring ({backend.name}) is not a safe place for secrets"
    return None


def _keyring_failures() -> tuple[type[BaseException], ...]:
    """Exceptions by which keyring backends and their D-Bus plumbing say "not now"."""
    failures: list[type[BaseException]] = [keyring.errors.KeyringError, OSError, RuntimeError]
    with contextlib.suppress(ImportError):
        from secretstorage.exceptions import SecretStorageException

        failures.append(SecretStorageException)
    with contextlib.suppress(ImportError):
        from jeepney.wrappers import DBusErrorResponse

        failures.append(DBusErrorResponse)
    with contextlib.suppress(ImportError):
        from dbus.exceptions import DBusException  # type: ignore[import-not-found]

        failures.append(DBusException)
    return tuple(failures)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, keyring.errors.KeyringLocked):
        return "it is locked"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _unavailable(reason: str, *, held: bool = False) -> KeyringUnavailable:
    """The keyring cannot be used for ``reason``; ``held``: it holds the key already (to read or
    delete), so the advice is to unlock it, not to choose a key file."""
    if held:
        text = f"The system keyring cannot be used: {reason}. {_UNLOCK_ADVICE}"
    else:
        text = f"The system keyring cannot hold your private key: {reason}. {_KEY_FILE_ADVICE}"
    return KeyringUnavailable(text, details=reason)
