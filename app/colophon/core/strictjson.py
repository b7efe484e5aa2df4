"""JSON for input from strangers, and deterministic JSON for what Colophon signs.

Python's `json` module is lenient where a signature format must not be: it keeps the last of two
duplicate keys (so two parsers can see two different documents in the same bytes), it accepts
``NaN`` and ``Infinity``, it turns ``1e400`` into infinity, it lets ``"\\ud800"`` through as a lone
surrogate that no UTF-8 encoder can write back, and it recurses without a depth limit of its own.
`loads` closes each of those doors and says which one a document tried to use; `dumps` writes the
one byte sequence a given value has (sorted keys, no whitespace, UTF-8).

A 100,000-work claim is a 40 MiB document, so `loads` reads it in two steps. msgspec (a strict
parser in C: no ``NaN``, no overflow to infinity, no lone surrogates, no invalid UTF-8) reads it
first, and the value is written back in the compact form `dumps` writes, keys in the order they
were read: when that gives the very same bytes, the document cannot hold a duplicate key (a
written value has each key once). Every Colophon writes its documents so, in canonical form.
Any other document, and any msgspec refuses, is read again by `json` with a hook that catches
duplicate keys, which is slower but tells exactly what is wrong. Either way the nesting depth is
read from the structural brackets alone, in linear time (or, for a document of a few entries,
from the parsed value), unless the caller bounds it itself; and parsing runs with the garbage
collector paused (`gc_paused`), because building millions of containers otherwise makes the
collector walk them over and over.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import math
import re
import threading
from array import array
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import msgspec

from .errors import MalformedError, UsageError
from .pathtext import readable_values

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_VALUES",
    "check_depth",
    "dumps",
    "gc_paused",
    "loads",
    "too_many_values",
]

#: the largest document `loads` reads unless told otherwise (a 50,000-work claim is ~40 MiB)
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: the deepest nesting of arrays and objects `loads` accepts unless told otherwise
DEFAULT_MAX_DEPTH = 64
#: the most values (objects, arrays, texts, numbers...) `loads` builds unless told otherwise, as
#: `_check_values` counts them: a 100,000-work claim has about 1.4 million. Each costs memory (an
#: empty object is 3 bytes of JSON and about 90 bytes as a Python dict), so a few megabytes of
#: ``{},{},...`` would otherwise become gigabytes; at this limit a document takes at most a few
#: hundred megabytes, as the largest claims do.
DEFAULT_MAX_VALUES = 8_000_000

_BOM = b"\xef\xbb\xbf"
# Every byte but quotes and brackets, for `bytes.translate` to delete. Quotes, backslashes and
# brackets are ASCII, and UTF-8 never uses an ASCII byte inside a multi-byte character, so the
# bytes can be read for structure without decoding them.
_NOT_QUOTE_OR_BRACKET = bytes(b for b in range(256) if b not in b'"[]{}')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{},')
# A text between two quotes, once escaped quotes are blanked; written so the engine never
# backtracks, and only the last, unpaired quote of a broken document can send it to the end.
_TEXT = re.compile(rb'"[^"]*"')
# Opening brackets become +1, closing ones -1 (0xFF read as a signed byte).
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_EMPTY_PAIRS = (b"[]", b"{}", b"[]", b"{}")
# A parsed value with no more entries than this (in all its objects and arrays) has its depth
# read from the value rather than from the bytes.
_FEW_ENTRIES = 256
# Texts are taken out of a document's marks this many bytes at a time, to count its values.
_MARKS_PIECE = 1 << 20
# Above this many backslashes, blank all escapes at once rather than look at each one.
_FEW_ESCAPES = 64
# A \u escape that the parser leaves as a lone surrogate: a high one not followed by a low one,
# or a low one not preceded by a high one (the parser pairs exactly these, left to right).
_HEX2 = rb"[0-9a-fA-F]{2}"
_LONE_SURROGATE = re.compile(
    rb"\\u[dD](?:[89abAB]" + _HEX2 + rb"(?!\\u[dD][c-fC-F]" + _HEX2 + rb")"
    rb"|[c-fC-F]" + _HEX2 + rb"(?<!\\u[dD][89abAB]" + _HEX2 + rb"\\u[dD][c-fC-F]" + _HEX2 + rb"))"
)
_SURROGATE_CHAR = re.compile("[\ud800-\udfff]")
_DECODER = msgspec.json.Decoder()
#: each thread's buffer for `_reads_back`, kept while no larger than `_SCRATCH_MAX_BYTES`
_SCRATCH = threading.local()
_SCRATCH_MAX_BYTES = 16 * 1024 * 1024
_ENCODER = msgspec.json.Encoder(order="sorted")  # the one canonical form: see `dumps`
_IN_ORDER = msgspec.json.Encoder()  # keys in the order they were read, or built in (reports)


class _DuplicateKey(Exception):
    """Raised by the parser hook; `loads` turns it into a `MalformedError` naming the key."""


class _NotANumber(Exception):
    """Raised by the parser hook for NaN, Infinity and numbers that overflow to infinity."""


def loads(
    data: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int | None = DEFAULT_MAX_DEPTH,
    max_values: int = DEFAULT_MAX_VALUES,
    part: str = "JSON document",
) -> Any:
    """Parse one JSON document strictly; raise `MalformedError` naming ``part`` if it is not.

    Refused: more than ``max_bytes`` bytes, a UTF-8 byte order mark, bytes that are not UTF-8,
    duplicate keys in an object, ``NaN``/``Infinity``/``-Infinity`` (and numbers too large to be
    finite), lone surrogates in any string or key, nesting deeper than ``max_depth``, more than
    ``max_values`` values (counted in the bytes, before any is built).

    ``max_depth=None`` is for a caller that holds the value to a shape of its own, which bounds
    its depth (a claim, to its schema), and measures the rest itself: the bytes are then not
    measured, and only a document deeper than the parsers recurse (about a thousand levels) is
    refused here. Whatever the caller does with the value before it knows its depth must not
    recurse into it.
    """
    raw = _read(data, max_bytes=max_bytes, part=part)
    marks = None
    if len(raw) > max_values:  # each comma or bracket is a byte: a shorter one has fewer
        marks = _marks(_blank_escapes(raw), _NOT_STRUCTURE)
        _check_values(marks, max_values=max_values, part=part)
    try:
        with gc_paused():
            value = _DECODER.decode(raw)
    except RecursionError:
        if max_depth is not None:
            _strict_loads(raw, max_depth=max_depth, part=part, marks=marks)  # says how deeply
        raise MalformedError(part, "is nested too deeply.") from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        _strict_loads(raw, max_depth=max_depth, part=part, marks=marks)  # raises, saying why
        raise MalformedError(part, f"is not valid JSON ({exc}).") from None
    try:
        compact = _reads_back(value, raw)
    except RecursionError:  # deeper than Python recurses: the strict path says why
        compact = False
    if not compact:
        return _strict_loads(raw, max_depth=max_depth, part=part, marks=marks)
    if max_depth is not None and not _few_and_shallow(value, max_depth):
        if marks is None:
            marks = _marks(_blank_escapes(raw), _NOT_QUOTE_OR_BRACKET)
        _check_depth(marks, max_depth=max_depth, part=part)
    return value


def _reads_back(value: Any, raw: bytes) -> bool:
    """Whether writing ``value``, read from ``raw``, back in compact form gives ``raw`` itself.

    Keys are written in the order they were read, which for a document in canonical form
    (`dumps`) is sorted already: sorting them again would only take longer. The value is written
    into a buffer each thread keeps for the next document (up to `_SCRATCH_MAX_BYTES`): a claim
    of 10,000 works is 4 MB, and asking the system for that much new memory each time, which it
    hands out zeroed page by page, took a tenth of a verification.
    """
    buffer = getattr(_SCRATCH, "buffer", None) or bytearray()
    _IN_ORDER.encode_into(value, buffer)  # from its start, cut to the end of what it wrote
    same = buffer == raw
    if len(buffer) <= _SCRATCH_MAX_BYTES:
        _SCRATCH.buffer = buffer
    return same


def check_depth(value: Any, *, max_depth: int, part: str, above: int = 0) -> None:
    """Raise `MalformedError` if ``value``, found ``above`` levels down in a document, takes it
    deeper than ``max_depth`` (a text or a number adds no level; an empty list, one).

    For a part of a document read with ``max_depth=None`` (see `loads`) that the caller's shape
    leaves open; walked level by level, never recursing.
    """
    levels = sum(1 for _ in itertools.islice(_levels(value), max(0, max_depth - above + 1)))
    if above + levels > max_depth:
        raise MalformedError(part, f"is nested deeper than {max_depth} levels.")


def _few_and_shallow(value: Any, max_depth: int) -> bool:
    """Whether ``value`` has few entries in all (`_FEW_ENTRIES`) and nests within ``max_depth``.

    For such a value, an envelope whose one large entry is a base64 text, looking at the parsed
    value settles the depth at once; for any other, False leaves it to `_check_depth`.
    """
    budget = _FEW_ENTRIES
    for depth, level in enumerate(_levels(value), 1):
        budget -= sum(map(len, level))
        if budget < 0 or depth > max_depth:
            return False
    return True


def _levels(value: Any) -> Iterator[list[Any]]:
    """The lists and objects of ``value``, level by level from the top (none for a text)."""
    level = [value] if isinstance(value, dict | list) else []
    while level:
        yield level
        below: list[Any] = []
        for container in level:
            entries = container.values() if isinstance(container, dict) else container
            below += [e for e in entries if isinstance(e, dict | list)]
        level = below


def _strict_loads(
    raw: bytes, *, max_depth: int | None, part: str, marks: bytes | None = None
) -> Any:
    """`loads` for a document that does not read back as written: slower, exact diagnoses."""
    try:
        text = raw.decode("utf-8")  # strict: also refuses overlong forms, encoded surrogates
    except UnicodeDecodeError as exc:
        raise MalformedError(part, f"is not valid UTF-8 (bad byte at offset {exc.start}).") from exc
    scan = _blank_escapes(raw)
    if max_depth is not None:
        if marks is None:
            marks = _marks(scan, _NOT_QUOTE_OR_BRACKET)
        _check_depth(marks, max_depth=max_depth, part=part)
    try:
        with gc_paused():
            value = json.loads(
                text,
                object_pairs_hook=_unique_keys,
                parse_constant=_constant,
                parse_float=_float,
            )
    except _DuplicateKey as exc:
        raise MalformedError(
            part, f"has the key {_repeated(exc.args[0])!r} twice in one object."
        ) from None
    except _NotANumber as exc:
        raise MalformedError(part, exc.args[0]) from None
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at")  # "Invalid control character '\\n' at"
        raise MalformedError(
            part, f"is not valid JSON ({what} at line {exc.lineno}, column {exc.colno})."
        ) from exc
    except RecursionError as exc:  # deeper than Python recurses, with no depth limit given
        raise MalformedError(part, "is nested too deeply.") from exc
    except ValueError as exc:  # an integer with more digits than Python converts (4,300)
        raise MalformedError(part, "holds an integer with too many digits.") from exc
    if _LONE_SURROGATE.search(scan):
        _check_surrogates(value, part)
    return value


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block: for building or reading a large value.

    Containers made in bulk and kept (a parsed claim holds millions) make the collector run
    again and again, each time walking all of them, while none of them is garbage: paused, a
    100,000-work claim is parsed in about a third of the time. The collector is back on when the
    block ends, in any thread (if it was already paused on entry, that is left as it was). Also
    usable as a decorator.

    What the block built is then moved to the oldest generation in one step (freezing and
    unfreezing is a splice of lists, whatever their length); otherwise the first young
    collection after the pause would walk all of it, as new. The app keeps the objects of its
    startup frozen for good (`gc.freeze`), and unfreezing would undo that, so while anything is
    frozen the move is skipped.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def dumps(obj: Any) -> bytes:
    """The deterministic UTF-8 encoding of ``obj``: sorted keys, no whitespace, no ``NaN``.

    The same value always gives the same bytes, which is what a signature or a digest needs.
    Raises `UsageError` for values JSON cannot hold (``NaN``, a lone surrogate in a text).
    """
    try:
        data = _ENCODER.encode(obj)
    except (TypeError, UnicodeEncodeError, RecursionError):
        return _json_dumps(obj)  # refuses, saying why
    if _has_null_value(data):  # msgspec writes NaN and infinities as null: look closer
        _json_dumps(obj)
    return data


def pretty(obj: Any) -> str:
    """``obj`` as indented JSON for people and pipelines to read: keys in their order, text as is.

    The text of ``json.dumps(obj, indent=2, ensure_ascii=False)``, made in C: a verification
    report of 100,000 works takes a tenth of a second instead of more than one. A file name that
    is not UTF-8 is written as `pathtext.readable` shows it, so the output is always UTF-8.
    Floats in exponent form come out in their shortest spelling (``1e-7``, not ``1e-07``).
    """
    try:
        return msgspec.json.format(_IN_ORDER.encode(obj), indent=2).decode("utf-8")
    except UnicodeEncodeError:
        return pretty(readable_values(obj))
    except (TypeError, msgspec.EncodeError):
        return json.dumps(readable_values(obj), indent=2, ensure_ascii=False)


def _has_null_value(data: bytes) -> bool:
    """Whether ``data`` may hold a ``null`` value (not just the word inside a text).

    In the compact form a value follows ``:``, ``,`` or ``[``; the word in a text (a title, or
    by chance in base64) rarely does, so this is almost always one fast search.
    """
    position = data.find(b"null")
    while position > 0:
        if data[position - 1] in b":,[":
            return True
        position = data.find(b"null", position + 4)
    return position == 0


def _json_dumps(obj: Any) -> bytes:
    # The same form with the standard library, to tell exactly why a value cannot be written.
    try:
        text = json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            "A text contains a broken character (an unpaired surrogate) and cannot be saved."
        ) from exc
    except (TypeError, ValueError, RecursionError) as exc:
        raise UsageError(f"This value cannot be written as JSON: {exc}.") from exc


def _read(data: bytes | str, *, max_bytes: int, part: str) -> bytes:
    """The document as bytes, once its size and start are checked (not yet its UTF-8)."""
    if isinstance(data, str):
        # Each character is at least one UTF-8 byte: a cheap early refusal before encoding.
        if len(data) > max_bytes:
            raise MalformedError(part, f"is larger than the limit of {max_bytes} bytes.")
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MalformedError(part, "contains a lone surrogate character.") from exc
    elif not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"loads() takes bytes or str, not {type(data).__name__}")
    if len(data) > max_bytes:
        raise MalformedError(part, f"is larger than the limit of {max_bytes} bytes.")
    raw = bytes(data)
    if raw.startswith(_BOM):
        raise MalformedError(part, "starts with a byte order mark, which JSON forbids.")
    return raw


def _blank_escapes(raw: bytes) -> bytes:
    """``raw`` with each escaped backslash and escaped quote blanked (as ``__``).

    Afterwards a quote only ever starts or ends a text, and a backslash only ever starts a real
    escape (``\\\\ud800`` is a backslash and five letters, not a surrogate). Escapes are read
    left to right as the parser reads them. Most documents have no such escape; a few
    backslashes (the line breaks of a PEM key) are looked at one by one without copying.
    """
    position = raw.find(b"\\")
    for _ in range(_FEW_ESCAPES):
        if position < 0:
            return raw
        if raw[position + 1 : position + 2] in (b"\\", b'"'):
            break
        position = raw.find(b"\\", position + 2)  # the escaped character is never a backslash
    return raw.replace(b"\\\\", b"__").replace(b'\\"', b"__")


def _marks(scan: bytes, others: bytes) -> bytes:
    """The structure of a document with escapes blanked: its bytes but ``others`` taken out."""
    return scan.translate(None, others)


def too_many_values(raw: bytes, max_values: int | None = None) -> bool:
    """Whether `loads` would refuse ``raw`` for more than ``max_values`` values (by default,
    `DEFAULT_MAX_VALUES`)."""
    if max_values is None:
        max_values = DEFAULT_MAX_VALUES
    if len(raw) <= max_values:
        return False
    try:
        _check_values(_marks(_blank_escapes(raw), _NOT_STRUCTURE), max_values=max_values, part="")
    except MalformedError:
        return True
    return False


def _check_values(marks: bytes, *, max_values: int, part: str) -> None:
    """Refuse a document of more than ``max_values`` values, from its quotes, brackets, commas.

    Every value but the outermost is the first in its object or array, or follows a comma, so
    1 + commas + objects + arrays is at least the number of values (an empty object or array
    counts twice: the values that cost most memory for their size). Commas and brackets in texts
    count too at first, which only overestimates; a document over the limit is counted again
    without its texts.
    """
    if _structure_size(marks) <= max_values:
        return
    if 1 + sum(_structure_size(piece) - 1 for piece in _outside_texts(marks)) > max_values:
        raise MalformedError(
            part, f"holds more than {max_values:,} values (objects, arrays, texts, numbers)."
        )


def _structure_size(marks: bytes) -> int:
    return 1 + marks.count(b",") + marks.count(b"{") + marks.count(b"[")


def _outside_texts(marks: bytes) -> Iterator[bytes]:
    """``marks`` with its texts taken out, a piece at a time: it may hold millions of texts."""
    start = 0
    while start < len(marks):
        end = min(start + _MARKS_PIECE, len(marks))
        if marks.count(b'"', start, end) % 2:  # a text runs on: the piece ends after it
            closing = marks.find(b'"', end)
            end = len(marks) if closing < 0 else closing + 1
        yield _TEXT.sub(b"", marks[start:end])
        start = end


def _check_depth(marks: bytes, *, max_depth: int, part: str) -> None:
    # ``marks`` keeps only quotes and brackets (and perhaps commas, which go first); a text
    # without brackets then shows as two adjacent quotes. Usually no text holds a bracket: then
    # every quote is in such a pair (counted left to right, as `bytes.replace` would take them
    # away), and taking all quotes out leaves the brackets alone, without cutting the marks into
    # hundreds of thousands of pieces. Otherwise (titles such as "Study [draft]") the pairs of
    # adjacent quotes are taken away first: each is a text without brackets, or the end of one
    # text and the start of the next, and taking either away leaves every other quote opening
    # or closing a text as before. Only the texts that hold a bracket are left, each dropped
    # with a regular expression. The deepest running total of what is left is the nesting
    # depth. Every step runs in C, so even a hostile document of nothing but brackets is
    # measured long before the parser would recurse into it.
    if b"," in marks:
        marks = marks.translate(None, b",")
    if 2 * marks.count(b'""') == marks.count(b'"'):
        brackets = marks.translate(None, b'"')
    else:  # the quote of a text that never ends (a cut-off document) goes too
        brackets = _TEXT.sub(b"", marks.replace(b'""', b"")).translate(None, b'"')
    # Adding up a million brackets one by one is the slow part, so empty pairs go first: each
    # `bytes.replace` takes away at most one level (it never looks again at what its own
    # removals bring together), and usually most of the brackets. What is left, plus one level
    # per pass, bounds the depth; only a document near the limit is measured again, exactly.
    rest = brackets
    for pair in _EMPTY_PAIRS:
        rest = rest.replace(pair, b"")
    if _depth(rest) + len(_EMPTY_PAIRS) > max_depth and _depth(brackets) > max_depth:
        raise MalformedError(part, f"is nested deeper than {max_depth} levels.")


def _depth(brackets: bytes) -> int:
    """The deepest nesting in a text of brackets only."""
    steps = array("b", brackets.translate(_DEPTH_STEP))
    return max(accumulate(steps), default=0)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Called once per object, so kept to the minimum: a duplicate makes the dict shorter.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey(pairs)
    return result


def _repeated(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("no repeated key")  # pragma: no cover - only called with one


def _constant(name: str) -> Any:
    raise _NotANumber(f"contains {name}, which is not a JSON number.")


def _float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NotANumber(f"contains the number {token[:40]}, which is too large.")
    return value


def _check_surrogates(value: Any, part: str) -> None:
    # Only reached when the bytes hold a lone surrogate escape: find where, to say so.
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
