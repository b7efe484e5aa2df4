"""What an export will claim, in plain words, worked out before anything is signed.

`summarize` runs on a worker (it reads every chosen work, which for a whole library of 100,000
is not instant) and returns a `Summary`; `summary_html` turns it into the short text the export
dialog shows: who signs, the terms for AI (and how many works answer differently), what is asked
in payment and where to pay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import platformdirs

from ..core.bundle import SUFFIX
from ..core.catalog import Catalog
from ..core.check import changed_on_disk
from ..core.fsutil import unused_path
from ..core.identity import Identity
from ..core.profile import Profile
from ..core.terms import effective
from .plain_words import compensation_in_words, payment_in_words, slug, terms_lines

MAX_EXAMPLES = 3


@dataclass
class Summary:
    """The facts the export dialog states about one planned export."""

    work_ids: list[int]
    profile: Profile
    fingerprint: str
    keyring: bool
    works: int
    pictures: int
    own_terms: int
    examples: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: titles of the works edited on disk since they were registered (`check.changed_on_disk`)
    changed: list[str] = field(default_factory=list)


def summarize(home: Path, work_ids: list[int] | None) -> Summary:
    """Read the identity and the chosen works (None: all of them) on a worker."""
    with Catalog.open(home) as catalog:
        identity = Identity(catalog)
        profile = identity.require_profile()
        key = identity.require_key()
        works = catalog.works_by_ids(catalog.work_ids() if work_ids is None else work_ids)
        changed = set(changed_on_disk(catalog, [w.id for w in works]))
    defaults = profile.terms.to_dict()
    own = [w for w in works if w.terms]
    return Summary(
        work_ids=[w.id for w in works],
        profile=profile,
        fingerprint=key.fingerprint,
        keyring=key.location.kind == "keyring",
        works=len(works),
        pictures=sum(1 for w in works if w.kind == "image"),
        own_terms=len(own),
        examples=[(w.title, effective(defaults, w.terms)) for w in own[:MAX_EXAMPLES]],
        changed=[w.title for w in works if w.id in changed],
    )


def default_folder() -> Path:
    """Where a first export goes: the user's Documents folder if there is one, else home."""
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_absolute() and documents.is_dir() else Path.home()


def default_bundle_path(home: Path, folder: Path | None) -> Path:
    """Where a new bundle is offered to go: ``<folder>/<Name>-<date>.colophon``, always a full path.

    ``folder`` (the last one exported to) is used while it is a full path to an existing folder;
    otherwise `default_folder`.
    """
    if folder is None or not folder.is_absolute() or not folder.is_dir():
        folder = default_folder()
    with Catalog.open(home) as catalog:
        profile = Identity(catalog).profile()
    name = f"{slug(profile.display_name) if profile else 'colophon'}-{date.today().isoformat()}"
    return unused_path(folder / f"{name}{SUFFIX}")  # a second export the same day: "-2"


def _list(lines: list[str]) -> str:
    return "<ul style='margin-top:2px'>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"


def summary_html(summary: Summary, license: str = "") -> str:
    """The summary as short rich text for a label; ``license`` as typed, if any."""
    p = summary.profile
    noun = "work" if summary.works == 1 else "works"
    parts = [
        f"<p>You sign as <b>{escape(p.display_name)}</b> "
        f"(fingerprint <code>{escape(summary.fingerprint)}</code>).</p>",
        f"<p><b>Your terms for AI</b>, for the {summary.works:,} {noun}:</p>",
        _list(terms_lines(p.terms.to_dict())),
    ]
    if summary.own_terms:
        if summary.own_terms == 1:
            own = "One of these works has terms of its own:"
        else:
            own = f"{summary.own_terms:,} of these works have terms of their own:"
        parts.append(f"<p>{own}</p>")
        examples = []
        for title, terms in summary.examples:
            differing = [
                line for line in terms_lines(terms) if line not in terms_lines(p.terms.to_dict())
            ]
            examples.append(f"“{title}”: " + "; ".join(differing))
        if summary.own_terms > len(summary.examples):
            examples.append(f"… and {summary.own_terms - len(summary.examples):,} more")
        parts.append(_list(examples))
    payment = [compensation_in_words(p.compensation.to_dict())]
    payment += [payment_in_words(c.to_dict()) for c in p.payment_channels]
    parts.append("<p><b>Payment</b></p>" + _list(payment))
    if license.strip():
        parts.append(
            "<p><b>License</b>, for uses other than AI (those follow your terms)</p>"
            + _list([license.strip()])
        )
    parts.append(
        "<p>The claim also reserves your rights over text and data mining under Article 4(3) "
        "of the EU Directive 2019/790, except as these terms allow.</p>"
    )
    if summary.changed:
        count = len(summary.changed)
        which = "One work was" if count == 1 else f"{count:,} works were"
        shown = [f"“{title}”" for title in summary.changed[:MAX_EXAMPLES]]
        if count > MAX_EXAMPLES:
            shown.append(f"… and {count - MAX_EXAMPLES:,} more")
        parts.insert(  # first, where it is read before Export is pressed
            0,
            f"<p><b>{which} edited on disk since you registered {'it' if count == 1 else 'them'}"
            "</b>: the claim covers the registered versions. To claim the new ones, add the "
            "files again first (<b>Check files</b> lists them).</p>" + _list(shown),
        )
    return "".join(parts)
