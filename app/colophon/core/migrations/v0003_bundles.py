"""Schema 3: contacts (pinned signers) and the record of every bundle exported."""

from __future__ import annotations

import sqlite3

from . import run_script

SQL = """
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,           -- raw Ed25519 public key, hex
    fingerprint TEXT NOT NULL,
    card TEXT,                          -- their signed identity card, when we have one
    added_at TEXT NOT NULL
);
CREATE INDEX contacts_name ON contacts(name COLLATE NOCASE);
CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    path TEXT NOT NULL,
    key_id TEXT NOT NULL,
    statement_sha256 TEXT NOT NULL,
    work_count INTEGER NOT NULL
);
CREATE TABLE export_works (
    export_id INTEGER NOT NULL REFERENCES exports(id) ON DELETE CASCADE,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    PRIMARY KEY (export_id, work_id)
);
CREATE INDEX export_works_work_id ON export_works(work_id);
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
