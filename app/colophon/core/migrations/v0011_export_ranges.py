"""Schema 11: the works of an export are kept as ranges of ids in the export's own row.

Each export was recorded with one row per work in ``export_works``: an export of 100,000 works
wrote 100,000 rows and their index (0.15 s, and megabytes of catalog every time). The ids of an
export run in long stretches (see `colophon.core.id_ranges`), so ``exports.work_ranges`` keeps
them as ``[[first, last], ...]``. The rows recorded so far become ranges, and the table goes.
Rows of works removed since were removed with them; their ids are simply not in the ranges.
"""

from __future__ import annotations

import itertools
import json
import sqlite3


def upgrade(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE exports ADD COLUMN work_ranges TEXT NOT NULL DEFAULT '[]'")
    # Each export's islands of consecutive ids (an id minus its rank is the same throughout).
    islands = conn.execute(
        "SELECT export_id, min(work_id), max(work_id) FROM (SELECT export_id, work_id, "
        "work_id - row_number() OVER (PARTITION BY export_id ORDER BY work_id) AS island "
        "FROM export_works) GROUP BY export_id, island ORDER BY export_id, 2"
    )
    conn.executemany(
        "UPDATE exports SET work_ranges = ? WHERE id = ?",
        [
            (
                json.dumps([[first, last] for _, first, last in rows], separators=(",", ":")),
                export_id,
            )
            for export_id, rows in itertools.groupby(islands.fetchall(), key=lambda r: r[0])
        ],
    )
    conn.execute("DROP TABLE export_works")
