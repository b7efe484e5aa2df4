"""Private-key custody: keyring entries, key files, refusals, and never a silent fallback."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.errors
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyring.backend import KeyringBackend
from keyring.backends import chainer, null

from colophon.core import keys
from colophon.core.backup import NotAKeyFile
from colophon.core.errors import Cancelled, EnvironmentProblem, NotFoundError, UsageError
from colophon.core.keystore import (
    SERVICE,
    KeyLocation,
    KeyMismatch,
    KeyNotFound,
    KeyringUnavailable,
    KeyStore,
    PassphraseRequest,
    StoredKeyDamaged,
    WeakPassphrase,
    WrongPassphrase,
)
from memory_keyring import MemoryKeyring

PASSPHRASE = "quiet harbour lantern 42"


class PlaintextLikeKeyring(MemoryKeyring):
    """Stands for keyrings.alt's file backends: works, but keyring does not recommend it."""

    priority = 0.5  # type: ignore[assignment]


class DroppingKeyring(MemoryKeyring):
    """Says yes to everything and keeps nothing."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


class RaisingKeyring(MemoryKeyring):
    """Raises the given exception from every operation (a locked or broken keyring)."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc


# Subclasses register themselves with keyring's backend discovery; keep test ones out of it.
for _cls in (PlaintextLikeKeyring, DroppingKeyring, RaisingKeyring):
    KeyringBackend._classes.discard(_cls)  # type: ignore[attr-defined]


