"""Strict JSON: every door `json.loads` leaves open is closed, with a message saying which."""

from __future__ import annotations

import contextlib
import gc
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


@pytest.mark.parametrize(
    "doc",
    [
        b'{"a":1,"a":1}',  # what a canonical writer would never write, compact and sorted
        b'{"a":1,"a":2}',
        b'[{"x":{"k":"v","k":"v"}}]',
        b'{"a":1,"b":2,"b":2}',
        b'{"b":1,"a":2,"b":1}',  # compact, keys unsorted
        b'[{"z":[],"y":{},"z":[]}]',
    ],
)
def test_rejects_duplicate_keys_in_compact_documents(doc: bytes) -> None:
    # Such a document reads like what Colophon writes, but writing its value back drops a key.
    rejects(doc, "twice in one object")


def test_a_longer_document_read_before_hides_no_duplicate_key() -> None:
    # The value read is written back into a buffer kept from one document to the next: what the
    # last one left in it beyond the new one's end must not count.
    long = b'{"a":1,"a":1,' + b'"b":[' + b",".join(b"%d" % i for i in range(2000)) + b"]}"
    strictjson.loads(strictjson.dumps(json.loads(long)))
    rejects(b'{"a":1,"a":1}', "twice in one object")
    assert strictjson.loads(b'{"a":1}') == {"a": 1}


def test_documents_over_the_buffer_limit_are_read_without_keeping_it(monkeypatch) -> None:
    monkeypatch.setattr(strictjson, "_SCRATCH_MAX_BYTES", 64)
    monkeypatch.setattr(strictjson, "_SCRATCH", type(strictjson._SCRATCH)())
    big = strictjson.dumps({"items": list(range(100))})

    assert strictjson.loads(big) == {"items": list(range(100))}
    assert getattr(strictjson._SCRATCH, "buffer", None) is None  # not kept: over the limit
    rejects(big[:-1] + b',"items":1}', "twice in one object")
    assert strictjson.loads(b"[1]") == [1]
    assert strictjson._SCRATCH.buffer == b"[1]"  # kept: within it


@pytest.mark.parametrize(
    ("doc", "value"),
    [
        (b'{ "b": 1, "a": [2, 3] }', {"a": [2, 3], "b": 1}),  # spaces
        (b'{"b":1,"a":2}', {"a": 2, "b": 1}),  # unsorted keys
        (rb'["\u00e9","\/"]', ["é", "/"]),  # escapes a canonical writer does not use
        (b"[1E2,1.50,-0]", [100.0, 1.5, 0]),  # numbers spelled another way
        (b"[123456789012345678901234567890]", [123456789012345678901234567890]),  # > 64 bits
    ],
)
def test_reads_documents_that_are_not_in_canonical_form(doc: bytes, value: object) -> None:
    result = strictjson.loads(doc)
    assert result == value
    assert type(result[0] if isinstance(result, list) else result) is type(
        value[0] if isinstance(value, list) else value
    )


def test_a_deep_document_within_the_limit_is_read_exactly() -> None:
    depth = 400
    doc = b"[" * depth + b"1" + b"]" * depth
    value = strictjson.loads(doc, max_depth=depth)
    for _ in range(depth):
        value = value[0]
    assert value == 1
    rejects(doc, f"deeper than {depth - 1}", max_depth=depth - 1)


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


def test_without_a_depth_limit_only_what_the_parsers_cannot_recurse_into_is_refused() -> None:
    deep = b"[" * 200 + b"]" * 200
    assert strictjson.loads(deep, max_depth=None) == json.loads(deep)
    spaced = b"[ " * 200 + b"] " * 200  # read by the slower, exact parser
    assert strictjson.loads(spaced, max_depth=None) == json.loads(deep)
    for doc in (b"[" * 100_000 + b"]" * 100_000, b"[ " * 100_000 + b"] " * 100_000):
        rejects(doc, "nested too deeply", max_depth=None)


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


def test_dumps_writes_integers_beyond_64_bits_exactly() -> None:
    assert strictjson.dumps({"n": -(2**70)}) == b'{"n":-1180591620717411303424}'
    assert strictjson.loads(strictjson.dumps([2**70])) == [2**70]


