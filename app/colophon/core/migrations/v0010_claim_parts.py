"""Schema 10: each work's part of a claim, kept ready-made, and a revision to tell it is current.

An export of many works spent most of its time turning catalog rows into the claim's JSON, the
same JSON each time for works that had not changed. ``claim_parts`` keeps, per work, its subject
and its entry in ``predicate.works`` as the canonical JSON an export writes (see
`colophon.core.claim_parts`) and its row on the bundle's summary page, with the work's
``revision`` they were made from.

``works.revision`` grows by one whenever anything a work's part is made from changes: the
work's own fields, its paths (the first names the subject), its contributors. Triggers do it,
inside SQLite, so no program writing to the works, their paths or contributors can forget it.
A part whose revision is not the work's is never used: it is made again. Paths seen again by a
scan (size, time) and tags do not change a claim and leave the revision alone.
"""

from __future__ import annotations

import sqlite3

from . import run_script


def _revise(table: str, event: str, of: str, works: str) -> str:
    """A trigger that moves the revision of the works ``works`` names on ``event`` in ``table``."""
    name = f"{table}_{event.lower()}_revises_work"
    return (
        f"CREATE TRIGGER {name} AFTER {event}{of} ON {table} BEGIN "
        f"UPDATE works SET revision = revision + 1 WHERE id IN ({works}); END;\n"
    )


SQL = (
    """
ALTER TABLE works ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TABLE claim_parts (
    work_id INTEGER PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,  -- the work's revision the parts were made from
    format INTEGER NOT NULL,    -- how they were made (claim_parts.FORMAT)
    terms TEXT,                 -- for a work with terms of its own: the claim's they apply to
    subject BLOB NOT NULL,      -- canonical JSON of the work's subject
    entry BLOB NOT NULL,        -- canonical JSON of the work's entry in predicate.works
    row TEXT                    -- its row on the summary page, once shown (summary.work_row)
);
"""
    + _revise(
        "works",
        "UPDATE",
        " OF digest, kind, mime, title, description, created, terms, fingerprints",
        "NEW.id",
    )
    + _revise("paths", "INSERT", "", "NEW.work_id")
    + _revise("paths", "DELETE", "", "OLD.work_id")
    + _revise("paths", "UPDATE", " OF id, path, work_id", "OLD.work_id, NEW.work_id")
    + _revise("contributors", "INSERT", "", "NEW.work_id")
    + _revise("contributors", "DELETE", "", "OLD.work_id")
    + _revise("contributors", "UPDATE", "", "OLD.work_id, NEW.work_id")
)


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
