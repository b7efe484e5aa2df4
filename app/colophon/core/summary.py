"""The human-readable page of a bundle: what is claimed, by whom, on what terms.

A plain HTML file with its style inline, readable in any browser straight from the bundle and
covered by the signature like every other member. Every text from the catalog is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from .terms import effective, in_words

#: works listed on the page; a person does not read further, and the page must stay well under
#: the bundle format's 16 MiB limit for it however large the claim
MAX_ROWS = 5000

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem}.muted{color:#666}
table{border-collapse:collapse;width:100%;margin:1rem 0}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
img{max-width:96px;max-height:96px}.fp{font-family:monospace;font-size:1.05rem}
.box{background:#f5f5f0;border-radius:6px;padding:.8rem 1rem}
.digest code{font-size:.7rem;word-break:break-all;color:#666}
@media (prefers-color-scheme:dark){body{background:#1c1c1c;color:#eee}.box{background:#2a2a2a}
td,th{border-color:#444}.muted{color:#aaa}}
"""


#: what the page may load: its own pictures and style, nothing else (no script, no address on
#: the network); a page that came with someone else's bundle is opened as a local file
POLICY = "default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'"
#: the contributors' cell of a work without any (the page's texts are escaped: none holds it)
NO_PEOPLE = "<td class='people'></td>"


def render(
    predicate: dict[str, Any], rows: Sequence[tuple[str, str]], total: int, thumbnails: set[str]
) -> bytes:
    """The summary page of a claim.

    ``predicate`` is the claim's predicate (its ``works`` are not read), ``rows`` the digest
    and `work_row` of its first works (at least `MAX_ROWS`, or all of them), ``total`` how many
    works it has, and ``thumbnails`` the digests of the works that have a picture.
    """
    p = predicate
    shown = rows[:MAX_ROWS]
    # No empty column on the page: without contributors to show, their column is left out.
    credits = not all(NO_PEOPLE in row for _, row in shown)
    person = p["claimant"]
    key = person["publicKey"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{POLICY}\">",
        f"<title>Claim by {escape(person['displayName'])}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Works claimed by {escape(person['displayName'])}</h1>",
        f"<p class='muted'>Signed {escape(_when(p['issuedAt']))} · {_works(total)}</p>",
        "<div class='box'><p>Key fingerprint: "
        f"<span class='fp'>{escape(key['fingerprint'])}</span></p>",
        "<p class='muted'>This page is for reading only. Whether the claim is genuine is decided "
        "by verifying the bundle it came in (open the bundle in Colophon, or run "
        "<code>colophon verify</code> on it), and by comparing the key fingerprint above with "
        "one you got from the creator.</p></div>",
        _contact(person),
        "<h2>Terms for AI use</h2>",
        _terms_table(p["terms"]),
        _compensation(p["compensation"]),
        f"<p>{escape(p['rightsReservation'])}</p>",
        f"<p>License: {escape(p['license'])}</p>" if "license" in p else "",
        "<h2>Works</h2><table><tr><th></th><th>Title</th><th>Kind</th><th>Created</th>"
        + ("<th>Contributors</th>" if credits else "")
        + "<th>Terms</th><th>File checksum (SHA-256)</th></tr>",
    ]
    for digest, row in shown:
        picture = f"<img src='thumbnails/{digest}.png' alt=''>" if digest in thumbnails else ""
        parts.append(f"<tr><td>{picture}</td>{row if credits else row.replace(NO_PEOPLE, '', 1)}")
    parts.append("</table>")
    if total > len(shown):
        parts.append(
            f"<p>… and {total - len(shown):,} more works. The complete list, with every "
            "work's terms, is in the signed claim (<code>envelope.intoto.json</code>); "
            "<code>colophon verify --json</code> prints it.</p>"
        )
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")


def work_row(work: dict[str, Any], defaults: dict[str, Any]) -> str:
    """A work's row in the table of works, after its picture: from its entry in the claim, whose
    terms (if it has terms of its own) apply to ``defaults``, the claim's."""
    people = ", ".join(_contributor(c) for c in work.get("contributors", []))
    terms = (
        "<br>".join(
            f"{escape(q)}: {escape(a)}" for q, a in in_words(effective(defaults, work["terms"]))
        )
        if "terms" in work
        else "As for all works (above)"
    )
    return (
        f"<td>{escape(work['title'])}</td><td>{escape(work['kind'].capitalize())}</td>"
        f"<td>{escape(work.get('created', ''))}</td><td class='people'>{people}</td>"
        f"<td>{terms}</td>"
        f"<td class='digest'><code>{work['digest']['sha256']}</code></td></tr>"
    )


# Spelt out here, not by the locale (which the app sets): the page is the same wherever made.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _when(issued_at: str) -> str:
    """``2026-11-22T09:21:00Z`` as people write it: 22 November 2026, 09:21 UTC."""
    try:
        moment = datetime.strptime(issued_at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:  # another tool's spelling of the same time: shown as it is
        return issued_at
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment:%Y, %H:%M} UTC"


def _works(count: int) -> str:
    return "1 work" if count == 1 else f"{count:,} works"


def _contributor(person: dict[str, Any]) -> str:
    """``Name (role, 60 %)``; the role and the share each optional."""
    notes = [escape(person["role"])] if "role" in person else []
    if "share" in person:
        notes.append(f"{person['share']:g} %")
    return escape(person["name"]) + (f" ({', '.join(notes)})" if notes else "")


def _terms_table(terms: dict[str, Any]) -> str:
    rows = "".join(f"<tr><td>{escape(q)}</td><td>{escape(a)}</td></tr>" for q, a in in_words(terms))
    return f"<table>{rows}</table>"


def _compensation(comp: dict[str, Any]) -> str:
    model = {
        "perUse": "a fee per use",
        "flatFee": "a flat fee",
        "revenueShare": "a share of revenue",
        "negotiate": "terms to be negotiated",
        "none": "no payment",
    }[comp["model"]]
    amount = ""
    if "amount" in comp:
        unit = "%" if comp["model"] == "revenueShare" else comp.get("currency", "")
        amount = f": {escape(comp['amount'])} {escape(unit)}"
    contact = f" Contact: {escape(comp['contact'])}." if "contact" in comp else ""
    return f"<h2>Compensation</h2><p>The creator asks for {model}{amount}.{contact}</p>"


def _contact(person: dict[str, Any]) -> str:
    items = []
    if "email" in person:
        items.append(f"Email: {escape(person['email'])}")
    if "website" in person:
        items.append(f"Website: {escape(person['website'])}")
    for service, handle in person.get("handles", {}).items():
        items.append(f"{escape(service)}: {escape(handle)}")
    for channel in person.get("paymentChannels", []):
        label = {"openPayments": "Open Payments wallet", "payto": "Bank payment", "url": "Pay at"}
        items.append(f"{label[channel['kind']]}: <code>{escape(channel['value'])}</code>")
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else ""