def test_dumps_refuses_infinity_hidden_beside_a_null() -> None:
    with pytest.raises(UsageError):
        strictjson.dumps({"a": None, "b": float("inf")})


def test_dumps_refuses_values_that_are_not_json() -> None:
    for value in ({b"k": 1}, object(), {"a": [1, {"b": object()}]}):
        with pytest.raises(UsageError, match="cannot be written as JSON"):
            strictjson.dumps(value)


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


def depth_of(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    return 0


nested_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=40,
)


@given(nested_values, st.integers(0, 12))
def test_the_depth_limit_is_exact(value: object, limit: int) -> None:
    # Canonical and spaced-out spellings, so both ways through `loads` are measured; and a
    # canonical one too long for its depth to be read from the parsed value, so from its bytes.
    padded = {"pad": list(range(300)), "value": value}
    for doc, depth, read in (
        (strictjson.dumps(value), depth_of(value), value),
        (json.dumps(value, indent=1).encode(), depth_of(value), value),
        (strictjson.dumps(padded), depth_of(padded), padded),
    ):
        if depth <= limit:
            assert strictjson.loads(doc, max_depth=limit) == read
        else:
            rejects(doc, f"deeper than {limit}", max_depth=limit)


@given(nested_values, st.integers(0, 6), st.integers(0, 3))
def test_check_depth_measures_a_value_found_some_levels_down(
    value: object, limit: int, above: int
) -> None:
    if above + depth_of(value) > limit:
        with pytest.raises(MalformedError, match=f"nested deeper than {limit} levels"):
            strictjson.check_depth(value, max_depth=limit, part="x", above=above)
    else:
        strictjson.check_depth(value, max_depth=limit, part="x", above=above)


def test_texts_holding_brackets_among_many_do_not_count_as_depth() -> None:
    # Titles such as "Study [draft]" among thousands of texts: only the texts that hold a
    # bracket are read one by one, and what they hold never counts.
    works = [{"title": f"Study {i}" + (" [draft]" if i % 10 == 0 else "")} for i in range(3000)]
    works[5]["title"] = "]]]]]]]]"  # closing brackets in a text must not hide real depth
    deep: object = 1
    for _ in range(20):
        deep = [deep]
    doc = strictjson.dumps({"works": works, "deep": deep, "key [": "]", "[": ["]"]})
    assert strictjson.loads(doc, max_depth=21)["works"][10]["title"] == "Study 10 [draft]"
    rejects(doc, "deeper than 20", max_depth=20)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_either_parse_or_raise_malformed(data: bytes) -> None:
    with contextlib.suppress(MalformedError):
        strictjson.loads(data)


def test_a_run_of_escaped_quotes_is_refused_in_linear_time() -> None:
    # A quadratic depth check once took minutes on this; a linear one takes milliseconds.
    rejects(b'["' + b'\\"' * 200_000, "not valid JSON")


def test_dumps_tells_the_word_null_in_a_text_from_a_null_value() -> None:
    assert strictjson.dumps({"t": "null and void", "b": "nullnull"}) == (
        b'{"b":"nullnull","t":"null and void"}'
    )
    assert strictjson.dumps([None, {"a": None}]) == b'[null,{"a":null}]'
    assert strictjson.dumps(None) == b"null"
    for value in ([float("nan")], {"a": float("-inf")}, float("inf"), ["null", float("nan")]):
        with pytest.raises(UsageError, match="cannot be written as JSON"):
            strictjson.dumps(value)


@pytest.mark.parametrize("entries", [0, 300])
def test_depth_limit_holds_for_short_and_long_canonical_documents(entries: int) -> None:
    # A document of a few entries has its depth read from the parsed value, a longer one from
    # its bytes: the limit is the same either way.
    def nested(depth: int) -> bytes:
        value: object = 1
        for _ in range(depth - 1):
            value = [value]
        return strictjson.dumps({"deep": value, "many": list(range(entries))})

    assert strictjson.loads(nested(8), max_depth=8) == json.loads(nested(8))
    with pytest.raises(MalformedError, match="deeper than 8 levels"):
        strictjson.loads(nested(9), max_depth=8)


