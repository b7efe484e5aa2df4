"""Schema 7: a removed work's id is never given to another work.

SQLite gives a new row the highest id in the table plus one, so removing the newest works made
their ids free again: a script or a note that kept "work 42" would later reach a different work.
With ``AUTOINCREMENT`` the table remembers the highest id it ever gave (in ``sqlite_sequence``).
SQLite cannot add that to an existing table, so the table is rebuilt as its documentation
describes: a new table, the rows copied with their ids, the old one dropped, the new renamed.
The catalog runs migrations with foreign keys off and checks them before committing, so
dropping the old table removes nothing that refers to it (paths, tags, contributors, exports).
"""

from __future__ import annotations

import sqlite3

from . import run_script

COLUMNS = (
    "id, digest, size, kind, mime, title, description, created, registered_at, terms, fingerprints"
)

SQL = f"""
CREATE TABLE works_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    digest TEXT NOT NULL UNIQUE CHECK (length(digest) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    kind TEXT NOT NULL,
    mime TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    terms TEXT,  -- JSON object of per-work term overrides; NULL inherits the profile's defaults
    fingerprints TEXT  -- JSON list of ISCC codes; NULL: not computed
);
INSERT INTO works_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM works;
DROP TABLE works;
ALTER TABLE works_rebuilt RENAME TO works;
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
