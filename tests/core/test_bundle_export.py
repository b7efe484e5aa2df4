"""Exporting claim bundles: what the file holds, what the claim says, and that writing is atomic."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import html
import io
import os
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from bundle_factory import (
    Party,
    make_party,
    png_bytes,
    read_zip,
    statement_of,
    write_zip,
)
from PIL import Image

from colophon.core import bundle, fsutil, safezip, thumbnail
from colophon.core.bundle import ENVELOPE, EVENTS, IDENTITY, SUMMARY
from colophon.core.catalog import Contributor
from colophon.core.errors import (
    Cancelled,
    DiskFullError,
    EnvironmentProblem,
    NotFoundError,
    UsageError,
)
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.core.progress import Progress
from colophon.core.register import register
from colophon.core.verify import Outcome, verify

PICTURE = png_bytes((1, 2, 3))
AI_INFERENCE = "cawg.ai_inference"
CONSTRAINED_INFERENCE = {
    AI_INFERENCE: {
        "use": "constrained",
        "constraint_info": "Allowed for accessibility descriptions (alt text); credit the author.",
    }
}


@pytest.fixture
def ada(tmp_path: Path) -> Iterator[Party]:
    party = make_party(tmp_path / "ada")
    yield party
    party.close()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def works_of(party: Party, path: Path) -> list[dict[str, Any]]:
    return statement_of(read_zip(path))["predicate"]["works"]


# -- which works ---------------------------------------------------------------------------------
def test_export_of_works_selected_by_id_claims_exactly_those_in_that_order(ada: Party) -> None:
    ids = ada.add_works()
    chosen = [ids[2], ids[0]]

    result = ada.export(chosen)

    statement = statement_of(read_zip(result.path))
    expected = [ada.catalog.get_work(i).digest for i in chosen]
    assert [s["digest"]["sha256"] for s in statement["subject"]] == expected
    assert [w["digest"]["sha256"] for w in statement["predicate"]["works"]] == expected
    assert result.works == 2
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_export_of_all_works(ada: Party) -> None:
    ids = ada.add_works()

    result = ada.export()

    statement = statement_of(read_zip(result.path))
    assert {s["digest"]["sha256"] for s in statement["subject"]} == {
        ada.catalog.get_work(i).digest for i in ids
    }
    assert result.works == len(ids) == 4


def test_export_needs_a_work_a_file_name_and_an_existing_folder(ada: Party) -> None:
    ids = ada.add_works()
    with pytest.raises(UsageError):
        bundle.export_bundle(ada.catalog, ada.identity, [], ada.root / "x.colophon")
    with pytest.raises(UsageError, match="folder"):
        bundle.export_bundle(ada.catalog, ada.identity, ids, ada.root)
    with pytest.raises(NotFoundError):
        bundle.export_bundle(ada.catalog, ada.identity, ids, ada.root / "nowhere" / "x.colophon")
    (ada.root / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(UsageError, match=r"notes.txt is a file, not a folder\."):
        bundle.export_bundle(ada.catalog, ada.identity, ids, ada.root / "notes.txt" / "x.colophon")
    with pytest.raises(NotFoundError):
        bundle.export_bundle(ada.catalog, ada.identity, [9999], ada.root / "x.colophon")


def test_export_of_more_works_than_a_bundle_holds_is_refused_before_reading_them(
    ada: Party,
) -> None:
    too_many = list(range(1, 100_002))  # not in the catalog: the limit is checked first
    with pytest.raises(UsageError, match="at most 100,000 works and 100,001 are chosen"):
        bundle.export_bundle(ada.catalog, ada.identity, too_many, ada.root / "x.colophon")
    assert not (ada.root / "x.colophon").exists()


# -- the file ------------------------------------------------------------------------------------
def test_bundle_is_a_zip_with_envelope_card_summary_and_thumbnails_of_image_works_only(
    ada: Party,
) -> None:
    ids = ada.add_works()
    images = [ada.catalog.get_work(i) for i in ids if ada.catalog.get_work(i).kind == "image"]
    assert len(images) == 2

    result = ada.export()

    assert zipfile.is_zipfile(result.path)
    members = read_zip(result.path)
    thumbnails = {f"thumbnails/{w.digest}.png" for w in images}
    assert set(members) == {ENVELOPE, IDENTITY, SUMMARY} | thumbnails
    for name in thumbnails:
        assert members[name].startswith(b"\x89PNG\r\n\x1a\n")
    assert result.thumbnails == 2
    listed = statement_of(members)["predicate"]["members"]
    assert listed == [
        {"name": name, "digest": {"sha256": digest(members[name])}}
        for name in sorted({SUMMARY} | thumbnails)
    ]


def test_bundle_is_written_deterministically_as_the_spec_says(ada: Party) -> None:
    ada.add_works()
    result = ada.export()
    with zipfile.ZipFile(result.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
    assert all(i.external_attr >> 16 == 0o100644 for i in infos)
    # the envelope, the summary page and the pictures as they are, the rest deflated
    methods = {i.filename: i.compress_type for i in infos}
    assert any(name.startswith("thumbnails/") for name in methods)
    assert IDENTITY in methods
    for name, method in methods.items():
        keep = name in (ENVELOPE, SUMMARY) or name.startswith("thumbnails/")
        assert method == (zipfile.ZIP_STORED if keep else zipfile.ZIP_DEFLATED), name
    # and it passes the hostile-input reader the verifier uses
    assert set(safezip.read_members(result.path)) == {i.filename for i in infos}


def test_the_stored_envelope_is_byte_for_byte_a_bare_envelope_that_verifies(ada: Party) -> None:
    ada.add_works()
    result = ada.export(thumbnails=False)
    data = result.path.read_bytes()
    envelope = read_zip(result.path)[ENVELOPE]
    assert data.count(envelope) == 1  # stored: the zip holds the envelope's very bytes
    bare = result.path.with_suffix(".intoto.json")
    bare.write_bytes(envelope)
    assert verify(bare, ada.catalog).outcome is Outcome.VALID


def test_a_bundle_with_a_deflated_envelope_still_verifies(ada: Party) -> None:
    # Earlier Colophon versions deflated every member; readers accept either method (spec 8.2).
    ada.add_works()
    result = ada.export(thumbnails=False)
    rebuilt = write_zip(ada.root / "deflated.colophon", read_zip(result.path))
    with zipfile.ZipFile(rebuilt) as archive:
        assert archive.getinfo(ENVELOPE).compress_type == zipfile.ZIP_DEFLATED
    assert verify(rebuilt, ada.catalog).outcome is Outcome.VALID


def test_no_thumbnails_when_asked_for_none(ada: Party) -> None:
    ada.add_works()

    result = ada.export(thumbnails=False)

    members = read_zip(result.path)
    assert set(members) == {ENVELOPE, IDENTITY, SUMMARY}
    assert result.thumbnails == 0
    assert b"<img" not in members[SUMMARY]
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_more_thumbnails_than_a_bundle_holds_stop_the_export(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada.add_works()  # two pictures
    monkeypatch.setattr(bundle, "MAX_THUMBNAILS", 1)
    target = ada.root / "out" / "x.colophon"

    with pytest.raises(UsageError, match=r"at most 1 pictures.*without thumbnails"):
        ada.export(name=target.name)

    assert not target.exists()
    assert ada.export(name=target.name, thumbnails=False).thumbnails == 0


def test_thumbnails_larger_than_a_bundle_may_be_stop_the_export(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada.add_works()
    monkeypatch.setattr(safezip, "BUNDLE_LIMITS", safezip.ZipLimits(max_archive_bytes=100))
    target = ada.root / "out" / "x.colophon"

    with pytest.raises(UsageError, match=r"thumbnails alone .* larger than the 100 bytes"):
        ada.export(name=target.name)

    assert not target.exists()


def test_a_claim_over_the_readers_size_limit_is_not_signed(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada.add_works()
    monkeypatch.setattr(bundle, "MAX_STATEMENT_BYTES", 1_000)
    signed = []
    monkeypatch.setattr(bundle.dsse, "sign_to_json", lambda *args: signed.append(args))

    with pytest.raises(UsageError, match="more than the 1,000 bytes a verifier reads"):
        ada.export(thumbnails=False)

    assert signed == [] and not list((ada.root / "out").iterdir())


def test_a_claim_of_more_values_than_a_reader_builds_is_not_signed(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada.add_works()
    monkeypatch.setattr(bundle.strictjson, "DEFAULT_MAX_VALUES", 50)
    signed = []
    monkeypatch.setattr(bundle.dsse, "sign_to_json", lambda *args: signed.append(args))

    with pytest.raises(UsageError, match="more than 50 values, more than a verifier reads"):
        ada.export(thumbnails=False)

    assert signed == [] and not list((ada.root / "out").iterdir())


def test_a_bundle_over_the_readers_size_limit_is_not_written(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada.add_works({"poem.txt": b"A poem.\n"})
    monkeypatch.setattr(safezip, "BUNDLE_LIMITS", safezip.ZipLimits(max_archive_bytes=1_000))
    target = ada.root / "out" / "x.colophon"

    with pytest.raises(UsageError, match=r"cannot be written\. The archive would be .* bytes"):
        ada.export(name=target.name, thumbnails=False)

    assert not target.exists() and not list(target.parent.glob(".x.colophon.*"))
    assert ada.catalog.exports_of(ada.catalog.work_ids()[0]) == []


def bmp_bytes(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(out, format="BMP")
    return out.getvalue()


def test_a_picture_edited_without_changing_its_size_or_time_lends_no_thumbnail(
    ada: Party,
) -> None:
    # Size and time say nothing of an edit that keeps both: the preview is made only from a
    # file with the work's digest, so neither this bundle nor the cache gets the wrong one.
    red, blue = bmp_bytes((220, 20, 20)), bmp_bytes((20, 20, 220))
    assert len(red) == len(blue)
    [work_id] = ada.add_works({"pic.bmp": red})
    path = ada.works_dir / "pic.bmp"
    stamp = path.stat()
    path.write_bytes(blue)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    name = f"thumbnails/{ada.catalog.get_work(work_id).digest}.png"

    assert name not in read_zip(ada.export([work_id]).path)

    path.write_bytes(red)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    with Image.open(io.BytesIO(read_zip(ada.export([work_id]).path)[name])) as picture:
        assert picture.convert("RGB").getpixel((10, 10)) == (220, 20, 20)


def test_no_thumbnail_from_a_picture_changed_since_it_was_registered(ada: Party) -> None:
    [work_id] = ada.add_works({"photo.png": PICTURE})
    path = ada.works_dir / "photo.png"
    path.write_bytes(png_bytes((250, 250, 250), (80, 80)))  # another picture at the same path

    result = ada.export([work_id])

    assert result.thumbnails == 0
    assert not [n for n in read_zip(result.path) if n.startswith("thumbnails/")]


def test_thumbnails_are_small_pictures_of_the_work(ada: Party) -> None:
    [work_id] = ada.add_works({"wide.png": png_bytes((9, 99, 199), (1200, 500))})

    result = ada.export([work_id])

    name = f"thumbnails/{ada.catalog.get_work(work_id).digest}.png"
    with Image.open(io.BytesIO(read_zip(result.path)[name])) as picture:
        assert picture.format == "PNG"
        assert max(picture.size) == 256
        assert picture.convert("RGB").getpixel((10, 10)) == (9, 99, 199)


def test_a_second_export_takes_its_pictures_from_the_cache(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoding a photographer's photos again at every export takes minutes.
    [work_id] = ada.add_works({"wide.png": png_bytes((9, 99, 199), (1200, 500))})
    digest = ada.catalog.get_work(work_id).digest
    name = f"thumbnails/{digest}.png"
    first = read_zip(ada.export([work_id]).path)[name]
    cached = ada.catalog.path.parent / bundle.THUMBNAIL_CACHE / digest[:2] / f"{digest}.png"
    assert cached.read_bytes() == first

    def no_decoding(_path: str) -> bytes:
        raise AssertionError("the picture was made again")

    monkeypatch.setattr(thumbnail, "make_thumbnail", no_decoding)
    assert read_zip(ada.export([work_id]).path)[name] == first
    monkeypatch.undo()

    cached.write_bytes(b"not a picture")  # a damaged cache file is made again
    assert read_zip(ada.export([work_id]).path)[name] == first
    assert cached.read_bytes() == first


def test_a_folder_that_takes_no_file_is_said_before_any_picture_is_made(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = ada.add_works()
    out = ada.root / "read-only"
    out.mkdir()
    made: list[str] = []
    real_mkstemp = fsutil.tempfile.mkstemp

    def read_only(*args: Any, **kwargs: Any) -> Any:
        if Path(kwargs.get("dir", ".")) == out:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(fsutil.tempfile, "mkstemp", read_only)
    monkeypatch.setattr(thumbnail, "make_thumbnail", lambda path: made.append(path))

    with pytest.raises(EnvironmentProblem, match="No permission to write"):
        bundle.export_bundle(ada.catalog, ada.identity, ids, out / "portfolio.colophon")

    assert made == [] and os.listdir(out) == []


def test_a_photograph_gets_a_light_thumbnail_close_to_it(ada: Party, tmp_path: Path) -> None:
    # 256 colours of its own: a third of a full-colour PNG, and still the same picture.
    import numpy as np

    rng = np.random.default_rng(7)
    x, y = np.meshgrid(np.linspace(0, 1, 900), np.linspace(0, 1, 600))
    pixels = np.stack([200 * x + 30 * y, 180 * y + 20 * x, 255 * x * y], axis=2)
    pixels += rng.normal(0, 12, pixels.shape)
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype("uint8"))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92)
    [work_id] = ada.add_works({"photo.jpg": buffer.getvalue()})

    result = ada.export([work_id])

    data = read_zip(result.path)[f"thumbnails/{ada.catalog.get_work(work_id).digest}.png"]
    assert len(data) < 60_000
    with Image.open(io.BytesIO(data)) as picture:
        preview = np.asarray(picture.convert("RGB"), dtype=float)
    expected = np.asarray(photo.resize((256, 171)).convert("RGB"), dtype=float)
    assert np.abs(preview - expected).mean() < 12  # within a few levels, on average


def test_a_picture_that_cannot_be_decoded_has_no_thumbnail(ada: Party) -> None:
    [work_id] = ada.add_works({"broken.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 100})
    assert ada.catalog.get_work(work_id).kind == "image"

    result = ada.export([work_id])

    assert result.thumbnails == 0
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_a_picture_with_damaged_metadata_still_has_a_thumbnail(ada: Party) -> None:
    # Pillow warns about a truncated EXIF block and decodes anyway; the warning is no error
    exif = Image.Exif()
    exif[0x010F] = "A camera maker"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (1, 2, 3)).save(out, "JPEG", exif=exif.tobytes()[:-8])
    [work_id] = ada.add_works({"damaged.jpg": out.getvalue()})

    result = ada.export([work_id])

    assert result.thumbnails == 1


def test_bundle_carries_the_key_events_of_its_signer(ada: Party) -> None:
    ada.add_works()
    first = ada.export(name="before.colophon")
    assert EVENTS not in read_zip(first.path)

    ada.identity.rotate(KeyLocation.keyring())
    second = ada.export(name="after.colophon")

    members = read_zip(second.path)
    assert EVENTS in members
    assert verify(second.path, ada.catalog).outcome is Outcome.VALID


# -- the record ----------------------------------------------------------------------------------
def test_export_is_recorded_for_each_work_it_holds(ada: Party) -> None:
    ids = ada.add_works()

    result = ada.export(ids[:2])

    members = read_zip(result.path)
    payload_digest = digest(statement_of_bytes(members))
    for work_id in ids[:2]:
        [record] = ada.catalog.exports_of(work_id)
        assert record["id"] == result.export_id
        assert record["path"] == str(result.path)
        assert record["key_id"] == ada.identity.require_key().keyid
        assert record["statement_sha256"] == result.statement_sha256 == payload_digest
        assert record["work_count"] == 2
    assert ada.catalog.exports_of(ids[3]) == []


def statement_of_bytes(members: dict[str, bytes]) -> bytes:
    import base64
    import json

    return base64.b64decode(json.loads(members[ENVELOPE])["payload"])


# -- atomic writing ------------------------------------------------------------------------------
class _FillingDisk:
    """A file that accepts ``budget`` bytes and then fails as a full disk does."""

    def __init__(self, inner: BinaryIO, budget: int) -> None:
        self._inner = inner
        self._budget = budget

    def write(self, data: bytes) -> int:
        if len(data) > self._budget:
            self._inner.write(bytes(data[: self._budget]))
            self._budget = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._budget -= len(data)
        return self._inner.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after a few kilobytes of the bundle were written."""
    real = fsutil.atomic_writer

    @contextlib.contextmanager
    def filling(path: str | os.PathLike[str], mode: int = 0o644) -> Iterator[Any]:
        with real(path, mode) as fh:
            yield _FillingDisk(fh, budget=2000)

    monkeypatch.setattr(safezip, "atomic_writer", filling)


