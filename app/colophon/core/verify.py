"""Verifying anyone's claim: one outcome with a stable code and a sentence, never a crash.

The procedure is resources/spec/claim-bundle.md §9.2, step by step; the first failing step
decides the outcome. Only `Outcome.VALID` means the claim can be relied on. Input is hostile:
every parse goes through the strict readers, and nothing is extracted to disk.
"""

from __future__ import annotations

import enum
import hashlib
import os
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import dsse, strictjson
from .background import workers
from .bundle import IDENTITY, SELF_SIGNED, SUMMARY, BundleFile, read_bundle
from .card import PAYLOAD_TYPE as CARD_PAYLOAD_TYPE
from .card import IdentityCard, parse_card
from .catalog import Catalog
from .claim import (
    MAX_STATEMENT_BYTES,
    THUMBNAILS,
    Claim,
    UnsupportedVersion,
    parse_statement,
    thumbnail_of,
)
from .contacts import (
    Contact,
    contacts_with_keys,
    email_key,
    namesakes,
    person_key,
)
from .errors import MalformedError, SignatureError
from .identity import Identity, KeyRecord, record_events
from .keyevents import PAYLOAD_TYPE as EVENT_PAYLOAD_TYPE
from .keyevents import KeyEvent, covering, parse_events_file, reachable, rfc3339
from .match import match_folder
from .profile import Profile
from .progress import Progress
from .walk import Skipped, existing


class Outcome(enum.StrEnum):
    VALID = "valid"
    UNKNOWN_SIGNER = "unknown_signer"
    KEY_MISMATCH = "key_mismatch"
    REVOKED = "revoked"
    TAMPERED = "tampered"
    SIGNATURE_INVALID = "signature_invalid"
    UNSUPPORTED_VERSION = "unsupported_version"
    MALFORMED = "malformed"

    @property
    def intact(self) -> bool:
        """Signed, unaltered and well-formed, whatever is known about the signer."""
        return self in (
            Outcome.VALID,
            Outcome.UNKNOWN_SIGNER,
            Outcome.KEY_MISMATCH,
            Outcome.REVOKED,
        )


@dataclass
class Signer:
    name: str
    email: str | None
    keyid: str
    fingerprint: str
    trust: str  # "you", "contact" or "unknown"
    contact: str | None = None  # the pinned contact's name

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class VerifyResult:
    path: Path
    outcome: Outcome
    message: str
    bare: bool = False
    part: str | None = None  # where a malformed input broke the rules
    claim: Claim | None = None
    #: the bundle's identity card, checked, when the claim is intact and the card names its key
    card: IdentityCard | None = None
    signer: Signer | None = None
    revoked_by: KeyEvent | None = None
    matches: dict[str, list[str]] | None = None  # work digest -> local files
    #: work digest -> local files that are near copies (resized, re-encoded), with the distance
    near: dict[str, list[tuple[str, int]]] | None = None
    unmatched: list[str] | None = None
    #: with ``against``: the local files and folders that could not be read, and why
    skipped: list[Skipped] | None = None
    #: for a key mismatch: the key that was expected (``contact``: its contact's name, or None
    #: for your own key; ``fingerprint``)
    expected: dict[str, Any] | None = None
    #: the bundle's thumbnails by their work's digest, as signed: only when asked for (`verify`'s
    #: ``thumbnails``) and only from a bundle whose members are intact
    thumbnails: dict[str, bytes] | None = None

    @property
    def valid(self) -> bool:
        return self.outcome is Outcome.VALID

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": str(self.path),
            "outcome": self.outcome.value,
            "valid": self.valid,
            "message": self.message,
            "bare_envelope": self.bare,
        }
        if self.part:
            out["part"] = self.part
        if self.signer:
            out["signer"] = self.signer.to_dict()
        if self.expected:
            out["expected_key"] = self.expected
        if self.revoked_by:
            out["revoked"] = {
                "event": self.revoked_by.event,
                "reason": self.revoked_by.reason,
                "effective": rfc3339(self.revoked_by.effective),
            }
        if self.claim is not None:
            p = self.claim.predicate
            out["claim"] = {
                "issuedAt": p["issuedAt"],
                "terms": p["terms"],
                "equivalents": p["equivalents"],
                "compensation": p["compensation"],
                "paymentChannels": p["claimant"].get("paymentChannels", []),
                "license": p.get("license"),
                "works": len(p["works"]),
            }
            out["works"] = [
                {
                    "digest": w["digest"]["sha256"],
                    "title": w["title"],
                    "kind": w["kind"],
                    **{k: w[k] for k in ("created", "contributors") if k in w},
                    "terms": self.claim.effective_terms(i),
                    **(
                        {
                            "local_files": self.matches.get(w["digest"]["sha256"], []),
                            "local_near_copies": [
                                {"path": path, "distance": distance}
                                for path, distance in (self.near or {}).get(
                                    w["digest"]["sha256"], []
                                )
                            ],
                        }
                        if self.matches is not None
                        else {}
                    ),
                }
                for i, w in enumerate(self.claim.works)
            ]
        if self.unmatched is not None:
            out["unmatched_local_files"] = self.unmatched
        if self.skipped is not None:
            out["skipped_local_files"] = [
                {"path": s.path, "reason": s.reason} for s in self.skipped
            ]
        return out


