"""Forward migrations: every schema version upgrades to the latest, keeping data."""

from __future__ import annotations

import json
import sqlite3

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from colophon.core.card import make_card
from colophon.core.catalog import CATALOG_FILE, Catalog
from colophon.core.claimant import PublicKeyInfo
from colophon.core.contacts import find_by_keyid, list_contacts, namesakes
from colophon.core.identity import Identity
from colophon.core.keyevents import make_revocation, make_rotation
from colophon.core.migrations import LATEST, MIGRATIONS
from colophon.core.profile import Profile


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


def test_contacts_get_the_name_and_email_of_their_cards_once(tmp_path):
    # Schema 5 keeps a contact's published name and email in columns, read from the card once,
    # so that listing the contacts (every verification does) parses no card.
    build(tmp_path / CATALOG_FILE, 4)
    private = Ed25519PrivateKey.generate()
    card = make_card(private, Profile("Ada Lovelace", email="ada@example.org"))
    rows = [
        ("Ada", PublicKeyInfo.of(private.public_key()), json.dumps(card)),
        ("No card", PublicKeyInfo.of(Ed25519PrivateKey.generate().public_key()), None),
        ("Bad card", PublicKeyInfo.of(Ed25519PrivateKey.generate().public_key()), '{"x": 1}'),
    ]
    conn = sqlite3.connect(tmp_path / CATALOG_FILE)
    for name, key, stored in rows:
        conn.execute(
            "INSERT INTO contacts (name, key_id, public_key, fingerprint, card, added_at) "
            "VALUES (?, ?, ?, ?, ?, '2025-01-01T00:00:00Z')",
            (name, key.keyid, key.hex, key.fingerprint, stored),
        )
    conn.commit()
    conn.close()

    with Catalog.open(tmp_path) as cat:
        found = {c.name: (c.display_name, c.email) for c in list_contacts(cat)}
        assert found == {
            "Ada": ("Ada Lovelace", "ada@example.org"),
            "No card": (None, None),
            "Bad card": (None, None),
        }
        # what a listing shows no longer depends on reading the card again
        cat.conn.execute("UPDATE contacts SET card = 'not json' WHERE name = 'Ada'")
        assert find_by_keyid(cat, rows[0][1].keyid).display_name == "Ada Lovelace"
        # and a verification finds the contacts a signer could be taken for, as before
        assert [c.name for c in namesakes(cat, "ADA  LOVELACE", None)] == ["Ada"]
        assert [c.name for c in namesakes(cat, "Someone", " Ada@Example.org")] == ["Ada"]
        assert [c.name for c in namesakes(cat, "no card", None)] == ["No card"]
        assert namesakes(cat, "Bad card", "bad@example.org")[0].name == "Bad card"
        assert namesakes(cat, "Grace Hopper", None) == []


def test_rotations_kept_before_can_be_followed_back_from_the_new_key(tmp_path):
    # Verification walks rotations backwards from the signer's key; schema 5 records the key
    # each rotation hands over to, reading the rotations already kept once.
    build(tmp_path / CATALOG_FILE, 4)
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    new_info = PublicKeyInfo.of(new.public_key())
    rotation = make_rotation(old, new_info)
    revocation = make_revocation(new, "superseded")
    conn = sqlite3.connect(tmp_path / CATALOG_FILE)
    for kind, key, envelope in (
        ("rotation", old.public_key(), rotation),
        ("revocation", new.public_key(), revocation),
    ):
        conn.execute(
            "INSERT INTO key_events (key_id, kind, effective_at, envelope, recorded_at) "
            "VALUES (?, ?, '2025-01-01T00:00:00+00:00', ?, '2025-01-01T00:00:00Z')",
            (PublicKeyInfo.of(key).keyid, kind, json.dumps(envelope)),
        )
    conn.commit()
    conn.close()

    with Catalog.open(tmp_path) as cat:
        identity = Identity(cat)
        assert identity.keys_rotated_to({new_info.keyid}) == {
            PublicKeyInfo.of(old.public_key()).keyid
        }
        assert identity.keys_rotated_to({PublicKeyInfo.of(old.public_key()).keyid}) == set()


def test_contacts_kept_before_are_found_by_names_spelt_with_look_alike_letters(tmp_path):
    # Schema 6 compares names with look-alike Cyrillic and Greek letters read as Latin; keys
    # stored by schema 5 (here: a contact under a Cyrillic name) are computed again.
    build(tmp_path / CATALOG_FILE, 5)
    key = PublicKeyInfo.of(Ed25519PrivateKey.generate().public_key())
    conn = sqlite3.connect(tmp_path / CATALOG_FILE)
    conn.execute(
        "INSERT INTO contacts (name, key_id, public_key, fingerprint, added_at, name_key) "
        "VALUES ('Сергей', ?, ?, ?, '2025-01-01T00:00:00Z', 'сергей')",
        (key.keyid, key.hex, key.fingerprint),
    )
    conn.commit()
    conn.close()

    with Catalog.open(tmp_path) as cat:
        assert [c.name for c in namesakes(cat, "Сергей", None)] == ["Сергей"]
        assert [c.name for c in namesakes(cat, "Cepгей", None)] == ["Сергей"]  # Latin C, e, p


