"""The contacts window: listing the signers you trust, adding one from a file after comparing the
fingerprint, and removing one, through real clicks and key presses."""

from __future__ import annotations

import pytest
from gui_helpers import answer_by_button, answer_dialog, export_from, make_creator, tamper
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from colophon.core import strictjson
from colophon.core.catalog import Catalog
from colophon.core.contacts import add_contact, list_contacts, read_contact_source
from colophon.core.identity import Identity, record_events
from colophon.core.keyevents import make_revocation, parse_event
from colophon.core.verify import Outcome, verify
from colophon.gui.contacts_window import ContactsWindow
from colophon.gui.trust_dialog import TrustDialog


@pytest.fixture
def ada(tmp_path):
    """Ada's home (an identity and three works) and a bundle she exported."""
    ada_home, _ids = make_creator(tmp_path / "ada")
    return ada_home, export_from(ada_home, tmp_path / "portfolio.colophon")


def key_of(party_home):
    with Catalog.open(party_home) as catalog:
        return Identity(catalog).require_key().info


def contacts(home):
    with Catalog.open(home) as catalog:
        return list_contacts(catalog)


def pin(home, **keys_by_name):
    """Pin each named party's key in ``home``: ``pin(home, Ada=ada_home)``."""
    with Catalog.open(home) as catalog:
        for name, party_home in keys_by_name.items():
            add_contact(catalog, key_of(party_home), name)


@pytest.fixture
def open_window(qtbot, home, sync_runner):
    def make():
        window = ContactsWindow(home, sync_runner)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()  # keyboard shortcuts reach only the active window
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return make


def choose_file(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_without_contacts_the_window_says_how_to_get_one(open_window):
    w = open_window()
    assert w.empty.isVisible() and not w.table.isVisible()
    assert "Trust this signer" in w.empty.text()
    assert not w.remove_button.isEnabled() and not w.copy_button.isEnabled()


def test_contacts_are_listed_by_name_with_their_fingerprints(qtbot, open_window, home, ada):
    ada_home, _bundle = ada
    pin(home, **{"Zoe's Ada": ada_home, "bo": make_creator(ada_home.parent / "bo", "Bo")[0]})
    w = open_window()
    QAbstractItemModelTester(w.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert w.table.isVisible() and not w.empty.isVisible()
    model = w.model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["bo", "Zoe's Ada"]
    assert model.index(1, model.FINGERPRINT).data() == key_of(ada_home).fingerprint
    assert model.index(1, 4).data() == contacts(home)[1].added_at[:10]

    w.table.selectRow(1)
    qtbot.mouseClick(w.copy_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == key_of(ada_home).fingerprint


def test_adding_from_a_bundle_after_comparing_the_fingerprint(
    qtbot, open_window, home, ada, monkeypatch
):
    ada_home, bundle = ada
    choose_file(monkeypatch, bundle)
    w = open_window()

    def confirm(dialog):
        assert isinstance(dialog, TrustDialog)
        assert "Ada Lovelace" in dialog.findChildren(type(w.notice))[0].text()
        assert " ".join(dialog.fingerprint.text().split()) == key_of(ada_home).fingerprint
        assert dialog.name.text() == "Ada Lovelace"
        assert not dialog.trust_button.isEnabled()  # not until the person confirms
        qtbot.mouseClick(dialog.compared, Qt.LeftButton)
        qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)

    seen = answer_dialog(qtbot, confirm)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)

    assert seen
    [contact] = contacts(home)
    assert (contact.name, contact.key) == ("Ada Lovelace", key_of(ada_home))
    assert contact.email == "ada@example.org"  # the identity card came along
    assert w.model.rowCount() == 1 and w.selected() == contact
    assert w.notice.text() == "Ada Lovelace is now one of your contacts."


def test_a_public_key_file_needs_a_name_before_trust(qtbot, open_window, home, ada, monkeypatch):
    ada_home, _bundle = ada
    key_file = ada_home.parent / "ada.pub"
    with Catalog.open(ada_home) as catalog:
        Identity(catalog).export_public(key_file)
    choose_file(monkeypatch, key_file)
    w = open_window()

    def confirm(dialog):
        assert dialog.name.text() == ""
        qtbot.mouseClick(dialog.compared, Qt.LeftButton)
        assert not dialog.trust_button.isEnabled()
        qtbot.keyClicks(dialog.name, "Ada (print fair)")
        assert dialog.trust_button.isEnabled()
        qtbot.keyClick(dialog.name, Qt.Key_Return)

    answer_dialog(qtbot, confirm)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)

    [contact] = contacts(home)
    assert (contact.name, contact.key, contact.email) == (
        "Ada (print fair)",
        key_of(ada_home),
        None,
    )


