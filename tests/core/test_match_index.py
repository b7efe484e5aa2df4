"""The claim index: exact digest matching and near fingerprint matching, checked by brute force."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from colophon.core.errors import Cancelled, MalformedError, NotFoundError, UsageError
from colophon.core.fingerprint import FAMILY_IMAGE, FAMILY_TEXT, int_to_code
from colophon.core.match_index import (
    DEFAULT_THRESHOLD,
    MAX_THRESHOLD,
    ClaimIndex,
    _plan,
    match_one,
)
from colophon.core.progress import Progress


def digest(n: int) -> str:
    return f"{n:064x}"


def flip(body: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        body ^= 1 << bit
    return body


def index_of(bodies: list[int], family: str = FAMILY_IMAGE) -> ClaimIndex:
    index = ClaimIndex()
    for i, body in enumerate(bodies):
        index.add(f"w{i}", digest(i), int_to_code(body, family))
    return index


def brute_force(queries: list[int], claimed: list[int], limit: int) -> list[tuple[int, str, int]]:
    pairs = []
    for q, query in enumerate(queries):
        near = [
            (d, c) for c, body in enumerate(claimed) if (d := (query ^ body).bit_count()) <= limit
        ]
        pairs += [(q, f"w{c}", d) for d, c in sorted(near)]
    return pairs


def clustered(rng: random.Random, count: int, centres: list[int], spread: int) -> list[int]:
    """Codes near a few centres, so that many pairs lie within small distances."""
    return [flip(rng.choice(centres), rng.randrange(spread + 1), rng) for _ in range(count)]


# -- near matching ------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [0, 1, 2, 5, 6, 9, 13])
@pytest.mark.parametrize("sizes", [(40, 3000), (3000, 40), (1, 2000)])
def test_near_matches_equal_brute_force(limit: int, sizes: tuple[int, int]) -> None:
    rng = random.Random(limit * 1000 + sizes[0])
    centres = [rng.getrandbits(64) for _ in range(8)]
    n_queries, n_claimed = sizes
    claimed = clustered(rng, n_claimed // 2, centres, 14) + [
        rng.getrandbits(64) for _ in range(n_claimed - n_claimed // 2)
    ]
    queries = clustered(rng, n_queries, centres, 14)
    expected = brute_force(queries, claimed, limit)
    index = index_of(claimed)
    assert list(index.match_fingerprints(queries, limit, family=FAMILY_IMAGE)) == expected
    as_codes = [int_to_code(q, FAMILY_IMAGE) for q in queries]
    assert list(index.match_fingerprints(as_codes, limit)) == expected
    as_array = np.array(queries, dtype=np.uint64)
    assert list(index.match_fingerprints(as_array, limit, family=FAMILY_IMAGE)) == expected
    if limit and n_claimed > n_queries > 1:
        assert any(d == limit for _q, _k, d in expected)  # the boundary itself is exercised


@settings(max_examples=60, deadline=None)
@given(
    claimed=st.lists(st.integers(0, 2**64 - 1), max_size=30),
    queries=st.lists(st.integers(0, 2**64 - 1), max_size=30),
    flips=st.lists(st.integers(0, 63), max_size=8),
    limit=st.integers(0, 12),
)
def test_near_matches_equal_brute_force_for_any_codes(
    claimed: list[int], queries: list[int], flips: list[int], limit: int
) -> None:
    if claimed:  # one query close to a claimed code, whatever was drawn
        near = claimed[0]
        for bit in flips:
            near ^= 1 << bit
        queries = [*queries, near]
    index = index_of(claimed)
    got = list(index.match_fingerprints(queries, limit, family=FAMILY_IMAGE))
    assert got == brute_force(queries, claimed, limit)


def test_the_search_plan_cuts_64_bits_and_covers_the_threshold() -> None:
    for limit in range(MAX_THRESHOLD + 1):
        for sizes in ((1, 100_000), (100_000, 1_000_000), (10, 10)):
            plan = _plan(limit, *sizes)
            assert sum(width for _s, width, _r in plan) == 64
            assert [s for s, _w, _r in plan] == [
                sum(w for _s, w, _r in plan[:j]) for j in range(len(plan))
            ]
            # Pigeonhole: codes farther than every radius in every chunk differ in > limit bits.
            assert sum(r + 1 for _s, _w, r in plan) > limit


def test_a_work_with_two_codes_is_reported_once_at_its_nearest() -> None:
    index = ClaimIndex()
    index.add(
        "bordered", digest(1), [int_to_code(0, FAMILY_IMAGE), int_to_code(0b111, FAMILY_IMAGE)]
    )
    index.add("other", digest(2), int_to_code(2**64 - 1, FAMILY_IMAGE))
    query = int_to_code(0b110, FAMILY_IMAGE)
    assert index.match_fingerprint(query, 6) == [("bordered", 1)]
    two = [query, int_to_code(0b11, FAMILY_IMAGE)]
    assert list(index.match_fingerprints(two, 6)) == [(0, "bordered", 1), (1, "bordered", 1)]
    assert index.match_fingerprint(two, 6) == [("bordered", 1)]


def test_families_are_never_compared() -> None:
    index = ClaimIndex()
    index.add("picture", digest(1), int_to_code(12345, FAMILY_IMAGE))
    index.add("poem", digest(2), int_to_code(12345, FAMILY_TEXT))
    assert index.match_fingerprint(int_to_code(12345, FAMILY_IMAGE), 0) == [("picture", 0)]
    assert index.match_fingerprint(int_to_code(12344, FAMILY_TEXT), 1) == [("poem", 1)]
    assert list(index.match_fingerprints([12345], 0, family=FAMILY_TEXT)) == [(0, "poem", 0)]
    with pytest.raises(UsageError):
        list(index.match_fingerprints([12345], 0))  # numbers need a family


def test_results_are_ordered_by_query_then_distance() -> None:
    index = index_of([0b0, 0b1, 0b11, 0b111])
    got = list(index.match_fingerprints([0b111, 0b0], 2, family=FAMILY_IMAGE))
    assert got == [
        (0, "w3", 0),
        (0, "w2", 1),
        (0, "w1", 2),
        (1, "w0", 0),
        (1, "w1", 1),
        (1, "w2", 2),
    ]
    single = index.match_fingerprint(int_to_code(0b111, FAMILY_IMAGE))  # default threshold
    assert single == [("w3", 0), ("w2", 1), ("w1", 2), ("w0", 3)]


@pytest.mark.parametrize("bad", [-1, MAX_THRESHOLD + 1, 2.5, True, "6"])
def test_bad_thresholds_are_refused(bad: object) -> None:
    with pytest.raises(UsageError):
        list(index_of([1]).match_fingerprints([1], bad, family=FAMILY_IMAGE))  # type: ignore[arg-type]


def test_default_threshold_is_used_when_none_is_given() -> None:
    index = index_of([0])
    assert index.match_fingerprint(int_to_code((1 << DEFAULT_THRESHOLD) - 1, FAMILY_IMAGE))
    assert not index.match_fingerprint(int_to_code((1 << DEFAULT_THRESHOLD + 1) - 1, FAMILY_IMAGE))


def test_empty_index_and_empty_queries() -> None:
    assert ClaimIndex().match_fingerprint(int_to_code(5, FAMILY_IMAGE)) == []
    assert ClaimIndex().match_digest(digest(5)) == []
    assert list(index_of([1, 2]).match_fingerprints([], 3)) == []
    assert list(index_of([1, 2]).match_digests([])) == []


def test_a_long_search_can_be_cancelled() -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        list(index_of([1, 2, 3]).match_fingerprints([1], 3, family=FAMILY_IMAGE, progress=progress))
    with pytest.raises(Cancelled):
        list(index_of([1]).match_digests([digest(1)], progress=progress))


# -- exact matching -----------------------------------------------------------------------------


def test_digests_match_exactly_including_duplicates_and_case() -> None:
    index = ClaimIndex()
    index.add("a", digest(1))
    index.add("b", digest(2))
    index.add("a-again", digest(1))  # the same file claimed twice (two bundles)
    # differ from digest(1) only after the first 8 bytes: the prefix alone must not match
    index.add("c", "00" * 8 + "ff" * 24)
    assert index.match_digest(digest(1)) == ["a", "a-again"]
    assert index.match_digest(digest(2).upper()) == ["b"]
    assert index.match_digest("00" * 8 + "ff" * 23 + "fe") == []
    assert index.match_digest(digest(3)) == []
    queries = [digest(3), digest(2), digest(1), digest(2)]
    assert list(index.match_digests(queries)) == [(1, "b"), (2, "a"), (2, "a-again"), (3, "b")]


@pytest.mark.parametrize(
    "bad", ["", "ab", "g" * 64, "a" * 63, "a" * 65, " " + "a" * 63, "aa " * 21 + "a", None, 5]
)
def test_bad_digests_are_refused(bad: object) -> None:
    index = ClaimIndex()
    with pytest.raises(MalformedError):
        index.add("w", bad)  # type: ignore[arg-type]
    index.add("w", digest(1))
    with pytest.raises(MalformedError, match="digest 1"):
        list(index.match_digests([digest(1), bad]))  # type: ignore[list-item]


def test_add_checks_everything_before_changing_the_index() -> None:
    index = ClaimIndex()
    index.add("w", digest(1), int_to_code(1, FAMILY_IMAGE))
    with pytest.raises(UsageError):
        index.add("w", digest(2))
    with pytest.raises(UsageError):
        index.add("", digest(2))
    with pytest.raises(MalformedError):
        index.add("x", digest(2), [int_to_code(1, FAMILY_IMAGE), "ISCC:NOTACODE"])
    assert len(index) == 1
    assert index.match_digest(digest(2)) == []
    index.add("x", digest(2))  # the failed key is still free
    assert len(index) == 2


def test_a_large_index_matches_a_large_dataset() -> None:
    rng = random.Random(3)
    claimed = [rng.randbytes(32).hex() for _ in range(20_000)]
    index = ClaimIndex()
    for i, d in enumerate(claimed):
        index.add(f"w{i}", d)
    data = [rng.randbytes(32).hex() for _ in range(50_000)]
    planted = rng.sample(range(len(data)), 500)
    for n, pos in enumerate(planted):
        data[pos] = claimed[n]
    assert sorted(index.match_digests(data)) == sorted(
        (pos, f"w{n}") for n, pos in enumerate(planted)
    )


# -- files and engines -----------------------------------------------------------------------------


def sample_index() -> ClaimIndex:
    index = ClaimIndex()
    index.add(
        "photo", digest(1), [int_to_code(0xF0F0, FAMILY_IMAGE), int_to_code(0xF0F1, FAMILY_IMAGE)]
    )
    index.add("essay", digest(2), int_to_code(0xABCDEF, FAMILY_TEXT))
    index.add("score", digest(3))
    index.add("Œuvre «ünïcode»", digest(4), int_to_code(2**64 - 1, FAMILY_IMAGE))
    return index


def test_export_and_load_jsonl_round_trip(tmp_path: Path) -> None:
    index = sample_index()
    path = tmp_path / "claims.jsonl"
    index.export_jsonl(path)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "key": "photo",
        "sha256": digest(1),
        "fingerprints": [int_to_code(0xF0F0, FAMILY_IMAGE), int_to_code(0xF0F1, FAMILY_IMAGE)],
    }
    assert lines[2] == {"key": "score", "sha256": digest(3), "fingerprints": []}
    loaded = ClaimIndex.load_jsonl(path)
    assert len(loaded) == 4
    loaded.export_jsonl(tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == path.read_bytes()
    query = int_to_code(2**64 - 2, FAMILY_IMAGE)
    assert (
        loaded.match_fingerprint(query)
        == index.match_fingerprint(query)
        == [("Œuvre «ünïcode»", 1)]
    )


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        json.dumps({"sha256": digest(1)}),
        '{"key": "k", "sha256": "nothex"}',
        json.dumps({"key": "k", "sha256": digest(1), "fingerprints": ["ISCC:BAD"]}),
        json.dumps({"key": "k", "sha256": digest(1), "fingerprints": [5]}),
        "[1, 2]",
    ],
)
def test_load_jsonl_names_the_bad_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "claims.jsonl"
    good = json.dumps({"key": "ok", "sha256": digest(9), "fingerprints": []})
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(MalformedError, match="line 3"):
        ClaimIndex.load_jsonl(path)


def test_the_index_survives_pickling_for_worker_processes() -> None:
    index = sample_index()
    query = int_to_code(0xF0F3, FAMILY_IMAGE)
    before = index.match_fingerprint(query)  # builds and caches the lookup structures
    copy = pickle.loads(pickle.dumps(index))
    assert copy.match_fingerprint(query) == before == [("photo", 1)]
    assert copy.match_digest(digest(2)) == ["essay"]


def test_match_one_reports_exact_then_near_once_per_work() -> None:
    index = sample_index()
    exact_and_near = {"sha256": digest(1), "fingerprints": [int_to_code(0xF0F0, FAMILY_IMAGE)]}
    assert match_one(exact_and_near, index) == [{"key": "photo", "match": "exact", "distance": 0}]
    resized = {"sha256": digest(77), "iscc": int_to_code(0xABCDEE, FAMILY_TEXT)}
    assert match_one(resized, index) == [{"key": "essay", "match": "fingerprint", "distance": 1}]
    assert match_one({"sha256": digest(3)}, index) == [
        {"key": "score", "match": "exact", "distance": 0}
    ]
    assert match_one({"sha256": digest(99), "fingerprints": []}, index) == []
    far = {"sha256": digest(99), "iscc": int_to_code(0xABCDEF ^ 0xFF, FAMILY_TEXT)}
    assert match_one(far, index) == []
    assert match_one(far, index, threshold=8) == [
        {"key": "essay", "match": "fingerprint", "distance": 8}
    ]


def test_load_jsonl_refuses_bad_bytes_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    good = json.dumps({"key": "ok", "sha256": digest(9)}).encode()
    path.write_bytes(good + b"\n" + b'{"key": "\xff", "sha256": "' + digest(8).encode() + b'"}\n')
    with pytest.raises(MalformedError, match="line 2"):
        ClaimIndex.load_jsonl(path)
    with pytest.raises(NotFoundError):
        ClaimIndex.load_jsonl(tmp_path / "nowhere.jsonl")
