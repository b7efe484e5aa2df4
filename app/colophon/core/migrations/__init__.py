"""Forward-only schema migrations of the catalog.

``MIGRATIONS[i]`` brings a catalog from schema version ``i`` to ``i + 1``; the version lives in
``PRAGMA user_version``. A migration runs inside one transaction together with the version bump,
so a crash leaves the catalog at the old version or the new one. Each migration has a test that
starts from a catalog of the previous version (see tests/core/test_migrations.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def run_script(conn: sqlite3.Connection, sql: str) -> None:
    """Run several statements inside the caller's transaction (``executescript`` would commit)."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {pending!r}")


from . import (  # noqa: E402 - they use run_script
    v0001_works,
    v0002_identity,
    v0003_bundles,
    v0004_fingerprints,
    v0005_trust_lookups,
    v0006_look_alike_names,
    v0007_work_ids_kept,
    v0008_same_person,
    v0009_negotiate_without_amount,
    v0010_claim_parts,
    v0011_export_ranges,
    v0012_export_range_rows,
)

Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [
    v0001_works.upgrade,
    v0002_identity.upgrade,
    v0003_bundles.upgrade,
    v0004_fingerprints.upgrade,
    v0005_trust_lookups.upgrade,
    v0006_look_alike_names.upgrade,
    v0007_work_ids_kept.upgrade,
    v0008_same_person.upgrade,
    v0009_negotiate_without_amount.upgrade,
    v0010_claim_parts.upgrade,
    v0011_export_ranges.upgrade,
    v0012_export_range_rows.upgrade,
]

LATEST = len(MIGRATIONS)
