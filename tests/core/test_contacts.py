"""Contacts: pinning a signer's key from the files people hand each other, listing and removing."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_factory import Party, make_party
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from colophon.core import keys, strictjson
from colophon.core.claimant import PublicKeyInfo
from colophon.core.contacts import (
    MAX_SOURCE_BYTES,
    add_contact,
    find_by_keyid,
    list_contacts,
    read_key_source,
    remove_contact,
    resolve,
)
from colophon.core.errors import MalformedError, NotFoundError, SignatureError, UsageError


@pytest.fixture
def vera(tmp_path: Path) -> Iterator[Party]:
    party = make_party(tmp_path / "vera", "Vera Verifier", email="vera@example.org")
    yield party
    party.close()


@pytest.fixture
def ada(tmp_path: Path) -> Iterator[Party]:
    party = make_party(tmp_path / "ada", "Ada Lovelace", email="ada@example.org")
    yield party
    party.close()


def random_key() -> PublicKeyInfo:
    return PublicKeyInfo.of(Ed25519PrivateKey.generate().public_key())


# -- sources -------------------------------------------------------------------------------------
def test_add_from_an_exported_public_key_file(vera: Party, ada: Party, tmp_path: Path) -> None:
    path = tmp_path / "ada.pub"
    ada.identity.export_public(path)
    text = path.read_text()
    assert text.startswith("-----BEGIN PUBLIC KEY-----") and "ssh-ed25519 " in text

    key, card = read_key_source(path)
    contact = add_contact(vera.catalog, key, "Ada")

    assert card is None
    assert key.keyid == ada.identity.require_key().keyid
    assert contact.key.fingerprint == ada.identity.require_key().fingerprint
    assert (contact.name, contact.email, contact.display_name) == ("Ada", None, None)
    assert [c.name for c in list_contacts(vera.catalog)] == ["Ada"]


@pytest.mark.parametrize("form", ["pem", "ssh", "hex"])
def test_add_from_a_key_in_one_form(vera: Party, ada: Party, tmp_path: Path, form: str) -> None:
    info = ada.identity.require_key().info
    text = {
        "pem": keys.public_pem(info.key),
        "ssh": keys.public_ssh_line(info.key, "ada@laptop"),
        "hex": info.hex,
    }[form]
    path = tmp_path / f"ada.{form}"
    path.write_text(text + "\n")

    key, _ = read_key_source(path)

    assert key.keyid == info.keyid


def test_a_key_file_holding_two_different_keys_is_refused(tmp_path: Path) -> None:
    first, second = random_key(), random_key()
    path = tmp_path / "mixed.pub"
    path.write_text(keys.public_pem(first.key) + keys.public_ssh_line(second.key, "x") + "\n")
    with pytest.raises(MalformedError, match="two different keys"):
        read_key_source(path)


def test_add_from_an_identity_card(vera: Party, ada: Party, tmp_path: Path) -> None:
    path = tmp_path / "ada.card.json"
    path.write_bytes(strictjson.dumps(ada.identity.card()))

    key, card = read_key_source(path)
    contact = add_contact(vera.catalog, key, "Ada", card)

    assert card is not None
    assert key.keyid == ada.identity.require_key().keyid
    assert contact.email == "ada@example.org"
    assert contact.display_name == "Ada Lovelace"
    assert contact.to_dict()["display_name"] == "Ada Lovelace"


def test_an_altered_identity_card_is_refused(ada: Party, tmp_path: Path) -> None:
    card = ada.identity.card()
    body = json.loads(base64.b64decode(card["payload"]))
    body["claimant"]["email"] = "mallory@example.org"
    card["payload"] = base64.b64encode(strictjson.dumps(body)).decode()
    path = tmp_path / "ada.card.json"
    path.write_bytes(strictjson.dumps(card))

    with pytest.raises(SignatureError):
        read_key_source(path)


def test_a_card_naming_another_key_than_the_one_pinned_is_refused(vera: Party, ada: Party) -> None:
    with pytest.raises(UsageError, match="another key"):
        add_contact(vera.catalog, random_key(), "Ada", ada.identity.card())
    assert list_contacts(vera.catalog) == []


def test_unreadable_sources_are_refused_with_a_reason(tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    cases = {
        "private.pem": private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        "rsa.pub": rsa.generate_private_key(65537, 1024)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        "words.txt": b"this is not a key",
        "empty.pub": b"",
        "card.json": b'{"payload": "", "payloadType": "x", "signatures": []}',
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(MalformedError):
            read_key_source(path)


def test_an_oversized_source_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.pub"
    path.write_bytes(b" " * (MAX_SOURCE_BYTES + 1))
    with pytest.raises(MalformedError, match="too large"):
        read_key_source(path)


def test_a_missing_source_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        read_key_source(tmp_path / "nothing.pub")


# -- pinning, listing, removing ------------------------------------------------------------------
def test_a_key_is_pinned_once(vera: Party) -> None:
    key = random_key()
    add_contact(vera.catalog, key, "Ada")
    with pytest.raises(UsageError, match="already pinned as the contact 'Ada'"):
        add_contact(vera.catalog, key, "Another name")
    assert len(list_contacts(vera.catalog)) == 1


def test_a_contact_needs_a_name(vera: Party) -> None:
    with pytest.raises(UsageError):
        add_contact(vera.catalog, random_key(), "   ")


def test_contacts_are_listed_by_name_and_found_by_key_id(vera: Party) -> None:
    keys_by_name = {name: random_key() for name in ("carol", "Bob", "alice")}
    for name, key in keys_by_name.items():
        add_contact(vera.catalog, key, name)

    listed = list_contacts(vera.catalog)

    assert [c.name for c in listed] == ["alice", "Bob", "carol"]
    found = find_by_keyid(vera.catalog, keys_by_name["Bob"].keyid)
    assert found is not None and found.name == "Bob"
    assert find_by_keyid(vera.catalog, "0" * 64) is None
    assert set(listed[0].to_dict()) == {
        "id",
        "name",
        "display_name",
        "email",
        "keyid",
        "fingerprint",
        "added_at",
    }


@pytest.fixture
def three(vera: Party) -> dict[str, PublicKeyInfo]:
    pinned = {name: random_key() for name in ("Ada", "Bob", "Carol")}
    for name, key in pinned.items():
        add_contact(vera.catalog, key, name)
    return pinned


def test_remove_by_name_among_several(vera: Party, three: dict[str, PublicKeyInfo]) -> None:
    removed = remove_contact(vera.catalog, "bob")
    assert removed.name == "Bob"
    assert [c.name for c in list_contacts(vera.catalog)] == ["Ada", "Carol"]


def test_remove_by_id(vera: Party, three: dict[str, PublicKeyInfo]) -> None:
    carol = resolve(vera.catalog, "Carol")
    assert remove_contact(vera.catalog, str(carol.id)).name == "Carol"
    assert [c.name for c in list_contacts(vera.catalog)] == ["Ada", "Bob"]


@pytest.mark.parametrize("spelling", ["grouped", "compact lower", "dashed"])
def test_remove_by_fingerprint(vera: Party, three: dict[str, PublicKeyInfo], spelling: str) -> None:
    fingerprint = three["Ada"].fingerprint
    ref = {
        "grouped": fingerprint,
        "compact lower": fingerprint.replace(" ", "").lower(),
        "dashed": fingerprint.replace(" ", "-"),
    }[spelling]
    assert remove_contact(vera.catalog, ref).name == "Ada"
    assert [c.name for c in list_contacts(vera.catalog)] == ["Bob", "Carol"]


def test_remove_by_key_id(vera: Party, three: dict[str, PublicKeyInfo]) -> None:
    assert remove_contact(vera.catalog, three["Bob"].keyid.upper()).name == "Bob"


def test_remove_an_unknown_contact(vera: Party, three: dict[str, PublicKeyInfo]) -> None:
    with pytest.raises(NotFoundError):
        remove_contact(vera.catalog, "Dave")
    assert len(list_contacts(vera.catalog)) == 3


def test_a_name_shared_by_two_contacts_is_ambiguous(vera: Party) -> None:
    add_contact(vera.catalog, random_key(), "Sam")
    add_contact(vera.catalog, random_key(), "sam")
    with pytest.raises(UsageError, match="several contacts"):
        remove_contact(vera.catalog, "SAM")
    assert len(list_contacts(vera.catalog)) == 2
