"""Schema 9: a profile that asks to negotiate names no amount, as the claim format says.

The command line used to take ``--compensation negotiate --amount 500 --currency EUR`` (the app
never did); the format says a negotiation names no amount, and a profile with one would now be
refused when read. Its amount and currency are dropped; what the creator asks for (to
negotiate) and the contact to negotiate with are kept. Claims signed before stay valid.
"""

from __future__ import annotations

import sqlite3

from . import run_script

SQL = """
UPDATE settings
SET value = json_remove(value, '$.compensation.amount', '$.compensation.currency')
WHERE key = 'profile' AND json_valid(value)
  AND json_extract(value, '$.compensation.model') = 'negotiate';
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
