"""The identity card: a creator's profile and public key, signed by that key.

It is what one person hands another to be pinned as a contact after comparing fingerprints, and
it travels in every bundle as ``identity.json`` (spec: claim-bundle.md, 10.1). Being self-signed,
it proves only that whoever holds the key wrote it; the fingerprint check makes it trustworthy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import dsse, strictjson
from .claimant import PublicKeyInfo, claimant, profile_from_claimant
from .errors import MalformedError, SignatureError
from .keyevents import parse_time, rfc3339
from .profile import Profile, ProfileError

PAYLOAD_TYPE = "application/vnd.colophon.identity+json"
CARD_TYPE = "https://colophon.example/identity/v1"
MAX_CARD_BYTES = 1024 * 1024


@dataclass(frozen=True)
class IdentityCard:
    profile: Profile
    key: PublicKeyInfo
    issued_at: datetime
    claimant: dict[str, Any]
    envelope: dict[str, Any]


def make_card(private: Ed25519PrivateKey, profile: Profile, now: datetime | None = None) -> dict:
    """Sign a card for ``profile`` with ``private``; returns the envelope as a dict."""
    body = {
        "_type": CARD_TYPE,
        "claimant": claimant(profile, PublicKeyInfo.of(private.public_key())),
        "issuedAt": rfc3339(now or datetime.now(UTC)),
    }
    return dsse.sign(strictjson.dumps(body), PAYLOAD_TYPE, private)


def parse_card(source: Any, part: str = "identity card") -> IdentityCard:
    """Read a card strictly and check its self-signature; `MalformedError`/`SignatureError`."""
    envelope = dsse.parse(source, max_bytes=MAX_CARD_BYTES, part=part)
    if envelope.payload_type != PAYLOAD_TYPE:
        raise MalformedError(f"{part}.payloadType", f"must be {PAYLOAD_TYPE}.")
    body = strictjson.loads(envelope.payload, part=f"{part} payload")
    if not isinstance(body, dict) or set(body) != {"_type", "claimant", "issuedAt"}:
        raise MalformedError(part, "must have exactly the fields _type, claimant, issuedAt.")
    if body["_type"] != CARD_TYPE:
        raise MalformedError(f"{part}._type", f"must be {CARD_TYPE}.")
    person = body["claimant"]
    if not isinstance(person, dict) or "publicKey" not in person:
        raise MalformedError(f"{part}.claimant", "must be an object with a publicKey.")
    key = PublicKeyInfo.from_dict(person["publicKey"], f"{part}.claimant.publicKey")
    try:
        profile = profile_from_claimant({k: v for k, v in person.items() if k != "publicKey"})
    except ProfileError as exc:
        raise MalformedError(f"{part}.claimant", exc.message) from exc
    try:
        dsse.verify(envelope, key.key, key.keyid)
    except SignatureError as exc:
        raise SignatureError("The identity card is not signed by the key it names.") from exc
    return IdentityCard(
        profile=profile,
        key=key,
        issued_at=parse_time(body["issuedAt"], f"{part}.issuedAt"),
        claimant=person,
        envelope=envelope.to_dict(),
    )