def verify(
    path: str | os.PathLike[str],
    catalog: Catalog | None = None,
    *,
    against: Iterable[str | os.PathLike[str]] = (),
    progress: Progress | None = None,
    thumbnails: bool = False,
) -> VerifyResult:
    """Verify the bundle or bare envelope at ``path`` with the trust kept in ``catalog``.

    ``against``: folders (or files) to look for the claimed works in; one that does not exist is
    a `NotFoundError`, raised before the bundle is read. ``thumbnails``: keep the pictures the
    bundle carries in the result (`VerifyResult.thumbnails`), from the very bytes checked, so a
    viewer never reads the file again (it may have changed since).
    """
    folders = existing(against)
    source = Path(path)
    try:
        result = _verify(source, catalog, thumbnails)
    except MalformedError as exc:
        result = VerifyResult(
            source, Outcome.MALFORMED, f"Not a valid claim: {exc.message}", part=exc.part
        )
    except UnsupportedVersion as exc:
        result = VerifyResult(source, Outcome.UNSUPPORTED_VERSION, exc.message)
    except SignatureError as exc:  # an identity card or key event that does not verify
        result = VerifyResult(source, Outcome.SIGNATURE_INVALID, exc.message)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        # Input shaped in a way no rule above foresaw is still just malformed input.
        result = VerifyResult(
            source,
            Outcome.MALFORMED,
            "Not a valid claim: its structure could not be read.",
            part=type(exc).__name__,
        )
    if folders and result.claim is not None and result.outcome.intact:
        subjects = result.claim.subjects
        found = match_folder(
            [s["digest"]["sha256"] for s in subjects], folders, progress, _fingerprints(subjects)
        )
        result.matches, result.near, result.unmatched = found.exact, found.near, found.unmatched
        result.skipped = found.skipped
    return result


