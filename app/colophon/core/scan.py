"""Scanning a dataset for claimed works: the AI company's side of Colophon.

1. `load_claims` verifies every bundle given; only intact claims by untroubled keys are used
   (outcome valid or unknown_signer — the report says which), the rest are listed as rejected.
2. `scan` walks the dataset lazily (never listing it in memory), hashes each file on every core,
   fingerprints pictures and texts, and reports each file that is a claimed work: exactly (same
   SHA-256) or nearly (content fingerprint within a Hamming threshold).

The matching itself is `match_index.match_one`, a plain function of one file's record, so that
the same index can be exported (`ClaimSet.export`) and applied per file in Spark, Ray or Dask.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import strictjson
from .catalog import Catalog
from .claim import Claim
from .errors import Cancelled, MalformedError, NotFoundError
from .fingerprint import codes_from_annotations
from .fsutil import atomic_writer
from .hashing import Hashed, hash_files
from .match_index import DEFAULT_THRESHOLD, ClaimIndex, match_one
from .progress import Progress
from .verify import Outcome, VerifyResult, verify
from .walk import Candidate, Skipped, existing, walk

USABLE = (Outcome.VALID, Outcome.UNKNOWN_SIGNER)
BUNDLE_SUFFIXES = (".colophon", ".intoto.json")
SCAN_FINGERPRINTED = frozenset({"image", "text"})


@dataclass(frozen=True)
class ClaimedWork:
    """What a matched file is claimed as, and on what terms."""

    key: str  # the claim's statement digest (its first 16 hex digits) and the work's place in it
    bundle: str
    trusted: bool
    claimant: str
    claimant_fingerprint: str
    #: the contact the signer's key is pinned as (or reached from by rotations), if any
    contact: str | None
    issued_at: str  # when the claim was signed: of two claims to one work, the later is current
    statement_sha256: str  # the signed statement's digest: the same in every copy of the claim
    digest: str
    title: str
    terms: dict[str, Any]
    compensation: dict[str, Any]
    payment_channels: list[dict[str, str]]
    license: str | None = None  # the claim's license, for uses other than AI, if it states one

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ClaimSet:
    index: ClaimIndex = field(default_factory=ClaimIndex)
    works: dict[str, ClaimedWork] = field(default_factory=dict)
    accepted: list[VerifyResult] = field(default_factory=list)
    rejected: list[VerifyResult] = field(default_factory=list)
    #: bundles holding the very claim of an accepted one (a copy), each with that one's path
    repeated: list[tuple[Path, Path]] = field(default_factory=list)

    def export(self, folder: str | os.PathLike[str]) -> None:
        """Write ``index.jsonl`` (key, sha256, fingerprints) and ``works.jsonl`` (key, terms…).

        Both are JSON Lines, which Spark (``spark.read.json``), Ray and Dask read as they are;
        join matches to ``works.jsonl`` on ``key``.
        """
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        # The two files go together (a join of one run's index with another's works would
        # lose terms): the works are written out first, the index replaced next, the works
        # last, so a full disk or a failure on the way leaves both as they were.
        with atomic_writer(out / "works.jsonl") as fh:
            for work in self.works.values():
                fh.write(json.dumps(work.to_dict(), ensure_ascii=False).encode() + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
            self.index.export_jsonl(out / "index.jsonl")


def bundle_paths(sources: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Bundles named directly, and those found (by suffix) in folders."""
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for candidate in walk([path], lambda _s: None):
                if candidate.path.endswith(BUNDLE_SUFFIXES):
                    yield Path(candidate.path)
        elif path.exists():
            yield path
        else:
            raise NotFoundError(f"There is no file or folder {path}.")


