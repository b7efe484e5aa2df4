"""Claim bundles on disk: writing a ``.colophon`` file, and reading one (or a bare envelope).

Layout and rules: resources/spec/claim-bundle.md. A bundle is written in one go to a temporary
file and renamed into place, and each export is recorded in the catalog. Reading never extracts
anything: members are read into memory by `safezip` under the spec's limits.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from . import dsse, safezip, strictjson
from .background import workers
from .card import make_card
from .catalog import Catalog, Work
from .check import unchanged_paths
from .claim import (
    MAX_STATEMENT_BYTES,
    MAX_WORKS,
    THUMBNAILS,
    Member,
    UnsupportedVersion,
    check_parts,
    statement_frame,
    thumbnail_of,
)
from .claim_parts import claim_parts
from .errors import EnvironmentProblem, MalformedError, NotFoundError, UsageError
from .fsutil import atomic_write, check_writable, read_at_most, require_folder
from .hashing import default_workers
from .identity import Identity
from .keystore import PassphraseProvider
from .licenses import claim_license
from .progress import Progress
from .summary import render

ENVELOPE = "envelope.intoto.json"
IDENTITY = "identity.json"
EVENTS = "keys/events.json"
SUMMARY = "summary.html"
SELF_SIGNED = frozenset({ENVELOPE, IDENTITY, EVENTS})
SUFFIX = ".colophon"
MAX_SUMMARY_BYTES = 16 * 1024 * 1024
MAX_THUMBNAIL_BYTES = 1024 * 1024
MAX_THUMBNAIL_SIDE = 1024  # pixels; Colophon writes 256
#: the zip's other members are the envelope, the identity card, the key events and the summary
MAX_THUMBNAILS = safezip.BUNDLE_LIMITS.max_members - 4
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: where the pictures made for bundles are kept, in the Colophon folder, by the work's digest
#: (a new way of making them needs a new name here)
THUMBNAIL_CACHE = "bundle-thumbnails-1"


@dataclass
class ExportResult:
    path: Path
    works: int
    thumbnails: int
    statement_sha256: str
    export_id: int
    size: int  # of the bundle file, in bytes
    license: str | None = None  # as the claim states it (`licenses.claim_license`)


@strictjson.gc_paused()  # a large claim is millions of small objects, all kept until the end
def export_bundle(
    catalog: Catalog,
    identity: Identity,
    work_ids: Sequence[int],
    path: str | os.PathLike[str],
    *,
    thumbnails: bool = True,
    license: str | None = None,
    passphrase: PassphraseProvider | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Sign a claim to the works ``work_ids`` and write it as a bundle at ``path``."""
    progress = progress or Progress()
    if not work_ids:
        raise UsageError("Choose at least one work to export.")
    if (count := len(set(work_ids))) > MAX_WORKS:
        raise UsageError(
            f"A bundle holds at most {MAX_WORKS:,} works and {count:,} are chosen: "
            "export them in several bundles."
        )
    if license is not None:
        license = claim_license(license)  # in SPDX's spelling; a mistyped id is refused
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name such as portfolio{SUFFIX}.")
    require_folder(out)
    profile = identity.require_profile()
    key = identity.require_key()
    check_writable(out)  # a read-only or full folder is said now, not after the pictures
    # Each work's subject and entry, kept from an earlier export unless the work changed since
    # (content fingerprints travel in the subjects: fingerprints.md).
    parts = claim_parts(catalog, work_ids, profile.terms.to_dict(), progress, with_works=thumbnails)
    members = {}
    if thumbnails:  # counted by the work, as a person counts them
        progress.start(total=len(parts), label="Making previews")
        members = _thumbnails(catalog, parts.works or [], progress)
    progress.start(total=1, label="Signing and writing")
    issued = datetime.now(UTC).replace(microsecond=0)
    pictures = {thumbnail_of(name) for name in members}
    listed = [Member(name, hashlib.sha256(data).hexdigest()) for name, data in members.items()]
    listed.append(Member(SUMMARY, ""))  # filled in below, once the page exists
    frame = statement_frame(profile, key.info, listed, issued, license=license)
    # The summary shows the claim, and the claim lists the summary's digest: the page does not
    # show the members, so render it from the claim, then write its digest in.
    predicate = frame["predicate"]
    members[SUMMARY] = render(predicate, parts.rows, len(parts), pictures)
    for entry in predicate["members"]:
        if entry["name"] == SUMMARY:
            entry["digest"]["sha256"] = hashlib.sha256(members[SUMMARY]).hexdigest()
    try:  # never sign what a verifier would refuse (spec 11: Colophon never writes such input)
        check_parts(frame, parts.made, parts.digests, parts.any_kept)
    except (MalformedError, UnsupportedVersion) as exc:
        raise UsageError(f"This claim cannot be exported: {exc.message}") from exc
    payload = parts.statement(frame)
    if len(payload) > MAX_STATEMENT_BYTES:  # long descriptions on very many works
        raise UsageError(
            f"This claim would be {safezip.size_text(len(payload))}, more than the "
            f"{safezip.size_text(MAX_STATEMENT_BYTES)} a verifier reads. Export the works in "
            "several bundles."
        )
    if strictjson.too_many_values(payload):  # very many contributors on very many works
        raise UsageError(
            f"This claim would hold more than {strictjson.DEFAULT_MAX_VALUES:,} values, more "
            "than a verifier reads. Export the works in several bundles."
        )
    progress.check()
    # The catalog's record and the file: both or neither. The record comes first, so a
    # catalog that cannot take it (a full disk, another process writing) stops the export
    # before any file is written; a failure after it (a full disk, a cancel) takes it back.
    with contextlib.ExitStack() as recorded:
        with identity.signing(passphrase) as private, ThreadPoolExecutor(1) as signer:
            # cryptography signs without holding the interpreter: the claim's digest is taken
            # (hashlib does not hold it either) and the record written meanwhile
            signing = signer.submit(dsse.sign_to_json, payload, dsse.PAYLOAD_TYPE_INTOTO, private)
            digest = hashlib.sha256(payload).hexdigest()
            export_id = recorded.enter_context(  # with the parts made, checked above
                catalog.recording_export(out, key.keyid, digest, parts.ids, also=parts.keep)
            )
            members[ENVELOPE] = signing.result()
            card = make_card(private, profile, issued)
        members[IDENTITY] = strictjson.dumps(card)
        events = [e.envelope for e in identity.own_events()]
        if events:
            members[EVENTS] = strictjson.dumps(events)
        try:
            safezip.write_zip(
                out, members, limits=safezip.BUNDLE_LIMITS, stored=stored_members(members)
            )
        except UsageError as exc:  # over a limit every verifier enforces: not written at all
            advice = (
                "in several bundles, or without thumbnails" if pictures else "in several bundles"
            )
            raise UsageError(
                f"This bundle cannot be written. {exc.message} Export {advice}."
            ) from exc
    progress.advance()
    size = out.stat().st_size
    return ExportResult(out, len(parts), len(pictures), digest, export_id, size, license)


