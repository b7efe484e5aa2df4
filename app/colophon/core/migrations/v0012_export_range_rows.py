"""Schema 12: an export's ranges of work ids are rows of ``export_ranges``, found by index.

Schema 11 kept them as one JSON text per export, which finding the exports of one work had to
read whole, for every export: a portfolio exported twenty times by search (ids far apart, so
tens of thousands of ranges each) took 0.2 s per work shown. As rows keyed by export and first
id, the range that could hold a work is one index lookup per export. A range is still one row
however many works it covers.
"""

from __future__ import annotations

import sqlite3

from . import run_script

SQL = """
CREATE TABLE export_ranges (
    export_id INTEGER NOT NULL REFERENCES exports(id) ON DELETE CASCADE,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL CHECK (last >= first),
    PRIMARY KEY (export_id, first)
) WITHOUT ROWID;
INSERT INTO export_ranges (export_id, first, last)
    SELECT e.id, json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]')
    FROM exports e, json_each(e.work_ranges) r;
ALTER TABLE exports DROP COLUMN work_ranges;
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SQL)
