"""Exit statuses of the ``colophon`` command, one place for all of them (documented in README.md).

Pipelines branch on these, so they never change meaning once released.
"""

OK = 0
#: a command ran but reports a problem it found (e.g. ``check`` found missing or modified files)
FINDINGS = 1
#: the command line is wrong (unknown option, bad value)
USAGE = 2
#: the passphrase does not open the key file or backup; nothing was changed
WRONG_PASSPHRASE = 3
#: something named does not exist (a work id, a file)
NOT_FOUND = 4
#: the environment stopped the work: disk full, no permission, keyring unavailable or locked
ENVIRONMENT = 5
# verify: one code per outcome; only 0 means valid and trusted
#: intact, but signed by a key you have not trusted (pinned) yet
UNKNOWN_SIGNER = 10
#: the key differs from the one pinned for a contact of that name (or the card's key)
KEY_MISMATCH = 11
#: signed by a revoked (or rotated-away) key
REVOKED = 12
#: a file of the bundle was altered, removed or added after signing
TAMPERED = 13
#: the signature does not verify
SIGNATURE_INVALID = 14
#: a claim of a kind or version this Colophon does not read
UNSUPPORTED_VERSION = 15
#: not a well-formed bundle or envelope
MALFORMED = 16
#: Colophon itself failed unexpectedly; please report it
INTERNAL = 70
#: the user cancelled (Ctrl+C)
CANCELLED = 130
