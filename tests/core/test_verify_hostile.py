"""Hostile input given to `verify`: each is `malformed`, says why, and nothing is extracted.

First, zips that attack their reader (the reader itself is tested archive by archive in
test_safezip.py; here a real bundle is turned into each kind of attack and handed to the
verifier, which must answer with an outcome, never an exception, and write nothing anywhere).
Then bundles whose envelope or Statement break the format: JSON tricks, and claims that are
signed correctly by the key they name yet break a rule of the spec, so only that rule's check
can refuse them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest
from bundle_factory import (
    Statement,
    World,
    check,
    envelope_of,
    make_party,
    make_world,
    read_zip,
    statement_of,
    write_zip,
)

from colophon.core import claim, dsse, safezip, strictjson
from colophon.core.bundle import ENVELOPE, EVENTS, IDENTITY, SUMMARY
from colophon.core.errors import EnvironmentProblem, NotFoundError
from colophon.core.verify import Outcome, VerifyResult, verify
from memory_keyring import MemoryKeyring

REGULAR = (stat.S_IFREG | 0o644) << 16


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, bytes]]:
    """The members of one real bundle (made once: these tests only take it apart)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        party = make_party(tmp_path_factory.mktemp("ada"))
        party.add_works()
        path = party.export().path
        party.close()
        yield read_zip(path)
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = make_world(tmp_path)
    yield made
    made.close()


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder for the bundle, with the working folder deep inside it (where ``..`` leads)."""
    cwd = tmp_path / "a" / "b" / "c"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    return tmp_path


def snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def refused(path: Path, says: str) -> VerifyResult:
    """Verify the bundle at ``path``: malformed, for the reason ``says``, and nothing written."""
    before = snapshot(path.parent)
    result = verify(path, None)
    assert snapshot(path.parent) == before, "verify wrote a file"
    assert result.outcome is Outcome.MALFORMED, result.message
    assert says in result.message, result.message
    assert result.claim is None and result.signer is None
    return result


def zip_with(
    path: Path, members: dict[str, bytes], *extra: tuple[zipfile.ZipInfo | str, bytes]
) -> Path:
    """A zip of ``members`` plus ``extra`` entries: (ZipInfo or name, data) pairs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names; that is the point
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(entry(name), data)
            for info, data in extra:
                archive.writestr(entry(info) if isinstance(info, str) else info, data)
    return path


def entry(name: str, attr: int = REGULAR) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = attr
    return info


# -- names that climb out ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../../evil.txt", "climbs out"),
        ("thumbnails/../../../evil.txt", "climbs out"),
        ("../../../../../../../../tmp/evil.txt", "climbs out"),
        ("/tmp/colophon-hostile-evil.txt", "absolute path"),
        ("C:/Windows/evil.txt", "drive letter"),
        ("..\\..\\evil.txt", "backslash"),
        ("thumbnails//evil.png", "empty or '.' path component"),
        ("./summary.html", "empty or '.' path component"),
        ("evil\x1b[2J.txt", "control character"),
    ],
)
def test_unsafe_member_names_are_malformed(
    sandbox: Path, members: dict[str, bytes], name: str, says: str
) -> None:
    path = zip_with(sandbox / "bundle.colophon", members, (entry(name), b"owned"))

    refused(path, says)

    assert not Path("/tmp/colophon-hostile-evil.txt").exists()
    assert not Path("/tmp/evil.txt").exists() or Path("/tmp/evil.txt").read_bytes() != b"owned"


def test_a_symbolic_link_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    link = entry("thumbnails/link.png", (stat.S_IFLNK | 0o777) << 16)
    path = zip_with(sandbox / "bundle.colophon", members, (link, b"/etc/passwd"))
    refused(path, "symbolic link")


def test_a_folder_entry_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    folder = entry("thumbnails/", (stat.S_IFDIR | 0o755) << 16 | 0x10)
    path = zip_with(sandbox / "bundle.colophon", members, (folder, b""))
    refused(path, "folder entry")


def test_a_device_file_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    device = entry("dev.bin", (stat.S_IFCHR | 0o644) << 16)
    refused(zip_with(sandbox / "bundle.colophon", members, (device, b"")), "special file")


# -- names that collide --------------------------------------------------------------------------
def test_a_duplicated_name_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    # Two readers could see two different summaries: zipfile keeps the last, others the first.
    path = zip_with(sandbox / "bundle.colophon", members, ("summary.html", b"<p>other</p>"))
    refused(path, "appears twice")


def test_names_differing_only_by_case_are_malformed(
    sandbox: Path, members: dict[str, bytes]
) -> None:
    path = zip_with(sandbox / "bundle.colophon", members, ("SUMMARY.html", b"<p>other</p>"))
    refused(path, "only by letter case")


