"""Which local files are covered by which claimed work: exact SHA-256 matches over a folder, and
near copies (resized, re-encoded, converted) found by the content fingerprints a claim carries."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .hashing import hash_files
from .progress import Progress
from .walk import Skipped, existing, walk

if TYPE_CHECKING:
    from .match_index import ClaimIndex

#: the kinds of local file fingerprinted, as `colophon scan` does
FINGERPRINTED = frozenset({"image", "text"})


@dataclass
class FolderMatch:
    """What a folder holds of a claim's works."""

    #: each claimed digest, with the files that have it (an empty list when none does)
    exact: dict[str, list[str]]
    #: claimed digests with files that are near copies of the work: (path, distance in bits)
    near: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: files that are no work of the claim, not even nearly
    unmatched: list[str] = field(default_factory=list)
    #: files and folders that could not be read (so what they hold is not known), and why
    skipped: list[Skipped] = field(default_factory=list)


def match_folder(
    digests: Sequence[str],
    folders: Iterable[str | os.PathLike[str]],
    progress: Progress | None = None,
    fingerprints: Mapping[str, Sequence[str]] | None = None,
) -> FolderMatch:
    """Hash every file under ``folders``; map each claimed digest to the files that have it.
    What cannot be read is reported (`FolderMatch.skipped`), never taken for "not there".

    ``fingerprints`` maps claimed digests to the work's ISCC codes (from the claim's subject
    annotations): pictures and texts that are no exact copy are then fingerprinted too, and
    reported as near copies when a code is within `match_index.DEFAULT_THRESHOLD` bits. A
    folder that does not exist is a `NotFoundError`.
    """
    folders = existing(folders)
    progress = progress or Progress()
    found = FolderMatch({d: [] for d in digests})
    index = _index(fingerprints) if fingerprints else None
    # A folder given twice, or inside another one given, is still read once.
    candidates = list(
        {c.path: c for c in walk(folders, found.skipped.append, everything=True)}.values()
    )
    progress.start(len(candidates), sum(c.size for c in candidates), label="Checking files")
    kinds = FINGERPRINTED if index is not None else frozenset()
    for result in hash_files(candidates, progress, fingerprint=kinds):
        if isinstance(result, Skipped):
            found.skipped.append(result)
            continue
        if result.digest in found.exact:
            found.exact[result.digest].append(result.path)
            continue
        near = _near(index, result.digest, result.fingerprints) if index is not None else []
        for digest, distance in near:
            found.near.setdefault(digest, []).append((result.path, distance))
        if not near:
            found.unmatched.append(result.path)
    return found


def _index(fingerprints: Mapping[str, Sequence[str]]) -> ClaimIndex | None:
    from .match_index import ClaimIndex  # numpy: only when a claim carries fingerprints

    index = ClaimIndex()
    for digest, codes in fingerprints.items():
        if codes:
            index.add(digest, digest, list(codes))
    return index if len(index) else None


def _near(index: ClaimIndex, digest: str, codes: Sequence[str] | None) -> list[tuple[str, int]]:
    from .match_index import match_one

    record = {"sha256": digest, "fingerprints": list(codes or ())}
    return [
        (m["key"], m["distance"]) for m in match_one(record, index) if m["match"] == "fingerprint"
    ]
