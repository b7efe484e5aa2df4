"""The logic behind the inspector, kept apart from its widgets (and free of Qt).

Several works can be edited at once: a field shows a value only when every selected work has
the same one, and only the fields a person actually changed are written, to every selected
work. Values are checked with the core's own rules (`normalise_date`, `check_shares`) before
anything is saved, so the inspector can show the problem inline and save nothing invalid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.catalog import Catalog, Contributor, Work, check_shares, normalise_date
from ..core.errors import UsageError
from ..core.progress import Progress

FIELDS = ("title", "description", "created", "tags", "contributors")
ContributorRow = tuple[str, str, str]  # name, role, share as typed


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
    ``tags`` as typed text, ``contributors`` as rows of text. Raises `UsageError` with a
    sentence fit to show next to the form.
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
    if "contributors" in values:
        changes["contributors"] = parse_contributors(values["contributors"])
    return changes


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
    """
    progress.start(total=len(work_ids), label="Saving")
    saved = []
    with Catalog.open(home) as catalog:
        for work_id in work_ids:
            catalog.update_work(work_id, **changes)
            saved.append(work_id)
            progress.advance()
    return saved
