"""Works' parts of a claim kept in the catalog: an export with kept parts writes exactly what one
that makes every part anew writes, whatever changed in between, and by whatever means."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bundle_factory import Party, envelope_of, make_party, read_zip, statement_of

from colophon.core import claim_parts as claim_parts_module
from colophon.core import strictjson
from colophon.core.bundle import SUMMARY
from colophon.core.catalog import Contributor, Work
from colophon.core.claim import work_parts
from colophon.core.claim_parts import FORMAT, claim_parts
from colophon.core.errors import EnvironmentProblem, UsageError
from colophon.core.profile import AI_INFERENCE, AI_TRAINING, Terms
from colophon.core.register import register
from colophon.core.verify import Outcome, verify

OWN_TERMS = {AI_TRAINING: {"use": "allowed"}}
AN_ISCC = "ISCC:EEAZ4DJSCZR3ZOBE"


@pytest.fixture
def ada(tmp_path: Path) -> Iterator[Party]:
    party = make_party(tmp_path / "ada")
    ids = party.add_works()
    party.catalog.update_work(
        ids[0],
        description="Dawn over the\tharbour.",
        contributors=[Contributor("Ada Lovelace", "painter", 60), Contributor("Mary", "", 40)],
    )
    party.catalog.update_work(ids[1], terms=OWN_TERMS)
    yield party
    party.close()


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the works whose parts an export makes (rather than reads)."""
    ids: list[int] = []

    def counted(work: Work, *args: Any) -> Any:
        ids.append(work.id)
        return work_parts(work, *args)

    monkeypatch.setattr(claim_parts_module, "work_parts", counted)
    return ids


def claimed(party: Party, name: str) -> tuple[list[Any], list[Any], str]:
    """The subjects, works and summary page of an export of every work."""
    members = read_zip(party.export(name=name, thumbnails=False).path)
    statement = statement_of(members)
    return statement["subject"], statement["predicate"]["works"], members[SUMMARY].decode()


def made_anew(party: Party, name: str = "anew.colophon") -> tuple[list[Any], list[Any], str]:
    """The same, with no part kept: every one made from the catalog as it is."""
    with party.catalog.transaction() as conn:
        conn.execute("DELETE FROM claim_parts")
    return claimed(party, name)


def test_a_second_export_reads_the_parts_and_writes_the_same_claim(ada: Party, made) -> None:
    first = made_anew(ada, "first.colophon")  # none kept: as by an earlier Colophon
    assert sorted(made) == sorted(ada.catalog.work_ids())
    made.clear()

    again = claimed(ada, "again.colophon")

    assert made == []  # nothing made: every part was kept
    assert again == first
    assert again == made_anew(ada)
    # in the one canonical form, as if written whole by strictjson
    payload = base64.b64decode(
        envelope_of(read_zip(ada.root / "out" / "again.colophon"))["payload"]
    )
    assert payload == strictjson.dumps(json.loads(payload))
    assert verify(ada.root / "out" / "again.colophon", ada.catalog).outcome is Outcome.VALID


def _retitle(party: Party, work_id: int) -> None:
    party.catalog.update_work(work_id, title="Harbour at dusk")


def _describe(party: Party, work_id: int) -> None:
    party.catalog.update_work(work_id, description="Seen from the pier.")


def _redate(party: Party, work_id: int) -> None:
    party.catalog.update_work(work_id, created="2019-06-01")


def _own_terms(party: Party, work_id: int) -> None:
    party.catalog.update_work(work_id, terms={AI_INFERENCE: {"use": "allowed"}})


def _credit(party: Party, work_id: int) -> None:
    party.catalog.update_work(work_id, contributors=[Contributor("Charles", "editor", None)])


def _uncredit(party: Party, work_id: int) -> None:
    party.catalog.update_work(work_id, contributors=[])


def _rename_file(party: Party, work_id: int) -> None:  # the subject is named after the file
    [old] = party.catalog.get_work(work_id).paths
    new = str(Path(old).with_name("renamed" + Path(old).suffix))
    Path(old).rename(new)
    party.catalog.relocate_paths([(old, new, Path(new).stat().st_size, 0)])


