"""Schema 1: works, their known paths, tags and contributors, and a small key/value table."""

from __future__ import annotations

import sqlite3

SQL = """
CREATE TABLE works (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE CHECK (length(digest) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    kind TEXT NOT NULL,
    mime TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    terms TEXT  -- JSON object of per-work term overrides; NULL inherits the profile's defaults
);
CREATE TABLE paths (
    id INTEGER PRIMARY KEY,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX paths_work_id ON paths(work_id);
CREATE TABLE tags (
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (work_id, tag)
);
CREATE TABLE contributors (
    id INTEGER PRIMARY KEY,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    share REAL CHECK (share IS NULL OR (share >= 0 AND share <= 100))
);
CREATE INDEX contributors_work_id ON contributors(work_id);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL  -- JSON
);
"""


def upgrade(conn: sqlite3.Connection) -> None:
    from . import run_script

    run_script(conn, SQL)
