"""What every command gets: the parsed options, the output streams, the catalog (opened lazily)."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..core import strictjson
from ..core.catalog import Catalog
from ..core.errors import Cancelled, DiskFullError, EnvironmentProblem, UsageError
from ..core.pathtext import readable


@dataclass
class Context:
    args: argparse.Namespace
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _catalog: Catalog | None = None
    #: the exit status a command has decided on before it prints (a verdict), kept if the
    #: reader of its output goes away part-way (`| head -1`)
    status: int | None = None

    @property
    def home(self) -> str | None:
        return getattr(self.args, "home", None)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.open(self.home)
        return self._catalog

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def print(self, *parts: object) -> None:
        self.write(" ".join(shown(str(part)) for part in parts) + "\n")

    def write(self, text: str) -> None:
        """Put ``text`` on standard output: all of it, or an error that says why.

        Python's own buffered writing can drop what a nearly full disk did not take and report
        nothing, and a pipeline would then take a cut-off document for a whole one. So output
        going to a file or a pipe is written with the system's own calls, until every byte is
        taken; a full disk becomes `DiskFullError` (exit 5), a reader gone `BrokenPipeError`
        (`main` keeps the verdict), and a closed output the latter too.
        """
        stream = self.stdout
        if stream is None:  # started with standard output closed (``>&-``): no reader
            raise BrokenPipeError("standard output is closed")
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # not a file (tests capture into text)
            fd = None
        if fd is None or stream.isatty():  # a terminal: its stream knows how to show the text
            stream.write(text)
            stream.flush()
            return
        data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
        try:
            stream.flush()  # anything written through the stream before goes first
            while data:
                data = data[os.write(fd, data) :]
        except BrokenPipeError:
            raise
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFullError(
                    "The output could not be written whole: no space is left on the disk."
                ) from exc
            raise EnvironmentProblem(
                f"The output could not be written whole: {exc.strerror or exc}."
            ) from exc

    def warn(self, message: str) -> None:
        print(f"colophon: {shown(message)}", file=self.stderr)

    def confirm(self, explanation: str, prompt: str, word: str, refused: str) -> None:
        """On a terminal: explain, and go on only once the person types ``word``; otherwise
        `Cancelled` with the ``refused`` sentence (an empty line or end of input refuses)."""
        self.stderr.write(explanation + prompt)  # never into the output (--json, a pipe)
        self.stderr.flush()
        try:
            answer = input()
        except EOFError:
            answer = ""
        if answer.strip().lower() != word:
            raise Cancelled(refused)

    def print_json(self, data: Any) -> None:
        text = strictjson.pretty(data)
        # JSON already escapes U+0000-U+001F; DEL and the C1 controls it would write raw.
        self.write(text.translate(_JSON_ESCAPES) + "\n")


def output_name(given: str, what: str = "the file") -> Path:
    """The file ``-o`` names; an empty name (a script's unset variable) is refused rather than
    taken for the current folder."""
    if not given.strip():
        raise UsageError(f"An empty file name was given with -o: name {what} to write.")
    return Path(given)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun`` in agreement: "1 bundle", "3 bundles", "2 exact copies"."""
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"


# Characters a terminal takes as commands: an escape sequence in a stranger's name or web
# address could clear the screen, rewrite what was printed ("INVALID" into "VALID"), or set the
# window title. Likewise line and paragraph separators (a line of its own) and the marks that
# reorder text (a name shown backwards). Printed as visible escapes instead; line breaks and
# tabs stay.
_CONTROLS = [
    *range(0x00, 0x20),
    0x7F,
    *range(0x80, 0xA0),
    *range(0x2028, 0x202F),
    *range(0x2066, 0x206A),
]
_TEXT_ESCAPES = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _CONTROLS if c not in (0x09, 0x0A)
}
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in _CONTROLS if c >= 0x7F}


_LINE_ESCAPES = {**_TEXT_ESCAPES, 0x09: "\\t", 0x0A: "\\n"}


def one_line(text: str) -> str:
    """``text`` (a file name, say) as `shown`, on one line: a line break or tab in it is printed
    as ``\\n`` or ``\\t``, so a name cannot start a line of its own that looks like a result."""
    return readable(text).translate(_LINE_ESCAPES)


def shown(text: str) -> str:
    """``text`` as it may be printed on a terminal: control characters as visible escapes.

    A file name that is not UTF-8 shows its stray bytes as ``\\xNN`` (`pathtext`).
    """
    return readable(text).translate(_TEXT_ESCAPES)
