"""The identity and claim screenshots of ``packaging/screenshots.py`` (see its docstring).

Drives the real windows and dialogs as a person would, in a throw-away home, with keys kept in an
in-memory keyring so the machine's own keyring is never touched.
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import keyring
from keyring.backends import fail
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from colophon.core.catalog import Catalog
from colophon.core.contacts import add_contact
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation, KeyStore
from colophon.core.profile import AI_INFERENCE, AI_TRAINING, ALLOWED, CONSTRAINED
from colophon.gui import icons
from colophon.gui.contacts_window import ContactsWindow
from colophon.gui.export_dialog import ExportDialog
from colophon.gui.identity_page import IdentityWindow
from colophon.gui.identity_wizard import IdentityWizard
from colophon.gui.main_window import MainWindow
from colophon.gui.theme import dark_palette
from colophon.gui.trust_dialog import TrustDialog
from colophon.gui.verify_window import VerifyWindow
from colophon.gui.wizard_pages import KEY_FILE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from memory_keyring import MemoryKeyring


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        loop = QEventLoop()
        QTimer.singleShot(30, loop.quit)
        loop.exec()


def settle(seconds: float = 0.5) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def shoot(widget: QWidget, out: Path, name: str) -> None:
    settle()
    widget.grab().save(str(out / name))
    print(out / name)


def _wizard_shots(window: MainWindow, out: Path, tmp: Path) -> None:
    wizard = IdentityWizard(window.home, window.runner, parent=window)
    wizard.show()
    shoot(wizard, out, "wizard-welcome.png")
    wizard.next()
    form = wizard.form
    form.name_edit.setText("Mina Okafor")
    form.email_edit.setText("mina@okafor.example")
    form.website_edit.setText("https://okafor.example")
    shoot(wizard, out, "wizard-about.png")
    wizard.next()
    row = form.terms.row(AI_TRAINING)
    row.combo.setCurrentIndex(row.combo.findData(CONSTRAINED))
    row.condition.setText("Only for non-commercial research, with credit")
    form.terms.row(AI_INFERENCE).combo.setCurrentIndex(1)
    form.model_combo.setCurrentIndex(form.model_combo.findData("perUse"))
    form.amount_edit.setText("0.05")
    form.currency_edit.setText("EUR")
    form.channel_combo.setCurrentIndex(form.channel_combo.findData("openPayments"))
    form.channel_edit.setText("https://wallet.example/mina")
    shoot(wizard, out, "wizard-terms.png")
    wizard.next()
    wait_until(lambda: wizard.currentPage() is wizard.backup_page)
    wizard.backup_page.passphrase.first.setText("violet kettle under the harbour")
    shoot(wizard, out, "wizard-backup.png")
    wizard.accept()

    other = IdentityWizard(tmp / "no-keyring-home", window.runner, KeyStore(fail.Keyring()))
    other.show()
    other.form.name_edit.setText("Mina Okafor")
    other.next()
    other.next()
    other.next()
    assert other.currentId() == KEY_FILE
    shoot(other, out, "wizard-keyfile.png")
    other.reject()


def _identity_shots(window: MainWindow, out: Path) -> None:
    with Catalog.open(window.home) as catalog:
        Identity(catalog).rotate(KeyLocation.keyring(), comment="yearly change")
    page = IdentityWindow(window.home, window.runner, parent=window)
    page.show()
    shoot(page, out, "identity-profile.png")
    page.show_key_tab()
    shoot(page, out, "identity-key.png")
    page.close()


def _export_shots(window: MainWindow, out: Path, tmp: Path, ids: dict[str, int]) -> Path:
    with Catalog.open(window.home) as catalog:
        catalog.update_work(ids["Night market"], terms={AI_TRAINING: {"use": ALLOWED}})
    chosen = [ids[t] for t in ("Harbour at dawn", "Fern study", "Night market", "Field notes")]
    window.model.refresh()
    wait_until(lambda: not window.model.loading)
    window.view.select_work_ids(chosen)
    dialog = ExportDialog(
        window.home, window.runner, chosen, window.catalog.count_works(), None, window
    )
    target = tmp / "Exports" / "Mina-Okafor-portfolio.colophon"
    target.parent.mkdir()
    dialog.file.set_path(target)
    dialog.show()
    wait_until(lambda: dialog.summary is not None)
    shoot(dialog, out, "export.png")
    dialog.export()
    wait_until(lambda: dialog.result_ is not None)
    shoot(dialog, out, "export-done.png")
    dialog.close()
    window.model.refresh()
    shoot(window, out, "library-exported.png")
    return target


def _tampered(bundle: Path, out: Path) -> Path:
    with zipfile.ZipFile(bundle) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["summary.html"] += b"<p>Free for any use!</p>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out


def _verify_shots(window: MainWindow, out: Path, tmp: Path, bundle: Path) -> None:
    verifier = tmp / "verifier-home"
    Catalog.open(verifier).close()
    unknown = VerifyWindow(bundle, verifier, window.runner)
    unknown.show()
    wait_until(lambda: unknown.checked is not None)
    shoot(unknown, out, "verify-unknown.png")
    signer = unknown.checked.result.signer
    trust = TrustDialog(signer.name, signer.fingerprint, unknown)
    trust.compared.setChecked(True)
    trust.show()
    shoot(trust, out, "trust.png")
    trust.close()
    unknown.close()
    with Catalog.open(verifier) as catalog:
        result = unknown.checked.result
        card = result.card.envelope if result.card else None
        add_contact(catalog, result.claim.key, "Mina Okafor", card)
    valid = VerifyWindow(bundle, verifier, window.runner)
    valid.show()
    wait_until(lambda: valid.checked is not None)
    valid.verify([tmp / "My works"])
    wait_until(lambda: valid.folder_task is None and valid.model.matches is not None)
    shoot(valid, out, "verify-valid.png")
    app = QApplication.instance()
    light = app.palette()
    app.setPalette(dark_palette())
    icons.clear_cache()
    icons.refresh(valid)
    valid.banner.show_result(valid.checked.result)
    shoot(valid, out, "verify-valid-dark.png")
    app.setPalette(light)
    icons.clear_cache()
    valid.close()
    tampered = VerifyWindow(_tampered(bundle, tmp / "tampered.colophon"), verifier, window.runner)
    tampered.show()
    wait_until(lambda: tampered.checked is not None)
    shoot(tampered, out, "verify-tampered.png")
    tampered.close()
    contacts = ContactsWindow(verifier, window.runner)
    contacts.show()
    shoot(contacts, out, "contacts.png")
    contacts.close()


def shoot_claims(window: MainWindow, out: Path, tmp: Path, ids: dict[str, int]) -> None:
    """Take the identity, export and verify screenshots with ``window`` (a fresh home)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        _wizard_shots(window, out, tmp)
        _identity_shots(window, out)
        bundle = _export_shots(window, out, tmp, ids)
        _verify_shots(window, out, tmp, bundle)
    finally:
        keyring.set_keyring(previous)
