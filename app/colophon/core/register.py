"""Registering files and folders as works in the catalog.

Files are found (`walk`), hashed on every core (`hashing`), and recorded in batches. Each batch
is one transaction, so a crash or a kill leaves every work either fully recorded (with its path)
or not at all; running the same import again finishes the job, quickly, because paths already
recorded with the same size and modification time are not read again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .catalog import Catalog, Work, now_utc
from .check import unchanged_paths
from .errors import Cancelled, DiskFullError, EnvironmentProblem
from .hashing import Hashed, hash_files
from .match import FINGERPRINTED as HAS_FINGERPRINTS
from .pathtext import is_utf8
from .progress import Progress
from .walk import Candidate, Skipped, existing, walk

#: kinds fingerprinted while registering; texts are fingerprinted when first exported, since the
#: ISCC text code runs at well under 1 MB/s and would hold up an import of many small texts
FINGERPRINTED = frozenset({"image"})
BATCH_FILES = 500
BATCH_SECONDS = 0.5
NOT_UTF8 = "its name is not UTF-8 text; rename the file to register it"


@dataclass
class ImportReport:
    """What an import did, for a summary line and for the list of skipped files."""

    added: list[int] = field(default_factory=list)  # ids of works new to the catalog
    #: new works that are a file's new content: (new work id, the earlier work's id); each new
    #: one takes what was said of the earlier (title, description, tags, contributors, terms)
    new_versions: list[tuple[int, int]] = field(default_factory=list)
    new_paths: int = 0  # extra locations of works already known
    unchanged: int = 0  # paths already recorded and not changed since
    skipped: list[Skipped] = field(default_factory=list)
    cancelled: bool = False

    @property
    def files_seen(self) -> int:
        return len(self.added) + self.new_paths + self.unchanged + len(self.skipped)

    def to_dict(self) -> dict[str, object]:
        return {
            "added": len(self.added),
            "added_ids": self.added,
            "new_versions": [
                {"work_id": new, "previous_id": old} for new, old in self.new_versions
            ],
            "new_paths": self.new_paths,
            "unchanged": self.unchanged,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "cancelled": self.cancelled,
        }


def register(
    catalog: Catalog,
    paths: Iterable[str | os.PathLike[str]],
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Register every file under ``paths``; returns a report, also when cancelled part-way.

    A path that does not exist is a `NotFoundError` before anything is registered: a mistyped
    folder must not read as a folder with nothing in it. Named paths are taken by their real
    place (links resolved); links met inside a folder are followed as `walk` says.
    """
    # Each named folder or file by its real place: the same folder reached through a link (or
    # a link to a file) must not register every file a second time, under another name.
    paths = [os.path.realpath(p) for p in existing(paths)]
    progress = progress or Progress()
    report = ImportReport()
    todo: list[Candidate] = []
    found: list[Candidate] = []
    for candidate in walk(paths, report.skipped.append, exclude=[catalog.path.parent]):
        found.append(candidate)
        progress.check()
    for candidate in _links_left_out(found):
        if not is_utf8(candidate.path):  # the catalog keeps names as text (see pathtext)
            report.skipped.append(Skipped(candidate.path, NOT_UTF8))
            continue
        known = catalog.known_path(candidate.path)
        if known and (known.size, known.mtime_ns) == (candidate.size, candidate.mtime_ns):
            report.unchanged += 1
        else:
            todo.append(candidate)
        progress.check()
    progress.start(total=len(todo), total_bytes=sum(c.size for c in todo), label="Registering")
    batch: list[Hashed] = []
    last_flush = time.monotonic()
    try:
        for result in hash_files(todo, progress, workers, fingerprint=FINGERPRINTED):
            if isinstance(result, Skipped):
                report.skipped.append(result)
                continue
            batch.append(result)
            if len(batch) >= BATCH_FILES or time.monotonic() - last_flush > BATCH_SECONDS:
                _record(catalog, batch, report)
                batch, last_flush = [], time.monotonic()
    except (Cancelled, KeyboardInterrupt):
        report.cancelled = True
    _record(catalog, batch, report)
    return report


def _links_left_out(found: list[Candidate]) -> list[Candidate]:
    """``found`` but for links to a file found under its own name too (the same device and
    inode): a link is no second place of a work, and its name must not become the work's
    title. Nothing is wrong with such a link: it is left out, not reported."""
    names: dict[tuple[int, int], list[Candidate]] = {}
    for candidate in found:
        if candidate.identity is not None:
            names.setdefault(candidate.identity, []).append(candidate)
    left_out: set[str] = set()
    for same in names.values():
        if len(same) < 2:
            continue
        real = [c for c in same if not os.path.islink(c.path)]
        if real:
            left_out.update(c.path for c in same if c not in real)
    return [c for c in found if c.path not in left_out]


