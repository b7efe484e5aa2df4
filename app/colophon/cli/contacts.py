"""Commands about contacts: the signers you trust, each pinned to one key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.contacts import (
    ContactSource,
    SharedIdentity,
    UntrustedBundle,
    add_contact,
    check_not_compromised,
    find_by_keyid,
    key_news,
    list_contacts,
    name_taken,
    read_contact_source,
    remove_contact,
    rename_contact,
    resolve,
)
from ..core.errors import UsageError
from ..core.identity import record_events
from ..core.keyevents import KeyEvent, read_events_file
from ..core.keys import fingerprints_match, normalize_fingerprint
from . import exitcodes
from .bundles import VERIFY_EXIT
from .context import Context


def register(sub: argparse._SubParsersAction[Any]) -> None:
    contacts = sub.add_parser("contacts", help="signers you trust (pinned keys)")
    csub = contacts.add_subparsers(title="contact commands", metavar="COMMAND", required=True)

    p = csub.add_parser(
        "add",
        help="pin a signer's key from a public key file, an identity card or a bundle; "
        "or learn of a key's revocation or rotation from the file its owner sent",
        description="Pin a signer's key: FILE is what 'colophon identity export-public' writes, "
        "an identity card, or a bundle (its signer's key). A revocation or rotation file (what "
        "'colophon identity revoke' or 'rotate' writes) is learnt instead: claims by that key "
        "are then judged by it.",
    )
    p.add_argument("file", metavar="FILE", help="a public key file, identity card or bundle")
    p.add_argument("--name", help="the contact's name (default: the name in the card or bundle)")
    p.add_argument(
        "--same-person",
        nargs="?",
        const=True,
        default=False,
        metavar="CONTACT",
        help="this is another key of the contact CONTACT (name, id or fingerprint; by default "
        "the one contact the card shares a name or email with): either key signs as them",
    )
    p.add_argument(
        "--someone-else",
        action="store_true",
        help="the card gives the name (not the email) of a contact you have, but it is another "
        "person of that name",
    )
    p.add_argument(
        "--fingerprint",
        metavar="FINGERPRINT",
        help="the key's fingerprint as its owner gave it to you: the key is trusted only if it "
        "is this one (exit 11 otherwise)",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="trust the key without asking whether its fingerprint is the one you were given "
        "(without a terminal, --yes or --fingerprint is needed)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(run=run_add)

    p = csub.add_parser(
        "list", help="list your contacts", description="List the signers you trust, by name."
    )
    p.add_argument("--json", action="store_true", help="print the contacts as JSON")
    p.set_defaults(run=run_list)

    p = csub.add_parser(
        "rename",
        help="keep a contact under another name",
        description="Keep a contact under another name; the key stays pinned.",
    )
    p.add_argument("ref", metavar="NAME|ID|FINGERPRINT", help="the contact, as 'list' shows it")
    p.add_argument("new_name", metavar="NEW_NAME", help="the name to keep it under")
    p.add_argument("--json", action="store_true", help="print the contact as JSON")
    p.set_defaults(run=run_rename)

    p = csub.add_parser(
        "remove",
        help="stop trusting a contact",
        description="Stop trusting a contact: its claims are then from an unknown signer.",
    )
    p.add_argument("ref", metavar="NAME|ID|FINGERPRINT", help="the contact, as 'list' shows it")
    p.add_argument("--json", action="store_true", help="print the removed contact as JSON")
    p.set_defaults(run=run_remove)


def run_add(ctx: Context) -> int:
    events = read_events_file(ctx.args.file)
    if events is not None:
        return _learn(ctx, events)
    try:
        source = read_contact_source(ctx.args.file)
    except UntrustedBundle as exc:  # the exit status verify gives the same bundle
        ctx.warn(f"error: {exc.message}")
        return VERIFY_EXIT[exc.result.outcome]
    name = ctx.args.name or source.name
    if not name:
        raise UsageError("This file carries no name; give one with --name.")
    given = ctx.args.fingerprint
    if given is not None and not fingerprints_match(given, source.key.fingerprint):
        ctx.warn(
            f"error: this file holds the key {source.key.fingerprint}, not the one you were "
            f"given ({normalize_fingerprint(given)}); it was not trusted."
        )
        return exitcodes.KEY_MISMATCH
    catalog = ctx.catalog()
    pinned = find_by_keyid(catalog, source.key.keyid)
    if pinned is not None:  # run again (a pipeline's set-up step): nothing to do
        check_not_compromised(catalog, source.key)
        if ctx.json:
            ctx.print_json({**pinned.to_dict(), "already_pinned": True})
        else:
            ctx.print(f"Already trusted as {pinned.name}: {pinned.key.fingerprint}")
        return exitcodes.OK
    same = ctx.args.same_person
    owner = resolve(catalog, same) if isinstance(same, str) else same
    if ctx.args.fingerprint is None and not ctx.args.yes:
        if not sys.stdin.isatty():  # nobody to ask: trusting is said on the command line
            raise UsageError(
                f"Nothing was trusted: with no terminal to ask on, give the fingerprint the key's "
                f"owner gave you (--fingerprint) or add --yes. This key: {source.key.fingerprint}"
            )
        _confirm_fingerprint(ctx, name, source)
    try:
        contact = add_contact(
            catalog,
            source.key,
            name,
            source.card,
            same_person=owner,
            someone_else=ctx.args.someone_else,
        )
    except SharedIdentity as exc:
        how = "--same-person" if exc.by_email else "--same-person, or --someone-else"
        if name_taken(catalog, name):  # a name picks one contact: this key needs its own
            how += f", with --name NAME (a name of its own: {name!r} is taken)"
        raise UsageError(f"{exc.message} Add it again with {how}; if unsure, do not.") from exc
    if ctx.json:
        ctx.print_json({**contact.to_dict(), "already_pinned": False})
    else:
        ctx.print(f"Trusted {contact.name}: {contact.key.fingerprint}")
        if contact.display_name is not None:
            said = f" <{contact.email}>" if contact.email else ""
            ctx.print(f"Their card says: {contact.display_name}{said}")
        if ctx.args.fingerprint is None:
            ctx.print("Make sure this fingerprint is the one the creator gave you in person.")
    return exitcodes.OK


def _confirm_fingerprint(ctx: Context, name: str, source: ContactSource) -> None:
    """On a terminal, show the key and trust it only once the person says it is the right one."""
    said = f" (the file says: {source.name})" if source.name and source.name != name else ""
    ctx.confirm(
        f"The key of {name}{said} has the fingerprint\n"
        f"    {source.key.fingerprint}\n"
        "Trust it only if this is the fingerprint its owner gave you in person or over a channel "
        "you trust.\n",
        "Is it the same? Type 'yes' to trust this key: ",
        "yes",
        "Nothing was trusted.",
    )


def _learn(ctx: Context, events: list[KeyEvent]) -> int:
    new = record_events(ctx.catalog(), events)
    if ctx.json:
        ctx.print_json(
            {
                "learnt": new,
                "events": [
                    {
                        "event": e.event,
                        "fingerprint": e.key.fingerprint,
                        "description": e.describe(),
                    }
                    for e in events
                ],
            }
        )
        return exitcodes.OK
    for e in events:
        ctx.print(f"The key {e.key.fingerprint} was {e.describe()}.")
    if new:
        ctx.print("Learnt: claims signed by that key are now verified with this in mind.")
    else:
        ctx.print("Already known; nothing changed.")
    return exitcodes.OK


def run_list(ctx: Context) -> int:
    contacts = list_contacts(ctx.catalog())
    news = key_news(ctx.catalog(), contacts)
    if ctx.json:
        ctx.print_json([{**c.to_dict(), "key_news": news.get(c.key.keyid)} for c in contacts])
    elif not contacts:
        ctx.print("No contacts yet. Add one with 'colophon contacts add FILE'.")
    else:
        for c in contacts:
            said = f"  (key {news[c.key.keyid]})" if c.key.keyid in news else ""
            others = [o.name for o in contacts if o.person is not None and o.person == c.person]
            if len(others) > 1:  # one person's keys
                said += f"  (same person as {', '.join(o for o in others if o != c.name)})"
            ctx.print(f"{c.id:>4}  {c.name:<30}  {c.key.fingerprint}{said}")
    return exitcodes.OK


def run_rename(ctx: Context) -> int:
    contact = rename_contact(ctx.catalog(), ctx.args.ref, ctx.args.new_name)
    if ctx.json:
        ctx.print_json(contact.to_dict())
        return exitcodes.OK
    ctx.print(f"Renamed to {contact.name} ({contact.key.fingerprint}).")
    return exitcodes.OK


def run_remove(ctx: Context) -> int:
    contact = remove_contact(ctx.catalog(), ctx.args.ref)
    if ctx.json:
        ctx.print_json(contact.to_dict())
        return exitcodes.OK
    ctx.print(f"Removed {contact.name} ({contact.key.fingerprint}).")
    return exitcodes.OK
