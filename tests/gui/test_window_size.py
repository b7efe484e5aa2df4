"""Windows open within the screen: on a small one, smaller than their usual size."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.gui.contacts_window import ContactsWindow
from colophon.gui.identity_page import IdentityWindow
from colophon.gui.main_window import MainWindow
from colophon.gui.verify_window import VerifyWindow


def fits(window) -> bool:
    available = QGuiApplication.primaryScreen().availableGeometry()
    return window.width() <= available.width() and window.height() <= available.height()


def test_the_screen_here_is_smaller_than_the_usual_sizes(qapp):
    # The offscreen screen is 800 pixels wide: the main window would be 1,100.
    assert QGuiApplication.primaryScreen().availableGeometry().width() < 1100


@pytest.mark.parametrize("kind", ["main", "identity", "contacts", "verify"])
def test_each_window_opens_within_the_screen(qtbot, home, sync_runner, tmp_path, kind):
    with Catalog.open(home) as catalog:
        Identity(catalog).create(Profile("Ada Lovelace"), KeyLocation.keyring())
    claim = tmp_path / "claim.colophon"
    claim.write_bytes(b"not a claim: the window shows why")
    window = {
        "main": lambda: MainWindow(home=home, runner=sync_runner),
        "identity": lambda: IdentityWindow(home, sync_runner),
        "contacts": lambda: ContactsWindow(home, sync_runner),
        "verify": lambda: VerifyWindow(claim, home, sync_runner),
    }[kind]()
    qtbot.addWidget(window)
    window.show()
    assert fits(window), (window.width(), window.height())
