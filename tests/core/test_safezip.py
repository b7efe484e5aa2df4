"""Reading zips from strangers: hostile archives built byte by byte, each refused for its reason."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from colophon.core import safezip
from colophon.core.errors import MalformedError, NotFoundError, UsageError
from colophon.core.safezip import ZipLimits

REGULAR = (stat.S_IFREG | 0o644) << 16
SMALL = ZipLimits(
    max_archive_bytes=1 << 20,
    max_members=10,
    max_member_bytes=1 << 20,
    max_total_bytes=2 << 20,
    max_ratio=50,
    ratio_grace_bytes=64 * 1024,
)


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@dataclass
class Entry:
    """One member as it will be written; every field can lie."""

    name: str
    content: bytes = b"content"
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    external_attr: int = REGULAR
    crc: int | None = None
    size: int | None = None  # declared uncompressed size
    raw: bytes | None = None  # the stored (compressed) bytes
    name_bytes: bytes | None = None
    local_name: bytes | None = None
    local_method: int | None = None
    offset: int | None = None  # points the directory entry elsewhere; writes no local header
    after: bytes = b""  # bytes written after this entry's data
    local_crc: int | None = None  # the local header's CRC, when it differs from the directory's
    local_extra: bytes = b""
    central_extra: bytes = b""

    def stored_bytes(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return deflate(self.content) if self.method == zipfile.ZIP_DEFLATED else self.content


@dataclass
class Archive:
    entries: list[Entry]
    prefix: bytes = b""
    comment: bytes = b""
    eocd_count: int | None = None
    eocd_disk: int = 0
    offsets: dict[str, int] = field(default_factory=dict)

    def build(self) -> bytes:
        out = bytearray(self.prefix)
        central = bytearray()
        for e in self.entries:
            name = e.name_bytes if e.name_bytes is not None else e.name.encode()
            body = e.stored_bytes()
            crc = zlib.crc32(e.content) if e.crc is None else e.crc
            size = len(e.content) if e.size is None else e.size
            flags = e.flags | (0x800 if not name.isascii() and e.name_bytes is None else 0)
            if e.offset is None:
                offset = len(out)
                local = e.local_name if e.local_name is not None else name
                method = e.method if e.local_method is None else e.local_method
                local_crc = crc if e.local_crc is None else e.local_crc
                out += struct.pack(
                    "<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21,
                    local_crc, len(body), size, len(local), len(e.local_extra),
                )  # fmt: skip
                out += local + e.local_extra + body + e.after
            else:
                offset = e.offset
            self.offsets[e.name] = offset
            central += struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, flags, e.method, 0, 0x21,
                crc, len(body), size, len(name), len(e.central_extra), 0, 0, 0,
                e.external_attr, offset,
            )  # fmt: skip
            central += name + e.central_extra
        count = len(self.entries) if self.eocd_count is None else self.eocd_count
        eocd = struct.pack(
            "<4s4H2LH", b"PK\x05\x06", self.eocd_disk, 0, count, count,
            len(central), len(out), len(self.comment),
        )  # fmt: skip
        return bytes(out + central + eocd + self.comment)


def refused(data: bytes, match: str, limits: ZipLimits = SMALL) -> MalformedError:
    with pytest.raises(MalformedError, match=match) as info:
        safezip.read_members(data, limits=limits)
    return info.value


def one(entry: Entry) -> bytes:
    return Archive([entry]).build()


# --- the builder itself makes archives that both zipfile and read_members accept -------------


def test_builder_makes_valid_archives() -> None:
    data = Archive([Entry("a.txt", b"alpha"), Entry("b/c.bin", b"\x00" * 100, method=0)]).build()
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert safezip.read_members(data, limits=SMALL) == {"a.txt": b"alpha", "b/c.bin": b"\x00" * 100}


# --- well-formed input -------------------------------------------------------------------------


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    members = {"envelope.intoto.json": b"{}", "thumbnails/ab.png": b"\x89PNG" * 50, "ü.txt": b"u"}
    target = tmp_path / "claim.colophon"
    safezip.write_zip(target, members)
    assert safezip.read_members(target, limits=SMALL) == members
    assert safezip.read_members(target.read_bytes(), limits=SMALL) == members


def test_members_asked_for_as_views_are_read_in_place_when_stored() -> None:
    data = Archive([Entry("big", b"x" * 5000, method=0), Entry("packed", b"y" * 5000)]).build()
    members = safezip.read_members(data, limits=SMALL, views=("big", "packed"))
    assert members == {"big": b"x" * 5000, "packed": b"y" * 5000}
    assert isinstance(members["big"], memoryview) and members["big"].readonly
    assert members["big"].obj is data  # not a copy
    assert isinstance(members["packed"], bytes)  # inflated: a new buffer anyway


def test_a_stored_member_read_as_a_view_is_still_checked() -> None:
    entries = [Entry("big", b"x" * 5000, method=0, crc=0)]
    with pytest.raises(MalformedError, match="CRC"):
        safezip.read_members(Archive(entries).build(), limits=SMALL, views=("big",))


def test_the_crc_checks_of_views_can_be_made_later() -> None:
    entries = [
        Entry("big", b"x" * 5000, method=0, crc=0),
        Entry("kept", b"k" * 5000, method=0, crc=0),
    ]
    handed: list = []
    members = safezip.read_members(
        Archive(entries[:1]).build(), limits=SMALL, views=("big",), later=handed.append
    )
    assert members == {"big": b"x" * 5000}  # read, its check not yet made
    assert len(handed) == 1
    with pytest.raises(MalformedError, match="fails its CRC check"):
        handed[0]()
    # A member not read in place is checked at once, whatever the caller would take.
    with pytest.raises(MalformedError, match="CRC"):
        safezip.read_members(Archive(entries[1:]).build(), limits=SMALL, later=handed.append)
    assert len(handed) == 1


def test_an_intact_view_passes_its_later_check() -> None:
    handed: list = []
    data = Archive([Entry("big", b"x" * 5000, method=0)]).build()
    safezip.read_members(data, limits=SMALL, views=("big",), later=handed.append)
    assert [check() for check in handed] == [None]


def test_an_empty_archive_has_no_members(tmp_path: Path) -> None:
    safezip.write_zip(tmp_path / "empty.zip", {})
    assert safezip.read_members(tmp_path / "empty.zip") == {}


def test_an_archive_comment_is_harmless() -> None:
    data = Archive([Entry("a", b"x")], comment=b"made by hand").build()
    assert safezip.read_members(data, limits=SMALL) == {"a": b"x"}


def test_data_descriptors_are_understood() -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            self.buffer += b
            return len(b)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", b"alpha" * 100)
        archive.writestr("b.txt", b"beta")
    data = bytes(sink.buffer)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].flag_bits & 0x08
    assert safezip.read_members(data, limits=SMALL) == {"a.txt": b"alpha" * 100, "b.txt": b"beta"}


def test_a_utf8_flagged_name_is_accepted() -> None:
    assert safezip.read_members(one(Entry("é.txt", b"x")), limits=SMALL) == {"é.txt": b"x"}


# --- not a zip, damaged zips -------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"hello world", b"PK\x03\x04" + b"\x00" * 40])
def test_refuses_what_is_not_a_zip(data: bytes) -> None:
    refused(data, "not a zip archive")


def test_refuses_a_truncated_archive() -> None:
    data = Archive([Entry("a", b"alpha" * 100)]).build()
    refused(data[:-30], "not a zip archive")


def test_refuses_an_archive_over_the_size_limit() -> None:
    data = one(Entry("a", b"x"))
    refused(data, f"larger than the limit of {len(data) - 1} bytes",
            ZipLimits(max_archive_bytes=len(data) - 1))  # fmt: skip


def test_refuses_an_archive_file_over_the_size_limit_without_reading_it(tmp_path: Path) -> None:
    target = tmp_path / "big.colophon"
    target.write_bytes(b"\x00" * 2000)
    with pytest.raises(MalformedError, match="larger than the limit of 1000 bytes"):
        safezip.read_members(target, limits=ZipLimits(max_archive_bytes=1000))


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        safezip.read_members(tmp_path / "nothing.colophon")


def test_refuses_too_many_members() -> None:
    data = Archive([Entry(f"m{i}", b"x") for i in range(11)]).build()
    refused(data, "more than 10 members")


def test_refuses_zip64() -> None:
    refused(Archive([Entry("a")], eocd_count=0xFFFF).build(), "ZIP64")


def test_refuses_a_zip64_locator() -> None:
    data = bytearray(Archive([Entry("a")]).build())
    # Overwrite the end of the central directory's last name with a ZIP64 locator signature.
    locator_at = len(data) - 22 - 20
    data[locator_at : locator_at + 4] = b"PK\x06\x07"
    refused(bytes(data), "ZIP64")


def test_refuses_multi_disk_archives() -> None:
    refused(Archive([Entry("a")], eocd_disk=1).build(), "span several disks")


def test_refuses_a_second_end_record_hidden_in_the_comment() -> None:
    fake = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0, 0, 0, 0, 0)
    refused(Archive([Entry("a")], comment=b"xx" + fake).build(), "second end-of-directory")


def test_refuses_a_count_that_disagrees_with_the_directory() -> None:
    refused(Archive([Entry("a"), Entry("b")], eocd_count=1).build(), "different number of members")


def test_refuses_a_directory_that_does_not_end_at_the_end_record() -> None:
    data = bytearray(Archive([Entry("a")]).build())
    struct.pack_into("<L", data, len(data) - 22 + 12, 10)  # shrink the declared directory size
    refused(bytes(data), "does not end where its end record begins")


def test_refuses_a_damaged_central_directory() -> None:
    data = bytearray(Archive([Entry("a")]).build())
    cd_start = struct.unpack_from("<L", data, len(data) - 22 + 16)[0]
    data[cd_start : cd_start + 4] = b"XXXX"
    refused(bytes(data), "damaged table of contents")


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty name"),
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/evil.dll", "drive letter"),
        ("c:evil", "drive letter"),
        ("a\\b.txt", "backslash"),
        ("..\\evil", "backslash"),
        ("../evil", "climbs out"),
        ("a/../../evil", "climbs out"),
        ("a/..", "climbs out"),
        ("./a", "empty or '.' path component"),
        ("a//b", "empty or '.' path component"),
        ("a\x00.txt", "control character"),
        ("a\nb", "control character"),
        ("x" * 1025, "longer than 1024"),
    ],
)
def test_refuses_unsafe_names(name: str, reason: str) -> None:
    error = refused(one(Entry(name)), reason)
    assert error.part == f"zip member {name!r}"


def test_refuses_a_non_ascii_name_not_marked_as_utf8() -> None:
    refused(one(Entry("x", name_bytes="é".encode())), "not marked as UTF-8")


def test_refuses_a_name_that_is_not_utf8_despite_the_flag() -> None:
    refused(one(Entry("x", name_bytes=b"\xff\xfe", flags=0x800)), "damaged table of contents")


def test_refuses_a_folder_entry_by_trailing_slash() -> None:
    refused(one(Entry("thumbnails/", b"")), "folder entry")


def test_refuses_a_folder_entry_by_unix_mode() -> None:
    refused(one(Entry("thumbnails", b"", external_attr=(stat.S_IFDIR | 0o755) << 16)), "folder")


def test_refuses_a_folder_entry_by_dos_attribute() -> None:
    refused(one(Entry("thumbnails", b"", external_attr=0x10)), "folder entry")


def test_refuses_a_symbolic_link() -> None:
    link = Entry("summary.html", b"/etc/passwd", external_attr=(stat.S_IFLNK | 0o777) << 16)
    refused(one(link), "symbolic link")


def test_refuses_a_special_file() -> None:
    refused(one(Entry("fifo", b"", external_attr=(stat.S_IFIFO | 0o644) << 16)), "special file")


def test_refuses_duplicate_names() -> None:
    refused(Archive([Entry("a.txt", b"one"), Entry("a.txt", b"two")]).build(), "appears twice")


def test_refuses_names_differing_only_by_case() -> None:
    data = Archive([Entry("Summary.html"), Entry("summary.html")]).build()
    refused(data, "only by letter case or Unicode form")


def test_refuses_names_differing_only_by_unicode_normalisation() -> None:
    composed, decomposed = "caf\u00e9.txt", "cafe\u0301.txt"
    refused(Archive([Entry(composed), Entry(decomposed)]).build(), "only by letter case or Unicode")


def test_refuses_names_differing_only_by_case_folding() -> None:
    refused(Archive([Entry("STRASSE"), Entry("straße")]).build(), "only by letter case")


# --- member properties -------------------------------------------------------------------------


def test_refuses_an_encrypted_member() -> None:
    refused(one(Entry("secret", flags=0x1)), "is encrypted")


def test_refuses_strong_encryption() -> None:
    refused(one(Entry("secret", flags=0x41)), "is encrypted")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 9, 99])
def test_refuses_other_compression_methods(method: int) -> None:
    refused(one(Entry("a", raw=b"whatever", method=method)), f"compression method {method}")


def test_refuses_a_declared_size_over_the_member_cap() -> None:
    refused(one(Entry("a", b"x", size=(1 << 20) + 1)), "declares a size over the limit")


def test_refuses_declared_sizes_over_the_total_cap() -> None:
    entries = [Entry(f"m{i}", b"x", size=900_000) for i in range(3)]
    limits = ZipLimits(
        max_member_bytes=1 << 20, max_total_bytes=2 << 20, max_ratio=10**6, max_archive_ratio=10**6
    )
    refused(Archive(entries).build(), "would unpack to more than 2097152 bytes", limits)


def test_many_small_members_may_not_make_a_bomb_together() -> None:
    # Each member is small enough to be spared the ratio test; together they still expand the
    # archive more than any one member may.
    entries = [Entry(f"page{i}.html", bytes(60_000)) for i in range(10)]
    error = refused(Archive(entries).build(), "more than 20 times its size")
    assert error.part == "zip archive"
    lying = [Entry(f"page{i}.html", bytes(60_000), size=60_000 if i else 10) for i in range(10)]
    refused(Archive(lying).build(), "more than 20 times its size")


def test_refuses_a_crc_error() -> None:
    refused(one(Entry("a", b"alpha", crc=zlib.crc32(b"alphb"))), "fails its CRC check")


def test_refuses_a_stored_member_with_a_wrong_size() -> None:
    refused(one(Entry("a", b"alpha", method=0, size=4)), "different size than it declares")


def test_refuses_a_deflated_member_with_a_wrong_size() -> None:
    refused(one(Entry("a", b"alpha", size=6)), "different size than it declares")


def test_refuses_damaged_deflate_data() -> None:
    refused(one(Entry("a", raw=b"\xff\xff\xff\xff\xff")), "damaged deflate data")


def test_refuses_a_truncated_deflate_stream() -> None:
    body = deflate(os.urandom(5000))
    refused(one(Entry("a", raw=body[:-10])), "ends too early")


def test_refuses_bytes_after_the_deflate_stream() -> None:
    refused(one(Entry("a", b"alpha", raw=deflate(b"alpha") + b"junk")), "extra bytes after")


# --- bombs: sizes are enforced on what comes out, never on what is declared -------------------


def test_refuses_a_ratio_bomb() -> None:
    content = b"\x00" * (4 << 20)
    limits = ZipLimits(max_member_bytes=8 << 20, max_ratio=50, ratio_grace_bytes=64 * 1024)
    refused(one(Entry("bomb", content)), "expands more than 50 times", limits)


def test_a_bomb_stops_unfolding_at_the_cap() -> None:
    # 200 MB of zeros in 200 kB, declared as 10 bytes, under the real bundle limits: zlib is told
    # to stop just past 20 times the archive's size, so far less than 200 MB ever exists.
    import tracemalloc

    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    raw = b"".join(compressor.compress(zeros) for _ in range(200)) + compressor.flush()
    archive = one(Entry("envelope.intoto.json", b"", raw=raw, size=10, crc=0))
    tracemalloc.start()
    try:
        refused(archive, "more than 20 times its size", safezip.BUNDLE_LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * len(raw) + (40 << 20), peak  # the cap, plus one piece in flight


def test_small_highly_compressible_members_are_within_the_grace() -> None:
    content = b"a" * 60_000  # compresses over 300 times but stays under the grace size
    assert safezip.read_members(one(Entry("page.html", content)), limits=SMALL)


def test_a_member_lying_about_its_size_is_stopped_while_inflating() -> None:
    content = os.urandom(1 << 19) * 4  # 2 MiB that deflate cannot shrink below the ratio cap
    lying = Entry("thumb.png", content, size=100)
    limits = ZipLimits(max_member_bytes=1 << 20, max_ratio=1000)
    refused(one(lying), "unpacks to more than the limit of 1048576 bytes", limits)


def test_members_lying_about_their_sizes_are_stopped_at_the_total_cap() -> None:
    # Two honest members fill most of the budget; the third declares 10 bytes and brings 600 kB.
    honest = os.urandom(900_000)
    entries = [Entry("m0", honest), Entry("m1", honest), Entry("m2", os.urandom(600_000), size=10)]
    limits = ZipLimits(max_member_bytes=1 << 20, max_total_bytes=2 << 20, max_ratio=1000)
    error = refused(Archive(entries).build(), "unpack to more than 2097152 bytes", limits)
    assert error.part == "zip archive"


# --- layout: overlapping entries, hidden bytes -------------------------------------------------


def test_refuses_two_entries_sharing_one_local_header() -> None:
    entries = [Entry("a.txt", b"alpha"), Entry("b.txt", b"alpha", offset=0)]
    refused(Archive(entries).build(), "overlaps the member 'a.txt'")


def test_refuses_an_entry_nested_inside_another_entrys_data() -> None:
    # The overlapping-entry bomb: the first entry's compressed data is a stored container whose
    # body is the second entry's complete local header and data.
    inner_body = deflate(b"\x00" * 5000)
    inner_header = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21,
        zlib.crc32(b"\x00" * 5000), len(inner_body), 5000, 1, 0,
    )  # fmt: skip
    inner = inner_header + b"b" + inner_body
    outer = Entry("a", inner, method=zipfile.ZIP_STORED)
    archive = Archive([outer])
    data = bytearray(archive.build())
    # Add a directory entry for "b" that points into the middle of "a".
    offset_of_b = 30 + 1
    cd_start = struct.unpack_from("<L", data, len(data) - 22 + 16)[0]
    central_b = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, 0, 8, 0, 0x21,
        zlib.crc32(b"\x00" * 5000), len(inner_body), 5000, 1, 0, 0, 0, 0, REGULAR, offset_of_b,
    ) + b"b"  # fmt: skip
    cd = bytes(data[cd_start : len(data) - 22]) + central_b
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(cd), cd_start, 0)
    hostile = bytes(data[:cd_start]) + cd + eocd
    assert len(zipfile.ZipFile(io.BytesIO(hostile)).infolist()) == 2  # zipfile sees no problem
    refused(hostile, "overlaps the member 'a'")


def test_refuses_an_entry_that_runs_into_the_central_directory() -> None:
    entry = Entry("a", b"alpha")
    data = bytearray(one(entry))
    cd_start = struct.unpack_from("<L", data, len(data) - 22 + 16)[0]
    struct.pack_into("<L", data, cd_start + 20, 10_000)  # compressed size in the directory
    refused(bytes(data), "runs into the table of contents")


def test_refuses_a_local_header_inside_the_central_directory() -> None:
    entries = [Entry("a", b"alpha"), Entry("b", b"beta", offset=10_000)]
    refused(Archive(entries).build(), "local header inside the table of contents")


def test_refuses_data_before_the_first_member() -> None:
    archive = Archive([Entry("a", b"alpha")], prefix=b"#!/bin/sh\necho hi\n")
    refused(archive.build(), "unaccounted bytes before the first member")


def test_refuses_hidden_bytes_between_members() -> None:
    entries = [Entry("a", b"alpha", after=b"HIDDEN"), Entry("b", b"beta")]
    refused(Archive(entries).build(), "6 unaccounted bytes after 'a'")


def test_refuses_hidden_bytes_before_the_central_directory() -> None:
    refused(Archive([Entry("a", b"alpha", after=b"HIDDEN")]).build(), "between the last member")


def test_refuses_a_directory_entry_pointing_at_garbage() -> None:
    entries = [Entry("a", b"alpha", after=b"\x00" * 40), Entry("b", b"x", offset=10)]
    refused(Archive(entries).build(), "not a local header")


def test_refuses_a_local_name_that_differs() -> None:
    refused(one(Entry("summary.html", local_name=b"summary.htmx")), "different name in its local")


def test_refuses_a_local_method_that_differs() -> None:
    refused(one(Entry("a", b"alpha", local_method=0)), "disagrees with the table of contents")


# --- property: any single-byte change is refused or changes nothing ----------------------------

VALID = Archive(
    [Entry("envelope.intoto.json", b'{"payload": "x"}' * 20), Entry("b", b"beta")]
).build()
VALID_MEMBERS = safezip.read_members(VALID, limits=SMALL)


@settings(max_examples=500)
@given(st.integers(0, len(VALID) - 1), st.integers(1, 255))
def test_a_corrupted_byte_is_refused_or_harmless(position: int, xor: int) -> None:
    data = bytearray(VALID)
    data[position] ^= xor
    try:
        members = safezip.read_members(bytes(data), limits=SMALL)
    except MalformedError:
        return
    assert members == VALID_MEMBERS


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(MalformedError):
        safezip.read_members(data, limits=SMALL)


# --- writing -----------------------------------------------------------------------------------


def test_write_zip_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "1.colophon", tmp_path / "2.colophon"
    safezip.write_zip(first, {"b": b"2", "a": b"1", "c/d": b"3"})
    safezip.write_zip(second, {"c/d": b"3", "a": b"1", "b": b"2"})
    assert first.read_bytes() == second.read_bytes()
    infos = zipfile.ZipFile(first).infolist()
    assert [i.filename for i in infos] == ["a", "b", "c/d"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert {i.external_attr >> 16 for i in infos} == {stat.S_IFREG | 0o644}


def test_write_zip_stores_the_members_named_and_deflates_the_others(tmp_path: Path) -> None:
    target = tmp_path / "mixed.colophon"
    members = {"big.json": b'{"payload":"QUJD"}' * 1000, "page.html": b"<p>hello</p>" * 1000}
    safezip.write_zip(target, members, stored={"big.json"})
    infos = {i.filename: i for i in zipfile.ZipFile(target).infolist()}
    assert infos["big.json"].compress_type == zipfile.ZIP_STORED
    assert infos["big.json"].compress_size == len(members["big.json"])
    assert infos["page.html"].compress_type == zipfile.ZIP_DEFLATED
    assert infos["page.html"].compress_size < len(members["page.html"]) // 10
    assert safezip.read_members(target) == members


def test_write_zip_replaces_the_target_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "claim.colophon"
    target.write_bytes(b"old")
    safezip.write_zip(target, {"a": b"new"})
    assert safezip.read_members(target) == {"a": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claim.colophon"]


@pytest.mark.parametrize("name", ["../x", "/abs", "a\\b", "dir/", ""])
def test_write_zip_refuses_unsafe_names_and_keeps_the_old_file(tmp_path: Path, name: str) -> None:
    target = tmp_path / "claim.colophon"
    target.write_bytes(b"old")
    with pytest.raises(ValueError):
        safezip.write_zip(target, {name: b"x"})
    assert target.read_bytes() == b"old"


def test_write_zip_refuses_names_that_collide_when_case_folded(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="collide"):
        safezip.write_zip(tmp_path / "x.zip", {"A.txt": b"1", "a.txt": b"2"})


def test_check_member_name_accepts_bundle_names() -> None:
    for name in ["envelope.intoto.json", "identity.json", "keys/events.json", "thumbnails/a.png"]:
        safezip.check_member_name(name)


# -- writing within the limits the reader enforces ------------------------------------------------
def test_a_zip_the_reader_would_refuse_is_not_written(tmp_path: Path) -> None:
    limits = safezip.ZipLimits(
        max_members=3, max_member_bytes=100, max_total_bytes=250, max_archive_bytes=400
    )
    target = tmp_path / "x.zip"
    cases = {
        "4 files": {f"{i}.txt": b"x" for i in range(4)},
        "101 bytes": {"a.txt": b"x" * 101},
        "unpack to 300 bytes": {n: b"x" * 100 for n in ("a.txt", "b.txt", "c.txt")},
        "would be": {n: bytes(range(80)) for n in ("a.txt", "b.txt", "c.txt")},
    }
    bombs = safezip.ZipLimits(max_ratio=50, ratio_grace_bytes=100)
    with pytest.raises(UsageError, match=r"a\.txt would expand more than 50 times"):
        safezip.write_zip(target, {"a.txt": b"\0" * 100_000}, limits=bombs)
    assert list(tmp_path.iterdir()) == []
    for expected, members in cases.items():
        with pytest.raises(UsageError, match=expected):
            safezip.write_zip(target, members, limits=limits)
        assert list(tmp_path.iterdir()) == []
    safezip.write_zip(target, {"a.txt": b"x" * 100, "b.txt": b"y"}, limits=limits)
    assert safezip.read_members(target, limits=limits) == {"a.txt": b"x" * 100, "b.txt": b"y"}


def test_the_most_members_a_bundle_holds_are_written_and_read_back(tmp_path: Path) -> None:
    # The end record counts members in 16 bits and 0xFFFF means "see ZIP64", which readers
    # refuse: one member fewer is the most, and one more is not written at all.
    most = safezip.BUNDLE_LIMITS.max_members
    members = {f"t/{i:05x}.txt": b"" for i in range(most)}
    safezip.write_zip(tmp_path / "most.zip", members)
    assert len(safezip.read_members(tmp_path / "most.zip")) == most == 0xFFFE
    members["one-more.txt"] = b""
    with pytest.raises(UsageError, match="65,535 files, more than the 65,534"):
        safezip.write_zip(tmp_path / "more.zip", members)
    assert not (tmp_path / "more.zip").exists()


# --- what the local header and extra fields say -------------------------------------------------
def extra_field(header: int, body: bytes) -> bytes:
    return struct.pack("<HH", header, len(body)) + body


def test_refuses_a_local_header_whose_crc_disagrees() -> None:
    refused(one(Entry("a.txt", b"alpha", local_crc=1234)), "CRC or size in its local header")


def test_refuses_extra_fields_that_rename_or_resize_an_entry() -> None:
    # unzip lists an entry under its Info-ZIP Unicode path field, not the directory's name
    renamed = extra_field(0x7075, b"\x01" + struct.pack("<L", 0) + b"other.html")
    refused(one(Entry("page.html", b"<p>", central_extra=renamed)), "another name or size")
    zip64 = extra_field(0x0001, struct.pack("<QQ", 3, 3))
    refused(one(Entry("page.html", b"<p>", local_extra=zip64)), "another name or size")


def test_accepts_harmless_extra_fields_such_as_info_zip_timestamps() -> None:
    stamp = extra_field(0x5455, b"\x01" + struct.pack("<L", 0))
    entry = Entry("page.html", b"<p>", local_extra=stamp, central_extra=stamp)
    assert safezip.read_members(one(entry), limits=SMALL) == {"page.html": b"<p>"}


def test_a_data_descriptor_must_repeat_the_directory() -> None:
    content = b"streamed member"
    body = deflate(content)
    good = struct.pack("<4s3L", b"PK\x07\x08", zlib.crc32(content), len(body), len(content))
    entry = Entry("s.txt", content, flags=0x08, after=good)
    assert safezip.read_members(one(entry), limits=SMALL) == {"s.txt": content}
    junk = struct.pack("<4s3L", b"PK\x07\x08", 7, 8, 9)
    refused(one(Entry("s.txt", content, flags=0x08, after=junk)), "local header that disagrees")