def test_cancelling_the_comparison_adds_nothing(qtbot, open_window, home, ada, monkeypatch):
    _ada_home, bundle = ada
    choose_file(monkeypatch, bundle)
    w = open_window()
    answer_dialog(qtbot, lambda dialog: dialog.reject())
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    assert contacts(home) == [] and w.empty.isVisible()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"just some notes", "Not an Ed25519 public key"),
        (b'{"payload": "x"}', "identity card: lacks the field 'payloadType'"),
        (b"PK\x03\x04 a broken zip", "This bundle cannot be trusted"),
    ],
)
def test_a_file_without_a_key_is_refused_with_the_reason(
    qtbot, open_window, home, tmp_path, monkeypatch, content, expected
):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    choose_file(monkeypatch, path)
    w = open_window()
    seen = answer_dialog(qtbot, lambda dialog: dialog.reject(), timeout_ms=300)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    qtbot.wait(400)
    assert not seen  # nothing to compare: no trust dialog
    assert expected in w.notice.text() and "Traceback" not in w.notice.text()
    assert contacts(home) == [] and w.add_button.isEnabled()


def test_an_altered_bundle_is_refused(qtbot, open_window, home, ada, tmp_path, monkeypatch):
    _ada_home, bundle = ada
    altered = tamper(bundle, "summary.html", tmp_path / "altered.colophon")
    choose_file(monkeypatch, altered)
    w = open_window()
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    assert w.notice.text().startswith("This bundle cannot be trusted")
    assert contacts(home) == []


def bo_pinned_as_ada(home, ada, monkeypatch):
    """Bo's key pinned under the name "Ada Lovelace", and Ada's bundle chosen to add; Bo's home."""
    ada_home, bundle = ada
    bo_home, _ids = make_creator(ada_home.parent / "bo", "Bo")
    pin(home, **{"Ada Lovelace": bo_home})
    choose_file(monkeypatch, bundle)
    return bo_home


def test_a_name_already_given_is_refused_and_the_key_not_pinned(
    qtbot, open_window, home, ada, monkeypatch
):
    bo_home = bo_pinned_as_ada(home, ada, monkeypatch)
    w = open_window()
    said = []

    def confirm(dialog):
        qtbot.mouseClick(dialog.compared, Qt.LeftButton)
        qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)
        # said in the dialog, by the name, before anything else is asked or pinned
        said.append((dialog.isVisible(), dialog.problem.text()))
        dialog.reject()

    answer_dialog(qtbot, confirm)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(said))
    [(still_open, problem)] = said
    assert still_open and problem.startswith("A contact named 'Ada Lovelace' already exists")
    assert [c.key for c in contacts(home)] == [key_of(bo_home)]


def test_a_card_sharing_a_contacts_name_is_asked_about_once_given_a_name_of_its_own(
    qtbot, open_window, home, ada, monkeypatch
):
    bo_pinned_as_ada(home, ada, monkeypatch)
    w = open_window()
    questions = []

    def confirm(dialog):
        dialog.name.setText("Ada, second key")
        qtbot.mouseClick(dialog.compared, Qt.LeftButton)
        qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)
        # the card's name is the contact's: asked whose key it is
        questions.append(answer_by_button(qtbot, "Trust as someone else"))

    answer_dialog(qtbot, confirm)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(contacts(home)) == 2)
    assert "with the name of your contact 'Ada Lovelace'" in questions[0][0]
    assert sorted(c.name for c in contacts(home)) == ["Ada Lovelace", "Ada, second key"]


