"""The claim: an in-toto Statement whose predicate says "these works are mine, on these terms".

`build_statement` makes one from catalog works and the creator's profile; `parse_statement` reads
one from a stranger, enforcing resources/spec/claim-bundle.md §3–§7: the JSON Schema of the
predicate plus the rules a schema cannot express (subjects and works aligned, shares adding up,
members sorted and named safely, key names recomputed, equivalents recomputed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .catalog import Work
from .claimant import PublicKeyInfo, claimant
from .errors import ColophonError, MalformedError
from .keyevents import parse_time, rfc3339
from .profile import Profile
from .schema import validate_predicate
from .terms import effective, mappings

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://colophon.example/claim/v1"
MAX_WORKS = 100_000
MAX_STATEMENT_BYTES = 192 * 1024 * 1024

RIGHTS_RESERVATION = (
    "The rightsholder expressly reserves the use of these works for text and data mining, "
    "including the training of AI models, within the meaning of Article 4(3) of Directive (EU) "
    "2019/790, except as the terms of this claim allow."
)

#: extensions this verifier implements (a claim naming another one as critical is refused)
KNOWN_EXTENSIONS: frozenset[str] = frozenset()


class UnsupportedVersion(ColophonError):
    """A statement of another kind or a later version than this Colophon reads."""


@dataclass(frozen=True)
class Member:
    name: str
    sha256: str


@dataclass(frozen=True)
class Claim:
    """A well-formed claim. Its signature is checked elsewhere (`verify`)."""

    statement: dict[str, Any]
    key: PublicKeyInfo
    issued_at: datetime

    @property
    def predicate(self) -> dict[str, Any]:
        return self.statement["predicate"]

    @property
    def claimant(self) -> dict[str, Any]:
        return self.predicate["claimant"]

    @property
    def subjects(self) -> list[dict[str, Any]]:
        return self.statement["subject"]

    @property
    def works(self) -> list[dict[str, Any]]:
        return self.predicate["works"]

    @property
    def members(self) -> list[Member]:
        return [Member(m["name"], m["digest"]["sha256"]) for m in self.predicate["members"]]

    def effective_terms(self, index: int) -> dict[str, Any]:
        return effective(self.predicate["terms"], self.works[index].get("terms"))


# -- making --------------------------------------------------------------------------------------
def work_entry(work: Work) -> dict[str, Any]:
    """The predicate's entry for one work (without equivalents for its overrides: see below)."""
    entry: dict[str, Any] = {
        "digest": {"sha256": work.digest},
        "title": work.title[:500],
        "kind": work.kind,
    }
    if work.mime:
        entry["mime"] = work.mime
    if work.description:
        entry["description"] = work.description[:4000]
    if work.created:
        entry["created"] = work.created
    if work.contributors:
        entry["contributors"] = [
            {
                "name": c.name,
                **({"role": c.role} if c.role else {}),
                **({"share": c.share} if c.share is not None else {}),
            }
            for c in work.contributors
        ]
    return entry


def subject_name(work: Work) -> str:
    name = os.path.basename(work.paths[0]) if work.paths else work.title
    return "".join(ch for ch in name if ch.isprintable())[:1024] or work.digest


