"""Reading a zip archive from a stranger, in memory, without trusting a single declared number.

A `.colophon` bundle is a zip, and a zip is a format with many ways to hurt its reader: members
whose names climb out of a folder (``../../.bashrc``), symbolic links, two members with the same
name (so two tools read two different files), entries that overlap each other so that a few
kilobytes unfold into gigabytes (the "overlapping-entry" bomb, which Python 3.11's `zipfile` does
not detect), deflate streams that expand a thousandfold, sizes in the header that lie, encryption,
exotic compression methods, ZIP64 records, data hidden between entries or before the first one.

`read_members` lets `zipfile` parse the central directory (the table of contents) and checks
everything else itself against the raw bytes: the end record, every local header, the exact
layout of entries from byte 0 to the central directory, and each member's decompressed size,
ratio and CRC, counted on what inflating actually produces, piece by piece, so a bomb is stopped
before it unfolds. Nothing is ever written to disk. Each refusal is a `MalformedError` with its
own message.

`write_zip` writes the bundles Colophon makes: deterministic (sorted names, a fixed timestamp,
fixed permissions and compression level) and atomic.
"""

from __future__ import annotations

import functools
import io
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from .errors import EnvironmentProblem, MalformedError, NotFoundError, UsageError
from .fsutil import atomic_writer, read_at_most

__all__ = [
    "BUNDLE_LIMITS",
    "ZipLimits",
    "check_member_name",
    "read_members",
    "size_text",
    "write_zip",
]

