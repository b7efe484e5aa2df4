"""Sets of work ids kept as ranges of consecutive ids: 1–9000 and 9002–10000.

An export is recorded with the works it holds. People export all their works, or a search, and
work ids are given in order as works are registered, so the ids of an export run in long
unbroken stretches: as ranges (rows of ``export_ranges``), the record of 100,000 works is one
row instead of 100,000 (which took 0.15 s of every such export and grew the catalog by
megabytes each time). A work's id is never given to another work (schema 7), so a range that
still covers the id of a work removed since names no other work.
"""

from __future__ import annotations

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


def union(ranges: Iterable[tuple[int, int]]) -> set[int]:
    """Every id in ``ranges``, given in order of their first ids; ranges that overlap (the same
    works in several exports) are joined first, so that each id is added once."""
    ids: set[int] = set()
    start = end = None
    for first, last in ranges:
        if end is not None and first <= end + 1:
            end = max(end, last)
            continue
        if start is not None and end is not None:
            ids.update(range(start, end + 1))
        start, end = first, last
    if start is not None and end is not None:
        ids.update(range(start, end + 1))
    return ids
