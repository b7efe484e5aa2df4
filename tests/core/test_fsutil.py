"""Names offered for new files, and opening found files without waiting on a pipe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
