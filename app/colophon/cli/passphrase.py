"""Passphrases on the command line: typed at the terminal, or read from a file or a variable.

Never from a plain argument: arguments show in ``ps`` output and shell history. Two kinds exist,
each with its own sources, so a script can give one without the other:

* a key file's passphrase: ``--passphrase-file FILE`` or ``COLOPHON_PASSPHRASE``;
* a backup's passphrase: ``--backup-passphrase-file FILE`` or ``COLOPHON_BACKUP_PASSPHRASE``.

A file gives its first line (the line break is not part of the passphrase); an empty variable
counts as unset. Without either, the passphrase is asked on the terminal (new ones twice); when
standard input is not a terminal the command fails at once with a message naming the options, so
a script never hangs on a prompt. On a terminal, a wrong passphrase may be typed again, up to
`MAX_ATTEMPTS` times in all.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from ..core.backup import WeakPassphrase, WrongPassphrase, check_new_passphrase
from ..core.errors import Cancelled, EnvironmentProblem, NotFoundError, UsageError
from ..core.keystore import PassphraseProvider, PassphraseRequest
from .context import Context

__all__ = [
    "BACKUP_ENV",
    "KEY_FILE_ENV",
    "MAX_ATTEMPTS",
    "NoPassphraseSource",
    "PassphraseSource",
    "add_passphrase_options",
    "backup_source",
    "key_file_source",
    "key_passphrase",
]

KEY_FILE_ENV = "COLOPHON_PASSPHRASE"
BACKUP_ENV = "COLOPHON_BACKUP_PASSPHRASE"
#: how many times a passphrase may be typed at the terminal before the command gives up
MAX_ATTEMPTS = 3
_MAX_FILE = 4096

T = TypeVar("T")


class NoPassphraseSource(UsageError):
    """A passphrase is needed, no file or variable gives it, and there is no terminal to ask."""


def _ask_terminal(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise Cancelled("No passphrase was entered; nothing was changed.") from None


@dataclass
class PassphraseSource:
    """Where one kind of passphrase (``what``: "key file" or "backup") comes from."""

    what: str
    option: str
    env: str
    file: str | None = None
    stdin: TextIO | None = None
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    ask: Callable[[str], str] = _ask_terminal

    # -- where from -------------------------------------------------------------------------
    def _given(self) -> str | None:
        """The passphrase from the file or the variable, or None if neither gives one."""
        if self.file is not None:
            return self._read_file(Path(self.file).expanduser())
        value = os.environ.get(self.env)
        return value if value else None

    def _read_file(self, path: Path) -> str:
        try:
            with path.open("rb") as fh:
                data = fh.read(_MAX_FILE + 1)
            mode = os.stat(path).st_mode
        except FileNotFoundError as exc:
            raise NotFoundError(f"There is no passphrase file {path}.") from exc
        except OSError as exc:
            raise EnvironmentProblem(f"Could not read {path}: {exc.strerror or exc}.") from exc
        if len(data) > _MAX_FILE:
            raise UsageError(f"{path} is too large to be a passphrase file.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(f"The passphrase file {path} is not UTF-8 text.") from exc
        if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
            self.stderr.write(
                f"colophon: warning: {path} can be read by other users; "
                "keep passphrase files private (chmod 600).\n"
            )
        return text.splitlines()[0] if text else ""

    @property
    def interactive(self) -> bool:
        """True when the passphrase will be typed at the terminal."""
        if self.file is not None or os.environ.get(self.env):
            return False
        stdin = self.stdin if self.stdin is not None else sys.stdin
        try:
            return stdin is not None and stdin.isatty()
        except (AttributeError, ValueError):  # closed or replaced streams
            return False

    def _unavailable(self) -> NoPassphraseSource:
        return NoPassphraseSource(
            f"The {self.what} passphrase is needed and there is no terminal to type it: "
            f"give it with {self.option} FILE or the environment variable {self.env}."
        )

    # -- asking -----------------------------------------------------------------------------
    def existing(self, prompt: str) -> str:
        """An existing passphrase (to open something); typed once."""
        given = self._given()
        if given is not None:
            return given
        if not self.interactive:
            raise self._unavailable()
        return self.ask(prompt)

    def new(self, prompt: str) -> str:
        """A new passphrase, checked for strength; at the terminal typed twice to catch typos."""
        given = self._given()
        if given is not None:
            check_new_passphrase(given)
            return given
        if not self.interactive:
            raise self._unavailable()
        for _ in range(MAX_ATTEMPTS):
            first = self.ask(prompt)
            try:
                check_new_passphrase(first)
            except WeakPassphrase as exc:
                self.stderr.write(f"{exc.message} Please choose another.\n")
                continue
            if self.ask("Type it again: ") == first:
                return first
            self.stderr.write("The two entries differ; please try again.\n")
        raise UsageError(f"No passphrase was set after {MAX_ATTEMPTS} tries; nothing was changed.")

    def provider(self) -> PassphraseProvider:
        """A callback for `KeyStore`: asks (or reads) the key file's passphrase when needed."""

        def provide(request: PassphraseRequest) -> str:
            return self.existing(f"{request.prompt}: ")

        return provide

    def retrying(self, action: Callable[[], T]) -> T:
        """Run ``action``; at the terminal, run it again after a wrong passphrase (3 tries)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return action()
            except WrongPassphrase:
                if not self.interactive or attempt == MAX_ATTEMPTS:
                    raise
                self.stderr.write("That passphrase is wrong; please try again.\n")
        raise AssertionError("unreachable")  # pragma: no cover


def key_file_source(file: str | None, stderr: TextIO | None = None) -> PassphraseSource:
    """The source of a key file's passphrase (``--passphrase-file``, ``COLOPHON_PASSPHRASE``)."""
    return PassphraseSource(
        "key file", "--passphrase-file", KEY_FILE_ENV, file, stderr=stderr or sys.stderr
    )


def backup_source(file: str | None, stderr: TextIO | None = None) -> PassphraseSource:
    """The source of a backup's passphrase (``--backup-passphrase-file``, ``..._BACKUP_...``)."""
    return PassphraseSource(
        "backup", "--backup-passphrase-file", BACKUP_ENV, file, stderr=stderr or sys.stderr
    )


def add_passphrase_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--passphrase-file FILE`` to a command that may unlock a key file."""
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help=f"read the key file's passphrase from FILE (or set {KEY_FILE_ENV}); "
        "default: ask on the terminal",
    )


def key_passphrase(ctx: Context) -> PassphraseProvider:
    """The key file's passphrase callback for a command with `add_passphrase_options`.

    Used only when the key is in a key file; a key in the keyring needs no passphrase.
    """
    return key_file_source(getattr(ctx.args, "passphrase_file", None), ctx.stderr).provider()
