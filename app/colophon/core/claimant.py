"""Who signs: the public-key object and the claimant object of the bundle format.

Both appear in claims, identity cards and key events (resources/spec/claim-bundle.md, 4.1 and
10). A reader never trusts the ``keyid`` and ``fingerprint`` it is given: they are recomputed
from the PEM and any difference makes the input malformed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import keys
from .errors import MalformedError
from .profile import Profile

#: profile fields that describe the person (terms and compensation belong to the claim)
CLAIMANT_FIELDS = ("displayName", "email", "website", "handles", "paymentChannels")


@dataclass(frozen=True)
class PublicKeyInfo:
    """An Ed25519 public key with the names people and programs use for it."""

    key: Ed25519PublicKey
    keyid: str
    fingerprint: str

    @classmethod
    def of(cls, key: Ed25519PublicKey) -> PublicKeyInfo:
        return cls(key, keys.key_id(key), keys.fingerprint(key))

    @classmethod
    def from_hex(cls, raw_hex: str) -> PublicKeyInfo:
        return cls.of(keys.load_public(raw_hex))

    @property
    def hex(self) -> str:
        return keys.public_hex(self.key)

    def to_dict(self) -> dict[str, str]:
        return {
            "pem": keys.public_pem(self.key),
            "keyid": self.keyid,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Any, part: str) -> PublicKeyInfo:
        """Read a ``{pem, keyid, fingerprint}`` object, checking both names against the key."""
        if not isinstance(data, dict) or set(data) != {"pem", "keyid", "fingerprint"}:
            raise MalformedError(part, "must be an object with exactly pem, keyid, fingerprint.")
        if not all(isinstance(v, str) for v in data.values()):
            raise MalformedError(part, "pem, keyid and fingerprint must be strings.")
        if not data["pem"].lstrip().startswith("-----BEGIN PUBLIC KEY-----"):
            raise MalformedError(f"{part}.pem", "is not a PEM public key.")
        try:
            info = cls.of(keys.load_public(data["pem"]))
        except keys.KeyFormatError as exc:
            raise MalformedError(f"{part}.pem", exc.message) from exc
        if data["keyid"] != info.keyid:
            raise MalformedError(f"{part}.keyid", "does not match the key.")
        if data["fingerprint"] != info.fingerprint:
            raise MalformedError(f"{part}.fingerprint", "does not match the key.")
        return info


def claimant(profile: Profile, key: PublicKeyInfo) -> dict[str, Any]:
    """The claimant object: the person from ``profile`` plus the key that signs for them."""
    data = profile.to_dict()
    out = {name: data[name] for name in CLAIMANT_FIELDS if name in data}
    if not out.get("handles"):
        out.pop("handles", None)
    if not out.get("paymentChannels"):
        out.pop("paymentChannels", None)
    out["publicKey"] = key.to_dict()
    return out


def profile_from_claimant(data: dict[str, Any]) -> Profile:
    """The profile part of a claimant object, validated (terms and compensation left default)."""
    return Profile.from_dict({k: v for k, v in data.items() if k in CLAIMANT_FIELDS})