def test_names_differing_only_by_unicode_form_are_malformed(sandbox: Path) -> None:
    nfc, nfd = "caf\u00e9.txt", "cafe\u0301.txt"
    path = zip_with(sandbox / "bundle.colophon", {nfc: b"1"}, (nfd, b"2"))
    refused(path, "Unicode form")


# -- bombs and limits ----------------------------------------------------------------------------
def test_a_ratio_bomb_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    bomb = bytes(16 * 1024 * 1024)  # 16 MiB of zeros deflate to about 16 KiB
    path = zip_with(sandbox / "bundle.colophon", {**members, "summary.html": bomb})
    assert path.stat().st_size < 100_000
    refused(path, "expands more than 200 times")


def test_a_member_declaring_more_than_the_size_limit_is_malformed(
    sandbox: Path, members: dict[str, bytes]
) -> None:
    path = zip_with(sandbox / "bundle.colophon", members)
    patch_central_entry(path, "summary.html", file_size=300 * 1024 * 1024)
    refused(path, "declares a size over the limit")


def test_a_member_lying_about_its_size_is_malformed(
    sandbox: Path, members: dict[str, bytes]
) -> None:
    path = zip_with(sandbox / "bundle.colophon", members)
    patch_central_entry(path, "summary.html", file_size=10)
    refused(path, "summary.html")


def test_a_member_failing_its_crc_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    path = zip_with(sandbox / "bundle.colophon", members)
    patch_central_entry(path, "summary.html", crc=0)
    refused(path, "CRC")