def test_what_is_built_while_paused_is_not_left_to_the_young_collections() -> None:
    # Once the pause ends, the next allocations must not set the collector walking everything
    # that was built (a large claim's million objects) as if it were new: it is moved to the
    # oldest generation at once.
    gc.collect()
    with strictjson.gc_paused():
        kept = [[i] for i in range(10_000)]
    assert gc.isenabled()
    assert any(o is kept for o in gc.get_objects(generation=2))


def test_objects_frozen_by_the_app_stay_frozen_across_a_pause() -> None:
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with strictjson.gc_paused():
            kept = [[i] for i in range(1_000)]
        assert gc.get_freeze_count() == frozen and gc.isenabled()
        assert len(kept) == 1_000
    finally:
        gc.unfreeze()


# --- pretty: reports for people and pipelines --------------------------------------------------


def test_pretty_writes_what_the_standard_library_writes() -> None:
    report = {
        "outcome": "valid",
        "signer": {"name": 'Zoë Ö\'Brien "Z"', "keys": [], "extra": {}},
        "works": [{"digest": "ab" * 32, "share": 62.5, "found": None, "ok": True}] * 3,
        "unmatched_local_files": ["/home/z/é/\u0085 odd\x7f.txt", "tab\there\nline"],
        "count": 12_345,
    }
    assert strictjson.pretty(report) == json.dumps(report, indent=2, ensure_ascii=False)


def test_pretty_shows_a_file_name_that_is_not_utf8_with_its_byte_escaped() -> None:
    # os.fsdecode turns undecodable bytes in a file name into lone surrogates, which no UTF-8
    # output can hold: the report shows the byte instead, and stays valid UTF-8 for jq and co.
    report = {"local_files": ["/data/caf\udce9.jpg"], "title": "Café"}
    text = strictjson.pretty(report)
    assert json.loads(text.encode("utf-8")) == {
        "local_files": ["/data/caf\\xe9.jpg"],
        "title": "Café",
    }


# -- how many values ------------------------------------------------------------------------------
def test_values_are_counted_before_any_is_built() -> None:
    # 1 + commas + objects + arrays: an empty object or array counts twice.
    numbers = b"[" + b",".join([b"1"] * 99) + b"]"  # 100 values
    assert strictjson.loads(numbers, max_values=100) == [1] * 99
    with pytest.raises(MalformedError, match="more than 99 values"):
        strictjson.loads(numbers, max_values=99)
    empties = b"[" + b",".join([b"{}"] * 40) + b"]"  # 41 values, counted as 81
    assert strictjson.too_many_values(empties, 80) and not strictjson.too_many_values(empties, 81)


def test_commas_and_brackets_in_texts_are_not_values() -> None:
    text = json.dumps({"a": ",,,[[[{{{" * 20, "b": ['x,"y"', "\\", 2]}).encode()  # 6 values
    assert strictjson.loads(text, max_values=6)["b"][2] == 2
    with pytest.raises(MalformedError, match="more than 5 values"):
        strictjson.loads(text, max_values=5)


def test_a_text_spanning_the_pieces_counted_at_a_time_is_still_one_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(strictjson, "_MARKS_PIECE", 4)
    doc = json.dumps(["a,b,c,d,e,f", "g", [1, 2], "h,[i", {"k": "{,}"}]).encode()  # 9 values
    assert not strictjson.too_many_values(doc, 9)
    assert strictjson.too_many_values(doc, 8)


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        (b'{"payload":"abc', "is not valid JSON (Unterminated string starting at line 1"),
        (b'{"a":["b","c', "is not valid JSON (Unterminated string starting at line 1"),
        (b'["a\nb"]', "is not valid JSON (Invalid control character at line 1, column 4)."),
    ],
)
def test_a_cut_off_or_broken_document_is_said_to_be_so(doc: bytes, says: str) -> None:
    # A text that never ends once made the depth count take its quote for a bracket.
    assert says in rejects(doc, "is not valid JSON").message
