"""The Linux desktop entry and AppStream metadata: valid, and consistent with the app itself."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.colophon.Colophon"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign] - keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="needs desktop-file-utils")
def test_desktop_entry_is_valid() -> None:
    done = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="needs appstream")
def test_metainfo_is_valid() -> None:
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_newest_release_is_the_version_in_pyproject() -> None:
    releases = re.findall(
        r'<release version="([^"]+)" date="(\d{4}-\d\d-\d\d)"', METAINFO.read_text()
    )
    assert releases, "the metainfo lists no release"
    assert releases[0][0] == PROJECT["version"]


def test_metainfo_states_the_project_license() -> None:
    text = METAINFO.read_text()
    assert f"<project_license>{PROJECT['license']}</project_license>" in text


def test_desktop_entry_names_the_command_icon_and_metainfo() -> None:
    entry = desktop_entry()
    assert entry["Exec"] == "colophon"
    assert "colophon" in PROJECT["scripts"]
    assert entry["Icon"] == APP_ID  # the name render_icons.py gives the icon files
    text = METAINFO.read_text()
    assert f"<id>{APP_ID}</id>" in text
    assert f'<launchable type="desktop-id">{DESKTOP.name}</launchable>' in text


def test_the_running_app_names_this_desktop_entry(qapp) -> None:
    from colophon.gui.app import create_application

    app = create_application()
    # Wayland compositors match windows to their entry by the desktop file name; X11 docks by
    # the window's class, which Qt takes from the application name.
    assert app.desktopFileName() == DESKTOP.stem
    assert app.applicationName() == desktop_entry()["StartupWMClass"]
