"""The catalog: one SQLite file holding every registered work and where it lives on disk.

Opened through sqlite-utils, in WAL mode with foreign keys on. Writes that touch several tables
run in one transaction (`Catalog.transaction`), so a crash at any moment leaves each work either
fully recorded or absent. The catalog has a single writer: whoever opened it on one thread.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import platformdirs

if TYPE_CHECKING:
    import sqlite_utils

from . import id_ranges
from .creation_dates import normalise_date
from .errors import (
    CatalogError,
    ColophonError,
    DiskFullError,
    EnvironmentProblem,
    NotFoundError,
    UsageError,
)
from .migrations import LATEST, MIGRATIONS

CATALOG_FILE = "catalog.sqlite"
HOME_ENV = "COLOPHON_HOME"
#: how works can be sorted: the columns compared, before the order in which they were added
WORK_ORDERS: dict[str, tuple[str, ...]] = {
    "added": (),
    "title": ("title COLLATE NOCASE",),
    "kind": ("kind",),
    "created": ("created",),
}
WORK_COLUMNS = (
    "id, digest, size, kind, mime, title, description, created, registered_at, terms, fingerprints"
)


def catalog_file(home: str | os.PathLike[str] | None = None) -> Path:
    """Where the catalog of ``home`` (by default `default_home`) is, whether or not it exists."""
    return (Path(home).expanduser() if home is not None else default_home()) / CATALOG_FILE


def default_home() -> Path:
    """Where Colophon keeps its data: ``$COLOPHON_HOME`` or the platform's user data folder."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("Colophon", appauthor=False))


