"""Commands about claim bundles: export (sign and write) and verify (anyone's bundle)."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.bundle import SUFFIX, export_bundle
from ..core.check import changed_on_disk
from ..core.errors import NotFoundError, UsageError
from ..core.identity import Identity
from ..core.profile import AI_USES
from ..core.terms import in_words
from ..core.verify import Outcome, VerifyResult, verify
from . import exitcodes
from .context import Context, counted, one_line, output_name
from .passphrase import add_passphrase_options, key_passphrase
from .progressbar import progress_bar

VERIFY_EXIT = {
    Outcome.VALID: exitcodes.OK,
    Outcome.UNKNOWN_SIGNER: exitcodes.UNKNOWN_SIGNER,
    Outcome.KEY_MISMATCH: exitcodes.KEY_MISMATCH,
    Outcome.REVOKED: exitcodes.REVOKED,
    Outcome.TAMPERED: exitcodes.TAMPERED,
    Outcome.SIGNATURE_INVALID: exitcodes.SIGNATURE_INVALID,
    Outcome.UNSUPPORTED_VERSION: exitcodes.UNSUPPORTED_VERSION,
    Outcome.MALFORMED: exitcodes.MALFORMED,
}
HEADLINES = {
    Outcome.VALID: "VALID",
    Outcome.UNKNOWN_SIGNER: "INTACT, UNKNOWN SIGNER",
    Outcome.KEY_MISMATCH: "WARNING: KEY MISMATCH",
    Outcome.REVOKED: "REVOKED",
    Outcome.TAMPERED: "INVALID: TAMPERED",
    Outcome.SIGNATURE_INVALID: "INVALID: BAD SIGNATURE",
    Outcome.UNSUPPORTED_VERSION: "UNSUPPORTED",
    Outcome.MALFORMED: "INVALID: MALFORMED",
}


#: what "-" stands for: the bundle comes down a pipe (read once, under the same limits)
STDIN = "/dev/stdin"


MAX_LISTED = 200  # works listed in the text output; --json lists all
MAX_SKIPPED_SHOWN = 10  # local files that could not be read, named on standard error

VERIFY_EPILOG = """\
exit status:
  0   valid: intact, and signed by you or a contact you trust
  10  intact, but signed by a key you have not trusted yet
  11  key mismatch: signed in the name of a contact, or yours, with another key
  12  signed by a revoked or replaced key
  13  tampered: a file of the bundle was altered, removed or added
  14  the signature does not verify
  15  a claim of a kind or version this Colophon does not read
  16  not a well-formed bundle or envelope
  2 usage, 4 not found, 5 environment, 130 cancelled (see README.md)
