"""The verify window's work, as functions run on a worker (Qt-free, each opening its own catalog).

`check_claim` verifies a bundle (optionally against folders) and keeps the thumbnails it
carries, but only for a claim that is intact: a picture from an altered bundle is never shown.
`trust_signer` pins the signer's key as a contact, together with the identity card the bundle
carries, after the person confirmed the fingerprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.catalog import Catalog
from ..core.contacts import Contact, add_contact
from ..core.errors import ColophonError
from ..core.progress import Progress
from ..core.verify import VerifyResult, verify

CLAIM_SUFFIXES = (".colophon", ".intoto.json")


def is_claim_file(path: str | Path) -> bool:
    """Whether a file is a claim to verify (by name) rather than a work to register."""
    return str(path).lower().endswith(CLAIM_SUFFIXES)


@dataclass
class Checked:
    """A verification and the thumbnails of the works it shows (digest -> PNG bytes)."""

    result: VerifyResult
    thumbnails: dict[str, bytes] = field(default_factory=dict)


def check_claim(
    home: Path, path: Path, folders: Sequence[Path] = (), progress: Progress | None = None
) -> Checked:
    """Verify ``path`` with the trust kept under ``home``; thumbnails only from intact claims,
    as the verification read and checked them (the file is not read again)."""
    with Catalog.open(home) as catalog:
        result = verify(path, catalog, against=folders, progress=progress, thumbnails=True)
    pictures = result.thumbnails if result.claim is not None and result.outcome.intact else None
    return Checked(result, dict(pictures or {}))


def trust_signer(home: Path, checked: Checked, name: str) -> Contact:
    """Pin the key that signed ``checked`` as the contact ``name``."""
    claim = checked.result.claim
    if claim is None:
        raise ColophonError("This claim cannot be trusted: it could not be checked.")
    card = checked.result.card  # checked by the verification; None if it names another key
    with Catalog.open(home) as catalog:
        return add_contact(catalog, claim.key, name, card.envelope if card else None)
