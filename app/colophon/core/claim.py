"""The claim: an in-toto Statement whose predicate says "these works are mine, on these terms".

`build_statement` makes one from catalog works and the creator's profile; `parse_statement` reads
one from a stranger, enforcing resources/spec/claim-bundle.md §3–§7: the JSON Schema of the
predicate plus the rules a schema cannot express (subjects and works aligned, shares adding up,
members sorted and named safely, key names recomputed, equivalents recomputed).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import repeat
from operator import itemgetter
from typing import Any

from . import strictjson
from .catalog import Work
from .claimant import PublicKeyInfo, claimant
from .errors import ColophonError, MalformedError, UsageError
from .keyevents import parse_time, rfc3339
from .profile import AI_USES, Profile, ProfileError, UseTerm
from .schema import valid_but_for_work_digests, validate_statement
from .terms import effective, mappings

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://colophon.example/claim/v1"
MAX_WORKS = 100_000
MAX_STATEMENT_BYTES = 192 * 1024 * 1024
MAX_DEPTH = strictjson.DEFAULT_MAX_DEPTH  # the deepest nesting of a claim (spec section 11)
THUMBNAILS = "thumbnails/"  # where a bundle's thumbnails are, by their work's digest

RIGHTS_RESERVATION = (
    "The rightsholder expressly reserves the use of these works for text and data mining, "
    "including the training of AI models, within the meaning of Article 4(3) of Directive (EU) "
    "2019/790, except as the terms of this claim allow."
)

#: what no one-line text of a claim may hold (the schema's "line"): control characters, line
#: and paragraph separators, and the marks that reorder text (which could show a name backwards)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
#: what a description may not hold: the same but tabs and line breaks
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
_CREATED = re.compile(
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?"
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
        """The terms that apply to work ``index``: the claim's, with the work's own applied.

        Works without terms of their own (most of 100,000) share one dict: read it, never change
        it.
        """
        overrides = self.works[index].get("terms")
        return effective(self.predicate["terms"], overrides) if overrides else self._shared_terms

    @functools.cached_property
    def _shared_terms(self) -> dict[str, Any]:
        return effective(self.predicate["terms"], None)


# -- making --------------------------------------------------------------------------------------
def work_entry(work: Work) -> dict[str, Any]:
    """The predicate's entry for one work (without equivalents for its overrides: see below).

    Catalog text is made to fit the format rather than refused: control characters (a line
    break pasted into a title, an escape in a description) become spaces, over-long texts are
    cut, a media type is written in lower case, and a creation time without a UTC offset keeps
    only its date.
    """
    entry: dict[str, Any] = {
        "digest": {"sha256": work.digest},
        "title": _line(work.title, 500) or subject_name(work)[:500],
        "kind": work.kind,
    }
    mime = _media_type(work.mime)
    if mime:
        entry["mime"] = mime
    if work.description:
        entry["description"] = _CONTROL_IN_TEXT.sub(" ", work.description)[:4000]
    created = _creation_date(work.created)
    if created:
        entry["created"] = created
    if work.contributors:
        entry["contributors"] = [
            {
                "name": _line(c.name, 200) or "?",
                **({"role": role} if (role := _line(c.role or "", 64)) else {}),
                **({"share": c.share} if c.share is not None else {}),
            }
            for c in work.contributors
        ]
    return entry


def subject_name(work: Work) -> str:
    name = os.path.basename(work.paths[0]) if work.paths else work.title
    return _line(name, 1024) or work.digest


def work_terms(work: Work) -> dict[str, Any]:
    """The work's own terms (overrides of the bundle's), checked; `UsageError` if invalid."""
    overrides = work.terms
    if not overrides:
        return {}
    try:
        if not isinstance(overrides, dict):
            raise ProfileError("terms", "must be an object.")
        for use, term in overrides.items():
            if use not in AI_USES:
                raise ProfileError(f"terms.{use}", "is not one of the four CAWG uses.")
            UseTerm.from_dict(term, f"terms.{use}")
    except ProfileError as exc:
        raise UsageError(
            f"The terms of the work {work.title[:80]!r} (id {work.id}) are not valid: {exc.message}"
        ) from exc
    return {use: dict(overrides[use]) for use in AI_USES if use in overrides}


def _line(text: str, limit: int) -> str:
    """``text`` as one line: control characters replaced by spaces, trimmed, at most ``limit``."""
    if not text.isprintable():  # a quick test in C that most texts pass; a few spaces fail it
        text = _CONTROL.sub(" ", text)
    return text.strip()[:limit].strip()


# Both are called once per work, on values that repeat across a catalog: remembered.
@functools.lru_cache(maxsize=256)
def _media_type(mime: str | None) -> str | None:
    """The media type in the lower case the format asks for, or None if it is not one."""
    lowered = (mime or "").lower()
    return lowered if _MIME.fullmatch(lowered) else None


@functools.lru_cache(maxsize=65536)
def _creation_date(value: str | None) -> str | None:
    """A creation date the format accepts: ``YYYY-MM-DD`` or a date-time with an offset."""
    if not value:
        return None
    if _CREATED.fullmatch(value):
        return value
    # A date-time without an offset (typed by hand) names no instant: keep its date.
    return value[:10] if _CREATED.fullmatch(value[:10]) else None


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
    statement = statement_frame(profile, key, members, issued_at, license=license)
    defaults = statement["predicate"]["terms"]
    for work in works:
        subject, entry = work_parts(work, defaults, (annotations or {}).get(work.digest))
        statement["subject"].append(subject)
        statement["predicate"]["works"].append(entry)
    return statement


def statement_frame(
    profile: Profile,
    key: PublicKeyInfo,
    members: Iterable[Member],
    issued_at: datetime,
    *,
    license: str | None = None,
) -> dict[str, Any]:
    """A Statement with everything but its works: ``subject`` and ``predicate.works`` are empty."""
    defaults = profile.terms.to_dict()
    predicate: dict[str, Any] = {
        "claimant": claimant(profile, key),
        "issuedAt": rfc3339(issued_at),
        "terms": defaults,
        "equivalents": mappings(defaults).to_dict(),
        "compensation": profile.compensation.to_dict(),
        "rightsReservation": RIGHTS_RESERVATION,
        "works": [],
        "members": [
            {"name": m.name, "digest": {"sha256": m.sha256}}
            for m in sorted(members, key=lambda m: m.name)
        ],
    }
    if license:
        predicate["license"] = license
    return {
        "_type": STATEMENT_TYPE,
        "subject": [],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


def work_parts(
    work: Work, defaults: dict[str, Any], annotations: dict[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One work's subject and its entry in ``predicate.works``, on the claim's ``defaults``.

    Only the entry of a work with terms of its own depends on ``defaults`` (its equivalents).
    """
    subject: dict[str, Any] = {"name": subject_name(work), "digest": {"sha256": work.digest}}
    if annotations:
        subject["annotations"] = annotations
    entry = work_entry(work)
    overrides = work_terms(work)
    if overrides:
        entry["terms"] = overrides
        entry["equivalents"] = mappings(effective(defaults, overrides)).to_dict()
    return subject, entry


