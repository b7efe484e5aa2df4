"""Forward migrations: every schema version upgrades to the latest, keeping data."""

from __future__ import annotations

import sqlite3

from colophon.core.catalog import CATALOG_FILE, Catalog
from colophon.core.migrations import LATEST, MIGRATIONS


def build(path, version: int) -> None:
    """A catalog at an old schema ``version``, made by running the migrations up to it."""
    conn = sqlite3.connect(path, isolation_level=None)
    for target in range(version):
        MIGRATIONS[target](conn)
        conn.execute(f"PRAGMA user_version = {target + 1}")
    conn.close()


def test_empty_file_is_brought_to_the_latest_schema(tmp_path):
    with Catalog.open(tmp_path) as cat:
        assert cat.schema_version == LATEST


def test_every_old_version_upgrades_and_keeps_its_works(tmp_path):
    for version in range(1, LATEST + 1):
        home = tmp_path / f"v{version}"
        home.mkdir()
        build(home / CATALOG_FILE, version)
        conn = sqlite3.connect(home / CATALOG_FILE)
        conn.execute(
            "INSERT INTO works (digest, size, kind, title, created, registered_at) "
            "VALUES (?, 1, 'text', 'old work', '2020-01-01', '2020-01-01T00:00:00Z')",
            ("a" * 64,),
        )
        conn.commit()
        conn.close()
        with Catalog.open(home) as cat:
            assert cat.schema_version == LATEST
            assert cat.get_work("a" * 64).title == "old work"
            assert cat.integrity_ok()
