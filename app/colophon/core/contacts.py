"""Contacts: the signers a person has decided to trust, each pinned to one public key.

A key is pinned after its fingerprint was compared with one obtained from its owner by another
way (in person, by phone, from their website). A contact can be added from what
``colophon identity export-public`` writes, from an identity card, or from a bundle (its signer).
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import keys
from .card import parse_card
from .catalog import Catalog, now_utc
from .claimant import PublicKeyInfo
from .errors import ColophonError, MalformedError, NotFoundError, UsageError
from .fsutil import read_at_most

MAX_SOURCE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    key: PublicKeyInfo
    added_at: str
    email: str | None = None
    #: the name the contact publishes under, from their identity card (when pinned from one)
    display_name: str | None = None
    #: contacts with the same number here are one person's keys (`add_contact`'s same_person)
    person: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name,
            "email": self.email,
            "keyid": self.key.keyid,
            "fingerprint": self.key.fingerprint,
            "added_at": self.added_at,
            "person": self.person,
        }


_COLUMNS = "id, name, public_key, added_at, email, display_name, person"
_BY_NAME = "ORDER BY name COLLATE NOCASE, id"


def list_contacts(catalog: Catalog) -> list[Contact]:
    rows = catalog.conn.execute(f"SELECT {_COLUMNS} FROM contacts {_BY_NAME}").fetchall()
    return [_contact(r) for r in rows]


def find_by_keyid(catalog: Catalog, keyid: str) -> Contact | None:
    row = catalog.conn.execute(
        f"SELECT {_COLUMNS} FROM contacts WHERE key_id = ?", (keyid,)
    ).fetchone()
    return None if row is None else _contact(row)


# -- what a verification asks: a few indexed look-ups, however many contacts there are ----------
def contacts_with_keys(catalog: Catalog, keyids: Iterable[str]) -> list[Contact]:
    """The contacts pinned to any of these keys, by name."""
    rows = catalog.conn.execute(
        f"SELECT {_COLUMNS} FROM contacts WHERE key_id IN (SELECT value FROM json_each(?)) "
        f"{_BY_NAME}",
        (json.dumps(sorted(set(keyids))),),
    ).fetchall()
    return [_contact(r) for r in rows]


def namesakes(catalog: Catalog, name: str, email: str | None) -> list[Contact]:
    """The contacts someone signing as ``name`` (``email``) could be taken for, by name.

    Those kept under that name, publishing it on their card, or with that email, as people
    compare them (`person_key`, `email_key`).
    """
    key = person_key(name)
    rows = catalog.conn.execute(
        f"SELECT {_COLUMNS} FROM contacts WHERE name_key = ? OR display_key = ? "
        f"OR email_key = ? {_BY_NAME}",
        (key, key, email_key(email)),
    ).fetchall()
    return [_contact(r) for r in rows]


def person_key(name: str) -> str:
    """A name as compared with another: Unicode-normalised, case-folded, spaces collapsed,
    without invisible formatting characters, and with Cyrillic and Greek letters that look like
    Latin ones read as those (a soft hyphen, or a Cyrillic "а", would otherwise make "Ada
    Lovelace" another name that looks the same). Stored keys follow it (migration 6)."""
    text = _visible(unicodedata.normalize("NFKC", name)).casefold()
    return " ".join(text.translate(_LOOK_ALIKES).split())


def email_key(email: str | None) -> str | None:
    """An email as compared with another: Unicode-normalised, trimmed, case-folded, without
    invisible formatting characters, look-alike letters read as Latin."""
    if email is None:
        return None
    return _visible(unicodedata.normalize("NFKC", email)).strip().casefold().translate(_LOOK_ALIKES)


# Cyrillic and Greek letters that, in lower case or as the capital they fold from, show as a
# Latin letter in common fonts (after Unicode's confusables list, for the letters names use).
_LOOK_ALIKES = str.maketrans(
    {
        **dict.fromkeys("аα", "a"),
        **dict.fromkeys("вβ", "b"),
        "с": "c",
        "ԁ": "d",
        **dict.fromkeys("еεё", "e"),
        "һ": "h",
        "η": "h",  # the capital eta, Η
        **dict.fromkeys("іιї", "i"),
        "ј": "j",
        **dict.fromkeys("кκ", "k"),
        **dict.fromkeys("мμ", "m"),  # the capitals М, Μ
        "н": "h",  # the capital Н
        "ν": "n",  # the capital Ν
        **dict.fromkeys("оο", "o"),
        **dict.fromkeys("рρ", "p"),
        "ԛ": "q",
        "ѕ": "s",
        **dict.fromkeys("тτ", "t"),
        **dict.fromkeys("уυ", "y"),
        "ԝ": "w",
        **dict.fromkeys("хχ", "x"),
        "ζ": "z",  # the capital Ζ
    }
)


def _visible(text: str) -> str:
    """``text`` without its formatting characters (Unicode category Cf), which show nothing."""
    if text.isprintable():  # in C, and true of almost every name: no Cf character in it
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


class UntrustedBundle(UsageError):
    """A bundle that gives no key to pin; ``result`` is its verification, which says why."""

    def __init__(self, message: str, result: Any) -> None:
        super().__init__(message)
        self.result = result


class SharedIdentity(UsageError):
    """A card in the name or with the email of another contact: ``contact`` is that one;
    ``by_email``: they share the email (one person's), not only a name."""

    def __init__(self, message: str, contact: Contact, by_email: bool) -> None:
        super().__init__(message)
        self.contact = contact
        self.by_email = by_email


def add_contact(
    catalog: Catalog,
    key: PublicKeyInfo,
    name: str,
    card: dict[str, Any] | None = None,
    *,
    same_person: Contact | bool = False,
    someone_else: bool = False,
) -> Contact:
    """Pin ``key`` under ``name``; refuses a key already pinned, naming its contact.

    A card in the name, or with the email, of another contact is refused (`SharedIdentity`)
    unless ``same_person`` says it is another key of that person (otherwise one contact could
    sign as the other and pass for them), or, for a name alone, ``someone_else`` says it is
    another person of that name: an email is one person's. ``same_person`` is the contact it is
    another key of, or True for the one contact the card shares a name or email with. The two
    are then kept as one person's keys: either may sign as that person.
    """
    name = name.strip()
    if not name:
        raise UsageError("A contact needs a name.")
    if same_person is not False and someone_else:
        raise UsageError("A key is either another key of a contact or someone else's, not both.")
    published = parse_card(card) if card is not None else None
    if published is not None and published.key.keyid != key.keyid:
        raise UsageError("The identity card names another key than the one to pin.")
    display_name = published.profile.display_name if published else None
    email = published.profile.email if published else None
    existing = find_by_keyid(catalog, key.keyid)
    if existing is not None:
        raise UsageError(f"This key is already pinned as the contact {existing.name!r}.")
    check_not_compromised(catalog, key)
    shared = _sharing_identity(catalog, published.profile if published else None)
    by_email = [c for c in shared if email is not None and email_key(email) == email_key(c.email)]
    if someone_else and not by_email:
        shared = []  # namesakes only, and said to be other people: nothing to link
    if shared and same_person is False:
        other = (by_email or shared)[0]
        said = f"{display_name} <{email}>" if email else display_name or name
        raise SharedIdentity(
            f"This card is in the name of {said}, with the {'email' if by_email else 'name'} "
            f"of your contact {other.name!r} (key {other.key.fingerprint}). Trust it only if it "
            "is another key of that same person"
            + ("." if by_email else ", or if you know it is someone else of that name."),
            other,
            bool(by_email),
        )
    _check_name_free(catalog, name)
    if isinstance(same_person, Contact):  # as it is now: it may have joined a person since
        same_person = find_by_keyid(catalog, same_person.key.keyid) or same_person
    owner = _owner(same_person, shared, by_email) if same_person is not False else None
    with catalog.transaction() as conn:
        person = None
        if owner is not None:  # one person's keys share a number, never one used before
            person = owner.person or _new_person(conn)
            conn.execute("UPDATE contacts SET person = ? WHERE id = ?", (person, owner.id))
        cursor = conn.execute(
            "INSERT INTO contacts (name, key_id, public_key, fingerprint, card, added_at, "
            "display_name, email, name_key, display_key, email_key, person) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                key.keyid,
                key.hex,
                key.fingerprint,
                json.dumps(card) if card is not None else None,
                now_utc(),
                display_name,
                email,
                person_key(name),
                person_key(display_name) if display_name else None,
                email_key(email),
                person,
            ),
        )
    found = find_by_keyid(catalog, key.keyid)
    assert found is not None and found.id == cursor.lastrowid
    return found


