"""``colophon --self-test``: the check a frozen build runs to prove the desktop app starts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from colophon import __version__
from colophon.cli.main import build_parser
from colophon.core.errors import CatalogError
from colophon.gui import selftest

ENTRY = "from colophon.cli.main import entry_point; entry_point()"


def test_opens_paints_and_closes_in_a_fresh_process(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["COLOPHON_HOME"] = str(tmp_path / "users-own-home")
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"colophon {__version__} self-test passed: window painted in ")
    assert "offscreen" in lines[0]
    assert " 0 backends known" not in lines[0] and "backends known" in lines[0]
    # it works on a throw-away home, never the user's catalog
    assert not (tmp_path / "users-own-home").exists()


def test_a_window_that_cannot_open_fails_with_one_line(qapp, monkeypatch) -> None:
    def broken(self, home=None, runner=None):
        raise CatalogError("The catalog cannot be opened.")

    monkeypatch.setattr("colophon.gui.main_window.MainWindow.__init__", broken)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    assert out.getvalue() == (
        f"colophon {__version__} self-test FAILED: CatalogError: The catalog cannot be opened.\n"
    )


def test_reports_the_keyring_backend_in_use(qapp) -> None:
    # the tests' in-memory keyring (tests/memory_keyring.py) is what keyring uses here
    report = selftest.keyring_report()
    assert report.startswith("memory_keyring.MemoryKeyring, ")


def test_is_hidden_from_help() -> None:
    assert "--self-test" not in build_parser().format_help()


@pytest.mark.parametrize("argv", [["--self-test"], ["--self-test", "--home", "elsewhere"]])
def test_is_parsed_as_a_flag(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).self_test is True
