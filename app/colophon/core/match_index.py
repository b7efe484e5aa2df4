"""An index of claimed works, for finding them in a large dataset.

A training set is checked file by file against every work claimed in the bundles one holds:

- **exact copies** by SHA-256 digest. Digests are kept in one packed array (32 bytes a work) and
  looked up through a sorted array of their first 8 bytes, so 100,000 claimed works take a few
  megabytes and a million dataset digests are matched in about a second;
- **near copies** (resized, re-encoded, converted) by the Hamming distance between 64-bit
  fingerprints (`colophon.core.fingerprint`), found with *multi-index hashing* (Norouzi, Punjani
  and Fleet, "Fast search in Hamming space with multi-index hashing", CVPR 2012).

Multi-index hashing cuts the 64 bits into ``m`` chunks. If two codes differ in at most ``t`` bits,
with ``t = m*r + a`` (``0 <= a < m``), then one of the first ``a + 1`` chunks differs in at most
``r`` bits or one of the others in at most ``r - 1`` (pigeonhole). So every chunk of one side is
looked up, with each bit pattern within its radius, in a table of the other side's chunk values,
and the few candidates found are checked on all 64 bits. ``m`` is chosen per search from the sizes
of both sides, and the smaller side is the one enumerated. (With ``m = t + 1`` this is the plain
"some chunk matches exactly" rule, which floods with candidates once chunks are shorter than about
17 bits for 100,000 codes; the radius form keeps chunks long.)

numpy does the bulk work: it is what brings 10^6 x 10^5 comparisons into seconds. A search never
reports a pair farther apart than the threshold (every candidate is verified) and never misses one
(the pigeonhole argument); ``tests/core/test_match_index.py`` checks both against brute force.

The index is written as JSON Lines (`ClaimIndex.export_jsonl`), which Spark, Ray and Dask read
natively, and `match_one` matches one dataset record, for use inside such engines.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import os
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from colophon.core.errors import (
    ColophonError,
    EnvironmentProblem,
    MalformedError,
    NotFoundError,
    UsageError,
)
from colophon.core.fingerprint import CODE_BITS, FAMILIES, int_to_code, parse_code
from colophon.core.fsutil import atomic_writer
from colophon.core.progress import Progress

#: Default greatest Hamming distance (of 64 bits) for a near match. On the quality corpus of
#: tests/core/test_fingerprint.py, half-size, JPEG q60 and PNG copies of claimed images all lie
#: within 2 bits, third-size WebP q50 copies and lightly edited texts within 6; no unrelated image
#: came nearer than 10 bits to a claimed one, no unrelated text nearer than 19. For codes as
#: random as unrelated content gives, 6 bits means about one chance pair per 10^11 comparisons
#: (10^6 files x 10^5 works); 8 bits, about 30. See resources/spec/fingerprints.md.
DEFAULT_THRESHOLD: Final = 6
#: Above this the search degenerates towards brute force, and the matches towards noise.
MAX_THRESHOLD: Final = 24

DIGEST_BYTES: Final = 32

_U64 = npt.NDArray[np.uint64]
_I64 = npt.NDArray[np.int64]
_BLOCK: Final = 1 << 20  # probes looked up at once: bounds the memory of one step
_MAX_KEY_CHARS: Final = 4096


class ClaimIndex:
    """Claimed works, each with a SHA-256 digest and zero or more fingerprint codes.

    Add every work first, then match; the lookup structures are built on the first match after
    an addition (or by `freeze`). Matching changes nothing but internal caches (where a race only
    costs a rebuild), so a frozen index can be shared by threads, or pickled to worker processes
    (the caches are left out of the pickle).
    """

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._known: set[str] = set()
        self._digests = bytearray()
        self._fp_rows: dict[str, array[int]] = {f: array("q") for f in FAMILIES}
        self._fp_bodies: dict[str, array[int]] = {f: array("Q") for f in FAMILIES}
        self._frozen: _Frozen | None = None

    def __len__(self) -> int:
        return len(self._keys)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_frozen"] = None
        return state

    def add(
        self, work_key: str, sha256_hex: str, fingerprints: str | Sequence[str] | None = None
    ) -> None:
        """Add one claimed work: a unique key, its SHA-256 (hex) and its ISCC code(s), if any.

        ``fingerprints`` takes one code or all of a work's codes (`fingerprint.Fingerprint.codes`).
        Raises `MalformedError` for a bad digest or code, `UsageError` for a repeated key.
        """
        if not isinstance(work_key, str) or not work_key or len(work_key) > _MAX_KEY_CHARS:
            raise UsageError("A claimed work needs a key of 1 to 4096 characters.")
        if work_key in self._known:
            raise UsageError(f"The work '{work_key}' is already in the index.")
        raw = _parse_digest(sha256_hex)
        if fingerprints is None:
            codes: Sequence[str] = ()
        elif isinstance(fingerprints, str):
            codes = (fingerprints,)
        else:
            codes = fingerprints
        parsed = [parse_code(code) for code in codes]
        row = len(self._keys)
        self._keys.append(work_key)
        self._known.add(work_key)
        self._digests += raw
        for family, body in parsed:
            self._fp_rows[family].append(row)
            self._fp_bodies[family].append(body)
        self._frozen = None

    def freeze(self) -> None:
        """Build the lookup structures now rather than on the first match."""
        self._state()

    # -- exact ---------------------------------------------------------------------------------

    def match_digest(self, sha256_hex: str) -> list[str]:
        """Return the keys of the claimed works whose SHA-256 is ``sha256_hex``."""
        return [key for _i, key in self.match_digests([sha256_hex])]

    def match_digests(
        self, digests: Sequence[str], *, progress: Progress | None = None
    ) -> Iterator[tuple[int, str]]:
        """Yield ``(query_index, key)`` for every claimed work whose digest equals a query's.

        Results come in query order. Raises `MalformedError` naming the first bad digest.
        """
        state = self._state()
        for start in range(0, len(digests), _BLOCK):
            if progress is not None:
                progress.check()
            block = digests[start : start + _BLOCK]
            words = _digest_words(_parse_digests(block, start))
            prefix = words[:, 0]
            lo = np.searchsorted(state.prefix_sorted, prefix, "left")
            hi = np.searchsorted(state.prefix_sorted, prefix, "right")
            queries, positions = _expand(lo, hi)
            rows = state.prefix_order[positions]
            same = (state.digest_words[rows] == words[queries]).all(axis=1)
            for query, row in zip(queries[same].tolist(), rows[same].tolist(), strict=True):
                yield start + query, self._keys[row]

    # -- near ----------------------------------------------------------------------------------

    def match_fingerprint(
        self, code: str | Sequence[str], threshold: int | None = None
    ) -> list[tuple[str, int]]:
        """Return ``(key, distance)`` of the works within ``threshold`` bits of a file's code(s).

        Pass all codes of a file (`fingerprint.Fingerprint.codes`): a work matches when any of
        them is near any of its own; its distance is the smallest. Nearest first.
        """
        codes = [code] if isinstance(code, str) else list(code)
        best: dict[str, int] = {}
        for _query, key, distance in self.match_fingerprints(codes, threshold):
            best[key] = min(distance, best.get(key, CODE_BITS))
        return sorted(best.items(), key=lambda item: (item[1], item[0]))

    def match_fingerprints(
        self,
        codes: Sequence[str] | Sequence[int] | _U64,
        threshold: int | None = None,
        *,
        family: str | None = None,
        progress: Progress | None = None,
    ) -> Iterator[tuple[int, str, int]]:
        """Yield ``(query_index, key, distance)`` for every work within ``threshold`` of a query.

        ``codes`` are ISCC code strings (each compared with claimed codes of its own family), or
        64-bit bodies (ints or a uint64 array) of one ``family``. Results are ordered by query,
        then distance, then the order works were added; each work appears at most once per query.
        """
        limit = _check_threshold(threshold)
        groups = _group_queries(codes, family)
        state = self._state()
        found: list[tuple[_I64, _I64, _I64]] = []
        for fam, (query_ix, bodies) in groups.items():
            claimed = state.fingerprints[fam]
            if not len(claimed.bodies) or not len(bodies):
                continue
            q, c, d = _search(bodies, claimed, limit, progress)
            found.append((query_ix[q], claimed.rows[c], d))
        if not found:
            return
        queries, rows, dists = (np.concatenate(parts) for parts in zip(*found, strict=True))
        queries, rows, dists = _nearest_per_pair(queries, rows, dists, len(self._keys))
        for query, row, dist in zip(queries.tolist(), rows.tolist(), dists.tolist(), strict=True):
            yield query, self._keys[row], dist

    # -- files ---------------------------------------------------------------------------------

    def export_jsonl(self, path: str | os.PathLike[str]) -> None:
        """Write the index as JSON Lines: ``{"key", "sha256", "fingerprints": [codes]}`` a line.

        Spark (``spark.read.json``), Ray (``ray.data.read_json``) and Dask (``dask.bag``) read it
        as is; `load_jsonl` reads it back.
        """
        codes: dict[int, list[str]] = {}
        for fam in FAMILIES:
            for row, body in zip(self._fp_rows[fam], self._fp_bodies[fam], strict=True):
                codes.setdefault(row, []).append(int_to_code(body, fam))
        with atomic_writer(path) as fh:
            for row, key in enumerate(self._keys):
                line = {
                    "key": key,
                    "sha256": self._digests[row * DIGEST_BYTES : (row + 1) * DIGEST_BYTES].hex(),
                    "fingerprints": codes.get(row, []),
                }
                fh.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")

    @classmethod
    def load_jsonl(cls, path: str | os.PathLike[str]) -> ClaimIndex:
        """Read an index written by `export_jsonl`. Raises `MalformedError` naming a bad line."""
        index = cls()
        try:
            fh = open(Path(path), "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError as exc:
            raise NotFoundError(f"There is no claim index at {path}.") from exc
        except OSError as exc:
            raise EnvironmentProblem(f"The claim index {path} cannot be read.") from exc
        with fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line.decode("utf-8"))
                    index.add(item["key"], item["sha256"], item.get("fingerprints") or None)
                except (ValueError, LookupError, TypeError, AttributeError, ColophonError) as exc:
                    raise MalformedError(f"line {number}", "is not a claimed work.") from exc
        return index

    # -- internals -----------------------------------------------------------------------------

    def _state(self) -> _Frozen:
        if self._frozen is None:
            self._frozen = _Frozen(self)
        return self._frozen


def match_one(
    record: Mapping[str, Any], index: ClaimIndex, threshold: int | None = None
) -> list[dict[str, Any]]:
    """Match one dataset file against ``index``: the function to map over a dataset.

    ``record`` holds ``"sha256"`` (hex) and optionally ``"fingerprints"`` (a list of ISCC codes,
    as `fingerprint.Fingerprint.codes`) or ``"iscc"`` (one code). Returns one plain dict per
    matching work, exact matches first: ``{"key", "match": "exact"|"fingerprint", "distance"}``
    (``match`` as in scan reports), which every engine can store (e.g. Ray:
    ``ds.map(lambda r: {**r, "matches": match_one(r, idx)})``).
    """
    matches: list[dict[str, Any]] = []
    digest = record.get("sha256")
    if digest:
        for key in index.match_digest(digest):
            matches.append({"key": key, "match": "exact", "distance": 0})
    codes = record.get("fingerprints") or record.get("iscc")
    if codes:
        exact = {m["key"] for m in matches}
        for key, distance in index.match_fingerprint(codes, threshold):
            if key not in exact:
                matches.append({"key": key, "match": "fingerprint", "distance": distance})
    return matches


# -- frozen lookup structures ----------------------------------------------------------------------


class _Fingerprints:
    """The claimed codes of one family, with chunk tables built on demand per cut."""

    def __init__(self, rows: array[int], bodies: array[int]) -> None:
        self.rows: _I64 = np.array(rows, dtype=np.int64)
        self.bodies: _U64 = np.array(bodies, dtype=np.uint64)
        self._tables: dict[tuple[tuple[int, int, int], ...], list[_ChunkTable]] = {}

    def tables(self, plan: tuple[tuple[int, int, int], ...]) -> list[_ChunkTable]:
        if plan not in self._tables:
            self._tables[plan] = _chunk_tables(self.bodies, plan)
        return self._tables[plan]


class _Frozen:
    """Numpy arrays built from a `ClaimIndex`, for matching."""

    def __init__(self, index: ClaimIndex) -> None:
        digests = np.frombuffer(bytes(index._digests), dtype=np.uint8).reshape(-1, DIGEST_BYTES)
        self.digest_words = _digest_words(digests)
        self.prefix_order: _I64 = np.argsort(self.digest_words[:, 0], kind="stable")
        self.prefix_sorted: _U64 = self.digest_words[self.prefix_order, 0]
        self.fingerprints = {
            fam: _Fingerprints(index._fp_rows[fam], index._fp_bodies[fam]) for fam in FAMILIES
        }


class _ChunkTable:
    """Where each value of one chunk occurs in one side's codes.

    Dense (an offset for every possible value) when the side is large enough for that to pay,
    else a sorted array searched by bisection.
    """

    def __init__(self, values: _I64, width: int) -> None:
        self.order: _I64 = np.argsort(values, kind="stable")
        self.offsets: npt.NDArray[np.signedinteger[Any]] | None = None
        self.sorted: _I64 | None = None
        if _dense(width, len(values)):
            counts = np.bincount(values, minlength=1 << width)
            offsets = np.concatenate(([0], np.cumsum(counts)))
            # int32 halves the biggest table (2^22 entries for a million codes)
            self.offsets = offsets.astype(np.int32 if len(values) < 2**31 else np.int64)
        else:
            self.sorted = values[self.order]

    def ranges(self, probes: _I64) -> tuple[_I64, _I64]:
        if self.offsets is not None:
            lo = self.offsets[probes].astype(np.int64)
            return lo, self.offsets[probes + 1].astype(np.int64)
        assert self.sorted is not None
        lo = np.searchsorted(self.sorted, probes, "left")
        return lo, np.searchsorted(self.sorted, probes, "right")


def _dense(width: int, count: int) -> bool:
    return (1 << width) <= max(16 * count, 1 << 16)


def _chunk_tables(bodies: _U64, plan: tuple[tuple[int, int, int], ...]) -> list[_ChunkTable]:
    return [_ChunkTable(_chunk(bodies, shift, width), width) for shift, width, _r in plan]


def _chunk(bodies: _U64, shift: int, width: int) -> _I64:
    return ((bodies >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)


# -- the search ------------------------------------------------------------------------------------


def _search(
    queries: _U64, claimed: _Fingerprints, limit: int, progress: Progress | None
) -> tuple[_I64, _I64, _I64]:
    """All (query, claimed, distance) with distance <= limit; the smaller side is enumerated."""
    n_q, n_c = len(queries), len(claimed.bodies)
    if n_q <= n_c:
        plan = _plan(limit, n_q, n_c)
        q, c, d = _near_pairs(queries, claimed.bodies, claimed.tables(plan), plan, limit, progress)
    else:
        plan = _plan(limit, n_c, n_q)
        tables = _chunk_tables(queries, plan)
        c, q, d = _near_pairs(claimed.bodies, queries, tables, plan, limit, progress)
    return q, c, d


def _near_pairs(
    small: _U64,
    large: _U64,
    tables: list[_ChunkTable],
    plan: tuple[tuple[int, int, int], ...],
    limit: int,
    progress: Progress | None,
) -> tuple[_I64, _I64, _I64]:
    """Look every chunk of ``small`` up in ``large``'s tables, with every pattern in its radius."""
    parts: list[tuple[_I64, _I64, _I64]] = []
    for j, (shift, width, radius) in enumerate(plan):
        if radius < 0:
            continue
        masks = _masks(width, radius)
        chunk = _chunk(small, shift, width)
        step = max(1, _BLOCK // len(masks))
        for start in range(0, len(small), step):
            if progress is not None:
                progress.check()
            probes = (chunk[start : start + step, None] ^ masks[None, :]).ravel()
            lo, hi = tables[j].ranges(probes)
            probe_ix, positions = _expand(lo, hi)
            if not len(positions):
                continue
            s = start + probe_ix // len(masks)
            l_ = tables[j].order[positions]
            xor = small[s] ^ large[l_]
            dist = np.bitwise_count(xor).astype(np.int64)
            keep = dist <= limit
            # A pair already within the radius of an earlier chunk was reported there.
            for e_shift, e_width, e_radius in plan[:j]:
                if e_radius >= 0:
                    keep &= np.bitwise_count(_chunk(xor, e_shift, e_width)) > e_radius
            parts.append((s[keep], l_[keep], dist[keep]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    s_all, l_all, d_all = (np.concatenate(p) for p in zip(*parts, strict=True))
    return s_all, l_all, d_all


@functools.lru_cache(maxsize=256)
def _plan(limit: int, n_small: int, n_large: int) -> tuple[tuple[int, int, int], ...]:
    """Choose how to cut 64 bits: ``(shift, width, radius)`` per chunk, cheapest by estimate.

    Cost of a chunk ~ probes x (lookup + expected candidates per probe); a bisection lookup
    counts as three dense ones.
    """
    best: tuple[float, tuple[tuple[int, int, int], ...]] | None = None
    for m in range(2, max(2, min(8, limit + 1)) + 1):
        r, a = divmod(limit, m)
        widths = [CODE_BITS // m + (1 if j < CODE_BITS % m else 0) for j in range(m)]
        shifts = [sum(widths[:j]) for j in range(m)]
        plan = tuple((shifts[j], widths[j], r if j <= a else r - 1) for j in range(m))
        cost = 0.0
        for _shift, width, radius in plan:
            if radius < 0:
                continue
            probes = sum(math.comb(width, k) for k in range(radius + 1))
            lookup = 1.0 if _dense(width, n_large) else 3.0
            cost += probes * n_small * (lookup + 2.0 * n_large / (1 << width))
        if best is None or cost < best[0]:
            best = (cost, plan)
    assert best is not None
    return best[1]


@functools.cache
def _masks(width: int, radius: int) -> _I64:
    """Every ``width``-bit pattern with at most ``radius`` bits set."""
    values = [0]
    for k in range(1, radius + 1):
        for bits in itertools.combinations(range(width), k):
            values.append(sum(1 << b for b in bits))
    return np.array(values, dtype=np.int64)


def _expand(lo: _I64, hi: _I64) -> tuple[_I64, _I64]:
    """For ranges ``[lo[i], hi[i])``, return (i, position) for every position in every range."""
    counts = (hi - lo).astype(np.int64)
    hit = np.flatnonzero(counts > 0)
    counts = counts[hit]
    total = int(counts.sum())
    owners = np.repeat(hit, counts)
    firsts = np.repeat(lo[hit] - (np.cumsum(counts) - counts), counts)
    return owners, firsts + np.arange(total, dtype=np.int64)


def _nearest_per_pair(
    queries: _I64, rows: _I64, dists: _I64, n_rows: int
) -> tuple[_I64, _I64, _I64]:
    """Keep one result per (query, work), the nearest; order by query, distance, work."""
    pair = queries * max(n_rows, 1) + rows
    order = np.lexsort((dists, pair))
    pair_sorted = pair[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = pair_sorted[1:] != pair_sorted[:-1]
    keep = order[first]
    queries, rows, dists = queries[keep], rows[keep], dists[keep]
    final = np.lexsort((rows, dists, queries))
    return queries[final], rows[final], dists[final]


# -- inputs ----------------------------------------------------------------------------------------


def _check_threshold(threshold: int | None) -> int:
    if threshold is None:
        return DEFAULT_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise UsageError("The threshold must be a whole number of bits.")
    if not 0 <= threshold <= MAX_THRESHOLD:
        raise UsageError(f"The threshold must be between 0 and {MAX_THRESHOLD} bits.")
    return threshold


def _group_queries(
    codes: Sequence[str] | Sequence[int] | _U64, family: str | None
) -> dict[str, tuple[_I64, _U64]]:
    """Split queries by family: ``{family: (query indices, bodies)}``."""
    if family is not None and family not in FAMILIES:
        raise UsageError(f"Unknown fingerprint family '{family}'.")
    if isinstance(codes, np.ndarray) or (len(codes) and not isinstance(codes[0], str)):
        if family is None:
            raise UsageError("Fingerprints given as numbers need their family.")
        try:
            bodies = np.asarray(codes, dtype=np.uint64)
        except (OverflowError, TypeError, ValueError) as exc:
            raise UsageError("Fingerprints must be unsigned 64-bit integers.") from exc
        return {family: (np.arange(len(bodies), dtype=np.int64), bodies)}
    by_family: dict[str, tuple[list[int], list[int]]] = {}
    for i, code in enumerate(codes):
        if not isinstance(code, str):
            raise UsageError("Fingerprints must all be ISCC codes or all be numbers.")
        fam, body = parse_code(code)
        if family is not None and fam != family:
            continue
        ix, bodies_list = by_family.setdefault(fam, ([], []))
        ix.append(i)
        bodies_list.append(body)
    return {
        fam: (np.array(ix, dtype=np.int64), np.array(b, dtype=np.uint64))
        for fam, (ix, b) in by_family.items()
    }


def _parse_digest(sha256_hex: str) -> bytes:
    if isinstance(sha256_hex, str) and len(sha256_hex) == 2 * DIGEST_BYTES:
        try:
            raw = bytes.fromhex(sha256_hex)
        except ValueError:
            pass
        else:
            if len(raw) == DIGEST_BYTES:
                return raw
    raise MalformedError("sha256", "is not a SHA-256 digest in hexadecimal.")


def _parse_digests(digests: Sequence[str], offset: int) -> npt.NDArray[np.uint8]:
    """Hex digests to an (n, 32) byte array; fast path for the valid case, exact error else."""
    try:
        if all(isinstance(d, str) and len(d) == 2 * DIGEST_BYTES for d in digests):
            raw = b"".join(map(bytes.fromhex, digests))
            if len(raw) == DIGEST_BYTES * len(digests):
                return np.frombuffer(raw, dtype=np.uint8).reshape(-1, DIGEST_BYTES)
    except ValueError:
        pass
    for i, digest in enumerate(digests):
        try:
            _parse_digest(digest)
        except MalformedError as exc:
            raise MalformedError(
                f"digest {offset + i}", "is not a SHA-256 digest in hexadecimal."
            ) from exc
    raise AssertionError("unreachable: some digest must have failed")  # pragma: no cover


def _digest_words(digests: npt.NDArray[np.uint8]) -> _U64:
    """(n, 32) bytes to (n, 4) big-endian words in native uint64, so order is byte order."""
    return np.ascontiguousarray(digests).view(">u8").astype(np.uint64)
