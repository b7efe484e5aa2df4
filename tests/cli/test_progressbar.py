"""The terminal progress bar: drawn on a terminal, never into a pipe or a file."""

from __future__ import annotations

import io

from colophon.cli.progressbar import progress_bar, render
from colophon.core.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_when_the_stream_is_not_a_terminal():
    piped = io.StringIO()
    with progress_bar(piped) as progress:
        progress.start(total=3, total_bytes=300, label="Registering")
        progress.advance(3, 300)
    assert piped.getvalue() == ""


def test_nothing_is_drawn_when_disabled_even_on_a_terminal():
    terminal = Terminal()
    with progress_bar(terminal, enabled=False) as progress:
        progress.start(total=1, total_bytes=10)
        progress.advance(1, 10)
    assert terminal.getvalue() == ""


def test_a_terminal_gets_one_updating_line_ending_at_the_total():
    terminal = Terminal()
    with progress_bar(terminal) as progress:
        progress.start(total=2, total_bytes=2_000_000, label="Registering")
        progress.advance(1, 1_000_000)
        progress.advance(1, 1_000_000)
    text = terminal.getvalue()
    assert text.startswith("\rRegistering [") and text.endswith("\n")
    assert text.count("\n") == 1
    assert text.rstrip().endswith("100% 2/2 files, 2/2 MB")


def test_render_fits_the_width_and_shows_the_fraction():
    progress = Progress(total=4, done=1, total_bytes=400, done_bytes=100, label="Checking")
    line = render(progress, 60)
    assert len(line) <= 59 and line.startswith("Checking [") and "25%" in line


def test_an_unknown_total_shows_counts_without_a_bar_or_a_fraction():
    # A scan never lists its dataset first: there is nothing to be a fraction of.
    progress = Progress(done=207, done_bytes=1_500_000, label="Scanning")
    line = render(progress, 80)
    assert line == "Scanning … 207 files, 2 MB"
