"""Colophon: register your works, sign your terms for AI use, verify anyone's claims."""

from typing import Any


def __getattr__(name: str) -> Any:
    # The version is looked up on first use only: importlib.metadata costs every command 20 ms.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("colophon")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0.0.0+unknown"
    raise AttributeError(name)
