"""Run inside a private D-Bus session with gnome-keyring: store, load and sign through KeyStore.

Started by ``test_secret_service.py``; prints one JSON object on stdout for the test to check.
It uses whatever backend ``keyring`` selects on its own, as the app does. The seed of the
throw-away key is printed so the test can search the keyring's files for it.
"""

from __future__ import annotations

import base64
import json
import sys

import keyring
from cryptography.hazmat.primitives import serialization

from colophon.core import keys
from colophon.core.keystore import SERVICE, KeyLocation, KeyNotFound, KeyStore


def main() -> int:
    backend = keyring.get_keyring()
    store = KeyStore()
    store.check_keyring()

    private = keys.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    key_id = store.store(private, KeyLocation.keyring())
    successor = keys.generate()
    successor_id = store.store(successor, KeyLocation.keyring())

    # a fresh store and a fresh lookup: nothing comes from memory
    again = KeyStore()
    with again.unlocked(key_id, KeyLocation.keyring()) as loaded:
        same_key = keys.public_raw(loaded.public_key()) == keys.public_raw(private.public_key())
    signature = again.sign(key_id, KeyLocation.keyring(), b"colophon probe")
    private.public_key().verify(signature, b"colophon probe")  # raises if wrong
    successor.public_key().verify(again.sign(successor_id, KeyLocation.keyring(), b"next"), b"next")

    entry = keyring.get_password(SERVICE, key_id)
    again.delete(successor_id, KeyLocation.keyring())
    try:
        again.sign(successor_id, KeyLocation.keyring(), b"gone")
        deleted = False
    except KeyNotFound:
        deleted = True

    print(
        json.dumps(
            {
                "backend": f"{type(backend).__module__}.{type(backend).__name__}",
                "key_id": key_id,
                "same_key": same_key,
                "signature_ok": True,
                "entry_is_base64_seed": entry == base64.b64encode(seed).decode(),
                "other_key_kept": again.has_key(key_id, KeyLocation.keyring()),
                "deleted": deleted,
                "seed_hex": seed.hex(),
            }
        )
    )
    # the first key stays in the throw-away keyring, so the test can search its files for it
    return 0


if __name__ == "__main__":
    sys.exit(main())
