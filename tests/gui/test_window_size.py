"""Windows open within the screen: on a small one, smaller than their usual size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


SHORT_SCREEN = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/gui"]
import keyring
from memory_keyring import MemoryKeyring
keyring.set_keyring(MemoryKeyring())
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui_helpers import export_from, make_creator
from colophon.gui.identity_wizard import IdentityWizard
from colophon.gui.identity_page import IdentityWindow
from colophon.gui.main_window import MainWindow
from colophon.gui.tasks import SyncTaskRunner
from colophon.gui.verify_window import VerifyWindow
root = Path(sys.argv[2])
home, _ids = make_creator(root / "ada")
claim = export_from(home, root / "claim.colophon")
runner = SyncTaskRunner()
main = MainWindow(home=home, runner=runner)
windows = {
    "wizard": IdentityWizard(root / "new-home", runner),
    "identity": IdentityWindow(home, runner),
    "main": main,
    "verify": VerifyWindow(claim, home, runner),
}
main.show()
main.view.table.selectRow(0)
main.claims.export_action.trigger()
windows["export"] = main.claims.export_dialog
sizes = {}
for name, window in windows.items():
    window.show()
    app.processEvents()
    sizes[name] = [window.frameGeometry().width(), window.frameGeometry().height()]
print(json.dumps(sizes))
"""


def test_every_window_fits_a_short_screen(tmp_path):
    # A 1366x768 laptop at 150 % leaves about 500 pixels of height; 1024x480 here.
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps({"screens": [{"name": "short", "x": 0, "y": 0, "width": 1024, "height": 480}]})
    )
    tests = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", SHORT_SCREEN, str(tests), str(tmp_path)],
        env={**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    sizes = json.loads(done.stdout.strip().splitlines()[-1])
    too_big = {name: size for name, size in sizes.items() if size[0] > 1024 or size[1] > 480}
    assert too_big == {}
