"""Telling the kind of a work from its name and first bytes."""

from __future__ import annotations

import pytest

from colophon.core.media import classify


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("photo.JPG", b"", "image"),
        ("scan.tiff", b"", "image"),
        ("track.flac", b"", "audio"),
        ("clip.mov", b"", "video"),
        ("notes.md", b"", "text"),
        ("novel.txt", b"", "text"),
        ("script.py", b"", "code"),
        ("Makefile", b"", "code"),
        ("thesis.pdf", b"", "document"),
        ("report.docx", b"", "document"),
        ("IMG_0001", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        ("untitled", b"\x89PNG\r\n\x1a\n\0\0", "image"),
        ("untitled", b"RIFF\x24\0\0\0WAVEfmt ", "audio"),
        ("untitled", b"%PDF-1.7\n", "document"),
        ("README", "plain words, naïve café".encode(), "text"),
        ("blob.bin", b"\x00\x01\x02\x03", "other"),
        ("untitled", b"\x00\xff\x00\xff", "other"),
    ],
)
def test_kind(name, head, kind):
    assert classify(name, head)[0] == kind