def damage_member(path: Path, name: str, edit: Callable[[bytes], bytes]) -> None:
    """Change a stored member's bytes in place, leaving every header (and its CRC) as it was."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    assert info.compress_type == zipfile.ZIP_STORED
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    begin = info.header_offset + 30 + name_len + extra_len
    content = bytes(data[begin : begin + info.compress_size])
    changed = edit(content)
    assert len(changed) == len(content) and changed != content
    data[begin : begin + len(content)] = changed
    path.write_bytes(bytes(data))


def swap_middle_letter(content: bytes) -> bytes:
    middle = len(content) // 2
    letter = b"B" if content[middle : middle + 1] != b"B" else b"C"
    return content[:middle] + letter + content[middle + 1 :]


@pytest.mark.parametrize(
    ("what", "edit"),
    [
        # Still canonical base64: read as an altered claim, were the CRC not checked first.
        ("a letter of the payload", swap_middle_letter),
        ("its last bracket", lambda content: content[:-1] + b"]"),  # no longer JSON
    ],
)
def test_a_damaged_envelope_is_reported_as_damaged(world: World, what: str, edit: Any) -> None:
    # The envelope's CRC is checked on another thread while the claim is read; its refusal comes
    # before whatever the steps after it found.
    path = world.out("damaged.colophon")
    shutil.copyfile(world.bundle, path)
    damage_member(path, ENVELOPE, edit)
    result = refused(path, "fails its CRC check")
    assert result.part is not None and ENVELOPE in result.part


def test_the_first_damaged_member_is_reported_whatever_the_reader_finds_after_it(
    world: World,
) -> None:
    # The envelope's CRC is checked on another thread; a member after it (identity.json,
    # deflated) that the reader refuses at once must not hide it.
    path = world.out("damaged.colophon")
    shutil.copyfile(world.bundle, path)
    damage_member(path, ENVELOPE, swap_middle_letter)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        identity = archive.getinfo(IDENTITY)
    assert names.index(ENVELOPE) < names.index(IDENTITY)
    assert identity.compress_type == zipfile.ZIP_DEFLATED
    data = bytearray(path.read_bytes())
    name_len, extra_len = struct.unpack_from("<HH", data, identity.header_offset + 26)
    data[identity.header_offset + 30 + name_len + extra_len + identity.compress_size // 2] ^= 2
    path.write_bytes(bytes(data))
    result = refused(path, "fails its CRC check")
    assert result.part is not None and ENVELOPE in result.part


def test_a_damaged_summary_page_is_reported_as_damaged(world: World) -> None:
    path = world.out("damaged.colophon")
    shutil.copyfile(world.bundle, path)
    damage_member(path, SUMMARY, swap_middle_letter)
    refused(path, "zip member 'summary.html': fails its CRC check")


def test_too_many_members_is_malformed(sandbox: Path) -> None:
    # The end record counts members in 16 bits: from 65,535 members on, a zip needs ZIP64
    # records, which a bundle never has: the spec's limit is 65,534.
    path = sandbox / "bundle.colophon"
    path.write_bytes(raw_zip([RawEntry("a.txt", b"x")], count=0xFFFF))
    refused(path, "ZIP64")


def test_a_member_count_that_lies_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    path = zip_with(sandbox / "bundle.colophon", members)
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)
    path.write_bytes(bytes(data))
    refused(path, "different number of members")


def test_an_encrypted_member_is_malformed(sandbox: Path) -> None:
    path = sandbox / "bundle.colophon"
    path.write_bytes(raw_zip([RawEntry("summary.html", b"x", flags=0x1)]))
    refused(path, "encrypted")


def test_an_exotic_compression_method_is_malformed(sandbox: Path) -> None:
    path = sandbox / "bundle.colophon"
    path.write_bytes(raw_zip([RawEntry("summary.html", b"x", method=12)]))  # bzip2
    refused(path, "compression method 12")


# -- layout tricks -------------------------------------------------------------------------------
def test_overlapping_entries_are_malformed(sandbox: Path) -> None:
    # Two directory entries sharing one local header: the overlapping-entry zip bomb's trick.
    first = RawEntry("summary.html", b"A" * 100)
    path = sandbox / "bundle.colophon"
    path.write_bytes(raw_zip([first, RawEntry("identity.json", b"", offset_of="summary.html")]))
    refused(path, "overlaps")


def test_bytes_hidden_between_entries_are_malformed(sandbox: Path) -> None:
    path = sandbox / "bundle.colophon"
    hidden = RawEntry("summary.html", b"page", after=b"hidden payload")
    path.write_bytes(raw_zip([hidden, RawEntry("identity.json", b"{}")]))
    refused(path, "unaccounted bytes")


def test_a_second_end_record_in_the_comment_is_malformed(
    sandbox: Path, members: dict[str, bytes]
) -> None:
    inner = zip_with(sandbox / "inner.zip", {"summary.html": b"other"}).read_bytes()
    path = zip_with(sandbox / "bundle.colophon", members)
    with zipfile.ZipFile(path, "a") as archive:
        archive.comment = inner[-22:]
    refused(path, "second end-of-directory record")


def test_a_truncated_archive_is_malformed(sandbox: Path, members: dict[str, bytes]) -> None:
    path = zip_with(sandbox / "bundle.colophon", members)
    path.write_bytes(path.read_bytes()[:-30])
    refused(path, "zip archive")


# -- malformed envelopes and statements ------------------------------------------------------------
def malformed(path: Path, part: str | None = None, says: str = "") -> VerifyResult:
    result = check(path, None, Outcome.MALFORMED)
    assert result.message.startswith("Not a valid claim")
    if part is not None:
        assert result.part is not None and result.part.startswith(part), result.part
    assert says in result.message
    assert result.claim is None
    return result


def test_a_file_that_never_ends_is_cut_off_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /dev/zero (or a pipe, or a file still growing) has no size to check beforehand.
    monkeypatch.setattr(safezip, "BUNDLE_LIMITS", safezip.ZipLimits(max_archive_bytes=1 << 20))
    endless = tmp_path / "endless.intoto.json"
    endless.symlink_to("/dev/zero")
    result = check(endless, None, Outcome.MALFORMED)
    assert "larger than the limit of 1048576 bytes" in result.message


def test_malformed_when_neither_zip_nor_json(tmp_path: Path) -> None:
    path = tmp_path / "notes.colophon"
    path.write_text("Dear diary, today I signed nothing.")
    malformed(path, says="neither a Colophon bundle nor a DSSE envelope")


def test_a_bundle_added_to_before_or_after_is_said_to_be_damaged(
    members: dict[str, bytes], tmp_path: Path
) -> None:
    good = zip_with(tmp_path / "good.colophon", members).read_bytes()
    before, after, cut = (tmp_path / f"{n}.colophon" for n in ("before", "after", "cut"))
    before.write_bytes(b"0123456789" + good)
    after.write_bytes(good + b"some more bytes")
    cut.write_bytes(good[:-30])
    malformed(before, says=f"{before}: is a damaged bundle: something was added before its start.")
    malformed(
        after, says="zip archive: has data after its end (the file was damaged, or added to)."
    )
    malformed(cut, says="zip archive: is not a zip archive, or is cut short: its table of")


def test_malformed_when_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.colophon"
    path.write_bytes(b"")
    assert malformed(path).message == f"Not a valid claim: {path}: is empty."
    path.write_bytes(b" \n")
    malformed(path, says="is empty")


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (PermissionError(13, "Permission denied"), "No permission to read {}."),
        (OSError(5, "Input/output error"), "Could not read {}: Input/output error."),
    ],
)
def test_a_bundle_that_cannot_be_read_is_the_environment_not_the_bundle(
    world: World, monkeypatch: pytest.MonkeyPatch, fault: OSError, says: str
) -> None:
    # Nothing is known of the claim: it is no more malformed than valid (exit 5, not 16).
    from colophon.core import bundle

    def refuse(path: Path, limit: int) -> bytes:
        raise fault

    monkeypatch.setattr(bundle, "read_at_most", refuse)
    with pytest.raises(EnvironmentProblem) as raised:
        verify(world.bundle, world.ada.catalog)
    assert raised.value.message == says.format(world.bundle)


def test_an_unreadable_bundle_is_exit_5_for_the_command(world: World) -> None:
    """Root reads everything: as root, run the command without the capabilities that allow it."""
    world.bundle.chmod(0)
    command = [sys.executable, "-m", "colophon", "verify", str(world.bundle)]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop the read-anything capability")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    env = {**os.environ, "COLOPHON_HOME": str(world.out("verifier-home"))}
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 5, done.stderr
    assert done.stderr == f"colophon: error: No permission to read {world.bundle}.\n"
    assert done.stdout == ""


def test_malformed_when_the_zip_is_truncated(world: World) -> None:
    data = world.bundle.read_bytes()
    path = world.out("cut.colophon")
    path.write_bytes(data[: len(data) // 2])
    malformed(path, part="zip archive")


@pytest.mark.parametrize("required", [ENVELOPE, IDENTITY, SUMMARY])
def test_malformed_when_a_required_member_is_missing(world: World, required: str) -> None:
    malformed(world.rebuild(members=lambda m: m.pop(required)), "bundle", f"has no {required}")


def envelope_edit(world: World, change: Callable[[dict[str, Any]], bytes]) -> Path:
    def apply(members: dict[str, bytes]) -> None:
        members[ENVELOPE] = change(envelope_of(members))

    return world.rebuild(members=apply)


def test_malformed_when_the_payload_is_not_base64(world: World) -> None:
    def spoil(envelope: dict[str, Any]) -> bytes:
        envelope["payload"] = envelope["payload"][:-4] + "!!!!"
        return strictjson.dumps(envelope)

    malformed(envelope_edit(world, spoil), f"{ENVELOPE}.payload", "base64")


def test_malformed_when_the_payload_is_url_safe_base64(world: World) -> None:
    def urlsafe(envelope: dict[str, Any]) -> bytes:
        raw = base64.b64decode(envelope["payload"])
        envelope["payload"] = base64.urlsafe_b64encode(raw + b"\xff\xfe").decode()
        return strictjson.dumps(envelope)

    malformed(envelope_edit(world, urlsafe), f"{ENVELOPE}.payload")


def test_malformed_when_the_envelope_repeats_a_key(world: World) -> None:
    def twice(envelope: dict[str, Any]) -> bytes:
        text = strictjson.dumps(envelope).decode()
        return ('{"payloadType":"text/plain",' + text[1:]).encode()

    malformed(envelope_edit(world, twice), ENVELOPE, "twice")


def test_malformed_when_the_envelope_has_an_unknown_field(world: World) -> None:
    def extra(envelope: dict[str, Any]) -> bytes:
        envelope["note"] = "hi"
        return strictjson.dumps(envelope)

    malformed(envelope_edit(world, extra), ENVELOPE, "unknown field")


def signed_payload(world: World, payload: bytes, *, stored: bool = False) -> Path:
    """A bundle whose envelope carries ``payload`` exactly, signed by Ada's key.

    ``stored``: the envelope is kept uncompressed, as Colophon writes it (no ratio to judge).
    """
    members = read_zip(world.bundle)
    envelope = dsse.sign(payload, dsse.PAYLOAD_TYPE_INTOTO, world.ada.private_key())
    members[ENVELOPE] = strictjson.dumps(envelope)
    if stored:
        path = world.out("raw.colophon")
        safezip.write_zip(path, members, stored={ENVELOPE})
        return path
    return write_zip(world.out("raw.colophon"), members)


def statement_text(world: World) -> str:
    return strictjson.dumps(statement_of(read_zip(world.bundle))).decode()


def test_malformed_when_the_statement_repeats_a_key(world: World) -> None:
    text = statement_text(world)
    doubled = text.replace('"predicateType":', '"predicateType":"x","predicateType":', 1)
    malformed(signed_payload(world, doubled.encode()), "statement", "twice")


def test_malformed_when_the_statement_holds_nan(world: World) -> None:
    text = statement_text(world).replace('"predicate":{', '"predicate":{"x":NaN,', 1)
    malformed(signed_payload(world, text.encode()), "statement", "NaN")


def test_malformed_when_the_statement_holds_a_lone_surrogate(world: World) -> None:
    text = statement_text(world)
    title = json.loads(text)["predicate"]["works"][0]["title"]
    text = text.replace(f'"title":"{title}"', '"title":"\\ud800"', 1)
    malformed(signed_payload(world, text.encode()), "statement", "surrogate")


def test_malformed_when_the_statement_is_not_utf8(world: World) -> None:
    payload = statement_text(world).encode().replace(b"Ada Lovelace", b"Ada Lovel\xe1ce", 1)
    malformed(signed_payload(world, payload), "statement", "UTF-8")


def with_extension(world: World, value: str) -> Path:
    """Ada's claim with one extension holding ``value`` (JSON text), signed again by her."""
    text = statement_text(world)
    text = text.replace(
        '"predicate":{', f'"predicate":{{"extensions":{{"org.example.x":{value}}},', 1
    )
    return signed_payload(world, text.encode())


