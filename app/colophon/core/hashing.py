"""Streaming SHA-256 of many files on every core.

Files are read in 1 MiB chunks into a reused buffer, so memory stays flat whatever the file size.
hashlib and file reads release the GIL, so a small pool of threads keeps every core busy. Results
come back in the order the files went in, with a bounded number in flight, so the input may be a
lazy iterator over a tree too large to list in memory.

A file that vanishes, cannot be read, or changes while it is being read is reported as `Skipped`
rather than hashed: its digest would describe no version of the file that ever existed whole.
"""

from __future__ import annotations

import collections
import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from .fsutil import NotARegularFile, open_regular
from .media import classify
from .progress import Progress
from .walk import Candidate, Skipped

CHUNK = 1 << 20
HEAD = 4096
# Small files go to a worker thread in groups of up to GROUP_FILES files, ending early once a
# group holds GROUP_BYTES: big enough that hand-over costs little next to hashing, small enough
# that slow fingerprinting (well under 1 MB/s for texts) keeps the threads evenly loaded.
GROUP_FILES = 32
GROUP_BYTES = CHUNK
_local = threading.local()


@dataclass(frozen=True)
class Hashed:
    path: str
    digest: str
    size: int
    mtime_ns: int
    head: bytes  # the first bytes, for recognising the file's format
    kind: str = "other"
    mime: str | None = None
    fingerprints: tuple[str, ...] | None = None  # content codes, when asked for


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def hash_file(
    candidate: Candidate,
    progress: Progress | None = None,
    fingerprint: frozenset[str] = frozenset(),
) -> Hashed | Skipped:
    """Hash one file, or say why it was skipped. Raises `Cancelled` if ``progress`` is cancelled.

    Files of the kinds in ``fingerprint`` also get their content codes (`fingerprint.py`),
    computed here on the worker thread so that decoding runs beside the hashing of other files.
    """
    path = candidate.path
    buf = getattr(_local, "buf", None)
    if buf is None:
        buf = _local.buf = bytearray(CHUNK)
    view = memoryview(buf)
    digest = hashlib.sha256()
    head = b""
    read = 0
    try:
        with open_regular(path, buffering=0) as fh:
            before = os.fstat(fh.fileno())
            while n := fh.readinto(buf):
                if not head:
                    head = bytes(view[: min(n, HEAD)])
                digest.update(view[:n])
                read += n
                if progress is not None:
                    progress.advance(0, n)
                    if n == CHUNK:
                        progress.check()
            after = os.fstat(fh.fileno())
        now = os.stat(path)
    except FileNotFoundError:
        return Skipped(path, "vanished before it could be read")
    except PermissionError:
        return Skipped(path, "not readable (permission denied)")
    except NotARegularFile:
        return Skipped(path, "not a regular file")
    except OSError as exc:
        return Skipped(path, f"cannot be read ({exc.strerror or exc})")
    if (
        read != before.st_size
        or (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
        or (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev)
    ):
        return Skipped(path, "changed while it was being read; try again when it is saved")
    kind, mime = classify(os.path.basename(path), head)
    codes = None
    if kind in fingerprint:
        from .fingerprint import compute_fingerprint  # Pillow and iscc-core: only when needed

        codes = compute_fingerprint(path, kind, head).codes
    return Hashed(path, digest.hexdigest(), read, before.st_mtime_ns, head, kind, mime, codes)


def hash_files(
    candidates: Iterable[Candidate],
    progress: Progress | None = None,
    workers: int | None = None,
    fingerprint: frozenset[str] = frozenset(),
) -> Iterator[Hashed | Skipped]:
    """Hash ``candidates`` on ``workers`` threads and yield results in input order.

    Each result is preceded by one ``progress.advance(1)``. Stops with `Cancelled` when the
    progress object is cancelled; files already yielded stay yielded.

    Files reach the threads in small groups (`_groups`): handing a task to a thread and its
    result back each wake a sleeping thread, which costs as much as hashing tens of kilobytes,
    so doing it once per group rather than once per file speeds up folders of small files.
    """
    workers = workers or default_workers()
    window = workers * 4  # groups in flight
    pending: collections.deque[Future[list[Hashed | Skipped]]] = collections.deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="colophon-hash") as pool:
        try:
            for group in _groups(candidates):
                if progress is not None:
                    progress.check()
                pending.append(pool.submit(_hash_group, group, progress, fingerprint))
                if len(pending) >= window:
                    yield from _finish(pending.popleft(), progress)
            while pending:
                yield from _finish(pending.popleft(), progress)
        finally:
            for future in pending:
                future.cancel()
            if progress is not None and pending:
                progress.cancel()  # stop files being read so the pool can shut down quickly


def _groups(candidates: Iterable[Candidate]) -> Iterator[list[Candidate]]:
    """Consecutive candidates, at most GROUP_FILES files or about GROUP_BYTES bytes at a time."""
    group: list[Candidate] = []
    size = 0
    for candidate in candidates:
        group.append(candidate)
        size += candidate.size
        if len(group) >= GROUP_FILES or size >= GROUP_BYTES:
            yield group
            group, size = [], 0
    if group:
        yield group


def _hash_group(
    group: list[Candidate], progress: Progress | None, fingerprint: frozenset[str]
) -> list[Hashed | Skipped]:
    results: list[Hashed | Skipped] = []
    for candidate in group:
        if progress is not None:
            progress.check()
        results.append(hash_file(candidate, progress, fingerprint))
    return results


def _finish(
    future: Future[list[Hashed | Skipped]], progress: Progress | None
) -> Iterator[Hashed | Skipped]:
    for result in future.result():
        if progress is not None:
            progress.check()  # a cancel is seen between the files of a group too
            progress.advance(1)
        yield result
