"""Schema 8: contacts that are one person's keys, as the person who pinned them said.

Pinning a card with the name or email of another contact is refused unless its owner says the
two are the same person (``colophon contacts add --same-person``); that answer is kept, as the
id of the first contact of the person, so a verification lets either key sign as that person.
NULL: a contact on its own.
"""

from __future__ import annotations

import sqlite3

from . import run_script

SQL = """
ALTER TABLE contacts ADD COLUMN person INTEGER;
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
