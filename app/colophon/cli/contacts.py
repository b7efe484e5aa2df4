"""Commands about contacts: the signers you trust, each pinned to one key."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..core.bundle import read_bundle
from ..core.card import parse_card
from ..core.claimant import PublicKeyInfo
from ..core.contacts import add_contact, list_contacts, read_key_source, remove_contact
from ..core.errors import NotFoundError, UsageError
from ..core.verify import verify
from . import exitcodes
from .context import Context


def register(sub: argparse._SubParsersAction[Any]) -> None:
    contacts = sub.add_parser("contacts", help="signers you trust (pinned keys)")
    csub = contacts.add_subparsers(title="contact commands", metavar="COMMAND", required=True)

    p = csub.add_parser(
        "add", help="pin a signer's key from a public key file, an identity card or a bundle"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--name", help="the contact's name (default: the name in the card or bundle)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_add)

    p = csub.add_parser("list", help="list your contacts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_list)

    p = csub.add_parser("remove", help="stop trusting a contact")
    p.add_argument("ref", metavar="NAME|ID|FINGERPRINT")
    p.set_defaults(run=run_remove)


def run_add(ctx: Context) -> int:
    catalog = ctx.catalog()
    key, card, suggested = _key_from(ctx, ctx.args.file)
    name = ctx.args.name or suggested
    if not name:
        raise UsageError("This file carries no name; give one with --name.")
    for other in list_contacts(catalog):
        if other.name.casefold() == name.casefold():
            raise UsageError(
                f"A contact named {other.name!r} already exists "
                f"(key {other.key.fingerprint}); choose another --name."
            )
    contact = add_contact(catalog, key, name, card)
    if ctx.json:
        ctx.print_json(contact.to_dict())
    else:
        ctx.print(f"Trusted {contact.name}: {contact.key.fingerprint}")
        ctx.print("Make sure this fingerprint matches the one the creator gave you in person.")
    return exitcodes.OK


def _key_from(ctx: Context, path: str) -> tuple[PublicKeyInfo, dict[str, Any] | None, str | None]:
    if not os.path.isfile(path):
        raise NotFoundError(f"There is no file {path}.")
    with open(path, "rb") as fh:
        head = fh.read(2)
    if head == b"PK" or path.endswith(".intoto.json"):
        result = verify(path, None)
        if not result.outcome.intact or result.claim is None:
            raise UsageError(f"This bundle cannot be trusted: {result.message}")
        name = result.claim.claimant["displayName"]
        bundle = read_bundle(path)
        card = parse_card(bundle.identity_card).envelope if bundle.identity_card else None
        return result.claim.key, card, name
    key, card = read_key_source(path)
    name = parse_card(card).profile.display_name if card is not None else None
    return key, card, name


def run_list(ctx: Context) -> int:
    contacts = list_contacts(ctx.catalog())
    if ctx.json:
        ctx.print_json([c.to_dict() for c in contacts])
    elif not contacts:
        ctx.print("No contacts yet. Add one with 'colophon contacts add FILE'.")
    else:
        for c in contacts:
            ctx.print(f"{c.id:>4}  {c.name:<30}  {c.key.fingerprint}")
    return exitcodes.OK


def run_remove(ctx: Context) -> int:
    contact = remove_contact(ctx.catalog(), ctx.args.ref)
    ctx.print(f"Removed {contact.name} ({contact.key.fingerprint}).")
    return exitcodes.OK