def test_malformed_when_the_statement_nests_too_deeply(world: World) -> None:
    # The schema leaves extensions open: their depth is measured, up to the 64 levels of the
    # spec (the statement, its predicate and the extensions object take three of them).
    malformed(with_extension(world, "[" * 100 + "]" * 100), "statement", "nested deeper than 64")
    malformed(with_extension(world, "[" * 62 + "]" * 62), "statement", "nested deeper than 64")
    check(with_extension(world, "[" * 61 + "]" * 61), world.ada.catalog, Outcome.VALID)


@pytest.mark.parametrize("field", ["_type", "predicateType"])
@pytest.mark.parametrize("levels", [100, 900])
def test_a_deep_statement_is_malformed_before_it_is_of_another_kind(
    world: World, field: str, levels: int
) -> None:
    # Its depth is a strict JSON rule (spec 9.2, step 3), before the kind and version.
    text = statement_text(world)
    value = json.dumps(json.loads(text)[field])
    deep = "[" * levels + "]" * levels
    replaced = text.replace(f'"{field}":{value}', f'"{field}":{deep}', 1)
    malformed(signed_payload(world, replaced.encode()), "statement", "nested deeper than 64")
    shallow = text.replace(f'"{field}":{value}', f'"{field}":[[1]]', 1)
    result = check(signed_payload(world, shallow.encode()), None, Outcome.UNSUPPORTED_VERSION)
    assert "(a JSON array)" in result.message


