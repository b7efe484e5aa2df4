"""JSON for input from strangers, and deterministic JSON for what Colophon signs.

Python's `json` module is lenient where a signature format must not be: it keeps the last of two
duplicate keys (so two parsers can see two different documents in the same bytes), it accepts
``NaN`` and ``Infinity``, it turns ``1e400`` into infinity, it lets ``"\\ud800"`` through as a lone
surrogate that no UTF-8 encoder can write back, and it recurses without a depth limit of its own.
`loads` closes each of those doors and says which one a document tried to use; `dumps` writes the
one byte sequence a given value has (sorted keys, no whitespace, UTF-8).
"""

from __future__ import annotations

import json
import math
import re
from array import array
from itertools import accumulate
from typing import Any

from .errors import MalformedError, UsageError

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "dumps", "loads"]

#: the largest document `loads` reads unless told otherwise (a 50,000-work claim is ~40 MiB)
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: the deepest nesting of arrays and objects `loads` accepts unless told otherwise
DEFAULT_MAX_DEPTH = 64

_BOM = b"\xef\xbb\xbf"
# A complete JSON string token (quotes included), written so the engine never backtracks.
_STRING_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]")
# Opening brackets become +1, closing ones -1 (0xFF read as a signed byte).
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
# A \u escape for a UTF-16 surrogate; only documents that contain one can decode to a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_CHAR = re.compile("[\ud800-\udfff]")


def loads(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    part: str = "JSON document",
) -> Any:
    """Parse one JSON document strictly; raise `MalformedError` naming ``part`` if it is not.

    Refused: more than ``max_bytes`` bytes, a UTF-8 byte order mark, bytes that are not UTF-8,
    duplicate keys in an object, ``NaN``/``Infinity``/``-Infinity`` (and numbers too large to be
    finite), lone surrogates in any string or key, nesting deeper than ``max_depth``.
    """
    text = _to_text(data, max_bytes=max_bytes, part=part)
    _check_depth(text, max_depth=max_depth, part=part)
    try:
        value = json.loads(
            text,
            object_pairs_hook=lambda pairs: _object(pairs, part),
            parse_constant=lambda name: _constant(name, part),
            parse_float=lambda token: _float(token, part),
        )
    except json.JSONDecodeError as exc:
        raise MalformedError(
            part, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from exc
    except RecursionError as exc:  # only if the caller allowed more depth than Python has
        raise MalformedError(part, "is nested too deeply.") from exc
    except ValueError as exc:  # an integer with more digits than Python converts (4,300)
        raise MalformedError(part, "holds an integer with too many digits.") from exc
    if _SURROGATE_ESCAPE.search(text):
        _check_surrogates(value, part)
    return value


def dumps(obj: Any) -> bytes:
    """The deterministic UTF-8 encoding of ``obj``: sorted keys, no whitespace, no ``NaN``.

    The same value always gives the same bytes, which is what a signature or a digest needs.
    Raises `UsageError` for values JSON cannot hold (``NaN``, a lone surrogate in a text).
    """
    try:
        text = json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            "A text contains a broken character (an unpaired surrogate) and cannot be saved."
        ) from exc
    except (TypeError, ValueError) as exc:
        raise UsageError(f"This value cannot be written as JSON: {exc}.") from exc


def _to_text(data: bytes | str, *, max_bytes: int, part: str) -> str:
    if isinstance(data, str):
        # Each character is at least one UTF-8 byte: a cheap early refusal before encoding.
        if len(data) > max_bytes:
            raise MalformedError(part, f"is larger than the limit of {max_bytes} bytes.")
        if data.startswith("\ufeff"):
            raise MalformedError(part, "starts with a byte order mark, which JSON forbids.")
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise MalformedError(part, "contains a lone surrogate character.") from exc
        if size > max_bytes:
            raise MalformedError(part, f"is larger than the limit of {max_bytes} bytes.")
        return data
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"loads() takes bytes or str, not {type(data).__name__}")
    if len(data) > max_bytes:
        raise MalformedError(part, f"is larger than the limit of {max_bytes} bytes.")
    raw = bytes(data)
    if raw.startswith(_BOM):
        raise MalformedError(part, "starts with a byte order mark, which JSON forbids.")
    try:
        return raw.decode("utf-8")  # strict: also refuses overlong forms and encoded surrogates
    except UnicodeDecodeError as exc:
        raise MalformedError(part, f"is not valid UTF-8 (bad byte at offset {exc.start}).") from exc


def _check_depth(text: str, *, max_depth: int, part: str) -> None:
    # Strings may contain brackets: blank them out, keep only the structural brackets, and find
    # the deepest running total. Every step runs in C, so even a hostile document of nothing but
    # brackets is measured long before the parser would recurse into it.
    brackets = _NOT_BRACKET.sub("", _STRING_TOKEN.sub('""', text))
    if not brackets:
        return
    steps = array("b", brackets.encode("ascii").translate(_DEPTH_STEP))
    if max(accumulate(steps)) > max_depth:
        raise MalformedError(part, f"is nested deeper than {max_depth} levels.")


def _object(pairs: list[tuple[str, Any]], part: str) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise MalformedError(part, f"has the key {key!r} twice in one object.")
            seen.add(key)
    return result


def _constant(name: str, part: str) -> Any:
    raise MalformedError(part, f"contains {name}, which is not a JSON number.")


def _float(token: str, part: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise MalformedError(part, f"contains the number {token[:40]}, which is too large.")
    return value


def _check_surrogates(value: Any, part: str) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE_CHAR.search(item):
                raise MalformedError(part, "contains a lone surrogate (\\uD800–\\uDFFF) in a text.")
        elif isinstance(item, dict):
            for key, inner in item.items():
                if _SURROGATE_CHAR.search(key):
                    raise MalformedError(
                        part, "contains a lone surrogate (\\uD800–\\uDFFF) in a key."
                    )
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