def test_removing_asks_first_and_the_delete_key_does_it(qtbot, open_window, home, ada):
    ada_home, _bundle = ada
    pin(home, Ada=ada_home)
    w = open_window()
    asked = answer_by_button(qtbot, "No")
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key_Delete)
    assert len(contacts(home)) == 1 and "Stop trusting Ada?" in asked[0]

    seen = []

    def typed_then_chosen(box):  # a "y" or an "s" typed alone answers nothing
        box.activateWindow()
        qtbot.waitUntil(box.isActiveWindow)
        for key in (Qt.Key_Y, Qt.Key_S):
            qtbot.keyClick(QApplication.focusWidget(), key)
        qtbot.wait(300)  # a button pressed by a key is released after 100 ms
        seen.append(box.isVisible())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_S, Qt.AltModifier)

    answer_dialog(qtbot, typed_then_chosen)
    qtbot.mouseClick(w.remove_button, Qt.LeftButton)
    assert seen == [True]
    assert contacts(home) == []
    assert w.empty.isVisible() and w.notice.text() == "Removed Ada."


def test_the_identity_menu_opens_the_window_with_contacts_added_since(
    qtbot, make_window, home, ada
):
    ada_home, _bundle = ada
    window = make_window()
    qtbot.keyClick(window, Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    w = window.claims.contacts_window
    assert w is not None and w.isVisible() and w.model.rowCount() == 0
    pin(home, Ada=ada_home)  # trusted meanwhile, e.g. from a verify window
    window.claims.contacts_action.trigger()
    assert w.model.rowCount() == 1 and window.claims.contacts_window is w


def test_a_card_with_a_contacts_email_is_trusted_only_when_said_to_be_their_other_key(
    qtbot, open_window, home, ada, monkeypatch
):
    ada_home, bundle = ada
    with Catalog.open(home) as catalog:
        add_contact(catalog, key_of(ada_home), "Ada", read_contact_source(bundle).card)
    other_home, _ids = make_creator(ada_home.parent / "other", "Ada at the studio")
    card = ada_home.parent / "studio.card.json"
    with Catalog.open(other_home) as catalog:
        card.write_bytes(strictjson.dumps(Identity(catalog).card()))
    choose_file(monkeypatch, card)
    w = open_window()
    questions: list[list[str]] = []

    def confirm_then(answer: str):
        def confirm(dialog):
            qtbot.mouseClick(dialog.compared, Qt.LeftButton)
            qtbot.mouseClick(dialog.trust_button, Qt.LeftButton)
            questions.append(answer_by_button(qtbot, answer))

        return confirm

    answer_dialog(qtbot, confirm_then("Don't trust"))
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(questions and questions[0]))
    assert "with the email of your contact 'Ada'" in questions[0][0]
    assert [c.name for c in contacts(home)] == ["Ada"]

    answer_dialog(qtbot, confirm_then("Trust as their other key"))
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(contacts(home)) == 2)
    assert "Ada at the studio is now one of your contacts." in w.notice.text()
    names = [w.model.index(r, 0).data() for r in range(w.model.rowCount())]
    assert names == [
        "Ada (same person as Ada at the studio)",
        "Ada at the studio (same person as Ada)",
    ]


def test_an_identity_card_file_brings_its_name(qtbot, open_window, home, ada, monkeypatch):
    ada_home, _bundle = ada
    card = ada_home.parent / "ada.card.json"
    with Catalog.open(ada_home) as catalog:
        card.write_bytes(strictjson.dumps(Identity(catalog).card()))
    choose_file(monkeypatch, card)
    w = open_window()
    names = []

    def confirm(dialog):
        names.append(dialog.name.text())
        dialog.reject()

    answer_dialog(qtbot, confirm)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    assert names == ["Ada Lovelace"]


def test_open_claims_are_checked_again_when_a_contact_is_removed(
    qtbot, make_window, sync_runner, home, ada, monkeypatch
):
    ada_home, bundle = ada
    pin(home, Ada=ada_home)
    window = make_window(runner=sync_runner)
    shown = window.claims.verify_file(bundle)
    qtbot.addWidget(shown)
    assert shown.banner.level == "green"
    contacts_window = window.claims.open_contacts()
    answer_by_button(qtbot, "Stop trusting")
    qtbot.mouseClick(contacts_window.remove_button, Qt.LeftButton)

    assert contacts(home) == []
    assert shown.banner.level == "amber"  # an unknown signer again, no longer "your contact"


