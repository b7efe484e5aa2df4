"""Commands about the catalog of works: add, list, show, edit, check."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.catalog import WORK_ORDERS, Contributor, Work
from ..core.check import STATUSES, check
from ..core.errors import UsageError
from ..core.profile import UseTerm
from ..core.register import register as register_paths
from ..core.terms import in_words
from . import exitcodes
from .context import Context, counted, one_line
from .identity import parse_term
from .progressbar import progress_bar


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("add", help="register files or folders as works")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursively)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run_add)

    p = sub.add_parser("list", help="list registered works")
    p.add_argument(
        "--search",
        metavar="TEXT",
        help="only works with each word of TEXT in their title, description, tags, path or digest",
    )
    p.add_argument(
        "--kind", choices=["image", "audio", "video", "text", "code", "document", "other"]
    )
    p.add_argument(
        "--sort",
        choices=list(WORK_ORDERS),
        default="added",
        help="order by the date added (the default), title, kind or creation date",
    )
    p.add_argument("--reverse", action="store_true", help="in the opposite order")
    p.add_argument("--json", action="store_true", help="print the works as JSON")
    p.set_defaults(run=run_list)

    p = sub.add_parser("show", help="show one work")
    p.add_argument("ref", metavar="ID|DIGEST", help="work id, or its digest (or 8+ first digits)")
    p.add_argument("--json", action="store_true", help="print the work as JSON")
    p.set_defaults(run=run_show)

    p = sub.add_parser(
        "remove",
        help="forget works: the catalog no longer lists them (the files are not touched)",
        description="Forget works: the catalog no longer lists them. The files on disk are not "
        "touched, and bundles already exported still claim the works; adding the files again "
        "registers them anew.",
    )
    p.add_argument("refs", nargs="+", metavar="ID|DIGEST", help="the works: ids or digests")
    p.add_argument("--json", action="store_true", help="print what was removed as JSON")
    p.set_defaults(run=run_remove)

    p = sub.add_parser("edit", help="change a work's title, description, date, tags, contributors")
    p.add_argument("ref", metavar="ID|DIGEST", help="the work: its id, or its digest's start")
    p.add_argument("--title", help="the new title")
    p.add_argument("--description", help="the new description ('' removes it)")
    p.add_argument("--created", metavar="DATE", help="YYYY-MM-DD or an ISO 8601 date-time")
    p.add_argument(
        "--tag", action="append", metavar="TAG", help="set the tags (repeat for several)"
    )
    p.add_argument("--clear-tags", action="store_true", help="remove every tag")
    p.add_argument(
        "--contributor",
        action="append",
        metavar="NAME:ROLE:SHARE",
        help="set the contributors (repeat for several; shares in percent add up to 100)",
    )
    p.add_argument("--clear-contributors", action="store_true", help="remove every contributor")
    p.add_argument(
        "--term",
        action="append",
        metavar="USE=VALUE",
        help="this work's own term for one AI use, as for 'identity edit --term' (allowed, "
        "notAllowed, constrained:CONDITION), or USE=default to follow your profile again "
        "(repeat for several uses)",
    )
    p.add_argument(
        "--clear-terms", action="store_true", help="follow your profile's terms for every use"
    )
    p.add_argument("--json", action="store_true", help="print the changed work as JSON")
    p.set_defaults(run=run_edit)

    p = sub.add_parser("check", help="re-read registered files: report missing, moved, modified")
    p.add_argument(
        "folders", nargs="*", metavar="FOLDER", help="folders where moved files may now be"
    )
    p.add_argument(
        "--forget-missing",
        action="store_true",
        help="forget the missing locations of works still found at another of their places "
        "(a work's only place is kept, to be found again)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=run_check)


def run_add(ctx: Context) -> int:
    catalog = ctx.catalog()
    with progress_bar(ctx.stderr, enabled=not ctx.json) as progress:
        report = register_paths(catalog, ctx.args.paths, progress)
    if report.cancelled:
        status = exitcodes.CANCELLED
    else:
        status = exitcodes.FINDINGS if report.skipped else exitcodes.OK
    ctx.status = status
    if ctx.json:
        ctx.print_json(report.to_dict())
    else:
        ctx.print(
            f"{counted(len(report.added), 'new work')}, "
            f"{counted(report.new_paths, 'new location')} of known works, "
            f"{report.unchanged:,} unchanged, {len(report.skipped):,} skipped."
        )
        if report.new_versions:
            ctx.print(
                f"{counted(len(report.new_versions), 'file')} changed since registered: each new "
                "version is a new work with the earlier one's title, tags, contributors and "
                "terms; the earlier work keeps them too ("
                + ", ".join(f"{old} → {new}" for new, old in report.new_versions[:10])
                + (", …" if len(report.new_versions) > 10 else "")
                + ")."
            )
        for s in report.skipped:
            ctx.warn(f"skipped {s.path}: {s.reason}")
    if report.cancelled:
        ctx.warn("cancelled; the works registered so far are kept. Run the same command to finish.")
    return status


def run_list(ctx: Context) -> int:
    a = ctx.args
    works = ctx.catalog().list_works(
        search=a.search, kind=a.kind, order=a.sort, descending=a.reverse
    )
    if ctx.json:
        ctx.print_json([w.to_dict() for w in works])
        return exitcodes.OK
    if not works:
        ctx.print("No works." if not ctx.args.search else "No works match.")
        return exitcodes.OK
    for w in works:
        ctx.print(f"{w.id:>6}  {w.digest[:12]}  {w.kind:<8}  {w.created[:10]}  {one_line(w.title)}")
    return exitcodes.OK


def run_show(ctx: Context) -> int:
    work = ctx.catalog().get_work(ctx.args.ref)
    if ctx.json:
        ctx.print_json(work.to_dict())
    else:
        _print_work(ctx, work)
    return exitcodes.OK


def run_remove(ctx: Context) -> int:
    catalog = ctx.catalog()
    works = [catalog.get_work(ref) for ref in ctx.args.refs]  # all known before any is removed
    removed = catalog.remove_works(w.id for w in works)
    if ctx.json:
        ctx.print_json({"removed": [{"id": w.id, "title": w.title} for w in works]})
    else:
        ctx.print(f"Removed {counted(removed, 'work')} from the catalog; the files are untouched.")
    return exitcodes.OK


def run_edit(ctx: Context) -> int:
    a = ctx.args
    tags = [] if a.clear_tags else a.tag
    if a.clear_contributors and a.contributor:
        raise UsageError("Give --contributor or --clear-contributors, not both.")
    contributors = [] if a.clear_contributors else None
    if a.contributor:
        contributors = [parse_contributor(c) for c in a.contributor]
    if (
        all(v is None for v in (a.title, a.description, a.created, tags, contributors, a.term))
        and not a.clear_terms
    ):
        raise UsageError(
            "Nothing to change: give --title, --description, --created, --tag, --contributor "
            "or --term."
        )
    catalog = ctx.catalog()
    terms: dict[str, Any] | bool | None = False  # False: left as they are
    if a.term or a.clear_terms:
        terms = _own_terms({} if a.clear_terms else catalog.get_work(a.ref).terms, a.term or [])
    work = catalog.update_work(
        a.ref,
        title=a.title,
        description=a.description,
        created=a.created,
        tags=tags,
        contributors=contributors,
        terms=terms,
    )
    if ctx.json:
        ctx.print_json(work.to_dict())
    else:
        _print_work(ctx, work)
    return exitcodes.OK


def run_check(ctx: Context) -> int:
    with progress_bar(ctx.stderr, enabled=not ctx.json) as progress:
        report = check(
            ctx.catalog(), ctx.args.folders, progress, forget_missing=ctx.args.forget_missing
        )
    if report.cancelled:
        status = exitcodes.CANCELLED
    else:
        status = exitcodes.FINDINGS if report.problems else exitcodes.OK
    ctx.status = status
    if ctx.json:
        ctx.print_json(report.to_dict())
    else:
        always = ("ok", "modified", "missing", "moved")  # the others when there are some
        summary = ", ".join(
            f"{report.count(s)} {s}" for s in STATUSES if s in always or report.count(s)
        )
        checked = "Cancelled: only checked" if report.cancelled else "Checked"
        ctx.print(f"{checked} {counted(len(report.results), 'location')}: {summary}.")
        for r in report.problems:
            extra = f" -> {r.new_path}" if r.new_path else (f": {r.detail}" if r.detail else "")
            ctx.print(f"{r.status:<10} work {r.work_id}  {one_line(r.path)}{extra}")
        if report.count("moved") and not report.not_recorded:
            ctx.print("The catalog now knows the moved files by their new paths.")
        if report.count("forgotten") and not report.not_recorded:
            ctx.print("Locations forgotten: their works are known at another place each.")
    if report.cancelled:
        ctx.warn(
            "cancelled: files not yet checked are not listed, and a missing one may have moved."
        )
    if report.not_recorded:
        ctx.warn(f"what was found is not recorded in the catalog: {report.not_recorded}")
    return status


def _own_terms(current: dict[str, Any] | None, options: list[str]) -> dict[str, Any] | None:
    """A work's own terms after the --term options (None: it follows the profile for all)."""
    terms = dict(current or {})
    for text in options:
        name, sep, value = text.partition("=")
        if sep and value.strip().lower() == "default":
            use = parse_term(f"{name}=allowed")[0]  # the use, checked as for any other value
            terms.pop(use, None)
            continue
        use, value, condition = parse_term(text)
        term = UseTerm(value, condition)
        term.validate(f"--term {name.strip()}")
        terms[use] = term.to_dict()
    return terms or None


