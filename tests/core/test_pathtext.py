"""File names that are not UTF-8, as they are shown and reported."""

from __future__ import annotations

import json
import os

from colophon.core.pathtext import is_utf8, readable, readable_values
from colophon.core.strictjson import pretty


def test_a_name_with_a_stray_byte_shows_it_escaped_and_others_are_left_alone():
    latin1 = os.fsdecode(b"caf\xe9 \xff.jpg")
    assert not is_utf8(latin1)
    assert readable(latin1) == "caf\\xe9 \\xff.jpg"
    for text in ("café.jpg", "plain.txt", "", "日本語.png", "\\xe9 typed by hand"):
        assert is_utf8(text) and readable(text) is text
    assert readable("broken \ud800 text") == "broken \\ud800 text"  # no byte behind it


def test_values_are_made_readable_all_the_way_down():
    name = os.fsdecode(b"/data/\xe9t\xe9.png")
    value = {"files": [name, {"path": name, "size": 3}], name: None, "ok": "été"}
    shown = readable_values(value)
    assert shown == {
        "files": ["/data/\\xe9t\\xe9.png", {"path": "/data/\\xe9t\\xe9.png", "size": 3}],
        "/data/\\xe9t\\xe9.png": None,
        "ok": "été",
    }


def test_pretty_json_is_always_utf8_and_keeps_the_rest_exact():
    name = os.fsdecode(b"caf\xe9.png")
    text = pretty({"path": name, "title": "Poème ☀", "n": 1.5})
    assert json.loads(text.encode("utf-8")) == {
        "path": "caf\\xe9.png",
        "title": "Poème ☀",
        "n": 1.5,
    }
