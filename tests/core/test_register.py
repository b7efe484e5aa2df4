"""Registering files and folders: hashing, deduplication, skipping, cancelling."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from colophon.core.catalog import Catalog
from colophon.core.errors import Cancelled, NotFoundError, UsageError
from colophon.core.hashing import CHUNK, hash_file
from colophon.core.progress import Progress
from colophon.core.register import register
from colophon.core.walk import Candidate, Skipped, walk


@pytest.fixture
def catalog(tmp_path: Path):
    with Catalog.open(tmp_path / "home") as cat:
        yield cat


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folder_is_registered_recursively_with_digests_kinds_and_titles(catalog, tmp_path):
    src = tmp_path / "portfolio"
    write(src / "poem.txt", b"roses are red\n")
    write(src / "art" / "sunset.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    write(src / "code" / "main.py", b"print('hi')\n")
    report = register(catalog, [src])
    assert len(report.added) == 3 and not report.skipped
    works = {w.title: w for w in catalog.list_works()}
    assert set(works) == {"poem", "sunset", "main"}
    assert works["poem"].digest == hashlib.sha256(b"roses are red\n").hexdigest()
    assert (works["poem"].kind, works["sunset"].kind, works["main"].kind) == (
        "text",
        "image",
        "code",
    )
    assert works["sunset"].paths == [str(src / "art" / "sunset.png")]
    assert works["poem"].size == 14


def test_same_content_twice_is_one_work_with_two_paths(catalog, tmp_path):
    a = write(tmp_path / "a" / "song.mp3", b"ID3 same bytes")
    b = write(tmp_path / "b" / "copy of song.mp3", b"ID3 same bytes")
    register(catalog, [a])
    report = register(catalog, [b])
    assert report.added == [] and report.new_paths == 1
    [work] = catalog.list_works()
    assert work.paths == [str(a), str(b)]


def test_files_another_add_recorded_meanwhile_count_as_unchanged(catalog, tmp_path, monkeypatch):
    # Two `colophon add` of the same folder at once: the second looked the paths up before the
    # first recorded them, so it reads the files too; it must not count them as new places.
    write(tmp_path / "works" / "song.mp3", b"ID3 one song")
    write(tmp_path / "works" / "poem.txt", b"one poem")
    register(catalog, [tmp_path / "works"])
    monkeypatch.setattr(catalog, "known_path", lambda path: None)  # looked up before the first

    second = register(catalog, [tmp_path / "works"])

    assert (second.added, second.new_paths, second.unchanged) == ([], 0, 2)
    assert all(len(work.paths) == 1 for work in catalog.list_works())


def test_reimport_skips_unchanged_paths_and_picks_up_modified_ones(catalog, tmp_path):
    f = write(tmp_path / "draft.txt", b"version one")
    register(catalog, [tmp_path])
    again = register(catalog, [tmp_path])
    assert again.unchanged == 1 and not again.added
    f.write_bytes(b"version two, longer")
    third = register(catalog, [tmp_path])
    assert len(third.added) == 1
    new = catalog.find_by_digest(hashlib.sha256(b"version two, longer").hexdigest())
    old = catalog.find_by_digest(hashlib.sha256(b"version one").hexdigest())
    assert new is not None and new.paths == [str(f)]
    assert old is not None and old.paths == []  # the old version is kept as a work, unlocated


def test_hidden_files_and_os_clutter_are_passed_over(catalog, tmp_path):
    for name in (".DS_Store", "Thumbs.db", "desktop.ini", ".hidden.txt"):
        write(tmp_path / name, b"clutter " + name.encode())
    write(tmp_path / ".git" / "config", b"[core]")
    write(tmp_path / "real.txt", b"a real work")
    report = register(catalog, [tmp_path])
    assert [w.title for w in catalog.list_works()] == ["real"]
    assert report.skipped == []


def test_links_out_of_the_folder_are_not_followed(catalog, tmp_path):
    outside = write(tmp_path / "outside" / "secret.txt", b"not yours")
    src = tmp_path / "src"
    write(src / "inside.txt", b"inside")
    (src / "escape").symlink_to(outside)
    (src / "escape_dir").symlink_to(outside.parent, target_is_directory=True)
    (src / "loop").symlink_to(src, target_is_directory=True)
    report = register(catalog, [src])
    assert [w.title for w in catalog.list_works()] == ["inside"]
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons == {
        "escape": "link points outside the chosen folder",
        "escape_dir": "link points outside the chosen folder",
    }


UNREADABLE_PROBE = """
import json, sys
from colophon.core.catalog import Catalog
from colophon.core.register import register
with Catalog.open(sys.argv[1]) as cat:
    report = register(cat, [sys.argv[2]])
    print(json.dumps({"titles": [w.title for w in cat.list_works()],
                      "skipped": [[s.path, s.reason] for s in report.skipped]}))