def _fingerprint(party: Party, work_id: int) -> None:
    with party.catalog.transaction() as conn:
        conn.execute("UPDATE works SET fingerprints = ? WHERE id = ?", (f'["{AN_ISCC}"]', work_id))


def _other_process(party: Party, work_id: int) -> None:  # not through Colophon's own code
    conn = sqlite3.connect(party.catalog.path)
    with conn:
        conn.execute("UPDATE works SET title = 'Renamed elsewhere' WHERE id = ?", (work_id,))
    conn.close()


def _other_process_credits(party: Party, work_id: int) -> None:
    conn = sqlite3.connect(party.catalog.path)
    with conn:
        conn.execute("UPDATE contributors SET name = 'Ada King' WHERE work_id = ?", (work_id,))
    conn.close()


CHANGES: dict[str, Callable[[Party, int], None]] = {
    "title": _retitle,
    "description": _describe,
    "creation date": _redate,
    "terms of its own": _own_terms,
    "contributors added": _credit,
    "contributors removed": _uncredit,
    "file moved": _rename_file,
    "fingerprints": _fingerprint,
    "another program": _other_process,
    "another program, contributors": _other_process_credits,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_to_a_work_is_in_the_next_export_and_only_its_parts_are_made(
    ada: Party, made, change
) -> None:
    ids = ada.catalog.work_ids()
    before = claimed(ada, "before.colophon")
    made.clear()
    changed = ids[0]

    change(ada, changed)
    after = claimed(ada, "after.colophon")

    assert made == [changed]
    assert after != before
    assert after == made_anew(ada)


def test_a_file_given_new_content_leaves_its_old_work_and_both_are_made(ada: Party, made) -> None:
    # Registered again, the changed file's path moves to a new work: the old work is left
    # without it, and its subject is no longer named after it.
    old = ada.catalog.work_ids()[3]
    [path] = ada.catalog.get_work(old).paths
    claimed(ada, "before.colophon")
    made.clear()
    Path(path).write_bytes(b"print('changed')\n")
    register(ada.catalog, [path], workers=1)
    new = ada.catalog.known_path(path).work_id

    subjects, works, page = claimed(ada, "after.colophon")

    assert sorted(made) == sorted([old, new])
    assert subjects[3]["name"] == "tool"  # its title: it has no file any more
    assert (subjects, works, page) == made_anew(ada)


def test_paths_put_in_another_order_by_another_program_rename_the_subject(ada: Party, made) -> None:
    # The first of a work's paths names its subject; renumbering them changes which is first.
    work_id = ada.catalog.work_ids()[3]
    [path] = ada.catalog.get_work(work_id).paths
    copy = Path(path).with_name("a-copy.py")
    copy.write_bytes(Path(path).read_bytes())
    with ada.catalog.transaction() as conn:
        ada.catalog.record_path(conn, work_id, str(copy), copy.stat().st_size, 0)
    before, _, _ = claimed(ada, "before.colophon")
    made.clear()
    conn = sqlite3.connect(ada.catalog.path)
    with conn:
        conn.execute("UPDATE paths SET id = id + 1000 WHERE path = ?", (path,))
    conn.close()

    after, works, page = claimed(ada, "after.colophon")

    assert (before[3]["name"], after[3]["name"]) == ("tool.py", "a-copy.py")
    assert made == [work_id]
    assert (after, works, page) == made_anew(ada)


def test_the_terms_of_the_profile_reach_works_with_terms_of_their_own(ada: Party, made) -> None:
    ids = ada.catalog.work_ids()
    claimed(ada, "before.colophon")
    made.clear()
    profile = ada.identity.require_profile()
    terms = Terms().with_use(AI_INFERENCE, "constrained", "Search indexing only.")
    ada.identity.save_profile(dataclasses.replace(profile, terms=terms))

    subjects, works, page = claimed(ada, "after.colophon")

    assert made == [ids[1]]  # its equivalents apply its terms to the profile's
    assert works[1]["equivalents"]["iptc"]["plus:OtherConstraints"] == ["Search indexing only."]
    assert (subjects, works, page) == made_anew(ada)


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE claim_parts SET entry = CAST(entry AS TEXT)",
        "UPDATE claim_parts SET subject = CAST(subject AS TEXT)",
        "UPDATE claim_parts SET row = CAST(row AS BLOB)",
    ],
)
def test_parts_not_of_the_kinds_colophon_keeps_are_made_again(ada: Party, made, damage) -> None:
    # A damaged or hand-edited row is not joined into a claim (and does not stop the export).
    first = claimed(ada, "first.colophon")
    made.clear()
    with ada.catalog.transaction() as conn:
        conn.execute(damage)

    assert claimed(ada, "again.colophon") == first
    assert sorted(made) == sorted(ada.catalog.work_ids())


