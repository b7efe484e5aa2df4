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

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from . import strictjson
from .catalog import Catalog, Work
from .claim import Member, check_parts, statement_frame, work_parts
from .claimant import PublicKeyInfo
from .errors import NotFoundError
from .profile import Profile
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
        _keep(conn, *self.unkept)
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
        making = [w for w in works if w.id in stale]
        saved: set[int] = set()  # fingerprints kept now: one more revision each
        codes = fill_fingerprints(catalog, making, progress, saved)
        for work in making:
            i = stale[work.id]
            revision = revisions[i] + (work.id in saved)
            part = _make(work, codes[work.digest], defaults, terms, revision, i < MAX_ROWS)
            made.append(part.values)
            subjects[i], entries[i], rows[i] = part.subject, part.entry, part.row
            if fingerprints_pending(work) and work.id not in saved:
                continue  # no file to compute them from now: perhaps at the next export
            keep.append(part.kept)
    # The page shows the first works only: a row is made (and kept) when first shown.
    shown = min(len(ids), MAX_ROWS)
    rowless = [i for i in range(shown) if rows[i] is None]
    for i in rowless:
        rows[i] = work_row(msgspec.json.decode(entries[i]), defaults)
    new_rows = [(rows[i], ids[i], entries[i], terms) for i in rowless if ids[i] not in stale]
    shown_rows = list(zip(digests[:shown], rows[:shown], strict=True))
    every = works if with_works else None
    return Parts(ids, digests, subjects, entries, shown_rows, made, (keep, new_rows), every)


def prepare(
    catalog: Catalog,
    work_ids: Sequence[int],
    profile: Profile,
    key: PublicKeyInfo,
    progress: Progress | None = None,
) -> int:
    """Make and keep, ahead of any export, the parts of the works ``work_ids`` not kept yet.

    Registering works calls this for the works it adds: an export of them then reads their
    parts instead of making them, and costs about what reading its claim does. The parts are
    made for ``profile``'s terms and checked in a claim by ``key``, as an export's are. Works
    whose fingerprints are still to be computed (texts: see `register.FINGERPRINTED`) are left
    to the export, which computes them; so are works removed meanwhile. Returns how many works'
    parts were kept.
    """
    from .bundle import SUMMARY

    ids = list(dict.fromkeys(map(int, work_ids)))
    defaults = profile.terms.to_dict()
    terms = strictjson.dumps(defaults).decode("utf-8")
    with catalog.snapshot():
        revisions = {row[0]: row[2] for row in _read(catalog, ids, terms, strict=False)}
        stale = [i for i in ids if revisions.get(i) is not None]
        works = [w for w in catalog.works_by_ids(stale) if not fingerprints_pending(w)]
    progress = progress or Progress()
    progress.start(total=len(works), label="Preparing the works for export")
    parts = []
    for n, work in enumerate(works, 1):
        parts.append(_make(work, work.fingerprints or [], defaults, terms, revisions[work.id]))
        if n % 1000 == 0:
            progress.advance(1000)
            progress.check()
    if not parts:
        return 0
    made = [part.values for part in parts]
    # Any claim checks the parts it holds; this one has only a summary page, not yet written.
    issued = datetime.now(UTC).replace(microsecond=0)
    frame = statement_frame(profile, key, [Member(SUMMARY, "0" * 64)], issued)
    digests = [subject["digest"]["sha256"] for subject, _ in made]
    check_parts(frame, made, digests, lambda: made[0])
    progress.check()
    with catalog.transaction() as conn:
        _keep(conn, [part.kept for part in parts], [])
    return len(parts)


@dataclass
class _Part:
    """One work's part of a claim, just made."""

    values: tuple[dict[str, Any], dict[str, Any]]  # subject and entry, for `claim.check_parts`
    subject: bytes
    entry: bytes
    row: str | None
    kept: tuple[Any, ...]  # the row of claim_parts that keeps it


def _make(
    work: Work,
    codes: Sequence[str],
    defaults: dict[str, Any],
    terms: str,
    revision: int,
    row: bool = True,
) -> _Part:
    """The part of ``work``, whose fingerprints are ``codes``, in a claim on the terms
    ``defaults`` (``terms`` as kept), labelled with the work's ``revision``; with its row on the
    summary page if asked."""
    from .fingerprint import subject_annotations  # Pillow and iscc-core: only when needed

    subject, entry = work_parts(work, defaults, subject_annotations(codes))
    subject_json, entry_json = strictjson.dumps(subject), strictjson.dumps(entry)
    shown = work_row(entry, defaults) if row else None
    # A work's own terms apply to the claim's: its parts hold both.
    own = terms if work.terms else None
    kept = (work.id, revision, FORMAT, own, subject_json, entry_json, shown)
    return _Part((subject, entry), subject_json, entry_json, shown, kept)


def _keep(
    conn: sqlite3.Connection, parts: list[tuple[Any, ...]], rows: list[tuple[Any, ...]]
) -> None:
    """Write new ``parts`` (rows of claim_parts) and new summary ``rows`` of kept parts. Parts
    of works removed meanwhile are left out."""
    conn.executemany(
        "INSERT OR REPLACE INTO claim_parts "
        "(work_id, revision, format, terms, subject, entry, row) "
        "SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM works WHERE id = ?)",
        [(*part, part[0]) for part in parts],
    )
    # A row goes only to the part it was made from, not to one put in its place since.
    conn.executemany(
        "UPDATE claim_parts SET row = ? WHERE work_id = ? AND entry = ? "
        "AND (terms IS NULL OR terms = ?)",
        rows,
    )


def _read(
    catalog: Catalog, ids: list[int], terms: str, *, strict: bool = True
) -> list[tuple[Any, ...]]:
    """(id, digest, revision, subject, entry, row) of each work, in the order of ``ids``.

    The kept parts are None unless made from the work's revision, by this `FORMAT`, and for
    the claim's ``terms`` if the work has terms of its own (the row may be None still, if the
    page never showed the work). The revision is only given with no kept parts: it labels the
    parts made now. Parts not of the kinds of value Colophon keeps (bytes, and a text row: a
    damaged or hand-edited row) are not used either.
    """
    rows = catalog.conn.execute(  # in the order of the table, which costs nothing
        "SELECT w.id, w.digest, CASE WHEN p.work_id IS NULL THEN w.revision END, "
        "p.subject, p.entry, p.row FROM works w LEFT JOIN claim_parts p ON p.work_id = w.id "
        "AND p.revision = w.revision AND p.format = ? AND (p.terms IS NULL OR p.terms = ?) "
        "AND typeof(p.subject) = 'blob' AND typeof(p.entry) = 'blob' "
        "AND typeof(p.row) IN ('null', 'text') "
        "WHERE w.id IN (SELECT value FROM json_each(?)) ORDER BY w.id",
        (FORMAT, terms, "[" + ",".join(map(str, ids)) + "]"),
    ).fetchall()
    if strict and len(rows) != len(ids):
        found = {row[0] for row in rows}
        missing = next(i for i in ids if i not in found)
        raise NotFoundError(f"No work {missing} in the catalog.")
    if strict and ids != sorted(ids):  # asked for in another order
        by_id = {row[0]: row for row in rows}
        rows = [by_id[i] for i in ids]
    return rows
