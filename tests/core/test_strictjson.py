"""Strict JSON: every door `json.loads` leaves open is closed, with a message saying which."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from colophon.core import strictjson
from colophon.core.errors import MalformedError, UsageError


def rejects(data: bytes | str, match: str, **kwargs: int) -> MalformedError:
    with pytest.raises(MalformedError, match=match) as info:
        strictjson.loads(data, **kwargs)
    return info.value


def test_reads_an_ordinary_document() -> None:
    doc = b'{"name": "Ada", "works": [1, 2.5, true, null, "\\u00e9\\ud83d\\ude00"], "x": {}}'
    assert strictjson.loads(doc) == {
        "name": "Ada",
        "works": [1, 2.5, True, None, "é😀"],
        "x": {},
    }


def test_reads_text_as_well_as_bytes() -> None:
    assert strictjson.loads('["é"]') == ["é"]


def test_the_part_names_the_document_in_the_message() -> None:
    error = rejects(b"[", "predicate", part="predicate")
    assert error.part == "predicate"
    assert str(error).startswith("predicate: ")


def test_rejects_invalid_utf8() -> None:
    rejects(b'["caf\xe9"]', "not valid UTF-8 .*offset 5")


def test_rejects_utf8_encoded_surrogates() -> None:
    # CESU-style bytes for U+D800 are not UTF-8 either.
    rejects(b'["\xed\xa0\x80"]', "not valid UTF-8")


def test_rejects_overlong_utf8() -> None:
    rejects(b'["\xc0\xaf"]', "not valid UTF-8")


def test_rejects_a_byte_order_mark_in_bytes() -> None:
    rejects(b"\xef\xbb\xbf{}", "byte order mark")


def test_rejects_a_byte_order_mark_in_text() -> None:
    rejects("\ufeff{}", "byte order mark")


def test_rejects_duplicate_keys_and_names_the_key() -> None:
    rejects(b'{"a": 1, "b": 2, "a": 3}', "key 'a' twice")


def test_rejects_duplicate_keys_spelled_differently() -> None:
    # "\u0061" is "a": two spellings, one key.
    rejects(b'{"a": 1, "\\u0061": 2}', "key 'a' twice")


def test_rejects_duplicate_keys_deep_inside() -> None:
    rejects(b'{"works": [{"t": 1}, {"t": 1, "t": 2}]}', "key 't' twice")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_rejects_non_numbers(constant: str) -> None:
    rejects(f"[1, {constant}]".encode(), f"contains {constant}")


@pytest.mark.parametrize("token", ["1e400", "-1e400"])
def test_rejects_numbers_that_overflow_to_infinity(token: str) -> None:
    rejects(f"[{token}]".encode(), "too large")


def test_rejects_integers_with_too_many_digits() -> None:
    rejects(b"[" + b"9" * 5000 + b"]", "too many digits")


def test_rejects_a_lone_high_surrogate_in_a_value() -> None:
    rejects(b'{"a": "x\\ud800y"}', "lone surrogate .* in a text")


def test_rejects_a_lone_low_surrogate_in_a_value() -> None:
    rejects(b'["\\udfff"]', "lone surrogate .* in a text")


def test_rejects_reversed_surrogate_pair() -> None:
    rejects(b'["\\ude00\\ud83d"]', "lone surrogate")


def test_rejects_a_lone_surrogate_in_a_key() -> None:
    rejects(b'{"\\ud800": 1}', "lone surrogate .* in a key")


def test_rejects_a_lone_surrogate_in_raw_text_input() -> None:
    rejects('["\ud800"]', "lone surrogate character")


def test_an_escaped_backslash_before_u_is_not_a_surrogate() -> None:
    assert strictjson.loads(b'["\\\\ud800"]') == ["\\ud800"]


def test_rejects_nesting_deeper_than_the_limit() -> None:
    ok = b"[" * 10 + b"]" * 10
    assert strictjson.loads(ok, max_depth=10) is not None
    rejects(b"[" * 11 + b"]" * 11, "nested deeper than 10", max_depth=10)


def test_depth_counts_objects_and_arrays_together() -> None:
    doc = b'{"a": [{"b": [1]}]}'  # depth 4
    assert strictjson.loads(doc, max_depth=4)
    rejects(doc, "deeper than 3", max_depth=3)


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    doc = json.dumps(["[[[[{{{{" * 100, '\\"[[[[']).encode()
    assert strictjson.loads(doc, max_depth=1)[0].startswith("[[[[")


def test_a_deep_hostile_document_is_refused_before_parsing() -> None:
    rejects(b"[" * 1_000_000, "nested deeper than 64")


def test_rejects_input_over_max_bytes() -> None:
    rejects(b'"' + b"a" * 100 + b'"', "larger than the limit of 50 bytes", max_bytes=50)


def test_max_bytes_counts_utf8_bytes_of_text_input() -> None:
    text = '"' + "é" * 30 + '"'  # 32 characters, 62 bytes
    rejects(text, "larger than the limit of 40 bytes", max_bytes=40)


def test_rejects_syntax_errors_with_a_position() -> None:
    rejects(b'{"a": 1,}', "not valid JSON .*line 1, column 9")


def test_rejects_trailing_data() -> None:
    rejects(b"{} {}", "not valid JSON")


def test_rejects_raw_control_characters_in_strings() -> None:
    rejects(b'["a\x01b"]', "not valid JSON")


def test_rejects_single_quotes() -> None:
    rejects(b"{'a': 1}", "not valid JSON")


def test_dumps_is_sorted_compact_utf8() -> None:
    assert strictjson.dumps({"b": 1, "a": ["é", None, True]}) == (
        '{"a":["é",null,true],"b":1}'.encode()
    )


def test_dumps_refuses_nan() -> None:
    with pytest.raises(UsageError):
        strictjson.dumps({"x": float("nan")})


def test_dumps_refuses_lone_surrogates() -> None:
    with pytest.raises(UsageError, match="unpaired surrogate"):
        strictjson.dumps({"x": "\ud800"})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",))),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=("Cs",)), max_size=8), inner)
    ),
    max_leaves=20,
)


@given(json_values)
def test_dumps_then_loads_round_trips_and_is_stable(value: object) -> None:
    encoded = strictjson.dumps(value)
    decoded = strictjson.loads(encoded)
    assert decoded == value
    assert strictjson.dumps(decoded) == encoded


@given(st.binary(max_size=200))
def test_arbitrary_bytes_either_parse_or_raise_malformed(data: bytes) -> None:
    with contextlib.suppress(MalformedError):
        strictjson.loads(data)


def test_a_run_of_escaped_quotes_is_refused_in_linear_time() -> None:
    # A quadratic depth check once took minutes on this; a linear one takes milliseconds.
    rejects(b'["' + b'\\"' * 200_000, "not valid JSON")