def _fingerprints(subjects: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """The content fingerprints the claim gives its works, by digest (a bad one is left out)."""
    from .fingerprint import codes_from_annotations  # iscc-core: only when a folder is checked

    codes = {}
    for subject in subjects:
        if "annotations" in subject:
            try:
                codes[subject["digest"]["sha256"]] = codes_from_annotations(subject["annotations"])
            except MalformedError:
                continue  # a bad fingerprint only loses near matching for this work
    return codes


# Not while matching a folder, which may take minutes: only while reading the claim.
@strictjson.gc_paused()  # a large claim is millions of small objects, none of them garbage
def _verify(source: Path, catalog: Catalog | None, thumbnails: bool = False) -> VerifyResult:
    bundle = read_bundle(source, crc_later=True)  # 1. container, 2. envelope
    try:
        return _check_envelope(source, catalog, bundle, thumbnails)
    finally:
        # The CRC checks went on meanwhile on another core: a damaged member is what is
        # reported, whatever the steps after it found (raised here, this replaces their outcome).
        bundle.check_crc()


def _check_envelope(
    source: Path, catalog: Catalog | None, bundle: BundleFile, thumbnails: bool
) -> VerifyResult:
    envelope = bundle.envelope
    if envelope.payload_type != dsse.PAYLOAD_TYPE_INTOTO:
        raise UnsupportedVersion(_not_a_claim(envelope.payload_type))
    head_start = _check_signature_early(bundle)
    # Step 8's hashing, done on another core while the claim is read (hashlib lets go of the
    # interpreter): a bundle's pictures can add up to more bytes than its claim.
    stop = threading.Event()
    digests = None if bundle.bare else workers().submit(_digests, bundle.members, stop)
    try:
        return _check_claim(source, catalog, bundle, head_start, digests, thumbnails)
    finally:
        stop.set()  # a claim refused before step 8 needs no digests: the hashing stops


def _not_a_claim(payload_type: str) -> str:
    """What a signed envelope of another kind is, and where it goes instead of `verify`."""
    if payload_type == CARD_PAYLOAD_TYPE:
        return (
            "This is an identity card, not a claim: it says who holds a key. To trust that key, "
            "add it to your contacts (colophon contacts add FILE)."
        )
    if payload_type == EVENT_PAYLOAD_TYPE:
        return (
            "This is a key rotation or revocation, not a claim. To learn it, add it to your "
            "contacts (colophon contacts add FILE)."
        )
    return f"The envelope holds {payload_type[:100]!r}, not a claim."


def _check_claim(
    source: Path,
    catalog: Catalog | None,
    bundle: BundleFile,
    head_start: tuple[IdentityCard, Future[bytes]] | None,
    digests: Future[dict[str, str]] | None,
    thumbnails: bool = False,
) -> VerifyResult:
    """Steps 3 to 10 of `_verify`, with the signature check and the members' digests under
    way on other threads; the checked thumbnails kept if asked for."""
    envelope = bundle.envelope
    # 3. Its depth is left to `parse_statement`: bounded by the schema, and measured where that
    # leaves it open or before a refusal that comes ahead of the schema. Measuring it in the
    # bytes would take a tenth of the time here.
    statement = strictjson.loads(
        envelope.payload, max_bytes=MAX_STATEMENT_BYTES, max_depth=None, part="statement"
    )
    claim = parse_statement(statement)  # 3.–5.
    found = VerifyResult(source, Outcome.VALID, "", bare=bundle.bare, claim=claim)
    try:  # 6.
        if head_start is not None and head_start[0].key.hex == claim.key.hex:
            head_start[1].result()
        else:
            dsse.verify(envelope, claim.key.key, claim.key.keyid)
    except SignatureError:
        found.outcome, found.message = (
            Outcome.SIGNATURE_INVALID,
            (
                "The signature does not match: the claim was altered, "
                "or it was not signed by the key it names."
            ),
        )
        found.claim = None  # its content cannot be relied on, so it is not shown
        return found
    if not bundle.bare:
        read = head_start[0] if head_start is not None else None
        problem, card = _check_card(bundle, claim, read)  # 7.
        # 8. Even after a card naming another key: the members could be altered as well.
        problem = _check_members(bundle, claim, digests.result() if digests else {}) or problem
        if problem:
            found.outcome, found.message = problem
            if problem[0] is Outcome.KEY_MISMATCH:  # an intact claim: who signed it is known
                found.signer = _signer(claim, _Trust.of(catalog, bundle, claim, learn=False))
            else:
                found.claim = None
            return found
        found.card = card
        if thumbnails:  # every member is the one signed (step 8)
            found.thumbnails = {
                thumbnail_of(name): bytes(data)
                for name, data in bundle.members.items()
                if name.startswith(THUMBNAILS)
            }
    trust = _Trust.of(catalog, bundle, claim)  # 9.
    found.signer = _signer(claim, trust)
    revoked = covering(claim.key.keyid, claim.issued_at, trust.events)
    if revoked is not None:
        found.outcome, found.revoked_by = Outcome.REVOKED, revoked
        found.message = (
            f"Signed by a key that was {revoked.describe()}; this claim must not be relied on."
        )
        return found
    found.outcome, found.message, found.expected = _trust(found.signer, trust)  # 10.
    if bundle.bare:
        found.message += " (A bare envelope: the bundle's other files were not checked.)"
    return found


def _check_signature_early(bundle: BundleFile) -> tuple[IdentityCard, Future[bytes]] | None:
    """Start checking the envelope's signature with the identity card's key, if it has one.

    Returns the card, read and checked (step 7 uses it too), and the signature check's future
    result. The claim names the key that must have signed it, but reading the claim takes
    longest of all; the card (small, and usually naming the same key) is read first so the
    signature is checked meanwhile on another thread. Nothing is decided here: step 6 uses the
    result only if the claim names that very key, and a card that cannot be read is reported by
    step 7.
    """
    if bundle.identity_card is None:
        return None
    try:
        card = parse_card(bundle.identity_card, part=IDENTITY)
    except Exception:  # any fault is step 7's to report, not this head start's
        return None
    return card, dsse.verify_soon(bundle.envelope, card.key.key, card.key.keyid)


def _check_card(
    bundle: BundleFile, claim: Claim, read: IdentityCard | None = None
) -> tuple[tuple[Outcome, str] | None, IdentityCard | None]:
    """The problem with the bundle's identity card, if any, and the card when it has none.

    ``read`` is the card as the signature head start already read it from the same bytes.
    """
    try:
        card = read or parse_card(bundle.members[IDENTITY], part=IDENTITY)
    except SignatureError:
        return (Outcome.SIGNATURE_INVALID, "The identity card's signature does not match."), None
    if card.key.keyid != claim.key.keyid:
        return (
            Outcome.KEY_MISMATCH,
            f"The identity card names another key ({card.key.fingerprint}) than the one that "
            f"signed the claim ({claim.key.fingerprint}).",
        ), None
    shown, person = card.claimant, claim.claimant
    if (shown["displayName"], shown.get("email")) != (person["displayName"], person.get("email")):
        # the card is shown, and pinned, as the person: it must be the claim's
        raise MalformedError(IDENTITY, "names another person than the claim (name or email).")
    return None, card


def _digests(members: dict[str, bytes | memoryview], stop: threading.Event) -> dict[str, str]:
    """The SHA-256 of each member the claim lists (all but those signed on their own); the
    members not reached when ``stop`` is set are left out."""
    found = {}
    for name, data in members.items():
        if stop.is_set():
            break
        if name not in SELF_SIGNED:
            found[name] = hashlib.sha256(data).hexdigest()
    return found


def _check_members(
    bundle: BundleFile, claim: Claim, digests: dict[str, str]
) -> tuple[Outcome, str] | None:
    """The bundle's problem with the members the claim lists, whose ``digests`` are given."""
    listed = {m.name: m.sha256 for m in claim.members}
    for name, digest in listed.items():
        if name not in bundle.members:
            return Outcome.TAMPERED, f"{_member_words(name)} listed in the claim is missing."
        if digests.get(name) != digest:
            return Outcome.TAMPERED, f"{_member_words(name)} was altered after signing."
    for name in bundle.members:
        if name not in listed and name not in SELF_SIGNED:
            return Outcome.TAMPERED, f"The file {name} was added after signing."
    return None


def _member_words(name: str) -> str:
    """A listed member of a bundle, for people: what it is, then its name in the bundle."""
    if name == SUMMARY:
        return f"The summary page ({name})"
    if name.startswith(THUMBNAILS):
        return f"The preview picture of a work ({name})"
    return f"The file {name}"


@dataclass
class _Trust:
    """What the verifier knows and trusts about one claim's signer, read once per verification."""

    own_keys: list[KeyRecord]
    own_profile: Profile | None
    events: list[KeyEvent]  # the key events that bear on this claim, oldest first
    chain: list[KeyEvent]  # the rotations that may carry trust (see `_chain`)
    pinned: list[Contact]  # contacts pinned to the signer's key or to a key rotated to it
    namesakes: list[Contact]  # contacts with the signer's name or email

    @classmethod
    def of(
        cls, catalog: Catalog | None, bundle: BundleFile, claim: Claim, *, learn: bool = True
    ) -> _Trust:
        """What ``catalog`` knows of the signer of ``claim``, with the key events ``bundle``
        carries (kept for later) unless not to ``learn`` from it (an altered bundle)."""
        carried = parse_events_file(bundle.events) if learn and bundle.events is not None else []
        if catalog is None:
            return cls([], None, carried, [], [], [])
        identity = Identity(catalog)
        signer = claim.key.keyid
        if carried:  # learnt for good: a later claim may need them
            record_events(catalog, _worth_keeping(carried, signer, catalog, identity))
        events = _events_behind(identity, signer)
        chain = _chain(events)
        person = claim.claimant
        return cls(
            identity.keys(),
            identity.profile(),
            events,
            chain,
            contacts_with_keys(catalog, {signer} | {e.keyid for e in chain}),
            namesakes(catalog, person["displayName"], person.get("email")),
        )


def _worth_keeping(
    carried: list[KeyEvent], signer: str, catalog: Catalog, identity: Identity
) -> list[KeyEvent]:
    """The carried events a verifier keeps: those that can bear on this signer's claims.

    An events file is not covered by the claim's signature, so anyone can pad one with events
    of keys they made for the purpose; kept, each would be read and checked again at every
    later verification of the key they name. Kept are the events about the signer's key and
    the keys rotated, in turn, to it; and of rotations, only those the new key signed too, or
    that hand over from a key this verifier knows (pinned, its own, or one a kept rotation hands
    over to): a rotation signed by its old key alone carries trust from nowhere else
    (`_signer`), and a bundle that needs it carries it. Revocations of keys this verifier knows
    are kept too, whoever's bundle brings them (a creator's next bundle, after a new key, is
    where the news that the old one was stolen travels).
    """
    keys, frontier = {signer}, {signer}
    while frontier:
        frontier = {
            e.keyid for e in carried if e.new_key is not None and e.new_key.keyid in frontier
        } - keys
        keys |= frontier
    revoked = {e.keyid for e in carried if e.event == "revocation"} - keys
    asked = keys | revoked
    # among them, the keys this verifier knows: its own, pinned, or handed over to by a rotation
    # it kept before
    held = identity.keys()  # the key records this catalog has held (not a dict)
    known = {record.keyid for record in held} & asked
    known |= {c.key.keyid for c in contacts_with_keys(catalog, asked)}
    known |= identity.rotated_into(asked)
    keys |= revoked & known
    about = [e for e in carried if e.keyid in keys]
    kept: list[KeyEvent] = []
    for _ in range(len(about) + 1):  # each pass reaches one more step along a chain of rotations
        kept = [e for e in about if e.event != "rotation" or e.consented or e.keyid in known]
        reached = {e.new_key.keyid for e in kept if e.new_key is not None} - known
        if not reached:
            break
        known |= reached
    return kept


def _events_behind(identity: Identity, signer: str) -> list[KeyEvent]:
    """The recorded events about the signer's key and about every key rotated, in turn, to it.

    Trust reaches the signer only from a pinned key along rotations that end at the signer's
    key, and a claim is withdrawn only by an event about its own key, so nothing else bears on a
    verification. The rotations are followed backwards from the signer's key, by the key each
    one hands over to; a catalog may have learnt thousands of events about other keys (strangers'
    or contacts'), and they are not read, let alone checked. The events are read oldest first,
    the order that `covering` and `successors` read them in.
    """
    keys, frontier = {signer}, {signer}
    while frontier:
        frontier = identity.keys_rotated_to(frontier) - keys
        keys |= frontier
    return identity.events_about(keys)


def _signer(claim: Claim, trust: _Trust) -> Signer:
    person = claim.claimant
    signer = Signer(
        name=person["displayName"],
        email=person.get("email"),
        keyid=claim.key.keyid,
        fingerprint=claim.key.fingerprint,
        trust="unknown",
    )
    keyid = claim.key.keyid
    if any(k.keyid == keyid for k in trust.own_keys):
        signer.trust = "you"
        return signer
    # Along rotations the new key signed too, trust reaches the signer whatever name it now
    # uses. Along one signed by the old key alone (as other tools may make them), only a key that
    # signs under the name or email the contact published (when it was pinned from a card or a
    # bundle): otherwise a key could name someone else's as its successor, and that person's
    # claims would read as its own.
    name, email = person_key(signer.name), email_key(signer.email)
    agreed = [e for e in trust.chain if e.consented]
    contact = next((c for c in trust.pinned if c.key.keyid == keyid), None) or next(
        (
            c
            for c in trust.pinned
            if reachable(c.key.keyid, keyid, agreed)
            or (
                reachable(c.key.keyid, keyid, trust.chain)
                and ((c.display_name is None and c.email is None) or _names(c, name, email))
            )
        ),
        None,
    )
    if contact is not None:
        signer.trust, signer.contact = "contact", contact.name
    return signer


def _trust(signer: Signer, trust: _Trust) -> tuple[Outcome, str, dict[str, Any] | None]:
    """The outcome and message of step 10, and for a key mismatch the key that was expected."""
    if signer.trust == "you":
        return Outcome.VALID, "Valid: signed by your own key and unaltered.", None
    name, email = person_key(signer.name), email_key(signer.email)
    own = next((c for c in trust.pinned if c.name == signer.contact), None)
    as_itself = own is not None and _is_own(own, name, email)
    # A contact signing as itself (its name, and its email if any), or as another key of the
    # same person (`add_contact` asks), may share name and email with that other contact; in
    # another contact's name or with their email, it is treated like any stranger who does.
    for contact in [] if as_itself else trust.namesakes:
        if own is not None and (
            contact.id == own.id or (own.person is not None and contact.person == own.person)
        ):
            continue  # itself, or another key of the same person (as the verifier said)
        if not reachable(contact.key.keyid, signer.keyid, trust.chain):
            by = f" with the key of your contact {signer.contact}," if own is not None else ","
            return (
                Outcome.KEY_MISMATCH,
                f"Warning: signed as {signer.name}{by} but not with the key you pinned for "
                f"{contact.name}. It may be an impostor; check the fingerprint with them (if "
                "they made a new key, trust it anew once it matches).",
                {"contact": contact.name, "fingerprint": contact.key.fingerprint},
            )
    profile = trust.own_profile
    posing_as_you = profile is not None and (
        name == person_key(profile.display_name)
        or (email is not None and email_key(profile.email) == email)
    )
    if (
        posing_as_you
        and not as_itself
        and not any(reachable(r.keyid, signer.keyid, trust.chain) for r in trust.own_keys)
    ):
        active = [k for k in trust.own_keys if k.status == "active"] or trust.own_keys
        yours = active[-1].fingerprint if active else None
        return (
            Outcome.KEY_MISMATCH,
            f"Warning: signed as {signer.name}, which is your own name or email, but "
            "not with your key. Someone may be posing as you.",
            {"contact": None, "fingerprint": yours},
        )
    if own is not None:
        said = signer.name + (f" <{signer.email}>" if signer.email else "")
        alias = "" if as_itself else f" (signing as {said})"
        message = f"Valid: signed by your contact {own.name}{alias} and unaltered."
        return Outcome.VALID, message, None
    return (
        Outcome.UNKNOWN_SIGNER,
        f"Intact, but signed by a key you have not trusted yet ({signer.name}, fingerprint "
        f"{signer.fingerprint}). Compare the fingerprint with the creator before trusting it.",
        None,
    )


def _is_own(contact: Contact, name: str, email: str | None) -> bool:
    """Whether a signer's name and email (if it gives one) are both the contact's own."""
    return name in (person_key(contact.name), person_key(contact.display_name or "")) and (
        email is None or email == email_key(contact.email)
    )


def _names(contact: Contact, name: str, email: str | None) -> bool:
    """Whether a signer's name (``person_key``) or email (``email_key``) is the contact's own."""
    return (
        name == person_key(contact.name)
        or name == person_key(contact.display_name or "")
        or (email is not None and email == email_key(contact.email))
    )


def _chain(events: list[KeyEvent]) -> list[KeyEvent]:
    """The rotations that may carry trust from a pinned key to its successor.

    A rotation made by a key that was revoked as compromised proves nothing (whoever stole the
    key can sign one, back-dated), nor does one a key made once it was revoked for any other
    reason (a retired key that leaks later), and neither do two rotations of one key naming
    different successors: trust then stops at that key, and the new key has to be pinned again.
    """
    compromised = {e.keyid for e in events if e.event == "revocation" and e.reason == "compromised"}
    revoked: dict[str, datetime] = {}
    named: dict[str, set[str]] = {}
    for e in events:
        if e.event == "revocation":
            revoked[e.keyid] = min(e.effective, revoked.get(e.keyid, e.effective))
        elif e.new_key is not None:
            named.setdefault(e.keyid, set()).add(e.new_key.keyid)
    return [
        e
        for e in events
        if e.event == "rotation"
        and e.keyid not in compromised
        and len(named[e.keyid]) == 1
        and not (e.keyid in revoked and max(e.effective, e.issued_at) >= revoked[e.keyid])
    ]