def test_a_deep_extension_is_malformed_though_a_critical_one_is_unknown(world: World) -> None:
    text = statement_text(world)
    deep = "[" * 62 + "]" * 62
    needs = f'"predicate":{{"critical":["org.example.x"],"extensions":{{"org.example.x":{deep}}},'
    malformed(
        signed_payload(world, text.replace('"predicate":{', needs, 1).encode()),
        "statement",
        "nested deeper than 64",
    )


@pytest.mark.parametrize("levels", [100, 900])
def test_a_deep_value_where_the_schema_wants_a_text_is_malformed(world: World, levels: int) -> None:
    # The claim is read without measuring its depth: the schema refuses it where it is, and its
    # report reads no deeper than it needs to (Python would give up near a thousand levels).
    deep = "[" * levels + "]" * levels
    text = statement_text(world)
    title = json.loads(text)["predicate"]["works"][0]["title"]
    text = text.replace(f'"title":{json.dumps(title)}', f'"title":{deep}', 1)
    malformed(signed_payload(world, text.encode()), "predicate.works[0].title", "type string")
    text = statement_text(world).replace('"predicate":{', f'"predicate":{{"x":{deep},', 1)
    malformed(signed_payload(world, text.encode()), "predicate", "does not define ('x')")


def test_a_statement_deeper_than_the_parser_recurses_is_malformed(world: World) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = statement_text(world).replace('"predicate":{', f'"predicate":{{"x":{deep},', 1)
    malformed(signed_payload(world, text.encode()), "statement", "nested too deeply")


@pytest.mark.parametrize(
    "filler", [b"{}", b"[]", b"0", b'"a"'], ids=["objects", "arrays", "n", "t"]
)
def test_a_statement_of_millions_of_tiny_values_is_refused_before_they_are_built(
    world: World, filler: bytes
) -> None:
    # A few megabytes of "{},{},..." (zipped, a few kilobytes) would become gigabytes of Python
    # objects; the values are counted in the bytes first.
    import tracemalloc

    count = strictjson.DEFAULT_MAX_VALUES // (2 if filler in (b"{}", b"[]") else 1)
    text = statement_text(world).replace(
        '"predicate":{', '"predicate":{"x":[' + ",".join([filler.decode()] * count) + "],", 1
    )
    bundle = signed_payload(world, text.encode(), stored=True)
    tracemalloc.start()
    try:
        malformed(bundle, "statement", "more than 8,000,000 values")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * len(text), peak  # the document and its copies, never its values


def test_malformed_when_the_statement_is_not_json(world: World) -> None:
    malformed(signed_payload(world, b"<claim/>"), "statement")


def first_work(statement: Statement) -> dict[str, Any]:
    return statement["predicate"]["works"][0]


def _bad_kind(s: Statement) -> None:
    first_work(s)["kind"] = "painting"


def _bad_shares(s: Statement) -> None:
    first_work(s)["contributors"] = [{"name": "A", "share": 60}, {"name": "B", "share": 30}]


def _some_shares(s: Statement) -> None:
    first_work(s)["contributors"] = [{"name": "A", "share": 100}, {"name": "B"}]


