"""Finding the files under the paths a person chose: their own works, or a dataset to check.

Folders are walked recursively in name order without loading the whole tree first, and a link
loop is visited once. For registering one's works, hidden files and the clutter operating
systems leave behind are passed over, and a symbolic link is followed only when it points inside
the folder being walked, so choosing a folder never reaches outside it. A dataset to check is
walked whole (``everything``): a hidden file is a file like any other there, and datasets are
often trees of links into a store beside them (a Hugging Face snapshot, git-annex, DVC).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import NotFoundError, UsageError

CLUTTER = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})


@dataclass(frozen=True)
class Candidate:
    """A regular file found on disk, with what ``stat`` said when it was found."""

    path: str
    size: int
    mtime_ns: int
    #: its device and inode (links followed), which tell one file under two names apart
    identity: tuple[int, int] | None = None


@dataclass(frozen=True)
class Skipped:
    """A file or folder that was passed over, and why, in words a person understands."""

    path: str
    reason: str


def is_clutter(name: str) -> bool:
    return name.startswith(".") or name.lower() in CLUTTER


def existing(paths: Iterable[str | os.PathLike[str]]) -> list[str | os.PathLike[str]]:
    """``paths`` as a list, once each is known to exist; `NotFoundError` naming the first that not.

    For checks of what others made (a dataset, a folder to compare a claim with): a mistyped
    path must not read as an empty folder, where nothing was found because nothing was looked at.
    """
    given = list(paths)
    for path in given:
        _check_named(path)
        if not os.path.lexists(path):
            raise NotFoundError(f"There is no file or folder {os.fspath(path)}.")
    return given


def _check_named(path: str | os.PathLike[str]) -> None:
    """Refuse an empty path, which the system reads as the current folder: a script's unset
    variable (``colophon add "$DIR"``) must not register, or search, whatever is there."""
    if not os.fspath(path):
        raise UsageError("An empty path was given: name a file or folder.")


def walk(
    paths: Iterable[str | os.PathLike[str]],
    on_skip: Callable[[Skipped], None],
    exclude: Iterable[str | os.PathLike[str]] = (),
    *,
    everything: bool = False,
) -> Iterator[Candidate]:
    """Yield every regular file under ``paths``; report what is passed over to ``on_skip``.

    A file named directly is taken even if its name is hidden: the person chose it. Folders in
    ``exclude`` (Colophon's own data folder, say) are never entered. With ``everything``, hidden
    files and clutter are taken too, and links are followed wherever they point.
    """
    excluded = {file_identity(e) for e in exclude} - {None}
    for given in paths:
        _check_named(given)
        path = os.path.abspath(os.fspath(given))
        try:
            st = os.stat(path)
        except FileNotFoundError:
            on_skip(Skipped(path, "no such file or folder"))
            continue
        except OSError as exc:
            on_skip(Skipped(path, f"cannot be read ({exc.strerror})"))
            continue
        if stat.S_ISDIR(st.st_mode):
            root = os.path.realpath(path)
            visited = {(st.st_dev, st.st_ino), *excluded}
            yield from _walk_folder(path, root, visited, on_skip, everything)
        elif stat.S_ISREG(st.st_mode):
            yield Candidate(path, st.st_size, st.st_mtime_ns, (st.st_dev, st.st_ino))
        else:
            on_skip(Skipped(path, "not a regular file"))


def _walk_folder(
    folder: str,
    root: str,
    visited: set[tuple[int, int]],
    on_skip: Callable[[Skipped], None],
    everything: bool,
) -> Iterator[Candidate]:
    """Depth first, each folder in name order; without recursion, so that no depth of folders
    (a link may lead into a tree thousands of levels deep) runs out of stack."""
    stack = [_entries(folder, on_skip)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if not everything and is_clutter(entry.name):
            continue
        try:
            if not everything and entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not _inside(target, root):
                    on_skip(Skipped(entry.path, "link points outside the chosen folder"))
                    continue
            st = os.stat(entry.path)  # follows a link that stays inside the folder
        except OSError as exc:
            on_skip(Skipped(entry.path, f"cannot be read ({exc.strerror})"))
            continue
        if stat.S_ISDIR(st.st_mode):
            # A folder is known by its device and inode, which `stat` gave already: resolving
            # its path instead would cost a look-up per level, for every folder.
            if (st.st_dev, st.st_ino) in visited:
                continue  # a link back into a folder already walked
            visited.add((st.st_dev, st.st_ino))
            stack.append(_entries(entry.path, on_skip))
        elif stat.S_ISREG(st.st_mode):
            yield Candidate(entry.path, st.st_size, st.st_mtime_ns, (st.st_dev, st.st_ino))
        else:
            on_skip(Skipped(entry.path, "not a regular file"))


def _entries(folder: str, on_skip: Callable[[Skipped], None]) -> Iterator[os.DirEntry[str]]:
    """The entries of ``folder`` in name order (none if it cannot be read, which is said)."""
    try:
        with os.scandir(folder) as it:
            return iter(sorted(it, key=lambda e: e.name))
    except OSError as exc:
        on_skip(Skipped(folder, f"folder cannot be read ({exc.strerror})"))
        return iter(())


def file_identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """The device and inode of the file or folder at ``path`` (links followed), or None."""
    try:
        st = os.stat(path)
    except OSError:
        return None  # nothing there to keep out
    return (st.st_dev, st.st_ino)


def _inside(target: str, root: str) -> bool:
    return Path(target).is_relative_to(root)