def build_statement(
    works: Sequence[Work],
    profile: Profile,
    key: PublicKeyInfo,
    members: Iterable[Member],
    issued_at: datetime,
    *,
    license: str | None = None,
    annotations: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The Statement for ``works`` claimed by the holder of ``key`` on ``profile``'s terms.

    ``annotations`` maps a work's digest to its content fingerprints (e.g. ``{"iscc": ...}``).
    """
    defaults = profile.terms.to_dict()
    subjects: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for work in works:
        subject: dict[str, Any] = {"name": subject_name(work), "digest": {"sha256": work.digest}}
        if annotations and work.digest in annotations:
            subject["annotations"] = annotations[work.digest]
        subjects.append(subject)
        entry = work_entry(work)
        if work.terms:
            entry["terms"] = work.terms
            entry["equivalents"] = mappings(effective(defaults, work.terms)).to_dict()
        entries.append(entry)
    predicate: dict[str, Any] = {
        "claimant": claimant(profile, key),
        "issuedAt": rfc3339(issued_at),
        "terms": defaults,
        "equivalents": mappings(defaults).to_dict(),
        "compensation": profile.compensation.to_dict(),
        "rightsReservation": RIGHTS_RESERVATION,
        "works": entries,
        "members": [
            {"name": m.name, "digest": {"sha256": m.sha256}}
            for m in sorted(members, key=lambda m: m.name)
        ],
    }
    if license:
        predicate["license"] = license
    return {
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


# -- reading -------------------------------------------------------------------------------------
def parse_statement(statement: Any) -> Claim:
    """Check a decoded Statement against the spec; `MalformedError` or `UnsupportedVersion`."""
    if not isinstance(statement, dict):
        raise MalformedError("statement", "must be a JSON object.")
    if statement.get("_type") != STATEMENT_TYPE:
        raise UnsupportedVersion(
            f"This is not an in-toto Statement v1 ({statement.get('_type')!r})."
        )
    if statement.get("predicateType") != PREDICATE_TYPE:
        raise UnsupportedVersion(
            f"This claim is of a kind or version this Colophon does not read "
            f"({str(statement.get('predicateType'))[:200]!r})."
        )
    if set(statement) != {"_type", "subject", "predicateType", "predicate"}:
        raise MalformedError(
            "statement", "must have exactly _type, subject, predicateType, predicate."
        )
    predicate = statement["predicate"]
    if isinstance(predicate, dict):
        unknown = [n for n in predicate.get("critical", []) or [] if n not in KNOWN_EXTENSIONS]
        if unknown and all(isinstance(n, str) for n in unknown):
            raise UnsupportedVersion(
                f"The claim needs the extension {unknown[0][:128]!r}, which this Colophon lacks."
            )
    validate_predicate(predicate)
    subjects = _check_subjects(statement["subject"])
    _check_works(predicate, subjects)
    _check_members(predicate, {s["digest"]["sha256"] for s in subjects})
    for name in predicate.get("critical", []):
        if name not in predicate.get("extensions", {}):
            raise MalformedError(
                "predicate.critical", f"names {name!r}, which is not in extensions."
            )
    key = PublicKeyInfo.from_dict(predicate["claimant"]["publicKey"], "claimant.publicKey")
    return Claim(statement, key, parse_time(predicate["issuedAt"], "predicate.issuedAt"))


def _check_subjects(subjects: Any) -> list[dict[str, Any]]:
    if not isinstance(subjects, list) or not 1 <= len(subjects) <= MAX_WORKS:
        raise MalformedError("subject", f"must list between 1 and {MAX_WORKS:,} works.")
    seen: set[str] = set()
    for i, s in enumerate(subjects):
        part = f"subject[{i}]"
        if not isinstance(s, dict) or not {"name", "digest"} <= set(s) <= {
            "name",
            "digest",
            "annotations",
        }:
            raise MalformedError(part, "must have name, digest and optionally annotations.")
        name, digest = s["name"], s["digest"]
        if not isinstance(name, str) or not 1 <= len(name) <= 1024 or not name.isprintable():
            raise MalformedError(f"{part}.name", "must be 1–1024 printable characters.")
        if (
            not isinstance(digest, dict)
            or set(digest) != {"sha256"}
            or not _is_sha256(digest["sha256"])
        ):
            raise MalformedError(f"{part}.digest", "must be exactly {sha256: 64 lowercase hex}.")
        if digest["sha256"] in seen:
            raise MalformedError(f"{part}.digest", "repeats another subject's digest.")
        seen.add(digest["sha256"])
        notes = s.get("annotations", {})
        if (
            not isinstance(notes, dict)
            or len(notes) > 8
            or not all(
                isinstance(k, str) and isinstance(v, str) and len(v) <= 256
                for k, v in notes.items()
            )
        ):
            raise MalformedError(f"{part}.annotations", "must map at most 8 names to short texts.")
    return subjects


def _check_works(predicate: dict[str, Any], subjects: list[dict[str, Any]]) -> None:
    works = predicate["works"]
    if len(works) != len(subjects):
        raise MalformedError("predicate.works", "must have one entry per subject.")
    defaults = predicate["terms"]
    if predicate["equivalents"] != mappings(defaults).to_dict():
        raise MalformedError("predicate.equivalents", "do not match the terms.")
    for i, (work, subject) in enumerate(zip(works, subjects, strict=True)):
        if work["digest"] != subject["digest"]:
            raise MalformedError(f"predicate.works[{i}].digest", "differs from subject[{i}].")
        contributors = work.get("contributors", [])
        shares = [c["share"] for c in contributors if "share" in c]
        if shares and (len(shares) != len(contributors) or abs(sum(shares) - 100) > 0.01):
            raise MalformedError(
                f"predicate.works[{i}].contributors", "shares must all be given and add up to 100."
            )
        if "terms" in work:
            expected = mappings(effective(defaults, work["terms"])).to_dict()
            if work.get("equivalents") != expected:
                raise MalformedError(f"predicate.works[{i}].equivalents", "do not match the terms.")
        elif "equivalents" in work:
            raise MalformedError(f"predicate.works[{i}].equivalents", "given without terms.")


def _check_members(predicate: dict[str, Any], digests: set[str]) -> None:
    names = [m["name"] for m in predicate["members"]]
    if names != sorted(names) or len(set(names)) != len(names):
        raise MalformedError("predicate.members", "must be sorted by name, each name once.")
    for name in names:
        if name.startswith("thumbnails/"):
            stem = name.removeprefix("thumbnails/").removesuffix(".png")
            if not name.endswith(".png") or stem not in digests:
                raise MalformedError("predicate.members", f"{name} is not a thumbnail of a work.")
        elif name != "summary.html":
            raise MalformedError("predicate.members", f"{name} is not a member of a v1 bundle.")


def _is_sha256(value: Any) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )
