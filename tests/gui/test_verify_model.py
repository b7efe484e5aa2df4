"""The claimed-works model on its own: rows from a real verification, checked by Qt's tester."""

from __future__ import annotations

import hashlib
import shutil
import zipfile

import pytest
from gui_helpers import export_from, make_creator, tamper
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QTextDocumentFragment
from PySide6.QtTest import QAbstractItemModelTester

from colophon.core.catalog import Catalog
from colophon.gui import verify_tasks
from colophon.gui.signal_colors import OK_COLOR
from colophon.gui.verify_tasks import check_claim, is_claim_file
from colophon.gui.verify_works_model import (
    COL_FOUND,
    COL_KIND,
    COL_PEOPLE,
    COL_TERMS,
    COL_TITLE,
    HEADERS,
    DigestRole,
    FoundRole,
    VerifyWorksModel,
)


@pytest.fixture
def checked(tmp_path, home):
    ada_home, _ids = make_creator(tmp_path / "ada")
    bundle = export_from(ada_home, tmp_path / "ada.colophon")
    return check_claim(home, bundle, [tmp_path / "ada" / "works"]), tmp_path


def test_rows_terms_previews_and_matches(qapp, checked):
    found, tmp_path = checked
    model = VerifyWorksModel()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() == 0
    model.set_result(found.result, found.thumbnails)
    assert model.rowCount() == 3 and model.columnCount() == len(HEADERS)
    rows = {model.index(r, COL_TITLE).data(): r for r in range(3)}
    poem = rows["poem"]
    assert model.index(poem, COL_KIND).data() == "Text"
    assert model.index(poem, COL_TERMS).data() == (
        "Train AI: No · Generative AI: No\nAI input: No · Data mining: No"
    )
    tip = QTextDocumentFragment.fromHtml(model.index(poem, COL_TERMS).data(Qt.ToolTipRole))
    assert tip.toPlainText().splitlines()[0] == "May be used to train AI: No"
    assert model.index(poem, COL_FOUND).data() == "Found: poem.txt"
    assert model.index(poem, 0).data(FoundRole) == [str(tmp_path / "ada" / "works" / "poem.txt")]
    assert len(model.index(poem, 0).data(DigestRole)) == 64
    assert QColor(model.index(poem, COL_FOUND).data(Qt.ForegroundRole)) == OK_COLOR
    assert model.found_count() == 3

    model.set_matches({})
    assert model.index(poem, COL_FOUND).data() == "Not found"
    assert model.index(poem, COL_FOUND).data(Qt.ForegroundRole) is None  # no fault: plain
    assert model.found_count() == 0
    model.set_matches(None)
    assert model.index(poem, COL_FOUND).data() is None
    assert model.headerData(COL_TERMS, Qt.Horizontal) == "Terms for AI"
    assert model.data(QModelIndex()) is None
    assert model.index(99, 0).data() is None
    assert tester is not None


def test_a_work_with_terms_of_its_own_shows_them_and_the_others_the_claims(qapp, tmp_path, home):
    ada_home, ids = make_creator(tmp_path / "ada")
    with Catalog.open(ada_home) as catalog:
        catalog.update_work(ids[1], terms={"cawg.ai_training": {"use": "allowed"}})
        poem = catalog.get_work(ids[1]).title
    found = check_claim(home, export_from(ada_home, tmp_path / "ada.colophon"))
    model = VerifyWorksModel()
    model.set_result(found.result, found.thumbnails)
    terms = {model.index(r, COL_TITLE).data(): model.index(r, COL_TERMS).data() for r in range(3)}
    assert terms[poem].startswith("Train AI: Yes · Generative AI: No")
    assert [t.startswith("Train AI: No") for title, t in terms.items() if title != poem] == [
        True
    ] * 2


def test_a_claim_that_cannot_be_relied_on_has_no_rows(qapp, checked):
    found, tmp_path = checked
    changed = tamper(found.result.path, "envelope.intoto.json", tmp_path / "changed.colophon")
    broken = check_claim(tmp_path / "verifier", changed)
    assert broken.result.claim is None and broken.thumbnails == {}
    model = VerifyWorksModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_result(found.result, found.thumbnails)
    model.set_result(broken.result, broken.thumbnails)
    assert model.rowCount() == 0


def test_the_pictures_shown_are_those_checked_even_if_the_file_changes_after(
    qapp, checked, monkeypatch
):
    found, tmp_path = checked
    bundle = found.result.path
    picture = next(name for name in zipfile.ZipFile(bundle).namelist() if "thumbnails/" in name)
    swapped = tamper(bundle, picture, tmp_path / "swapped.colophon")

    real_verify = verify_tasks.verify

    def verify_then_swap(*args, **kwargs):  # the file changes between the check and the showing
        result = real_verify(*args, **kwargs)
        shutil.copy(swapped, bundle)
        return result

    monkeypatch.setattr(verify_tasks, "verify", verify_then_swap)
    again = verify_tasks.check_claim(tmp_path / "verifier", bundle)
    assert again.result.outcome.intact
    signed = {m.name: m.sha256 for m in again.result.claim.members}
    assert again.thumbnails and again.thumbnails == found.thumbnails  # the signed pictures
    for digest, data in again.thumbnails.items():
        assert hashlib.sha256(data).hexdigest() == signed[f"thumbnails/{digest}.png"]
    assert zipfile.ZipFile(bundle).read(picture) not in again.thumbnails.values()


def test_who_made_each_work_and_when_is_shown_and_printed(qapp, tmp_path, home):
    from colophon.core.catalog import Contributor
    from colophon.gui.verify_report import report_html

    ada_home, ids = make_creator(tmp_path / "ada")
    with Catalog.open(ada_home) as catalog:
        catalog.update_work(
            ids[0],
            created="2021-06-18",
            contributors=[
                Contributor("Ada Lovelace", "photographer", 80.0),
                Contributor("Bo", "assistant", 20.0),
            ],
        )
        title = catalog.get_work(ids[0]).title
    found = check_claim(home, export_from(ada_home, tmp_path / "ada.colophon"))
    model = VerifyWorksModel()
    model.set_result(found.result, found.thumbnails)
    rows = {model.index(r, COL_TITLE).data(): r for r in range(model.rowCount())}
    people = "Ada Lovelace (photographer, 80 %), Bo (assistant, 20 %)"
    assert model.index(rows[title], COL_PEOPLE).data() == people
    tip = QTextDocumentFragment.fromHtml(model.index(rows[title], COL_PEOPLE).data(Qt.ToolTipRole))
    assert tip.toPlainText().replace("\xa0", " ") == people.replace(", Bo", "\nBo")
    title_tip = model.index(rows[title], COL_TITLE).data(Qt.ToolTipRole)
    assert "Made 2021-06-18" in QTextDocumentFragment.fromHtml(title_tip).toPlainText()
    others = [r for t, r in rows.items() if t != title]
    assert all(model.index(r, COL_PEOPLE).data() == "" for r in others)
    assert f"By {people} · 2021-06-18" in report_html(found.result, {}, "now")


def test_claims_are_told_from_works_by_name():
    assert is_claim_file("/x/Portfolio.COLOPHON")
    assert is_claim_file("claim.intoto.json")
    assert not is_claim_file("photo.png")
    assert not is_claim_file("notes.json")


def test_previews_are_kept_at_the_size_shown_and_only_so_many(qapp, checked, monkeypatch):
    import io

    from PIL import Image

    from colophon.gui import verify_works_model

    found, _ = checked
    out = io.BytesIO()
    Image.new("RGB", (1000, 600), "teal").save(out, format="PNG")
    pictures = dict.fromkeys(found.thumbnails, out.getvalue())
    monkeypatch.setattr(verify_works_model, "MAX_CACHED_ICONS", 1)
    model = VerifyWorksModel()
    model.set_result(found.result, pictures)
    shown = []
    for row in range(model.rowCount()):
        if model.index(row, 0).data(DigestRole) in pictures:
            icon = model.index(row, 0).data(Qt.DecorationRole)
            size = icon.availableSizes()[0]
            shown.append((size.width(), size.height()))
    assert shown and all(size == (96, 57) for size in shown)  # 1000 × 600 scaled to fit 96
    assert len(model._icons) == 1  # the others were let go, and are made again when shown
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(DigestRole) in pictures)
    assert model.index(row, 0).data(Qt.DecorationRole).availableSizes()[0].width() == 96


def test_a_resized_copy_shows_as_a_near_copy_not_as_found(qapp, tmp_path, home):
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (360, 240), (240, 230, 200))
    draw = ImageDraw.Draw(picture)
    for i in range(8):
        draw.ellipse((20 + 40 * i, 30 + 20 * (i % 3), 90 + 40 * i, 140), fill=(30 * i, 90, 160))
    picture.save(tmp_path / "sea.png")
    ada_home, _ids = make_creator(
        tmp_path / "ada", files={"sea.png": (tmp_path / "sea.png").read_bytes()}
    )
    bundle = export_from(ada_home, tmp_path / "ada.colophon")
    folder = tmp_path / "downloads"
    folder.mkdir()
    picture.resize((180, 120)).save(folder / "sea-small.jpg", quality=70)

    found = check_claim(home, bundle, [folder])
    model = VerifyWorksModel()
    model.set_result(found.result, found.thumbnails)

    assert model.index(0, COL_FOUND).data() == "Near copy: sea-small.jpg"
    assert QColor(model.index(0, COL_FOUND).data(Qt.ForegroundRole)) == OK_COLOR
    tip = QTextDocumentFragment.fromHtml(model.index(0, COL_FOUND).data(Qt.ToolTipRole))
    assert "sea-small.jpg (" in tip.toPlainText() and "bits off" in tip.toPlainText()
    assert model.found_count() == 0 and model.near_count() == 1  # not the work itself
