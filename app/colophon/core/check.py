"""Checking that registered works are still where the catalog says, and still the same.

Every known path is read again and its digest compared with the work's. A path that is gone is
"missing"; if folders to look in are given, their files are hashed too and a missing work found
there under another path is reported "moved" with its new location, which the catalog then
records in place of the old one (the file there has the very same content). Nothing on disk is
changed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field

from .catalog import Catalog, KnownPath, Work
from .errors import Cancelled, EnvironmentProblem
from .hashing import Hashed, hash_files
from .progress import Progress
from .walk import Candidate, Skipped, existing, walk

#: ``forgotten``: asked to (``forget_missing``), a location whose file is gone, of a work whose
#: file is still at another of its locations (it was added again from where it was moved to)
STATUSES = ("ok", "modified", "missing", "moved", "forgotten", "unreadable")


@dataclass(frozen=True)
class PathCheck:
    work_id: int
    path: str
    status: str  # one of STATUSES
    new_path: str | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "work_id": self.work_id,
            "path": self.path,
            "status": self.status,
            "new_path": self.new_path,
            "detail": self.detail,
        }


@dataclass
class CheckReport:
    results: list[PathCheck] = field(default_factory=list)
    cancelled: bool = False
    #: why what was found could not be recorded in the catalog (None: it was, or nothing was)
    not_recorded: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def problems(self) -> list[PathCheck]:
        return [r for r in self.results if r.status != "ok"]

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": {s: self.count(s) for s in STATUSES},
            "problems": [r.to_dict() for r in self.problems],
            "cancelled": self.cancelled,
            "not_recorded": self.not_recorded,
        }


def check(
    catalog: Catalog,
    search_in: Iterable[str | os.PathLike[str]] = (),
    progress: Progress | None = None,
    workers: int | None = None,
    *,
    forget_missing: bool = False,
) -> CheckReport:
    """Re-hash every known path; look for missing works under ``search_in`` (each of which
    must exist: `NotFoundError` otherwise, before anything is checked).

    ``forget_missing``: a missing location of a work that is still at another of its known
    locations is forgotten (a drive not mounted now may be again: never without asking)."""
    search_in = existing(search_in)
    progress = progress or Progress()
    report = CheckReport()
    known = list(catalog.iter_known_paths())
    by_path = {k.path: k for k in known}
    present: list[Candidate] = []
    present_files: set[tuple[int, int]] = set()  # device and inode, as stat gives them here
    missing: list[KnownPath] = []
    for k in known:
        try:
            st = os.stat(k.path)
        except FileNotFoundError:
            missing.append(k)
            continue
        except OSError as exc:
            report.results.append(PathCheck(k.work_id, k.path, "unreadable", detail=exc.strerror))
            continue
        present.append(Candidate(k.path, st.st_size, st.st_mtime_ns))
        present_files.add((st.st_dev, st.st_ino))
    progress.start(total=len(present), total_bytes=sum(c.size for c in present), label="Checking")
    restamped: list[tuple[str, int, int]] = []
    try:
        for result in hash_files(present, progress, workers):
            k = by_path[result.path]
            if isinstance(result, Skipped):
                report.results.append(
                    PathCheck(k.work_id, k.path, "unreadable", detail=result.reason)
                )
            elif result.digest == k.digest:
                report.results.append(PathCheck(k.work_id, k.path, "ok"))
                if (result.size, result.mtime_ns) != (k.size, k.mtime_ns):  # touched, same work
                    restamped.append((k.path, result.size, result.mtime_ns))
            else:
                report.results.append(
                    PathCheck(k.work_id, k.path, "modified", detail="content differs")
                )
        found = _find_moved(missing, search_in, present_files, progress, workers)
    except (Cancelled, KeyboardInterrupt):
        report.cancelled = True
        found = {}
    moves: list[tuple[str, str, int, int]] = []
    # Works whose file is where the catalog says, under one of their paths at least.
    located = {r.work_id: r.path for r in report.results if r.status == "ok"}
    gone: list[str] = []
    for k in missing:
        new = found.pop(k.digest, None)  # one found file is the new place of one missing path
        if new:
            report.results.append(PathCheck(k.work_id, k.path, "moved", new_path=new.path))
            moves.append((k.path, new.path, new.size, new.mtime_ns))
        elif forget_missing and k.work_id in located and not report.cancelled:
            still = located[k.work_id]
            report.results.append(
                PathCheck(k.work_id, k.path, "forgotten", detail=f"the work is at {still}")
            )
            gone.append(k.path)
        else:
            report.results.append(PathCheck(k.work_id, k.path, "missing"))
    # A file found the same under a new time (copied, checked out, synced again) is known by
    # that time from now on, so it is not taken for an edited one until it is; a moved one, by
    # its new path. The findings stand even if the catalog cannot take them (busy, disk full).
    try:
        catalog.restamp_paths(restamped)
        catalog.relocate_paths(moves)
        catalog.forget_paths(gone)
    except EnvironmentProblem as exc:
        report.not_recorded = exc.message
    return report


def _find_moved(
    missing: list[KnownPath],
    search_in: Iterable[str | os.PathLike[str]],
    known: set[tuple[int, int]],
    progress: Progress,
    workers: int | None,
) -> dict[str, Hashed]:
    """Map digests of missing works to the file under ``search_in`` where they now are;
    ``known``: the device and inode of every known file that is present."""
    wanted = {k.digest for k in missing}
    folders = list(search_in)
    if not wanted or not folders:
        return {}
    # A file the catalog knows already, reached by another name (a link, a mount), is no new
    # place of a missing one: files are told apart by device and inode, not by path.
    unknown = [c for c in walk(folders, lambda _s: None) if c.identity not in known]
    progress.start(total=len(unknown), total_bytes=sum(c.size for c in unknown), label="Searching")
    found: dict[str, Hashed] = {}
    for result in hash_files(unknown, progress, workers):
        if isinstance(result, Hashed) and result.digest in wanted:
            found.setdefault(result.digest, result)
    return found


def unchanged_paths(catalog: Catalog, work: Work) -> list[str]:
    """The paths of ``work`` whose files have the size and time they had when recorded.

    What is read from them is taken as the work's (a thumbnail, a fingerprint that the claim
    signs), so a file edited since (same path, other content) is left out; size and time tell
    most edits without reading the file.
    """
    paths = []
    for path in work.paths:
        known = catalog.known_path(path)
        try:
            info = os.stat(path)
        except OSError:
            continue
        if (
            known is not None
            and known.work_id == work.id
            and stat.S_ISREG(info.st_mode)
            and (known.size, known.mtime_ns) == (info.st_size, info.st_mtime_ns)
        ):
            paths.append(path)
    return paths


def changed_on_disk(catalog: Catalog, work_ids: Iterable[int]) -> list[int]:
    """The works among ``work_ids`` whose files were all edited since they were registered.

    A work counts when one of its files is still there but none has the size and modification
    time recorded: signing it claims the registered version, not the one on disk. Nothing is
    read but each file's ``stat`` (missing files are `check`'s to report).
    """
    wanted = set(work_ids)
    seen: dict[int, bool] = {}  # work id -> a file as registered was found
    for known in catalog.iter_known_paths(wanted):
        if known.work_id not in wanted or seen.get(known.work_id):
            continue
        try:
            info = os.stat(known.path)
        except OSError:
            continue
        seen[known.work_id] = (info.st_size, info.st_mtime_ns) == (known.size, known.mtime_ns)
    return sorted(work_id for work_id, as_registered in seen.items() if not as_registered)
