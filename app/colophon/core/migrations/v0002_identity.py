"""Schema 2: the creator's signing keys and the key events (rotations, revocations) known.

Only public material lives here; private keys stay in the OS keyring or an encrypted key file
(``location`` says which). The profile is a JSON document in ``settings`` under "profile".
"""

from __future__ import annotations

import sqlite3

from . import run_script

SQL = """
CREATE TABLE keys (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,           -- raw Ed25519 public key, hex
    fingerprint TEXT NOT NULL,
    location TEXT NOT NULL,             -- where the private key is kept (keystore.KeyLocation)
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired', 'revoked')),
    retired_at TEXT,
    revoked_at TEXT,
    reason TEXT
);
CREATE UNIQUE INDEX keys_one_active ON keys(status) WHERE status = 'active';
CREATE TABLE key_events (
    id INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL,               -- the key the event is about (ours or a contact's)
    kind TEXT NOT NULL CHECK (kind IN ('rotation', 'revocation')),
    effective_at TEXT NOT NULL,
    envelope TEXT NOT NULL UNIQUE,      -- the signed statement, as received or made
    recorded_at TEXT NOT NULL
);
CREATE INDEX key_events_key_id ON key_events(key_id);
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
