"""Schema 4: content fingerprints of works (ISCC codes), for finding re-encoded copies.

NULL means "not computed" (works registered before this version, or a kind with no
fingerprint); an empty JSON list means "computed, none possible".
"""

from __future__ import annotations

import sqlite3

from . import run_script

SQL = """
ALTER TABLE works ADD COLUMN fingerprints TEXT;
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
