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
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from . import strictjson
from .catalog import Catalog
from .claim import work_parts
from .errors import ColophonError, NotFoundError
from .progress import Progress
from .register import HAS_FINGERPRINTS, fill_fingerprints, fingerprints_pending
from .summary import MAX_ROWS, work_row

#: how `claim.work_parts`, `strictjson.dumps` and `summary.work_row` make parts: raise it with
#: any change to what they write, so parts kept by an earlier Colophon are made again (a test
#: fails until then)
FORMAT = 1

_ENCODER = msgspec.json.Encoder(order="sorted")  # strictjson's canonical form, for joining
_FINGERPRINTED = json.dumps(sorted(HAS_FINGERPRINTS))  # kinds whose works have fingerprints


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

    def __len__(self) -> int:
        return len(self.ids)

    def keep(self, catalog: Catalog) -> None:
        """Keep the parts made for this claim, once checked (`claim.check_parts`), for the next
        export. A catalog that cannot take them now (busy, full, read only) only makes the next
        export make them again."""
        parts, rows = self.unkept
        if not parts and not rows:
            return
        with contextlib.suppress(ColophonError), catalog.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO claim_parts "
                "(work_id, revision, format, terms, subject, entry, row) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                parts,
            )
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
) -> Parts:
    """The parts of the works ``work_ids`` in a claim on the terms ``defaults``.

    Kept parts are read; the others are made (computing the fingerprints works lack, with
    ``progress``), to be kept by `Parts.keep` once checked. `NotFoundError` names a work not in
    the catalog.
    """
    ids = list(dict.fromkeys(map(int, work_ids)))
    terms = strictjson.dumps(defaults).decode("utf-8")
    read = _read(catalog, ids, terms)
    if pending := [row[0] for row in read if row[6]]:  # fingerprints first: they are in parts
        fill_fingerprints(catalog, catalog.works_by_ids(pending), progress)
        read = _read(catalog, ids, terms)
    _, digests, revisions, subjects, entries, rows, _ = map(list, zip(*read, strict=True))
    made: list[tuple[dict[str, Any], dict[str, Any]]] = []
    stale = {ids[i]: i for i, subject in enumerate(subjects) if subject is None}
    keep = []
    if stale:
        from .fingerprint import subject_annotations  # Pillow and iscc-core: only when needed

        for work in catalog.works_by_ids(list(stale)):
            notes = subject_annotations(work.fingerprints or [])
            subject, entry = work_parts(work, defaults, notes)
            made.append((subject, entry))
            i = stale[work.id]
            subjects[i], entries[i] = strictjson.dumps(subject), strictjson.dumps(entry)
            rows[i] = work_row(entry, defaults) if i < MAX_ROWS else None
            if not fingerprints_pending(work):  # no file to compute them from: perhaps later
                # A work's own terms apply to the claim's: its parts hold both.
                own = terms if work.terms else None
                keep.append((work.id, revisions[i], FORMAT, own, subjects[i], entries[i], rows[i]))
    # The page shows the first works only: a row is made (and kept) when first shown.
    shown = min(len(ids), MAX_ROWS)
    rowless = [i for i in range(shown) if rows[i] is None]
    for i in rowless:
        rows[i] = work_row(msgspec.json.decode(entries[i]), defaults)
    new_rows = [(rows[i], ids[i], entries[i], terms) for i in rowless if ids[i] not in stale]
    shown_rows = list(zip(digests[:shown], rows[:shown], strict=True))
    return Parts(ids, digests, subjects, entries, shown_rows, made, (keep, new_rows))


def _read(catalog: Catalog, ids: list[int], terms: str) -> list[tuple[Any, ...]]:
    """(id, digest, revision, subject, entry, row, fingerprints pending) of each work, in the
    order of ``ids``.

    The kept parts are None unless made from the work's revision, by this `FORMAT`, and for
    the claim's ``terms`` if the work has terms of its own (the row may be None still, if the
    page never showed the work). The revision is only given with no kept parts: it labels the
    parts made now.
    """
    rows = catalog.conn.execute(  # in the order of the table, which costs nothing
        "SELECT w.id, w.digest, CASE WHEN p.work_id IS NULL THEN w.revision END, "
        "p.subject, p.entry, p.row, "
        "w.fingerprints IS NULL AND w.kind IN (SELECT value FROM json_each(?)) "
        "FROM works w LEFT JOIN claim_parts p ON p.work_id = w.id "
        "AND p.revision = w.revision AND p.format = ? AND (p.terms IS NULL OR p.terms = ?) "
        "WHERE w.id IN (SELECT value FROM json_each(?)) ORDER BY w.id",
        (_FINGERPRINTED, FORMAT, terms, "[" + ",".join(map(str, ids)) + "]"),
    ).fetchall()
    if len(rows) != len(ids):
        found = {row[0] for row in rows}
        missing = next(i for i in ids if i not in found)
        raise NotFoundError(f"No work {missing} in the catalog.")
    if ids != sorted(ids):  # asked for in another order
        by_id = {row[0]: row for row in rows}
        rows = [by_id[i] for i in ids]
    return rows
