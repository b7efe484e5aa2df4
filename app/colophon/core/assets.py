"""The one accessor for files under ``resources/`` (shipped as the package ``colophon.resources``).

It works the same in a source checkout with an editable install, in an installed wheel and in a
frozen (PyInstaller) build, because all three expose the folder as a package.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(name: str) -> Traversable:
    """The resource at ``name``, a ``/``-separated path such as ``"icons/colophon.svg"``."""
    node = files("colophon.resources")
    for part in name.split("/"):
        node = node / part
    return node


def read_bytes(name: str) -> bytes:
    return resource(name).read_bytes()


def read_text(name: str) -> str:
    return resource(name).read_text(encoding="utf-8")