def _owner(same_person: Contact | bool, shared: list[Contact], by_email: list[Contact]) -> Contact:
    """The contact a new key is another key of, as ``same_person`` says; `UsageError` if that
    is unclear, or if the card has the email of a contact who is not that person."""
    if isinstance(same_person, Contact):
        owner = same_person
    else:
        candidates = {c.person or -c.id: c for c in (by_email or shared)}
        if len(candidates) != 1:
            names = ", ".join(repr(c.name) for c in (by_email or shared)) or "none"
            raise UsageError(
                f"Say which contact this is another key of (contacts with its name or email: "
                f"{names})."
            )
        owner = next(iter(candidates.values()))
    strangers = [
        c for c in by_email if c.id != owner.id and (c.person is None or c.person != owner.person)
    ]
    if strangers:
        raise UsageError(
            f"This card has the email of your contact {strangers[0].name!r}, not of "
            f"{owner.name!r}: an email is one person's."
        )
    return owner


def _new_person(conn: Any) -> int:
    # One more than any in use: a number left by removed contacts is taken again only when no
    # contact holds it any more.
    return int(conn.execute("SELECT COALESCE(MAX(person), 0) + 1 FROM contacts").fetchone()[0])


def key_news(catalog: Catalog, contacts: Iterable[Contact]) -> dict[str, str]:
    """What this catalog has learnt about the contacts' keys since: revoked or replaced.

    By key id, in words ("revoked (retired) from …"); a key with no event is left out. The last
    event about a key is the one that counts, a revocation over a rotation.
    """
    from .identity import Identity  # the events this catalog has learnt (identity imports us)

    news: dict[str, str] = {}
    for event in Identity(catalog).events_about([c.key.keyid for c in contacts]):
        if event.event == "revocation" or event.keyid not in news:
            news[event.keyid] = event.describe()
    return news


