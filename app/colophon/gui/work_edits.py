"""The logic behind the inspector, kept apart from its widgets (and free of Qt).

Several works can be edited at once: a field shows a value only when every selected work has
the same one, and only the fields a person actually changed are written, to every selected
work. Values are checked with the core's own rules (`normalise_date`, `check_shares`) before
anything is saved, so the inspector can show the problem inline and save nothing invalid.

Tags are the exception to "the same value for all": with several works selected, the tags typed
are *added* to each work's own (``add_tags``), because their sets differ and replacing them
would silently wipe what each work had. AI terms of several works are set use by use
(``terms_uses``): the uses answered are set on each work, the others keep each work's own.

The creation date is shown the way the library's table shows it ("2026-11-22 06:52");
`resolve_created` turns what is typed over it back into a date, the stored one when unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.catalog import Catalog, Contributor, Work, check_shares
from ..core.claim_parts import keep_ahead
from ..core.creation_dates import normalise_date
from ..core.errors import ColophonError, UsageError
from ..core.progress import Progress

#: the most selected works read at once to show and edit together (their shared values, their
#: terms); a larger selection is shown without them
MAX_LOADED = 20_000
FIELDS = ("title", "description", "created", "tags", "contributors")
#: how each field is named to a person (in questions about edits that cannot be saved)
FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "created": "creation date",
    "tags": "tags",
    "add_tags": "tags",
    "contributors": "contributors",
    "terms": "terms for AI",
    "terms_uses": "terms for AI",
}
ContributorRow = tuple[str, str, str]  # name, role, share as typed
#: changes that depend on each work's own value, worked out per work when saving
PER_WORK = ("add_tags", "terms_uses")


@dataclass
class Shared:
    """What the selected works have in common; None where they differ."""

    title: str | None
    description: str | None
    created: str | None
    tags: list[str] | None
    contributors: list[Contributor] | None


def shared_values(works: Sequence[Work]) -> Shared:
    """The values common to all ``works`` (all None for an empty selection)."""

    def common(values: list[Any]) -> Any:
        return values[0] if values and all(v == values[0] for v in values) else None

    return Shared(
        title=common([w.title for w in works]),
        description=common([w.description for w in works]),
        created=common([w.created for w in works]),
        tags=common([sorted(w.tags) for w in works]),
        contributors=common([w.contributors for w in works]),
    )


def common_tags(works: Sequence[Work]) -> list[str]:
    """The tags every one of ``works`` has, sorted (none for an empty selection)."""
    if not works:
        return []
    common = set(works[0].tags)
    for work in works[1:]:
        common &= set(work.tags)
    return sorted(common)


def format_created(created: str) -> str:
    """A creation date as the library shows it: to the minute, without its offset."""
    return created[:16].replace("T", " ")


def resolve_created(text: str, shown: str | None) -> str:
    """The creation date meant by ``text``, typed over ``shown`` displayed by `format_created`.

    Text left as it was shown means the stored value, exact to the second and with its offset.
    A date and time typed without an offset is read in the offset of ``shown``, the one its
    time was displayed in. Anything else is passed on as typed (checked by `normalise_date`).
    """
    typed = text.strip()
    if not shown or not typed:
        return typed
    if typed == format_created(shown):
        return shown
    try:
        value = normalise_date(typed)
        offset = datetime.fromisoformat(shown).tzinfo
    except (UsageError, ValueError):
        return typed
    if len(value) > 10 and offset is not None:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=offset).isoformat(timespec="seconds")
    return value


def merge_terms(
    own: dict[str, Any] | None, answers: dict[str, dict[str, str] | None]
) -> dict[str, Any] | None:
    """A work's own AI terms with ``answers`` set (None: as in the profile); None if none left."""
    merged = dict(own or {})
    for use, term in answers.items():
        if term is None:
            merged.pop(use, None)
        else:
            merged[use] = term
    return merged or None


def format_tags(tags: Sequence[str]) -> str:
    return ", ".join(tags)


def parse_tags(text: str) -> list[str]:
    """Tags typed as a comma-separated list; blanks and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for part in text.split(","):
        tag = part.strip()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def with_tags(tags: Sequence[str], added: Sequence[str]) -> list[str]:
    """``tags`` and the ``added`` ones it does not have yet, letter case aside ("Animal" is
    "animal"): the work's own spelling is kept."""
    known = {t.casefold() for t in tags}
    return [*tags, *(t for t in added if t.casefold() not in known)]


