"""Colophon: register your works, sign your terms for AI use, verify anyone's claims."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("colophon")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
