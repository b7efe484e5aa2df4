"""One error hierarchy for the whole core.

Every error carries a short message meant for the person using Colophon (one sentence, no jargon
where it can be avoided) and optional diagnostics for whoever investigates. The CLI catches
`ColophonError` once in `main` and maps its `exit_code`; the GUI shows `message` in one dialog.
Third-party exceptions are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations


class ColophonError(Exception):
    """Base of every error Colophon reports to a person."""

    #: process exit status used by the CLI when this error ends a command
    exit_code: int = 1

    def __init__(self, message: str, *, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def diagnostics(self) -> str:
        """A longer explanation for bug reports and ``--verbose`` output."""
        return self.details or self.message


class UsageError(ColophonError):
    """The request itself is wrong: a bad value, a bad combination of options."""

    exit_code = 2


class NotFoundError(ColophonError):
    """A work, contact or file named by the user does not exist."""

    exit_code = 4


class EnvironmentProblem(ColophonError):
    """Something outside Colophon stops the work: disk full, permissions, keyring locked."""

    exit_code = 5


class DiskFullError(EnvironmentProblem):
    """No space left where Colophon had to write."""


class CatalogError(EnvironmentProblem):
    """The catalog cannot be opened or is damaged."""


class Cancelled(ColophonError):
    """The user cancelled a long operation; whatever was finished is kept."""

    exit_code = 130

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class MalformedError(ColophonError):
    """Input from outside (a bundle, an envelope, a card) is not well-formed.

    ``part`` names where the problem is ("zip member 'summary.html'", "envelope.signatures[0].sig").
    """

    exit_code = 16  # as `verify` reports a malformed bundle (cli.exitcodes.MALFORMED)

    def __init__(self, part: str, message: str, *, details: str | None = None) -> None:
        super().__init__(f"{part}: {message}" if part else message, details=details)
        self.part = part


class SignatureError(ColophonError):
    """A signature does not verify with the key it claims."""

    exit_code = 14  # as `verify` reports a bad signature (cli.exitcodes.SIGNATURE_INVALID)
