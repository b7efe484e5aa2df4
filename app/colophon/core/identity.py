"""The creator's own identity: profile, signing key, backups, rotation and revocation.

Public material (the public key, its fingerprint, where the private key lives, key events) is
ordinary catalog data. The private key stays in the keyring or an encrypted key file and is
lent out by `KeyStore` for one signing operation at a time (`Identity.signing`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import backup, keys
from .card import make_card
from .catalog import Catalog, now_utc
from .claimant import PublicKeyInfo
from .errors import ColophonError, NotFoundError, UsageError
from .fsutil import atomic_write
from .keyevents import KeyEvent, make_revocation, make_rotation, parse_event
from .keystore import KeyLocation, KeyStore, PassphraseProvider
from .profile import Profile

PROFILE_SETTING = "profile"


class NoIdentity(NotFoundError):
    """There is no identity yet (or its key was revoked): one must be created first."""


@dataclass(frozen=True)
class KeyRecord:
    """One of the creator's keys as the catalog knows it."""

    info: PublicKeyInfo
    location: KeyLocation
    created_at: str
    status: str  # active, retired or revoked
    retired_at: str | None = None
    revoked_at: str | None = None
    reason: str | None = None

    @property
    def keyid(self) -> str:
        return self.info.keyid

    @property
    def fingerprint(self) -> str:
        return self.info.fingerprint

    def to_dict(self) -> dict[str, Any]:
        return {
            "keyid": self.keyid,
            "fingerprint": self.fingerprint,
            "location": self.location.describe(),
            "created_at": self.created_at,
            "status": self.status,
            "retired_at": self.retired_at,
            "revoked_at": self.revoked_at,
            "reason": self.reason,
        }