def now_utc() -> str:
    """The current time as RFC 3339 in UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


#: what marks a SQLite file as a Colophon catalog (``PRAGMA application_id``; "Colo" in ASCII),
#: written by every upgrade: another program's database of the same name is never changed
APPLICATION_ID = 0x436F6C6F
#: how long a command waits for another process (the app, another command) that is writing to
#: the catalog before it says the catalog is busy
BUSY_TIMEOUT_MS = 5000


@dataclass(slots=True)
class Contributor:
    name: str
    role: str = ""
    share: float | None = None  # percent of the work, 0-100

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "share": self.share}


@dataclass(slots=True)
class Work:
    id: int
    digest: str
    size: int
    kind: str
    mime: str | None
    title: str
    description: str
    created: str
    registered_at: str
    terms: dict[str, Any] | None = None
    fingerprints: list[str] | None = None  # ISCC codes; None: not computed
    tags: list[str] = field(default_factory=list)
    contributors: list[Contributor] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "digest": self.digest,
            "size": self.size,
            "kind": self.kind,
            "mime": self.mime,
            "title": self.title,
            "description": self.description,
            "created": self.created,
            "registered_at": self.registered_at,
            "terms": self.terms,
            "fingerprints": self.fingerprints,
            "tags": list(self.tags),
            "contributors": [c.to_dict() for c in self.contributors],
            "paths": list(self.paths),
        }


@dataclass(frozen=True)
class KnownPath:
    work_id: int
    digest: str
    path: str
    size: int
    mtime_ns: int


class Catalog:
    """A connection to one catalog file. Use as a context manager or call `close()`."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """The same connection through sqlite-utils, for simple table operations.

        Imported on first use: sqlite-utils (and what it loads) adds a tenth of a second to the
        start of every command, and the hot paths here are plain SQL in explicit transactions.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, home: str | os.PathLike[str] | None = None) -> Catalog:
        """Open (creating if needed) the catalog in ``home`` and bring its schema up to date."""
        path = catalog_file(home)
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise CatalogError(
                f"Cannot create the Colophon folder {folder}: {exc.strerror}."
            ) from exc
        conn = None
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _check_ours(conn, path)  # before anything is written to it
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            # LIKE folds the case of ASCII letters only: "été" must find "Été" too (`_filter`)
            conn.create_function("casefold", 1, _casefold, deterministic=True)
            catalog = cls(path, conn)
            catalog._migrate()
        except (sqlite3.DatabaseError, ColophonError) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, ColophonError):
                raise
            raise _open_problem(exc, path) from exc
        return catalog

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > LATEST:
            raise CatalogError(
                f"The catalog {self.path} was written by a newer Colophon (schema {version}); "
                "please update Colophon."
            )
        if version == LATEST:
            return
        # Foreign keys are off while the schema changes (a table rebuilt by copying is dropped
        # without its references following it) and checked before each step commits; the
        # setting cannot change inside a transaction.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            for target in range(version, LATEST):
                with self.transaction():
                    if self.schema_version != target:  # another process upgraded it meanwhile
                        continue
                    MIGRATIONS[target](self.conn)
                    if broken := self.conn.execute("PRAGMA foreign_key_check").fetchone():
                        raise CatalogError(
                            f"Upgrading the catalog {self.path} to schema {target + 1} would "
                            f"leave a row of {broken[0]} pointing nowhere, so it was left at "
                            f"schema {target}. The catalog may be damaged."
                        )
                    self.conn.execute(f"PRAGMA user_version = {target + 1}")
                    self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all.

        Only plain ``conn.execute`` calls belong inside: sqlite-utils' table methods commit on
        their own and would split the transaction. A database error (busy, disk full, read-only,
        damaged) comes out as the `ColophonError` `database_problem` gives.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:  # SQLite may have rolled back on its own
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if not is_environment_error(exc):
                raise  # a bug (a constraint, a bad statement): said as one
            raise database_problem(exc, self.path) from exc

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads in the block see the catalog as it was at the first of them, whatever other
        processes write meanwhile (they are not held up). Nothing may be written in the block."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("ROLLBACK")

    # -- settings ----------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        self.db["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")

    # -- reading works -----------------------------------------------------------------------
    def count_works(self) -> int:
        return int(self.db["works"].count)

    def get_work(self, ref: int | str) -> Work:
        """A work by numeric id, full digest, or unambiguous digest prefix (8+ hex digits)."""
        text = str(ref).strip().lower()
        if text.isdigit() and len(text) < 16:
            rows = self.conn.execute(
                f"SELECT {WORK_COLUMNS} FROM works WHERE id = ?", (int(text),)
            ).fetchall()
        elif len(text) >= 8 and all(c in "0123456789abcdef" for c in text):
            rows = self.conn.execute(
                f"SELECT {WORK_COLUMNS} FROM works WHERE digest >= ? AND digest < ? LIMIT 2",
                (text, text + "g"),
            ).fetchall()
            if len(rows) > 1:
                raise UsageError(f"The digest prefix {text} matches more than one work.")
        else:
            raise UsageError(f"'{ref}' is neither a work id nor a digest.")
        if not rows:
            raise NotFoundError(f"No work {ref} in the catalog.")
        return self._hydrate([rows[0]])[0]

    def find_by_digest(self, digest: str) -> Work | None:
        row = self.conn.execute(
            f"SELECT {WORK_COLUMNS} FROM works WHERE digest = ?", (digest,)
        ).fetchone()
        return None if row is None else self._hydrate([row])[0]

    def list_works(
        self,
        search: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        *,
        order: str = "added",
        descending: bool = False,
    ) -> list[Work]:
        """Works filtered by text and kind, sorted as `work_ids` sorts them."""
        where, params = self._filter(search, kind)
        sql = (
            f"SELECT {WORK_COLUMNS} FROM works {where} "
            f"ORDER BY {_order_by(order, descending)} LIMIT ? OFFSET ?"
        )
        rows = self.conn.execute(sql, [*params, -1 if limit is None else limit, offset])
        return self._hydrate(rows.fetchall())

    def work_ids(
        self,
        search: str | None = None,
        kind: str | None = None,
        *,
        order: str = "added",
        descending: bool = False,
    ) -> list[int]:
        """Ids of the works matching the filter, sorted by one of `WORK_ORDERS`.

        Works that tie (the same title, say) stay in the order they were added, reversed along
        with the rest when ``descending``.
        """
        where, params = self._filter(search, kind)
        sql = f"SELECT id FROM works {where} ORDER BY {_order_by(order, descending)}"
        return [r[0] for r in self.conn.execute(sql, params)]

    def _filter(self, search: str | None, kind: str | None) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if kind:
            clauses.append("kind = ?")
            params.append(kind)
        for word in (search or "").split():  # every word, each anywhere: "harbour dawn"
            # SQLite's LIKE ignores the case of ASCII letters; a word with others ("été") is
            # compared with each text's case folded by Python, which costs more, so only then.
            folded = not word.isascii()
            word = word.casefold() if folded else word
            like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            field = "casefold({})" if folded else "{}"
            test = " LIKE ? ESCAPE '\\'"
            clauses.append(
                f"({field.format('title')}{test} OR {field.format('description')}{test}"
                f" OR digest{test}"
                f" OR id IN (SELECT work_id FROM tags WHERE {field.format('tag')}{test})"
                f" OR id IN (SELECT work_id FROM paths WHERE {field.format('path')}{test}))"
            )
            params.extend([like] * 5)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _hydrate(self, rows: Iterable[sqlite3.Row | tuple[Any, ...]]) -> list[Work]:
        """Works from rows of `WORK_COLUMNS`, with their tags, contributors and paths.

        One query per table, whatever the number of works (an export may hold 100,000).
        """
        works = _works_from_rows(rows)
        if not works:
            return works
        by_id = {w.id: w for w in works}
        where, params = among("work_id", list(by_id))
        get = by_id.get
        # Each list in its own order; rows come grouped by work (the tables' work_id indexes).
        for work_id, tag in self.conn.execute(
            f"SELECT work_id, tag FROM tags WHERE {where} ORDER BY work_id, tag", params
        ):
            if (work := get(work_id)) is not None:  # a range may hold works not asked for
                work.tags.append(tag)
        for work_id, name, role, share in self.conn.execute(
            f"SELECT work_id, name, role, share FROM contributors WHERE {where} "
            "ORDER BY work_id, position, id",
            params,
        ):
            if (work := get(work_id)) is not None:
                work.contributors.append(Contributor(name, role, share))
        for work_id, path in self.conn.execute(
            f"SELECT work_id, path FROM paths WHERE {where} ORDER BY work_id, id", params
        ):
            if (work := get(work_id)) is not None:
                work.paths.append(path)
        return works

    # -- known paths -------------------------------------------------------------------------
    def known_path(self, path: str) -> KnownPath | None:
        row = self.conn.execute(
            "SELECT p.work_id, w.digest, p.path, p.size, p.mtime_ns "
            "FROM paths p JOIN works w ON w.id = p.work_id WHERE p.path = ?",
            (path,),
        ).fetchone()
        return None if row is None else KnownPath(*row)

    def iter_known_paths(self, work_ids: Iterable[int] | None = None) -> Iterator[KnownPath]:
        """Every recorded path; with ``work_ids``, those of these works (and perhaps of works
        between them: the caller keeps the ones it wants, see `_among`)."""
        where: str = "1"
        params: tuple[Any, ...] = ()
        if work_ids is not None:
            wanted = list(work_ids)
            if not wanted:
                return
            where, params = among("p.work_id", wanted)
        cursor = self.conn.execute(
            "SELECT p.work_id, w.digest, p.path, p.size, p.mtime_ns "
            f"FROM paths p JOIN works w ON w.id = p.work_id WHERE {where} ORDER BY p.id",
            params,
        )
        for row in cursor:
            yield KnownPath(*row)

    def restamp_paths(self, stamps: Iterable[tuple[str, int, int]]) -> None:
        """Record the size and modification time (ns) a known path now has, its content the
        same: ``(path, size, mtime_ns)``."""
        rows = [(size, mtime_ns, now_utc(), path) for path, size, mtime_ns in stamps]
        if rows:
            with self.transaction() as conn:
                conn.executemany(
                    "UPDATE paths SET size = ?, mtime_ns = ?, seen_at = ? WHERE path = ?", rows
                )

    def relocate_paths(self, moves: Iterable[tuple[str, str, int, int]]) -> None:
        """Record that the file at a known path is now at another: ``(old, new, size,
        mtime_ns)``, the new file having the work's very content."""
        moves = list(moves)
        if not moves:
            return
        with self.transaction() as conn:
            for old, new, size, mtime_ns in moves:
                row = conn.execute("SELECT work_id FROM paths WHERE path = ?", (old,)).fetchone()
                if row is None:  # forgotten meanwhile
                    continue
                self.record_path(conn, row[0], new, size, mtime_ns)
                conn.execute("DELETE FROM paths WHERE path = ?", (old,))

    def forget_paths(self, paths: Iterable[str]) -> None:
        """Forget known locations (whose files are gone), keeping their works."""
        gone = [(path,) for path in paths]
        if gone:
            with self.transaction() as conn:
                conn.executemany("DELETE FROM paths WHERE path = ?", gone)

    def count_paths(self) -> int:
        return int(self.db["paths"].count)

    def record_path(
        self, conn: sqlite3.Connection, work_id: int, path: str, size: int, mtime_ns: int
    ) -> None:
        """Attach ``path`` to a work (moving it from another work if its content changed).

        Call inside `transaction()`.
        """
        conn.execute(
            "INSERT INTO paths (work_id, path, size, mtime_ns, seen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET work_id = excluded.work_id, size = excluded.size, "
            "mtime_ns = excluded.mtime_ns, seen_at = excluded.seen_at",
            (work_id, path, size, mtime_ns, now_utc()),
        )

    # -- editing works -----------------------------------------------------------------------
    def update_work(
        self,
        ref: int | str,
        *,
        title: str | None = None,
        description: str | None = None,
        created: str | None = None,
        tags: list[str] | None = None,
        contributors: list[Contributor] | None = None,
        terms: dict[str, Any] | bool | None = False,
    ) -> Work:
        """Change the given fields of one work; fields left as None stay as they are.

        ``terms`` is False to leave the overrides alone, None to inherit the profile again, or
        a dict of CAWG term overrides.
        """
        work = self.get_work(ref)
        if title is not None and not title.strip():
            raise UsageError("A title cannot be empty.")
        if created is not None:
            created = normalise_date(created)
        if contributors is not None:
            check_shares(contributors)
        if tags is not None:
            tags = sorted({t.strip() for t in tags if t.strip()})
        with self.transaction() as conn:
            for column, value in (
                ("title", title),
                ("description", description),
                ("created", created),
            ):
                if value is not None:
                    conn.execute(f"UPDATE works SET {column} = ? WHERE id = ?", (value, work.id))
            if terms is not False:
                conn.execute(
                    "UPDATE works SET terms = ? WHERE id = ?",
                    (None if terms is None else json.dumps(terms, sort_keys=True), work.id),
                )
            if tags is not None:
                conn.execute("DELETE FROM tags WHERE work_id = ?", (work.id,))
                conn.executemany(
                    "INSERT INTO tags (work_id, tag) VALUES (?, ?)", [(work.id, t) for t in tags]
                )
            if contributors is not None:
                conn.execute("DELETE FROM contributors WHERE work_id = ?", (work.id,))
                conn.executemany(
                    "INSERT INTO contributors (work_id, position, name, role, share) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(work.id, i, c.name, c.role, c.share) for i, c in enumerate(contributors)],
                )
        return self.get_work(work.id)

    def remove_works(self, ids: Iterable[int]) -> int:
        """Forget these works (with their paths, tags, contributors and places in past exports);
        returns how many were removed. The files are not touched, and bundles already exported
        still claim the works: only the catalog forgets them.
        """
        wanted = _json_ids(dict.fromkeys(map(int, ids)))
        with self.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM works WHERE id IN (SELECT value FROM json_each(?))", (wanted,)
            )
        return cursor.rowcount

    def works_by_ids(self, ids: Iterable[int]) -> list[Work]:
        """The works with these ids, in the order given; `NotFoundError` names a missing one."""
        wanted = list(dict.fromkeys(map(int, ids)))
        if not wanted:
            return []
        where, params = among("id", wanted)
        rows = self.conn.execute(f"SELECT {WORK_COLUMNS} FROM works WHERE {where}", params)
        if max(wanted) - min(wanted) + 1 != len(wanted):  # not every id of the range
            chosen = set(wanted)
            rows = (r for r in rows if r[0] in chosen)
        found = {w.id: w for w in self._hydrate(rows)}
        if len(found) != len(wanted):
            missing = next(i for i in wanted if i not in found)
            raise NotFoundError(f"No work {missing} in the catalog.")
        return list(map(found.__getitem__, wanted))

    # -- exports -----------------------------------------------------------------------------
    def record_export(
        self,
        path: os.PathLike[str] | str,
        key_id: str,
        statement_sha256: str,
        work_ids: list[int],
    ) -> int:
        """Remember that a bundle with these works was written; returns the export's id."""
        with self.recording_export(path, key_id, statement_sha256, work_ids) as export_id:
            return export_id

    @contextlib.contextmanager
    def recording_export(
        self,
        path: os.PathLike[str] | str,
        key_id: str,
        statement_sha256: str,
        work_ids: list[int],
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> Iterator[int]:
        """Record an export while the block writes its bundle: both happen, or neither.

        The record is written and committed first, so a catalog that cannot take it (a full
        disk, another process writing) stops the export before any file is written, and the
        catalog is not held while the bundle is written. A block that fails (a full disk, a
        cancel) has the record taken back. Works removed from the catalog since the claim was
        made are still in the bundle, and left out of the record. ``also`` writes more in the
        record's transaction (and is kept if the block fails).
        """
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO exports (created_at, path, key_id, statement_sha256, work_count) "
                "VALUES (?, ?, ?, ?, ?)",
                (now_utc(), os.fspath(path), key_id, statement_sha256, len(work_ids)),
            )
            export_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO export_ranges (export_id, first, last) VALUES (?, ?, ?)",
                [(export_id, *r) for r in _still_works(conn, id_ranges.islands(work_ids))],
            )
            if also is not None:  # more to write in the same transaction (see `claim_parts`)
                also(conn)
        try:
            yield export_id
        except BaseException:
            with contextlib.suppress(ColophonError), self.transaction() as conn:
                conn.execute("DELETE FROM exports WHERE id = ?", (export_id,))
            raise

    def exports_of(self, work_id: int) -> list[dict[str, Any]]:
        """Every export that included the work, newest first."""
        rows = self.conn.execute(
            "SELECT e.id, e.created_at, e.path, e.key_id, e.statement_sha256, e.work_count "
            "FROM exports e WHERE (SELECT r.last FROM export_ranges r WHERE r.export_id = e.id "
            "AND r.first <= ?1 ORDER BY r.first DESC LIMIT 1) >= ?1 ORDER BY e.id DESC",
            (work_id,),
        ).fetchall()
        names = ("id", "created_at", "path", "key_id", "statement_sha256", "work_count")
        return [dict(zip(names, r, strict=True)) for r in rows]

    def exported_work_ids(self) -> set[int]:
        """The ids of the works that went into a bundle (and of works removed since)."""
        # Single works (most ranges of a search's export) are gathered by SQLite, once each.
        single = self.conn.execute("SELECT DISTINCT first FROM export_ranges WHERE last = first")
        stretches = "SELECT first, last FROM export_ranges WHERE last > first ORDER BY first"
        return {row[0] for row in single} | id_ranges.union(self.conn.execute(stretches))

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse another program's database that has the catalog's name, before changing it."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    application = conn.execute("PRAGMA application_id").fetchone()[0]
    if application not in (0, APPLICATION_ID) or (
        version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    ):
        raise CatalogError(
            f"The file {path} is not a Colophon catalog; it was left as it is.",
            details="Move it away, or use another Colophon folder (--home).",
        )


