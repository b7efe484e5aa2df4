"""Help: what Colophon is and where it keeps things, and the claim format for AI companies."""

from __future__ import annotations

from PySide6.QtGui import QDesktopServices

from colophon import __version__
from colophon.gui.help_menu import about_text, open_spec


def test_the_help_menu_says_what_colophon_is_and_opens_the_claim_format(
    qtbot, make_window, home, monkeypatch
):
    window = make_window()
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert list(menus)[-1] == "Help"
    items = [a.text().replace("&", "") for a in menus["Help"].actions()]
    assert items == ["About Colophon", "The claim format (for AI companies)"]

    text = about_text(home)
    assert f"Colophon {__version__}" in text and str(home) in text
    assert "never needs a network connection" in text

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    open_spec(window)
    [url] = opened
    assert url.toLocalFile().endswith("spec/claim-bundle.md")
    with open(url.toLocalFile(), encoding="utf-8") as fh:
        assert fh.readline().startswith("# Colophon claim bundles")