def load_claims(
    sources: Iterable[str | os.PathLike[str]],
    catalog: Catalog | None = None,
    progress: Progress | None = None,
) -> ClaimSet:
    """Verify each bundle and index the works of the usable ones.

    A claim given twice (the same bundle copied into two folders, or the same statement in a
    bundle and as a bare envelope) is indexed once, so each file it covers matches it once.
    """
    progress = progress or Progress()
    claims = ClaimSet()
    given: dict[Path, Path] = {}  # a file named twice is read once
    for path in bundle_paths(sources):
        given.setdefault(path.resolve(), path)
    paths = list(given.values())
    progress.start(total=len(paths), label="Verifying claims")
    seen: dict[str, Path] = {}
    for path in paths:
        progress.check()
        result = verify(path, catalog)
        if result.outcome not in USABLE or result.claim is None:
            claims.rejected.append(result)
        elif (first := seen.setdefault(digest := _statement_digest(result.claim), path)) != path:
            claims.repeated.append((path, first))
        else:
            claims.accepted.append(result)
            _index_claim(claims, digest, result)
        progress.advance()
    claims.index.freeze()
    return claims


def _statement_digest(claim: Claim) -> str:
    return hashlib.sha256(strictjson.dumps(claim.statement)).hexdigest()


def _index_claim(claims: ClaimSet, statement_sha256: str, result: VerifyResult) -> None:
    """Index the works of one claim under keys that stay the same from run to run and machine
    to machine (the statement's digest and the work's place), so results can be joined."""
    claim = result.claim
    assert claim is not None
    person = claim.claimant
    contact = result.signer.contact if result.signer is not None else None
    for i, (subject, work) in enumerate(zip(claim.subjects, claim.works, strict=True)):
        key = f"{statement_sha256[:16]}:{i}"
        try:
            codes = codes_from_annotations(subject.get("annotations", {}))
        except MalformedError:
            codes = ()  # a bad fingerprint only loses near matching for this work
        claims.index.add(key, subject["digest"]["sha256"], codes or None)
        claims.works[key] = ClaimedWork(
            key=key,
            bundle=str(result.path),
            trusted=result.outcome is Outcome.VALID,
            claimant=person["displayName"],
            claimant_fingerprint=claim.key.fingerprint,
            contact=contact,
            issued_at=claim.predicate["issuedAt"],
            statement_sha256=statement_sha256,
            digest=subject["digest"]["sha256"],
            title=work["title"],
            terms=claim.effective_terms(i),
            compensation=claim.predicate["compensation"],
            payment_channels=person.get("paymentChannels", []),
            license=claim.predicate.get("license"),
        )


@dataclass(frozen=True)
class ScanMatch:
    path: str
    sha256: str
    match: str  # "exact" or "fingerprint"
    distance: int
    work: ClaimedWork

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "match": self.match,
            "distance": self.distance,
            **{f"claim_{k}": v for k, v in self.work.to_dict().items() if k != "key"},
        }


@dataclass(frozen=True)
class Claimant:
    """A signer of matched claims: one key (its name as the first claim found gives it)."""

    fingerprint: str
    name: str = field(compare=False, hash=False)
    trusted: bool = field(compare=False, hash=False)
    contact: str | None = field(compare=False, hash=False)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.fingerprint})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "fingerprint": self.fingerprint,
            "trusted": self.trusted,
            "contact": self.contact,
        }


MAX_SKIPPED_LISTED = 1000  # files passed over that a summary names; all are counted


@dataclass
class ScanSummary:
    """Counts of files: a file that copies several claimed works counts once in each count."""

    files_scanned: int = 0
    files_skipped: int = 0
    matched_exact: int = 0  # files that are exact copies of a claimed work
    matched_fingerprint: int = 0  # files that are near copies only
    matches: int = 0  # (file, claimed work) pairs: the rows of a report
    #: files claimed by each signer, by key: two keys that use one name are two claimants, and
    #: a key that changed its name is one
    by_claimant: Counter[Claimant] = field(default_factory=Counter)
    cancelled: bool = False
    #: the first `MAX_SKIPPED_LISTED` files passed over, with the reason
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, item: Skipped) -> None:
        self.files_skipped += 1
        if len(self.skipped) < MAX_SKIPPED_LISTED:
            self.skipped.append(item)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_scanned": self.files_scanned,
            "files_skipped": self.files_skipped,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "matched_exact": self.matched_exact,
            "matched_fingerprint": self.matched_fingerprint,
            "matches": self.matches,
            "by_claimant": {c.label: n for c, n in self.by_claimant.most_common()},
            "claimants": [{**c.to_dict(), "files": n} for c, n in self.by_claimant.most_common()],
            "cancelled": self.cancelled,
        }


