"""``colophon identity ...``: your key and profile: create, show, share, back up, rotate, revoke.

The private key lives in the system keyring, or with ``--key-file PATH`` in a key file protected
by a passphrase (see `colophon.cli.passphrase` for where passphrases come from). Nothing here
ever prints or writes a private key except ``backup``, which writes it encrypted.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from ..core import backup as backups
from ..core.catalog import catalog_file
from ..core.errors import ColophonError, UsageError
from ..core.fsutil import atomic_write, check_writable, require_folder
from ..core.identity import Identity, KeyRecord, check_revocable
from ..core.keyevents import REASONS, STATEMENT_ROOM, KeyEvent
from ..core.keystore import KeyLocation, KeyNotFound, KeyringUnavailable, KeyStore
from ..core.profile import (
    AI_GENERATIVE_TRAINING,
    AI_INFERENCE,
    AI_TRAINING,
    ALLOWED,
    COMPENSATION_MODELS,
    CONSTRAINED,
    DATA_MINING,
    NOT_ALLOWED,
    Compensation,
    PaymentChannel,
    Profile,
    ProfileError,
    check_currency_known,
)
from . import exitcodes
from .context import Context, output_name
from .passphrase import (
    PassphraseSource,
    add_passphrase_options,
    backup_source,
    key_file_source,
)

_PASSPHRASES = """\
passphrases:
  never given as arguments. The key file's passphrase comes from --passphrase-file FILE or the
  environment variable COLOPHON_PASSPHRASE; a backup's from --backup-passphrase-file FILE or
  COLOPHON_BACKUP_PASSPHRASE. Otherwise it is asked on the terminal (new ones twice); without a
  terminal the command stops at once. Wrong passphrase: exit status 3, nothing changed.