The --json fields are listed in resources/spec/json-output.md."""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("export", help="sign a claim to your works and write it as a bundle")
    p.add_argument("ids", nargs="*", metavar="ID", help="works to include (ids or digests)")
    p.add_argument("--all", action="store_true", help="include every work in the catalog")
    p.add_argument("--search", metavar="TEXT", help="include the works matching TEXT")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=f"bundle to write ({SUFFIX})"
    )
    p.add_argument("--no-thumbnails", action="store_true", help="leave picture previews out")
    p.add_argument(
        "--license",
        metavar="ID|URL",
        help="optional: a license you grant for uses other than AI, as an id from the SPDX list "
        "(CC-BY-NC-4.0, CC0-1.0, MIT…; spdx.org/licenses) or an https:// address",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_passphrase_options(p)
    p.set_defaults(run=run_export)

    p = sub.add_parser(
        "verify",
        help="check a bundle: who signed it, is it intact, what it says",
        epilog=VERIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="a .colophon bundle or a bare .intoto.json envelope; - reads it from standard input",
    )
    p.add_argument(
        "--against",
        action="append",
        default=[],
        metavar="DIR",
        help="hash the files in DIR and report which works they are (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run_verify)


def run_export(ctx: Context) -> int:
    a = ctx.args
    catalog = ctx.catalog()
    if a.all and (a.ids or a.search):
        raise UsageError("Give either --all, --search or work ids, not several.")
    if a.all:
        ids = catalog.work_ids()
    elif a.search:
        ids = catalog.work_ids(search=a.search)
    else:
        ids = [catalog.get_work(ref).id for ref in a.ids]
    if not ids:
        if a.search:
            raise NotFoundError(f"No works match {a.search!r}.")
        if a.all:
            raise UsageError(
                "No works to export: the catalog is empty; add some with 'colophon add'."
            )
        raise UsageError("No works to export: give work ids, --search TEXT or --all.")
    out = output_name(a.output, "the bundle")
    if a.output == "-":  # what reads standard input elsewhere (verify -): not a name here
        raise UsageError(
            "A bundle is written to a file, not to standard output: give its name with -o."
        )
    if out.is_dir():  # not a file name to complete with the suffix
        raise UsageError(
            f"{out} is a folder; give a file name, such as {out / 'portfolio'}{SUFFIX}."
        )
    if out.suffix != SUFFIX:
        out = out.with_name(out.name + SUFFIX)
    if out.exists() and not a.force:
        raise UsageError(f"{out} already exists; use --force to replace it.")
    identity = Identity(catalog)
    changed = changed_on_disk(catalog, ids)
    if changed and not ctx.json:
        ctx.warn(
            f"{counted(len(changed), 'chosen work')} changed on disk since "
            f"{'it was' if len(changed) == 1 else 'they were'} registered: the claim covers the "
            "registered versions. To claim the new ones, add the files again first "
            "('colophon check' lists them)."
        )
    with progress_bar(ctx.stderr, enabled=not ctx.json) as progress:
        result = export_bundle(
            catalog,
            identity,
            ids,
            out,
            thumbnails=not a.no_thumbnails,
            license=(a.license or "").strip() or None,  # empty: an unset variable, no license
            passphrase=key_passphrase(ctx),
            progress=progress,
        )
    if ctx.json:
        ctx.print_json(
            {
                "file": str(result.path),
                "works": result.works,
                "thumbnails": result.thumbnails,
                "statement_sha256": result.statement_sha256,
                "export_id": result.export_id,
                "bytes": result.size,
                "license": result.license,
                "changed_since_registered": changed,
            }
        )
    else:
        noun = "work" if result.works == 1 else "works"
        pictures = f", {result.thumbnails:,} with a preview" if result.thumbnails else ""
        stated = f" License stated: {result.license}." if result.license else ""
        ctx.print(
            f"Wrote {result.path} ({_size_text(result.size)}): {result.works:,} {noun}{pictures}."
            + stated
        )
    return exitcodes.OK


def _size_text(size: int) -> str:
    """A file's size as a file manager shows it: "5.4 MB", "812 kB"."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size / 1e3:,.0f} kB" if size >= 1000 else f"{size} bytes"


def run_verify(ctx: Context) -> int:
    if not ctx.args.file.strip():  # a script's unset variable, not the current folder
        raise UsageError("An empty file name was given: name the bundle to verify.")
    catalog = ctx.catalog()
    with progress_bar(ctx.stderr, enabled=not ctx.json and bool(ctx.args.against)) as progress:
        source = STDIN if ctx.args.file == "-" else ctx.args.file
        result = verify(source, catalog, against=ctx.args.against, progress=progress)
    ctx.status = status = VERIFY_EXIT[result.outcome]
    if ctx.json:
        ctx.print_json(result.to_dict())
    else:
        print_result(ctx, result)
    return status