def _swapped_works(s: Statement) -> None:
    works = s["predicate"]["works"]
    works[0], works[1] = works[1], works[0]


def _missing_work(s: Statement) -> None:
    s["predicate"]["works"].pop()


def _duplicate_subject(s: Statement) -> None:
    s["subject"].append(dict(s["subject"][0]))
    s["predicate"]["works"].append(dict(s["predicate"]["works"][0]))


def _unsorted_members(s: Statement) -> None:
    s["predicate"]["members"].reverse()


def _repeated_member(s: Statement) -> None:
    members = s["predicate"]["members"]
    members.insert(0, dict(members[0]))


def _stray_thumbnail(s: Statement) -> None:
    s["predicate"]["members"].insert(
        0, {"name": "thumbnails/" + "0" * 64 + ".png", "digest": {"sha256": "0" * 64}}
    )


def _foreign_member(s: Statement) -> None:
    s["predicate"]["members"].append({"name": "zzz.txt", "digest": {"sha256": "0" * 64}})


def _traversing_member(s: Statement) -> None:
    s["predicate"]["members"].insert(0, {"name": "../evil", "digest": {"sha256": "0" * 64}})


def _wrong_keyid(s: Statement) -> None:
    s["predicate"]["claimant"]["publicKey"]["keyid"] = "ab" * 32


def _wrong_fingerprint(s: Statement) -> None:
    s["predicate"]["claimant"]["publicKey"]["fingerprint"] = " ".join(["AAAA"] * 8)


def _wrong_equivalents(s: Statement) -> None:
    s["predicate"]["equivalents"]["tdmrep"]["tdm-reservation"] = 0


def _wrong_work_equivalents(s: Statement) -> None:
    work = first_work(s)
    work["terms"] = {"cawg.ai_training": {"use": "allowed"}}
    work["equivalents"] = s["predicate"]["equivalents"]


def _wrong_equivalents_for_terms_seen_before(s: Statement) -> None:
    # The same terms on two works: the second's equivalents are compared too, not taken as read.
    from colophon.core.terms import effective, mappings

    terms = {"cawg.ai_training": {"use": "allowed"}}
    first, second = s["predicate"]["works"][:2]
    first["terms"], second["terms"] = dict(terms), {**terms}
    first["equivalents"] = mappings(effective(s["predicate"]["terms"], terms)).to_dict()
    second["equivalents"] = s["predicate"]["equivalents"]


def _equivalents_without_terms(s: Statement) -> None:
    first_work(s)["equivalents"] = s["predicate"]["equivalents"]


def _constrained_without_info(s: Statement) -> None:
    s["predicate"]["terms"]["cawg.data_mining"] = {"use": "constrained"}


def _unknown_predicate_field(s: Statement) -> None:
    s["predicate"]["royalties"] = "5%"


def _unknown_statement_field(s: Statement) -> None:
    s["comment"] = "hello"


def _subject_with_control(s: Statement) -> None:
    s["subject"][0]["name"] = "evil\x1b[2Jname.png"


def _subject_digest_upper(s: Statement) -> None:
    digest = s["subject"][0]["digest"]["sha256"].upper()
    s["subject"][0]["digest"]["sha256"] = digest
    first_work(s)["digest"]["sha256"] = digest


def _no_subjects(s: Statement) -> None:
    s["subject"] = []
    s["predicate"]["works"] = []


def _local_time(s: Statement) -> None:
    s["predicate"]["issuedAt"] = "2025-03-14T09:26:53+01:00"


def _rights_without_directive(s: Statement) -> None:
    s["predicate"]["rightsReservation"] = "All rights reserved, whatever that means."


def _critical_not_a_list(s: Statement) -> None:
    s["predicate"]["critical"] = "org.example.royalties"


def _impossible_date(s: Statement) -> None:
    first_work(s)["created"] = "2024-02-30"


def _impossible_date_after_an_undated_work(s: Statement) -> None:
    works = s["predicate"]["works"]
    works[0].pop("created", None)
    works[1]["created"] = "2024-02-30"


