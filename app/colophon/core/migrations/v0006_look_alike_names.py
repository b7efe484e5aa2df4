"""Schema 6: contact names and emails compared as `contacts.person_key` now reads them.

Names are compared without invisible formatting characters, and with Cyrillic and Greek
letters that look like Latin ones read as those; the keys kept for each contact are computed
again in that form, so a name spelt with a look-alike letter finds the contact it imitates.
"""

from __future__ import annotations

import sqlite3


def upgrade(conn: sqlite3.Connection) -> None:
    from ..contacts import email_key, person_key  # the comparison as this version has it

    rows = conn.execute("SELECT id, name, display_name, email FROM contacts").fetchall()
    for contact_id, name, display_name, email in rows:
        conn.execute(
            "UPDATE contacts SET name_key = ?, display_key = ?, email_key = ? WHERE id = ?",
            (
                person_key(name),
                person_key(display_name) if display_name else None,
                email_key(email),
                contact_id,
            ),
        )
