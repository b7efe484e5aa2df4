"""The creator's identity: creating, profile checks, custody, backup and restore, card, rotation,
revocation, and how key events withdraw claims."""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from colophon.core import backup, keyevents, keys
from colophon.core.backup import BackupMismatch, WrongPassphrase
from colophon.core.card import parse_card
from colophon.core.catalog import Catalog
from colophon.core.claimant import PublicKeyInfo
from colophon.core.errors import NotFoundError, SignatureError, UsageError
from colophon.core.identity import Identity, NoIdentity, record_events
from colophon.core.keystore import SERVICE, KeyLocation, KeyringUnavailable, KeyStore
from colophon.core.profile import (
    CONSTRAINED,
    Compensation,
    PaymentChannel,
    Profile,
    ProfileError,
    Terms,
    UseTerm,
)
from memory_keyring import MemoryKeyring

PASSPHRASE = "heron meadow lattice 58"
BACKUP_PASSPHRASE = "copper canyon drizzle 12"


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key files and backups stay real OpenSSH files, with a cheaper KDF to keep tests fast.

    The documented cost (`backup.KDF_ROUNDS`) is exercised by tests/core/test_backup.py.
    """
    monkeypatch.setattr(backup, "KDF_ROUNDS", 4)


@pytest.fixture
def catalog(isolated_home: Path) -> Iterator[Catalog]:
    with Catalog.open(isolated_home / "colophon") as cat:
        yield cat


def _profile(name: str = "Ada Lovelace") -> Profile:
    return Profile(
        display_name=name,
        email="ada@example.org",
        website="https://ada.example",
        handles={"mastodon": "@ada@example.social"},
        payment_channels=[PaymentChannel("openPayments", "https://wallet.example/ada")],
        terms=Terms().with_use("cawg.ai_inference", CONSTRAINED, "with attribution only"),
        compensation=Compensation("perUse", "0.05", "EUR", "licensing@ada.example"),
    )


def _given(passphrase: str):
    return lambda request: passphrase


def _seed(private: Ed25519PrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _statuses(identity: Identity) -> list[str]:
    history = identity.keys()
    return [record.status for record in history]


def _signs_as(identity: Identity, info: PublicKeyInfo, passphrase: str | None = None) -> None:
    provider = _given(passphrase) if passphrase else None
    with identity.signing(provider) as private:
        assert keys.key_id(private.public_key()) == info.keyid
        info.key.verify(private.sign(b"claim"), b"claim")


# --- creating ----------------------------------------------------------------------------------


def test_create_in_the_keyring(catalog: Catalog, memory_keyring: MemoryKeyring) -> None:
    identity = Identity(catalog)
    record = identity.create(_profile(), KeyLocation.keyring())
    assert record.status == "active" and record.location == KeyLocation.keyring()
    assert identity.require_key() == record
    assert identity.require_profile() == _profile()
    assert (SERVICE, record.keyid) in memory_keyring.secrets
    assert record.fingerprint == keys.fingerprint(record.info.key)
    _signs_as(identity, record.info)
    with pytest.raises(UsageError, match="already exists"):
        identity.create(_profile(), KeyLocation.keyring())
    assert len(identity.keys()) == 1


def test_two_identities_made_at_once_do_not_retire_one_another(
    catalog: Catalog, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two windows (or the app and a command) set up an identity at the same moment: both saw
    # none, so both go on. The second must not silently retire the first one's new key.
    first = Identity(catalog)
    second = Identity(Catalog.open(catalog.path.parent))
    monkeypatch.setattr(second, "active_key", lambda: None)  # it looked before the first wrote
    made = first.create(_profile(), KeyLocation.keyring())
    with pytest.raises(UsageError, match="made meanwhile"):
        second.create(Profile("Someone Else"), KeyLocation.keyring())
    second.catalog.close()
    records = first.keys()
    assert [(k.keyid, k.status) for k in records] == [(made.keyid, "active")]
    assert first.require_profile() == _profile()
    assert set(memory_keyring.secrets) == {(SERVICE, made.keyid)}  # the other key is forgotten


def test_create_in_a_key_file(catalog: Catalog, tmp_path: Path, no_keyring: None) -> None:
    identity = Identity(catalog)
    location = KeyLocation.file(tmp_path / "keys" / "colophon.key")
    record = identity.create(_profile(), location, PASSPHRASE)
    assert record.location == location
    assert stat.S_IMODE(os.stat(location.path).st_mode) == 0o600  # type: ignore[arg-type]
    assert backup.inspect_backup(location.path) == backup.BackupInfo("openssh", True)  # type: ignore[arg-type]
    _signs_as(identity, record.info, PASSPHRASE)
    with pytest.raises(UsageError, match="passphrase"):
        identity.card()  # no way to ask for the passphrase
    with pytest.raises(WrongPassphrase):
        identity.card(_given("heron meadow lattice 59"))
    # reopened: the location is remembered
    assert Identity(Catalog.open(catalog.path.parent)).require_key().location == location


def test_no_keyring_means_nothing_is_created(catalog: Catalog, no_keyring: None) -> None:
    identity = Identity(catalog)
    with pytest.raises(KeyringUnavailable, match="key file"):
        identity.create(_profile(), KeyLocation.keyring())
    assert identity.keys() == [] and identity.profile() is None
    with pytest.raises(NoIdentity, match="identity init"):
        identity.require_key()


def test_weak_key_file_passphrase_creates_nothing(catalog: Catalog, tmp_path: Path) -> None:
    identity = Identity(catalog)
    location = KeyLocation.file(tmp_path / "colophon.key")
    with pytest.raises(backup.WeakPassphrase):
        identity.create(_profile(), location, "password1")
    assert not location.path.exists()  # type: ignore[union-attr]
    assert identity.keys() == [] and identity.profile() is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"display_name": "  "}, "displayName"),
        ({"display_name": "Ada\nLovelace"}, "displayName"),
        ({"email": "ada at example"}, "email"),
        ({"website": "ftp://ada.example"}, "website"),
        ({"handles": {"mastodon": ""}}, "handles.mastodon"),
        (
            {"payment_channels": [PaymentChannel("openPayments", "$wallet.example/ada")]},
            "paymentChannels[0].value",
        ),
        (
            {"payment_channels": [PaymentChannel("payto", "payto://iban/DE00123")]},
            "paymentChannels[0].value",
        ),
        (
            {"terms": Terms({**Terms().entries, "cawg.ai_training": UseTerm(CONSTRAINED)})},
            "terms.cawg.ai_training.constraint_info",
        ),
        ({"compensation": Compensation("perUse", "5", "euro")}, "compensation.currency"),
        ({"compensation": Compensation("tips")}, "compensation.model"),
    ],
)
def test_profile_errors_name_the_field(
    catalog: Catalog, memory_keyring: MemoryKeyring, change: dict[str, object], field: str
) -> None:
    profile = _profile()
    for name, value in change.items():
        setattr(profile, name, value)
    identity = Identity(catalog)
    with pytest.raises(ProfileError) as info:
        identity.create(profile, KeyLocation.keyring())
    assert info.value.field == field
    assert info.value.message.startswith(f"{field}: ")
    assert identity.keys() == [] and not memory_keyring.secrets

    identity.create(_profile(), KeyLocation.keyring())
    with pytest.raises(ProfileError) as info:
        identity.save_profile(profile)
    assert info.value.field == field
    assert identity.require_profile() == _profile()


def test_profile_can_be_changed_later(catalog: Catalog) -> None:
    identity = Identity(catalog)
    identity.create(_profile(), KeyLocation.keyring())
    changed = _profile("Ada King")
    changed.email = None
    identity.save_profile(changed)
    assert Identity(catalog).require_profile() == changed


# --- the catalog never holds private material ---------------------------------------------------


def _needles(seed: bytes) -> dict[str, bytes]:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    pkcs8_der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pkcs8_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    openssh = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    return {
        "raw": seed,
        "hex": seed.hex().encode(),
        "HEX": seed.hex().upper().encode(),
        "base64": base64.b64encode(seed),
        "base64 unpadded": base64.b64encode(seed).rstrip(b"="),
        "urlsafe base64": base64.urlsafe_b64encode(seed).rstrip(b"="),
        "pkcs8 der": pkcs8_der,
        "pkcs8 pem": b"".join(pkcs8_pem.splitlines()[1:-1]),
        "openssh body": b"".join(openssh.splitlines()[1:-1])[:60],
    }


def _assert_nowhere(folder: Path, seeds: list[bytes]) -> int:
    files = [p for p in folder.rglob("*") if p.is_file()]
    for file in files:
        data = file.read_bytes()
        flat = data.replace(b"\n", b"")
        for seed in seeds:
            for name, needle in _needles(seed).items():
                assert needle not in data and needle not in flat, f"{name} found in {file}"
    return len(files)


@pytest.mark.parametrize("where", ["keyring", "file"])
def test_no_private_material_in_the_catalog_or_home(
    isolated_home: Path, memory_keyring: MemoryKeyring, where: str
) -> None:
    home = isolated_home / "colophon"
    catalog = Catalog.open(home)
    identity = Identity(catalog)
    first = KeyLocation.keyring() if where == "keyring" else KeyLocation.file(home / "a.key")
    second = KeyLocation.keyring() if where == "keyring" else KeyLocation.file(home / "b.key")
    ask = None if where == "keyring" else _given(PASSPHRASE)
    passphrase = None if where == "keyring" else PASSPHRASE

    identity.create(_profile(), first, passphrase)
    with identity.signing(ask) as private:
        seeds = [_seed(private)]
    identity.card(ask)
    identity.backup(isolated_home / "backup.key", BACKUP_PASSPHRASE, ask)
    identity.export_public(isolated_home / "public.txt")
    identity.rotate(second, passphrase, ask, comment="new laptop")
    with identity.signing(ask) as private:
        seeds.append(_seed(private))
    identity.revoke("retired", ask)

    wal = catalog.path.with_name(catalog.path.name + "-wal")
    assert wal.is_file() and wal.stat().st_size > 0  # the WAL is searched while it holds data
    assert _assert_nowhere(isolated_home, seeds) >= 3
    catalog.close()
    _assert_nowhere(isolated_home, seeds)
    if where == "keyring":  # the secrets are where they belong, and only there
        stored = {base64.b64decode(secret) for secret in memory_keyring.secrets.values()}
        assert stored == set(seeds)


# --- backup and restore -------------------------------------------------------------------------


def test_backup_and_restore_into_a_fresh_catalog(catalog: Catalog, tmp_path: Path) -> None:
    identity = Identity(catalog)
    original = identity.create(_profile(), KeyLocation.keyring())
    path = tmp_path / "ada-backup.key"
    identity.backup(path, BACKUP_PASSPHRASE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(UsageError, match="already exists"):
        identity.backup(path, BACKUP_PASSPHRASE)
    with pytest.raises(backup.WeakPassphrase):
        identity.backup(tmp_path / "weak.key", "qwerty123")
    assert not (tmp_path / "weak.key").exists()

    # another machine: its own catalog and its own (empty) keyring
    other_keyring = MemoryKeyring()
    with Catalog.open(tmp_path / "elsewhere") as fresh:
        restored_identity = Identity(fresh, KeyStore(other_keyring))
        with pytest.raises(UsageError, match="--name"):
            restored_identity.restore(path, BACKUP_PASSPHRASE, KeyLocation.keyring())
        restored = restored_identity.restore(
            path,
            BACKUP_PASSPHRASE,
            KeyLocation.keyring(),
            profile=Profile("Ada Lovelace"),
            expected_fingerprint=original.fingerprint.lower(),
        )
        assert restored.keyid == original.keyid
        assert restored.fingerprint == original.fingerprint
        assert (SERVICE, original.keyid) in other_keyring.secrets
        _signs_as(restored_identity, original.info)
        assert parse_card(restored_identity.card()).key.keyid == original.keyid

    # or into a key file
    with Catalog.open(tmp_path / "third") as third:
        location = KeyLocation.file(tmp_path / "third" / "ada.key")
        into_file = Identity(third, KeyStore(MemoryKeyring()))
        record = into_file.restore(
            path, BACKUP_PASSPHRASE, location, PASSPHRASE, Profile("Ada Lovelace")
        )
        assert record.location == location
        _signs_as(into_file, original.info, PASSPHRASE)


def test_restore_with_a_wrong_passphrase_changes_nothing(catalog: Catalog, tmp_path: Path) -> None:
    Identity(catalog).create(_profile(), KeyLocation.keyring())
    path = tmp_path / "backup.key"
    Identity(catalog).backup(path, BACKUP_PASSPHRASE)
    other_keyring = MemoryKeyring()
    with Catalog.open(tmp_path / "elsewhere") as fresh:
        identity = Identity(fresh, KeyStore(other_keyring))
        for location in (KeyLocation.keyring(), KeyLocation.file(tmp_path / "new.key")):
            with pytest.raises(WrongPassphrase, match="nothing was changed"):
                identity.restore(
                    path, "copper canyon drizzle 13", location, PASSPHRASE, Profile("Ada")
                )
        assert identity.keys() == [] and identity.profile() is None
        assert other_keyring.secrets == {}
        assert not (tmp_path / "new.key").exists()
        with pytest.raises(BackupMismatch):
            identity.restore(
                path,
                BACKUP_PASSPHRASE,
                KeyLocation.keyring(),
                profile=Profile("Ada"),
                expected_fingerprint=keys.fingerprint(keys.generate().public_key()),
            )
        assert identity.keys() == [] and other_keyring.secrets == {}


def test_restore_puts_back_a_lost_key_and_refuses_others(
    catalog: Catalog, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    identity = Identity(catalog)
    first = identity.create(_profile(), KeyLocation.keyring())
    path = tmp_path / "first.key"
    identity.backup(path, BACKUP_PASSPHRASE)

    memory_keyring.secrets.clear()  # the keyring was wiped
    with pytest.raises(NotFoundError, match="backup"):
        identity.card()
    assert identity.restore(path, BACKUP_PASSPHRASE, KeyLocation.keyring()).keyid == first.keyid
    assert len(identity.keys()) == 1
    _signs_as(identity, first.info)

    stranger = tmp_path / "stranger.key"
    backup.write_backup(keys.generate(), stranger, BACKUP_PASSPHRASE)
    with pytest.raises(UsageError, match="another identity"):
        identity.restore(stranger, BACKUP_PASSPHRASE, KeyLocation.keyring())

    identity.rotate(KeyLocation.keyring())
    with pytest.raises(UsageError, match="replaced by a newer key"):
        identity.restore(path, BACKUP_PASSPHRASE, KeyLocation.keyring())
    identity.revoke("superseded", keyid=first.keyid)
    with pytest.raises(UsageError, match="revoked"):
        identity.restore(path, BACKUP_PASSPHRASE, KeyLocation.keyring())


# --- identity card and public key ---------------------------------------------------------------


def _tampered(envelope: dict[str, object], edit) -> dict[str, object]:
    body = json.loads(base64.b64decode(envelope["payload"]))  # type: ignore[arg-type]
    edit(body)
    payload = base64.b64encode(json.dumps(body).encode()).decode()
    return {**envelope, "payload": payload}


def test_identity_card_verifies_and_a_tampered_one_does_not(catalog: Catalog) -> None:
    identity = Identity(catalog)
    record = identity.create(_profile(), KeyLocation.keyring())
    moment = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
    envelope = identity.card(now=moment)
    card = parse_card(envelope)
    assert card.key.keyid == record.keyid and card.key.fingerprint == record.fingerprint
    assert card.profile.display_name == "Ada Lovelace"
    assert card.profile.payment_channels == _profile().payment_channels
    assert card.issued_at == moment

    def rename(body: dict) -> None:  # type: ignore[type-arg]
        body["claimant"]["displayName"] = "Mallory"

    with pytest.raises(SignatureError):
        parse_card(_tampered(envelope, rename))
    stranger = PublicKeyInfo.of(keys.generate().public_key()).to_dict()

    def swap_key(body: dict) -> None:  # type: ignore[type-arg]
        body["claimant"]["publicKey"] = stranger

    with pytest.raises(SignatureError):
        parse_card(_tampered(envelope, swap_key))
    signature = envelope["signatures"][0]  # type: ignore[index]
    flipped = base64.b64decode(signature["sig"])
    forged = {
        **envelope,
        "signatures": [
            {**signature, "sig": base64.b64encode(bytes([flipped[0] ^ 1]) + flipped[1:]).decode()}
        ],
    }
    with pytest.raises(SignatureError):
        parse_card(forged)


def test_export_public_key(catalog: Catalog, tmp_path: Path) -> None:
    identity = Identity(catalog)
    record = identity.create(_profile(), KeyLocation.keyring())
    path = tmp_path / "ada.pub"
    identity.export_public(path)
    text = path.read_text()
    pem, ssh_line = text.split("-----END PUBLIC KEY-----\n")
    assert keys.key_id(keys.load_public(pem + "-----END PUBLIC KEY-----\n")) == record.keyid
    assert keys.key_id(keys.load_public(ssh_line.strip())) == record.keyid
    assert ssh_line.strip().endswith("Ada Lovelace (Colophon)")
    with pytest.raises(UsageError, match="already exists"):
        identity.export_public(path)
    identity.export_public(path, overwrite=True)


# --- rotation -----------------------------------------------------------------------------------


def test_rotation_names_the_new_key_and_keeps_the_history(
    catalog: Catalog, memory_keyring: MemoryKeyring
) -> None:
    identity = Identity(catalog)
    old = identity.create(_profile(), KeyLocation.keyring())
    new = identity.rotate(KeyLocation.keyring(), comment="new laptop")
    assert new.keyid != old.keyid
    assert identity.require_key() == new

    history = identity.keys()
    assert [(k.keyid, k.status) for k in history] == [(old.keyid, "retired"), (new.keyid, "active")]
    assert history[0].retired_at is not None

    (event,) = identity.own_events()
    assert event.event == "rotation" and event.keyid == old.keyid
    assert event.new_key is not None and event.new_key.keyid == new.keyid
    assert event.comment == "new laptop"
    again = keyevents.parse_event(event.envelope)  # signed by the old key, checks out
    assert again.key.keyid == old.keyid
    assert keyevents.reachable(old.keyid, new.keyid, identity.events())
    assert not keyevents.reachable(new.keyid, old.keyid, identity.events())

    _signs_as(identity, new.info)
    assert parse_card(identity.card()).key.keyid == new.keyid
    # the old private key is kept, so that it can still sign its own revocation
    assert (SERVICE, old.keyid) in memory_keyring.secrets
    # the same events are not recorded twice, however they arrive
    assert record_events(catalog, identity.own_events()) == 0

    newer = identity.rotate(KeyLocation.keyring())
    assert keyevents.reachable(old.keyid, newer.keyid, identity.events())
    assert _statuses(identity) == ["retired", "retired", "active"]


def test_rotation_between_key_files(catalog: Catalog, tmp_path: Path, no_keyring: None) -> None:
    identity = Identity(catalog)
    first = KeyLocation.file(tmp_path / "first.key")
    old = identity.create(_profile(), first, PASSPHRASE)
    new_passphrase = "violet harbor stencil 77"

    with pytest.raises(UsageError, match="already exists"):
        identity.rotate(first, new_passphrase, _given(PASSPHRASE))
    with pytest.raises(KeyringUnavailable):
        identity.rotate(KeyLocation.keyring(), None, _given(PASSPHRASE))
    second = KeyLocation.file(tmp_path / "second.key")
    with pytest.raises(WrongPassphrase):
        identity.rotate(second, new_passphrase, _given("heron meadow lattice 59"))
    assert not second.path.exists()  # type: ignore[union-attr]
    assert identity.require_key() == old and identity.own_events() == []

    new = identity.rotate(second, new_passphrase, _given(PASSPHRASE))
    assert new.location == second
    _signs_as(identity, new.info, new_passphrase)
    assert first.path.exists()  # type: ignore[union-attr]


# --- revocation ---------------------------------------------------------------------------------


def test_revocation_is_signed_recorded_and_final(catalog: Catalog) -> None:
    identity = Identity(catalog)
    key = identity.create(_profile(), KeyLocation.keyring())
    moment = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
    with pytest.raises(UsageError, match="reason"):
        identity.revoke("lost")
    statement = identity.revoke("compromised", comment="laptop stolen", now=moment)

    event = keyevents.parse_event(statement)
    assert event.event == "revocation" and event.reason == "compromised"
    assert event.keyid == key.keyid and event.effective == moment
    assert event.comment == "laptop stolen"
    assert [e.envelope for e in identity.own_events()] == [event.envelope]

    (record,) = identity.keys()
    assert record.status == "revoked" and record.reason == "compromised"
    assert record.revoked_at is not None
    with pytest.raises(NoIdentity, match="revoked") as info:
        identity.require_key()
    assert isinstance(info.value, NotFoundError)
    with pytest.raises(NoIdentity, match="revoked"):
        identity.card()
    with pytest.raises(NoIdentity, match="revoked"):
        identity.revoke("compromised")
    with pytest.raises(UsageError, match="already revoked"):
        identity.revoke("compromised", keyid=key.keyid)

    # the identity goes on with a new key and the same profile
    successor = identity.create(identity.require_profile(), KeyLocation.keyring())
    assert successor.keyid != key.keyid
    assert _statuses(identity) == ["revoked", "active"]


def test_a_retired_key_can_be_revoked_by_its_fingerprint(catalog: Catalog) -> None:
    identity = Identity(catalog)
    old = identity.create(_profile(), KeyLocation.keyring())
    new = identity.rotate(KeyLocation.keyring())
    with pytest.raises(NotFoundError):
        identity.revoke("compromised", keyid="ABCD" * 8)
    identity.revoke("compromised", keyid=old.fingerprint.lower())
    assert identity.require_key() == new
    kinds = [(e.event, e.keyid) for e in identity.own_events()]
    assert kinds == [("rotation", old.keyid), ("revocation", old.keyid)]
    assert _statuses(identity) == ["revoked", "active"]


def test_a_key_revoked_as_retired_is_revoked_again_as_compromised_when_it_leaks(
    catalog: Catalog,
) -> None:
    # Whoever gets hold of a retired key can back-date what they sign: only "compromised"
    # withdraws everything it signed, so the owner must be able to say so afterwards.
    identity = Identity(catalog)
    old = identity.create(_profile(), KeyLocation.keyring())
    identity.revoke("retired")
    with pytest.raises(UsageError, match="revoke it again as compromised"):
        identity.revoke("superseded", keyid=old.keyid)
    identity.revoke("compromised", keyid=old.keyid)
    (record,) = identity.keys()
    assert (record.status, record.reason) == ("revoked", "compromised")
    reasons = [e.reason for e in identity.own_events()]
    assert reasons == ["retired", "compromised"]  # both travel; verifiers take the worst
    with pytest.raises(UsageError, match="already revoked as compromised"):
        identity.revoke("compromised", keyid=old.keyid)


# --- which claims an event withdraws (spec 9.4) --------------------------------------------------

T = datetime(2025, 6, 1, 0, 0, 0, tzinfo=UTC)
BEFORE = T - timedelta(days=30)
AFTER = T + timedelta(seconds=1)


def _event(kind: str, private: Ed25519PrivateKey) -> keyevents.KeyEvent:
    if kind == "rotation":
        successor = PublicKeyInfo.of(keys.generate().public_key())
        envelope = keyevents.make_rotation(private, successor, now=T)
    else:
        envelope = keyevents.make_revocation(private, kind, now=T)
    return keyevents.parse_event(envelope)


@pytest.mark.parametrize(
    ("kind", "withdrawn"),
    [
        ("compromised", {BEFORE: True, T: True, AFTER: True}),
        ("superseded", {BEFORE: False, T: True, AFTER: True}),
        ("retired", {BEFORE: False, T: True, AFTER: True}),
        ("rotation", {BEFORE: False, T: True, AFTER: True}),
    ],
)
def test_covering_withdraws_the_right_claims(kind: str, withdrawn: dict[datetime, bool]) -> None:
    private = keys.generate()
    keyid = keys.key_id(private.public_key())
    event = _event(kind, private)
    assert event.effective == T
    for issued_at, expected in withdrawn.items():
        assert (keyevents.covering(keyid, issued_at, [event]) is event) is expected, issued_at
    # an event about another key withdraws nothing of this one
    other = _event(kind, keys.generate())
    assert keyevents.covering(keyid, AFTER, [other]) is None
    assert keyevents.covering(keyid, AFTER, [other, event]) is event
