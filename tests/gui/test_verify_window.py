"""The verify window on real bundles: valid (green), unknown signer (amber) then trusted, tampered
(red), checking against a folder, and saving the report as JSON and PDF."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from gui_helpers import answer_dialog, export_from, make_creator, tamper
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QFileDialog

from colophon.core.bundle import export_bundle
from colophon.core.catalog import Catalog
from colophon.core.contacts import add_contact, find_by_keyid
from colophon.core.identity import Identity, record_events
from colophon.core.keyevents import make_revocation, parse_event
from colophon.gui.plain_words import group_fingerprint
from colophon.gui.trust_dialog import TrustDialog
from colophon.gui.verify_report import report_html
from colophon.gui.verify_window import VerifyWindow
from colophon.gui.verify_works_model import COL_FOUND, COL_PREVIEW, COL_TERMS, COL_TITLE


@pytest.fixture
def creator(tmp_path):
    """Ada's home, her three works, and a bundle of them."""
    ada_home, _ids = make_creator(tmp_path / "ada")
    bundle = export_from(ada_home, tmp_path / "portfolio.colophon")
    return ada_home, bundle


def ada_key(ada_home):
    with Catalog.open(ada_home) as catalog:
        return Identity(catalog).require_key().info


@pytest.fixture
def open_window(qtbot, home, sync_runner):
    def make(path, runner=None):
        window = VerifyWindow(path, home, runner or sync_runner)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        QApplication.processEvents()  # laid out, as before a person can click anything
        return window

    return make


def test_the_license_has_a_heading_of_its_own_after_payment(qtbot, open_window, tmp_path):
    ada_home, _ids = make_creator(tmp_path / "ada")
    licensed = export_from(ada_home, tmp_path / "licensed.colophon", license="CC BY-NC 4.0")
    window = open_window(licensed)
    text = window.details.text.text()
    assert text.endswith(
        "<p><b>License</b> (for uses other than AI: those follow the terms)<br>CC-BY-NC-4.0</p>"
    )
    assert text.index("<b>Payment</b>") < text.index("<b>License</b>")
    report = report_html(window.checked.result, {}, "now")  # the PDF's text
    assert "<p><b>License</b> (for uses other than AI)<br>CC-BY-NC-4.0</p>" in report
    unlicensed = export_from(ada_home, tmp_path / "unlicensed.colophon")
    other = open_window(unlicensed)
    assert "License" not in other.details.text.text()


def test_a_valid_bundle_from_a_contact_is_green(qtbot, open_window, creator, home):
    ada_home, bundle = creator
    with Catalog.open(home) as catalog:
        add_contact(catalog, ada_key(ada_home), "Ada")
    w = open_window(bundle)
    assert w.banner.level == "green"
    assert w.banner.headline.text() == "You can rely on this claim"
    assert "your contact Ada" in w.banner.message.text()
    assert w.signer.name.text() == "Ada Lovelace"
    assert w.signer.trust.text() == "In your contacts as “Ada”."
    assert w.signer.trust_button.isHidden()
    assert "May be used to train AI: No" in w.details.text.text()
    model = w.model
    assert model.rowCount() == 3
    titles = {model.index(r, COL_TITLE).data() for r in range(3)}
    assert titles == {"harbour", "poem", "notes"}
    picture = next(r for r in range(3) if model.index(r, COL_TITLE).data() == "harbour")
    icon = model.index(picture, COL_PREVIEW).data(Qt.DecorationRole)
    assert isinstance(icon, QIcon) and icon.availableSizes()[0].width() == 96  # the thumbnail
    assert model.index(picture, COL_TERMS).data().startswith("Train AI: No")
    assert model.index(picture, COL_FOUND).data() is None  # no folder checked yet


def test_an_unknown_signer_is_amber_until_trusted(qtbot, open_window, creator, home):
    ada_home, bundle = creator
    w = open_window(bundle)
    assert w.banner.level == "amber"
    assert w.signer.trust.text() == "Not in your contacts yet."
    assert not w.signer.trust_button.isHidden()
    assert w.trust_action.isEnabled()

    def confirm(dialog):
        assert isinstance(dialog, TrustDialog)
        fingerprint = " ".join(dialog.fingerprint.text().split())
        assert fingerprint == ada_key(ada_home).fingerprint
        assert not dialog.trust_button.isEnabled()  # not until the person confirms
        dialog.name.setText("Ada from the print fair")
        qtbot.mouseClick(dialog.compared, Qt.LeftButton)
        assert dialog.trust_button.isEnabled()
        qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)

    answer_dialog(qtbot, confirm)
    qtbot.mouseClick(w.signer.trust_button, Qt.LeftButton)
    assert w.banner.level == "green"
    assert w.signer.trust_button.isHidden()
    with Catalog.open(home) as catalog:
        contact = find_by_keyid(catalog, ada_key(ada_home).keyid)
    assert contact.name == "Ada from the print fair"
    assert contact.email == "ada@example.org"  # the identity card came along


def test_a_contact_name_already_taken_is_said_in_the_trust_dialog(
    qtbot, open_window, creator, home, tmp_path
):
    ada_home, bundle = creator
    other_home, _ids = make_creator(tmp_path / "bo", name="Bo")
    with Catalog.open(home) as catalog:
        add_contact(catalog, ada_key(other_home), "Ada")
    w = open_window(bundle)
    seen = []

    def answer(dialog):
        dialog.name.setText("ada")  # the same name as people read it
        qtbot.mouseClick(dialog.compared, Qt.LeftButton)
        qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)
        seen.append(
            (dialog.isVisible(), dialog.problem.text(), dialog.focusWidget() is dialog.name)
        )
        dialog.name.setText("Ada Lovelace")
        assert dialog.problem.isHidden()  # said of the old name only
        qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)

    answer_dialog(qtbot, answer)
    w.trust_action.trigger()
    [(still_open, problem, focused)] = seen
    assert still_open and focused
    assert problem.startswith("A contact named 'Ada' already exists")
    assert w.banner.level == "green"
    with Catalog.open(home) as catalog:
        assert find_by_keyid(catalog, ada_key(ada_home).keyid).name == "Ada Lovelace"


def test_cancelling_the_trust_dialog_changes_nothing(qtbot, open_window, creator, home):
    ada_home, bundle = creator
    w = open_window(bundle)
    answer_dialog(qtbot, lambda dialog: dialog.reject())
    w.trust_action.trigger()
    assert w.banner.level == "amber"
    with Catalog.open(home) as catalog:
        assert find_by_keyid(catalog, ada_key(ada_home).keyid) is None


def test_a_tampered_bundle_is_red_and_shows_no_works(open_window, creator, tmp_path):
    _ada_home, bundle = creator
    changed = tamper(bundle, "summary.html", tmp_path / "changed.colophon")
    w = open_window(changed)
    assert w.banner.level == "red"
    assert w.banner.headline.text() == "Do not rely on this claim"
    assert w.banner.message.text() == "The summary page (summary.html) was altered after signing."
    assert w.model.rowCount() == 0
    assert w.works.stack.currentWidget() is w.works.no_works
    assert "not shown" in w.works.no_works.text()
    assert w.signer.trust_button.isHidden()
    assert not w.folder_action.isEnabled()
    assert w.json_action.isEnabled()


def test_another_key_under_a_pinned_name_is_red_and_shows_the_trusted_key(
    qtbot, open_window, home, tmp_path
):
    impostor_home, _ids = make_creator(tmp_path / "impostor", name="Ada Lovelace")
    bundle = export_from(impostor_home, tmp_path / "fake.colophon")
    real_home, _ids = make_creator(tmp_path / "real", name="Ada Lovelace")
    with Catalog.open(home) as catalog:
        add_contact(catalog, ada_key(real_home), "Ada Lovelace")
    w = open_window(bundle)
    assert w.banner.level == "red"  # louder than a signer merely unknown
    assert w.banner.headline.text() == "Warning: this may not be who it claims to be"
    assert w.banner.message.text().startswith("Signed as Ada Lovelace, but not with the key")
    assert "impostor" in w.banner.message.text()
    assert w.signer.trust_button.isHidden()  # no one-click trust for a mismatching key
    trusted = group_fingerprint(ada_key(real_home).fingerprint)
    said = w.signer.trust.text()
    assert said.startswith("Not the key you trusted for “Ada Lovelace”, which is:\n" + trusted)
    assert "Identity ▸ Contacts" in said
    assert w.signer.fingerprint.text() == group_fingerprint(ada_key(impostor_home).fingerprint)


def test_a_revoked_key_is_said_on_the_signer_card(open_window, creator, home, tmp_path):
    ada_home, bundle = creator
    with Catalog.open(home) as catalog:
        add_contact(catalog, ada_key(ada_home), "Ada")
    with Catalog.open(ada_home) as catalog, Identity(catalog).signing() as private:
        revocation = make_revocation(private, "compromised")
    with Catalog.open(home) as catalog:
        record_events(catalog, [parse_event(revocation)])
    w = open_window(bundle)
    assert w.banner.level == "red"
    said = w.signer.trust.text()
    assert said.startswith("In your contacts as “Ada”.\nBut this key was revoked as compromised")


def test_a_file_that_cannot_be_checked_shows_nothing_but_why(open_window, tmp_path):
    w = open_window(tmp_path / "gone.colophon")
    assert w.banner.level == "red" and w.banner.headline.text() == "This file cannot be checked"
    assert w.signer.unknown.text() == "Unknown: the file could not be checked."
    assert w.signer.fingerprint.isHidden() and w.signer.trust_button.isHidden()
    assert w.works.stack.currentWidget() is w.works.no_works
    assert "could not be checked" in w.works.no_works.text()


def test_checking_against_a_folder_marks_the_works_found(
    qtbot, open_window, creator, tmp_path, monkeypatch
):
    _ada_home, bundle = creator
    folder = tmp_path / "downloaded"
    folder.mkdir()
    shutil.copy(tmp_path / "ada" / "works" / "poem.txt", folder / "a copy of the poem.txt")
    (folder / "unrelated.txt").write_text("something else")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    w = open_window(bundle, runner=None)
    tester = QAbstractItemModelTester(w.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    qtbot.mouseClick(w.toolbar.widgetForAction(w.folder_action), Qt.LeftButton)
    model = w.model
    found = {model.index(r, COL_TITLE).data(): model.index(r, COL_FOUND).data() for r in range(3)}
    assert found == {
        "poem": "Found: a copy of the poem.txt",
        "harbour": "Not found",
        "notes": "Not found",
    }
    assert w.works.label.text() == "Works (3) — 1 found in “downloaded”"
    assert tester is not None


def test_files_the_folder_check_could_not_read_are_said(
    qtbot, open_window, creator, tmp_path, monkeypatch
):
    _ada_home, bundle = creator
    folder = chosen_folder(tmp_path, monkeypatch)
    os.mkfifo(folder / "harbour.png")  # where the picture may be, but nothing can be hashed
    w = open_window(bundle, runner=None)
    w.folder_action.trigger()
    assert w.works.label.text() == "Works (3) — 1 found in “downloaded” · 1 local file unreadable"
    tip = w.works.label.toolTip()
    assert f"{folder / 'harbour.png'}: not a regular file" in tip
    assert "harbour.png" in report_html(w.checked.result, {}, "now")


def test_checking_a_folder_in_the_background_shows_progress(
    qtbot, open_window, creator, tmp_path, monkeypatch
):
    from colophon.gui.tasks import TaskRunner

    _ada_home, bundle = creator
    runner = TaskRunner()
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(200):
        (folder / f"f{i}.txt").write_text(f"file {i}")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    w = open_window(bundle, runner=runner)
    qtbot.waitUntil(lambda: w.checked is not None)
    w.folder_action.trigger()
    assert not w.folder_action.isEnabled()  # one check at a time
    assert w.works.progress_bar.isVisible()
    qtbot.waitUntil(lambda: w.folder_task is None, timeout=20_000)
    assert not w.works.progress_bar.isVisible()
    assert w.works.label.text() == "Works (3) — 0 found in “many”"
    runner.shutdown()


def chosen_folder(tmp_path, monkeypatch):
    """A folder with a copy of Ada's poem, which "Check against a folder…" is given."""
    folder = tmp_path / "downloaded"
    folder.mkdir()
    shutil.copy(tmp_path / "ada" / "works" / "poem.txt", folder / "poem.txt")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    return folder


def found_column(w):
    model = w.model
    return {model.index(r, COL_TITLE).data(): model.index(r, COL_FOUND).data() for r in range(3)}


def test_trusting_the_signer_keeps_what_the_folder_check_found(
    qtbot, open_window, creator, tmp_path, monkeypatch
):
    _ada_home, bundle = creator
    chosen_folder(tmp_path, monkeypatch)
    w = open_window(bundle)
    w.folder_action.trigger()
    assert found_column(w)["poem"] == "Found: poem.txt"

    def confirm(dialog):
        qtbot.mouseClick(dialog.compared, Qt.LeftButton)
        qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)

    answer_dialog(qtbot, confirm)
    w.trust_action.trigger()
    assert w.banner.level == "green"  # checked again, with the new contact
    assert found_column(w)["poem"] == "Found: poem.txt"  # and the folder is not forgotten
    assert w.works.label.text() == "Works (3) — 1 found in “downloaded”"
    assert w.checked.result.unmatched == []


def test_a_bundle_replaced_on_disk_forgets_the_old_folder_check(
    qtbot, open_window, creator, tmp_path, monkeypatch
):
    ada_home, bundle = creator
    chosen_folder(tmp_path, monkeypatch)
    w = open_window(bundle)
    w.folder_action.trigger()
    assert w.checked.result.matches is not None
    with Catalog.open(ada_home) as catalog:  # the same name, now a bundle of one work
        export_bundle(catalog, Identity(catalog), [1], bundle, thumbnails=False)
    w.recheck()
    assert w.model.rowCount() == 1
    assert w.checked.result.matches is None
    assert w.model.index(0, COL_FOUND).data() is None


def test_contacts_changed_during_a_folder_check_are_applied_when_it_ends(
    qtbot, open_window, creator, home, tmp_path, monkeypatch
):
    from colophon.gui.tasks import TaskRunner

    ada_home, bundle = creator
    runner = TaskRunner()
    folder = chosen_folder(tmp_path, monkeypatch)
    for i in range(300):
        (folder / f"f{i}.txt").write_text(f"file {i}")
    w = open_window(bundle, runner=runner)
    qtbot.waitUntil(lambda: w.checked is not None)
    assert w.banner.level == "amber"
    w.folder_action.trigger()
    assert w.folder_task is not None
    with Catalog.open(home) as catalog:
        add_contact(catalog, ada_key(ada_home), "Ada")
    w.recheck()  # what the contacts window announces; the folder check goes on
    assert w.folder_task is not None
    qtbot.waitUntil(lambda: w.banner.level == "green", timeout=20_000)
    assert found_column(w)["poem"] == "Found: poem.txt"
    assert len(w.checked.result.unmatched) == 300
    runner.shutdown()


