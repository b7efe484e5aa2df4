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

from ..core.bundle import SUFFIX
from ..core.catalog import Catalog
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


def summarize(home: Path, work_ids: list[int] | None) -> Summary:
    """Read the identity and the chosen works (None: all of them) on a worker."""
    with Catalog.open(home) as catalog:
        identity = Identity(catalog)
        profile = identity.require_profile()
        key = identity.require_key()
        works = catalog.works_by_ids(catalog.work_ids() if work_ids is None else work_ids)
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
    )


def default_bundle_path(home: Path, folder: Path | None) -> Path:
    """Where a new bundle is offered to go: ``<folder or home>/<Name>-<date>.colophon``."""
    if folder is None or not folder.is_dir():
        folder = Path.home()
    with Catalog.open(home) as catalog:
        profile = Identity(catalog).profile()
    name = slug(profile.display_name) if profile else "colophon"
    return folder / f"{name}-{date.today().isoformat()}{SUFFIX}"


def _list(lines: list[str]) -> str:
    return "<ul style='margin-top:2px'>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"


def summary_html(summary: Summary) -> str:
    """The summary as short rich text for a label."""
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
    parts.append(
        "<p>The claim also reserves your rights over text and data mining under Article 4(3) "
        "of the EU Directive 2019/790, except as these terms allow.</p>"
    )
    return "".join(parts)
