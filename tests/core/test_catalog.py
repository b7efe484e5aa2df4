"""The catalog file: location, pragmas, lookups, editing, validation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from colophon.core.catalog import (
    APPLICATION_ID,
    CATALOG_FILE,
    Catalog,
    Contributor,
    default_home,
)
from colophon.core.errors import CatalogError, NotFoundError, UsageError
from colophon.core.migrations import LATEST, MIGRATIONS
from colophon.core.register import register


@pytest.fixture
def catalog(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.txt").write_text("first work")
    (src / "two.txt").write_text("second work")
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [src])
        yield cat


def test_home_comes_from_the_environment_unless_given(tmp_path, monkeypatch):
    monkeypatch.setenv("COLOPHON_HOME", str(tmp_path / "env-home"))
    assert default_home() == tmp_path / "env-home"
    with Catalog.open() as cat:
        assert cat.path == tmp_path / "env-home" / CATALOG_FILE
    with Catalog.open(tmp_path / "explicit") as cat:
        assert cat.path == tmp_path / "explicit" / CATALOG_FILE


def test_catalog_uses_wal_foreign_keys_and_the_latest_schema(catalog):
    assert catalog.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert catalog.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert catalog.schema_version == LATEST
    assert catalog.integrity_ok()


def test_lookup_by_id_digest_and_prefix(catalog):
    work = catalog.get_work(1)
    assert catalog.get_work(work.digest).id == 1
    assert catalog.get_work(work.digest[:10].upper()).id == 1
    with pytest.raises(NotFoundError, match="No work 42"):
        catalog.get_work(42)
    with pytest.raises(UsageError, match="neither a work id nor a digest"):
        catalog.get_work("hello")


def test_removing_a_work_forgets_its_paths_tags_and_contributors(catalog):
    catalog.update_work(1, tags=["sea"], contributors=[Contributor("Ann", "author", None)])
    export_id = catalog.record_export("/tmp/x.colophon", "k" * 64, "d" * 64, [1, 2])

    assert catalog.remove_works([1, 1, 77]) == 1  # each id once; an unknown one is no work

    assert catalog.work_ids() == [2]
    count = catalog.conn.execute
    for table in ("paths", "tags", "contributors"):
        assert count(f"SELECT COUNT(*) FROM {table} WHERE work_id = 1").fetchone() == (0,)
    assert [e["id"] for e in catalog.exports_of(2)] == [export_id]  # the export stays recorded
    assert catalog.known_path(str(catalog.get_work(2).paths[0])) is not None


def test_a_removed_works_id_is_never_given_to_another_work(catalog, tmp_path):
    # A script or a note that kept "work 2" must not reach a different work later.
    catalog.remove_works([2])
    (tmp_path / "src" / "three.txt").write_text("third work")
    register(catalog, [tmp_path / "src" / "three.txt"])
    assert catalog.work_ids() == [1, 3]
    with pytest.raises(NotFoundError, match="No work 2"):
        catalog.get_work(2)


def test_search_matches_title_tags_and_paths(catalog):
    catalog.update_work(2, tags=["landscape", "2024"])
    assert [w.id for w in catalog.list_works(search="one")] == [1]
    assert [w.id for w in catalog.list_works(search="LANDSCAPE")] == [2]
    assert [w.id for w in catalog.list_works(search="src/two")] == [2]
    assert catalog.list_works(search="100%") == []  # LIKE wildcards are taken literally


def test_search_ignores_case_in_every_script(catalog):
    catalog.update_work(1, title="Été à Paris", tags=["Ölgemälde"])
    catalog.update_work(2, title="ΟΔΥΣΣΕΙΑ", description="Straße am Meer")
    for word, ids in (
        ("été", [1]),
        ("ÉTÉ", [1]),
        ("PARIS", [1]),  # ASCII alone, as before
        ("ölgemälde", [1]),
        ("οδυσσεια", [2]),
        ("STRASSE", []),  # an ASCII word is matched letter for letter
        ("straße", [2]),
        ("été ölgemälde", [1]),
        ("été οδυσσεια", []),
    ):
        assert [w.id for w in catalog.list_works(search=word)] == ids, word
    assert catalog.work_ids(search="ÉTÉ") == [1]  # the ids the library shows, by the same rule


def test_search_of_several_words_finds_works_that_have_them_all_anywhere(catalog):
    catalog.update_work(1, title="Harbour at dawn")
    catalog.update_work(2, title="Harbour at dusk", tags=["pelican"])
    assert [w.id for w in catalog.list_works(search="harbour dawn")] == [1]
    assert [w.id for w in catalog.list_works(search="  dawn   Harbour ")] == [1]
    assert [w.id for w in catalog.list_works(search="pelican harbour")] == [2]  # tag and title
    assert [w.id for w in catalog.list_works(search="harbour")] == [1, 2]
    assert catalog.list_works(search="harbour noon") == []


def test_edit_changes_only_what_is_given(catalog):
    before = catalog.get_work(1)
    after = catalog.update_work(
        1,
        title="Morning",
        created="2020-05-01",
        tags=["b", "a", "a", " "],
        contributors=[Contributor("Ann", "photographer", 70), Contributor("Bo", "editor", 30)],
    )
    assert after.title == "Morning" and after.created == "2020-05-01"
    assert after.tags == ["a", "b"]
    assert [(c.name, c.share) for c in after.contributors] == [("Ann", 70), ("Bo", 30)]
    assert after.description == before.description and after.digest == before.digest


@pytest.mark.parametrize(
    ("contributors", "message"),
    [
        ([Contributor("Ann", "", 60)], "add up to 100"),
        ([Contributor("Ann", "", 60), Contributor("Bo", "", None)], "add up to 100"),
        ([Contributor(" ", "", 100)], "needs a name"),
        ([Contributor("Ann", "", 150)], "between 0 and 100"),
    ],
)
def test_invalid_contributors_are_refused_and_nothing_changes(catalog, contributors, message):
    catalog.update_work(1, contributors=[Contributor("Keep", "", None)])
    with pytest.raises(UsageError, match=message):
        catalog.update_work(1, title="Changed", contributors=contributors)
    work = catalog.get_work(1)
    assert work.title == "one" and [c.name for c in work.contributors] == ["Keep"]


def test_bad_dates_are_refused(catalog):
    with pytest.raises(UsageError, match="not a date"):
        catalog.update_work(1, created="last tuesday")
    assert catalog.update_work(1, created="2021-03-04T05:06:07Z").created == (
        "2021-03-04T05:06:07+00:00"
    )


def test_empty_title_is_refused(catalog):
    with pytest.raises(UsageError, match="title cannot be empty"):
        catalog.update_work(1, title="  ")


def test_settings_round_trip(catalog):
    assert catalog.get_setting("missing", 7) == 7
    catalog.set_setting("view", {"mode": "grid"})
    catalog.set_setting("view", {"mode": "table"})
    assert catalog.get_setting("view") == {"mode": "table"}


def test_a_file_that_is_not_a_catalog_is_a_clear_error(tmp_path):
    (tmp_path / CATALOG_FILE).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CatalogError, match="cannot be opened"):
        Catalog.open(tmp_path)


@pytest.mark.parametrize("version", [0, 2])
def test_another_programs_database_of_that_name_is_left_as_it_is(tmp_path, version):
    path = tmp_path / CATALOG_FILE
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('shopping list')")
    conn.execute(f"PRAGMA user_version = {version}")
    if version:  # a program that marks its files, as SQLite asks
        conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CatalogError, match="is not a Colophon catalog"):
        Catalog.open(tmp_path)
    assert path.read_bytes() == before


def test_a_catalog_is_marked_as_colophons_and_older_ones_are_marked_when_upgraded(tmp_path):
    with Catalog.open(tmp_path / "new") as cat:
        assert cat.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    (tmp_path / "old").mkdir()
    conn = sqlite3.connect(tmp_path / "old" / CATALOG_FILE, isolation_level=None)
    for target in range(LATEST - 1):  # written before catalogs were marked
        MIGRATIONS[target](conn)
        conn.execute(f"PRAGMA user_version = {target + 1}")
    conn.close()
    with Catalog.open(tmp_path / "old") as cat:
        assert cat.schema_version == LATEST
        assert cat.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_catalog_from_a_newer_colophon_is_refused(tmp_path):
    conn = sqlite3.connect(tmp_path / CATALOG_FILE)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(CatalogError, match="newer Colophon"):
        Catalog.open(tmp_path)


def test_deleting_a_work_removes_its_paths_tags_and_contributors(catalog):
    catalog.update_work(1, tags=["x"], contributors=[Contributor("Ann", "", 100)])
    with catalog.transaction() as conn:
        conn.execute("DELETE FROM works WHERE id = 1")
    for table in ("paths", "tags", "contributors"):
        count = catalog.conn.execute(f"SELECT count(*) FROM {table} WHERE work_id = 1").fetchone()
        assert count[0] == 0


def test_works_by_ids_keeps_the_order_asked_for_whether_dense_or_sparse(tmp_path):
    src = tmp_path / "many"
    src.mkdir()
    for i in range(30):
        (src / f"{i:02}.txt").write_text(f"work number {i}")
    with Catalog.open(tmp_path / "h") as cat:
        register(cat, [src])
        cat.update_work(3, tags=["sea"], contributors=[Contributor("Ann", "author", 100)])
        every = cat.work_ids()
        assert [w.id for w in cat.works_by_ids(every)] == every  # dense: read as a range
        sparse = [29, 3, 17]  # sparse: looked up one by one
        works = cat.works_by_ids(sparse)
        assert [w.id for w in works] == sparse
        assert works[1].tags == ["sea"] and works[1].contributors[0].name == "Ann"
        assert all(len(w.paths) == 1 for w in works)
        assert cat.works_by_ids([]) == []
        with pytest.raises(NotFoundError, match="No work 99"):
            cat.works_by_ids([1, 99])


def test_record_export_lists_every_work(catalog):
    export_id = catalog.record_export("/tmp/x.colophon", "k" * 64, "a" * 64, [2, 1])
    assert [e["id"] for e in catalog.exports_of(1)] == [export_id]
    assert catalog.exported_work_ids() == {1, 2}


def test_work_ids_sorted_by_title_kind_or_date_with_ties_in_the_order_added(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("b.txt", "a.txt", "c.txt", "d.txt"):
        (src / name).write_text(f"content of {name}")
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [src / n for n in ("b.txt", "a.txt", "c.txt", "d.txt")])
        # ids 1-4: titles b, a, c, d; a title in capitals still sorts with the others
        cat.update_work(3, title="B", created="2001-01-01")
        cat.update_work(1, created="2003-03-03")
        cat.update_work(2, created="2002-02-02")
        cat.update_work(4, created="2001-01-01")
        assert cat.work_ids() == [1, 2, 3, 4]
        assert cat.work_ids(order="added", descending=True) == [4, 3, 2, 1]
        assert cat.work_ids(order="title") == [2, 1, 3, 4]  # a, b, B (added after b), d
        assert cat.work_ids(order="title", descending=True) == [4, 3, 1, 2]
        assert cat.work_ids(order="created") == [3, 4, 2, 1]
        cat.update_work(1, tags=["pick"])
        cat.update_work(3, tags=["pick"])
        assert cat.work_ids(search="pick", order="title", descending=True) == [3, 1]
        assert cat.work_ids(order="kind") == [1, 2, 3, 4]
        with pytest.raises(ValueError, match="Cannot sort works by 'size; DROP'"):
            cat.work_ids(order="size; DROP")


def _add_works(catalog: Catalog, count: int) -> list[int]:
    """``count`` more works, straight into the table (ids in order, as registering gives)."""
    with catalog.transaction() as conn:
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM works").fetchone()[0]
        conn.executemany(
            "INSERT INTO works (id, digest, size, kind, title, created, registered_at) "
            "VALUES (?, ?, 1, 'text', 'w', '2020-01-01', '2020-01-01T00:00:00Z')",
            [(i, f"{i:064x}") for i in range(first, first + count)],
        )
    return list(range(first, first + count))


def test_an_export_of_many_works_is_recorded_in_one_row(catalog):
    ids = catalog.work_ids() + _add_works(catalog, 20_000)

    export_id = catalog.record_export("all.colophon", "k" * 64, "d" * 64, ids)

    ranges = catalog.conn.execute("SELECT export_id, first, last FROM export_ranges").fetchall()
    assert ranges == [(export_id, 1, ids[-1])]
    assert [e["id"] for e in catalog.exports_of(ids[-1])] == [export_id]
    assert catalog.exported_work_ids() == set(ids)


def test_the_record_of_an_export_names_exactly_its_works(catalog):
    ids = catalog.work_ids() + _add_works(catalog, 10)  # 1 … 12
    catalog.remove_works([5])
    chosen = [12, 3, 4, 5, 6, 9, 1, 99]  # any order; 5 is removed, 99 never was a work

    first = catalog.record_export("some.colophon", "k" * 64, "d" * 64, chosen)
    second = catalog.record_export("more.colophon", "k" * 64, "d" * 64, [6, 7])

    inside = {1, 3, 4, 6, 9, 12}
    for work_id in ids:
        expected = ([second] if work_id in (6, 7) else []) + ([first] if work_id in inside else [])
        assert [e["id"] for e in catalog.exports_of(work_id)] == expected, work_id
    assert catalog.exported_work_ids() == inside | {7}
    assert catalog.exports_of(1)[0]["work_count"] == len(chosen)  # as the bundle holds them


def test_a_creation_date_is_one_people_write_and_not_still_to_come(catalog):
    from datetime import date, timedelta

    for typed, kept in (
        ("2019-07-14", "2019-07-14"),
        (" 2019-07-14T06:30+02:00 ", "2019-07-14T06:30:00+02:00"),
        ("2019-07-14 06:30:00Z", "2019-07-14T06:30:00+00:00"),
        (date.today().isoformat(), date.today().isoformat()),
    ):
        assert catalog.update_work(1, created=typed).created == kept
    for typed, says in (
        ("20190714", "is not a date"),  # ISO 8601 too, but read back by nobody
        ("2019-W28", "is not a date"),
        ("2019-02-30", "is not a date"),
        ((date.today() + timedelta(days=3)).isoformat(), "is still to come"),
    ):
        with pytest.raises(UsageError, match=says):
            catalog.update_work(1, created=typed)
    assert catalog.get_work(1).created == date.today().isoformat()
