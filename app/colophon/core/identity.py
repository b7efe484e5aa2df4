"""The creator's own identity: profile, signing key, backups, rotation and revocation.

Public material (the public key, its fingerprint, where the private key lives, key events) is
ordinary catalog data. The private key stays in the keyring or an encrypted key file and is
lent out by `KeyStore` for one signing operation at a time (`Identity.signing`).

A catalog holds the history of the creator's keys: at most one is ``active`` (it signs new
claims); a rotation ``retired`` its predecessor, which keeps its private half so that it can still
sign its own revocation if it is ever lost; a ``revoked`` key never signs again. Every change of
key is recorded together with the signed statement (key event) that announces it, in one
transaction, so the catalog never holds a new key without the statement that names it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import backup, keys
from .card import make_card
from .catalog import Catalog, now_utc
from .claimant import PublicKeyInfo
from .errors import ColophonError, NotFoundError, UsageError
from .fsutil import atomic_write, require_folder
from .keyevents import REASONS, KeyEvent, make_revocation, make_rotation, parse_event
from .keystore import KeyLocation, KeyStore, PassphraseProvider
from .profile import Profile

__all__ = [
    "PROFILE_SETTING",
    "Identity",
    "KeyRecord",
    "NoIdentity",
    "record_events",
]

PROFILE_SETTING = "profile"

_NO_IDENTITY = "There is no identity yet; create one with 'colophon identity init'."
_REVOKED = (
    "Your key was revoked and can no longer sign; create a new key with "
    "'colophon identity init' (your profile is kept)."
)


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
        """Plain JSON form; ``location`` is ``keyring`` or ``file:/absolute/path``."""
        return {
            "keyid": self.keyid,
            "fingerprint": self.fingerprint,
            "location": self.location.to_text(),
            "created_at": self.created_at,
            "status": self.status,
            "retired_at": self.retired_at,
            "revoked_at": self.revoked_at,
            "reason": self.reason,
        }


def check_revocable(key: KeyRecord, reason: str) -> None:
    """Refuse (`UsageError`) a revocation of ``key`` for ``reason`` that cannot be made: a key
    revoked already may only be revoked again as compromised (it leaked since), and only once."""
    if reason not in REASONS:
        raise UsageError(f"The reason must be one of {', '.join(REASONS)}.")
    if key.status == "revoked" and (key.reason == "compromised" or reason != "compromised"):
        raise UsageError(
            f"The key {key.fingerprint} is already revoked"
            + (
                " as compromised."
                if key.reason == "compromised"
                else "; if it has since leaked, revoke it again as compromised."
            )
        )


class Identity:
    """The identity kept in one catalog, with its private keys in ``store``."""

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
            raise NoIdentity(_NO_IDENTITY)
        return profile

    def keys(self) -> list[KeyRecord]:
        """Every key this catalog has held, oldest first."""
        rows = self.catalog.conn.execute(
            "SELECT public_key, location, created_at, status, retired_at, revoked_at, reason "
            "FROM keys ORDER BY created_at, rowid"
        ).fetchall()
        return [
            KeyRecord(PublicKeyInfo.from_hex(r[0]), KeyLocation.from_text(r[1]), *r[2:])
            for r in rows
        ]

    def find_key(self, ref: str) -> KeyRecord:
        """One of our keys by key id (or a prefix of 8+ digits) or by fingerprint."""
        text = ref.strip()
        matches = [k for k in self.keys() if len(text) >= 8 and k.keyid.startswith(text.lower())]
        if not matches:
            with contextlib.suppress(UsageError):
                wanted = keys.normalize_fingerprint(text)
                matches = [k for k in self.keys() if k.fingerprint == wanted]
        if len(matches) != 1:
            raise NotFoundError(f"None of your keys has the key id or fingerprint {ref!r}.")
        return matches[0]

    def active_key(self) -> KeyRecord | None:
        return next((k for k in self.keys() if k.status == "active"), None)

    def require_key(self) -> KeyRecord:
        """The key that signs new claims; `NoIdentity` if there is none (or it was revoked)."""
        key = self.active_key()
        if key is None:
            revoked = any(k.status == "revoked" for k in self.keys())
            raise NoIdentity(_REVOKED if revoked else _NO_IDENTITY)
        return key

    def events(self) -> list[KeyEvent]:
        """Every key event recorded in this catalog (ours and those learnt from others)."""
        rows = self.catalog.conn.execute("SELECT envelope FROM key_events ORDER BY id").fetchall()
        return [parse_event(json.loads(r[0])) for r in rows]

    def events_about(self, keyids: Iterable[str]) -> list[KeyEvent]:
        """The recorded events about these keys, oldest first.

        Read by key id: a verifier may have learnt thousands of events about strangers' keys,
        and each one read is a signature checked again.
        """
        rows = self.catalog.conn.execute(
            "SELECT envelope FROM key_events WHERE key_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY id",
            (json.dumps(sorted(set(keyids))),),
        ).fetchall()
        return [parse_event(json.loads(r[0])) for r in rows]

    def keys_rotated_to(self, keyids: Iterable[str]) -> set[str]:
        """The keys that recorded rotations hand over to one of these keys (nothing is parsed)."""
        return self._rotations_into(keyids, "key_id")

    def rotated_into(self, keyids: Iterable[str]) -> set[str]:
        """Those of these keys that a recorded rotation hands over to (nothing is parsed)."""
        return self._rotations_into(keyids, "new_key_id")

    def _rotations_into(self, keyids: Iterable[str], column: str) -> set[str]:
        assert column in ("key_id", "new_key_id")  # the old keys, or the new ones
        rows = self.catalog.conn.execute(
            f"SELECT DISTINCT {column} FROM key_events "
            "WHERE new_key_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(keyids))),),
        )
        return {r[0] for r in rows}

    def own_events(self) -> list[KeyEvent]:
        """The events about our own keys, oldest first: what bundles carry to verifiers."""
        return self.events_about(k.keyid for k in self.keys())

    # -- creating and restoring -------------------------------------------------------------
    def create(
        self, profile: Profile, location: KeyLocation, passphrase: str | None = None
    ) -> KeyRecord:
        """Make a new key, keep it at ``location`` and record it with ``profile``.

        Refused while an active key exists (rotate it instead). After a revocation this makes
        the identity's next key. A key file needs a new ``passphrase``.
        """
        profile.validate()
        active = self.active_key()
        if active is not None:
            raise UsageError(
                f"An identity already exists (key {active.fingerprint}); back it up, "
                "rotate it or revoke it instead."
            )
        return self._adopt(keys.generate(), profile, location, passphrase)

    def restore(
        self,
        path: str | os.PathLike[str],
        backup_passphrase: str | None,
        location: KeyLocation,
        key_file_passphrase: str | None = None,
        profile: Profile | None = None,
        *,
        expected_fingerprint: str | None = None,
        allow_unencrypted: bool = False,
    ) -> KeyRecord:
        """Bring a key back from a backup; it becomes (again) the active key of this catalog.

        Restoring the catalog's own active key puts its private half back at ``location`` (e.g.
        after a keyring was wiped). A retired or revoked key, or a key other than the catalog's
        active one, is refused. Nothing changes unless the passphrase opens the file.
        """
        private = backup.read_backup(
            path,
            backup_passphrase,
            allow_unencrypted=allow_unencrypted,
            expected_fingerprint=expected_fingerprint,
            what="backup",
        )
        info = PublicKeyInfo.of(private.public_key())
        known = {k.keyid: k for k in self.keys()}
        record = known.get(info.keyid)
        if record is not None and record.status == "revoked":
            raise UsageError(f"The key {info.fingerprint} was revoked; it cannot be used again.")
        if record is not None and record.status == "retired":
            raise UsageError(
                f"The key {info.fingerprint} was replaced by a newer key; restore the backup "
                "of your newest key instead."
            )
        active = self.active_key()
        if active is not None and active.keyid != info.keyid:
            raise UsageError(
                f"This catalog already has another identity (key {active.fingerprint}); restore "
                "into a fresh catalog (--home), or revoke the current key first."
            )
        profile = profile or self.profile()
        if profile is None:
            raise UsageError("Give your name (--name) so that the restored identity has a profile.")
        profile.validate()
        if record is None:
            return self._adopt(private, profile, location, key_file_passphrase)
        # our own active key again: put the private half back where the person says
        fresh = self._store_new(private, location, key_file_passphrase)
        try:
            with self.catalog.transaction() as conn:
                conn.execute(
                    "UPDATE keys SET location = ? WHERE key_id = ?",
                    (location.to_text(), info.keyid),
                )
                _save_profile(conn, profile)
        except BaseException:
            if fresh:
                self._forget(info.keyid, location)
            raise
        return self.require_key()

    def save_profile(self, profile: Profile) -> None:
        """Replace the profile (validated first)."""
        profile.validate()
        with self.catalog.transaction() as conn:
            _save_profile(conn, profile)

    def _adopt(
        self,
        private: Ed25519PrivateKey,
        profile: Profile,
        location: KeyLocation,
        passphrase: str | None,
    ) -> KeyRecord:
        info = PublicKeyInfo.of(private.public_key())
        fresh = self._store_new(private, location, passphrase)
        try:
            with self.catalog.transaction() as conn:
                # Asked again here: another window or command may have made one meanwhile,
                # which this key must not silently retire.
                row = conn.execute("SELECT fingerprint FROM keys WHERE status = 'active'")
                if (active := row.fetchone()) is not None:
                    raise UsageError(
                        f"An identity was made meanwhile (key {active[0]}), in another window "
                        "or command; yours was not made."
                    )
                _insert_key(conn, info, location)
                _save_profile(conn, profile)
        except BaseException:
            if fresh:
                self._forget(info.keyid, location)
            raise
        return self.require_key()

    def _store_new(
        self, private: Ed25519PrivateKey, location: KeyLocation, passphrase: str | None
    ) -> bool:
        """Store ``private``; True if nothing was stored for it there before."""
        keyid = keys.key_id(private.public_key())
        existed = location.kind == "keyring" and self.store.has_key(keyid, location)
        self.store.store(private, location, passphrase=passphrase)
        return not existed

    def _forget(self, keyid: str, location: KeyLocation) -> None:
        """Undo a store whose catalog record failed (best effort: the failure is what matters)."""
        with contextlib.suppress(ColophonError):
            self.store.delete(keyid, location)

    # -- using the key ----------------------------------------------------------------------
    @contextlib.contextmanager
    def signing(self, passphrase: PassphraseProvider | None = None) -> Iterator[Ed25519PrivateKey]:
        """Lend the active private key for one operation."""
        key = self.require_key()
        with self.store.unlocked(key.keyid, key.location, passphrase) as private:
            yield private

    def card(
        self, passphrase: PassphraseProvider | None = None, now: datetime | None = None
    ) -> dict[str, Any]:
        """A freshly signed identity card (profile + public key), as a DSSE envelope."""
        profile = self.require_profile()
        with self.signing(passphrase) as private:
            return make_card(private, profile, now)

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
        _check_target(Path(path), overwrite)
        with self.signing(passphrase) as private:
            backup.write_backup(private, path, backup_passphrase, overwrite=overwrite)

    def public_text(self) -> str:
        """The active public key as a PEM block followed by its ``ssh-ed25519`` line."""
        key = self.require_key()
        profile = self.require_profile()
        comment = f"{profile.display_name} (Colophon)"
        return keys.public_pem(key.info.key) + keys.public_ssh_line(key.info.key, comment) + "\n"

    def export_public(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write `public_text` to ``path`` (mode 0644, atomically)."""
        _check_target(Path(path), overwrite)
        atomic_write(path, self.public_text().encode("utf-8"), mode=0o644)

    # -- rotation and revocation ------------------------------------------------------------
    def rotate(
        self,
        location: KeyLocation,
        new_passphrase: str | None = None,
        passphrase: PassphraseProvider | None = None,
        comment: str | None = None,
        now: datetime | None = None,
    ) -> KeyRecord:
        """Make a new key; the old one signs a statement naming it and is retired.

        ``location`` (with ``new_passphrase`` for a key file) is where the new key goes;
        ``passphrase`` unlocks the old one. The old private key is kept, so that it can still
        sign its own revocation. Returns the new key's record.
        """
        old = self.require_key()
        self.require_profile()
        self._check_new_location(location, new_passphrase)
        new_private = keys.generate()
        new_info = PublicKeyInfo.of(new_private.public_key())
        with self.signing(passphrase) as old_private:
            event = make_rotation(old_private, new_info, comment, now, new_private=new_private)
        self._store_new(new_private, location, new_passphrase)
        del new_private
        try:
            with self.catalog.transaction() as conn:
                _record_event(conn, event)
                conn.execute(
                    "UPDATE keys SET status = 'retired', retired_at = ? WHERE key_id = ?",
                    (now_utc(), old.keyid),
                )
                _insert_key(conn, new_info, location)
        except BaseException:
            self._forget(new_info.keyid, location)
            raise
        return self.require_key()

    def revoke(
        self,
        reason: str,
        passphrase: PassphraseProvider | None = None,
        comment: str | None = None,
        *,
        keyid: str | None = None,
        now: datetime | None = None,
        from_backup: str | os.PathLike[str] | None = None,
        backup_passphrase: str | None = None,
    ) -> dict[str, Any]:
        """Sign and record a key's revocation; returns the signed statement to hand out.

        By default the active key is revoked; ``keyid`` names another of ours (e.g. a retired
        key that was lost). ``reason`` is ``compromised`` (every claim it signed is withdrawn),
        ``superseded`` or ``retired`` (claims from now on are withdrawn). Cannot be undone. A key
        revoked for another reason may be revoked again as ``compromised`` (it leaked later):
        then everything it ever signed is withdrawn.

        ``from_backup``: sign with the key as a backup file holds it (``backup_passphrase``),
        for a key whose private half is no longer where it was kept (a retired key's keyring
        entry gone with an old computer); `BackupMismatch` if the file holds another key.
        """
        key = self.require_key() if keyid is None else self.find_key(keyid)
        check_revocable(key, reason)
        if from_backup is not None:
            private = backup.read_backup(
                from_backup, backup_passphrase, expected_fingerprint=key.fingerprint, what="backup"
            )
            try:
                event = make_revocation(private, reason, comment, now)
            finally:
                del private
        else:
            with self.store.unlocked(key.keyid, key.location, passphrase) as private:
                event = make_revocation(private, reason, comment, now)
        with self.catalog.transaction() as conn:
            _record_event(conn, event)
            conn.execute(
                "UPDATE keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, ?), "
                "reason = ? WHERE key_id = ?",
                (now_utc(), reason, key.keyid),
            )
        return event

    def _check_new_location(self, location: KeyLocation, passphrase: str | None) -> None:
        """Refuse a place for a new key before anything is signed or asked for."""
        if location.kind == "keyring":
            self.store.check_keyring()
            return
        if passphrase is None:
            raise UsageError("A key file needs a passphrase.")
        backup.check_new_passphrase(passphrase)
        assert location.path is not None
        if location.path.exists():
            raise UsageError(f"{location.path} already exists; choose a new file for the new key.")