def test_saving_the_report_as_json_and_pdf(open_window, creator, tmp_path, monkeypatch):
    _ada_home, bundle = creator
    w = open_window(bundle)
    target = {"path": tmp_path / "reports" / "ada-report"}
    target["path"].parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target["path"]), ""))
    w.json_action.trigger()
    report = json.loads((tmp_path / "reports" / "ada-report.json").read_text())
    assert report["outcome"] == "unknown_signer"
    assert report["signer"]["name"] == "Ada Lovelace"
    assert len(report["works"]) == 3
    assert "checked_at" in report
    w.pdf_action.trigger()
    pdf = (tmp_path / "reports" / "ada-report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 2000
    assert "Saved the report" in w.statusBar().currentMessage()


def test_closing_while_checking_drops_the_late_result(qtbot, home, creator):
    from colophon.gui.tasks import TaskRunner

    _ada_home, bundle = creator
    runner = TaskRunner()
    window = VerifyWindow(bundle, home, runner)
    window.show()
    window.close()  # before the background check has answered
    qtbot.waitUntil(lambda: not runner.running, timeout=10_000)
    qtbot.wait(50)  # the late result is delivered to a closed window: dropped, no error
    runner.shutdown()


def test_a_missing_file_says_so_in_red(open_window, tmp_path):
    w = open_window(tmp_path / "never-sent.colophon")
    assert w.banner.level == "red"
    assert w.banner.headline.text() == "This file cannot be checked"
    assert "There is no file" in w.banner.message.text()
    assert not w.json_action.isEnabled()  # nothing was checked, so there is no report


def test_markup_in_a_strangers_name_and_titles_is_shown_as_text(qtbot, open_window, tmp_path):
    from PySide6.QtGui import QTextDocumentFragment
    from PySide6.QtWidgets import QLabel

    name = "Mallory <span style='color:green'>Valid: signed by your contact Bank</span>"
    mallory_home, _ids = make_creator(
        tmp_path / "mallory", name=name, files={"<b>loud<b>.txt": b"markup in a file name"}
    )
    bundle = export_from(mallory_home, tmp_path / "mallory.colophon")
    w = open_window(bundle)
    assert w.banner.level == "amber"
    assert name in w.banner.message.text()
    for label in (w.banner.message, w.banner.headline, w.signer.name, w.signer.contact):
        assert label.textFormat() == Qt.PlainText
    assert w.signer.name.text() == name
    tip = w.model.index(0, COL_TITLE).data(Qt.ToolTipRole)
    assert QTextDocumentFragment.fromHtml(tip).toPlainText().startswith("<b>loud<b>")
    dialog = TrustDialog(name, w.checked.result.signer.fingerprint)
    qtbot.addWidget(dialog)
    intro = dialog.findChildren(QLabel)[0]
    assert intro.textFormat() == Qt.RichText
    assert (
        QTextDocumentFragment.fromHtml(intro.text())
        .toPlainText()
        .startswith(f"The claim is signed as {name}, with")
    )


def test_escape_closes_the_window_and_tab_leaves_the_works_table(qtbot, open_window, creator):
    _ada_home, bundle = creator
    w = open_window(bundle)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    table = w.works.table
    assert w.model.rowCount() == 3
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key_Down)
    qtbot.keyClick(table, Qt.Key_Tab)  # on to the next control, not the next cell
    assert not table.hasFocus() and QApplication.focusWidget() is not None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Backtab)
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not w.isVisible())


def test_escape_stops_a_folder_check_before_it_closes_the_window(
    qtbot, open_window, creator, tmp_path, monkeypatch
):
    import time

    from colophon.gui import verify_window
    from colophon.gui.tasks import TaskRunner

    real_check = verify_window.check_claim

    def slow_check(home, path, folders, progress):
        deadline = time.monotonic() + 10
        while folders and time.monotonic() < deadline:  # a very large folder, being hashed
            progress.check()
            time.sleep(0.01)
        return real_check(home, path, folders, progress)

    monkeypatch.setattr(verify_window, "check_claim", slow_check)
    _ada_home, bundle = creator
    chosen_folder(tmp_path, monkeypatch)
    runner = TaskRunner()
    w = open_window(bundle, runner=runner)
    qtbot.waitUntil(lambda: w.checked is not None)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.folder_action.trigger()
    assert w.folder_task is not None
    w.works.table.setFocus()
    qtbot.keyClick(w.works.table, Qt.Key_Escape)
    qtbot.waitUntil(lambda: w.folder_task is None)
    assert w.isVisible() and "Stopped checking" in w.statusBar().currentMessage()
    qtbot.keyClick(w.works.table, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not w.isVisible())
    runner.shutdown()


def test_every_tab_stop_of_the_window_has_a_name(open_window, creator):
    _ada_home, bundle = creator
    w = open_window(bundle)
    stops, widget = [], w.nextInFocusChain()
    while widget is not w and len(stops) < 200:
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.TabFocus:
            stops.append(widget)
        widget = widget.nextInFocusChain()
    assert stops
    unnamed = [
        type(s).__name__
        for s in stops
        if not (s.accessibleName() or getattr(s, "text", lambda: "")())
    ]
    assert unnamed == []


def test_a_folder_check_says_how_far_it_is(open_window, creator):
    from colophon.core.progress import Progress

    _ada_home, bundle = creator
    w = open_window(bundle)
    progress = Progress()
    progress.start(total=200, total_bytes=3_000_000, label="Checking files")
    progress.advance(12, 1_500_000)
    w.works.show_progress(progress)
    assert w.works.progress_label.text() == "Checking files · 12 of 200 files · 2 of 3 MB"
    w.statusBar().showMessage("Stopped checking the folder.")
    w.verify()
    assert w.statusBar().currentMessage() == ""  # a new check: the old word is gone