MALFORMED_STATEMENTS = {
    "bad kind": (_bad_kind, "predicate.works[0].kind"),
    "shares not adding to 100": (_bad_shares, "predicate.works[0].contributors"),
    "shares given for some contributors": (_some_shares, "predicate.works[0].contributors"),
    "works and subjects misaligned": (_swapped_works, "predicate.works[0].digest"),
    "a work missing": (_missing_work, "predicate.works"),
    "duplicate subject digests": (_duplicate_subject, "subject[4].digest"),
    "members unsorted": (_unsorted_members, "predicate.members"),
    "a member listed twice": (_repeated_member, "predicate.members"),
    "thumbnail of a non-subject": (_stray_thumbnail, "predicate.members"),
    "a member v1 does not know": (_foreign_member, "predicate.members"),
    "a member name climbing out": (_traversing_member, "predicate.members[0].name"),
    "keyid not matching the pem": (_wrong_keyid, "claimant.publicKey.keyid"),
    "fingerprint not matching the pem": (_wrong_fingerprint, "claimant.publicKey.fingerprint"),
    "equivalents not matching the terms": (_wrong_equivalents, "predicate.equivalents"),
    "work equivalents not matching": (_wrong_work_equivalents, "predicate.works[0].equivalents"),
    "work equivalents not matching terms seen before": (
        _wrong_equivalents_for_terms_seen_before,
        "predicate.works[1].equivalents",
    ),
    "equivalents without terms": (_equivalents_without_terms, "predicate.works[0].equivalents"),
    "constrained without info": (_constrained_without_info, "predicate.terms"),
    "unknown predicate field": (_unknown_predicate_field, "predicate"),
    "unknown statement field": (_unknown_statement_field, "statement"),
    "subject name with control characters": (_subject_with_control, "subject[0].name"),
    "upper-case digest": (_subject_digest_upper, "subject[0].digest.sha256"),
    "no subjects": (_no_subjects, "predicate.works"),
    "issuedAt not in UTC": (_local_time, "predicate.issuedAt"),
    "no reservation under 2019/790": (_rights_without_directive, "predicate.rightsReservation"),
    "critical not a list": (_critical_not_a_list, "predicate.critical"),
    "a creation date not in the calendar": (_impossible_date, "predicate.works[0].created"),
    "the same, after a work without a date": (
        _impossible_date_after_an_undated_work,
        "predicate.works[1].created",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED_STATEMENTS), ids=list(MALFORMED_STATEMENTS))
def test_malformed_statement_signed_by_its_claimant(world: World, case: str) -> None:
    edit, part = MALFORMED_STATEMENTS[case]
    malformed(world.forge(edit), part)


def test_misaligned_works_say_which_subject_they_differ_from(world: World) -> None:
    malformed(world.forge(_swapped_works), "predicate.works[0].digest", "differs from subject[0]")


@pytest.mark.parametrize("stamp", ["2025-03-14T09:26:53.250Z", "2016-12-31T23:59:60Z"])
def test_issued_at_may_have_a_fraction_or_a_leap_second(world: World, stamp: str) -> None:
    # the schema allows both; other writers than Colophon may use them
    def restamp(statement: Statement) -> None:
        statement["predicate"]["issuedAt"] = stamp

    result = check(world.forge(restamp), world.ada.catalog, Outcome.VALID)
    assert result.claim is not None and result.claim.issued_at.second in (53, 59)


def test_malformed_when_a_critical_extension_is_known_but_absent(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claim, "KNOWN_EXTENSIONS", frozenset({"org.example.royalties"}))

    def dangling(statement: Statement) -> None:
        statement["predicate"]["critical"] = ["org.example.royalties"]

    malformed(world.forge(dangling), "predicate.critical", "not in extensions")


@pytest.mark.parametrize(
    "annotations",
    [
        {"iscc": "ISCC:!!!!"},
        {"iscc_untrimmed": "ISCC:EEAZ7DHWMQNHXOFB"},
        {"iscc": "ISCC:EAAZ7DHWMQNHXOFB", "iscc_untrimmed": "ISCC:EEAZ7DHWMQNHXOFB"},
    ],
)
def test_malformed_when_a_subject_fingerprint_breaks_the_rules(
    world: World, annotations: dict[str, str]
) -> None:
    # A bad fingerprint signed by its maker is still a claim that breaks the format (spec 3):
    # refused, not kept with near matching silently off for that work.
    def annotate(statement: Statement) -> None:
        statement["subject"][0]["annotations"] = annotations

    malformed(world.forge(annotate), "subject[0].annotations")


@pytest.mark.parametrize(
    "compensation",
    [
        {"model": "revenueShare", "amount": "150"},
        {"model": "none", "amount": "5", "currency": "EUR"},
    ],
)
def test_malformed_when_the_compensation_breaks_the_rules(
    world: World, compensation: dict[str, str]
) -> None:
    def ask(statement: Statement) -> None:
        statement["predicate"]["compensation"] = compensation

    malformed(world.forge(ask), "predicate.compensation")


def test_a_claim_asking_to_negotiate_from_an_amount_stays_valid(world: World) -> None:
    # Earlier versions of Colophon wrote an amount with "negotiate" (none does now): the claims
    # they signed are genuine and must not turn invalid.
    def ask(statement: Statement) -> None:
        statement["predicate"]["compensation"] = {
            "model": "negotiate",
            "amount": "500",
            "currency": "EUR",
        }

    check(world.forge(ask), world.ada.catalog, Outcome.VALID)