def parse_contributor(text: str) -> Contributor:
    """``Name:role:share`` (role and share optional; the name may itself contain colons)."""
    parts = text.rsplit(":", 2)
    if len(parts) == 3:
        name, role, share_text = parts
    elif len(parts) == 2:
        (name, role), share_text = parts, ""
    else:
        name, role, share_text = text, "", ""
    share_text = share_text.strip().rstrip("%")
    try:
        share = float(share_text) if share_text else None
    except ValueError:
        raise UsageError(
            f"In '{text}', the share '{share_text}' is not a number; use Name:role:percent."
        ) from None
    if not name.strip():
        raise UsageError(f"In '{text}', the contributor has no name; use Name:role:percent.")
    return Contributor(name.strip(), role.strip(), share)


def _print_work(ctx: Context, w: Work) -> None:
    ctx.print(f"Work {w.id}: {w.title}")
    ctx.print(f"  digest      sha256:{w.digest}")
    ctx.print(f"  kind        {w.kind}" + (f" ({w.mime})" if w.mime else ""))
    ctx.print(f"  size        {w.size:,} bytes")
    ctx.print(f"  created     {w.created}")
    ctx.print(f"  registered  {w.registered_at}")
    if w.description:
        ctx.print(f"  description {w.description}")
    if w.tags:
        ctx.print(f"  tags        {', '.join(w.tags)}")
    for c in w.contributors:
        notes = [c.role] if c.role else []
        if c.share is not None:
            notes.append(f"{c.share:g} %")
        ctx.print(f"  contributor {c.name}" + (f" ({', '.join(notes)})" if notes else ""))
    for question, answer in in_words(w.terms or {}):
        ctx.print(f"  own terms   {question}: {answer}")
    for p in w.paths:
        ctx.print(f"  path        {p}")