def check_parts(
    frame: dict[str, Any],
    made: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    digests: Sequence[str],
    kept: Callable[[], tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    """Refuse what `parse_statement` would refuse in the claim ``frame`` with its works in it.

    Only the works' parts in ``made`` (subject, entry) are new; the others passed this check
    when they were made (`claim_parts`). So the frame is checked holding the new parts, or one
    of the ``kept`` ones when none is new, and its members against the ``digests`` of all the
    works. Raises `MalformedError` or `UnsupportedVersion`.
    """
    works = list(made) or [kept()]
    present = {subject["digest"]["sha256"] for subject, _ in works}
    predicate = frame["predicate"]
    members = [
        m
        for m in predicate["members"]
        if not m["name"].startswith(THUMBNAILS) or thumbnail_of(m["name"]) in present
    ]
    sample = {
        **frame,
        "subject": [subject for subject, _ in works],
        "predicate": {**predicate, "works": [entry for _, entry in works], "members": members},
    }
    parse_statement(sample)
    unique = set(digests)
    if len(unique) != len(digests):
        raise MalformedError("subject", "repeats a work's digest.")
    _check_members(predicate, unique)


def check_work_parts(made: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Refuse works' parts (subject, entry) made on no claim's terms, as `check_parts` would in
    any claim: they are checked in a claim of a stand-in claimant (`_STAND_IN`) of their own."""
    if not made:
        return
    summary = Member("summary.html", "0" * 64)
    issued = datetime(2000, 1, 1, tzinfo=UTC)
    frame = statement_frame(Profile("Stand-in"), _stand_in_key(), [summary], issued)
    digests = [subject["digest"]["sha256"] for subject, _ in made]
    check_parts(frame, made, digests, lambda: made[0])


@functools.cache
def _stand_in_key() -> PublicKeyInfo:
    """A public key for claims made only to be checked, never signed: RFC 8032's first example."""
    return PublicKeyInfo.from_hex(_STAND_IN)


_STAND_IN = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


# -- reading -------------------------------------------------------------------------------------
def parse_statement(statement: Any) -> Claim:
    """Check a decoded Statement against the spec; `MalformedError` or `UnsupportedVersion`."""
    if not isinstance(statement, dict):
        raise MalformedError("statement", "must be a JSON object.")
    if statement.get("_type") != STATEMENT_TYPE:
        _check_depth(statement)
        raise UnsupportedVersion(
            f"This is not an in-toto Statement v1 ({_shown(statement.get('_type'))})."
        )
    if statement.get("predicateType") != PREDICATE_TYPE:
        _check_depth(statement)
        raise UnsupportedVersion(
            f"This claim is of a kind or version this Colophon does not read "
            f"({_shown(statement.get('predicateType'))})."
        )
    if set(statement) != {"_type", "subject", "predicateType", "predicate"}:
        raise MalformedError(
            "statement", "must have exactly _type, subject, predicateType, predicate."
        )
    predicate = statement["predicate"]
    critical = predicate.get("critical") if isinstance(predicate, dict) else None
    if isinstance(critical, list) and all(isinstance(n, str) for n in critical):
        # Before the schema (spec 9.2, step 4): a later format may change what the schema says.
        unknown = [n for n in critical if n not in KNOWN_EXTENSIONS]
        if unknown:
            _check_depth(statement)
            raise UnsupportedVersion(
                f"The claim needs the extension {unknown[0][:128]!r}, which this Colophon lacks."
            )
    for part, items in (
        ("subject", statement["subject"]),
        ("predicate.works", _works_of(predicate)),
    ):
        if isinstance(items, list) and len(items) > MAX_WORKS:  # said before the schema, briefly
            raise MalformedError(part, f"lists more than {MAX_WORKS:,} works, the limit.")
    if not valid_but_for_work_digests(statement):
        validate_statement(statement)  # raises, naming the first place that breaks the schema
    # The schema holds every part of a claim to a few levels but its extensions, which are open:
    # a verifier reads the claim without measuring its depth (`_check_depth`), and measures
    # theirs here.
    if "extensions" in predicate:
        strictjson.check_depth(
            predicate["extensions"], max_depth=MAX_DEPTH, part="statement", above=2
        )
    try:
        digests, unique = _subject_digests(statement["subject"])
        _check_works(predicate, digests)  # each work's digest is its subject's, of its form
        _check_members(predicate, unique)
    except MalformedError:
        validate_statement(statement)  # the schema's word on a work's digest comes first
        raise
    for name in predicate.get("critical", []):
        if name not in predicate.get("extensions", {}):
            raise MalformedError(
                "predicate.critical", f"names {name!r}, which is not in extensions."
            )
    key = PublicKeyInfo.from_dict(predicate["claimant"]["publicKey"], "claimant.publicKey")
    return Claim(statement, key, _issued_at(predicate["issuedAt"]))


def _check_depth(statement: dict[str, Any]) -> None:
    """Refuse a Statement nested deeper than a claim may be, measured in full.

    A verifier reads a claim without measuring its depth, which the schema then bounds (and
    `parse_statement` measures where the schema leaves it open). A refusal made before the
    schema runs, for a kind or version this Colophon does not read, comes after the strict JSON
    rules (spec 9.2), depth among them: so the depth is measured first, level by level.
    """
    strictjson.check_depth(statement, max_depth=MAX_DEPTH, part="statement")


def _shown(value: Any) -> str:
    """A stranger's value for a message, without reading into it: a text, cut short."""
    if isinstance(value, str):
        return repr(value[:200])
    return "none" if value is None else f"a JSON {_JSON_KINDS.get(type(value), 'value')}"


_JSON_KINDS = {dict: "object", list: "array", bool: "true or false", int: "number", float: "number"}


def _works_of(predicate: Any) -> Any:
    return predicate.get("works") if isinstance(predicate, dict) else None


# The rules below follow the schema, so each reads fields whose shape it has already checked.
# A claim may hold 100,000 works: each rule is one pass at C speed where it can be, and looks
# for the offending entry only once it knows there is one.
def _subject_digests(subjects: list[dict[str, Any]]) -> tuple[list[str], set[str]]:
    """The subjects' digests in order, and as a set (made once: it also shows a repeated one)."""
    digests = list(map(_SHA256, map(_DIGEST, subjects)))
    unique = set(digests)
    if len(unique) != len(digests):
        seen: set[str] = set()
        for i, digest in enumerate(digests):
            if digest in seen:
                raise MalformedError(f"subject[{i}].digest", "repeats another subject's digest.")
            seen.add(digest)
    return digests, unique


_DIGEST, _SHA256 = itemgetter("digest"), itemgetter("sha256")


def _check_works(predicate: dict[str, Any], digests: list[str]) -> None:
    works = predicate["works"]
    if len(works) != len(digests):
        raise MalformedError("predicate.works", "must have one entry per subject.")
    # Each rule over all works is a pass in C where it can be (map, set); only the works with
    # contributors or terms of their own, few, are then read one by one.
    if list(map(_SHA256, map(_DIGEST, works))) != digests:
        pairs = enumerate(zip(works, digests, strict=True))
        i = next(i for i, (w, d) in pairs if w["digest"]["sha256"] != d)
        raise MalformedError(f"predicate.works[{i}].digest", f"differs from subject[{i}].")
    created = set(map(dict.get, works, repeat("created")))
    created.discard(None)
    if not all(map(_is_calendar_date, {c[:10] for c in created})):
        i = next(
            i
            for i, w in enumerate(works)
            if "created" in w and not _is_calendar_date(w["created"][:10])
        )
        raise MalformedError(f"predicate.works[{i}].created", "is not a date in the calendar.")
    defaults = predicate["terms"]
    if predicate["equivalents"] != mappings(defaults).to_dict():
        raise MalformedError("predicate.equivalents", "do not match the terms.")
    own = [
        i for i, w in enumerate(works) if "contributors" in w or "terms" in w or "equivalents" in w
    ]
    # Works with terms of their own mostly share them: their equivalents are worked out once.
    expected_for: dict[bytes, dict[str, Any]] = {}
    for i in own:
        work = works[i]
        contributors = work.get("contributors", [])
        shares = [c["share"] for c in contributors if "share" in c]
        if shares and (len(shares) != len(contributors) or abs(sum(shares) - 100) > 0.01):
            raise MalformedError(
                f"predicate.works[{i}].contributors", "shares must all be given and add up to 100."
            )
        if "terms" in work:
            key = strictjson.dumps(work["terms"])  # one key however the terms' keys are ordered
            if key not in expected_for:
                expected_for[key] = mappings(effective(defaults, work["terms"])).to_dict()
            if work.get("equivalents") != expected_for[key]:
                raise MalformedError(f"predicate.works[{i}].equivalents", "do not match the terms.")
        elif "equivalents" in work:
            raise MalformedError(f"predicate.works[{i}].equivalents", "given without terms.")


def _check_members(predicate: dict[str, Any], digests: set[str]) -> None:
    names = [m["name"] for m in predicate["members"]]
    if names != sorted(names) or len(set(names)) != len(names):
        raise MalformedError("predicate.members", "must be sorted by name, each name once.")
    for name in names:
        if name.startswith(THUMBNAILS):
            if not name.endswith(".png") or thumbnail_of(name) not in digests:
                raise MalformedError("predicate.members", f"{name} is not a thumbnail of a work.")
        elif name != "summary.html":
            raise MalformedError("predicate.members", f"{name} is not a member of a v1 bundle.")


def thumbnail_of(name: str) -> str:
    """The digest in a thumbnail's member name, ``thumbnails/<digest>.png``."""
    return name.removeprefix(THUMBNAILS).removesuffix(".png")


def _issued_at(value: str) -> datetime:
    """``issuedAt`` as the schema allows it: UTC, to the second or finer, a leap second included.

    Colophon writes whole seconds; other writers may add a fraction, which is dropped (claims
    are compared to key events at a resolution of one second).
    """
    whole = value[:19]
    if whole.endswith(":60"):  # a leap second: 23:59:60 is still within 23:59:59's second
        whole = whole[:-2] + "59"
    return parse_time(whole + "Z", "predicate.issuedAt")


def _is_calendar_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