"""


def test_unreadable_file_is_reported_and_the_rest_goes_on(tmp_path):
    """Root reads everything: as root, run the import without the capabilities that allow it."""
    src = tmp_path / "src"
    locked = write(src / "locked.txt", b"private")
    locked.chmod(0)
    write(src / "open.txt", b"public")
    command = [sys.executable, "-c", UNREADABLE_PROBE, str(tmp_path / "home"), str(src)]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop the read-anything capability")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["titles"] == ["open"]
    assert result["skipped"] == [[str(locked), "not readable (permission denied)"]]


def test_a_missing_or_empty_path_registers_nothing(catalog, tmp_path, monkeypatch):
    write(tmp_path / "there.txt", b"here")
    with pytest.raises(NotFoundError, match=f"There is no file or folder {tmp_path / 'nope.jpg'}"):
        register(catalog, [tmp_path / "there.txt", tmp_path / "nope.jpg"])
    monkeypatch.chdir(tmp_path)  # "" is the current folder to the system: never taken so
    with pytest.raises(UsageError, match="An empty path was given"):
        register(catalog, [""])
    with pytest.raises(UsageError, match="An empty path was given"):
        list(walk([""], lambda skipped: None))
    assert catalog.count_works() == 0


def test_file_vanishing_before_hashing_is_skipped(tmp_path):
    result = hash_file(Candidate(str(tmp_path / "gone.bin"), 10, 0))
    assert result == Skipped(str(tmp_path / "gone.bin"), "vanished before it could be read")


def test_a_file_swapped_for_a_named_pipe_after_listing_is_skipped_without_waiting(tmp_path):
    # Opening a pipe for reading waits for a writer; a file replaced by one between the walk
    # and the hashing must not hang the scan (Cancel cannot reach a blocked open).
    pipe = tmp_path / "was-a-file.bin"
    os.mkfifo(pipe)
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(hash_file(Candidate(str(pipe), 10, 0))), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    if not done:  # let the blocked open go, so the thread ends
        with open(pipe, "wb"):
            pass
    assert done == [Skipped(str(pipe), "not a regular file")]


def test_file_changing_while_hashed_is_skipped(tmp_path):
    path = write(tmp_path / "growing.wav", b"x" * (CHUNK * 3))
    progress = Progress()
    grown = False

    def grow(_p: Progress) -> None:
        nonlocal grown
        if not grown and _p.done_bytes >= CHUNK:
            grown = True
            with open(path, "ab") as fh:
                fh.write(b"more")

    progress.on_change = grow
    result = hash_file(Candidate(str(path), CHUNK * 3, 0), progress)
    assert isinstance(result, Skipped)
    assert "changed while it was being read" in result.reason


def test_large_file_digest_matches_hashlib(tmp_path):
    data = os.urandom(CHUNK * 2 + 12345)
    path = write(tmp_path / "video.mp4", data)
    result = hash_file(Candidate(str(path), len(data), 0))
    assert not isinstance(result, Skipped)
    assert result.digest == hashlib.sha256(data).hexdigest() and result.size == len(data)


def test_progress_counts_every_file_and_byte(catalog, tmp_path):
    sizes = [10, 2000, 70000, CHUNK + 1]
    for i, size in enumerate(sizes):
        write(tmp_path / f"f{i}.bin", bytes([i]) * size)
    seen: list[tuple[int, int]] = []
    progress = Progress(on_change=lambda p: seen.append((p.done, p.done_bytes)))
    register(catalog, [tmp_path], progress)
    assert (progress.total, progress.total_bytes) == (4, sum(sizes))
    assert (progress.done, progress.done_bytes) == (4, sum(sizes))
    assert seen[-1] == (4, sum(sizes))


def test_cancel_keeps_what_was_finished_and_a_rerun_completes(catalog, tmp_path):
    for i in range(60):
        write(tmp_path / "src" / f"{i:03}.txt", f"work {i}".encode())
    progress = Progress()
    progress.on_change = lambda p: p.cancel() if p.done >= 10 else None
    report = register(catalog, [tmp_path / "src"], progress, workers=2)
    assert report.cancelled
    partial = catalog.count_works()
    assert 10 <= partial < 60
    assert all(w.paths for w in catalog.list_works())
    rest = register(catalog, [tmp_path / "src"])
    assert not rest.cancelled and rest.unchanged == partial
    assert catalog.count_works() == 60


def test_pictures_get_content_fingerprints_at_registration_and_texts_on_demand(catalog, tmp_path):
    from PIL import Image, ImageDraw

    from colophon.core.register import fill_fingerprints

    picture = Image.new("RGB", (200, 120), "white")
    ImageDraw.Draw(picture).ellipse((20, 10, 150, 110), fill="navy")
    picture.save(tmp_path / "moon.png")
    (tmp_path / "essay.txt").write_text("A long walk by the river, " * 40)
    write(tmp_path / "noise.bin", os.urandom(500))
    register(catalog, [tmp_path])
    works = {w.title: w for w in catalog.list_works()}
    assert works["moon"].fingerprints and works["moon"].fingerprints[0].startswith("ISCC:")
    assert works["essay"].fingerprints is None  # texts wait until they are needed
    assert works["noise"].fingerprints is None
    codes = fill_fingerprints(catalog, list(works.values()))
    assert codes[works["essay"].digest][0].startswith("ISCC:")
    assert catalog.get_work(works["essay"].id).fingerprints == codes[works["essay"].digest]
    assert codes[works["noise"].digest] == []


def test_a_catalog_that_turns_busy_midway_keeps_what_was_recorded_and_says_so(
    catalog, tmp_path, monkeypatch
):
    from colophon.core import register as register_module
    from colophon.core.errors import EnvironmentProblem

    for i in range(40):
        write(tmp_path / "src" / f"note-{i:02d}.txt", f"note {i}".encode())
    monkeypatch.setattr(register_module, "BATCH_FILES", 10)
    catalog.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(catalog.path, isolation_level=None, check_same_thread=False)

    def take_the_catalog(progress: Progress) -> None:  # another window saving, for good
        if progress.done >= 25 and not other.in_transaction:
            other.execute("BEGIN IMMEDIATE")

    try:
        with pytest.raises(EnvironmentProblem) as info:
            register(catalog, [tmp_path / "src"], Progress(on_change=take_the_catalog))
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    assert "busy" in info.value.message
    assert "The last files were not recorded; those before them were" in info.value.message
    assert 10 <= catalog.count_works() < 40


def test_fingerprints_computed_before_a_cancel_are_kept(catalog, tmp_path):
    # Fingerprinting many long texts takes a while; a cancel must not throw it all away.
    from colophon.core.register import fill_fingerprints

    for i in range(6):
        (tmp_path / f"essay-{i}.txt").write_text(f"Essay {i} on walks by the river. " * 60)
    register(catalog, [tmp_path])
    works = catalog.list_works()
    progress = Progress(on_change=lambda p: p.done >= 3 and p.cancel())  # half-way through
    with pytest.raises(Cancelled):
        fill_fingerprints(catalog, works, progress)
    kept = [w for w in catalog.list_works() if w.fingerprints]
    assert 3 <= len(kept) < 6
    assert fill_fingerprints(catalog, catalog.list_works())  # the rest, on the next export
    assert all(w.fingerprints for w in catalog.list_works())


def test_a_text_edited_since_it_was_registered_lends_its_work_no_fingerprint(catalog, tmp_path):
    # The fingerprint travels in the claim as the work's: it must be of the work's content.
    essay = tmp_path / "essay.txt"
    essay.write_text("A long walk by the river, " * 40)
    register(catalog, [essay])
    essay.write_text("Something else entirely, written later. " * 40)
    from colophon.core.register import fill_fingerprints

    [work] = catalog.list_works()
    assert fill_fingerprints(catalog, [work]) == {work.digest: []}
    assert catalog.get_work(work.id).fingerprints is None  # still to compute, from the work


def test_a_folder_tree_deeper_than_pythons_recursion_limit_is_walked(tmp_path):
    from colophon.core.walk import walk

    deep = tmp_path / "top"
    deep.mkdir()
    bottom = deep
    for _ in range(300):  # one level at a time: mkdir recurses
        bottom = bottom / "d"
        bottom.mkdir()
    (bottom / "found.txt").write_text("at the bottom")
    (deep / "a.txt").write_text("at the top")
    # A limit this tree is deeper than, above what the test itself uses (cheaper than 1,000
    # levels of folders).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)
    try:
        found = [Path(c.path).relative_to(deep) for c in walk([deep], lambda _s: None)]
    finally:
        sys.setrecursionlimit(limit)

    assert found[0] == Path("a.txt") and found[-1].name == "found.txt" and len(found) == 2


def test_an_edited_file_added_again_is_a_new_version_with_what_was_said_of_it(catalog, tmp_path):
    from colophon.core.catalog import Contributor
    from colophon.core.profile import AI_TRAINING

    essay = write(tmp_path / "src" / "essay.txt", b"first draft")
    register(catalog, [essay])
    catalog.update_work(
        1,
        title="My essay",
        description="On harbours",
        tags=["essay"],
        contributors=[Contributor("Ada", "author", 70.0), Contributor("Bo", "editor", 30.0)],
        terms={AI_TRAINING: {"use": "allowed"}},
    )
    essay.write_bytes(b"second draft, longer")
    report = register(catalog, [essay])

    assert report.added == [2] and report.new_versions == [(2, 1)]
    assert report.to_dict()["new_versions"] == [{"work_id": 2, "previous_id": 1}]
    new, old = catalog.get_work(2), catalog.get_work(1)
    said = ("title", "description", "tags", "contributors", "terms")
    assert [getattr(new, f) for f in said] == [getattr(old, f) for f in said]
    assert new.paths == [str(essay)] and old.paths == []  # the file is the new version now
    assert new.digest == hashlib.sha256(b"second draft, longer").hexdigest()

    other = write(tmp_path / "src" / "other.txt", b"unrelated")
    assert register(catalog, [other]).new_versions == []  # a new file is no new version
    assert catalog.get_work(3).title == "other"


def test_a_folder_reached_through_a_link_is_not_registered_twice(catalog, tmp_path):
    real = tmp_path / "photos"
    write(real / "a.txt", b"one")
    write(real / "sub" / "b.txt", b"two")
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    assert len(register(catalog, [real]).added) == 2
    again = register(catalog, [tmp_path / "alias"])
    assert (again.added, again.new_paths, again.unchanged) == ([], 0, 2)
    assert catalog.count_paths() == 2
    fresh = Catalog.open(tmp_path / "other-home")
    try:  # named through the link first: known by the real place all the same
        register(fresh, [tmp_path / "alias" / "sub"])
        assert [w.paths for w in fresh.list_works()] == [[str(real / "sub" / "b.txt")]]
    finally:
        fresh.close()


def test_a_link_to_a_file_of_the_same_folder_is_no_second_place_of_its_work(catalog, tmp_path):
    real = write(tmp_path / "photos" / "harbour.txt", b"the harbour at dawn")
    (tmp_path / "photos" / "a link inside.txt").symlink_to(real)  # sorts first
    report = register(catalog, [tmp_path / "photos"])
    assert (len(report.added), report.new_paths, report.skipped) == (1, 0, [])
    [work] = catalog.list_works()
    assert (work.title, work.paths) == ("harbour", [str(real)])


def test_copies_of_one_content_are_named_and_dated_by_the_oldest(catalog, tmp_path):
    original = write(tmp_path / "photos" / "DSC_0042.txt", b"the same picture")
    copy = write(tmp_path / "photos" / "DSC_0042 (a copy for the web).txt", b"the same picture")
    os.utime(original, ns=(1_563_100_000_000_000_000,) * 2)  # 2019-07-14, the copy is today's
    register(catalog, [tmp_path / "photos"])
    [work] = catalog.list_works()
    assert work.title == "DSC_0042" and work.created.startswith("2019-07-1")
    assert sorted(work.paths) == sorted([str(original), str(copy)])