def _seed(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _given(passphrase: str) -> object:
    return lambda request: passphrase


# --- keyring -----------------------------------------------------------------------------------


def test_keyring_store_load_and_sign(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore()
    private = keys.generate()
    key_id = store.store(private, KeyLocation.keyring())
    assert key_id == keys.key_id(private.public_key())
    # documented entry layout: service "colophon", user = key id, secret = base64 of the seed
    secret = memory_keyring.secrets[(SERVICE, key_id)]
    assert base64.b64decode(secret, validate=True) == _seed(private)

    with store.unlocked(key_id, KeyLocation.keyring()) as loaded:
        assert keys.public_raw(loaded.public_key()) == keys.public_raw(private.public_key())
    signature = store.sign(key_id, KeyLocation.keyring(), b"payload")
    private.public_key().verify(signature, b"payload")


def test_private_key_is_not_cached(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore()
    private = keys.generate()
    key_id = store.store(private, KeyLocation.keyring())
    with store.unlocked(key_id, KeyLocation.keyring()):
        pass
    assert not any(isinstance(value, Ed25519PrivateKey) for value in vars(store).values())
    # removed behind the store's back: the next use must notice, so nothing was kept
    del memory_keyring.secrets[(SERVICE, key_id)]
    with pytest.raises(KeyNotFound):
        store.sign(key_id, KeyLocation.keyring(), b"x")


def test_several_keys_coexist_and_delete_removes_only_one(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore()
    old, new = keys.generate(), keys.generate()
    old_id = store.store(old, KeyLocation.keyring())
    new_id = store.store(new, KeyLocation.keyring())
    old.public_key().verify(store.sign(old_id, KeyLocation.keyring(), b"m"), b"m")
    new.public_key().verify(store.sign(new_id, KeyLocation.keyring(), b"m"), b"m")

    store.delete(old_id, KeyLocation.keyring())
    assert not store.has_key(old_id, KeyLocation.keyring())
    assert store.has_key(new_id, KeyLocation.keyring())
    with pytest.raises(KeyNotFound) as info:
        store.delete(old_id, KeyLocation.keyring())
    assert isinstance(info.value, NotFoundError)


def test_missing_key_in_keyring(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(KeyNotFound, match="backup"):
        KeyStore().sign("0" * 64, KeyLocation.keyring(), b"x")


def test_damaged_or_foreign_secret_is_refused(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore()
    private, other = keys.generate(), keys.generate()
    key_id = store.store(private, KeyLocation.keyring())
    for damaged in ("not base64!", base64.b64encode(b"short").decode()):
        memory_keyring.secrets[(SERVICE, key_id)] = damaged
        with pytest.raises(StoredKeyDamaged):
            store.sign(key_id, KeyLocation.keyring(), b"x")
    memory_keyring.secrets[(SERVICE, key_id)] = base64.b64encode(_seed(other)).decode()
    with pytest.raises(KeyMismatch, match=keys.fingerprint(other.public_key())):
        store.sign(key_id, KeyLocation.keyring(), b"x")


def test_passphrase_is_refused_for_keyring(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(UsageError):
        KeyStore().store(keys.generate(), KeyLocation.keyring(), passphrase=PASSPHRASE)


def test_pinned_backend_is_used_instead_of_the_global_one(no_keyring: None) -> None:
    backend = MemoryKeyring()
    store = KeyStore(backend)
    key_id = store.store(keys.generate(), KeyLocation.keyring())
    assert (SERVICE, key_id) in backend.secrets


# --- no usable keyring -------------------------------------------------------------------------


def test_no_backend_is_reported_with_the_alternative(no_keyring: None, tmp_path: Path) -> None:
    store = KeyStore()
    assert not store.keyring_available()
    with pytest.raises(KeyringUnavailable) as info:
        store.store(keys.generate(), KeyLocation.keyring())
    error = info.value
    assert isinstance(error, EnvironmentProblem)
    assert "key file" in error.message and "passphrase" in error.message
    with pytest.raises(KeyringUnavailable):
        store.sign("0" * 64, KeyLocation.keyring(), b"x")
    with pytest.raises(KeyringUnavailable):
        store.has_key("0" * 64, KeyLocation.keyring())


def test_no_silent_plaintext_fallback(no_keyring: None, isolated_home: Path) -> None:
    private = keys.generate()
    with pytest.raises(KeyringUnavailable):
        KeyStore().store(private, KeyLocation.keyring())
    written = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert written == []


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (null.Keyring(), "discard"),
        (PlaintextLikeKeyring(), "not a safe place"),
        (DroppingKeyring(), "did not keep it"),
        (RaisingKeyring(keyring.errors.KeyringLocked("locked")), "locked"),
        (RaisingKeyring(keyring.errors.InitError("no D-Bus")), "no D-Bus"),
        (RaisingKeyring(keyring.errors.PasswordSetError("refused")), "refused"),
        (RaisingKeyring(keyring.errors.NoKeyringError("none")), "none"),
    ],
)
def test_unsafe_or_failing_backends_are_refused(backend: KeyringBackend, reason: str) -> None:
    store = KeyStore(backend)
    with pytest.raises(KeyringUnavailable, match=reason) as info:
        store.store(keys.generate(), KeyLocation.keyring())
    assert "key file" in info.value.message
    assert not isinstance(backend, MemoryKeyring) or not backend.secrets


def test_dbus_errors_are_translated() -> None:
    secretstorage = pytest.importorskip("secretstorage.exceptions")
    store = KeyStore(RaisingKeyring(secretstorage.LockedException("collection is locked")))
    with pytest.raises(KeyringUnavailable, match="collection is locked"):
        store.sign("0" * 64, KeyLocation.keyring(), b"x")


def test_a_locked_keyring_holding_the_key_is_to_be_unlocked_not_left() -> None:
    # A key the keyring holds cannot move to a key file: the advice is to unlock the keyring.
    store = KeyStore(RaisingKeyring(keyring.errors.KeyringLocked("locked")))
    for use in (
        lambda: store.sign("0" * 64, KeyLocation.keyring(), b"x"),
        lambda: store.has_key("0" * 64, KeyLocation.keyring()),
    ):
        with pytest.raises(KeyringUnavailable) as info:
            use()
        assert "it is locked" in info.value.message
        assert "Unlock the system keyring" in info.value.message
        assert "key file" not in info.value.message


def test_a_configured_keyring_that_is_not_installed_is_no_keyring(tmp_path: Path) -> None:
    # keyring imports the backend PYTHON_KEYRING_BACKEND names: a missing one is an ImportError
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyrings.nowhere.Keyring"}
    env["COLOPHON_HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [sys.executable, "-m", "colophon", "identity", "init", "--name", "Ada"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 5, done.stderr
    assert "keyring configuration is missing" in done.stderr and "--key-file" in done.stderr
    assert "Traceback" not in done.stderr


def test_empty_chainer_counts_as_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    with pytest.raises(KeyringUnavailable, match="no keyring service"):
        KeyStore(chainer.ChainerBackend()).check_keyring()


def test_chainer_is_judged_by_the_backend_it_writes_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [PlaintextLikeKeyring()])
    assert not KeyStore(chainer.ChainerBackend()).keyring_available()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [MemoryKeyring()])
    assert KeyStore(chainer.ChainerBackend()).keyring_available()


# --- key files ---------------------------------------------------------------------------------


def test_key_file_store_and_sign(tmp_path: Path, no_keyring: None) -> None:
    store = KeyStore()
    private = keys.generate()
    location = KeyLocation.file(tmp_path / "identity.key")
    key_id = store.store(private, location, passphrase=PASSPHRASE)
    assert stat.S_IMODE(os.stat(location.path).st_mode) == 0o600  # type: ignore[arg-type]
    assert store.has_key(key_id, location)

    requests: list[PassphraseRequest] = []

    def ask(request: PassphraseRequest) -> str:
        requests.append(request)
        return PASSPHRASE

    signature = store.sign(key_id, location, b"payload", ask)
    private.public_key().verify(signature, b"payload")
    assert requests == [PassphraseRequest(key_id, location.path)]  # type: ignore[arg-type]
    assert str(location.path) in requests[0].prompt


def test_key_file_wrong_passphrase_changes_nothing(tmp_path: Path) -> None:
    store = KeyStore()
    private = keys.generate()
    location = KeyLocation.file(tmp_path / "identity.key")
    key_id = store.store(private, location, passphrase=PASSPHRASE)
    before = location.path.read_bytes()  # type: ignore[union-attr]
    with pytest.raises(WrongPassphrase, match="passphrase") as info:
        store.sign(key_id, location, b"x", _given("quiet harbour lantern 43"))
    assert info.value.exit_code != 0
    assert location.path.read_bytes() == before  # type: ignore[union-attr]


def test_key_file_needs_a_strong_passphrase_and_no_accidental_overwrite(tmp_path: Path) -> None:
    store = KeyStore()
    location = KeyLocation.file(tmp_path / "identity.key")
    with pytest.raises(UsageError):
        store.store(keys.generate(), location)
    with pytest.raises(WeakPassphrase):
        store.store(keys.generate(), location, passphrase="password1")
    assert not location.path.exists()  # type: ignore[union-attr]

    first = keys.generate()
    first_id = store.store(first, location, passphrase=PASSPHRASE)
    with pytest.raises(UsageError, match="already exists"):
        store.store(keys.generate(), location, passphrase=PASSPHRASE)
    assert store.sign(first_id, location, b"x", _given(PASSPHRASE))
    second = keys.generate()
    store.store(second, location, passphrase=PASSPHRASE, overwrite=True)
    with pytest.raises(KeyMismatch):
        store.sign(first_id, location, b"x", _given(PASSPHRASE))


def test_key_file_cancel_and_missing(tmp_path: Path) -> None:
    store = KeyStore()
    location = KeyLocation.file(tmp_path / "identity.key")
    key_id = store.store(keys.generate(), location, passphrase=PASSPHRASE)

    def cancel(request: PassphraseRequest) -> str:
        raise Cancelled()

    with pytest.raises(Cancelled):
        store.sign(key_id, location, b"x", cancel)
    with pytest.raises(UsageError, match="passphrase"):
        store.sign(key_id, location, b"x")
    store.delete(key_id, location)
    assert not location.path.exists()  # type: ignore[union-attr]
    with pytest.raises(KeyNotFound):
        store.sign(key_id, location, b"x", _given(PASSPHRASE))
    with pytest.raises(KeyNotFound):
        store.delete(key_id, location)


def test_delete_refuses_a_file_that_is_not_a_key(tmp_path: Path) -> None:
    victim = tmp_path / "thesis.txt"
    victim.write_text("four years of work")
    with pytest.raises(NotAKeyFile):
        KeyStore().delete("0" * 64, KeyLocation.file(victim))
    assert victim.exists()


# --- locations ---------------------------------------------------------------------------------


def test_key_location_text_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = KeyLocation.file("keys/id.key")
    assert relative.path == tmp_path / "keys" / "id.key"
    for location in (KeyLocation.keyring(), relative):
        assert KeyLocation.from_text(location.to_text()) == location
    assert KeyLocation.keyring().describe() == "the system keyring"
    for bad in ("", "file:relative", "plaintext", "keyring:x"):
        with pytest.raises(UsageError):
            KeyLocation.from_text(bad)
    with pytest.raises(ValueError):
        KeyLocation("file", None)