def test_parts_made_by_another_format_are_made_again(ada: Party, made, monkeypatch) -> None:
    first = claimed(ada, "first.colophon")
    made.clear()
    monkeypatch.setattr(claim_parts_module, "FORMAT", FORMAT + 1)

    assert claimed(ada, "again.colophon") == first
    assert sorted(made) == sorted(ada.catalog.work_ids())


def test_a_work_whose_fingerprints_are_still_to_come_is_made_each_time(
    tmp_path: Path, made
) -> None:
    party = make_party(tmp_path / "bo")
    [text] = party.add_works({"poem.txt": b"The sea, the sea.\n"})
    [path] = party.catalog.get_work(text).paths
    Path(path).unlink()  # no file: no fingerprint now, perhaps at a later export

    claimed(party, "one.colophon")
    claimed(party, "two.colophon")

    assert made == [text, text]
    party.close()


def test_summary_rows_of_works_first_shown_later_are_made_from_kept_entries(
    ada: Party, made, monkeypatch
) -> None:
    monkeypatch.setattr(claim_parts_module, "MAX_ROWS", 2)
    monkeypatch.setattr("colophon.core.summary.MAX_ROWS", 2)
    ids = ada.catalog.work_ids()
    claimed(ada, "all.colophon")
    made.clear()
    ada.catalog.update_work(ids[3], title="A tool, renamed")  # its kept part goes stale

    later = read_zip(ada.export(ids[2:], name="later.colophon", thumbnails=False).path)

    page = later[SUMMARY].decode()
    titles = [w["title"] for w in statement_of(later)["predicate"]["works"]]
    assert made == [ids[3]]
    assert all(f"<td>{title}</td>" in page for title in titles)
    rows = dict(ada.catalog.conn.execute("SELECT work_id, row FROM claim_parts").fetchall())
    assert rows[ids[2]] is not None and titles[0] in rows[ids[2]]  # kept for next time


def test_an_export_asking_for_works_in_another_order_keeps_that_order(ada: Party) -> None:
    ids = ada.catalog.work_ids()
    claimed(ada, "first.colophon")
    order = [ids[2], ids[0], ids[3]]

    parts = claim_parts(ada.catalog, order, ada.identity.require_profile().terms.to_dict())

    assert parts.ids == order
    assert parts.digests == [ada.catalog.get_work(i).digest for i in order]


def test_removing_a_work_removes_its_parts(ada: Party) -> None:
    ids = ada.catalog.work_ids()
    claimed(ada, "first.colophon")

    ada.catalog.remove_works([ids[0]])

    kept = [row[0] for row in ada.catalog.conn.execute("SELECT work_id FROM claim_parts")]
    assert ids[0] not in kept and len(kept) == len(ids) - 1


