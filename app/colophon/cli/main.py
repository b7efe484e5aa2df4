"""``colophon``: with no arguments, the desktop app; with a command, a headless tool.

Each command lives in a module of its own that adds its parser in ``register(subparsers)`` and
sets ``run=function(ctx) -> int``. Errors are caught here, once: a `ColophonError` becomes one line
on stderr and its exit code, never a traceback (set ``COLOPHON_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sqlite3
import sys
import threading
import traceback
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from ..core.catalog import database_problem, is_environment_error
from ..core.errors import ColophonError
from . import bundles, contacts, exitcodes, identity, scan, works
from .context import Context

COMMAND_MODULES = [works, identity, bundles, contacts, scan]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2, like everything else."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(exitcodes.USAGE, f"colophon: error: {message} (see '{self.prog} --help')\n")


class _VersionAction(argparse.Action):
    """``--version``, looking the version up only when asked (it costs every start 20 ms)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        from .. import __version__

        print(f"colophon {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="colophon",
        description="Register your works, sign your terms for AI use, verify anyone's claims. "
        "Run without a command to open the desktop app.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    # open the window offscreen, close it, report (packaging/smoke_test.sh); not for people
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="folder holding the catalog (default: $COLOPHON_HOME or your user data folder)",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    _name_commands(parser)
    return parser


def _name_commands(parser: argparse.ArgumentParser) -> None:
    """Let every command know its own name, for errors found after parsing (`main`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                command.set_defaults(command_prog=command.prog)
                _name_commands(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or _only_gui_options(args_list) or _opens_claims(args_list):
        return _start_gui(args_list)
    args, extra = parser.parse_known_args(args_list)
    if extra:  # said by the command's own help, not the top-level one
        command = _Parser(prog=getattr(args, "command_prog", parser.prog))
        command.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.self_test:
        return _self_test()
    if not hasattr(args, "run"):
        return _start_gui(args_list)
    ctx = Context(args)
    try:
        with _terminate_as_interrupt(), _library_warnings_kept_quiet():
            return int(args.run(ctx))
    except (ColophonError, sqlite3.Error) as exc:
        if not (isinstance(exc, ColophonError) or is_environment_error(exc)):
            return _internal_error(ctx, exc)
        error = exc if isinstance(exc, ColophonError) else database_problem(exc)
        ctx.warn(f"error: {error.message}")
        if os.environ.get("COLOPHON_DEBUG"):
            traceback.print_exc(file=ctx.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        ctx.warn("cancelled.")
        return exitcodes.CANCELLED
    except BrokenPipeError:
        # The reader went away (`| head -1`): it had what it wanted, but a verdict decided
        # before printing still stands, since pipelines branch on it.
        _quiet_stdout()
        return exitcodes.OK if ctx.status is None else ctx.status
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        return _internal_error(ctx, exc)
    finally:
        ctx.close()


@contextlib.contextmanager
def _library_warnings_kept_quiet() -> Iterator[None]:
    """Keep the warnings libraries print for developers (Pillow's about a very large picture,
    say) out of what a person reads: what matters reaches them as Colophon's own words. With
    COLOPHON_DEBUG they are shown."""
    if os.environ.get("COLOPHON_DEBUG"):
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Take SIGTERM (what ``timeout``, ``kill`` and container runtimes send) as Ctrl-C is taken:
    the work stops between two steps, half-written files are removed and the command says so."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield  # not ours to change: a host program's handler, or one that ignores it
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _only_gui_options(args: list[str]) -> bool:
    """``colophon --home DIR`` (no command) also opens the app."""
    return len(args) == 2 and args[0] == "--home"


def _opens_claims(args: list[str]) -> bool:
    """``colophon CLAIM.colophon`` (or ``.intoto.json``): open the app to verify it."""
    rest = args[2:] if args[:1] == ["--home"] else args
    return bool(rest) and all(a.lower().endswith((".colophon", ".intoto.json")) for a in rest)


def _start_gui(args: list[str]) -> int:
    if _no_display():
        print(
            "colophon: error: the desktop app needs a display, and none is set (DISPLAY or "
            "WAYLAND_DISPLAY). Without one, use the commands (see 'colophon --help').",
            file=sys.stderr,
        )
        return exitcodes.ENVIRONMENT
    try:
        from ..gui.app import run_app
    except ImportError as exc:
        print(
            f"colophon: error: the desktop app cannot start ({exc}). "
            "Install the system libraries listed in README.md, or use a command "
            "(see 'colophon --help').",
            file=sys.stderr,
        )
        return exitcodes.ENVIRONMENT
    return run_app(args)


def _quiet_stdout() -> None:
    """Point standard output at nothing, so Python's last flush at exit finds no closed pipe."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # None: closed at start
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _no_display() -> bool:
    """On Linux, whether Qt would find no display to open a window on (and abort the process)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _self_test() -> int:
    try:
        from ..gui.selftest import run_self_test
    except ImportError as exc:
        from .. import __version__

        print(f"colophon {__version__} self-test FAILED: {exc}", file=sys.stdout)
        return exitcodes.ENVIRONMENT
    return run_self_test()


def _internal_error(ctx: Context, exc: BaseException) -> int:
    """A bug: said plainly, with the traceback for those who ask (COLOPHON_DEBUG)."""
    ctx.warn(f"internal error: {type(exc).__name__}: {exc}. Please report this.")
    if os.environ.get("COLOPHON_DEBUG"):
        traceback.print_exception(exc, file=ctx.stderr)
    return exitcodes.INTERNAL


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":  # python -m colophon.cli.main, as python -m colophon
    entry_point()
