"""Each work's part of a claim, made once and kept in the catalog until the work changes.

A claim holds one subject and one entry of ``predicate.works`` per work, and from one export to
the next most works are unchanged. Turning 10,000 catalog rows into those entries took most of
an export's time, so each work's two entries are kept, as the canonical JSON an export writes,
in the catalog's ``claim_parts`` with the work's revision they were made from. The catalog's
triggers move a work's revision whenever the work, its paths or its contributors change
(schema 10, in SQLite itself, so nothing that writes to the catalog can forget it), and a kept
part is used only while its revision is the work's: it is always what `claim.work_parts` makes
of the work now. Every part is checked against the format when it is made (`claim.check_parts`).

The parts of a work with terms of its own depend on the claim's terms too (its entry holds
the equivalents of its terms applied to the profile's, which change without the work): they are
used only for the same profile terms. The parts of a work whose fingerprints are still to be
computed are not kept.

The other works' parts do not depend on any claim, so registering makes them (`keep_ahead`), in
the transaction that records the works: making 10,000 parts takes about as long as an export that
reads them, and an export is what a person waits for, while registering waits for the files to be
read anyway. An export makes only the parts of works changed since (or registered by a Colophon
that did not keep them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from . import strictjson
from .catalog import Catalog, Work, among
from .claim import UnsupportedVersion, check_work_parts, work_parts
from .errors import MalformedError, NotFoundError
from .progress import Progress
from .register import fill_fingerprints, fingerprints_pending
from .summary import MAX_ROWS, work_row

#: how `claim.work_parts`, `strictjson.dumps` and `summary.work_row` make parts: raise it with
#: any change to what they write, so parts kept by an earlier Colophon are made again (a test
#: fails until then)
FORMAT = 1

_ENCODER = msgspec.json.Encoder(order="sorted")  # strictjson's canonical form, for joining


@dataclass
class Parts:
    """The parts of the works of one claim, in the order of the works."""

    ids: list[int]
    digests: list[str]
    subjects: list[bytes]
    entries: list[bytes]
    #: the digests and summary page rows (`summary.work_row`) of the works the page shows
    rows: list[tuple[str, str]]
    #: the parts made for this claim (not kept ones), as values, for `claim.check_parts`
    made: list[tuple[dict[str, Any], dict[str, Any]]]
    #: what `keep` writes: new parts, and new summary rows of kept parts
    unkept: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
    #: every work, when asked for (`claim_parts`'s ``with_works``), else None
    works: list[Work] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def keep(self, conn: sqlite3.Connection) -> None:
        """Write the parts made for this claim, once checked (`claim.check_parts`), for the next
        export to read: in the caller's transaction (`Catalog.recording_export`). Parts of works
        removed meanwhile are left out."""
        parts, rows = self.unkept
        _store(conn, parts)
        # A row goes only to the part it was made from, not to one put in its place since.
        conn.executemany(
            "UPDATE claim_parts SET row = ? WHERE work_id = ? AND entry = ? "
            "AND (terms IS NULL OR terms = ?)",
            rows,
        )
        self.unkept = ([], [])

    def any_kept(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The first work's parts, as values."""
        return msgspec.json.decode(self.subjects[0]), msgspec.json.decode(self.entries[0])

    def statement(self, frame: dict[str, Any]) -> bytes:
        """The canonical JSON of ``frame`` (a Statement without works) with these works in it.

        The same bytes as `strictjson.dumps` of the whole Statement: the frame is written by it
        first (which refuses what JSON cannot hold), then once more with the works' kept JSON
        put in as it is.
        """
        if frame["subject"] or frame["predicate"]["works"]:
            raise ValueError("the frame of a claim has no works of its own")
        strictjson.dumps(frame)
        subjects = msgspec.Raw(b"[" + b",".join(self.subjects) + b"]")
        entries = msgspec.Raw(b"[" + b",".join(self.entries) + b"]")
        whole = {
            **frame,
            "subject": subjects,
            "predicate": {**frame["predicate"], "works": entries},
        }
        return _ENCODER.encode(whole)


def claim_parts(
    catalog: Catalog,
    work_ids: Sequence[int],
    defaults: dict[str, Any],
    progress: Progress | None = None,
    *,
    with_works: bool = False,
) -> Parts:
    """The parts of the works ``work_ids`` in a claim on the terms ``defaults``.

    Kept parts are read; the others are made (computing the fingerprints works lack, with
    ``progress``), to be kept by `Parts.keep` once checked. The catalog is read once, at the
    start: works removed meanwhile (while their fingerprints are computed, say) are still
    claimed. `NotFoundError` names a work not in the catalog. ``with_works``: see `Parts.works`.
    """
    ids = list(dict.fromkeys(map(int, work_ids)))
    terms = strictjson.dumps(defaults).decode("utf-8")
    with catalog.snapshot():
        _, digests, revisions, subjects, entries, rows = map(
            list, zip(*_read(catalog, ids, terms), strict=True)
        )
        stale = {ids[i]: i for i, subject in enumerate(subjects) if subject is None}
        works = catalog.works_by_ids(ids if with_works else list(stale))
    made: list[tuple[dict[str, Any], dict[str, Any]]] = []
    keep = []
    if stale:
        from .fingerprint import subject_annotations  # Pillow and iscc-core: only when needed

        making = [w for w in works if w.id in stale]
        saved: set[int] = set()  # fingerprints kept now: one more revision each
        codes = fill_fingerprints(catalog, making, progress, saved)
        for work in making:
            i = stale[work.id]
            subject, entry = work_parts(work, defaults, subject_annotations(codes[work.digest]))
            made.append((subject, entry))
            subjects[i], entries[i] = strictjson.dumps(subject), strictjson.dumps(entry)
            rows[i] = work_row(entry, defaults) if i < MAX_ROWS else None
            if fingerprints_pending(work) and work.id not in saved:
                continue  # no file to compute them from now: perhaps at the next export
            revision = revisions[i] + (work.id in saved)
            # A work's own terms apply to the claim's: its parts hold both.
            own = terms if work.terms else None
            keep.append((work.id, revision, FORMAT, own, subjects[i], entries[i], rows[i]))
    # The page shows the first works only: a row is made (and kept) when first shown.
    shown = min(len(ids), MAX_ROWS)
    rowless = [i for i in range(shown) if rows[i] is None]
    for i in rowless:
        rows[i] = work_row(msgspec.json.decode(entries[i]), defaults)
    new_rows = [(rows[i], ids[i], entries[i], terms) for i in rowless if ids[i] not in stale]
    shown_rows = list(zip(digests[:shown], rows[:shown], strict=True))
    every = works if with_works else None
    return Parts(ids, digests, subjects, entries, shown_rows, made, (keep, new_rows), every)