def scan(
    dataset: Iterable[str | os.PathLike[str]],
    claims: ClaimSet,
    on_match: Callable[[ScanMatch], None],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    workers: int | None = None,
    outputs: Iterable[str | os.PathLike[str]] = (),
) -> ScanSummary:
    """Match every file under ``dataset`` against ``claims``; call ``on_match`` for each match.

    A dataset path that does not exist is a `NotFoundError`, before anything is read. A path
    given twice, or inside another one given, is read once. ``outputs`` are what the scan
    itself writes (a report, an index folder), perhaps inside the dataset: they are not read,
    nor the temporary file a report is written to.
    """
    dataset = _outermost(existing(dataset))
    progress = progress or Progress()
    summary = ScanSummary()
    progress.start(label="Scanning")  # the total is not known: the dataset is never listed
    ours = _Outputs(outputs)
    files = filter(ours.excludes, walk(dataset, summary.skip, ours.folders, everything=True))
    try:
        for result in hash_files(files, progress, workers, fingerprint=SCAN_FINGERPRINTED):
            if isinstance(result, Skipped):
                summary.skip(result)
                continue
            summary.files_scanned += 1
            found = _matches(result, claims, threshold)
            if not found:
                continue
            if any(m.match == "exact" for m in found):
                summary.matched_exact += 1
            else:
                summary.matched_fingerprint += 1
            summary.by_claimant.update({_claimant(m.work) for m in found})
            summary.matches += len(found)
            for match in found:
                on_match(match)
    except (Cancelled, KeyboardInterrupt):
        summary.cancelled = True
    return summary


class _Outputs:
    """What a scan writes (a report, an index folder), told apart from the dataset's own files
    by where it really is: a dataset named through a link still holds the report written into
    its real folder."""

    def __init__(self, outputs: Iterable[str | os.PathLike[str]]) -> None:
        paths = [os.path.abspath(p) for p in outputs]
        self.folders = [p for p in paths if os.path.isdir(p)]  # walked around, by identity
        self._files = {(os.path.realpath(os.path.dirname(p)), os.path.basename(p)) for p in paths}
        self._names = {name for _, name in self._files}

    def excludes(self, candidate: Candidate) -> bool:
        """Whether ``candidate`` is none of the outputs, nor the ".NAME.<random>.tmp" file a
        report is first written to beside it (`atomic_writer`)."""
        folder, name = os.path.split(candidate.path)
        if name.startswith(".") and name.endswith(".tmp"):
            name = name[1:-4].rpartition(".")[0] or name
        if name not in self._names:  # most files: no path is resolved
            return True
        return (os.path.realpath(folder), name) not in self._files


def _outermost(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """``paths`` without those inside another one of them (the dataset is never listed, so a
    file reached twice would be counted twice)."""
    real = {os.path.realpath(p): os.fspath(p) for p in paths}  # compared resolved, kept as given
    kept: list[str] = []
    for root in sorted(real, key=len):
        if not any(Path(root).is_relative_to(k) for k in kept):
            kept.append(root)
    return [real[root] for root in kept]


def _claimant(work: ClaimedWork) -> Claimant:
    return Claimant(work.claimant_fingerprint, work.claimant, work.trusted, work.contact)


def _matches(file: Hashed, claims: ClaimSet, threshold: int) -> list[ScanMatch]:
    record = {"sha256": file.digest, "fingerprints": list(file.fingerprints or ())}
    return [
        ScanMatch(
            file.path,
            file.digest,
            m["match"],
            m["distance"],
            claims.works[m["key"]],
        )
        for m in match_one(record, claims.index, threshold)
    ]
