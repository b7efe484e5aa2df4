"""File names as text, including names that are not UTF-8.

On Linux a file name is any bytes. Python reads a name that is not valid UTF-8 (``café`` saved in
Latin-1 by an old camera or a crawled dataset) with each stray byte as a lone surrogate, so the
file can still be opened, but such a text cannot be written as UTF-8: not into the catalog, not
into a JSON or CSV report, not to a terminal. Wherever a name is shown or reported, each stray
byte is written as ``\\xNN`` instead (``caf\\xe9.jpg``), the way Python itself shows bytes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_utf8", "readable", "readable_values"]


def is_utf8(text: str) -> bool:
    """Whether ``text`` (a file name) can be written as UTF-8 as it is."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def readable(text: str) -> str:
    """``text`` with every byte that is not UTF-8 written as ``\\xNN``; other texts unchanged."""
    if is_utf8(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte (from a broken text)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def readable_values(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, texts...) with `readable` applied to every text."""
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, dict):
        return {readable_values(k): readable_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [readable_values(v) for v in value]
    return value