def check_not_compromised(catalog: Catalog, key: PublicKeyInfo) -> None:
    """`UsageError` if this catalog has learnt that ``key`` was revoked as compromised.

    A key revoked for another reason still vouches for what it signed before; a stolen one
    vouches for nothing, so it is not pinned.
    """
    from .identity import Identity  # the events this catalog has learnt (identity imports us)

    for event in Identity(catalog).events_about([key.keyid]):
        if event.event == "revocation" and event.reason == "compromised":
            raise UsageError(
                f"This key was {event.describe()}: it cannot be trusted. Ask its owner for "
                "their new key."
            )


def rename_contact(catalog: Catalog, ref: str, new_name: str) -> Contact:
    """Keep the contact with this id, name, key id or fingerprint under ``new_name``."""
    contact = resolve(catalog, ref)
    name = new_name.strip()
    if not name:
        raise UsageError("A contact needs a name.")
    if name == contact.name:
        return contact
    _check_name_free(catalog, name, but=contact.id)
    with catalog.transaction() as conn:
        conn.execute(
            "UPDATE contacts SET name = ?, name_key = ? WHERE id = ?",
            (name, person_key(name), contact.id),
        )
    renamed = find_by_keyid(catalog, contact.key.keyid)
    assert renamed is not None
    return renamed


def name_taken(catalog: Catalog, name: str, *, but: int | None = None) -> str | None:
    """Why ``name`` cannot name a new contact (another one has it), or None: a name picks one
    contact, in lists and commands. ``but``: the id of a contact being renamed."""
    taken = catalog.conn.execute(
        "SELECT name, fingerprint FROM contacts WHERE name_key = ? AND id IS NOT ?",
        (person_key(name), but),
    ).fetchone()
    if taken is None:
        return None
    return f"A contact named {taken[0]!r} already exists (key {taken[1]}); choose another name."


def _check_name_free(catalog: Catalog, name: str, *, but: int | None = None) -> None:
    """Refuse a name another contact has (`name_taken`)."""
    problem = name_taken(catalog, name, but=but)
    if problem is not None:
        raise UsageError(problem)


def _sharing_identity(catalog: Catalog, profile: Any) -> list[Contact]:
    """The contacts one pinned from a card of ``profile`` (if any) could be taken for: those
    with its email, or with its name where either has no email to tell them apart (two people
    may share a name, not an address)."""
    if profile is None:
        return []
    mine = email_key(profile.email)
    return [
        other
        for other in namesakes(catalog, profile.display_name, profile.email)
        if not (mine is not None and other.email is not None and mine != email_key(other.email))
    ]


def remove_contact(catalog: Catalog, ref: str) -> Contact:
    """Remove the contact with this id, name, key id or fingerprint."""
    contact = resolve(catalog, ref)
    with catalog.transaction() as conn:
        conn.execute("DELETE FROM contacts WHERE id = ?", (contact.id,))
    return contact


