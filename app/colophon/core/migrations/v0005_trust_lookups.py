"""Schema 5: what a verification looks up about a signer, in indexed columns.

Contacts: the published name and email from the identity card (checked when the contact was
added), and the name they are kept under, that name and the email in the form names are compared
in (`contacts.person_key`, `contacts.email_key`). Key events: the key a rotation hands over to.
Before, every verification read every contact, parsing and re-verifying every card, and every
key event about any contact's key: with thousands of contacts, a quarter of a second per claim.
Now it looks up the few contacts and events that bear on the claim's key. The cards and events
already kept are read once, here.
"""

from __future__ import annotations

import json
import sqlite3

from . import run_script

SQL = """
ALTER TABLE contacts ADD COLUMN display_name TEXT;
ALTER TABLE contacts ADD COLUMN email TEXT;
ALTER TABLE contacts ADD COLUMN name_key TEXT;
ALTER TABLE contacts ADD COLUMN display_key TEXT;
ALTER TABLE contacts ADD COLUMN email_key TEXT;
CREATE INDEX contacts_name_key ON contacts(name_key);
CREATE INDEX contacts_display_key ON contacts(display_key);
CREATE INDEX contacts_email_key ON contacts(email_key);
ALTER TABLE key_events ADD COLUMN new_key_id TEXT;
CREATE INDEX key_events_new_key_id ON key_events(new_key_id);
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
    from ..card import parse_card  # the formats and the comparison as this version has them
    from ..contacts import email_key, person_key
    from ..keyevents import parse_event

    for contact_id, name, card in conn.execute("SELECT id, name, card FROM contacts").fetchall():
        display_name = email = None
        if card is not None:
            try:
                profile = parse_card(json.loads(card)).profile
            except Exception:  # a card that no longer reads gives no name
                pass
            else:
                display_name, email = profile.display_name, profile.email
        conn.execute(
            "UPDATE contacts SET display_name = ?, email = ?, name_key = ?, display_key = ?, "
            "email_key = ? WHERE id = ?",
            (
                display_name,
                email,
                person_key(name),
                person_key(display_name) if display_name else None,
                email_key(email),
                contact_id,
            ),
        )
    rotations = conn.execute("SELECT id, envelope FROM key_events WHERE kind = 'rotation'")
    for event_id, envelope in rotations.fetchall():
        try:
            new_key = parse_event(json.loads(envelope)).new_key
        except Exception:  # kept unreadable: it is refused when read, as before
            continue
        if new_key is not None:
            conn.execute(
                "UPDATE key_events SET new_key_id = ? WHERE id = ?", (new_key.keyid, event_id)
            )