def _read(catalog: Catalog, ids: list[int], terms: str) -> list[tuple[Any, ...]]:
    """(id, digest, revision, subject, entry, row) of each work, in the order of ``ids``.

    The kept parts are None unless made from the work's revision, by this `FORMAT`, and for
    the claim's ``terms`` if the work has terms of its own (the row may be None still, if the
    page never showed the work). The revision is only given with no kept parts: it labels the
    parts made now. Parts not of the kinds of value Colophon keeps (bytes, and a text row: a
    damaged or hand-edited row) are not used either.
    """
    where, params = among("w.id", ids)
    rows = catalog.conn.execute(  # in the order of the table, which costs nothing
        "SELECT w.id, w.digest, CASE WHEN p.work_id IS NULL THEN w.revision END, "
        "p.subject, p.entry, p.row FROM works w LEFT JOIN claim_parts p ON p.work_id = w.id "
        "AND p.revision = w.revision AND p.format = ? AND (p.terms IS NULL OR p.terms = ?) "
        "AND typeof(p.subject) = 'blob' AND typeof(p.entry) = 'blob' "
        "AND typeof(p.row) IN ('null', 'text') "
        f"WHERE {where} ORDER BY w.id",
        (FORMAT, terms, *params),
    ).fetchall()
    if len(rows) > len(ids):  # a range holding works not asked for
        wanted = set(ids)
        rows = [row for row in rows if row[0] in wanted]
    if len(rows) != len(ids):
        found = {row[0] for row in rows}
        missing = next(i for i in ids if i not in found)
        raise NotFoundError(f"No work {missing} in the catalog.")
    if ids != sorted(ids):  # asked for in another order
        by_id = {row[0]: row for row in rows}
        rows = [by_id[i] for i in ids]
    return rows


def keep_ahead(catalog: Catalog, conn: sqlite3.Connection, work_ids: Sequence[int]) -> int:
    """Make and keep, in the caller's transaction ``conn``, the parts of those of ``work_ids``
    that no claim's terms change and that are not kept yet; returns how many were kept.

    Left for the export to make: works with terms of their own (their parts depend on the
    profile's terms), works whose fingerprints are still to be computed, and all of them if a
    part breaks the format (the export says why; registering goes on).
    """
    wanted = set(map(int, work_ids))
    if not wanted:
        return 0
    where, params = among("w.id", list(wanted))
    found = conn.execute(
        "SELECT w.id, w.revision FROM works w LEFT JOIN claim_parts p ON p.work_id = w.id "
        "AND p.revision = w.revision AND p.format = ? AND typeof(p.row) = 'text' "
        f"WHERE {where} AND w.terms IS NULL AND p.work_id IS NULL",
        (FORMAT, *params),
    ).fetchall()
    revisions = {work_id: revision for work_id, revision in found if work_id in wanted}
    works = [w for w in catalog.works_by_ids(list(revisions)) if not fingerprints_pending(w)]
    if not works:
        return 0
    made = [work_parts(work, {}, _annotations(work.fingerprints)) for work in works]
    try:
        check_work_parts(made)
    except (MalformedError, UnsupportedVersion):
        return 0
    dumps = strictjson.dumps
    _store(
        conn,
        [
            (work.id, revisions[work.id], FORMAT, None, dumps(s), dumps(e), work_row(e, {}))
            for work, (s, e) in zip(works, made, strict=True)
        ],
    )
    return len(works)


def _store(conn: sqlite3.Connection, parts: list[tuple[Any, ...]]) -> None:
    """Keep ``parts``, each (work id, revision, format, terms, subject, entry, row), in place of
    any kept before for its work; those of works removed meanwhile are left out."""
    conn.executemany(
        "INSERT OR REPLACE INTO claim_parts "
        "(work_id, revision, format, terms, subject, entry, row) "
        "SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM works WHERE id = ?)",
        [(*part, part[0]) for part in parts],
    )


def _annotations(codes: list[str] | None) -> dict[str, str]:
    if not codes:
        return {}
    from .fingerprint import subject_annotations  # Pillow and iscc-core: only when needed

    return subject_annotations(codes)
