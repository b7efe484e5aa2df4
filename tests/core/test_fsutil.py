"""Names offered for new files, opening found files without waiting on a pipe, and what killed
writes leave behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from colophon.core import fsutil
from colophon.core.fsutil import NotARegularFile, open_regular, unused_path


def test_a_name_is_offered_as_it_is_until_taken_then_numbered(tmp_path: Path) -> None:
    first = tmp_path / "Ada-colophon-backup.key"
    assert unused_path(first) == first
    first.write_text("taken")
    assert unused_path(first) == tmp_path / "Ada-colophon-backup-2.key"
    (tmp_path / "Ada-colophon-backup-2.key").write_text("taken too")
    assert unused_path(first) == tmp_path / "Ada-colophon-backup-3.key"
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere")  # a link is a name taken
    assert unused_path(tmp_path / "dangling.json") == tmp_path / "dangling-2.json"


def test_a_name_without_an_extension_gets_its_number_at_the_end(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("taken")
    assert unused_path(tmp_path / "notes") == tmp_path / "notes-2"


def test_only_regular_files_are_opened(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"words")
    with open_regular(tmp_path / "a.txt") as fh:
        assert fh.read() == b"words"
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotARegularFile):
        open_regular(tmp_path / "pipe")  # at once: no writer is waited for
    with pytest.raises(NotARegularFile):
        open_regular(tmp_path)


def test_writing_a_file_sweeps_what_a_killed_write_of_it_left_behind(tmp_path: Path) -> None:
    # A process killed half-way (kill -9, a power cut) leaves a hidden temporary file as large
    # as what it was writing; the next write of the same file removes it once it is stale.
    old = tmp_path / ".portfolio.colophon.k2j4x9q1.tmp"
    old.write_bytes(b"half a bundle")
    day_ago = time.time() - fsutil.STALE_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    recent = tmp_path / ".portfolio.colophon.a8d7f6s5.tmp"  # perhaps another write, under way
    recent.write_bytes(b"being written")
    other = tmp_path / ".notes.txt.k2j4x9q1.tmp"  # another file's
    other.write_bytes(b"not ours to judge")
    os.utime(other, (day_ago, day_ago))

    fsutil.atomic_write(tmp_path / "portfolio.colophon", b"the bundle")

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["portfolio.colophon", recent.name, other.name]
    )