def resolve(catalog: Catalog, ref: str) -> Contact:
    """The one contact with this id, name (compared as `person_key` does), key id or fingerprint."""
    text = ref.strip()
    try:
        fingerprint: str | None = keys.normalize_fingerprint(text)
    except UsageError:  # not a fingerprint: an id, a name or a key id
        fingerprint = None
    name = person_key(text)
    contacts = list_contacts(catalog)
    matches = [
        c
        for c in contacts
        if str(c.id) == text
        or person_key(c.name) == name
        or c.key.keyid == text.lower()
        or c.key.fingerprint == fingerprint
    ]
    if not matches:
        raise NotFoundError(f"No contact {ref!r}.")
    if len(matches) > 1:
        raise UsageError(f"{ref!r} names several contacts; use the contact's id.")
    return matches[0]


@dataclass(frozen=True)
class ContactSource:
    """A key to pin, read from a file, with the identity card and the name that came with it."""

    key: PublicKeyInfo
    card: dict[str, Any] | None
    #: the name the key's holder uses (from the card or the claim), if the file carries one
    name: str | None


def read_contact_source(path: str | os.PathLike[str]) -> ContactSource:
    """The key in a public key file, an identity card, a bundle or a bare envelope.

    A bundle or envelope gives its signer's key only if it is intact (signed, unaltered and
    well-formed) and carries no revocation of that key; otherwise `UsageError` says why it
    cannot be trusted.
    """
    from .verify import Outcome, verify  # verify reads the contacts: not imported at the top

    source = Path(path)
    if source.is_dir():
        raise UsageError(f"{source} is a folder, not a key, an identity card or a bundle.")
    if not source.is_file():
        raise NotFoundError(f"There is no file {source}.")
    with open(source, "rb") as fh:
        head = fh.read(64).lstrip()
    if head.startswith(b"PK") or source.name.endswith(".intoto.json") or _is_claim(source, head):
        result = verify(source, None)
        if (
            not result.outcome.intact
            or result.claim is None
            or result.revoked_by is not None
            or result.outcome is Outcome.KEY_MISMATCH  # a foreign card, or an impostor's name
        ):
            # a key the bundle itself says was revoked is no key to pin
            said = result.message[:1].lower() + result.message[1:]
            raise UntrustedBundle(f"This bundle cannot be trusted: {said}", result)
        card = result.card.envelope if result.card is not None else None
        return ContactSource(result.claim.key, card, result.claim.claimant["displayName"])
    key, card = read_key_source(source)
    name = parse_card(card).profile.display_name if card is not None else None
    return ContactSource(key, card, name)


def _is_claim(source: Path, head: bytes) -> bool:
    """Whether a JSON file is a claim's bare envelope, whatever it is named (an identity card
    is a signed envelope too, of another payload type)."""
    if not head.startswith(b"{"):
        return False
    from . import dsse
    from .bundle import read_bundle

    try:
        found = read_bundle(source)
    except ColophonError:
        return False  # not an envelope: read as a key or a card, which says what is wrong
    return found.bare and found.envelope.payload_type == dsse.PAYLOAD_TYPE_INTOTO


def read_key_source(path: str | os.PathLike[str]) -> tuple[PublicKeyInfo, dict[str, Any] | None]:
    """The key in an exported public key file or an identity card (and the card, if it is one).

    Bundles are read by `read_contact_source`, which verifies them first.
    """
    source = Path(path)
    try:
        data = read_at_most(source, MAX_SOURCE_BYTES)
    except FileNotFoundError:
        raise NotFoundError(f"There is no file {source}.") from None
    except OSError as exc:
        raise MalformedError(source.name, f"cannot be read ({exc.strerror}).") from exc
    if data is None:
        raise MalformedError(source.name, "is too large to be a key or identity card.")
    if data.lstrip().startswith(b"{"):
        card = parse_card(data)
        return card.key, card.envelope
    text = data.decode("utf-8", errors="replace")
    rest = ""
    end = "-----END PUBLIC KEY-----"
    if "-----BEGIN PUBLIC KEY-----" in text and end in text:
        # export-public writes the PEM block, then the same key as an ssh line
        cut = text.index(end) + len(end)
        text, rest = text[:cut], text[cut:].strip()
    try:
        key = keys.load_public(text.strip())
        if rest and keys.public_raw(keys.load_public(rest)) != keys.public_raw(key):
            raise MalformedError(source.name, "holds two different keys; which one is meant?")
    except keys.KeyFormatError as exc:
        raise MalformedError(source.name, exc.message) from exc
    return PublicKeyInfo.of(key), None


def _contact(row: tuple[Any, ...]) -> Contact:
    cid, name, public_hex, added_at, email, display_name, person = row
    key = PublicKeyInfo.from_hex(public_hex)
    return Contact(cid, name, key, added_at, email, display_name, person)
