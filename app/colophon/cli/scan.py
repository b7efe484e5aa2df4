"""``colophon scan``: find claimed works in a dataset and report their terms."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import UsageError
from ..core.fsutil import atomic_writer, require_folder
from ..core.pathtext import readable_values
from . import exitcodes
from .context import Context, counted, one_line
from .progressbar import progress_bar

if TYPE_CHECKING:
    from ..core.scan import ClaimSet, ScanMatch

# Kept in step with colophon.core.match_index, which is imported only when a scan runs (it
# loads numpy, which every other command can do without).
DEFAULT_THRESHOLD = 6
MAX_THRESHOLD = 24

CSV_FIELDS = [
    "path",
    "sha256",
    "match",
    "distance",
    "claim_title",
    "claim_digest",
    "claim_claimant",
    "claim_claimant_fingerprint",
    "claim_trusted",
    "claim_contact",
    "claim_issued_at",
    "claim_statement_sha256",
    "claim_terms",
    "claim_compensation",
    "claim_payment_channels",
    "claim_license",
    "claim_bundle",
]


def _claims_refused(claims: ClaimSet) -> dict[str, Any]:
    """The bundles not used, and why: rejected by verification, or the same claim again."""
    return {
        "claims_rejected": [
            {"file": str(r.path), "outcome": r.outcome.value, "message": r.message}
            for r in claims.rejected
        ],
        "claims_repeated": [{"file": str(p), "same_as": str(f)} for p, f in claims.repeated],
    }


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "scan",
        help="find claimed works in a dataset and report their terms",
        epilog="exit status: 0 done (also when files were skipped: they are named on standard "
        "error and in --json), 1 no usable claims (every bundle given was rejected: each is "
        "named, and listed in --json), 2 usage, 4 a dataset path or the report's folder does "
        "not exist, 5 environment, 130 cancelled (no report written). The --json fields are "
        "listed in resources/spec/json-output.md.",
    )
    p.add_argument("dataset", nargs="+", metavar="DATASET_DIR", help="folders (or files) to scan")
    p.add_argument(
        "--claims",
        nargs="+",
        action="extend",  # given twice, both lists count
        required=True,
        metavar="BUNDLE_OR_DIR",
        help="bundles, or folders holding .colophon / .intoto.json files (give the dataset "
        "first: colophon scan DATASET --claims CLAIMS...)",
    )
    p.add_argument(
        "--report",
        metavar="FILE",
        help="write every match to FILE (.json, .jsonl or .csv; in a CSV file, a text that a "
        "spreadsheet would take for a formula gets a leading apostrophe)",
    )
    p.add_argument(
        "--threshold",
        type=int,
        default=DEFAULT_THRESHOLD,
        metavar="BITS",
        help=f"largest fingerprint distance counted as a near copy, 0 to {MAX_THRESHOLD} "
        f"(default {DEFAULT_THRESHOLD})",
    )
    p.add_argument(
        "--export-index",
        metavar="DIR",
        help="also write the claims as JSON Lines (index.jsonl, works.jsonl) for Spark/Ray/Dask",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(run=run_scan)


def run_scan(ctx: Context) -> int:
    from ..core.scan import MAX_SKIPPED_LISTED, load_claims, scan

    a = ctx.args
    if not 0 <= a.threshold <= MAX_THRESHOLD:
        raise UsageError(f"--threshold must be between 0 and {MAX_THRESHOLD} bits.")
    report = Path(a.report) if a.report else None
    if report and report.suffix not in (".json", ".jsonl", ".csv"):
        raise UsageError("--report must end in .json, .jsonl or .csv.")
    if report:  # said before the scan, as export says it
        require_folder(report)
    catalog = ctx.catalog()
    with progress_bar(ctx.stderr, enabled=not ctx.json) as progress:
        claims = load_claims(a.claims, catalog, progress)
    for rejected in claims.rejected:
        ctx.warn(f"ignored {rejected.path}: {rejected.outcome.value}: {rejected.message}")
    for path, first in claims.repeated:
        ctx.warn(f"ignored {path}: the same claim as {first}")
    if not claims.accepted:
        if not claims.rejected:
            raise UsageError(
                f"No claims found in {', '.join(a.claims)}: give .colophon or "
                ".intoto.json files, or folders holding them."
            )
        # Nothing to scan against: said as a finding, with why each bundle was refused (in
        # --json too, where a pipeline reads it), not as a mistake on the command line.
        ctx.status = exitcodes.FINDINGS
        if ctx.json:
            ctx.print_json({"claims_used": 0, **_claims_refused(claims)})
        ctx.warn("error: No usable claims: every bundle given was rejected (see above).")
        return exitcodes.FINDINGS
    if a.export_index:
        claims.export(a.export_index)
    try:
        with _report_writer(report) as write, progress_bar(ctx.stderr, not ctx.json) as progress:
            outputs = [p for p in (a.report, a.export_index) if p]
            summary = scan(
                a.dataset,
                claims,
                write,
                threshold=a.threshold,
                progress=progress,
                outputs=outputs,
            )
            if summary.cancelled:
                raise _Incomplete  # the report is not written: it would look whole
    except _Incomplete:
        pass
    ctx.status = status = exitcodes.CANCELLED if summary.cancelled else exitcodes.OK
    for skipped in summary.skipped[:MAX_SKIPPED_SHOWN]:
        ctx.warn(f"skipped {one_line(skipped.path)}: {skipped.reason}")
    if summary.files_skipped > MAX_SKIPPED_SHOWN:
        ctx.warn(
            f"skipped {summary.files_skipped - MAX_SKIPPED_SHOWN:,} more files "
            f"(--json lists the first {MAX_SKIPPED_LISTED:,})"
        )
    if summary.cancelled:
        ctx.warn(
            f"cancelled after {counted(summary.files_scanned, 'file')}"
            + (f"; no report was written to {report}." if report else ".")
        )
    data = {"claims_used": len(claims.accepted), **_claims_refused(claims), **summary.to_dict()}
    if ctx.json:
        ctx.print_json(data)
    else:
        scanned = "Cancelled: only scanned" if summary.cancelled else "Scanned"
        ctx.print(
            f"{scanned} {counted(summary.files_scanned, 'file')} against "
            f"{counted(len(claims.works), 'claimed work')} from "
            f"{counted(len(claims.accepted), 'bundle')}: "
            f"{counted(summary.matched_exact, 'exact copy', 'exact copies')}, "
            f"{counted(summary.matched_fingerprint, 'near copy', 'near copies')}."
        )
        if summary.files_skipped:
            ctx.print(f"{counted(summary.files_skipped, 'file')} skipped (see above).")
        for claimant, count in summary.by_claimant.most_common():  # files, not matches
            ctx.print(f"  {count:>8,}  {claimant.label}")
        if report and not summary.cancelled:
            ctx.print(f"Matches written to {report}.")
    return status


MAX_SKIPPED_SHOWN = 10  # files passed over that the text output names, on standard error


class _Incomplete(Exception):
    """Raised inside `_report_writer` so that a cancelled scan leaves no report behind."""


@contextmanager
def _report_writer(path: Path | None) -> Iterator[Callable[[ScanMatch], None]]:
    """A callback writing each match as it is found (JSON collects them for one document)."""
    if path is None:
        yield lambda _match: None
        return
    with atomic_writer(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        if path.suffix == ".csv":
            writer = csv.DictWriter(text, fieldnames=CSV_FIELDS)
            writer.writeheader()
            yield lambda m: writer.writerow(_flat(_row(m)))
        elif path.suffix == ".jsonl":
            yield lambda m: text.write(json.dumps(_row(m), ensure_ascii=False) + "\n")
        else:
            found: list[dict[str, Any]] = []
            yield lambda m: found.append(_row(m))
            json.dump({"matches": found}, text, ensure_ascii=False, indent=2)
        text.flush()
        text.detach()


def _row(match: ScanMatch) -> dict[str, Any]:
    """A match as a report row: file names that are not UTF-8 as `pathtext.readable` shows them."""
    return readable_values(match.to_dict())


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else _cell(v)
        for k, v in row.items()
        if k in CSV_FIELDS
    }


# What a spreadsheet reads as the start of a formula when it opens a CSV file.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """``value`` for a CSV cell: a text a spreadsheet would run as a formula gets a leading '.

    Titles and names come from strangers' claims and paths from the dataset; a title such as
    ``=HYPERLINK(...)`` must show as text, not act, when someone opens the report in a
    spreadsheet. The JSON and JSONL reports keep every value exactly. Yes and no are written
    ``true`` and ``false``, as in JSON; nothing is an empty cell.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