def _record(catalog: Catalog, batch: list[Hashed], report: ImportReport) -> None:
    if not batch:
        return
    from .claim_parts import keep_ahead  # which reads fingerprints with this module

    try:
        with catalog.transaction() as conn:
            added: list[int] = []
            versions: list[tuple[int, int]] = []
            touched: list[int] = []
            extra = unchanged = 0
            # Copies of one content: the work is named and dated by the oldest file (the
            # original, not "… (copy for web)" made today).
            oldest: dict[str, Hashed] = {}
            for item in batch:
                if item.digest not in oldest or item.mtime_ns < oldest[item.digest].mtime_ns:
                    oldest[item.digest] = item
            for item in batch:
                row = conn.execute(
                    "SELECT id FROM works WHERE digest = ?", (item.digest,)
                ).fetchone()
                if row is None:
                    work_id = _insert_work(conn, oldest[item.digest])
                    added.append(work_id)
                    earlier = conn.execute(
                        "SELECT work_id FROM paths WHERE path = ?", (item.path,)
                    ).fetchone()
                    if earlier is not None:  # the file was edited: a new version of a work
                        _carry_over(conn, earlier[0], work_id)
                        versions.append((work_id, earlier[0]))
                else:
                    work_id = row[0]
                    if conn.execute(
                        "SELECT 1 FROM paths WHERE path = ? AND work_id = ? AND size = ? "
                        "AND mtime_ns = ?",
                        (item.path, work_id, item.size, item.mtime_ns),
                    ).fetchone():
                        unchanged += 1  # recorded meanwhile, by another add of the same files
                        continue
                    extra += 1
                catalog.record_path(conn, work_id, item.path, item.size, item.mtime_ns)
                touched.append(work_id)
            # Each work's part of a claim, made now rather than at its first export.
            keep_ahead(catalog, conn, touched)
    except DiskFullError as exc:  # the files recorded before this batch stay recorded
        raise DiskFullError(
            "The disk holding the catalog is full; the last files were not recorded."
        ) from exc
    except EnvironmentProblem as exc:  # busy, read-only: the same, for another reason
        raise type(exc)(
            f"{exc.message} The last files were not recorded; those before them were, so the "
            "same command finishes the rest."
        ) from exc
    report.added.extend(added)
    report.new_versions.extend(versions)
    report.new_paths += extra
    report.unchanged += unchanged


def _carry_over(conn: sqlite3.Connection, earlier: int, work_id: int) -> None:
    """Give the new version ``work_id`` of a work what was said of the ``earlier`` one: its
    title, description, tags, contributors and terms. Its dates and kind are the file's own;
    the earlier work keeps everything (claims already signed name it)."""
    conn.execute(
        "UPDATE works SET (title, description, terms) = "
        "(SELECT title, description, terms FROM works WHERE id = ?) WHERE id = ?",
        (earlier, work_id),
    )
    conn.execute(
        "INSERT INTO tags (work_id, tag) SELECT ?, tag FROM tags WHERE work_id = ?",
        (work_id, earlier),
    )
    conn.execute(
        "INSERT INTO contributors (work_id, position, name, role, share) "
        "SELECT ?, position, name, role, share FROM contributors WHERE work_id = ? "
        "ORDER BY position, id",
        (work_id, earlier),
    )


def _insert_work(conn: sqlite3.Connection, item: Hashed) -> int:
    name = os.path.basename(item.path)
    title = os.path.splitext(name)[0] or name
    created = datetime.fromtimestamp(item.mtime_ns / 1e9).astimezone().isoformat(timespec="seconds")
    cursor = conn.execute(
        "INSERT INTO works (digest, size, kind, mime, title, created, registered_at, fingerprints) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            item.digest,
            item.size,
            item.kind,
            item.mime,
            title,
            created,
            now_utc(),
            None if item.fingerprints is None else json.dumps(list(item.fingerprints)),
        ),
    )
    return int(cursor.lastrowid or 0)


def fill_fingerprints(
    catalog: Catalog,
    works: list[Work],
    progress: Progress | None = None,
    saved: set[int] | None = None,
) -> dict[str, list[str]]:
    """Compute and keep the fingerprints works lack; returns every work's codes by digest.

    A work with no file on disk as it was registered (gone, or edited since: another size or
    time) keeps "not computed" and gets none now. What was computed is kept every few seconds
    and when the work is cancelled, so it is never computed twice. ``saved`` receives the ids
    of the works whose fingerprints were computed and kept now (each with one update).
    """
    from .fingerprint import compute_fingerprint  # Pillow and iscc-core: only when needed

    progress = progress or Progress()
    todo = [w for w in works if fingerprints_pending(w)]
    progress.start(total=len(todo), label="Fingerprinting")
    found: dict[int, list[str]] = {}
    unsaved: dict[int, list[str]] = {}
    saved_at = time.monotonic()
    try:
        for work in todo:
            progress.check()
            path = next(iter(unchanged_paths(catalog, work)), None)
            if path is not None:
                found[work.id] = unsaved[work.id] = list(compute_fingerprint(path, work.kind).codes)
            progress.advance()
            if unsaved and time.monotonic() - saved_at > BATCH_SECONDS:
                _keep_fingerprints(catalog, unsaved, saved)
                unsaved, saved_at = {}, time.monotonic()
    finally:
        _keep_fingerprints(catalog, unsaved, saved)
    return {w.digest: found.get(w.id, w.fingerprints or []) for w in works}


def fingerprints_pending(work: Work) -> bool:
    """Whether the work is of a kind that has fingerprints and they are not computed yet."""
    return work.fingerprints is None and work.kind in HAS_FINGERPRINTS


def _keep_fingerprints(
    catalog: Catalog, codes: dict[int, list[str]], saved: set[int] | None
) -> None:
    if codes:
        with catalog.transaction() as conn:
            conn.executemany(
                "UPDATE works SET fingerprints = ? WHERE id = ?",
                [(json.dumps(c), wid) for wid, c in codes.items()],
            )
        if saved is not None:
            saved.update(codes)
