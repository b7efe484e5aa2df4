"""Verifying bundles: every outcome of spec section 9, each reached by the input meant to reach it.

Forgeries are real bundles taken apart and rebuilt with `zipfile`; where a test needs a claim that
is signed correctly but wrong in some other way, it is signed again with the key it names, so only
the check under test can catch it.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bundle_factory import (
    DEFAULT_WORKS,
    Party,
    Statement,
    World,
    check,
    envelope_of,
    make_party,
    make_world,
    read_zip,
    rebuild,
    resign,
    statement_of,
    with_payload,
    write_zip,
)

from colophon.core import dsse, strictjson
from colophon.core.bundle import ENVELOPE, EVENTS, IDENTITY, SELF_SIGNED, SUMMARY
from colophon.core.card import make_card
from colophon.core.claimant import PublicKeyInfo
from colophon.core.contacts import SharedIdentity, add_contact, list_contacts
from colophon.core.errors import NotFoundError, SignatureError
from colophon.core.identity import record_events
from colophon.core.keyevents import make_revocation, make_rotation, parse_event, parse_time
from colophon.core.keys import generate, key_id
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.core.verify import Outcome, verify


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = make_world(tmp_path)
    yield made
    made.close()


def ada_key(world: World) -> PublicKeyInfo:
    return world.ada.identity.require_key().info


def issued_at(path: Path) -> str:
    return statement_of(read_zip(path))["predicate"]["issuedAt"]


# -- valid ---------------------------------------------------------------------------------------
def test_valid_when_signed_by_your_own_key(world: World) -> None:
    result = check(world.bundle, world.ada.catalog, Outcome.VALID)
    assert result.signer is not None and result.signer.trust == "you"
    assert result.claim is not None and len(result.claim.works) == 4
    assert result.valid and result.to_dict()["valid"] is True
    assert "your own key" in result.message


def test_valid_when_signed_by_a_pinned_contact(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada")

    result = check(world.bundle, world.vera.catalog, Outcome.VALID)

    assert result.signer is not None
    assert (result.signer.trust, result.signer.contact) == ("contact", "Ada")
    assert "your contact Ada" in result.message


def test_an_extra_signature_by_another_key_is_ignored(world: World) -> None:
    mallory = generate()

    def add_signature(members: dict[str, bytes]) -> None:
        envelope = envelope_of(members)
        payload = base64.b64decode(envelope["payload"])
        extra = dsse.sign(payload, dsse.PAYLOAD_TYPE_INTOTO, mallory)["signatures"][0]
        envelope["signatures"].insert(0, extra)
        members[ENVELOPE] = strictjson.dumps(envelope)

    check(world.rebuild(members=add_signature), world.ada.catalog, Outcome.VALID)


# -- unknown signer ------------------------------------------------------------------------------
def test_unknown_signer_for_a_fresh_catalog(world: World) -> None:
    result = check(world.bundle, world.vera.catalog, Outcome.UNKNOWN_SIGNER)
    assert ada_key(world).fingerprint in result.message
    assert result.signer is not None and result.signer.trust == "unknown"
    assert result.claim is not None  # intact: its content may be shown
    assert Outcome.UNKNOWN_SIGNER.intact and not result.valid


def final_bundle(party: Party, files: dict[str, bytes]) -> Path:
    """``party`` registers ``files``, exports all its works, and is done."""
    party.add_works(files)
    path = party.export().path
    party.close()
    return path


def test_unknown_signer_without_any_catalog(world: World) -> None:
    check(world.bundle, None, Outcome.UNKNOWN_SIGNER)


def test_unknown_signer_for_a_catalog_without_an_identity(world: World) -> None:
    reader = make_party(world.root / "reader", with_identity=False)
    check(world.bundle, reader.catalog, Outcome.UNKNOWN_SIGNER)
    reader.close()


# -- key mismatch --------------------------------------------------------------------------------
def another_ada(world: World, name: str = "Ada Lovelace", email: str | None = None) -> Party:
    return make_party(world.root / f"other-{name}-{email}", name, email=email)


def test_key_mismatch_when_a_contact_of_that_name_has_another_key(world: World) -> None:
    other = another_ada(world)
    add_contact(world.vera.catalog, other.identity.require_key().info, "ada lovelace")

    result = check(world.bundle, world.vera.catalog, Outcome.KEY_MISMATCH)

    assert "impostor" in result.message and "ada lovelace" in result.message
    assert result.to_dict()["expected_key"] == {
        "contact": "ada lovelace",
        "fingerprint": other.identity.require_key().fingerprint,
    }
    other.close()


def test_key_mismatch_when_names_differ_only_in_spacing_and_unicode_form(world: World) -> None:
    other = another_ada(world)
    add_contact(world.vera.catalog, other.identity.require_key().info, "ＡＤＡ   Lovelace")
    check(world.bundle, world.vera.catalog, Outcome.KEY_MISMATCH)
    other.close()


def test_key_mismatch_when_a_contact_with_that_email_has_another_key(world: World) -> None:
    other = another_ada(world, "A. Lovelace", "ADA@example.org")
    card = other.identity.card()
    add_contact(world.vera.catalog, other.identity.require_key().info, "Countess", card)

    result = check(world.bundle, world.vera.catalog, Outcome.KEY_MISMATCH)

    assert "Countess" in result.message
    other.close()


def test_key_mismatch_when_the_contacts_card_has_that_name(world: World) -> None:
    # pinned under a nickname, but the card says "Ada Lovelace"
    other = another_ada(world)
    add_contact(world.vera.catalog, other.identity.require_key().info, "A", other.identity.card())
    check(world.bundle, world.vera.catalog, Outcome.KEY_MISMATCH)
    other.close()


def test_key_mismatch_when_someone_signs_with_your_own_name(world: World) -> None:
    impostor = make_party(world.root / "impostor", "Vera Verifier", email=None)
    impostor.add_works({"fake.txt": b"not Vera's"})
    forged = impostor.export().path

    result = check(forged, world.vera.catalog, Outcome.KEY_MISMATCH)

    assert "posing as you" in result.message
    assert result.to_dict()["expected_key"] == {
        "contact": None,
        "fingerprint": world.vera.identity.require_key().fingerprint,
    }
    impostor.close()


def test_key_mismatch_when_the_identity_card_names_another_key(world: World) -> None:
    other = another_ada(world)
    card = strictjson.dumps(other.identity.card())

    forged = world.rebuild(members=lambda m: m.update({IDENTITY: card}))

    result = check(forged, world.ada.catalog, Outcome.KEY_MISMATCH)
    assert "identity card" in result.message
    signed, carded = world.ada.identity.require_key().info, other.identity.require_key().info
    assert result.message.index(carded.fingerprint) < result.message.index(signed.fingerprint)
    assert result.signer is not None and result.signer.fingerprint == signed.fingerprint
    assert result.claim is not None  # the claim itself is intact
    other.close()


def test_a_card_naming_another_key_does_not_spare_the_members_their_check(world: World) -> None:
    other = another_ada(world)
    card = strictjson.dumps(other.identity.card())
    other.close()

    def swap_and_alter(members: dict[str, bytes]) -> None:
        members[IDENTITY] = card
        members[SUMMARY] = members[SUMMARY].replace(b"Works claimed by", b"Works sold by")

    result = check(world.rebuild(members=swap_and_alter), world.ada.catalog, Outcome.TAMPERED)
    assert result.claim is None


def test_malformed_when_the_identity_card_names_another_person_than_the_claim(
    world: World,
) -> None:
    # Ada's own key signs a card for "Grace Hopper": the card would be shown, and pinned, as
    # somebody the claim is not by.
    grace = strictjson.dumps(
        make_card(world.ada.private_key(), Profile("Grace Hopper", email="ada@example.org"))
    )

    result = check(
        world.rebuild(members=lambda m: m.update({IDENTITY: grace})),
        world.ada.catalog,
        Outcome.MALFORMED,
    )

    assert result.part == IDENTITY and "another person" in result.message


def test_a_different_person_with_another_name_is_no_mismatch(world: World) -> None:
    other = another_ada(world, "Grace Hopper", "grace@example.org")
    add_contact(
        world.vera.catalog, other.identity.require_key().info, "Grace", other.identity.card()
    )
    check(world.bundle, world.vera.catalog, Outcome.UNKNOWN_SIGNER)
    other.close()


# -- revoked -------------------------------------------------------------------------------------
def test_compromised_key_revokes_claims_made_before_the_revocation(world: World) -> None:
    world.ada.identity.revoke("compromised")

    result = check(world.bundle, world.ada.catalog, Outcome.REVOKED)

    assert result.revoked_by is not None and result.revoked_by.reason == "compromised"
    assert result.to_dict()["revoked"]["reason"] == "compromised"
    assert "compromised" in result.message


def test_a_revocation_learnt_by_a_contact_revokes_the_claim_for_them(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada")
    event = world.ada.identity.revoke("compromised")

    record_events(world.vera.catalog, [parse_event(event)])

    check(world.bundle, world.vera.catalog, Outcome.REVOKED)


def revocation_at(world: World, reason: str, shift: timedelta) -> dict[str, Any]:
    when = parse_time(issued_at(world.bundle), "issuedAt") + shift
    return make_revocation(world.ada.private_key(), reason, now=when)


def with_events(world: World, *events: dict[str, Any]) -> Path:
    data = strictjson.dumps(list(events))
    return world.rebuild(members=lambda m: m.update({EVENTS: data}))


@pytest.mark.parametrize("reason", ["superseded", "retired"])
def test_superseded_or_retired_key_keeps_claims_made_before(world: World, reason: str) -> None:
    bundle = with_events(world, revocation_at(world, reason, timedelta(hours=1)))
    result = check(bundle, world.vera.catalog, Outcome.UNKNOWN_SIGNER)
    assert result.revoked_by is None


@pytest.mark.parametrize("shift", [timedelta(0), timedelta(hours=-1)])
@pytest.mark.parametrize("reason", ["superseded", "retired"])
def test_superseded_or_retired_key_revokes_claims_made_at_or_after(
    world: World, reason: str, shift: timedelta
) -> None:
    bundle = with_events(world, revocation_at(world, reason, shift))
    result = check(bundle, world.vera.catalog, Outcome.REVOKED)
    assert result.revoked_by is not None and result.revoked_by.reason == reason


def test_compromised_key_revokes_even_claims_dated_before(world: World) -> None:
    bundle = with_events(world, revocation_at(world, "compromised", timedelta(days=30)))
    check(bundle, world.vera.catalog, Outcome.REVOKED)


def test_a_rotated_key_is_retired_for_claims_it_signs_afterwards(world: World) -> None:
    old = world.ada.private_key()
    successor = PublicKeyInfo.of(generate().public_key())
    issued = parse_time(issued_at(world.bundle), "issuedAt")
    rotation = make_rotation(old, successor, now=issued + timedelta(minutes=1))

    def later(statement: Statement) -> None:
        statement["predicate"]["issuedAt"] = "2099-01-01T00:00:00Z"

    late = rebuild(world.bundle, world.out("late.colophon"), edit=later, private=old)
    record_events(world.vera.catalog, [parse_event(rotation)])

    result = check(late, world.vera.catalog, Outcome.REVOKED)
    assert result.revoked_by is not None and result.revoked_by.event == "rotation"
    assert "replaced by the key" in result.message
    # what the old key signed before the rotation still stands
    check(world.bundle, world.vera.catalog, Outcome.UNKNOWN_SIGNER)


# -- rotation ------------------------------------------------------------------------------------
def test_a_contact_pinned_on_the_old_key_accepts_the_new_key_after_rotation(world: World) -> None:
    old = ada_key(world)
    add_contact(world.vera.catalog, old, "Ada")
    world.ada.identity.rotate(KeyLocation.keyring())
    rotated = world.ada.export(name="rotated.colophon").path

    result = check(rotated, world.vera.catalog, Outcome.VALID)

    assert result.signer is not None and result.signer.contact == "Ada"
    assert result.signer.keyid == world.ada.identity.require_key().keyid != old.keyid
    # the rotation was learnt: the events are no longer needed in the bundle
    stripped = rebuild(rotated, world.out("stripped.colophon"), members=lambda m: m.pop(EVENTS))
    check(stripped, world.vera.catalog, Outcome.VALID)


def test_without_the_rotation_the_new_key_is_a_mismatch_for_the_pinned_name(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada Lovelace")
    world.ada.identity.rotate(KeyLocation.keyring())
    rotated = world.ada.export(name="rotated.colophon").path

    stripped = rebuild(rotated, world.out("stripped.colophon"), members=lambda m: m.pop(EVENTS))

    check(stripped, world.vera.catalog, Outcome.KEY_MISMATCH)


def test_trust_follows_two_rotations_from_the_pinned_key(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada")
    world.ada.identity.rotate(KeyLocation.keyring())
    world.ada.identity.rotate(KeyLocation.keyring())
    twice = world.ada.export(name="twice.colophon").path

    result = check(twice, world.vera.catalog, Outcome.VALID)

    assert result.signer is not None and result.signer.contact == "Ada"


def test_events_about_strangers_keys_are_not_read_to_verify_a_claim(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A verifier learns the key events every bundle carries. Verifying one claim reads only the
    # events about its signer and the pinned keys: not hundreds about strangers, each of which
    # would be a signature to check again.
    from colophon.core import identity as identity_module

    add_contact(world.vera.catalog, ada_key(world), "Ada")
    strangers = [parse_event(make_revocation(generate(), "superseded")) for _ in range(300)]
    record_events(world.vera.catalog, strangers)
    read: list[str] = []
    real_parse = identity_module.parse_event

    def counting(source: Any, *args: Any) -> Any:
        event = real_parse(source, *args)
        read.append(event.keyid)
        return event

    monkeypatch.setattr(identity_module, "parse_event", counting)
    check(world.bundle, world.vera.catalog, Outcome.VALID)
    assert not set(read) & {e.keyid for e in strangers}


def thief_bundle(world: World, *extra_events: dict[str, Any]) -> Path:
    """A bundle by a thief's key, carrying a rotation to it signed with Ada's stolen key."""
    thief = make_party(world.root / "thief", "Ada Lovelace", email="ada@example.org")
    thief_info = thief.identity.require_key().info
    rotation = make_rotation(world.ada.private_key(), thief_info)
    thief.add_works({"forgery.txt": b"mine now"})
    path = thief.export().path
    data = strictjson.dumps([rotation, *extra_events])
    out = rebuild(path, world.out("thief.colophon"), members=lambda m: m.update({EVENTS: data}))
    thief.close()
    return out


def test_a_stolen_key_can_pass_trust_on_before_it_is_revoked(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada")
    check(thief_bundle(world), world.vera.catalog, Outcome.VALID)  # nobody knows of the theft yet


def test_a_rotation_signed_by_a_compromised_key_carries_no_trust(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    revocation = make_revocation(world.ada.private_key(), "compromised")

    result = check(thief_bundle(world, revocation), world.vera.catalog, Outcome.KEY_MISMATCH)

    assert result.signer is not None and result.signer.trust == "unknown"


def test_two_rotations_of_one_key_to_different_keys_carry_no_trust(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    decoy = make_rotation(world.ada.private_key(), PublicKeyInfo.of(generate().public_key()))
    check(thief_bundle(world, decoy), world.vera.catalog, Outcome.KEY_MISMATCH)


def test_a_rotation_a_key_signs_after_its_own_retirement_carries_no_trust(world: World) -> None:
    # Ada retired the key and Vera learnt of it; the key leaks later, and the thief rotates it.
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    past = datetime.now(UTC) - timedelta(days=30)
    retired = make_revocation(world.ada.private_key(), "retired", now=past)
    record_events(world.vera.catalog, [parse_event(retired)])

    result = check(thief_bundle(world), world.vera.catalog, Outcome.KEY_MISMATCH)

    assert result.signer is not None and result.signer.trust == "unknown"


def test_a_pinned_contact_signing_as_another_pinned_contact_is_a_mismatch(world: World) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada Lovelace", world.ada.identity.card())
    mallory = make_party(world.root / "mallory", "Mallory", email="mallory@example.org")
    add_contact(world.vera.catalog, mallory.identity.require_key().info, "Mallory")
    mallory.identity.save_profile(Profile("Ada Lovelace", email="ada@example.org"))
    posing = final_bundle(mallory, {"forgery.txt": b"mine now"})

    result = check(posing, world.vera.catalog, Outcome.KEY_MISMATCH)

    assert "with the key of your contact Mallory" in result.message
    assert "not with the key you pinned for Ada Lovelace" in result.message


def test_a_contact_whose_card_gives_another_contacts_email_cannot_sign_as_them(
    world: World,
) -> None:
    # Ada pinned from her bare key; Mallory's card (pinned after) gives Ada's email with her own
    # name. Signing as Ada with that email must not pass for Vera's contact Mallory.
    add_contact(world.vera.catalog, ada_key(world), "Ada Lovelace")
    mallory = make_party(world.root / "mallory", "Mallory Mal", email="ada@example.org")
    add_contact(
        world.vera.catalog, mallory.identity.require_key().info, "Mallory", mallory.identity.card()
    )
    mallory.identity.save_profile(Profile("Ada Lovelace", email="ada@example.org"))
    posing = final_bundle(mallory, {"forgery.txt": b"mine now"})

    result = check(posing, world.vera.catalog, Outcome.KEY_MISMATCH)

    assert "not with the key you pinned for Ada Lovelace" in result.message


def test_two_keys_said_to_be_one_person_each_sign_as_that_person(world: World) -> None:
    # Pinned from a bare key and from a card, said to be the same person: either key signs as
    # Ada, also once one of them signs with a new email.
    add_contact(world.vera.catalog, ada_key(world), "Ada Lovelace")  # a bare key: no email
    laptop = another_ada(world, "Ada Lovelace", "ada@example.org")
    card = laptop.identity.card()
    with pytest.raises(SharedIdentity):
        add_contact(world.vera.catalog, laptop.identity.require_key().info, "Ada laptop", card)
    add_contact(
        world.vera.catalog, laptop.identity.require_key().info, "Ada laptop", card, same_person=True
    )
    persons = {c.name: c.person for c in list_contacts(world.vera.catalog)}
    assert persons["Ada Lovelace"] is not None and persons["Ada Lovelace"] == persons["Ada laptop"]

    check(world.bundle, world.vera.catalog, Outcome.VALID)
    laptop.identity.save_profile(Profile("Ada Lovelace", email="ada@new.example"))
    path = final_bundle(laptop, {"poem.txt": b"a poem"})
    result = check(path, world.vera.catalog, Outcome.VALID)
    assert "your contact Ada laptop" in result.message


def test_contacts_of_one_name_with_their_own_emails_each_sign_as_themselves(
    world: World,
) -> None:
    other = another_ada(world, "Ada Lovelace", "countess@example.org")
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    add_contact(
        world.vera.catalog, other.identity.require_key().info, "Countess", other.identity.card()
    )
    theirs = final_bundle(other, {"poem.txt": b"a poem"})

    check(world.bundle, world.vera.catalog, Outcome.VALID)
    result = check(theirs, world.vera.catalog, Outcome.VALID)
    assert result.message == "Valid: signed by your contact Countess and unaltered."


def test_a_contact_signing_under_a_name_of_no_other_contact_is_valid_and_says_so(
    world: World,
) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada (studio)")
    result = check(world.bundle, world.vera.catalog, Outcome.VALID)
    assert result.message == (
        "Valid: signed by your contact Ada (studio) (signing as Ada Lovelace <ada@example.org>) "
        "and unaltered."
    )


def test_a_rotation_to_someone_elses_key_does_not_hand_them_the_trust(world: World) -> None:
    # Mallory's key names Ada's as its successor: Ada never agreed, and her claims must not read
    # as coming from Vera's contact Mallory.
    mallory = make_party(world.root / "mallory", "Mallory", email="mallory@example.org")
    add_contact(
        world.vera.catalog, mallory.identity.require_key().info, "Mallory", mallory.identity.card()
    )
    adoption = make_rotation(mallory.private_key(), ada_key(world))
    record_events(world.vera.catalog, [parse_event(adoption)])
    mallory.close()

    result = check(world.bundle, world.vera.catalog, Outcome.UNKNOWN_SIGNER)

    assert result.signer is not None and result.signer.contact is None


def test_a_rotation_both_keys_signed_carries_trust_to_a_new_name(world: World) -> None:
    # Colophon's rotations are signed by the new key too: its holder agreed, so trust follows
    # even when the person signs under another name afterwards (a new surname, say).
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    world.ada.identity.rotate(KeyLocation.keyring())
    [rotation] = [e for e in world.ada.identity.own_events() if e.event == "rotation"]
    assert rotation.consented and len(rotation.envelope["signatures"]) == 2
    world.ada.identity.save_profile(Profile("Ada King", email="ada.king@example.org"))

    renamed = world.ada.export(name="renamed.colophon").path
    result = check(renamed, world.vera.catalog, Outcome.VALID)

    assert result.signer is not None and result.signer.contact == "Ada"


def test_a_rotation_signed_by_the_old_key_alone_carries_no_trust_to_a_new_name(
    world: World,
) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    newcomer = make_party(world.root / "newcomer", "Ada King", email="ada.king@example.org")
    alone = make_rotation(world.ada.private_key(), newcomer.identity.require_key().info)
    assert not parse_event(alone).consented
    path = final_bundle(newcomer, {"work.txt": b"a work"})
    events = strictjson.dumps([alone])
    with_rotation = rebuild(
        path, world.out("alone.colophon"), members=lambda m: m.update({EVENTS: events})
    )

    result = check(with_rotation, world.vera.catalog, Outcome.UNKNOWN_SIGNER)

    assert result.signer is not None and result.signer.contact is None


def test_a_retired_key_revoked_again_as_compromised_withdraws_its_earlier_claims(
    world: World,
) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    later = datetime.now(UTC) + timedelta(minutes=5)
    retired = make_revocation(world.ada.private_key(), "retired", now=later)
    record_events(world.vera.catalog, [parse_event(retired)])
    check(world.bundle, world.vera.catalog, Outcome.VALID)  # signed before it was retired

    leaked = make_revocation(world.ada.private_key(), "compromised", now=later)
    record_events(world.vera.catalog, [parse_event(leaked)])
    check(world.bundle, world.vera.catalog, Outcome.REVOKED)


def test_a_revocation_of_a_pinned_key_is_learnt_from_the_owners_next_bundle(
    world: World,
) -> None:
    # Ada's key was stolen; she revoked it and made a new one (no rotation: the old key is not
    # to be trusted to name a successor). Her next bundle carries the revocation.
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    stolen = make_revocation(world.ada.private_key(), "compromised")
    later = make_party(world.root / "ada-new-key", "Ada Lovelace", email="ada@example.org")
    path = final_bundle(later, {"new.txt": b"after the theft"})
    events = strictjson.dumps([stolen])
    carried = rebuild(
        path, world.out("new-key.colophon"), members=lambda m: m.update({EVENTS: events})
    )

    check(carried, world.vera.catalog, Outcome.KEY_MISMATCH)  # a new key: to be trusted anew

    check(world.bundle, world.vera.catalog, Outcome.REVOKED)


def stored_events(world: World) -> set[str]:
    rows = world.vera.catalog.conn.execute("SELECT key_id FROM key_events").fetchall()
    return {r[0] for r in rows}


def test_events_padded_into_a_bundle_are_not_kept_unless_they_bear_on_its_signer(
    world: World,
) -> None:
    # Anyone may add events to a bundle's events file: throw-away keys "rotating" into Ada's key
    # (she never agreed), or events about keys unrelated to the signer. Kept, each would be
    # checked again at every verification of Ada's claims.
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    padding = [make_rotation(generate(), ada_key(world)) for _ in range(5)]
    stranger = generate()
    unrelated = make_revocation(stranger, "retired")
    events = strictjson.dumps([*padding, unrelated])
    padded = world.rebuild(members=lambda m: m.update({EVENTS: events}))

    check(padded, world.vera.catalog, Outcome.VALID)

    assert stored_events(world) == set()


def test_a_rotation_signed_by_a_pinned_key_alone_is_kept_and_followed_further(
    world: World,
) -> None:
    # Older rotations carry one signature; from a pinned key they still carry trust, also over
    # two steps (K0 pinned -> K1 -> the signer), each signed by its old key alone.
    add_contact(world.vera.catalog, ada_key(world), "Ada", world.ada.identity.card())
    middle = generate()
    first = make_rotation(world.ada.private_key(), PublicKeyInfo.of(middle.public_key()))
    later = make_party(world.root / "later", "Ada Lovelace", email="ada@example.org")
    second = make_rotation(middle, later.identity.require_key().info)
    path = final_bundle(later, {"work.txt": b"a later work"})
    events = strictjson.dumps([first, second])
    carried = rebuild(
        path, world.out("later.colophon"), members=lambda m: m.update({EVENTS: events})
    )

    result = check(carried, world.vera.catalog, Outcome.VALID)

    assert result.signer is not None and result.signer.contact == "Ada"
    assert stored_events(world) == {ada_key(world).keyid, key_id(middle.public_key())}


def test_a_forged_signature_of_the_new_key_makes_the_rotation_unreadable(world: World) -> None:
    newcomer = generate()
    rotation = make_rotation(
        world.ada.private_key(), PublicKeyInfo.of(newcomer.public_key()), new_private=newcomer
    )
    assert parse_event(rotation).consented
    rotation["signatures"][1]["sig"] = base64.b64encode(bytes(64)).decode()
    with pytest.raises(SignatureError, match="signature of the new key"):
        parse_event(rotation)


@pytest.mark.parametrize("mark", ["\u00ad", "\u200b", "\u2060"], ids=["shy", "zwsp", "wj"])
def test_invisible_characters_do_not_make_another_name(world: World, mark: str) -> None:
    add_contact(world.vera.catalog, ada_key(world), "Ada Lovelace", world.ada.identity.card())
    impostor = another_ada(world, f"Ada Love{mark}lace", email="someone@example.org")
    path = final_bundle(impostor, {"forgery.txt": b"mine now"})

    check(path, world.vera.catalog, Outcome.KEY_MISMATCH)


# -- tampered ------------------------------------------------------------------------------------
def test_tampered_when_a_member_is_altered(world: World) -> None:
    def alter(members: dict[str, bytes]) -> None:
        members[SUMMARY] = members[SUMMARY].replace(b"Works claimed by", b"Works sold by")

    result = check(world.rebuild(members=alter), world.ada.catalog, Outcome.TAMPERED)

    assert "summary.html" in result.message and "altered" in result.message
    assert result.claim is None


def test_tampered_when_a_listed_member_is_removed(world: World) -> None:
    thumbnail = next(n for n in read_zip(world.bundle) if n.startswith("thumbnails/"))

    result = check(
        world.rebuild(members=lambda m: m.pop(thumbnail)), world.ada.catalog, Outcome.TAMPERED
    )

    assert thumbnail in result.message and "missing" in result.message


def test_tampered_when_an_unlisted_member_is_added(world: World) -> None:
    forged = world.rebuild(members=lambda m: m.update({"extra/readme.txt": b"trust me"}))
    result = check(forged, world.ada.catalog, Outcome.TAMPERED)
    assert "extra/readme.txt" in result.message and "added" in result.message


def test_the_members_are_hashed_beside_the_claim_and_no_longer_once_it_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hashing a bundle's page and pictures runs on another core while the claim is read; a
    # claim refused before its members are compared (here: a signature that does not match)
    # stops it, rather than leave a stranger's megabytes being hashed after the verdict.
    from colophon.core import verify as verify_module

    stops: list[threading.Event] = []
    real_digests = verify_module._digests

    def watched(members: dict[str, bytes], stop: threading.Event) -> dict[str, str]:
        stops.append(stop)
        return real_digests(members, stop)

    monkeypatch.setattr(verify_module, "_digests", watched)
    check(world.bundle, world.ada.catalog, Outcome.VALID)
    forged = world.rebuild(edit=lambda s: s["predicate"].update(license="CC0-1.0"))
    check(forged, world.ada.catalog, Outcome.SIGNATURE_INVALID)

    assert len(stops) == 2 and all(stop.is_set() for stop in stops)
    members = read_zip(world.bundle)
    assert set(real_digests(members, threading.Event())) == set(members) - SELF_SIGNED
    stopped = threading.Event()
    stopped.set()
    assert real_digests(members, stopped) == {}


def test_tampered_when_a_thumbnail_is_swapped_for_another_picture(world: World) -> None:
    members = read_zip(world.bundle)
    [first, second] = sorted(n for n in members if n.startswith("thumbnails/"))
    swapped = world.rebuild(
        members=lambda m: m.update({first: members[second], second: members[first]})
    )
    check(swapped, world.ada.catalog, Outcome.TAMPERED)


# -- signature invalid ---------------------------------------------------------------------------
def test_signature_invalid_when_the_payload_is_altered(world: World) -> None:
    def retitle(statement: Statement) -> None:
        statement["predicate"]["works"][0]["title"] = "Stolen"

    result = check(world.rebuild(edit=retitle), world.vera.catalog, Outcome.SIGNATURE_INVALID)

    assert result.claim is None  # nothing of an unsigned claim is shown
    assert "signature" in result.message


def test_signature_invalid_when_the_terms_are_loosened(world: World) -> None:
    def allow(statement: Statement) -> None:
        predicate = statement["predicate"]
        for use in predicate["terms"]:
            predicate["terms"][use] = {"use": "allowed"}
        predicate["equivalents"] = {
            "tdmrep": {"tdm-reservation": 0},
            "iptc": {"plus:DataMining": "http://ns.useplus.org/ldf/vocab/DMI-ALLOWED"},
            "aipref": {"Content-Usage": "train-ai=y, train-genai=y"},
        }

    check(world.rebuild(edit=allow), world.ada.catalog, Outcome.SIGNATURE_INVALID)


def test_signature_invalid_when_another_key_signs_under_the_claimants_key_id(world: World) -> None:
    mallory = generate()
    members = read_zip(world.bundle)
    envelope = envelope_of(members)
    payload = base64.b64decode(envelope["payload"])
    forged = dsse.sign(payload, dsse.PAYLOAD_TYPE_INTOTO, mallory, keyid=ada_key(world).keyid)
    members[ENVELOPE] = strictjson.dumps(forged)

    check(write_zip(world.out("x.colophon"), members), world.ada.catalog, Outcome.SIGNATURE_INVALID)


def test_signature_invalid_when_only_another_key_signed(world: World) -> None:
    mallory = generate()
    members = read_zip(world.bundle)
    members[ENVELOPE] = resign(statement_of(members), mallory)
    check(write_zip(world.out("x.colophon"), members), world.ada.catalog, Outcome.SIGNATURE_INVALID)


def test_signature_invalid_when_the_signers_own_card_comes_with_the_claim(world: World) -> None:
    # Mallory signs Ada's claim with her own key and ships her own, genuine identity card: the
    # signature checks out against the card's key, but the claim names Ada's key.
    mallory = generate()
    members = read_zip(world.bundle)
    members[ENVELOPE] = resign(statement_of(members), mallory)
    members[IDENTITY] = strictjson.dumps(make_card(mallory, Profile("Mallory Example")))
    assert dsse.verify(members[ENVELOPE], mallory.public_key())  # genuinely hers

    result = check(
        write_zip(world.out("x.colophon"), members), world.ada.catalog, Outcome.SIGNATURE_INVALID
    )
    assert result.claim is None


def test_unsupported_version_when_the_payload_type_is_changed_under_the_signature(
    world: World,
) -> None:
    def retype(members: dict[str, bytes]) -> None:
        envelope = envelope_of(members)
        envelope["payloadType"] = "application/vnd.in-toto+json;charset=utf-8"
        members[ENVELOPE] = strictjson.dumps(envelope)

    # another payload type is a claim of another kind before it is a bad signature
    check(world.rebuild(members=retype), world.ada.catalog, Outcome.UNSUPPORTED_VERSION)


def test_signature_invalid_when_the_identity_card_is_altered(world: World) -> None:
    def rename(members: dict[str, bytes]) -> None:
        card = json.loads(members[IDENTITY])
        body = json.loads(base64.b64decode(card["payload"]))
        body["claimant"]["displayName"] = "Somebody Else"
        card["payload"] = base64.b64encode(strictjson.dumps(body)).decode()
        members[IDENTITY] = strictjson.dumps(card)

    result = check(world.rebuild(members=rename), world.ada.catalog, Outcome.SIGNATURE_INVALID)
    assert "identity card" in result.message


def test_signature_invalid_when_a_key_event_is_not_signed_by_its_key(world: World) -> None:
    event = revocation_at(world, "superseded", timedelta(hours=1))
    body = json.loads(base64.b64decode(event["payload"]))
    body["effective"] = "2000-01-01T00:00:00Z"  # would revoke the claim
    event["payload"] = base64.b64encode(strictjson.dumps(body)).decode()

    result = check(with_events(world, event), world.vera.catalog, Outcome.SIGNATURE_INVALID)

    assert "revocation" in result.message


# -- unsupported version -------------------------------------------------------------------------
def test_unsupported_version_for_another_predicate_type(world: World) -> None:
    def later(statement: Statement) -> None:
        statement["predicateType"] = "https://colophon.example/claim/v2"

    result = check(world.forge(later), world.ada.catalog, Outcome.UNSUPPORTED_VERSION)
    assert "claim/v2" in result.message


def test_unsupported_version_for_another_statement_type(world: World) -> None:
    def older(statement: Statement) -> None:
        statement["_type"] = "https://in-toto.io/Statement/v0.1"

    check(world.forge(older), world.ada.catalog, Outcome.UNSUPPORTED_VERSION)


def test_unsupported_version_for_another_payload_type(world: World) -> None:
    members = read_zip(world.bundle)
    members[ENVELOPE] = resign(
        statement_of(members), world.ada.private_key(), "application/vnd.colophon.claim+json"
    )
    result = check(write_zip(world.out("x.colophon"), members), None, Outcome.UNSUPPORTED_VERSION)
    assert "application/vnd.colophon.claim+json" in result.message


def test_an_identity_card_or_a_revocation_given_to_verify_says_where_it_goes(
    world: World,
) -> None:
    card = world.out("ada.card.json")
    card.write_bytes(strictjson.dumps(world.ada.identity.card()))
    result = check(card, world.vera.catalog, Outcome.UNSUPPORTED_VERSION)
    assert result.message.startswith("This is an identity card, not a claim")
    assert "colophon contacts add FILE" in result.message

    with world.ada.identity.signing() as private:
        event = make_revocation(private, "retired")
    revocation = world.out("revoked.json")
    revocation.write_bytes(strictjson.dumps(event))
    result = check(revocation, world.vera.catalog, Outcome.UNSUPPORTED_VERSION)
    assert result.message.startswith("This is a key rotation or revocation, not a claim")


def test_unsupported_version_for_a_critical_extension(world: World) -> None:
    def needs(statement: Statement) -> None:
        statement["predicate"]["extensions"] = {"org.example.royalties": {"rate": "5"}}
        statement["predicate"]["critical"] = ["org.example.royalties"]

    result = check(world.forge(needs), world.ada.catalog, Outcome.UNSUPPORTED_VERSION)
    assert "org.example.royalties" in result.message


def test_an_extension_that_is_not_critical_is_ignored(world: World) -> None:
    def extend(statement: Statement) -> None:
        statement["predicate"]["extensions"] = {"org.example.royalties": {"rate": "5"}}

    check(world.forge(extend), world.ada.catalog, Outcome.VALID)


# -- bare envelopes ------------------------------------------------------------------------------
def bare(world: World, members: dict[str, bytes] | None = None) -> Path:
    path = world.out("claim.intoto.json")
    path.write_bytes((members or read_zip(world.bundle))[ENVELOPE])
    return path


def test_bare_envelope_from_a_stranger_is_an_unknown_signer(world: World) -> None:
    result = check(bare(world), world.vera.catalog, Outcome.UNKNOWN_SIGNER)
    assert result.bare and result.to_dict()["bare_envelope"] is True
    assert "not checked" in result.message


def test_bare_envelope_signed_by_you_is_valid_with_members_not_checked(world: World) -> None:
    result = check(bare(world), world.ada.catalog, Outcome.VALID)
    assert result.bare and "not checked" in result.message


def test_bare_envelope_with_an_altered_payload_is_refused(world: World) -> None:
    members = read_zip(world.bundle)
    statement = statement_of(members)
    statement["predicate"]["works"][0]["title"] = "Changed"
    altered = with_payload(members, strictjson.dumps(statement))
    check(bare(world, altered), world.ada.catalog, Outcome.SIGNATURE_INVALID)


def test_bare_envelope_is_revoked_by_events_the_verifier_knows(world: World) -> None:
    world.ada.identity.revoke("compromised")
    check(bare(world), world.ada.catalog, Outcome.REVOKED)


def test_bare_json_that_is_not_an_envelope_is_malformed(world: World) -> None:
    path = world.out("claim.intoto.json")
    path.write_text('{"_type": "https://in-toto.io/Statement/v1"}')
    result = check(path, None, Outcome.MALFORMED)
    assert result.part is not None and result.part.startswith("envelope")


# -- against a folder ----------------------------------------------------------------------------
def test_against_a_folder_maps_files_to_works_and_lists_the_rest(world: World) -> None:
    folder = world.out("downloads")
    (folder / "sub").mkdir(parents=True)
    (folder / "copy-of-harbour.png").write_bytes(DEFAULT_WORKS["harbour.png"])
    (folder / "sub" / "poem-again.txt").write_bytes(DEFAULT_WORKS["poem.txt"])
    (folder / "sub" / "poem-third.txt").write_bytes(DEFAULT_WORKS["poem.txt"])
    (folder / "unrelated.txt").write_bytes(b"nothing to do with Ada")

    result = check(world.bundle, world.vera.catalog, Outcome.UNKNOWN_SIGNER, against=[folder])

    assert result.matches is not None and result.unmatched is not None
    by_title = {
        w["title"]: sorted(Path(p).name for p in w["local_files"])
        for w in result.to_dict()["works"]
    }
    assert by_title == {
        "harbour": ["copy-of-harbour.png"],
        "sunrise": [],
        "poem": ["poem-again.txt", "poem-third.txt"],
        "tool": [],
    }
    assert [Path(p).name for p in result.unmatched] == ["unrelated.txt"]
    assert [Path(p).name for p in result.to_dict()["unmatched_local_files"]] == ["unrelated.txt"]


def test_a_folder_given_twice_or_nested_is_read_once(world: World) -> None:
    folder = world.out("downloads")
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "poem.txt").write_bytes(DEFAULT_WORKS["poem.txt"])
    (folder / "other.txt").write_bytes(b"other")

    result = check(
        world.bundle,
        world.vera.catalog,
        Outcome.UNKNOWN_SIGNER,
        against=[folder, folder / "sub", folder],
    )

    assert result.matches is not None and result.unmatched is not None
    assert sum(len(files) for files in result.matches.values()) == 1
    assert len(result.unmatched) == 1


def test_a_folder_that_does_not_exist_is_an_error_not_an_empty_folder(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mistyped mount path must not read as "none of the works is here".
    from colophon.core import verify as verify_module

    read: list[object] = []
    monkeypatch.setattr(verify_module, "read_bundle", lambda path: read.append(path))
    missing = world.out("no-such-folder")
    with pytest.raises(NotFoundError, match="no-such-folder"):
        verify_module.verify(world.bundle, world.vera.catalog, against=[missing])
    assert read == []  # refused before the bundle was read


def test_no_matching_for_a_claim_that_is_not_intact(world: World) -> None:
    folder = world.out("downloads")
    folder.mkdir()
    (folder / "copy.png").write_bytes(DEFAULT_WORKS["harbour.png"])
    forged = world.rebuild(members=lambda m: m.update({"x.txt": b"x"}))

    result = check(forged, world.vera.catalog, Outcome.TAMPERED, against=[folder])

    assert result.matches is None and "works" not in result.to_dict()


def test_the_collector_is_paused_only_while_the_claim_is_read(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading a claim builds millions of objects, none of them garbage; hashing a folder may take
    # minutes, while the rest of the program (the app's window) keeps making and dropping objects.
    import gc

    from colophon.core import verify as verify_module

    collecting: list[bool] = []
    real_match = verify_module.match_folder

    def watching(*args: Any, **kwargs: Any) -> Any:
        collecting.append(gc.isenabled())
        return real_match(*args, **kwargs)

    monkeypatch.setattr(verify_module, "match_folder", watching)
    result = verify_module.verify(world.bundle, world.vera.catalog, against=[world.ada.works_dir])
    assert result.matches is not None
    assert collecting == [True] and gc.isenabled()


def test_key_events_are_described_with_a_time_people_read(world: World) -> None:
    moment = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    retired = parse_event(make_revocation(world.ada.private_key(), "retired", now=moment))
    assert retired.describe() == "revoked (retired) from 2026-03-14 09:26 UTC"
    stolen = parse_event(make_revocation(world.ada.private_key(), "compromised", now=moment))
    assert stolen.describe().startswith("revoked as compromised on 2026-03-14 09:26 UTC, which")


def test_the_checked_thumbnails_come_back_only_when_asked_and_only_if_intact(
    world: World,
) -> None:
    members = read_zip(world.bundle)
    pictures = {n: data for n, data in members.items() if n.startswith("thumbnails/")}
    assert len(pictures) == 2

    asked = verify(world.bundle, world.ada.catalog, thumbnails=True)
    assert asked.outcome is Outcome.VALID
    assert asked.thumbnails == {
        n[len("thumbnails/") : -len(".png")]: d for n, d in pictures.items()
    }
    assert verify(world.bundle, world.ada.catalog).thumbnails is None  # not kept unasked

    [first, second] = sorted(pictures)
    swapped = world.rebuild(
        members=lambda m: m.update({first: members[second], second: members[first]})
    )
    refused = verify(swapped, world.ada.catalog, thumbnails=True)
    assert refused.outcome is Outcome.TAMPERED and refused.thumbnails is None