def test_renaming_keeps_the_contact_under_the_name_typed(
    qtbot, open_window, home, ada, monkeypatch
):
    ada_home, _bundle = ada
    bo_home, _ids = make_creator(ada_home.parent / "bo", "Bo")
    pin(home, Ada=ada_home, Bo=bo_home)
    w = open_window()
    answers = iter([("Ada Lovelace", True), ("Bo", True), ("Ignored", False)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: next(answers))

    w.table.selectRow(0)
    qtbot.mouseClick(w.rename_button, Qt.LeftButton)
    assert [c.name for c in contacts(home)] == ["Ada Lovelace", "Bo"]
    assert w.notice.text() == "Ada is now kept as Ada Lovelace."
    assert w.selected().name == "Ada Lovelace"

    qtbot.mouseClick(w.rename_button, Qt.LeftButton)  # to Bo's name: refused, said why
    assert "already exists" in w.notice.text()
    qtbot.mouseClick(w.rename_button, Qt.LeftButton)  # cancelled
    assert [c.name for c in contacts(home)] == ["Ada Lovelace", "Bo"]


def test_a_revocation_file_is_learnt_without_asking_for_trust(
    qtbot, open_window, home, ada, tmp_path, monkeypatch
):
    ada_home, bundle = ada
    pin(home, Ada=ada_home)
    revocation = tmp_path / "revoked.json"
    with Catalog.open(ada_home) as catalog, Identity(catalog).signing() as private:
        revocation.write_bytes(strictjson.dumps(make_revocation(private, "compromised")))
    choose_file(monkeypatch, revocation)
    w = open_window()
    seen = answer_dialog(qtbot, lambda dialog: dialog.reject(), timeout_ms=300)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    qtbot.wait(400)
    assert not seen  # nothing to trust: no comparison dialog
    assert "was revoked as compromised on" in w.notice.text()
    assert [c.name for c in contacts(home)] == ["Ada"]
    key = w.model.index(0, w.model.KEY)
    assert key.data() == "Revoked"  # the list says so too
    assert "revoked as compromised on" in key.data(Qt.ToolTipRole)
    with Catalog.open(home) as catalog:
        assert verify(bundle, catalog).outcome is Outcome.REVOKED


def test_a_card_of_a_key_known_to_be_compromised_is_refused_before_any_trust_question(
    qtbot, open_window, home, ada, tmp_path, monkeypatch
):
    ada_home, _bundle = ada
    with Catalog.open(ada_home) as catalog, Identity(catalog).signing() as private:
        revocation = make_revocation(private, "compromised")
        card = Identity(catalog).card()
    with Catalog.open(home) as catalog:
        record_events(catalog, [parse_event(revocation)])
    path = tmp_path / "ada.card.json"
    path.write_bytes(strictjson.dumps(card))
    choose_file(monkeypatch, path)
    w = open_window()
    seen = answer_dialog(qtbot, lambda dialog: dialog.reject(), timeout_ms=300)
    qtbot.mouseClick(w.add_button, Qt.LeftButton)
    qtbot.wait(400)
    assert not seen and contacts(home) == []
    assert "revoked as compromised" in w.notice.text() and "cannot be trusted" in w.notice.text()


def test_tab_leaves_the_contacts_table_and_arrows_move_in_it(qtbot, open_window, home, ada):
    ada_home, _bundle = ada
    pin(home, Ada=ada_home, Bo=make_creator(ada_home.parent / "bo", "Bo")[0])
    w = open_window()
    w.table.setFocus()
    qtbot.waitUntil(w.table.hasFocus)
    qtbot.keyClick(w.table, Qt.Key_Down)
    assert w.selected().name == "Bo"
    qtbot.keyClick(w.table, Qt.Key_Tab)  # on to the buttons, not the next cell
    assert not w.table.hasFocus()
    assert w.selected().name == "Bo"
