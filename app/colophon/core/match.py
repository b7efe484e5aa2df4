"""Which local files are covered by which claimed work: exact SHA-256 matches over a folder."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from .hashing import hash_files
from .progress import Progress
from .walk import Skipped, existing, walk


def match_folder(
    digests: Sequence[str],
    folders: Iterable[str | os.PathLike[str]],
    progress: Progress | None = None,
) -> tuple[dict[str, list[str]], list[str]]:
    """Hash every file under ``folders``; map each claimed digest to the files that have it.

    Returns ``(matches, unmatched)``: every digest of ``digests`` is a key of ``matches`` (with
    an empty list when no file has it), and ``unmatched`` lists files that match no work. A
    folder that does not exist is a `NotFoundError`.
    """
    folders = existing(folders)
    progress = progress or Progress()
    matches: dict[str, list[str]] = {d: [] for d in digests}
    unmatched: list[str] = []
    # A folder given twice, or inside another one given, is still read once.
    candidates = list({c.path: c for c in walk(folders, lambda _skipped: None)}.values())
    progress.start(len(candidates), sum(c.size for c in candidates), label="Checking files")
    for result in hash_files(candidates, progress):
        if isinstance(result, Skipped):
            continue
        if result.digest in matches:
            matches[result.digest].append(result.path)
        else:
            unmatched.append(result.path)
    return matches, unmatched