def stored_members(members: dict[str, bytes]) -> set[str]:
    """The members a bundle keeps uncompressed (spec 8.2): the envelope, the summary page and
    the thumbnails.

    The envelope is most of a bundle, and its base64 compresses to about a third: deflating it
    is most of the time spent writing the zip, and inflating it most of the time spent reading
    it (for 100,000 works, 0.22 s and 0.08 s). Stored, a bundle of 100,000 works is 51 MB
    instead of 15. The summary page shows at most 5,000 works: with titles of common length,
    1.2 MB, which took 5 ms to deflate and 1.5 ms to inflate, for 0.9 MB less. A PNG is
    compressed already.
    """
    return {name for name in members if name in (ENVELOPE, SUMMARY) or name.startswith(THUMBNAILS)}


def _check_thumbnails(count: int, size: int) -> None:
    """Stop an export whose thumbnails alone break a bundle limit, before making the rest."""
    if count > MAX_THUMBNAILS:
        raise UsageError(
            f"With thumbnails, a bundle holds at most {MAX_THUMBNAILS:,} pictures, and more of "
            "the chosen works have one. Export without thumbnails, or in several bundles."
        )
    if size > (limit := safezip.BUNDLE_LIMITS.max_archive_bytes):
        raise UsageError(
            f"The thumbnails alone would make the bundle larger than the "
            f"{safezip.size_text(limit)} a verifier reads. Export without thumbnails, or in "
            "several bundles."
        )


