"""Sets of work ids kept as ranges of consecutive ids: ``[[1,9000],[9002,10000]]``.

An export is recorded with the works it holds. People export all their works, or a search, and
work ids are given in order as works are registered, so the ids of an export run in long
unbroken stretches: as ranges, the record of 100,000 works is a few bytes instead of 100,000
rows (which took 0.15 s of every such export and grew the catalog by megabytes each time). A
work's id is never given to another work (schema 7), so a range that still covers the id of a
work removed since names no other work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable


def islands(ids: Iterable[int]) -> list[tuple[int, int]]:
    """The ranges of consecutive ids in ``ids`` (any order, repeats allowed), in order."""
    ordered = sorted(set(map(int, ids)))
    if not ordered or ordered[-1] - ordered[0] + 1 == len(ordered):  # none, or one stretch
        return [(ordered[0], ordered[-1])] if ordered else []
    out = []
    first = previous = ordered[0]
    for work_id in ordered[1:]:
        if work_id != previous + 1:
            out.append((first, previous))
            first = work_id
        previous = work_id
    out.append((first, previous))
    return out


def to_text(ranges: Iterable[tuple[int, int]]) -> str:
    """The ranges as kept in the catalog: a JSON array of ``[first, last]`` pairs."""
    return json.dumps([[int(first), int(last)] for first, last in ranges], separators=(",", ":"))


def from_text(text: str) -> list[tuple[int, int]]:
    """The ranges `to_text` wrote."""
    return [(int(first), int(last)) for first, last in json.loads(text)]


def union(texts: Iterable[str]) -> set[int]:
    """Every id in several sets of ranges (as `to_text` wrote them). Overlapping ranges are
    joined first, so that each id is added once however many exports held it."""
    joined: list[tuple[int, int]] = []
    for first, last in sorted(r for text in texts for r in from_text(text)):
        if joined and first <= joined[-1][1] + 1:
            joined[-1] = (joined[-1][0], max(joined[-1][1], last))
        else:
            joined.append((first, last))
    return set().union(*(range(first, last + 1) for first, last in joined))