# --- catalog rows ------------------------------------------------------------------------------


def _insert_key(conn: sqlite3.Connection, info: PublicKeyInfo, location: KeyLocation) -> None:
    """Record ``info`` as the active key, retiring any other active one (inside a transaction)."""
    conn.execute(
        "UPDATE keys SET status = 'retired', retired_at = ? WHERE status = 'active'",
        (now_utc(),),
    )
    conn.execute(
        "INSERT INTO keys (key_id, public_key, fingerprint, location, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (info.keyid, info.hex, info.fingerprint, location.to_text(), now_utc()),
    )


def _save_profile(conn: sqlite3.Connection, profile: Profile) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (PROFILE_SETTING, json.dumps(profile.to_dict())),
    )


def _envelope_text(envelope: dict[str, Any]) -> str:
    # One spelling per envelope, so the UNIQUE column keeps each event once however it came.
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"))


def _insert_event(conn: sqlite3.Connection, event: KeyEvent) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO key_events "
        "(key_id, kind, effective_at, envelope, recorded_at, new_key_id) VALUES (?, ?, ?, ?, ?, ?)",
        (
            event.keyid,
            event.event,
            event.effective.astimezone(UTC).isoformat(),
            _envelope_text(event.envelope),
            now_utc(),
            event.new_key.keyid if event.new_key is not None else None,
        ),
    )


def _record_event(conn: sqlite3.Connection, envelope: dict[str, Any]) -> None:
    _insert_event(conn, parse_event(envelope))  # never record what we could not read back


def _check_target(path: Path, overwrite: bool) -> None:
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name.")
    if path.exists() and not overwrite:
        raise UsageError(f"{path} already exists; choose another name or confirm replacing it.")
    require_folder(path)


def record_events(catalog: Catalog, events: list[KeyEvent]) -> int:
    """Keep key events learnt from others (bundles, files); returns how many were new."""
    before = catalog.conn.total_changes
    with catalog.transaction() as conn:
        for event in events:
            _insert_event(conn, event)
    return catalog.conn.total_changes - before