def test_rebuilding_the_works_table_keeps_ids_and_everything_that_refers_to_them(tmp_path):
    # Schema 7 rebuilds the works table so that ids are never reused. Dropping the old table
    # must not take paths, tags, contributors or export entries with it (foreign keys cascade).
    build(tmp_path / CATALOG_FILE, 6)
    conn = sqlite3.connect(tmp_path / CATALOG_FILE)
    for work_id in (3, 7):
        conn.execute(
            "INSERT INTO works (id, digest, size, kind, title, created, registered_at, terms, "
            "fingerprints) VALUES (?, ?, 1, 'text', ?, '2020-01-01', '2020-01-01T00:00:00Z', "
            "'{}', '[]')",
            (work_id, f"{work_id}" * 64, f"work {work_id}"),
        )
        conn.execute(
            "INSERT INTO paths (work_id, path, size, mtime_ns, seen_at) VALUES (?, ?, 1, 0, '')",
            (work_id, f"/works/{work_id}.txt"),
        )
        conn.execute("INSERT INTO tags (work_id, tag) VALUES (?, 'sea')", (work_id,))
        conn.execute(
            "INSERT INTO contributors (work_id, position, name) VALUES (?, 0, 'Ann')", (work_id,)
        )
    conn.execute(
        "INSERT INTO exports (id, created_at, path, key_id, statement_sha256, work_count) "
        "VALUES (1, '', '/x.colophon', 'k', 'd', 2)"
    )
    conn.execute("INSERT INTO export_works VALUES (1, 3), (1, 7)")
    conn.commit()
    conn.close()

    with Catalog.open(tmp_path) as cat:
        assert cat.work_ids() == [3, 7]
        work = cat.get_work(7)
        assert (work.title, work.tags, work.paths) == ("work 7", ["sea"], ["/works/7.txt"])
        assert [c.name for c in work.contributors] == ["Ann"]
        assert [e["id"] for e in cat.exports_of(3)] == [1]
        assert cat.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert cat.integrity_ok()
        cat.remove_works([7])
        cat.conn.execute(
            "INSERT INTO works (digest, size, kind, title, created, registered_at) "
            "VALUES (?, 1, 'text', 'new', '2020-01-01', '2020-01-01T00:00:00Z')",
            ("e" * 64,),
        )
        assert cat.work_ids() == [3, 8]


def test_a_catalog_another_process_upgraded_meanwhile_is_not_upgraded_twice(tmp_path, monkeypatch):
    # The app and a command opening an old catalog at once: the second to get the write lock
    # finds it upgraded already, though it read the old version before waiting.
    build(tmp_path / CATALOG_FILE, 3)
    late = Catalog(
        tmp_path / CATALOG_FILE, sqlite3.connect(tmp_path / CATALOG_FILE, isolation_level=None)
    )
    Catalog.open(tmp_path).close()  # the other one upgrades it
    first_read = iter([3])
    real = Catalog.schema_version.fget
    monkeypatch.setattr(
        Catalog, "schema_version", property(lambda cat: next(first_read, None) or real(cat))
    )
    late._migrate()
    assert late.schema_version == LATEST
    assert late.integrity_ok()


def test_a_profile_asking_to_negotiate_loses_the_amount_the_format_forbids(tmp_path):
    # The command line used to keep an amount with "negotiate"; the claim format has none, and
    # a profile with one would now be refused when read.
    build(tmp_path / CATALOG_FILE, 8)
    conn = sqlite3.connect(tmp_path / CATALOG_FILE)
    profile = Profile("Ada Lovelace", email="ada@example.org").to_dict()
    profile["compensation"] = {
        "model": "negotiate",
        "amount": "500",
        "currency": "EUR",
        "contact": "licensing@ada.example",
    }
    conn.execute("INSERT INTO settings (key, value) VALUES ('profile', ?)", (json.dumps(profile),))
    conn.commit()
    conn.close()
    with Catalog.open(tmp_path) as cat:
        kept = Identity(cat).require_profile()
    assert kept.compensation.to_dict() == {
        "model": "negotiate",
        "contact": "licensing@ada.example",
    }
    assert (kept.display_name, kept.email) == ("Ada Lovelace", "ada@example.org")


def test_the_works_of_past_exports_become_ranges_of_ids(tmp_path):
    build(tmp_path / CATALOG_FILE, 10)
    conn = sqlite3.connect(tmp_path / CATALOG_FILE)
    for work_id in (1, 2, 3, 5, 8, 9):
        conn.execute(
            "INSERT INTO works (id, digest, size, kind, title, created, registered_at) "
            "VALUES (?, ?, 1, 'text', 'w', '2020-01-01', '2020-01-01T00:00:00Z')",
            (work_id, f"{work_id:064x}"),
        )
    for export_id in (1, 2, 3):
        conn.execute(
            "INSERT INTO exports (id, created_at, path, key_id, statement_sha256, work_count) "
            "VALUES (?, '', '/x.colophon', 'k', 'd', 0)",
            (export_id,),
        )
    conn.execute("INSERT INTO export_works VALUES (1, 1), (1, 2), (1, 3), (1, 5), (1, 9)")
    conn.execute("INSERT INTO export_works VALUES (2, 8), (2, 9)")  # and none in export 3
    conn.commit()
    conn.close()

    with Catalog.open(tmp_path) as cat:
        ranges = cat.conn.execute("SELECT * FROM export_ranges ORDER BY 1, 2").fetchall()
        assert ranges == [(1, 1, 3), (1, 5, 5), (1, 9, 9), (2, 8, 9)]  # none for export 3
        assert [e["id"] for e in cat.exports_of(2)] == [1]
        assert [e["id"] for e in cat.exports_of(9)] == [2, 1]
        assert [e["id"] for e in cat.exports_of(5)] == [1]
        assert cat.exports_of(4) == []
        assert cat.exported_work_ids() == {1, 2, 3, 5, 8, 9}
        tables = {r[0] for r in cat.conn.execute("SELECT name FROM sqlite_master")}
        assert "export_works" not in tables
        assert cat.integrity_ok()
