"""Writing files so that a crash or a full disk never leaves a half-written one behind, and
reading a stranger's file without trusting its size.

Every file the app writes (exports, backups, key files, settings) goes through `atomic_write`:
a temporary file in the same folder, flushed and fsync'ed, then renamed over the target with
``os.replace``. A reader sees the old file or the new one, never a mixture.

Files from others are read with `read_at_most`, which stops one byte past a limit, and files found
by walking a folder are opened with `open_regular`, which never waits on a pipe.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import DiskFullError, EnvironmentProblem, NotFoundError, UsageError


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: int = 0o644) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path`` atomically, on error it vanishes."""
    target = Path(path)
    fd, tmp = _temporary(target)
    folder = Path(tmp).parent
    try:
        os.fchmod(fd, mode)  # permissions before any byte is written
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(folder)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _translate(exc, target) from exc
        raise


def require_folder(path: str | os.PathLike[str]) -> None:
    """Raise unless the folder a file is to be written at ``path`` in exists: `NotFoundError`
    if it does not, `UsageError` if it is a file."""
    folder = Path(path).parent
    if folder.is_dir():
        return
    if folder.exists():
        raise UsageError(f"{folder} is a file, not a folder.")
    raise NotFoundError(f"The folder {folder} does not exist.")


def check_writable(path: str | os.PathLike[str], room: int = 0) -> None:
    """Raise the error `atomic_writer` would give for ``path`` if its folder takes no new file
    (of ``room`` bytes, when given).

    For work that ends in writing a file, long (an export) or not to be undone (a revocation):
    a read-only or full folder is said before, not after. A trial file is made and removed.
    """
    target = Path(path)
    fd, trial = _temporary(target)
    try:
        if room:
            os.write(fd, bytes(room))
            os.fsync(fd)
    except OSError as exc:
        raise _translate(exc, target) from exc
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(trial)


def _temporary(target: Path) -> tuple[int, str]:
    """A new hidden file beside ``target`` (descriptor and path), or the error for ``target``."""
    folder = target.parent if str(target.parent) else Path(".")
    _sweep(folder, target.name)
    try:
        return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _translate(exc, target) from exc


#: a temporary file of an earlier write this old was left by a process that was killed (or lost
#: its power) half-way: no write takes this long
STALE_SECONDS = 24 * 3600


def _sweep(folder: Path, name: str) -> None:
    """Remove the temporary files earlier writes of ``name`` left behind when they were killed;
    they are hidden, and may be as large as what was being written."""
    now = time.time()
    with contextlib.suppress(OSError):
        for left in folder.glob(f".{glob.escape(name)}.{'?' * 8}.tmp"):  # as mkstemp names them
            with contextlib.suppress(OSError):
                info = left.lstat()
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS:
                    left.unlink()


def atomic_write(path: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` atomically with the given permission bits."""
    with atomic_writer(path, mode) as fh:
        fh.write(data)


_PIECE = 1024 * 1024


def unused_path(path: str | os.PathLike[str]) -> Path:
    """``path`` if nothing is there yet, else the first free ``name-2.ext``, ``name-3.ext``…

    For names offered to a person (a second export or backup the same day): a name of its own,
    never one that would replace a file.
    """
    path = Path(path)
    suffix = "".join(path.suffixes[-1:])
    stem = path.name[: len(path.name) - len(suffix)]
    candidate, number = path, 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{stem}-{number}{suffix}")
    return candidate


class NotARegularFile(OSError):
    """What `open_regular` found is a pipe, a device, a socket or a folder."""


def open_regular(path: str | os.PathLike[str], buffering: int = -1) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; `NotARegularFile` if not.

    Opened without blocking and checked on the open file: a file swapped for a named pipe after
    a folder was listed would otherwise make ``open`` wait forever for a writer, beyond the reach
    of Cancel. Reads of a regular file are not affected by the flag.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", os.fspath(path))
        return os.fdopen(fd, "rb", buffering=buffering)
    except BaseException:
        os.close(fd)
        raise


def read_at_most(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """The content of the file at ``path``, or None if it holds more than ``limit`` bytes.

    Memory is taken for what the file holds, not for the limit, and never more than ``limit`` +
    1 bytes are read: a pipe (``/dev/stdin``), a device that never ends (``/dev/zero``) or a
    file that grows while it is read is cut off there. `OSError` is the caller's to translate.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size  # 0 for pipes and devices
        if size > limit:
            return None
        pieces: list[bytes] = []
        total = 0
        want = size + 1 if size else _PIECE  # a regular file comes in one piece
        while piece := fh.read(min(want, limit + 1 - total)):
            pieces.append(piece)
            total += len(piece)
            if total > limit:
                return None
            want = _PIECE
    return b"".join(pieces)  # one piece is returned as it is, not copied


def _fsync_dir(folder: Path) -> None:
    # Make the rename itself durable; not every platform lets a folder be opened.
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _translate(exc: OSError, target: Path) -> EnvironmentProblem:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"Not enough disk space to write {target}; nothing was changed.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return EnvironmentProblem(f"No permission to write {target}; nothing was changed.")
    return EnvironmentProblem(f"Could not write {target}: {exc.strerror or exc}.")