_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Upper bounds for one archive; the defaults are the claim-bundle limits of the spec."""

    max_archive_bytes: int = 512 * _MiB
    #: 0xFFFF in the end record's 16-bit count means "see the ZIP64 record", which is refused
    max_members: int = 0xFFFF - 1
    max_member_bytes: int = 256 * _MiB
    max_total_bytes: int = 1024 * _MiB
    #: the most a member may expand (decompressed bytes per compressed byte)
    max_ratio: int = 200
    #: the most the whole archive may expand (a bundle Colophon writes: about 1.2 times; one
    #: deflated throughout: about 4): what a reader holds is bounded by its file's size
    max_archive_ratio: int = 20
    #: members that decompress to no more than this are not judged by their ratio (a page of
    #: repeated text legitimately compresses well; a bomb has to be large to matter)
    ratio_grace_bytes: int = 1 * _MiB


#: the limits for `.colophon` claim bundles (resources/spec/claim-bundle.md, "Limits")
BUNDLE_LIMITS = ZipLimits()

# Inflated in pieces this large: most members come out in one, and a bomb is stopped one past.
_OUT_CHUNK = 16 * _MiB
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_LOCAL = b"PK\x03\x04"
_LOCAL_SIZE = 30
_DESCRIPTOR = b"PK\x07\x08"
_MAX_COMMENT = 0xFFFF

_FLAG_ENCRYPTED = 0x0001
_FLAG_DESCRIPTOR = 0x0008
_FLAG_STRONG_ENCRYPTION = 0x0040
_FLAG_UTF8 = 0x0800
_FLAG_MASKED_HEADERS = 0x2000
_DOS_DIRECTORY = 0x10

_MAX_NAME_CHARS = 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_ARCHIVE = "zip archive"


def read_members(
    source: str | os.PathLike[str] | bytes,
    *,
    limits: ZipLimits = BUNDLE_LIMITS,
    views: Collection[str] = (),
    later: Callable[[Callable[[], None]], object] | None = None,
) -> dict[str, bytes | memoryview]:
    """Return every member of the zip as ``{name: content}``, or raise `MalformedError`.

    ``source`` is a path or the archive's bytes. Everything is checked before any content is
    returned; see the module docstring for the list. A missing file is a `NotFoundError`, an
    unreadable one an `EnvironmentProblem`. A member named in ``views`` and stored (not
    deflated) comes as a read-only view of the archive's bytes rather than a copy: for the
    envelope of a large claim, most of the archive, copying costs more than reading it.

    ``later``: the CRC checks of those views are handed to it, as functions that raise
    `MalformedError` for a damaged member, instead of being made here; for a caller that runs
    them on another core while it reads the members. It must run every one before it relies on
    what it read, and report their refusal before anything it found in a member.
    """
    data = _load(source, limits)
    cd_offset, count = _read_end_record(data, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a "needs version" field beyond what zipfile knows
        ValueError,  # includes UnicodeDecodeError for a name flagged UTF-8 that is not
        EOFError,
        OverflowError,
        struct.error,
    ) as exc:
        raise MalformedError(_ARCHIVE, f"has a damaged table of contents ({exc}).") from exc
    if len(infos) != count:
        raise MalformedError(
            _ARCHIVE, "lists a different number of members than its end record declares."
        )

    spans: list[tuple[int, int, str]] = []
    folded: dict[str, str] = {}
    declared_total = 0
    # The archive as a whole may not expand more than one member may: otherwise many members,
    # each small enough to be spared the ratio test, would make a bomb together.
    unpacked_cap = min(limits.max_total_bytes, _ratio_cap(len(data), limits))
    for info in infos:
        name = info.orig_filename
        _check_entry(info, limits)
        key = _fold(name)
        if key in folded:
            other = folded[key]
            if other == name:
                raise MalformedError(f"zip member {name!r}", "appears twice in the archive.")
            raise MalformedError(
                f"zip member {name!r}",
                f"differs from the member {other!r} only by letter case or Unicode form.",
            )
        folded[key] = name
        if _over_ratio(info.file_size, info.compress_size, limits):
            raise MalformedError(
                f"zip member {name!r}", f"expands more than {limits.max_ratio} times (a zip bomb)."
            )
        declared_total += info.file_size
        if declared_total > unpacked_cap:
            raise MalformedError(_ARCHIVE, "would " + _too_much(unpacked_cap, limits))
        spans.append((*_entry_span(data, info, cd_offset), name))
    _check_layout(spans, cd_offset)
    for info in infos:
        _check_local_header(data, info)

    members: dict[str, bytes | memoryview] = {}
    total = 0
    for info in infos:
        view = info.orig_filename in views
        content = _inflate(data, info, limits, total, unpacked_cap, view=view, later=later)
        total += len(content)
        members[info.orig_filename] = content
    return members


def check_member_name(name: str, part: str | None = None) -> None:
    """Raise `MalformedError` unless ``name`` is a plain relative path safe anywhere.

    Refused: empty names, absolute paths, drive letters, backslashes, ``.``/``..`` or empty
    components, folder entries (a trailing ``/``), control characters, names over 1024 characters.
    """
    where = part or f"zip member {name!r}"
    if not name:
        raise MalformedError(where, "has an empty name.")
    if len(name) > _MAX_NAME_CHARS:
        raise MalformedError(where, f"has a name longer than {_MAX_NAME_CHARS} characters.")
    if _CONTROL.search(name):
        raise MalformedError(where, "has a control character in its name.")
    if "\\" in name:
        raise MalformedError(where, "has a backslash in its name.")
    if name.startswith("/"):
        raise MalformedError(where, "has an absolute path.")
    if _DRIVE.match(name):
        raise MalformedError(where, "starts with a drive letter.")
    if name.endswith("/"):
        raise MalformedError(where, "is a folder entry; bundles hold files only.")
    components = name.split("/")
    if ".." in components:
        raise MalformedError(where, "climbs out of the archive with '..'.")
    if any(c in ("", ".") for c in components):
        raise MalformedError(where, "has an empty or '.' path component.")


def write_zip(
    path: str | os.PathLike[str],
    members: Mapping[str, bytes],
    *,
    limits: ZipLimits = BUNDLE_LIMITS,
    stored: Collection[str] = (),
) -> None:
    """Write ``members`` as a deterministic zip at ``path``, atomically.

    The same members always give the same bytes (with the same zlib): names sorted, timestamp
    1980-01-01 00:00, permissions 0644, no comment; the members named in ``stored`` as they are,
    the others deflated at level 1. Names must pass
    `check_member_name` and stay distinct after case folding; otherwise `ValueError`. An archive
    that `read_members` would refuse under ``limits`` (too many members, too large, a member
    expanding like a bomb) is not written: `UsageError` says which limit, and nothing is left at
    ``path``.
    """
    _check_limits(members, limits)
    seen: dict[str, str] = {}
    for name in members:
        try:
            check_member_name(name)
        except MalformedError as exc:
            raise ValueError(exc.message) from exc
        key = _fold(name)
        if key in seen:
            raise ValueError(f"Member names {seen[key]!r} and {name!r} collide.")
        seen[key] = name
    with atomic_writer(path) as fh, zipfile.ZipFile(fh, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the host, so the bytes do not vary
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, members[name], compresslevel=1)
        for info in archive.infolist():  # a member that squeezes too well looks like a bomb
            if info.file_size > limits.ratio_grace_bytes and info.file_size > (
                limits.max_ratio * max(info.compress_size, 1)
            ):
                raise UsageError(
                    f"The file {info.filename} would expand more than {limits.max_ratio} times, "
                    "which a reader takes for a zip bomb."
                )
        archive.close()  # writes the table of contents: the size is now known
        if (size := fh.tell()) > limits.max_archive_bytes:
            raise UsageError(
                f"The archive would be {size_text(size)}, more than the "
                f"{size_text(limits.max_archive_bytes)} a reader accepts."
            )


def _check_limits(members: Mapping[str, bytes], limits: ZipLimits) -> None:
    """Refuse, before writing, members that `read_members` would refuse to read back."""
    if len(members) > limits.max_members:
        raise UsageError(
            f"The archive would hold {len(members):,} files, more than the {limits.max_members:,} "
            "a reader accepts."
        )
    total = 0
    for name, data in members.items():
        if len(data) > limits.max_member_bytes:
            raise UsageError(
                f"The file {name} would be {size_text(len(data))}, more than the "
                f"{size_text(limits.max_member_bytes)} a reader accepts."
            )
        total += len(data)
    if total > limits.max_total_bytes:
        raise UsageError(
            f"The archive would unpack to {size_text(total)}, more than the "
            f"{size_text(limits.max_total_bytes)} a reader accepts."
        )


def size_text(size: int) -> str:
    """A size as people read it in a message: whole MiB, or bytes below one."""
    return f"{size / _MiB:,.0f} MiB" if size >= _MiB else f"{size:,} bytes"


def _load(source: str | os.PathLike[str] | bytes, limits: ZipLimits) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data: bytes | None = bytes(source)
    else:
        try:
            data = read_at_most(source, limits.max_archive_bytes)
        except FileNotFoundError as exc:
            raise NotFoundError(f"There is no file at {os.fspath(source)}.") from exc
        except OSError as exc:
            raise EnvironmentProblem(
                f"Could not read {os.fspath(source)}: {exc.strerror or exc}."
            ) from exc
    if data is None or len(data) > limits.max_archive_bytes:
        raise MalformedError(
            _ARCHIVE, f"is larger than the limit of {limits.max_archive_bytes} bytes."
        )
    return data


def _read_end_record(data: bytes, limits: ZipLimits) -> tuple[int, int]:
    """Find the one end-of-central-directory record; return (central directory offset, count)."""
    floor = max(0, len(data) - _EOCD_SIZE - _MAX_COMMENT)
    signatures = []
    pos = data.rfind(_EOCD, floor)
    while pos >= 0:
        signatures.append(pos)
        pos = data.rfind(_EOCD, floor, pos)
    fitting = [
        p
        for p in signatures
        if p + _EOCD_SIZE <= len(data)
        and p + _EOCD_SIZE + struct.unpack_from("<H", data, p + 20)[0] == len(data)
    ]
    if not fitting:
        if signatures:  # an end record, but not at the end: something follows it
            raise MalformedError(
                _ARCHIVE, "has data after its end (the file was damaged, or added to)."
            )
        raise MalformedError(
            _ARCHIVE, "is not a zip archive, or is cut short: its table of contents is missing."
        )
    if len(fitting) > 1 or fitting[0] != signatures[0]:
        # Readers disagree on which record counts (zipfile takes the last signature it sees), so
        # a second one in the comment could show them another table of contents than this one.
        raise MalformedError(_ARCHIVE, "hides a second end-of-directory record in its comment.")
    pos = fitting[0]
    disk, cd_disk, here, count, cd_size, cd_offset = struct.unpack_from("<4H2L", data, pos + 4)
    if (
        count == 0xFFFF
        or cd_size == 0xFFFFFFFF
        or cd_offset == 0xFFFFFFFF
        or (pos >= 20 and data[pos - 20 : pos - 16] == _ZIP64_LOCATOR)
    ):
        raise MalformedError(_ARCHIVE, "uses ZIP64 records, which bundles never need.")
    if disk != 0 or cd_disk != 0 or here != count:
        raise MalformedError(_ARCHIVE, "claims to span several disks.")
    if cd_offset + cd_size != pos:
        raise MalformedError(
            _ARCHIVE, "has a table of contents that does not end where its end record begins."
        )
    if count > limits.max_members:
        raise MalformedError(_ARCHIVE, f"has more than {limits.max_members} members.")
    return cd_offset, count


def _check_entry(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    """Everything about one central-directory entry that does not need its data."""
    name = info.orig_filename
    where = f"zip member {name!r}"
    if not name.isascii() and not info.flag_bits & _FLAG_UTF8:
        raise MalformedError(where, "has a non-ASCII name that is not marked as UTF-8.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise MalformedError(where, "is a symbolic link.")
    if stat.S_ISDIR(mode) or info.external_attr & _DOS_DIRECTORY or name.endswith("/"):
        raise MalformedError(where, "is a folder entry; bundles hold files only.")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        raise MalformedError(where, "is a special file (device, pipe or socket).")
    check_member_name(name, where)
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION | _FLAG_MASKED_HEADERS):
        raise MalformedError(where, "is encrypted.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise MalformedError(
            where,
            f"uses compression method {info.compress_type}; only stored and deflate are allowed.",
        )
    if info.file_size > limits.max_member_bytes:
        raise MalformedError(
            where, f"declares a size over the limit of {limits.max_member_bytes} bytes."
        )


def _entry_span(data: bytes, info: zipfile.ZipInfo, cd_offset: int) -> tuple[int, int]:
    """The bytes one entry occupies: its local header, its data and any data descriptor."""
    where = f"zip member {info.orig_filename!r}"
    start = info.header_offset
    if start + _LOCAL_SIZE > cd_offset:
        raise MalformedError(where, "has its local header inside the table of contents.")
    if data[start : start + 4] != _LOCAL:
        raise MalformedError(where, "points at something that is not a local header.")
    name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
    end = start + _LOCAL_SIZE + name_len + extra_len + info.compress_size
    if info.flag_bits & _FLAG_DESCRIPTOR:
        end += 16 if data[end : end + 4] == _DESCRIPTOR else 12
    if end > cd_offset:
        raise MalformedError(where, "runs into the table of contents.")
    return start, end


def _check_local_header(data: bytes, info: zipfile.ZipInfo) -> None:
    """The local header must repeat what the directory says of the entry: name, method,
    encryption flag, CRC and sizes (or a data descriptor after the data must); and neither may
    carry an extra field that gives the entry another name or other sizes."""
    where = f"zip member {info.orig_filename!r}"
    start = info.header_offset
    flags, method = struct.unpack_from("<HH", data, start + 6)
    crc, packed, unpacked, name_len, extra_len = struct.unpack_from("<IIIHH", data, start + 14)
    extra_start = start + _LOCAL_SIZE + name_len
    for extra in (info.extra, data[extra_start : extra_start + extra_len]):
        if _RENAMING_EXTRAS & set(_extra_ids(extra)):
            raise MalformedError(where, "has an extra field that gives it another name or size.")
    if flags & _FLAG_DESCRIPTOR:
        end = extra_start + extra_len + info.compress_size
        if data[end : end + 4] == _DESCRIPTOR:
            end += 4
        crc, packed, unpacked = struct.unpack_from("<III", data, end)
    if (crc, packed, unpacked) != (info.CRC, info.compress_size, info.file_size):
        raise MalformedError(where, "has a CRC or size in its local header that disagrees.")
    encoding = "utf-8" if info.flag_bits & _FLAG_UTF8 else "cp437"
    local_name = data[start + _LOCAL_SIZE : start + _LOCAL_SIZE + name_len]
    if local_name != info.orig_filename.encode(encoding):
        raise MalformedError(where, "has a different name in its local header.")
    if method != info.compress_type or (flags ^ info.flag_bits) & _FLAG_ENCRYPTED:
        raise MalformedError(where, "has a local header that disagrees with the table of contents.")


#: extra fields that change what an entry is for some readers: ZIP64 sizes, and the Info-ZIP
#: Unicode path (under which `unzip` lists another name than the directory's)
_RENAMING_EXTRAS = frozenset({0x0001, 0x7075})


def _extra_ids(extra: bytes) -> list[int]:
    """The header ids of the fields in an extra block (a damaged block gives what it has)."""
    ids, position = [], 0
    while position + 4 <= len(extra):
        header, size = struct.unpack_from("<HH", extra, position)
        ids.append(header)
        position += 4 + size
    return ids


def _check_layout(spans: list[tuple[int, int, str]], cd_offset: int) -> None:
    """Entries must tile the bytes before the central directory exactly: no overlap, no gaps."""
    position, previous = 0, ""
    for start, end, name in sorted(spans):
        if start < position:
            raise MalformedError(
                f"zip member {name!r}",
                f"overlaps the member {previous!r} (a zip bomb technique).",
            )
        if start > position:
            where = f"zip member {name!r}" if previous else _ARCHIVE
            what = "before the first member" if not previous else f"after {previous!r}"
            raise MalformedError(where, f"has {start - position} unaccounted bytes {what}.")
        position, previous = end, name
    if position != cd_offset:
        raise MalformedError(
            _ARCHIVE, "has unaccounted bytes between the last member and the table of contents."
        )


def _ratio_cap(archive_bytes: int, limits: ZipLimits) -> int:
    """The most an archive of ``archive_bytes`` may unpack to, by the ratio limit."""
    return max(limits.ratio_grace_bytes, limits.max_archive_ratio * archive_bytes)


def _over_ratio(unpacked: int, packed: int, limits: ZipLimits) -> bool:
    """Whether a member expands more than the limit (a small one may: see `ZipLimits`)."""
    return unpacked > limits.ratio_grace_bytes and unpacked > limits.max_ratio * max(packed, 1)


def _too_much(cap: int, limits: ZipLimits) -> str:
    """Why an archive that unpacks to more than ``cap`` is refused."""
    if cap < limits.max_total_bytes:
        return f"unpack to more than {limits.max_archive_ratio} times its size (a zip bomb)."
    return f"unpack to more than {limits.max_total_bytes} bytes."


def _inflate(
    data: bytes,
    info: zipfile.ZipInfo,
    limits: ZipLimits,
    total_before: int,
    unpacked_cap: int,
    *,
    view: bool = False,
    later: Callable[[Callable[[], None]], object] | None = None,
) -> bytes | memoryview:
    """Decompress one member in chunks, enforcing the caps on what actually comes out (a stored
    one, with ``view``, as a read-only view of ``data``, its CRC checked by ``later`` if given:
    see `read_members`)."""
    where = f"zip member {info.orig_filename!r}"
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    begin = info.header_offset + _LOCAL_SIZE + name_len + extra_len
    raw = memoryview(data)[begin : begin + info.compress_size]
    member_cap = min(limits.max_member_bytes, unpacked_cap - total_before)

    def account(produced: int) -> None:
        if produced > limits.max_member_bytes:
            raise MalformedError(
                where, f"unpacks to more than the limit of {limits.max_member_bytes} bytes."
            )
        if _over_ratio(produced, info.compress_size, limits):
            raise MalformedError(where, f"expands more than {limits.max_ratio} times (a zip bomb).")
        if produced > member_cap:
            raise MalformedError(_ARCHIVE, "would " + _too_much(unpacked_cap, limits))

    content: bytes | memoryview
    if info.compress_type == zipfile.ZIP_STORED:
        account(len(raw))
        content = raw.toreadonly() if view else bytes(raw)
    else:
        content = _inflate_deflate(raw, where, account)
    if len(content) != info.file_size:
        raise MalformedError(where, "unpacks to a different size than it declares.")
    check = functools.partial(_check_crc, content, info.CRC, where)
    if later is not None and isinstance(content, memoryview):
        later(check)
    else:
        check()
    return content


def _check_crc(content: bytes | memoryview, crc: int, where: str) -> None:
    if zlib.crc32(content) != crc:  # lets go of the interpreter for all but small members
        raise MalformedError(where, "fails its CRC check; the archive is damaged or altered.")


def _inflate_deflate(raw: memoryview, where: str, account: Callable[[int], None]) -> bytes:
    """Inflate a raw deflate stream piece by piece, accounting for every piece as it comes."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pieces: list[bytes] = []
    produced = 0
    pending: bytes | memoryview = raw
    try:
        while not inflater.eof:
            out = inflater.decompress(pending, _OUT_CHUNK)
            produced += len(out)
            account(produced)  # a bomb is stopped at most one piece past a limit
            pieces.append(out)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break  # all input read, and the stream has not ended
    except zlib.error as exc:
        raise MalformedError(where, "has damaged deflate data.") from exc
    if not inflater.eof:
        raise MalformedError(where, "has a deflate stream that ends too early.")
    if inflater.unused_data:
        raise MalformedError(where, "has extra bytes after the end of its deflate stream.")
    return b"".join(pieces)  # a member of one piece is returned as it is, not copied


def _fold(name: str) -> str:
    """The form two names share when a case-insensitive or normalising file system mixes them."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
