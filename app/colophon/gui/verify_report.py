"""Saving what a verification found: as JSON (for programs) and as a printable PDF (for people).

The JSON is `VerifyResult.to_dict` as the command line prints it, plus when it was checked. The
PDF is laid out by Qt's own rich-text engine and written by `QPdfWriter` (no other library): the
verdict, the signer and fingerprint, the terms, and every work with its preview, terms and local
matches. Both are written atomically (temporary file, then rename).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from .. import __version__
from ..core import strictjson
from ..core.fsutil import atomic_write
from ..core.pathtext import readable
from ..core.verify import VerifyResult
from .plain_words import (
    compensation_in_words,
    payment_in_words,
    people_in_words,
    terms_lines,
    trust_words,
    verdict,
)
from .signal_colors import COLORS

MAX_PDF_WORKS = 2_000  # beyond this, the PDF lists the first ones and points to the JSON
PDF_PICTURE_PIXELS = 256  # enough for the 64-pixel-wide pictures printed at 300 dpi


def checked_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def report_json(result: VerifyResult, checked_at: str | None = None) -> bytes:
    data: dict[str, Any] = {"checked_at": checked_at or checked_now(), **result.to_dict()}
    return (strictjson.pretty(data) + "\n").encode("utf-8")


def save_json(result: VerifyResult, path: Path) -> None:
    atomic_write(path, report_json(result), mode=0o644)


def _lines(items: Iterable[str]) -> str:
    return "<br>".join(escape(item) for item in items)


def report_html(result: VerifyResult, thumbnails: dict[str, bytes], checked_at: str) -> str:
    """The report as HTML for `QTextDocument` (thumbnails referenced as ``thumb:<digest>``)."""
    level, headline = verdict(result.outcome.value)
    color = COLORS[level].name()
    parts = [
        f"<h1 style='color:{color}'>{escape(headline)}</h1>",
        f"<p>{escape(result.message)}</p>",
        f"<p style='color:#555'>File: {escape(str(result.path))}<br>Checked {checked_at} with "
        f"Colophon {__version__}</p>",
    ]
    signer = result.signer
    if signer is not None:
        parts += [
            "<h2>Signed by</h2>",
            f"<p><b>{escape(signer.name)}</b>"
            + (f" &lt;{escape(signer.email)}&gt;" if signer.email else "")
            + f"<br>Fingerprint: <code>{escape(signer.fingerprint)}</code>"
            f"<br>{escape(trust_words(signer.trust, signer.contact))}</p>",
        ]
    claim = result.claim
    if claim is None:
        return "".join(parts)
    p = claim.predicate
    payment = [compensation_in_words(p["compensation"])]
    payment += [payment_in_words(c) for c in claim.claimant.get("paymentChannels", [])]
    parts += [
        f"<h2>The claim</h2><p>Signed on {escape(p['issuedAt'])}.</p>",
        f"<p><b>Terms for AI</b><br>{_lines(terms_lines(p['terms']))}</p>",
        f"<p><b>Payment</b><br>{_lines(payment)}</p>",
        (
            f"<p><b>License</b> (for uses other than AI)<br>{escape(p['license'])}</p>"
            if p.get("license")
            else ""
        ),
        f"<p style='color:#555'>{escape(p['rightsReservation'])}</p>",
        f"<h2>Works ({len(claim.works):,})</h2>",
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        "<tr><th></th><th>Title</th><th>Terms for AI</th>",
    ]
    if result.matches is not None:
        parts.append("<th>Found locally</th>")
    parts.append("</tr>")
    for index, work in enumerate(claim.works[:MAX_PDF_WORKS]):
        digest = work["digest"]["sha256"]
        picture = f"<img src='thumb:{digest}' width='64'>" if digest in thumbnails else ""
        people = people_in_words(work.get("contributors", []))
        made = " · ".join(x for x in (people and f"By {people}", work.get("created", "")) if x)
        row = (
            f"<tr><td>{picture}</td><td><b>{escape(work['title'])}</b><br>"
            + (f"{escape(made)}<br>" if made else "")
            + f"<span style='color:#555'>{escape(work['kind'])} · SHA-256 {digest[:16]}…</span>"
            f"</td><td>{_lines(terms_lines(claim.effective_terms(index)))}</td>"
        )
        if result.matches is not None:
            found = result.matches.get(digest, [])
            near = [f"{readable(p)} (near copy)" for p, _d in (result.near or {}).get(digest, [])]
            shown = _lines(map(readable, found)) if found else _lines(near) if near else "Not found"
            row += f"<td>{shown}</td>"
        parts.append(row + "</tr>")
    parts.append("</table>")
    if result.skipped:
        parts.append(
            f"<p><b>{len(result.skipped):,} local files or folders could not be read</b>, so what "
            "they hold was not compared:<br>"
            + _lines(f"{readable(s.path)}: {s.reason}" for s in result.skipped[:MAX_PDF_WORKS])
            + "</p>"
        )
    if len(claim.works) > MAX_PDF_WORKS:
        parts.append(
            f"<p>… and {len(claim.works) - MAX_PDF_WORKS:,} more works: see the JSON report.</p>"
        )
    return "".join(parts)


def pdf_bytes(result: VerifyResult, thumbnails: dict[str, bytes]) -> bytes:
    """The report as an A4 PDF document."""
    checked_at = checked_now()
    document = QTextDocument()
    document.setDefaultStyleSheet("h1 { font-size: 18pt; } h2 { font-size: 13pt; }")
    claim = result.claim
    shown = [w["digest"]["sha256"] for w in claim.works[:MAX_PDF_WORKS]] if claim else []
    for digest in shown:  # only the pictures the document shows, at the size it shows them
        image = QImage()
        data = thumbnails.get(digest)
        if data is not None and image.loadFromData(data, "PNG"):
            image = image.scaled(
                PDF_PICTURE_PIXELS,
                PDF_PICTURE_PIXELS,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            document.addResource(QTextDocument.ImageResource, QUrl(f"thumb:{digest}"), image)
    document.setHtml(report_html(result, thumbnails, checked_at))
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(f"Colophon verification: {result.path.name}")
    writer.setCreator(f"Colophon {__version__}")
    writer.setPageSize(QPageSize(QPageSize.A4))
    writer.setPageOrientation(QPageLayout.Portrait)
    writer.setResolution(300)
    document.print_(writer)
    del writer  # finishes the document
    buffer.close()
    return bytes(QByteArray(buffer.data()).data())


def save_pdf(result: VerifyResult, thumbnails: dict[str, bytes], path: Path) -> None:
    atomic_write(path, pdf_bytes(result, thumbnails), mode=0o644)