def test_parts_are_kept_with_the_record_of_the_export_or_not_at_all(ada: Party) -> None:
    # Another program holds the catalog's write lock: the export cannot record itself, writes
    # no file, and keeps none of the parts it made (one wait for the lock, not two).
    with ada.catalog.transaction() as conn:
        conn.execute("DELETE FROM claim_parts")  # none kept: as by an earlier Colophon
    blocker = sqlite3.connect(ada.catalog.path, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    ada.catalog.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(EnvironmentProblem, match="busy"):
            ada.export(name="blocked.colophon", thumbnails=False)
    finally:
        blocker.rollback()
        blocker.close()
    assert not (ada.root / "out" / "blocked.colophon").exists()
    assert ada.catalog.conn.execute("SELECT count(*) FROM claim_parts").fetchone() == (0,)

    claimed(ada, "later.colophon")  # the lock let go: recorded, and the parts kept
    assert ada.catalog.conn.execute("SELECT count(*) FROM claim_parts").fetchone() == (4,)


def test_a_work_removed_while_its_part_is_made_is_still_claimed(ada: Party, monkeypatch) -> None:
    # The export reads the catalog once: a work another window removes meanwhile (while the
    # fingerprints of texts are computed, say) is in the bundle, not in the record, not kept.
    ids = ada.catalog.work_ids()
    real_fill = claim_parts_module.fill_fingerprints

    def fill_while_removed(catalog: Any, *args: Any) -> Any:
        other = sqlite3.connect(catalog.path)
        with other:
            other.execute("PRAGMA foreign_keys = ON")
            other.execute("DELETE FROM works WHERE id = ?", (ids[3],))
        other.close()
        return real_fill(catalog, *args)

    monkeypatch.setattr(claim_parts_module, "fill_fingerprints", fill_while_removed)
    result = ada.export(name="meanwhile.colophon")

    works = statement_of(read_zip(result.path))["predicate"]["works"]
    assert len(works) == 4 and works[3]["title"] == "tool"
    assert [e["id"] for e in ada.catalog.exports_of(ids[0])] == [result.export_id]
    assert ada.catalog.exports_of(ids[3]) == []
    kept = [row[0] for row in ada.catalog.conn.execute("SELECT work_id FROM claim_parts")]
    assert sorted(kept) == sorted(ids[:3])


def test_parts_of_a_claim_the_check_refuses_are_not_kept(ada: Party) -> None:
    # Shares written by another program that do not add up: the claim is refused, and the
    # work's part is not kept, so the next export checks it again rather than trust it.
    work_id = ada.catalog.work_ids()[2]
    with ada.catalog.transaction() as conn:
        conn.execute(
            "INSERT INTO contributors (work_id, position, name, role, share) "
            "VALUES (?, 0, 'Ada', '', 10), (?, 1, 'Mary', '', 10)",
            (work_id, work_id),
        )
    kept = _current(ada)  # those kept when registered, but for the changed work's

    with pytest.raises(UsageError, match="shares must all be given and add up to 100"):
        ada.export(name="refused.colophon", thumbnails=False)
    with pytest.raises(UsageError, match="shares must all be given and add up to 100"):
        ada.export(name="again.colophon", thumbnails=False)

    assert work_id not in kept
    assert _current(ada) == kept  # nothing more kept by either export


def _current(party: Party) -> list[int]:
    """The ids of the works whose kept parts are of their current revision."""
    return [
        row[0]
        for row in party.catalog.conn.execute(
            "SELECT w.id FROM works w JOIN claim_parts p ON p.work_id = w.id "
            "AND p.revision = w.revision ORDER BY w.id"
        )
    ]


# What `claim.work_parts` and `summary.work_row` make of these works, by `FORMAT`: a change to
# what they write must come with a new FORMAT, or catalogs would keep parts written the old way.
SAMPLE_DIGESTS = {
    1: "c9809accd1b7a8d2cb251db3b6c73014f3c8a00dd82ca8629f55e13c45c3face",
}


def test_what_parts_hold_changes_only_with_a_new_format(tmp_path: Path) -> None:
    # Works of fixed bytes and fields, with each kind of value a part holds: nothing here
    # depends on the clock or on a library.
    party = make_party(tmp_path / "sample")
    files = {f"{name}.txt": f"{name}\n".encode() for name in ("notes", "tool", "photo", "gone")}
    notes, tool, photo, gone = party.add_works(files)
    profile = party.identity.require_profile()
    terms = Terms().with_use(AI_INFERENCE, "constrained", "Search indexing only.")
    party.identity.save_profile(dataclasses.replace(profile, terms=terms))
    for work_id in (notes, tool, photo, gone):
        party.catalog.update_work(work_id, created="2024-05-06")
    party.catalog.update_work(
        notes,
        title="Tide\ttables",
        description="Dawn over the\tharbour.\x07",
        contributors=[Contributor("Ada Lovelace", "writer", 60), Contributor("Mary", "", 40)],
    )
    party.catalog.update_work(tool, terms=OWN_TERMS)
    party.catalog.update_work(
        photo,
        created="2022-05-01T10:00:00",  # no offset: only the date is kept
        terms={AI_TRAINING: {"use": "constrained", "constraint_info": "With credit."}},
        contributors=[Contributor("Ada Lovelace", "photographer", None)],
    )
    with party.catalog.transaction() as conn:
        conn.execute("UPDATE works SET fingerprints = ?, mime = 'text/plain'", (f'["{AN_ISCC}"]',))
        conn.execute(
            "UPDATE works SET kind = 'image', mime = 'image/png', fingerprints = ? WHERE id = ?",
            (f'["{AN_ISCC}", "{AN_ISCC}"]', photo),
        )
        conn.execute("DELETE FROM paths WHERE work_id = ?", (gone,))  # named after its title
    claimed(party, "sample.colophon")
    rows = party.catalog.conn.execute(
        "SELECT subject, entry, row FROM claim_parts ORDER BY work_id"
    ).fetchall()
    party.close()
    assert len(rows) == 4
    sample = hashlib.sha256()
    for subject, entry, row in rows:
        for part in (subject, entry, row.encode()):
            sample.update(part + b"\n")
    assert sample.hexdigest() == SAMPLE_DIGESTS[FORMAT], (
        "what a work's part holds has changed: raise claim_parts.FORMAT and record the new "
        f"digest, {sample.hexdigest()}"
    )


# -- made while registering ----------------------------------------------------------------------
def test_registering_keeps_the_parts_and_the_first_export_reads_them(tmp_path: Path, made) -> None:
    party = make_party(tmp_path / "bo")
    harbour, sunrise, poem, tool = party.add_works()

    assert made == [harbour, sunrise, tool]  # each made once, when registered
    made.clear()
    first = claimed(party, "first.colophon")

    assert made == [poem]  # a text's fingerprint is computed at its first export, then its part
    assert first == made_anew(party)
    party.close()


def test_registering_a_new_place_of_a_work_makes_its_part_again(ada: Party, made) -> None:
    tool = ada.catalog.work_ids()[3]
    [path] = ada.catalog.get_work(tool).paths
    claimed(ada, "before.colophon")
    made.clear()

    copy = Path(path).with_name("tool-copy.py")
    copy.write_bytes(Path(path).read_bytes())

    register(ada.catalog, [copy], workers=1)
    assert made == [tool]  # its revision moved with its new path: made again, now
    made.clear()
    after = claimed(ada, "after.colophon")

    assert made == []
    assert after[0][3]["name"] == "tool.py"  # still named by its first path
    assert after == made_anew(ada)


def test_registering_leaves_a_work_with_terms_of_its_own_to_the_export(ada: Party, made) -> None:
    # A file given new content becomes a new work that takes the terms of the earlier one: its
    # entry holds their equivalents on the profile's terms, which only an export knows.
    tool = ada.catalog.work_ids()[3]
    ada.catalog.update_work(tool, terms=OWN_TERMS)
    [path] = ada.catalog.get_work(tool).paths
    Path(path).write_bytes(b"print('changed')\n")
    made.clear()

    register(ada.catalog, [path], workers=1)
    new = ada.catalog.known_path(path).work_id

    assert new not in made and new not in _current(ada)
    claimed(ada, "after.colophon")
    assert new in made


def test_registering_goes_on_when_a_part_breaks_the_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A part the format refuses is not kept: the export makes it again and says what is wrong.
    def broken(work: Work, *args: Any) -> Any:
        subject, entry = work_parts(work, *args)
        return subject, {**entry, "kind": "sculpture"}

    monkeypatch.setattr(claim_parts_module, "work_parts", broken)
    party = make_party(tmp_path / "bo")

    ids = party.add_works({"tool.py": b"print('hello')\n", "notes.md": b"# Notes\n"})

    assert sorted(ids) == party.catalog.work_ids()
    assert _current(party) == []
    with pytest.raises(UsageError, match="kind"):
        party.export(name="refused.colophon", thumbnails=False)
    party.close()
