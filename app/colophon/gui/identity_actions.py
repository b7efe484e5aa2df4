"""What can be done with one's key from the identity window: back it up, hand out the public
card, replace it (rotation) and revoke it.

Each action asks what it needs in a dialog (`key_dialogs`), then runs through `KeyOperation`:
a key file's passphrase is asked on the UI thread first, the work runs on a worker with its own
catalog connection, and the outcome comes back as one sentence (`done` or `failed`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ..core.catalog import Catalog
from ..core.errors import ColophonError
from ..core.fsutil import atomic_write, check_writable, unused_path
from ..core.identity import Identity, KeyRecord
from ..core.keyevents import STATEMENT_ROOM
from ..core.keystore import KeyLocation, KeyStore, PassphraseProvider, PassphraseRequest
from .alt_key_question import confirm
from .key_dialogs import BackupDialog, RevokeDialog, RotateDialog
from .key_tasks import run_with_key
from .plain_words import slug
from .tasks import TaskRunner


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class IdentityActions(QObject):
    """Backup, public card, rotation and revocation of the identity kept under ``home``."""

    #: the keys or the profile changed (the window shows them again)
    changed = Signal()
    #: an action finished: a sentence, and the file or folder it wrote (or None)
    done = Signal(str, object)
    #: an action failed: a sentence
    failed = Signal(str)
    #: whether an action is running
    busy_changed = Signal(bool)

    def __init__(
        self, parent: QWidget, home: Path, runner: TaskRunner, store: KeyStore | None = None
    ) -> None:
        super().__init__(parent)
        self.widget = parent
        self.home = home
        self.runner = runner
        self.store = store or KeyStore()

    def _identity(self) -> tuple[KeyRecord | None, str]:
        """The active key and the creator's name, read now (the window may be out of date)."""
        with Catalog.open(self.home) as catalog:
            identity = Identity(catalog, self.store)
            key = identity.active_key()
            profile = identity.profile()
        return key, profile.display_name if profile else ""

    def _run(self, key: KeyRecord, fn: Any, label: str, purpose: str, success: Any) -> None:
        home, store = self.home, self.store

        def work(provider: PassphraseProvider | None, _progress: object) -> Any:
            with Catalog.open(home) as catalog:
                return fn(Identity(catalog, store), provider)

        def failed(exc: BaseException) -> None:
            self.busy_changed.emit(False)
            self.failed.emit(getattr(exc, "message", None) or f"{label} failed: {exc}")

        def succeeded(result: Any) -> None:
            self.busy_changed.emit(False)
            success(result)

        self.busy_changed.emit(True)
        started = run_with_key(
            self.widget,
            self.runner,
            key.location,
            work,
            label=label,
            purpose=purpose,
            on_success=succeeded,
            on_failure=failed,
            on_cancelled=lambda: self.busy_changed.emit(False),
        )
        if started is None:
            self.busy_changed.emit(False)

    # -- the actions -----------------------------------------------------------------------------
    def back_up(self) -> None:
        """Ask where and with which passphrase, then write an encrypted backup of the key."""
        key, name = self._identity()
        if key is None:
            self.failed.emit("There is no key to back up yet.")
            return
        dialog = BackupDialog(
            unused_path(Path.home() / f"{slug(name)}-colophon-backup.key"), self.widget
        )
        if dialog.exec() != BackupDialog.Accepted:
            return
        path, secret = dialog.answer()
        self._run(
            key,
            lambda identity, provider: identity.backup(path, secret, provider),
            "Backing up",
            "To back it up",
            lambda _r: self.done.emit(
                f"Backed up your key to {path}. Keep the file and its passphrase apart.", path
            ),
        )

    def export_card(self) -> None:
        """Write the signed identity card and the public key file into a chosen folder."""
        key, name = self._identity()
        if key is None:
            self.failed.emit("There is no identity to share yet.")
            return
        folder = QFileDialog.getExistingDirectory(
            self.widget, "Choose a folder for your public card", str(Path.home())
        )
        if not folder:
            return
        card = Path(folder) / f"{slug(name)}-identity-card.json"
        public = Path(folder) / f"{slug(name)}-public-key.pub"
        existing = [p.name for p in (card, public) if p.exists()]
        if existing and (
            not confirm(
                self.widget,
                "Replace files?",
                f"{' and '.join(existing)} already exist in that folder. Replace them?",
                "&Replace",
            )
        ):
            return

        def write(identity: Identity, provider: PassphraseProvider | None) -> None:
            atomic_write(card, _json_bytes(identity.card(provider)), mode=0o644)
            identity.export_public(public, overwrite=True)

        self._run(
            key,
            write,
            "Exporting your card",
            "To sign your identity card",
            lambda _r: self.done.emit(
                f"Saved {card.name} and {public.name}. Share them on your website or send "
                "them to people who check your claims.",
                card,
            ),
        )

    def rotate(self) -> None:
        """Confirm, then replace the key; the old one signs a statement naming the new one."""
        key, name = self._identity()
        if key is None:
            self.failed.emit("There is no key to replace.")
            return
        default = self.home / f"colophon-signing-{slug(name)}-new.key"
        # The new key is kept where the current one is: a key file's owner chose a file.
        in_keyring = key.location.kind == "keyring" and self.store.keyring_available()
        dialog = RotateDialog(in_keyring, default, self.widget)
        if dialog.exec() != RotateDialog.Accepted:
            return
        location, new_passphrase, comment = dialog.answer()

        def rotated(record: KeyRecord) -> None:
            self.changed.emit()
            self.done.emit(
                f"Your new key is {record.fingerprint}. Back it up now (Back up…).", None
            )

        self._run(
            key,
            lambda identity, provider: identity.rotate(location, new_passphrase, provider, comment),
            "Replacing your key",
            "To sign the statement naming your new key",
            rotated,
        )

    def revoke(self, earlier: KeyRecord | None = None) -> None:
        """Warn, ask the reason, revoke the key and save the signed statement to a file.

        ``earlier``: one of the identity's earlier keys instead of the active one (a replaced
        key that leaked since, say: revoked as compromised, everything it signed is withdrawn).
        """
        key, name = self._identity()
        if earlier is not None:
            key = earlier
        if key is None:
            self.failed.emit("There is no key to revoke.")
            return
        default = unused_path(Path.home() / f"{slug(name)}-key-revocation.json")
        dialog = RevokeDialog(key.fingerprint, default, self.widget)
        if dialog.exec() != RevokeDialog.Accepted:
            return
        reason, comment, path = dialog.answer()
        backup = dialog.backup_path()

        def revoke(identity: Identity, provider: PassphraseProvider | None) -> Path:
            check_writable(path, room=STATEMENT_ROOM)  # said before the key is revoked
            if backup is None:
                statement = identity.revoke(reason, provider, comment, keyid=key.keyid)
            else:  # the backup's passphrase, asked for as a key file's (`KeyOperation`)
                assert provider is not None
                statement = identity.revoke(
                    reason,
                    comment=comment,
                    keyid=key.keyid,
                    from_backup=backup,
                    backup_passphrase=provider(PassphraseRequest(key.keyid, backup)),
                )
            try:
                atomic_write(path, _json_bytes(statement), mode=0o644)
            except ColophonError as exc:
                raise type(exc)(
                    f"Your key is revoked, but the statement could not be saved ({exc.message})."
                ) from exc
            return path

        def revoked(written: Path) -> None:
            self.changed.emit()
            again = "" if earlier is not None else " To sign again, make a new key."
            self.done.emit(
                f"The key is revoked. Send {written.name} to the people who have your key.{again}",
                written,
            )

        # With a backup, the backup is the key file whose passphrase is asked for.
        signer = key if backup is None else replace(key, location=KeyLocation.file(backup))
        self._run(signer, revoke, "Revoking your key", "To sign the revocation", revoked)
