"""Contacts: pinning a signer's key from the files people hand each other, listing and removing."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_factory import Party, make_party, read_zip, write_zip
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from colophon.core import keys, strictjson
from colophon.core.bundle import ENVELOPE, EVENTS, IDENTITY, SUMMARY, export_bundle
from colophon.core.card import make_card, parse_card
from colophon.core.claimant import PublicKeyInfo
from colophon.core.contacts import (
    MAX_SOURCE_BYTES,
    SharedIdentity,
    add_contact,
    email_key,
    find_by_keyid,
    list_contacts,
    namesakes,
    person_key,
    read_contact_source,
    read_key_source,
    remove_contact,
    rename_contact,
    resolve,
)
from colophon.core.errors import MalformedError, NotFoundError, SignatureError, UsageError
from colophon.core.identity import record_events
from colophon.core.keyevents import make_revocation, parse_event, read_events_file
from colophon.core.profile import Profile
from colophon.core.register import register


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
    with pytest.raises(NotFoundError):
        read_contact_source(tmp_path / "nothing.colophon")


def export_all(party: Party, path: Path) -> Path:
    work = path.with_suffix(".txt")
    work.write_text("A poem.\n")
    register(party.catalog, [str(work)], workers=1)
    export_bundle(party.catalog, party.identity, party.catalog.work_ids(), path, thumbnails=False)
    return path


def test_a_bundle_gives_its_signers_key_card_and_name(ada: Party, tmp_path: Path) -> None:
    bundle = export_all(ada, tmp_path / "ada.colophon")

    source = read_contact_source(bundle)

    assert source.key == ada.identity.require_key().info
    assert source.name == "Ada Lovelace"
    assert source.card is not None and parse_card(source.card).key == source.key


@pytest.mark.parametrize("name", ["ada.intoto.json", "claim.json", "from-ada"])
def test_a_bare_envelope_gives_its_signers_key_and_name_whatever_its_name(
    ada: Party, tmp_path: Path, name: str
) -> None:
    bundle = export_all(ada, tmp_path / "ada.colophon")
    bare = tmp_path / name
    bare.write_bytes(b"\n  " + read_zip(bundle)[ENVELOPE])

    source = read_contact_source(bare)

    assert (source.key, source.card, source.name) == (
        ada.identity.require_key().info,
        None,
        "Ada Lovelace",
    )
    envelope = json.loads(bare.read_bytes())
    envelope["payload"] = envelope["payload"][:-8] + "AAAAAAA="  # altered under the signature
    bare.write_text(json.dumps(envelope))
    with pytest.raises(UsageError, match="cannot be trusted"):
        read_contact_source(bare)


def test_a_bundle_whose_card_names_another_key_gives_no_key(
    ada: Party, vera: Party, tmp_path: Path
) -> None:
    bundle = export_all(ada, tmp_path / "ada.colophon")
    members = read_zip(bundle)
    members[IDENTITY] = strictjson.dumps(vera.identity.card())
    swapped = write_zip(tmp_path / "swapped.colophon", members)

    with pytest.raises(UsageError, match="cannot be trusted: the identity card names another key"):
        read_contact_source(swapped)


def test_an_altered_bundle_gives_no_key(ada: Party, tmp_path: Path) -> None:
    bundle = export_all(ada, tmp_path / "ada.colophon")
    members = read_zip(bundle)
    members[SUMMARY] = members[SUMMARY].replace(b"Ada", b"Eve")
    altered = write_zip(tmp_path / "altered.colophon", members)

    with pytest.raises(UsageError, match=r"cannot be trusted: .*altered"):
        read_contact_source(altered)


def test_a_bundle_carrying_the_revocation_of_its_key_gives_no_key(
    ada: Party, tmp_path: Path
) -> None:
    bundle = export_all(ada, tmp_path / "ada.colophon")
    members = read_zip(bundle)
    revocation = make_revocation(ada.private_key(), "compromised")
    members[EVENTS] = strictjson.dumps([revocation])
    revoked = write_zip(tmp_path / "revoked.colophon", members)

    with pytest.raises(UsageError, match=r"cannot be trusted: .*revoked as compromised"):
        read_contact_source(revoked)


def test_a_card_file_gives_its_key_and_name(ada: Party, tmp_path: Path) -> None:
    path = tmp_path / "ada-card.json"
    path.write_bytes(strictjson.dumps(ada.identity.card()))

    source = read_contact_source(path)

    assert (source.key, source.name) == (ada.identity.require_key().info, "Ada Lovelace")
    assert source.card is not None


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
        "person",
    }


@pytest.fixture
def three(vera: Party) -> dict[str, PublicKeyInfo]:
    pinned = {name: random_key() for name in ("Ada", "Bob", "Carol")}
    for name, key in pinned.items():
        add_contact(vera.catalog, key, name)
    return pinned


def test_remove_by_name_among_several(vera: Party, three: dict[str, PublicKeyInfo]) -> None:
    removed = remove_contact(vera.catalog, " BOB ")
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


def test_a_name_is_given_to_one_contact_only(vera: Party) -> None:
    first = add_contact(vera.catalog, random_key(), "Sam")
    with pytest.raises(UsageError, match=r"named 'Sam' already exists.*choose another name"):
        add_contact(vera.catalog, random_key(), " sam ")
    assert list_contacts(vera.catalog) == [first]


def card_for(name: str, email: str | None) -> tuple[PublicKeyInfo, dict]:
    private = Ed25519PrivateKey.generate()
    card = make_card(private, Profile(name, email=email))
    return PublicKeyInfo.of(private.public_key()), card


def test_a_card_with_another_contacts_email_is_pinned_only_as_the_same_person(
    vera: Party,
) -> None:
    # Mallory's card gives Ada's email: pinned, she could sign in Ada's name with it.
    ada_key, ada_card = card_for("Ada Lovelace", "ada@example.org")
    add_contact(vera.catalog, ada_key, "Ada", ada_card)
    mallory_key, mallory_card = card_for("Mallory Mal", "ADA@example.org")

    with pytest.raises(SharedIdentity, match="with the email of your contact 'Ada'") as refused:
        add_contact(vera.catalog, mallory_key, "Mallory", mallory_card)
    assert refused.value.contact.key == ada_key
    assert [c.name for c in list_contacts(vera.catalog)] == ["Ada"]

    studio_key, studio_card = card_for("Ada Lovelace", "ada@example.org")
    with pytest.raises(SharedIdentity):
        add_contact(vera.catalog, studio_key, "Ada (studio)", studio_card)
    add_contact(vera.catalog, studio_key, "Ada (studio)", studio_card, same_person=True)
    assert [c.name for c in list_contacts(vera.catalog)] == ["Ada", "Ada (studio)"]


def test_two_people_of_one_name_with_their_own_emails_are_both_pinned(vera: Party) -> None:
    first_key, first_card = card_for("John Smith", "john@photo.example")
    second_key, second_card = card_for("John Smith", "js@music.example")
    add_contact(vera.catalog, first_key, "John Smith (photos)", first_card)
    add_contact(vera.catalog, second_key, "John Smith (music)", second_card)
    # without an email to tell them apart, the name alone is another contact's
    bare_key, bare_card = card_for("John Smith", None)
    with pytest.raises(SharedIdentity) as refused:
        add_contact(vera.catalog, bare_key, "J. S.", bare_card)
    assert not refused.value.by_email and "someone else of that name" in refused.value.message
    # said to be someone else of that name: pinned, and linked to nobody
    other = add_contact(vera.catalog, bare_key, "J. S.", bare_card, someone_else=True)
    assert other.person is None
    # an email is one person's: "someone else" with another contact's email is still refused
    squat_key, squat_card = card_for("Jo Smith", "john@photo.example")
    with pytest.raises(SharedIdentity) as refused:
        add_contact(vera.catalog, squat_key, "Jo", squat_card, someone_else=True)
    assert refused.value.by_email


def test_a_contact_is_renamed_but_not_to_another_contacts_name(vera: Party) -> None:
    sam, kim = random_key(), random_key()
    add_contact(vera.catalog, sam, "Sam")
    add_contact(vera.catalog, kim, "Kim")

    renamed = rename_contact(vera.catalog, "sam", " Samuel Okafor ")
    assert resolve(vera.catalog, "samuel   OKAFOR") == renamed  # named as people write names

    assert (renamed.name, renamed.key) == ("Samuel Okafor", sam)
    assert [c.name for c in namesakes(vera.catalog, "SAMUEL  okafor", None)] == ["Samuel Okafor"]
    assert namesakes(vera.catalog, "Sam", None) == []
    with pytest.raises(UsageError, match="named 'Kim' already exists"):
        rename_contact(vera.catalog, "Samuel Okafor", "kim")
    with pytest.raises(UsageError, match="needs a name"):
        rename_contact(vera.catalog, "Kim", "  ")
    assert rename_contact(vera.catalog, "Kim", "KIM").name == "KIM"  # its own name, re-cased
    assert [c.name for c in list_contacts(vera.catalog)] == ["KIM", "Samuel Okafor"]


def test_a_name_shared_by_two_contacts_is_ambiguous(vera: Party) -> None:
    # Catalogs written before names were unique may hold two contacts of one name.
    add_contact(vera.catalog, random_key(), "Sam")
    other = random_key()
    with vera.catalog.transaction() as conn:
        conn.execute(
            "INSERT INTO contacts (name, key_id, public_key, fingerprint, added_at) "
            "VALUES ('sam', ?, ?, ?, '2025-01-01T00:00:00Z')",
            (other.keyid, other.hex, other.fingerprint),
        )
    with pytest.raises(UsageError, match="several contacts"):
        remove_contact(vera.catalog, "SAM")
    assert len(list_contacts(vera.catalog)) == 2
    assert remove_contact(vera.catalog, other.keyid).name == "sam"


def test_a_revocation_file_is_read_as_key_events_and_a_card_is_not(
    ada: Party, tmp_path: Path
) -> None:
    revocation = make_revocation(ada.private_key(), "retired")
    single = tmp_path / "revoked.json"
    single.write_bytes(strictjson.dumps(revocation))
    listed = tmp_path / "events.json"
    listed.write_bytes(strictjson.dumps([revocation]))
    card = tmp_path / "card.json"
    card.write_bytes(strictjson.dumps(ada.identity.card()))

    for path in (single, listed):
        [event] = read_events_file(path) or []
        assert (event.event, event.reason) == ("revocation", "retired")
        assert event.keyid == ada.identity.require_key().keyid
    assert read_events_file(card) is None
    assert read_events_file(tmp_path / "missing.json") is None
    forged = json.loads(single.read_bytes())
    forged["signatures"][0]["sig"] = base64.b64encode(bytes(64)).decode()
    single.write_bytes(strictjson.dumps(forged))
    with pytest.raises(SignatureError):
        read_events_file(single)


def test_names_with_look_alike_letters_compare_as_the_names_they_imitate() -> None:
    assert person_key("Аda Lovelace") == person_key("Ada Lovelace")  # Cyrillic А
    assert person_key("ΑDΑ LΟVΕLΑCΕ") == person_key("ada lovelace")  # Greek capitals
    assert person_key("Ada Love\u00adlace") == person_key("Ada Lovelace")  # a soft hyphen
    assert email_key("аda@example.org") == email_key("ada@example.org")
    assert person_key("Grace Hopper") != person_key("Ada Lovelace")


def test_a_key_known_to_be_compromised_cannot_be_pinned(ada: Party, vera: Party) -> None:
    revocation = make_revocation(ada.private_key(), "compromised")
    record_events(vera.catalog, [parse_event(revocation)])
    with pytest.raises(UsageError, match=r"revoked as compromised on .*cannot be trusted"):
        add_contact(vera.catalog, ada.identity.require_key().info, "Ada")
    assert list_contacts(vera.catalog) == []
    retired = make_party(ada.root / "grace", "Grace Hopper", email="grace@example.org")
    record_events(vera.catalog, [parse_event(make_revocation(retired.private_key(), "retired"))])
    add_contact(vera.catalog, retired.identity.require_key().info, "Grace")  # older claims hold
    retired.close()


def test_another_key_is_linked_to_the_one_person_named_and_no_one_else(vera: Party) -> None:
    a1_key, a1_card = card_for("Ada Lovelace", "ada@x.org")
    b_key, b_card = card_for("Ada Lovelace", None)  # another Ada, without an email
    a2_key, a2_card = card_for("Ada Lovelace", "ada@x.org")
    a1 = add_contact(vera.catalog, a1_key, "Ada", a1_card)
    b = add_contact(vera.catalog, b_key, "Ada B", b_card, someone_else=True)
    a2 = add_contact(vera.catalog, a2_key, "Ada 2", a2_card, same_person=True)  # by her email

    persons = {c.name: c.person for c in list_contacts(vera.catalog)}
    assert persons["Ada"] == persons["Ada 2"] is not None
    assert persons["Ada B"] is None and a2.person == persons["Ada"]
    assert b.person is None and a1.person is None  # a1 joined the person only with a2

    # a bare key of hers, linked by naming the contact (no card: nothing to go by)
    laptop = add_contact(vera.catalog, random_key(), "Ada laptop", same_person=a1)
    assert laptop.person == persons["Ada"]

    # which contact, when the card could be either's, is asked
    c_key, c_card = card_for("Ada Lovelace", None)
    with pytest.raises(UsageError, match="Say which contact"):
        add_contact(vera.catalog, c_key, "Ada C", c_card, same_person=True)
    # an email is one person's: not linked to someone whose email it is not
    d_key, d_card = card_for("Ada Lovelace", "ada@x.org")
    with pytest.raises(UsageError, match="an email is one person's"):
        add_contact(vera.catalog, d_key, "Ada D", d_card, same_person=b)
    with pytest.raises(UsageError, match="not both"):
        add_contact(vera.catalog, d_key, "Ada D", d_card, same_person=True, someone_else=True)


def test_a_person_number_is_never_shared_by_two_groups(vera: Party) -> None:
    # Numbers are not contact ids: removing contacts and adding others never merges groups.
    first, second = random_key(), random_key()
    add_contact(vera.catalog, first, "Zed")
    kept = add_contact(
        vera.catalog, second, "Zed 2", same_person=find_by_keyid(vera.catalog, first.keyid)
    )
    remove_contact(vera.catalog, "Zed")
    bob = add_contact(vera.catalog, random_key(), "Bob")
    bob2 = add_contact(vera.catalog, random_key(), "Bob 2", same_person=bob)
    assert bob2.person is not None and bob2.person != kept.person
    assert find_by_keyid(vera.catalog, second.keyid).person == kept.person