def test_malformed_when_the_identity_card_is_not_json(world: World) -> None:
    forged = world.rebuild(members=lambda m: m.update({IDENTITY: b"{not json"}))
    malformed(forged, IDENTITY)


def test_malformed_when_the_events_file_is_not_a_list(world: World) -> None:
    forged = world.rebuild(members=lambda m: m.update({EVENTS: b'{"event": "rotation"}'}))
    malformed(forged, EVENTS)


def with_thumbnail(world: World, picture: bytes) -> Path:
    """The bundle with its thumbnail's bytes replaced (the claim still lists the old digest)."""

    def swap(members: dict[str, bytes]) -> None:
        members[next(n for n in members if n.startswith("thumbnails/"))] = picture

    return world.rebuild(members=swap)


def test_malformed_when_a_thumbnail_is_not_a_png(world: World) -> None:
    malformed(with_thumbnail(world, b"GIF89a" + b"\0" * 20), "thumbnails/", "not a PNG")


def test_malformed_when_a_thumbnail_is_over_a_mebibyte(world: World) -> None:
    picture = b"\x89PNG\r\n\x1a\n" + os.urandom(1024 * 1024)
    malformed(with_thumbnail(world, picture), "thumbnails/", "1 MiB")


def png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(("width", "height"), [(8000, 8000), (1025, 16), (16, 1025)])
def test_malformed_when_a_thumbnail_would_unfold_into_too_many_pixels(
    world: World, width: int, height: int
) -> None:
    picture = png(width, height)  # 64 million black pixels fit in a few dozen kilobytes
    assert len(picture) < 1024 * 1024
    malformed(with_thumbnail(world, picture), "thumbnails/", f"is {width} × {height} pixels")


def test_a_thumbnail_of_the_largest_size_allowed_is_fine(world: World) -> None:
    picture = png(1024, 1024)
    name = next(n for n in read_zip(world.bundle) if n.startswith("thumbnails/"))

    def relist(statement: Statement) -> None:
        listed = next(m for m in statement["predicate"]["members"] if m["name"] == name)
        listed["digest"]["sha256"] = hashlib.sha256(picture).hexdigest()

    forged = world.rebuild(
        edit=relist, private=world.ada.private_key(), members=lambda m: m.update({name: picture})
    )
    assert verify(forged).outcome is Outcome.UNKNOWN_SIGNER


def test_malformed_when_a_thumbnail_has_a_png_signature_and_nothing_else(world: World) -> None:
    picture = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    malformed(with_thumbnail(world, picture), "thumbnails/", "not a PNG")


def test_a_missing_file_is_an_error_not_an_outcome(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        verify(tmp_path / "nothing.colophon")


# -- a raw zip writer, for archives zipfile will not write ---------------------------------------
@dataclass
class RawEntry:
    name: str
    content: bytes
    method: int = zipfile.ZIP_STORED
    flags: int = 0
    offset_of: str | None = None  # point the directory at another entry's local header
    after: bytes = b""


def raw_zip(entries: list[RawEntry], count: int | None = None) -> bytes:
    out = bytearray()
    offsets: dict[str, int] = {}
    directory = bytearray()
    for e in entries:
        name = e.name.encode()
        crc = zlib.crc32(e.content)
        if e.offset_of is None:
            offsets[e.name] = len(out)
            out += struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                e.flags,
                e.method,
                0,
                33,
                crc,
                len(e.content),
                len(e.content),
                len(name),
                0,
            )
            out += name + e.content + e.after
        offset = offsets[e.offset_of or e.name]
        directory += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            0x0314,
            20,
            e.flags,
            e.method,
            0,
            33,
            crc,
            len(e.content),
            len(e.content),
            len(name),
            0,
            0,
            0,
            0,
            REGULAR,
            offset,
        )
        directory += name
    n = len(entries) if count is None else count
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(directory), len(out), 0)
    return bytes(out + directory + end)


def patch_central_entry(
    path: Path, name: str, *, file_size: int | None = None, crc: int | None = None
) -> None:
    """Change what the central directory says about one member, leaving its data alone."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        start = archive.start_dir
    position = start
    while data[position : position + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, position + 28)
        if data[position + 46 : position + 46 + name_len] == name.encode():
            if file_size is not None:
                struct.pack_into("<L", data, position + 24, file_size)
            if crc is not None:
                struct.pack_into("<L", data, position + 16, crc)
            path.write_bytes(bytes(data))
            return
        position += 46 + name_len + extra_len + comment_len
    raise AssertionError(f"{name} not in {path}")


def test_the_raw_writer_makes_archives_verify_can_read(sandbox: Path) -> None:
    # guards the tests above: a plain archive from raw_zip is refused only for what it lacks
    path = sandbox / "bundle.colophon"
    path.write_bytes(raw_zip([RawEntry("summary.html", b"page")]))
    refused(path, "has no envelope.intoto.json")
    assert os.path.getsize(path) > 0