def test_a_full_disk_midway_leaves_no_file_and_no_record(ada: Party, full_disk: None) -> None:
    ids = ada.add_works()
    out = ada.root / "out"
    out.mkdir()

    with pytest.raises(DiskFullError, match="disk space"):
        bundle.export_bundle(ada.catalog, ada.identity, ids, out / "portfolio.colophon")

    assert os.listdir(out) == []  # neither the bundle nor a temporary file
    assert all(ada.catalog.exports_of(i) == [] for i in ids)


def test_a_failed_export_leaves_the_previous_bundle_untouched(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = ada.add_works()
    first = ada.export(ids)
    before = first.path.read_bytes()
    real = fsutil.atomic_writer

    @contextlib.contextmanager
    def filling(path: str | os.PathLike[str], mode: int = 0o644) -> Iterator[Any]:
        with real(path, mode) as fh:
            yield _FillingDisk(fh, budget=100)

    monkeypatch.setattr(safezip, "atomic_writer", filling)

    with pytest.raises(DiskFullError):
        bundle.export_bundle(ada.catalog, ada.identity, ids, first.path)

    assert first.path.read_bytes() == before
    assert os.listdir(first.path.parent) == [first.path.name]
    assert [r["id"] for r in ada.catalog.exports_of(ids[0])] == [first.export_id]


def test_a_catalog_that_cannot_record_the_export_gets_no_bundle_either(ada: Party) -> None:
    # The history and the file go together: a bundle on disk that the catalog does not know
    # would look, to its maker, like one never made.
    ids = ada.add_works()
    out = ada.root / "portfolio.colophon"
    ada.catalog.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(ada.catalog.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing to the catalog
    try:
        with pytest.raises(EnvironmentProblem, match="busy"):
            bundle.export_bundle(ada.catalog, ada.identity, ids, out, thumbnails=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [name for name in os.listdir(ada.root) if "portfolio" in name] == []  # nor a .tmp
    assert all(ada.catalog.exports_of(i) == [] for i in ids)


def test_the_catalog_is_free_for_others_while_the_bundle_is_written(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large bundle written to a slow disk must not keep the app or a command from saving.
    ids = ada.add_works()
    real = safezip.write_zip
    others = []

    def write_while_another_saves(*args: Any, **kwargs: Any) -> None:
        other = sqlite3.connect(ada.catalog.path, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the export held the catalog
            other.execute("ROLLBACK")
            others.append("saved")
        finally:
            other.close()
        real(*args, **kwargs)

    monkeypatch.setattr(safezip, "write_zip", write_while_another_saves)
    result = bundle.export_bundle(ada.catalog, ada.identity, ids, ada.root / "p.colophon")
    assert others == ["saved"]
    assert [r["id"] for r in ada.catalog.exports_of(ids[0])] == [result.export_id]


def test_works_removed_while_their_claim_was_made_are_left_out_of_its_record(ada: Party) -> None:
    # Another window or command may remove a work while a large export runs; the bundle still
    # claims it, and the record keeps the works the catalog still has.
    ids = ada.add_works()
    ada.catalog.remove_works([ids[1]])
    export_id = ada.catalog.record_export("x.colophon", "k" * 64, "d" * 64, ids)
    assert [r["id"] for r in ada.catalog.exports_of(ids[0])] == [export_id]
    assert ada.catalog.exports_of(ids[1]) == []
    assert ada.catalog.exports_of(ids[0])[0]["work_count"] == len(ids)


# -- what the claim and the page say -------------------------------------------------------------
def test_summary_escapes_hostile_text(tmp_path: Path) -> None:
    party = make_party(tmp_path / "mallory", "Mallory <b>Bold</b>", email=None)
    [work_id] = party.add_works({"a.txt": b"words"})
    party.catalog.update_work(
        work_id,
        title="<script>alert('title')</script>",
        contributors=[Contributor("<img src=x onerror=alert(1)>", "<i>role</i>", None)],
    )

    result = party.export()

    page = read_zip(result.path)[SUMMARY].decode("utf-8")
    assert "<script>" not in page
    assert html.escape("<script>alert('title')</script>") in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>Bold</b>" not in page and "Mallory &lt;b&gt;Bold&lt;/b&gt;" in page
    assert "<i>role</i>" not in page
    # and if some text ever got through, the page runs no script and loads nothing from afar
    assert (
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src 'self' file: data:; style-src 'unsafe-inline'\">" in page
    )
    party.close()


def test_summary_shows_the_works_terms_and_fingerprint(ada: Party) -> None:
    ids = ada.add_works()
    ada.catalog.update_work(ids[0], title="Harbour at dawn", terms=CONSTRAINED_INFERENCE)

    result = ada.export()

    page = read_zip(result.path)[SUMMARY].decode("utf-8")
    assert "Harbour at dawn" in page
    assert ada.identity.require_key().fingerprint in page
    assert "Only with conditions: Allowed for accessibility descriptions" in page
    assert page.count("<img src='thumbnails/") == 2
    # written for people: the date in words, kinds capitalised, no empty column
    issued = datetime.strptime(
        statement_of(read_zip(result.path))["predicate"]["issuedAt"], "%Y-%m-%dT%H:%M:%SZ"
    )
    months = "January February March April May June July August September October November"
    month = (months + " December").split()[issued.month - 1]
    assert f"Signed {issued.day} {month} {issued:%Y, %H:%M} UTC · {len(ids)} works" in page
    assert "<td>Image</td>" in page and "<td>image</td>" not in page
    assert "Contributors" not in page and "class='people'" not in page  # none to show
    assert page.count("As for all works (above)") == len(ids) - 1
    # "fingerprint" is the key's, to compare with the creator's; a file has a checksum
    assert page.count("fingerprint") == 2 and "File checksum (SHA-256)" in page


def test_per_work_terms_appear_with_their_equivalents(ada: Party) -> None:
    ids = ada.add_works()
    ada.catalog.update_work(ids[1], terms=CONSTRAINED_INFERENCE)

    result = ada.export()

    statement = statement_of(read_zip(result.path))
    predicate = statement["predicate"]
    works = predicate["works"]
    assert works[1]["terms"] == CONSTRAINED_INFERENCE
    assert works[1]["equivalents"] == {
        "tdmrep": {"tdm-reservation": 1},
        "iptc": {
            "plus:DataMining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-SEECONSTRAINT",
            "plus:OtherConstraints": [
                CONSTRAINED_INFERENCE["cawg.ai_inference"]["constraint_info"]
            ],
        },
        "aipref": {"Content-Usage": "train-ai=n, train-genai=n"},
    }
    for other in (works[0], works[2], works[3]):
        assert "terms" not in other and "equivalents" not in other
    # the bundle-wide defaults: all four uses not allowed
    assert predicate["equivalents"] == {
        "tdmrep": {"tdm-reservation": 1},
        "iptc": {"plus:DataMining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"},
        "aipref": {"Content-Usage": "train-ai=n, train-genai=n"},
    }
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_invalid_per_work_terms_stop_the_export_before_anything_is_written(ada: Party) -> None:
    ids = ada.add_works()
    ada.catalog.update_work(ids[0], terms={"cawg.ai_training": {"use": "maybe"}})
    target = ada.root / "bad.colophon"

    with pytest.raises(UsageError, match="terms of the work"):
        bundle.export_bundle(ada.catalog, ada.identity, ids, target)

    assert not target.exists()
    assert ada.catalog.exports_of(ids[0]) == []


def test_subject_names_are_the_file_names(ada: Party) -> None:
    ada.add_works({"Sunrise over the harbour.png": PICTURE, "notes/draft one.txt": b"draft"})

    result = ada.export()

    names = [s["name"] for s in statement_of(read_zip(result.path))["subject"]]
    assert names == ["Sunrise over the harbour.png", "draft one.txt"]


def test_control_characters_in_names_and_titles_are_made_safe(ada: Party) -> None:
    [work_id] = ada.add_works({"line\nbreak\x7f.txt": b"odd name"})
    ada.catalog.update_work(
        work_id,
        contributors=[Contributor("Ada\tLovelace", "author", None)],
        description="First line,\r\nsecond\twith a tab;\x0c an escape:\x1b[2J.\u202e",
    )
    pasted = Contributor("Charles\u2028Babbage \u202eVALID\u202c", "editor", None)

    result = ada.export()

    statement = statement_of(read_zip(result.path))
    assert statement["subject"][0]["name"] == "line break .txt"
    work = statement["predicate"]["works"][0]
    assert work["title"] == "line break"
    assert work["contributors"] == [{"name": "Ada Lovelace", "role": "author"}]
    assert work["description"] == "First line,\r\nsecond\twith a tab;  an escape: [2J. "
    ada.catalog.update_work(work_id, contributors=[pasted])
    again = statement_of(read_zip(ada.export(name="again.colophon").path))
    [contributor] = again["predicate"]["works"][0]["contributors"]
    assert contributor["name"] == "Charles Babbage  VALID"
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_contributors_with_roles_and_shares(ada: Party) -> None:
    ids = ada.add_works()
    ada.catalog.update_work(
        ids[0],
        contributors=[Contributor("Ada Lovelace", "composer", 60), Contributor("Charles", "", 40)],
    )
    ada.catalog.update_work(ids[1], contributors=[Contributor("Ada Lovelace", "photographer")])

    result = ada.export()

    works = works_of(ada, result.path)
    assert works[0]["contributors"] == [
        {"name": "Ada Lovelace", "role": "composer", "share": 60},
        {"name": "Charles", "share": 40},
    ]
    assert works[1]["contributors"] == [{"name": "Ada Lovelace", "role": "photographer"}]
    assert "contributors" not in works[2]
    page = read_zip(result.path)[SUMMARY].decode()
    assert "Ada Lovelace (composer, 60 %)" in page
    assert page.count("<th>Contributors</th>") == 1
    assert page.count("<td class='people'>") == len(ids)  # one cell per work, some empty
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_creation_dates_are_written_in_a_form_the_format_accepts(ada: Party) -> None:
    ids = ada.add_works()
    ada.catalog.update_work(ids[0], created="2024-08-02")
    ada.catalog.update_work(ids[1], created="2023-11-20T18:30:00+01:00")
    ada.catalog.update_work(ids[2], created="2022-05-01T10:00:00")  # no offset: no instant

    result = ada.export()

    works = works_of(ada, result.path)
    assert works[0]["created"] == "2024-08-02"
    assert works[1]["created"] == "2023-11-20T18:30:00+01:00"
    assert works[2]["created"] == "2022-05-01"
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_media_types_are_written_in_lower_case(ada: Party) -> None:
    # mimetypes names macro-enabled Office files with capitals, which the format refuses
    [work_id] = ada.add_works({"report.docm": b"PK\x03\x04not really a document"})
    assert ada.catalog.get_work(work_id).mime != ada.catalog.get_work(work_id).mime.lower()

    result = ada.export()

    assert (
        works_of(ada, result.path)[0]["mime"] == "application/vnd.ms-word.document.macroenabled.12"
    )
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_the_claimant_and_identity_card_name_the_active_key(ada: Party) -> None:
    ada.add_works()
    result = ada.export(license="CC-BY-NC-4.0")
    predicate = statement_of(read_zip(result.path))["predicate"]
    key = ada.identity.require_key()
    assert predicate["claimant"]["displayName"] == "Ada Lovelace"
    assert predicate["claimant"]["email"] == "ada@example.org"
    assert predicate["claimant"]["publicKey"]["keyid"] == key.keyid
    assert predicate["claimant"]["publicKey"]["fingerprint"] == key.fingerprint
    assert predicate["license"] == "CC-BY-NC-4.0"
    assert "2019/790" in predicate["rightsReservation"]


def test_a_license_in_no_form_the_format_takes_is_refused_saying_which_forms_it_takes(
    ada: Party,
) -> None:
    ids = ada.add_works()
    for given in ("my own licence!", "ftp://creativecommons.org/licenses/by/4.0/"):
        with pytest.raises(UsageError) as refused:
            ada.export(ids, "refused.colophon", license=given)
        assert refused.value.message == (
            f"The license {given!r} is neither an SPDX license id (such as CC-BY-NC-4.0) nor the "
            "https:// address of a license."
        )
    assert not (ada.root / "out" / "refused.colophon").exists()
    assert ada.export(ids, license="https://creativecommons.org/licenses/by/4.0/").path.exists()


def test_a_license_id_not_on_the_spdx_list_is_refused_naming_the_closest(ada: Party) -> None:
    # A letter O for a zero: a claim whose license no company can look up is no use to anyone.
    ids = ada.add_works()
    with pytest.raises(
        UsageError,
        match=r"'CC-BY-4\.O' is not on the SPDX license list\. "
        r"Did you mean CC-BY-4\.0\?",
    ):
        ada.export(ids, "refused.colophon", license="CC-BY-4.O")
    with pytest.raises(UsageError, match="not on the SPDX license list"):
        ada.export(ids, "refused.colophon", license="Classpath-exception-2.0")  # not a license
    assert not (ada.root / "out" / "refused.colophon").exists()
    assert ada.catalog.exports_of(ids[0]) == []


@pytest.mark.parametrize(
    ("given", "stated"),
    [
        ("cc-by-nc-4.0", "CC-BY-NC-4.0"),  # SPDX's spelling
        ("GPL-2.0", "GPL-2.0-only"),  # a deprecated id, by the one that replaced it
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("LicenseRef-ada-portfolio-1", "LicenseRef-ada-portfolio-1"),  # one's own, as given
        ("https://ada.example/licence", "https://ada.example/licence"),
    ],
)
def test_a_license_is_stated_as_spdx_spells_it(ada: Party, given: str, stated: str) -> None:
    ids = ada.add_works()
    result = ada.export(ids, license=given)
    assert statement_of(read_zip(result.path))["predicate"]["license"] == stated
    assert verify(result.path, ada.catalog).outcome is Outcome.VALID


def test_a_profile_the_format_cannot_hold_is_refused_before_signing(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should profile checks and the published schema ever disagree, export still refuses."""
    ids = ada.add_works()
    profile = ada.identity.require_profile()
    profile.website = "HTTPS://ada.example"  # the profile refuses this; the schema does too
    monkeypatch.setattr(Profile, "validate", lambda self: None)
    ada.identity.save_profile(profile)
    target = ada.root / "x.colophon"

    with pytest.raises(UsageError, match="cannot be exported"):
        bundle.export_bundle(ada.catalog, ada.identity, ids, target)

    assert not target.exists()


def test_a_large_claim_lists_the_first_works_on_its_page_and_all_in_the_claim(
    ada: Party, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colophon.core import summary
    from colophon.core.verify import Outcome, verify

    monkeypatch.setattr(summary, "MAX_ROWS", 2)
    ids = ada.add_works({f"w{i}.txt": f"work {i}".encode() for i in range(5)})
    result = ada.export(ids, thumbnails=False)
    page = read_zip(result.path)["summary.html"].decode()
    listed = [i for i in range(5) if f"<td>w{i}</td>" in page]
    assert listed == [0, 1]
    assert "… and 3 more works" in page
    checked = verify(result.path, ada.catalog)
    assert checked.outcome is Outcome.VALID and len(checked.claim.works) == 5


def test_many_pictures_each_get_their_own_thumbnail(ada: Party) -> None:
    # Made on several threads: each thumbnail must still show its own work.
    colors = {f"p{i:02d}.png": (i * 20, 255 - i * 20, (i * 37) % 256) for i in range(12)}
    ids = ada.add_works({name: png_bytes(color, (300, 200)) for name, color in colors.items()})

    members = read_zip(ada.export(ids).path)

    for work_id, color in zip(ids, colors.values(), strict=True):
        name = f"thumbnails/{ada.catalog.get_work(work_id).digest}.png"
        with Image.open(io.BytesIO(members[name])) as picture:
            assert picture.convert("RGB").getpixel((5, 5)) == color


def test_cancelling_while_thumbnails_are_made_writes_and_records_nothing(ada: Party) -> None:
    ids = ada.add_works({f"p{i}.png": png_bytes((i, 2 * i, 3 * i), (300, 200)) for i in range(8)})

    class CancelAfterThree(Progress):
        def advance(self, items: int = 1, nbytes: int = 0) -> None:
            super().advance(items, nbytes)
            if self.done >= 3:
                self.cancel()

    with pytest.raises(Cancelled):
        ada.export(ids, progress=CancelAfterThree())

    assert not list((ada.root / "out").iterdir())
    assert ada.catalog.exported_work_ids() == set()


def test_progress_counts_the_works_then_says_it_signs(ada: Party) -> None:
    ids = ada.add_works({f"p{i}.png": png_bytes((i, 2 * i, 3 * i), (300, 200)) for i in range(5)})
    seen: list[tuple[str, int, int]] = []

    class Watched(Progress):
        def start(self, total: int = 0, total_bytes: int = 0, label: str = "") -> None:
            super().start(total, total_bytes, label)
            seen.append((self.label, self.done, self.total))

        def advance(self, items: int = 1, nbytes: int = 0) -> None:
            super().advance(items, nbytes)
            seen.append((self.label, self.done, self.total))

    ada.export(ids, progress=Watched())
    phases = [(label, total) for label, _done, total in seen]
    assert ("Making previews", 5) in phases and phases[-1] == ("Signing and writing", 1)
    assert all(done <= total for _label, done, total in seen)
    assert seen[-1] == ("Signing and writing", 1, 1)
    assert max(done for label, done, _t in seen if label == "Making previews") == 5


def test_a_picture_edited_in_one_place_is_previewed_from_its_intact_copy(ada: Party) -> None:
    red, blue = bmp_bytes((220, 20, 20)), bmp_bytes((20, 20, 220))
    first = ada.works_dir / "a" / "pic.bmp"
    second = ada.works_dir / "b" / "pic.bmp"
    for path in (first, second):
        path.parent.mkdir(parents=True)
        path.write_bytes(red)
    register(ada.catalog, [str(first), str(second)])
    [work_id] = ada.catalog.work_ids()
    stamp = first.stat()
    first.write_bytes(blue)  # the first copy edited, keeping its size and time
    os.utime(first, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    name = f"thumbnails/{ada.catalog.get_work(work_id).digest}.png"

    with Image.open(io.BytesIO(read_zip(ada.export([work_id]).path)[name])) as picture:
        assert picture.convert("RGB").getpixel((10, 10)) == (220, 20, 20)
