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

from .media import classify
from .progress import Progress
from .walk import Candidate, Skipped

CHUNK = 1 << 20
HEAD = 4096
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
        with open(path, "rb", buffering=0) as fh:
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

    Each result is followed by one ``progress.advance(1)``. Stops with `Cancelled` when the
    progress object is cancelled; files already yielded stay yielded.
    """
    workers = workers or default_workers()
    window = workers * 4
    pending: collections.deque[Future[Hashed | Skipped]] = collections.deque()
    source = iter(candidates)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="colophon-hash") as pool:
        try:
            for candidate in source:
                if progress is not None:
                    progress.check()
                pending.append(pool.submit(hash_file, candidate, progress, fingerprint))
                if len(pending) >= window:
                    yield _finish(pending.popleft(), progress)
            while pending:
                yield _finish(pending.popleft(), progress)
        finally:
            for future in pending:
                future.cancel()
            if progress is not None and pending:
                progress.cancel()  # stop files being read so the pool can shut down quickly


def _finish(future: Future[Hashed | Skipped], progress: Progress | None) -> Hashed | Skipped:
    result = future.result()
    if progress is not None:
        progress.advance(1)
    return result