def format_share(share: float | None) -> str:
    return "" if share is None else f"{share:g}"


def parse_share(text: str, name: str) -> float | None:
    value = text.strip().replace(",", ".").rstrip("%").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"The share of {name or 'a contributor'} is not a number.") from None


def parse_contributors(rows: Sequence[ContributorRow]) -> list[Contributor]:
    """Contributors from the rows as typed; wholly blank rows are ignored. Raises `UsageError`."""
    result = []
    for name, role, share in rows:
        if not (name.strip() or role.strip() or share.strip()):
            continue
        result.append(Contributor(name.strip(), role.strip(), parse_share(share, name.strip())))
    check_shares(result)
    return result


def build_changes(values: dict[str, Any]) -> dict[str, Any]:
    """Check edited values and turn them into keyword arguments of `Catalog.update_work`.

    ``values`` holds only the fields a person edited: ``title``/``description``/``created``/
    ``tags``/``add_tags`` as typed text, ``contributors`` as rows of text, ``terms`` as the
    overrides to store (passed on as they are), ``terms_uses`` as the answers to set on several
    works (`merge_terms`). Raises `UsageError` with a sentence fit to show next to the form.
    """
    changes: dict[str, Any] = {}
    if "title" in values:
        title = values["title"].strip()
        if not title:
            raise UsageError("A title cannot be empty.")
        changes["title"] = title
    if "description" in values:
        changes["description"] = values["description"].strip()
    if "created" in values:
        text = values["created"].strip()
        if not text:
            raise UsageError("A creation date is needed; use YYYY-MM-DD.")
        changes["created"] = normalise_date(text)
    if "tags" in values:
        changes["tags"] = parse_tags(values["tags"])
    if "add_tags" in values and parse_tags(values["add_tags"]):
        changes["add_tags"] = parse_tags(values["add_tags"])
    if "contributors" in values:
        changes["contributors"] = parse_contributors(values["contributors"])
    if "terms" in values:  # None: follow the profile again
        changes["terms"] = values["terms"]
    if values.get("terms_uses"):
        changes["terms_uses"] = dict(values["terms_uses"])
    return changes


def check_edits(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Split edited ``values`` into the changes that can be saved and the problem of each other.

    Each field is checked on its own, so that one bad field neither hides another's problem
    nor holds back the fields that are fine (the person may choose to save those alone).
    """
    changes: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, value in values.items():
        try:
            changes.update(build_changes({field: value}))
        except UsageError as exc:
            problems[field] = exc.message
    return changes, problems


def total_share(rows: Sequence[ContributorRow]) -> float | None:
    """The sum of the shares typed so far, or None if none is typed or one is not a number."""
    total, any_share = 0.0, False
    for name, _role, share in rows:
        try:
            value = parse_share(share, name)
        except UsageError:
            return None
        if value is not None:
            total, any_share = total + value, True
    return total if any_share else None


def apply_changes(
    home: Path, work_ids: Sequence[int], changes: dict[str, Any], progress: Progress
) -> list[int]:
    """Write ``changes`` to every work in ``work_ids``; runs on a worker with its own connection.

    Each work is saved in its own transaction, so a failure part-way leaves every work either
    fully changed or untouched. A save is never cancelled: it is short, and quitting waits for it.
    ``add_tags`` are added to each work's own tags, and ``terms_uses`` set in its own terms, both
    read here, just before its update.
    """
    progress.start(total=len(work_ids), label="Saving")
    added = changes.get("add_tags") or []
    answers = changes.get("terms_uses") or {}
    fields = {name: value for name, value in changes.items() if name not in PER_WORK}
    saved = []
    with Catalog.open(home) as catalog:
        for work_id in work_ids:
            if added or answers:
                work = catalog.get_work(work_id)
                if added:
                    fields["tags"] = with_tags(work.tags, added)
                if answers:
                    fields["terms"] = merge_terms(work.terms, answers)
            catalog.update_work(work_id, **fields)
            saved.append(work_id)
            progress.advance()
        # Their parts of a claim, made again now rather than by the next export (claim_parts).
        # Only for speed: if the catalog cannot take them now, the export makes them.
        with contextlib.suppress(ColophonError), catalog.transaction() as conn:
            keep_ahead(catalog, conn, saved)
    return saved
