"""Checking known paths: ok, modified, missing, moved."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from colophon.core.catalog import Catalog
from colophon.core.check import changed_on_disk, check
from colophon.core.register import register


def test_check_reports_ok_modified_missing_and_moved(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("keep.txt", "edit.txt", "move.txt", "lose.txt"):
        (src / name).write_text(f"content of {name}")
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [src])
        (src / "edit.txt").write_text("someone changed this")
        new_home = tmp_path / "elsewhere"
        new_home.mkdir()
        (src / "move.txt").rename(new_home / "renamed.txt")
        (src / "lose.txt").unlink()
        report = check(cat, [new_home])
    status = {Path(r.path).name: (r.status, r.new_path) for r in report.results}
    assert status == {
        "keep.txt": ("ok", None),
        "edit.txt": ("modified", None),
        "move.txt": ("moved", str(new_home / "renamed.txt")),
        "lose.txt": ("missing", None),
    }
    assert report.to_dict()["summary"] == {
        "ok": 1,
        "modified": 1,
        "missing": 1,
        "moved": 1,
        "forgotten": 0,
        "unreadable": 0,
    }
    with Catalog.open(tmp_path / "home") as cat:  # the move is recorded; the rest is as it was
        assert {Path(p).name for w in cat.list_works() for p in w.paths} == {
            "keep.txt",
            "edit.txt",
            "renamed.txt",
            "lose.txt",
        }
        again = {Path(r.path).name: r.status for r in check(cat).results}
    assert again == {
        "keep.txt": "ok",
        "edit.txt": "modified",
        "renamed.txt": "ok",
        "lose.txt": "missing",
    }


def test_check_never_modifies_files(tmp_path: Path):
    f = tmp_path / "art.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    before = (f.read_bytes(), f.stat().st_mtime_ns)
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [f])
        check(cat, [tmp_path])
    assert (f.read_bytes(), f.stat().st_mtime_ns) == before


def test_works_edited_since_registered_are_found_by_size_and_time_alone(tmp_path: Path):
    folder = tmp_path / "w"
    folder.mkdir()
    for name in ("same.txt", "edited.txt", "gone.txt", "copy-a.txt"):
        (folder / name).write_text(f"content of {name}")
    (folder / "copy-b.txt").write_text("content of copy-a.txt")  # a second path of one work
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [folder])
        ids = {Path(p).name: w.id for w in cat.list_works() for p in w.paths}
        (folder / "edited.txt").write_text("edited afterwards, longer")
        (folder / "gone.txt").unlink()
        (folder / "copy-a.txt").write_text("edited, but copy-b is still as registered")

        assert changed_on_disk(cat, ids.values()) == [ids["edited.txt"]]
        assert changed_on_disk(cat, [ids["same.txt"]]) == []


def test_a_file_touched_but_the_same_is_known_by_its_new_time_after_a_check(tmp_path: Path):
    # A checkout, a copy without -p or a cloud sync gives a file a new time, not new content:
    # once checked, it is no longer taken for an edited work.
    f = tmp_path / "poem.txt"
    f.write_text("the same words")
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [f])
        [work_id] = cat.work_ids()
        os.utime(f, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
        assert changed_on_disk(cat, [work_id]) == [work_id]

        assert [r.status for r in check(cat).results] == ["ok"]

        assert changed_on_disk(cat, [work_id]) == []
        assert cat.known_path(str(f)).mtime_ns == 1_600_000_000_000_000_000


def test_what_a_check_finds_is_reported_even_if_the_catalog_cannot_record_it(tmp_path: Path):
    # Another process writing to the catalog (or a full disk) must not cost the report.
    f = tmp_path / "poem.txt"
    f.write_text("the same words")
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [f])
        os.utime(f, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
        moved = tmp_path / "moved"
        moved.mkdir()
        (tmp_path / "lost.txt").write_text("another work")
        register(cat, [tmp_path / "lost.txt"])
        (tmp_path / "lost.txt").rename(moved / "found.txt")
        cat.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(cat.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            report = check(cat, [moved])
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert sorted(r.status for r in report.results) == ["moved", "ok"]
        assert report.not_recorded is not None and "busy" in report.not_recorded
        assert cat.known_path(str(tmp_path / "lost.txt")) is not None  # nothing recorded
        assert cat.known_path(str(f)).mtime_ns != 1_600_000_000_000_000_000


def test_a_known_file_reached_through_a_link_is_not_taken_for_a_moved_one(tmp_path: Path):
    # Two copies of one work; one is deleted. The other, reached through a link to its folder,
    # is the same file the catalog knows: no move to record.
    photos, backup = tmp_path / "Photos", tmp_path / "backup"
    photos.mkdir()
    backup.mkdir()
    (photos / "a.txt").write_text("the same words")
    (backup / "a.txt").write_text("the same words")
    (tmp_path / "alias").symlink_to(photos, target_is_directory=True)
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [photos / "a.txt", backup / "a.txt"])
        (backup / "a.txt").unlink()
        report = check(cat, [tmp_path / "alias"])
        statuses = {Path(r.path).parent.name: r.status for r in report.results}
        assert statuses == {"Photos": "ok", "backup": "missing"}
        [work] = cat.list_works()
        assert sorted(work.paths) == sorted([str(photos / "a.txt"), str(backup / "a.txt")])


def test_one_copy_found_is_the_new_place_of_one_missing_path_only(tmp_path: Path):
    # Two copies on a drive no longer mounted, one found elsewhere: the other stays missing
    # rather than being merged into the same place.
    drive, found = tmp_path / "drive", tmp_path / "found"
    (drive / "x").mkdir(parents=True)
    found.mkdir()
    (drive / "a.txt").write_text("the same words")
    (drive / "x" / "a.txt").write_text("the same words")
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [drive])
        (found / "a.txt").write_text("the same words")
        for path in (drive / "a.txt", drive / "x" / "a.txt"):
            path.unlink()
        report = check(cat, [found])
        assert sorted(r.status for r in report.results) == ["missing", "moved"]
        [work] = cat.list_works()
        assert len(work.paths) == 2 and str(found / "a.txt") in work.paths


def test_a_moved_file_added_again_leaves_no_location_missing_for_ever(tmp_path: Path):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "x.txt").write_text("a work that moves")
    (src / "alone.txt").write_text("a work with one place")
    with Catalog.open(tmp_path / "home") as cat:
        register(cat, [src])
        (src / "a" / "x.txt").rename(src / "x.txt")  # moved, then added again from there
        (src / "alone.txt").unlink()
        register(cat, [src])
        work = cat.find_by_digest(cat.get_work(1).digest)
        assert work is not None and len(work.paths) == 2
        assert "missing" in {r.status for r in check(cat).results}  # said, kept unless asked
        assert len(cat.get_work(1).paths) == 2
        report = check(cat, forget_missing=True)
        status = {Path(r.path).name: (r.status, r.detail) for r in report.results}
        assert status["x.txt"] == ("forgotten", f"the work is at {src / 'x.txt'}")
        assert status["alone.txt"][0] == "missing"  # its only place: kept, to be found again
        assert cat.get_work(1).paths == [str(src / "x.txt")]
        assert cat.get_work(1).title == "x"  # the work and what was said of it are kept
        again = {Path(r.path).name: r.status for r in check(cat).results}
    assert again == {"x.txt": "ok", "alone.txt": "missing"}
