"""Sets of work ids as ranges: the islands of a set, and the union of many ranges."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from colophon.core.id_ranges import islands, union

IDS = st.lists(st.integers(-5, 60), max_size=40)


@given(IDS)
def test_islands_hold_exactly_the_ids_in_separate_ordered_ranges(ids: list[int]) -> None:
    ranges = islands(ids)

    assert union(ranges) == set(ids)
    assert all(first <= last for first, last in ranges)
    # apart and in order: a gap of at least one id between one range and the next
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(ranges))


@given(st.lists(st.tuples(st.integers(0, 80), st.integers(0, 20)), max_size=30))
def test_the_union_of_ranges_in_order_of_their_first_ids_holds_every_id(
    spans: list[tuple[int, int]],
) -> None:
    ranges = sorted((first, first + length) for first, length in spans)

    expected = {i for first, last in ranges for i in range(first, last + 1)}
    assert union(ranges) == expected


def test_islands_of_a_whole_catalog_and_of_a_search() -> None:
    assert islands(range(1, 100_001)) == [(1, 100_000)]
    assert islands([9, 3, 4, 4, 1, 5, 12, 11]) == [(1, 1), (3, 5), (9, 9), (11, 12)]
    assert islands([]) == []