def _thumbnails(catalog: Catalog, works: Sequence[Work], progress: Progress) -> dict[str, bytes]:
    """The bundle members previewing the image works, by name, in the order of ``works``.

    Decoding and scaling a picture runs in Pillow's C code, which lets other threads go on, so
    pictures are made on every core: a photographer's 10,000 photos are a matter of minutes. At
    most a few are made ahead of the one awaited, so memory stays flat; Cancel stops at the next.
    """
    # Only from files as they were registered: the claim signs the picture as showing the work,
    # so a file edited since (same path, other content) must not lend it one (size and time
    # tell most edits; `_cached_thumbnail` then checks the content itself).
    sources = [
        (work, paths)
        for work in works
        if work.kind == "image" and (paths := unchanged_paths(catalog, work))
    ]
    progress.advance(len(works) - len(sources))  # no picture to make
    cache = catalog.path.parent / THUMBNAIL_CACHE

    def picture_of(work: Work, paths: list[str]) -> bytes | None:
        return _cached_thumbnail(cache, work.digest, paths)

    members: dict[str, bytes] = {}
    size = 0
    threads = default_workers()
    pending = iter(sources)
    with ThreadPoolExecutor(threads, thread_name_prefix="colophon-thumbnail") as pool:
        ahead = deque(
            (work, pool.submit(picture_of, work, paths))
            for work, paths in islice(pending, 2 * threads)
        )
        try:
            while ahead:
                work, made = ahead.popleft()
                picture = made.result()
                progress.check()
                for work_next, paths in islice(pending, 1):
                    ahead.append((work_next, pool.submit(picture_of, work_next, paths)))
                if picture is not None:
                    size += len(picture)
                    _check_thumbnails(len(members) + 1, size)
                    members[f"{THUMBNAILS}{work.digest}.png"] = picture
                progress.advance()
        finally:
            for _work, made in ahead:  # cancelled or refused: do not make the rest
                made.cancel()
    return members


def _cached_thumbnail(cache: Path, digest: str, paths: list[str]) -> bytes | None:
    """The bundle picture of the work with ``digest``, made once from the first of ``paths``
    that has that content, and then kept.

    The picture depends only on the work's content, which its digest names, and it is made only
    from a file that has that digest; so a later export of the same work takes it from the cache
    in the Colophon folder instead of reading the photo again. A cached file that is not a PNG
    of the right size is made again.
    """
    cached = cache / digest[:2] / f"{digest}.png"
    with contextlib.suppress(OSError):
        data = read_at_most(cached, MAX_THUMBNAIL_BYTES)
        side = png_size(data) if data is not None else None
        if data is not None and side is not None and max(side) <= MAX_THUMBNAIL_SIDE:
            return data
    from .thumbnail import make_thumbnail  # Pillow: only when a picture is exported

    data = None
    for path in paths:  # the first whose content is the work's (an edit may keep size and time)
        if (data := make_thumbnail(path, sha256=digest)) is not None:
            break
    if data is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written is no cache
            cached.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cached, data)
    return data


# -- reading ------------------------------------------------------------------------------------
@dataclass
class BundleFile:
    """What a bundle or bare envelope holds, read but not yet verified."""

    path: Path
    bare: bool
    envelope: dsse.Envelope
    members: dict[str, bytes | memoryview] = field(default_factory=dict)
    #: the CRC checks of the large members, under way on a worker thread (`read_bundle`'s
    #: ``crc_later``); None when none was left for later
    crc_checks: Future[None] | None = None

    def check_crc(self) -> None:
        """Raise `MalformedError` if a member fails its CRC check (waiting for the checks)."""
        if self.crc_checks is not None:
            self.crc_checks.result()

    @property
    def identity_card(self) -> bytes | memoryview | None:
        return self.members.get(IDENTITY)

    @property
    def events(self) -> bytes | memoryview | None:
        return self.members.get(EVENTS)