class Identity:
    """The identity kept in one catalog, with its keys in ``store``."""

    def __init__(self, catalog: Catalog, store: KeyStore | None = None) -> None:
        self.catalog = catalog
        self.store = store or KeyStore()

    # -- reading ----------------------------------------------------------------------------
    def profile(self) -> Profile | None:
        data = self.catalog.get_setting(PROFILE_SETTING)
        return None if data is None else Profile.from_dict(data)

    def require_profile(self) -> Profile:
        profile = self.profile()
        if profile is None:
            raise NoIdentity("There is no identity yet; create one with 'colophon identity init'.")
        return profile

    def keys(self) -> list[KeyRecord]:
        rows = self.catalog.conn.execute(
            "SELECT public_key, location, created_at, status, retired_at, revoked_at, reason "
            "FROM keys ORDER BY created_at, rowid"
        ).fetchall()
        return [
            KeyRecord(PublicKeyInfo.from_hex(r[0]), KeyLocation.from_text(r[1]), *r[2:])
            for r in rows
        ]

    def active_key(self) -> KeyRecord | None:
        return next((k for k in self.keys() if k.status == "active"), None)

    def require_key(self) -> KeyRecord:
        key = self.active_key()
        if key is None:
            revoked = any(k.status == "revoked" for k in self.keys())
            raise NoIdentity(
                "Your key was revoked; create a new identity with 'colophon identity init --new'."
                if revoked
                else "There is no identity yet; create one with 'colophon identity init'."
            )
        return key

    def events(self) -> list[KeyEvent]:
        """Every key event recorded in this catalog (ours and, later, contacts')."""
        rows = self.catalog.conn.execute("SELECT envelope FROM key_events ORDER BY id").fetchall()
        return [parse_event(json.loads(r[0])) for r in rows]

    def own_events(self) -> list[KeyEvent]:
        ours = {k.keyid for k in self.keys()}
        return [e for e in self.events() if e.keyid in ours]

    # -- creating ---------------------------------------------------------------------------
    def create(
        self,
        profile: Profile,
        location: KeyLocation,
        passphrase: str | None = None,
        *,
        replace: bool = False,
    ) -> KeyRecord:
        """Make a new key, keep it at ``location`` and record it with ``profile``."""
        profile.validate()
        if self.active_key() is not None and not replace:
            raise UsageError("An identity already exists; back it up, rotate or revoke it instead.")
        return self._adopt(keys.generate(), profile, location, passphrase)

    def restore(
        self,
        path: str | os.PathLike[str],
        backup_passphrase: str,
        location: KeyLocation,
        key_file_passphrase: str | None = None,
        profile: Profile | None = None,
    ) -> KeyRecord:
        """Bring a key back from a backup; it becomes the active key of this catalog."""
        private = backup.read_backup(path, backup_passphrase)
        keyid = keys.key_id(private.public_key())
        known = {k.keyid: k for k in self.keys()}
        if keyid in known and known[keyid].status == "revoked":
            raise UsageError("This key was revoked; it cannot be used again.")
        active = self.active_key()
        if active is not None and active.keyid != keyid:
            raise UsageError(
                "This catalog already has another identity; restore into a fresh catalog "
                "(--home) or revoke the current key first."
            )
        profile = profile or self.profile()
        if profile is None:
            raise UsageError("Give your name (--name) so that the restored identity has a profile.")
        profile.validate()
        if keyid in known:  # same key again: make sure the private half is in place
            self.store.store(private, location, passphrase=key_file_passphrase, overwrite=True)
            self._set_location(keyid, location)
            self.save_profile(profile)
            return self.require_key()
        return self._adopt(private, profile, location, key_file_passphrase)

    def _adopt(
        self,
        private: Ed25519PrivateKey,
        profile: Profile,
        location: KeyLocation,
        passphrase: str | None,
    ) -> KeyRecord:
        info = PublicKeyInfo.of(private.public_key())
        self.store.store(private, location, passphrase=passphrase)
        with self.catalog.transaction() as conn:
            conn.execute(
                "UPDATE keys SET status = 'retired', retired_at = ? WHERE status = 'active'",
                (now_utc(),),
            )
            conn.execute(
                "INSERT INTO keys (key_id, public_key, fingerprint, location, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (info.keyid, info.hex, info.fingerprint, location.to_text(), now_utc()),
            )
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (PROFILE_SETTING, json.dumps(profile.to_dict())),
            )
        return self.require_key()

    def save_profile(self, profile: Profile) -> None:
        profile.validate()
        self.catalog.set_setting(PROFILE_SETTING, profile.to_dict())

    def _set_location(self, keyid: str, location: KeyLocation) -> None:
        with self.catalog.transaction() as conn:
            conn.execute(
                "UPDATE keys SET location = ? WHERE key_id = ?", (location.to_text(), keyid)
            )

    # -- using the key ----------------------------------------------------------------------
    @contextlib.contextmanager
    def signing(self, passphrase: PassphraseProvider | None = None) -> Iterator[Ed25519PrivateKey]:
        """Lend the active private key for one operation."""
        key = self.require_key()
        with self.store.unlocked(key.keyid, key.location, passphrase) as private:
            yield private

    def card(self, passphrase: PassphraseProvider | None = None) -> dict[str, Any]:
        """A freshly signed identity card (profile + public key)."""
        profile = self.require_profile()
        with self.signing(passphrase) as private:
            return make_card(private, profile)

    def backup(
        self,
        path: str | os.PathLike[str],
        backup_passphrase: str,
        passphrase: PassphraseProvider | None = None,
        *,
        overwrite: bool = False,
    ) -> None:
        """Write the active private key, encrypted with ``backup_passphrase``, to ``path``."""
        backup.check_new_passphrase(backup_passphrase)
        with self.signing(passphrase) as private:
            backup.write_backup(private, path, backup_passphrase, overwrite=overwrite)

    def export_public(self, path: str | os.PathLike[str]) -> None:
        """Write the public key as PEM followed by its ``ssh-ed25519`` line."""
        key = self.require_key()
        profile = self.require_profile()
        text = keys.public_pem(key.info.key) + keys.public_ssh_line(
            key.info.key, f"{profile.display_name} (Colophon)"
        )
        atomic_write(path, text.encode() + b"\n", mode=0o644)

    # -- rotation and revocation ------------------------------------------------------------
    def rotate(
        self,
        location: KeyLocation,
        new_passphrase: str | None = None,
        passphrase: PassphraseProvider | None = None,
        comment: str | None = None,
    ) -> KeyRecord:
        """Make a new key; the old one signs a statement naming it and is retired."""
        old = self.require_key()
        new_private = keys.generate()
        new_info = PublicKeyInfo.of(new_private.public_key())
        with self.signing(passphrase) as old_private:
            event = make_rotation(old_private, new_info, comment)
        self.store.store(new_private, location, passphrase=new_passphrase)
        profile = self.require_profile()
        try:
            with self.catalog.transaction() as conn:
                self._record_event(conn, old.keyid, "rotation", event)
        except Exception:
            with contextlib.suppress(ColophonError):
                self.store.delete(new_info.keyid, location)
            raise
        return self._adopt_recorded(new_private, new_info, profile, location)

    def _adopt_recorded(
        self, private: Ed25519PrivateKey, info: PublicKeyInfo, profile: Profile, loc: KeyLocation
    ) -> KeyRecord:
        with self.catalog.transaction() as conn:
            conn.execute(
                "UPDATE keys SET status = 'retired', retired_at = ? WHERE status = 'active'",
                (now_utc(),),
            )
            conn.execute(
                "INSERT INTO keys (key_id, public_key, fingerprint, location, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (info.keyid, info.hex, info.fingerprint, loc.to_text(), now_utc()),
            )
        del private
        return self.require_key()

    def revoke(
        self, reason: str, passphrase: PassphraseProvider | None = None, comment: str | None = None
    ) -> dict[str, Any]:
        """Sign and record the active key's revocation; returns the statement to hand out."""
        key = self.require_key()
        with self.signing(passphrase) as private:
            event = make_revocation(private, reason, comment)
        with self.catalog.transaction() as conn:
            self._record_event(conn, key.keyid, "revocation", event)
            conn.execute(
                "UPDATE keys SET status = 'revoked', revoked_at = ?, reason = ? WHERE key_id = ?",
                (now_utc(), reason, key.keyid),
            )
        return event

    def _record_event(self, conn: Any, keyid: str, kind: str, envelope: dict[str, Any]) -> None:
        event = parse_event(envelope)  # never record what we could not read back
        conn.execute(
            "INSERT OR IGNORE INTO key_events (key_id, kind, effective_at, envelope, recorded_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                keyid,
                kind,
                event.effective.astimezone(UTC).isoformat(),
                json.dumps(envelope),
                now_utc(),
            ),
        )


def record_events(catalog: Catalog, events: list[KeyEvent]) -> int:
    """Keep key events learnt from others (bundles, files); returns how many were new."""
    before = catalog.conn.total_changes
    with catalog.transaction() as conn:
        for e in events:
            conn.execute(
                "INSERT OR IGNORE INTO key_events (key_id, kind, effective_at, envelope, "
                "recorded_at) VALUES (?, ?, ?, ?, ?)",
                (
                    e.keyid,
                    e.event,
                    e.effective.isoformat(),
                    json.dumps(e.envelope, sort_keys=True),
                    now_utc(),
                ),
            )
    return catalog.conn.total_changes - before


def utc_now() -> datetime:
    return datetime.now(UTC)