def print_result(ctx: Context, r: VerifyResult) -> None:
    headline, message = HEADLINES[r.outcome], r.message
    for said in (headline, headline.split(":")[0]):  # said once: "VALID: signed by…"
        if message.lower().startswith(f"{said.lower()}: "):
            message = message[len(said) + 2 :]
            break
    ctx.print(f"{headline}: {message}")
    if r.part:
        ctx.print(f"  where:        {r.part}")
    if r.signer:
        s = r.signer
        who = {"you": "your own key", "contact": f"your contact {s.contact}"}.get(
            s.trust, "unknown"
        )
        ctx.print(f"  signed by:    {s.name}" + (f" <{s.email}>" if s.email else ""))
        ctx.print(f"  fingerprint:  {s.fingerprint}  ({who})")
    if r.expected:
        whose = r.expected.get("contact")
        ctx.print(
            f"  expected:     {r.expected['fingerprint']}  "
            f"({f'your contact {whose}' if whose else 'your own key'})"
        )
    if r.claim is None:
        return
    p = r.claim.predicate
    own = [i for i, work in enumerate(r.claim.works) if work.get("terms")]
    ctx.print(f"  signed at:    {p['issuedAt']}")
    ctx.print(
        f"  works:        {len(p['works'])}"
        + (f", {len(own)} of them with terms of their own (below)" if own else "")
    )
    if len(own) < len(p["works"]):  # the claim's terms: for every work without its own
        if own:
            ctx.print("  terms of the other works:")
        indent = "    " if own else "  "  # under their heading when other works have their own
        for question, answer in in_words(p["terms"]):
            ctx.print(f"{indent}{question}: {answer}")
    comp = p["compensation"]
    amount = f" {comp['amount']} {comp.get('currency', '%')}" if "amount" in comp else ""
    ctx.print(
        f"  compensation: {comp['model']}{amount}"
        + (f" (contact {comp['contact']})" if "contact" in comp else "")
    )
    for channel in p["claimant"].get("paymentChannels", []):
        ctx.print(f"  pay via:      {channel['kind']} {channel['value']}")
    if "license" in p:
        ctx.print(f"  license:      {p['license']}")
    if own:
        ctx.print("  works with terms of their own:")
        for shown, i in enumerate(own):
            if shown == MAX_LISTED and len(own) > MAX_LISTED + 10:
                ctx.print(f"    … {len(own) - shown} more (use --json for all)")
                break
            overridden = r.claim.works[i]["terms"]
            said = [
                f"{question}: {answer}"
                for use, (question, answer) in zip(
                    AI_USES, in_words(r.claim.effective_terms(i)), strict=True
                )
                if use in overridden
            ]
            ctx.print(f"    {r.claim.works[i]['title']}: {'; '.join(said)}")
    if r.matches is not None:
        near = r.near or {}
        covered = sum(1 for files in r.matches.values() if files)
        nearly = sum(1 for d, files in r.matches.items() if not files and d in near)
        also = f" (and {nearly} as near copies only)" if nearly else ""
        ctx.print(f"  local files:  {covered} of {len(r.matches)} works found{also}")
        for i, work in enumerate(r.claim.works):
            digest = work["digest"]["sha256"]
            files = r.matches.get(digest, [])
            files = [one_line(path) for path in files]
            copies = [
                f"{one_line(path)} ({distance} bits off)" for path, distance in near.get(digest, [])
            ]
            mark = "found" if files else "near copy" if copies else "not found"
            shown = files + copies  # near copies too, where the work itself is also there
            ctx.print(
                f"    [{mark:>9}] {work['title']}"
                + (" (terms of its own)" if work.get("terms") else "")
                + (f": {', '.join(shown)}" if shown else "")
            )
            if i >= MAX_LISTED and len(r.claim.works) > MAX_LISTED + 10:
                ctx.print(f"    … {len(r.claim.works) - i - 1} more (use --json for all)")
                break
        if r.unmatched:
            ctx.print(
                f"  {counted(len(r.unmatched), 'local file')} "
                f"{'matches' if len(r.unmatched) == 1 else 'match'} no work in this claim."
            )
        if r.skipped:
            ctx.print(
                f"  {counted(len(r.skipped), 'local file or folder', 'local files or folders')} "
                "could not be read (named on standard error): what they hold is not known."
            )
            for skipped in r.skipped[:MAX_SKIPPED_SHOWN]:
                ctx.warn(f"skipped {one_line(skipped.path)}: {skipped.reason}")
            if len(r.skipped) > MAX_SKIPPED_SHOWN:
                ctx.warn(f"skipped {len(r.skipped) - MAX_SKIPPED_SHOWN:,} more (--json lists all)")