"""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    top = sub.add_parser(
        "identity",
        help="your identity: key, profile, backup, rotation, revocation",
        description="Your signing key and creator profile.",
        epilog=_PASSPHRASES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = top.add_subparsers(title="actions", metavar="ACTION", required=True)

    def action(name: str, help: str, run: Any, epilog: str = _PASSPHRASES) -> Any:
        p = actions.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(run=run)
        return p

    p = action("init", "create your identity: a new key and your profile", run_init)
    add_profile_options(p, creating=True)
    _key_file_options(p, "keep the new private key in this passphrase-protected file")
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = action("show", "show your profile, key and key history", run_show, epilog="")
    p.add_argument("--json", action="store_true", help="print everything as JSON")

    p = action("edit", "change your profile (only the options given)", run_edit, epilog="")
    add_profile_options(p, creating=False)
    p.add_argument("--json", action="store_true", help="print the profile as JSON")

    p = action("export-public", "write your public key (PEM and ssh line)", run_export_public, "")
    _output_options(p, required=False, what="the public key")

    p = action("card", "write your signed identity card for others to pin", run_card)
    _output_options(p, required=False, what="the card")
    _key_file_options(p)

    p = action("backup", "write an encrypted backup of your private key", run_backup)
    _output_options(p, required=True, what="the backup")
    _key_file_options(p)
    _backup_options(p)

    p = action("restore", "bring your key back from a backup", run_restore)
    p.add_argument("file", metavar="FILE", help="a backup (or an OpenSSH Ed25519 key file)")
    p.add_argument("--name", help="your name, if this catalog has no profile yet")
    p.add_argument("--fingerprint", metavar="FP", help="refuse the file unless its key has FP")
    p.add_argument(
        "--accept-unencrypted",
        action="store_true",
        help="read a key file that has no passphrase (then make an encrypted backup)",
    )
    _key_file_options(p, "keep the restored private key in this passphrase-protected file")
    _backup_options(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = action(
        "rotate", "replace your key; the old key signs a statement naming the new", run_rotate
    )
    p.add_argument("--comment", metavar="TEXT", help="a note kept in the signed statement")
    _key_file_options(p, "keep the new private key in this (new) passphrase-protected file")
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = action("revoke", "withdraw your key for good, with a signed statement", run_revoke)
    p.add_argument(
        "--reason",
        required=True,
        choices=REASONS,
        help="compromised: every claim it signed is withdrawn; superseded, retired: claims "
        "from now on",
    )
    p.add_argument("--comment", metavar="TEXT", help="a note kept in the signed statement")
    p.add_argument("--key", metavar="FP", help="revoke this older key instead of the active one")
    p.add_argument(
        "--from-backup",
        metavar="BACKUP",
        help="sign with the key as this backup holds it (a key no longer in the keyring or its "
        "key file); its passphrase as for restore",
    )
    _backup_options(p)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _output_options(p, required=True, what="the signed revocation statement")
    _key_file_options(p)

    p = action("events", "write the signed statements about your keys", run_events, epilog="")
    _output_options(p, required=False, what="the statements (a JSON array)")


def _key_file_options(p: argparse.ArgumentParser, key_file_help: str | None = None) -> None:
    if key_file_help:
        p.add_argument("--key-file", metavar="PATH", help=key_file_help)
    add_passphrase_options(p)


def _backup_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--backup-passphrase-file",
        metavar="FILE",
        help="read the backup's passphrase from FILE (or set COLOPHON_BACKUP_PASSPHRASE); "
        "default: ask on the terminal",
    )


def _output_options(p: argparse.ArgumentParser, *, required: bool, what: str) -> None:
    where = "write " + what + " to FILE" + ("" if required else " (default: print it)")
    p.add_argument("-o", "--output", metavar="FILE", required=required, help=where)
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")


# --- helpers -----------------------------------------------------------------------------------


def _identity(ctx: Context) -> Identity:
    return Identity(ctx.catalog())


def _key_source(ctx: Context) -> PassphraseSource:
    return key_file_source(getattr(ctx.args, "passphrase_file", None), ctx.stderr)


def _new_location(ctx: Context, store: KeyStore) -> KeyLocation:
    """``--key-file PATH`` or the keyring, which must then be usable (checked before anything)."""
    if ctx.args.key_file:
        location = KeyLocation.file(ctx.args.key_file)
        assert location.path is not None
        if location.path.exists():
            raise UsageError(f"{location.path} already exists; choose a new file for the key.")
        require_folder(location.path)
        return location
    try:
        store.check_keyring()
    except KeyringUnavailable as exc:
        raise KeyringUnavailable(
            f"The system keyring cannot hold your private key: {exc.details or exc.message}. "
            "Use --key-file PATH to keep it in a key file protected by a passphrase instead.",
            details=exc.details,
        ) from exc
    return KeyLocation.keyring()


def _new_key_passphrase(ctx: Context, location: KeyLocation) -> str | None:
    if location.kind != "file":
        return None
    return _key_source(ctx).new(f"New passphrase for the key file {location.path}: ")


def _check_output(given: str, force: bool) -> None:
    """Refuse an output file that cannot be written as asked (before anything is done)."""
    path = output_name(given)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name.")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; add --force to replace it.")
    require_folder(path)


def _emit(ctx: Context, text: str, what: str) -> None:
    """Write public ``text`` to ``--output`` (checked, atomically) or print it."""
    if ctx.args.output is None:
        ctx.write(text)
        return
    _check_output(ctx.args.output, ctx.args.force)
    path = Path(ctx.args.output)
    atomic_write(path, text.encode("utf-8"), mode=0o644)
    ctx.print(f"Wrote {what} to {path}.")


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _key_lines(ctx: Context, key: KeyRecord, label: str) -> None:
    ctx.print(f"{label}")
    ctx.print(f"  fingerprint  {key.fingerprint}")
    ctx.print(f"  key id       {key.keyid}")
    ctx.print(f"  kept in      {key.location.describe()}")


def _backup_hint(ctx: Context) -> None:
    ctx.print("Back up the private key now: colophon identity backup -o FILE")


# --- commands ----------------------------------------------------------------------------------


def run_init(ctx: Context) -> int:
    store = KeyStore()
    location = _new_location(ctx, store)  # before the catalog exists, so a refusal leaves nothing
    passphrase: str | None = None
    fresh = not catalog_file(ctx.home).exists()
    if fresh:  # no catalog to read yet: what may be refused is, before one is made
        _validate(apply_profile_options(Profile(_name(ctx)), ctx.args))
        passphrase = _new_key_passphrase(ctx, location)
    identity = Identity(ctx.catalog(), store)
    existing = identity.profile()
    profile = apply_profile_options(existing or Profile(_name(ctx)), ctx.args)
    _validate(profile)
    active = identity.active_key()
    if active is not None:  # said before any passphrase is asked
        raise UsageError(
            f"An identity already exists (key {active.fingerprint}); back it up, rotate it "
            "or revoke it instead."
        )
    if not fresh:
        passphrase = _new_key_passphrase(ctx, location)
    record = identity.create(profile, location, passphrase)
    if ctx.json:
        ctx.print_json({"profile": profile.to_dict(), "key": record.to_dict()})
        return exitcodes.OK
    ctx.print(f"Created the identity of {profile.display_name}.")
    _key_lines(ctx, record, "Key")
    _backup_hint(ctx)
    return exitcodes.OK


def _name(ctx: Context) -> str:
    if not ctx.args.name:
        raise UsageError("Give your name with --name NAME.")
    return str(ctx.args.name)


def run_show(ctx: Context) -> int:
    identity = _identity(ctx)
    profile = identity.require_profile()
    active = identity.active_key()
    history = identity.keys()
    present = _presence(identity, active) if active else None
    if ctx.json:
        ctx.print_json(
            {
                "profile": profile.to_dict(),
                "active_key": None if active is None else {**active.to_dict(), "present": present},
                "keys": [k.to_dict() for k in history],
                "events": [_event_dict(e) for e in identity.own_events()],
            }
        )
        return exitcodes.OK
    for line in profile_lines(profile):
        ctx.print(line)
    if active is None:
        ctx.print("No active key: it was revoked. Make a new one with 'colophon identity init'.")
    else:
        _key_lines(ctx, active, "Key (active)")
        if present is False:
            ctx.print("  warning      the private key is missing there; restore it from a backup")
    if len(history) > 1 or active is None:
        ctx.print("History")
        for k in history:
            when = k.revoked_at or k.retired_at or k.created_at
            reason = f" ({k.reason})" if k.reason else ""
            ctx.print(f"  {k.status + reason:<22} {k.fingerprint}  {when}")
    return exitcodes.OK


def _presence(identity: Identity, key: KeyRecord) -> bool | None:
    """Whether the private key is where the catalog says (None: the keyring cannot tell)."""
    try:
        return identity.store.has_key(key.keyid, key.location)
    except ColophonError:
        return None


def _event_dict(event: KeyEvent) -> dict[str, Any]:
    return {
        "event": event.event,
        "keyid": event.keyid,
        "newKeyid": event.new_key.keyid if event.new_key else None,
        "reason": event.reason,
        "effective": event.effective.isoformat().replace("+00:00", "Z"),
        "comment": event.comment,
    }


def run_edit(ctx: Context) -> int:
    identity = _identity(ctx)
    current = identity.require_profile()
    changed = apply_profile_options(current, ctx.args)
    if changed == current:
        raise UsageError("Nothing to change: give the profile options to change (see --help).")
    _validate(changed)
    identity.save_profile(changed)
    if ctx.json:
        ctx.print_json(changed.to_dict())
    else:
        for line in profile_lines(changed):
            ctx.print(line)
    return exitcodes.OK


def run_export_public(ctx: Context) -> int:
    _emit(ctx, _identity(ctx).public_text(), "your public key")
    return exitcodes.OK


def run_card(ctx: Context) -> int:
    identity = _identity(ctx)
    identity.require_key()
    if ctx.args.output is not None:
        _check_output(ctx.args.output, ctx.args.force)
    source = _key_source(ctx)
    envelope = source.retrying(lambda: identity.card(source.provider()))
    _emit(ctx, _json_text(envelope), "your identity card")
    return exitcodes.OK


def run_backup(ctx: Context) -> int:
    identity = _identity(ctx)
    key = identity.require_key()
    _check_output(ctx.args.output, ctx.args.force)
    path = Path(ctx.args.output)
    passphrase = backup_source(ctx.args.backup_passphrase_file, ctx.stderr).new(
        "New passphrase for the backup: "
    )
    source = _key_source(ctx)
    source.retrying(
        lambda: identity.backup(path, passphrase, source.provider(), overwrite=ctx.args.force)
    )
    ctx.print(f"Wrote an encrypted backup of the key {key.fingerprint} to {path}.")
    ctx.print("Keep its passphrase apart from the file. Without Colophon: ssh-keygen -y -f FILE")
    return exitcodes.OK


def run_restore(ctx: Context) -> int:
    a = ctx.args
    info = backups.inspect_backup(a.file)  # a file that is no key file fails before any question
    if not info.encrypted and not a.accept_unencrypted:
        raise backups.UnencryptedBackup(
            f"{a.file} is not protected by a passphrase; add --accept-unencrypted to read it, "
            "then make an encrypted backup and delete that file."
        )
    store = KeyStore()
    location = _new_location(ctx, store)
    identity = Identity(ctx.catalog(), store)
    current = identity.profile()
    if a.name and current is not None and a.name != current.display_name:  # before any question
        raise UsageError(
            f"This catalog has a profile already, in the name of {current.display_name!r}; "
            "restore without --name, and change the name with 'colophon identity edit --name'."
        )
    passphrase: str | None = None
    if info.encrypted:
        source = backup_source(a.backup_passphrase_file, ctx.stderr)

        def opened() -> str:
            given = source.existing(f"Passphrase of the backup {a.file}: ")
            backups.read_backup(a.file, given, expected_fingerprint=a.fingerprint, what="backup")
            return given

        passphrase = source.retrying(opened)
    profile = Profile(a.name) if a.name and current is None else None
    record = identity.restore(
        a.file,
        passphrase,
        location,
        _new_key_passphrase(ctx, location),
        profile,
        expected_fingerprint=a.fingerprint,
        allow_unencrypted=a.accept_unencrypted,
    )
    if ctx.json:
        ctx.print_json({"key": record.to_dict()})
        return exitcodes.OK
    _key_lines(ctx, record, "Restored the key")
    if not info.encrypted:
        _backup_hint(ctx)
    return exitcodes.OK


def run_rotate(ctx: Context) -> int:
    identity = _identity(ctx)
    old = identity.require_key()
    if not ctx.args.key_file and old.location.kind == "file":
        raise UsageError(
            "Your key is in a key file: give --key-file PATH, a new file for the new key."
        )
    location = _new_location(ctx, identity.store)
    new_passphrase = _new_key_passphrase(ctx, location)
    source = _key_source(ctx)
    new = source.retrying(
        lambda: identity.rotate(location, new_passphrase, source.provider(), ctx.args.comment)
    )
    if ctx.json:
        ctx.print_json({"old": old.to_dict(), "new": new.to_dict()})
        return exitcodes.OK
    ctx.print("Rotated your key; the old key signed a statement naming the new one.")
    ctx.print(f"  old  {old.fingerprint}  (retired)")
    ctx.print(f"  new  {new.fingerprint}  ({new.location.describe()})")
    _backup_hint(ctx)
    return exitcodes.OK


def run_revoke(ctx: Context) -> int:
    a = ctx.args
    identity = _identity(ctx)
    key = identity.find_key(a.key) if a.key else identity.require_key()
    check_revocable(key, a.reason)  # said before any file or question
    _check_output(a.output, a.force)
    path = Path(a.output)
    check_writable(path, room=STATEMENT_ROOM)  # said before the key is revoked, not after
    if a.from_backup:
        backups.inspect_backup(a.from_backup)  # a file that is no key file fails before asking
    if not a.yes:
        _confirm_revocation(ctx, key, a.reason)
    if a.from_backup:
        given = backup_source(a.backup_passphrase_file, ctx.stderr)
        statement = given.retrying(
            lambda: identity.revoke(
                a.reason,
                comment=a.comment,
                keyid=key.keyid,
                from_backup=a.from_backup,
                backup_passphrase=given.existing(f"Passphrase of the backup {a.from_backup}: "),
            )
        )
    else:
        source = _key_source(ctx)
        try:
            statement = source.retrying(
                lambda: identity.revoke(a.reason, source.provider(), a.comment, keyid=key.keyid)
            )
        except KeyNotFound as exc:  # its backup can still sign the revocation
            raise KeyNotFound(
                f"{exc.message.removesuffix('.')}, or revoke it with its backup: "
                "--from-backup FILE."
            ) from exc
    try:
        atomic_write(path, _json_text(statement).encode("utf-8"), mode=0o644)
    except ColophonError as exc:
        raise type(exc)(
            f"The key is revoked, but the statement could not be written ({exc.message}); "
            "write it again with 'colophon identity events -o FILE'."
        ) from exc
    if ctx.json:
        ctx.print_json({"revoked": key.keyid, "reason": a.reason, "statement": str(path)})
        return exitcodes.OK
    ctx.print(f"Revoked the key {key.fingerprint} ({a.reason}).")
    ctx.print(f"Send {path} to everyone who has your key; Colophon verifiers honor it.")
    if key.status == "active":
        ctx.print("To sign again, make a new key: colophon identity init")
    return exitcodes.OK


def _confirm_revocation(ctx: Context, key: KeyRecord, reason: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError(
            "Revoking a key cannot be undone; add --yes to confirm when not on a terminal."
        )
    effect = (
        "every claim it ever signed will be reported as withdrawn"
        if reason == "compromised"
        else "claims it signs from now on will be reported as withdrawn"
    )
    ctx.confirm(
        f"You are about to revoke the key {key.fingerprint} ({reason}): it will never sign "
        f"again, and {effect}. This cannot be undone.\n",
        "Type 'revoke' to confirm: ",
        "revoke",
        "Nothing was revoked.",
    )


def run_events(ctx: Context) -> int:
    events = [e.envelope for e in _identity(ctx).own_events()]
    _emit(ctx, _json_text(events), f"{len(events)} key statement{'s' if len(events) != 1 else ''}")
    return exitcodes.OK


# --- profile options ---------------------------------------------------------------------------

#: short names for the four CAWG uses on the command line (the full names work too)
USE_NAMES = {
    "training": AI_TRAINING,
    "generative-training": AI_GENERATIVE_TRAINING,
    "inference": AI_INFERENCE,
    "data-mining": DATA_MINING,
}
_VALUE_NAMES = {
    "allowed": ALLOWED,
    "notallowed": NOT_ALLOWED,
    "not-allowed": NOT_ALLOWED,
    "constrained": CONSTRAINED,
}


#: the option that sets each profile field (a `ProfileError` names the field)
_OPTION_OF_FIELD = {
    "displayName": "--name",
    "email": "--email",
    "website": "--website",
    "handles": "--handle",
    "compensation.model": "--compensation",
    "compensation.amount": "--amount",
    "compensation.currency": "--currency",
    "compensation.contact": "--contact",
    "terms": "--term",
}
_OPTION_OF_CHANNEL = {"openPayments": "--wallet", "payto": "--payto", "url": "--url"}


def _validate(profile: Profile) -> None:
    """`Profile.validate`, with a fault named by the option that set it (not its JSON path)."""
    try:
        profile.validate()
    except ProfileError as exc:
        named = _by_option(exc, profile)
        if named is None:
            raise
        raise named from exc


def _by_option(exc: ProfileError, profile: Profile) -> UsageError | None:
    """``exc`` said of the option that gave the field (None if no option gives it)."""
    field = exc.field
    option = next(
        (o for f, o in _OPTION_OF_FIELD.items() if field == f or field.startswith(f + ".")), None
    )
    if field.startswith("paymentChannels["):
        index = int(field[len("paymentChannels[") : field.index("]")])
        channels = profile.payment_channels
        kind = channels[index].kind if index < len(channels) else None
        option = _OPTION_OF_CHANNEL.get(kind or "")
    return None if option is None else UsageError(f"{option}: {exc.problem}")


def add_profile_options(p: argparse.ArgumentParser, *, creating: bool) -> None:
    """The options that set profile fields, shared by ``init`` and ``edit``."""
    who = p.add_argument_group("profile")
    who.add_argument(
        "--name",
        help="your name as others see it" + (" (needed the first time)" if creating else ""),
    )
    who.add_argument("--email", help="contact address ('' removes it)")
    who.add_argument("--website", metavar="URL", help="your web site ('' removes it)")
    who.add_argument(
        "--handle",
        action="append",
        metavar="SERVICE=HANDLE",
        help="e.g. mastodon=@ada@example.social; SERVICE= removes one (repeat)",
    )
    pay = p.add_argument_group(
        "payment channels (given ones replace the list)" if not creating else "payment channels"
    )
    pay.add_argument(
        "--wallet", action="append", metavar="URL", help="Open Payments wallet address"
    )
    pay.add_argument(
        "--payto", action="append", metavar="URI", help="payto URI (RFC 8905), payto://iban/..."
    )
    pay.add_argument("--url", action="append", metavar="URL", help="a web page to pay you")
    if not creating:
        who.add_argument("--clear-handles", action="store_true", help="remove every handle")
        pay.add_argument("--clear-payments", action="store_true", help="remove every channel")
    terms = p.add_argument_group("default terms for AI use (each notAllowed unless stated)")
    terms.add_argument(
        "--term",
        action="append",
        metavar="USE=VALUE",
        help="USE: training (of models that generate nothing), generative-training, inference, "
        "data-mining (or the cawg.* name); "
        "VALUE: allowed, notAllowed, or constrained:CONDITION in words. "
        "E.g. --term inference=allowed --term 'training=constrained:licence needed' (repeat)",
    )
    terms.add_argument("--compensation", choices=COMPENSATION_MODELS, help="what you ask for")
    terms.add_argument("--amount", metavar="DECIMAL", help="e.g. 0.05 (a percent for revenueShare)")
    terms.add_argument("--currency", metavar="CODE", help="ISO 4217 code, e.g. EUR")
    terms.add_argument("--contact", metavar="TEXT", help="whom to ask about licensing")


def apply_profile_options(base: Profile, args: argparse.Namespace) -> Profile:
    """A copy of ``base`` with the fields the options name changed (validated by the caller)."""
    profile = copy.deepcopy(base)
    if args.name is not None:
        profile.display_name = args.name
    if args.email is not None:
        profile.email = args.email or None
    if args.website is not None:
        profile.website = args.website or None
    if getattr(args, "clear_handles", False):
        profile.handles = {}
    for item in args.handle or []:
        service, sep, handle = item.partition("=")
        if not sep or not service.strip():
            raise UsageError(f"--handle {item!r}: write SERVICE=HANDLE, e.g. mastodon=@ada@x.org.")
        if handle.strip():
            profile.handles[service.strip()] = handle.strip()
        else:
            profile.handles.pop(service.strip(), None)
    channels = [
        *(PaymentChannel("openPayments", v) for v in args.wallet or []),
        *(PaymentChannel("payto", v) for v in args.payto or []),
        *(PaymentChannel("url", v) for v in args.url or []),
    ]
    if channels or getattr(args, "clear_payments", False):
        profile.payment_channels = channels
    for item in args.term or []:
        use, value, condition = parse_term(item)
        profile.terms = profile.terms.with_use(use, value, condition)
    if any(v is not None for v in (args.compensation, args.amount, args.currency, args.contact)):
        old = profile.compensation
        # Another model gives an amount another meaning (a fee, a percent, none at all): the
        # old amount and currency are kept only with the old model.
        kept = old if args.compensation in (None, old.model) else Compensation(old.model)
        profile.compensation = Compensation(
            model=args.compensation or old.model,
            amount=kept.amount if args.amount is None else (args.amount or None),
            currency=kept.currency if args.currency is None else (args.currency.upper() or None),
            contact=old.contact if args.contact is None else (args.contact or None),
        )
        if args.currency:  # typed now: a code ISO 4217 lists
            try:
                check_currency_known(profile.compensation.currency)
            except ProfileError as exc:
                raise UsageError(f"--currency: {exc.problem}") from exc
    return profile


def parse_term(text: str) -> tuple[str, str, str | None]:
    """``USE=VALUE`` of a --term option: the CAWG use, its value, and the condition if any."""
    name, sep, value = text.partition("=")
    use = USE_NAMES.get(name.strip().lower(), name.strip())
    if not sep or use not in USE_NAMES.values():
        raise UsageError(
            f"--term {text!r}: write USE=VALUE with USE one of {', '.join(USE_NAMES)}."
        )
    kind, colon, condition = value.partition(":")
    term = _VALUE_NAMES.get(kind.strip().lower())
    if term is None:
        raise UsageError(
            f"--term {text!r}: the value is allowed, notAllowed or constrained:CONDITION."
        )
    if term == CONSTRAINED:
        if not condition.strip():
            raise UsageError(f"--term {text!r}: say the condition, as in constrained:CONDITION.")
        return use, term, condition.strip()
    if colon:
        raise UsageError(f"--term {text!r}: only a constrained use takes a condition.")
    return use, term, None


def profile_lines(profile: Profile) -> list[str]:
    """The profile as aligned lines for people."""
    lines = [profile.display_name]
    if profile.email:
        lines.append(f"  email        {profile.email}")
    if profile.website:
        lines.append(f"  website      {profile.website}")
    for service, handle in profile.handles.items():
        lines.append(f"  handle       {service}: {handle}")
    for channel in profile.payment_channels:
        lines.append(f"  payment      {channel.kind} {channel.value}")
    short = {use: name for name, use in USE_NAMES.items()}
    for use, term in profile.terms.entries.items():
        condition = f" ({term.constraint_info})" if term.constraint_info else ""
        lines.append(f"  AI use       {short[use]:<20} {term.use}{condition}")
    c = profile.compensation
    amount = f" {c.amount}" + (f" {c.currency}" if c.currency else "%") if c.amount else ""
    contact = f", contact {c.contact}" if c.contact else ""
    lines.append(f"  compensation {c.model}{amount}{contact}")
    return lines