def read_bundle(path: str | os.PathLike[str], *, crc_later: bool = False) -> BundleFile:
    """Read a ``.colophon`` bundle or a bare ``.intoto.json`` envelope; `MalformedError` if neither.

    The kind is decided by content, not by name: a zip is a bundle, a JSON object an envelope.
    The file is read once, so it may be a pipe (``/dev/stdin``).

    ``crc_later``: the CRC checks of the envelope and the summary page (most of a bundle's
    bytes) go on on a worker thread while the caller reads the claim; it must call
    `BundleFile.check_crc` before it relies on anything it found, and report its refusal first.
    """
    source = Path(path)
    limit = safezip.BUNDLE_LIMITS.max_archive_bytes
    try:
        data = read_at_most(source, limit)
    except FileNotFoundError:
        raise NotFoundError(f"There is no file {source}.") from None
    except IsADirectoryError:
        raise UsageError(f"{source} is a folder, not a bundle.") from None
    except PermissionError:
        if source.is_dir():  # a folder the user may not open is still a folder
            raise UsageError(f"{source} is a folder, not a bundle.") from None
        raise EnvironmentProblem(f"No permission to read {source}.") from None
    except OSError as exc:  # the disk or the file system, not the bundle: nothing to judge
        raise EnvironmentProblem(f"Could not read {source}: {exc.strerror or exc}.") from exc
    if data is None:
        raise MalformedError(str(source), f"is larger than the limit of {limit} bytes.")
    if data.startswith(b"PK"):
        checks: list[Callable[[], None]] = []
        try:
            members = safezip.read_members(  # in place if stored
                data, views=(ENVELOPE, SUMMARY), later=checks.append if crc_later else None
            )
            crc_checks = workers().submit(_run_all, checks) if checks else None
            for required in (ENVELOPE, IDENTITY, SUMMARY):
                if required not in members:
                    raise MalformedError("bundle", f"has no {required}.")
            _check_member_limits(members)
            envelope = dsse.parse(members[ENVELOPE], part=ENVELOPE)
        except MalformedError:
            _run_all(checks)  # a member damaged before the fault is what to report
            raise
        return BundleFile(source, False, envelope, members, crc_checks)
    if len(data) > dsse.MAX_ENVELOPE_BYTES:
        raise MalformedError("envelope", "is larger than the limit.")
    if not data.strip():
        raise MalformedError(str(source), "is empty.")
    if data.lstrip()[:1] != b"{":
        if b"PK\x03\x04" in data[:_LOOK_FOR_ZIP]:  # a bundle with something put before it
            raise MalformedError(
                str(source), "is a damaged bundle: something was added before its start."
            )
        raise MalformedError(str(source), "is neither a Colophon bundle nor a DSSE envelope.")
    return BundleFile(source, True, dsse.parse(data))


def _run_all(checks: list[Callable[[], None]]) -> None:
    for check in checks:
        check()


#: how far into a file that is no bundle a zip's first entry is looked for (a damaged bundle)
_LOOK_FOR_ZIP = 64 * 1024


def _check_member_limits(members: dict[str, bytes | memoryview]) -> None:
    """The per-member limits of the spec (section 11) that the zip reader does not know."""
    if len(members[SUMMARY]) > MAX_SUMMARY_BYTES:
        raise MalformedError(SUMMARY, "is larger than the limit of 16 MiB.")
    for name, data in members.items():
        if not name.startswith(THUMBNAILS):
            continue
        if len(data) > MAX_THUMBNAIL_BYTES:
            raise MalformedError(name, "is larger than the limit of 1 MiB for a thumbnail.")
        size = png_size(data)
        if size is None:
            raise MalformedError(name, "is not a PNG image.")
        if max(size) > MAX_THUMBNAIL_SIDE or min(size) < 1:
            raise MalformedError(
                name,
                f"is {size[0]} × {size[1]} pixels; a thumbnail is at most "
                f"{MAX_THUMBNAIL_SIDE} × {MAX_THUMBNAIL_SIDE}.",
            )


def png_size(data: bytes) -> tuple[int, int] | None:
    """The width and height a PNG declares, or None if ``data`` does not start as a PNG.

    The PNG specification puts the IHDR chunk first, with a fixed layout, so the size is known
    without decoding anything: a thumbnail that would unfold into a gigabyte of pixels (a few
    kilobytes of PNG can) is refused before any viewer tries.
    """
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE):
        return None
    length, kind, width, height = struct.unpack_from(">I4sII", data, len(PNG_SIGNATURE))
    return (width, height) if length == 13 and kind == b"IHDR" else None
