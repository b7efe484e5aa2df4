"""The inspector's logic without widgets: shared values, parsing, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from colophon.core.catalog import Catalog, Contributor, Work
from colophon.core.errors import UsageError
from colophon.core.progress import Progress
from colophon.core.register import register
from colophon.gui.work_edits import (
    apply_changes,
    build_changes,
    check_edits,
    common_tags,
    parse_contributors,
    parse_tags,
    shared_values,
    total_share,
)


def make_work(work_id: int, **fields) -> Work:
    base = dict(
        id=work_id,
        digest=f"{work_id:064x}",
        size=1,
        kind="text",
        mime=None,
        title=f"W{work_id}",
        description="",
        created="2024-01-01",
        registered_at="2024-01-01T00:00:00Z",
    )
    base.update(fields)
    return Work(**base)


def test_shared_values_keep_what_all_works_have_in_common():
    a = make_work(1, description="same", tags=["b", "a"], contributors=[Contributor("Ada")])
    b = make_work(2, description="same", tags=["a", "b"], contributors=[Contributor("Bo")])
    shared = shared_values([a, b])
    assert shared.description == "same"
    assert shared.tags == ["a", "b"]  # order does not matter
    assert shared.title is None
    assert shared.contributors is None
    assert shared.created == "2024-01-01"
    assert shared_values([]).title is None


def test_tags_are_split_on_commas_without_blanks_or_repeats():
    assert parse_tags(" sea, harbour,, sea ,") == ["sea", "harbour"]
    assert parse_tags("") == []


def test_only_edited_fields_become_changes():
    assert build_changes({}) == {}
    changes = build_changes({"created": "2021-5-06".replace("-5-", "-05-"), "tags": "x, y"})
    assert changes == {"created": "2021-05-06", "tags": ["x", "y"]}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "   "}, "A title cannot be empty."),
        ({"created": "soon"}, "is not a date"),
        ({"created": ""}, "A creation date is needed"),
        ({"contributors": [("Ada", "", "50"), ("Bo", "", "20")]}, "add up to 100 %"),
        ({"contributors": [("Ada", "", "60"), ("Bo", "", "")]}, "give every contributor a share"),
        ({"contributors": [("", "author", "")]}, "needs a name"),
        ({"contributors": [("Ada", "", "1x")]}, "is not a number"),
    ],
)
def test_invalid_values_are_refused_with_a_sentence(values, message):
    with pytest.raises(UsageError, match=message):
        build_changes(values)


def test_contributor_rows_parse_shares_and_skip_blank_rows():
    rows = [("Ada", "author", "62,5"), ("", "", ""), ("Bo", "", "37.5 %")]
    assert parse_contributors(rows) == [
        Contributor("Ada", "author", 62.5),
        Contributor("Bo", "", 37.5),
    ]
    assert total_share(rows) == 100
    assert total_share([("Ada", "", "")]) is None
    assert total_share([("Ada", "", "abc")]) is None


def test_each_field_is_checked_on_its_own_so_valid_ones_can_still_be_saved():
    changes, problems = check_edits(
        {"title": " Evening ", "contributors": [("Ada", "", "70"), ("Bo", "", "50")]}
    )
    assert changes == {"title": "Evening"}
    assert list(problems) == ["contributors"]
    assert "they add up to 120 %" in problems["contributors"]


def test_tags_for_several_works_are_an_addition_and_blank_adds_nothing():
    assert build_changes({"add_tags": "portfolio, , portfolio"}) == {"add_tags": ["portfolio"]}
    assert build_changes({"add_tags": " , "}) == {}
    a = make_work(1, tags=["dawn", "poetry"])
    b = make_work(2, tags=["poetry", "sea"])
    assert common_tags([a, b]) == ["poetry"]
    assert common_tags([]) == []


def test_saved_works_have_their_parts_of_a_claim_made_again(tmp_path: Path) -> None:
    # An export then reads each work's part rather than making it (core/claim_parts.py).
    files = tmp_path / "works"
    files.mkdir()
    for name in ("a.py", "b.py", "c.py"):
        (files / name).write_text(f"print({name!r})\n")
    with Catalog.open(tmp_path / "home") as catalog:
        register(catalog, [files], workers=1)
        ids = catalog.work_ids()

    saved = apply_changes(tmp_path / "home", ids[:2], {"description": "Saved."}, Progress())

    with Catalog.open(tmp_path / "home") as catalog:
        current = catalog.conn.execute(
            "SELECT w.id, p.entry FROM works w JOIN claim_parts p ON p.work_id = w.id "
            "AND p.revision = w.revision ORDER BY w.id"
        ).fetchall()
    assert saved == ids[:2]
    assert [work_id for work_id, _ in current] == ids
    assert [b"Saved." in bytes(entry) for _, entry in current] == [True, True, False]