def _open_problem(exc: sqlite3.Error, path: Path) -> ColophonError:
    """The error to show for a catalog that cannot be opened: a full disk or a read-only folder
    (the catalog writes beside itself even to be read) said as such."""
    folder = path.parent
    try:
        full = shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        full = False
    text = str(exc).lower()
    trouble_writing = any(word in text for word in ("i/o", "full", "unable to open", "readonly"))
    if full and trouble_writing:  # not a damaged file that happens to be on a full disk
        return DiskFullError(
            f"The disk holding the catalog {path} is full: even reading the catalog needs a "
            "little room. Free some space and try again."
        )
    if trouble_writing and not os.access(folder, os.W_OK):
        return EnvironmentProblem(
            f"The folder {folder} is read-only, and the catalog needs to write beside itself "
            "even to be read. Copy the folder somewhere you may write, and use --home."
        )
    if "locked" in text or "busy" in text:
        return database_problem(exc, path)
    return CatalogError(
        f"The catalog {path} cannot be opened: {exc}.",
        details="It may be damaged or not a Colophon catalog.",
    )


def is_environment_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the catalog's surroundings failing (busy, full, read-only, damaged),
    as opposed to a bug (a constraint broken, a statement wrong), which is reported as one."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def database_problem(exc: sqlite3.Error, path: Path | None = None) -> ColophonError:
    """The error to show for a database error met while reading or writing the catalog.

    Writes run in transactions (`Catalog.transaction`), so a write that fails changed nothing.
    """
    text = str(exc).lower()
    where = f"The catalog {path}" if path else "The catalog"
    if "locked" in text or "busy" in text:
        return EnvironmentProblem(
            f"{where} is busy: another Colophon is writing to it. Try again when it is done."
        )
    if "full" in text:
        return DiskFullError(
            "The disk holding the catalog is full, so nothing was changed. Free some space "
            "and try again."
        )
    if "readonly" in text or "read-only" in text:
        return EnvironmentProblem(
            f"{where} cannot be changed: the file or its folder is read-only. Nothing was changed."
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return CatalogError(
            f"{where} is damaged ({exc}).",
            details="Restore it from a backup copy, or run Colophon with another --home.",
        )
    return EnvironmentProblem(f"{where} could not be read or written: {exc}.")


# -- reading many works at once --------------------------------------------------------------
_json = msgspec.json.decode  # a tenth of what `json.loads` costs per call; an export makes 100,000


def _works_from_rows(rows: Iterable[Any]) -> list[Work]:
    """`Work` objects from rows of `WORK_COLUMNS` (without their tags, contributors, paths)."""
    works = []
    append = works.append
    for wid, digest, size, kind, mime, title, description, created, registered, terms, fps in rows:
        append(
            Work(
                wid,
                digest,
                size,
                kind,
                mime,
                title,
                description,
                created,
                registered,
                _json(terms) if terms else None,
                _json(fps) if fps is not None else None,
            )
        )
    return works


def _order_by(order: str, descending: bool) -> str:
    """The ORDER BY list for one of `WORK_ORDERS`; ties go by the order works were added."""
    if order not in WORK_ORDERS:
        raise ValueError(f"Cannot sort works by {order!r}.")
    direction = " DESC" if descending else ""
    return ", ".join(f"{key}{direction}" for key in (*WORK_ORDERS[order], "id"))


def among(column: str, ids: list[int]) -> tuple[str, tuple[Any, ...]]:
    """A condition that ``column`` is one of ``ids``, as SQL and its parameters.

    Ids that fill at least half of their range (an export of a whole catalog) are read as one
    range of the table, faster than looking each one up, and the caller drops the rows of other
    ids; other sets of ids travel as one JSON array, so no list of parameters grows with them.
    """
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        return f"{column} BETWEEN ? AND ?", (low, high)
    return f"{column} IN (SELECT value FROM json_each(?))", (_json_ids(ids),)


def _still_works(conn: sqlite3.Connection, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``ranges`` of ids (`id_ranges`) without the ids of works no longer in the catalog.

    Each range is counted in the table, which for a whole range takes no time; only a range
    with a work removed meanwhile is read id by id.
    """
    kept = []
    count_sql = "SELECT count(*) FROM works WHERE id BETWEEN ? AND ?"
    for first, last in ranges:
        if conn.execute(count_sql, (first, last)).fetchone()[0] == last - first + 1:
            kept.append((first, last))
            continue
        rows = conn.execute("SELECT id FROM works WHERE id BETWEEN ? AND ?", (first, last))
        kept += id_ranges.islands(row[0] for row in rows)
    return kept


def _casefold(text: Any) -> Any:
    """SQL ``casefold(x)``: the text with its case folded as Python folds it (all scripts)."""
    return text.casefold() if isinstance(text, str) else text


def _json_ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(map(str, map(int, ids))) + "]"


def check_shares(contributors: list[Contributor]) -> None:
    """Contributors need names; when any share is given, all shares add up to 100 %."""
    for c in contributors:
        if not c.name.strip():
            raise UsageError("Every contributor needs a name.")
        if c.share is not None and not 0 <= c.share <= 100:
            raise UsageError(f"The share of {c.name} must be between 0 and 100 %.")
    shares = [c.share for c in contributors if c.share is not None]
    if shares and (len(shares) != len(contributors) or abs(sum(shares) - 100) > 0.01):
        raise UsageError(
            "Contributor shares must add up to 100 % "
            f"(they add up to {sum(shares):g} %); give every contributor a share."
        )
