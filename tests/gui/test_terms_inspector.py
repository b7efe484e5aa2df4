"""Per-work AI terms and export history in the inspector, edited with real clicks and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from colophon.core.bundle import export_bundle
from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import (
    AI_INFERENCE,
    AI_TRAINING,
    ALLOWED,
    CONSTRAINED,
    NOT_ALLOWED,
    Profile,
    Terms,
)
from colophon.gui.library_model import COL_TITLE
from colophon.gui.terms_editor import INHERIT, MIXED, SHOWN_CHARS, TermsEditor


@pytest.fixture
def window(make_window, registered, sync_runner, home):
    with Catalog.open(home) as catalog:
        terms = Terms().with_use(AI_INFERENCE, ALLOWED)
        Identity(catalog).create(Profile("Ada Lovelace", terms=terms), KeyLocation.keyring())
    return make_window(sync_runner)


def select(qtbot, window, rows):
    table = window.view.table
    for i, row in enumerate(rows):
        rect = table.visualRect(window.model.index(row, COL_TITLE))
        modifier = Qt.ControlModifier if i else Qt.NoModifier
        qtbot.mouseClick(table.viewport(), Qt.LeftButton, modifier, rect.center())
    ids = [window.model.work_id_at(r) for r in sorted(rows)]
    qtbot.waitUntil(lambda: window.inspector.work_ids == ids)


def choose(qtbot, combo, value):
    """Pick an answer with the keyboard, as a person tabbing through the form would."""
    combo.setFocus()
    target = combo.findData(value)
    while combo.currentIndex() != target:
        key = Qt.Key_Down if combo.currentIndex() < target else Qt.Key_Up
        qtbot.keyClick(combo, key)


def terms_of(window, work_id):
    with Catalog.open(window.home) as catalog:
        return catalog.get_work(work_id).terms


def test_a_work_inherits_the_profile_until_answered_differently(qtbot, window):
    section = window.inspector.terms_section
    select(qtbot, window, [0])
    assert section.isVisible()
    training = section.editor.row(AI_TRAINING)
    inference = section.editor.row(AI_INFERENCE)
    assert training.value == INHERIT
    assert training.combo.currentText() == "As in your profile (No)"
    assert inference.combo.currentText() == "As in your profile (Yes)"
    choose(qtbot, training.combo, ALLOWED)
    assert window.inspector.save_button.isEnabled()
    qtbot.mouseClick(window.inspector.save_button, Qt.LeftButton)
    assert terms_of(window, 1) == {AI_TRAINING: {"use": ALLOWED}}
    assert terms_of(window, 2) is None  # not selected

    choose(qtbot, training.combo, INHERIT)  # back to the profile's answer
    qtbot.keyClick(training.combo, Qt.Key_S, Qt.ControlModifier)
    assert terms_of(window, 1) is None


def test_conditions_are_required_for_only_with_conditions(qtbot, window):
    inspector = window.inspector
    select(qtbot, window, [1])
    row = inspector.terms_section.editor.row(AI_TRAINING)
    choose(qtbot, row.combo, CONSTRAINED)
    assert row.condition.isVisible()
    problem = inspector.problem_labels["terms"]  # shown under the terms
    assert "Conditions for “May be used to train AI”" in problem.text()
    assert problem.isVisible()
    assert not inspector.save_button.isEnabled()
    qtbot.keyClicks(row.condition, "Credit me and ask first")
    assert problem.isHidden()
    qtbot.mouseClick(inspector.save_button, Qt.LeftButton)
    assert terms_of(window, 2) == {
        AI_TRAINING: {"use": CONSTRAINED, "constraint_info": "Credit me and ask first"}
    }
    select(qtbot, window, [0])
    select(qtbot, window, [1])  # shown again from the catalog
    assert row.value == CONSTRAINED and row.condition.text() == "Credit me and ask first"


def test_several_works_with_different_terms_get_the_same_answers(qtbot, window):
    with Catalog.open(window.home) as catalog:
        catalog.update_work(3, terms={AI_TRAINING: {"use": ALLOWED}})
    window.model.reload_works([3])
    select(qtbot, window, [1, 2])
    section = window.inspector.terms_section
    assert "differ" in section.note.text()
    assert window.inspector.export_history.isHidden()  # history is per work
    choose(qtbot, section.editor.row(AI_INFERENCE).combo, CONSTRAINED)
    qtbot.keyClicks(section.editor.row(AI_INFERENCE).condition, "Research only")
    qtbot.mouseClick(window.inspector.save_button, Qt.LeftButton)
    inference = {AI_INFERENCE: {"use": CONSTRAINED, "constraint_info": "Research only"}}
    assert terms_of(window, 2) == inference
    # the use they differ on was left alone: each keeps its own answer
    assert terms_of(window, 3) == {**inference, AI_TRAINING: {"use": ALLOWED}}


def test_a_use_the_selected_works_differ_on_says_so(qtbot, window):
    with Catalog.open(window.home) as catalog:
        catalog.update_work(3, terms={AI_TRAINING: {"use": ALLOWED}})
    window.model.reload_works([3])
    select(qtbot, window, [1, 2])
    editor = window.inspector.terms_section.editor
    training = editor.row(AI_TRAINING)
    assert training.value == MIXED
    assert training.combo.currentText() == "Differs among the selected works"
    assert "As in your profile" not in training.combo.currentText()
    inference = editor.row(AI_INFERENCE)  # the same for both: the shared value
    assert inference.combo.currentText() == "As in your profile (Yes)"
    assert not window.inspector.dirty

    choose(qtbot, training.combo, NOT_ALLOWED)  # one answer for all of them
    qtbot.keyClick(training.combo, Qt.Key_S, Qt.ControlModifier)
    assert terms_of(window, 2) == {AI_TRAINING: {"use": NOT_ALLOWED}}
    assert terms_of(window, 3) == {AI_TRAINING: {"use": NOT_ALLOWED}}
    assert terms_of(window, 1) is None  # not selected
    qtbot.waitUntil(lambda: training.value == NOT_ALLOWED)  # now shared, so shown
    assert training.combo.findData(MIXED) == -1

    select(qtbot, window, [0])  # one work never reads "Differs"
    assert editor.row(AI_TRAINING).combo.currentText() == "As in your profile (No)"
    assert editor.row(AI_TRAINING).combo.findData(MIXED) == -1


def test_the_export_history_lists_the_bundles(qtbot, window, tmp_path, monkeypatch):
    select(qtbot, window, [0])
    history = window.inspector.export_history
    assert history.label.text() == "Not exported yet."
    with Catalog.open(window.home) as catalog:
        export_bundle(catalog, Identity(catalog), [1, 2], tmp_path / "first.colophon")
        export_bundle(catalog, Identity(catalog), [1], tmp_path / "second.colophon")
    select(qtbot, window, [1])
    select(qtbot, window, [0])
    text = history.label.text()
    assert text.index("second.colophon") < text.index("first.colophon")  # newest first
    assert "(1 work)" in text and "(2 works)" in text
    opened = []
    monkeypatch.setattr(
        "colophon.gui.work_terms_section.show_in_folder", lambda path: opened.append(path)
    )
    history.label.linkActivated.emit("1")
    assert opened == [tmp_path / "first.colophon"]


def test_inheriting_a_use_with_conditions_names_the_conditions(qtbot):
    # "As in your profile (With conditions)" said nothing of which; a long one is cut, and
    # shown whole as the choice's tooltip.
    editor = TermsEditor(inherit=True)
    qtbot.addWidget(editor)
    long = "Only for research at public universities, with credit, and never for faces. " * 2
    editor.set_profile_terms(
        Terms()
        .with_use(AI_INFERENCE, CONSTRAINED, "Credit me")
        .with_use(AI_TRAINING, CONSTRAINED, long.strip())
        .to_dict()
    )
    inference = editor.row(AI_INFERENCE).combo
    at = inference.findData(INHERIT)
    assert inference.itemText(at) == "As in your profile (Only with conditions: Credit me)"
    training = editor.row(AI_TRAINING).combo
    shown = training.itemText(training.findData(INHERIT))
    assert shown.startswith("As in your profile (Only with conditions: Only for research")
    assert shown.endswith("…)") and len(shown) == SHOWN_CHARS
    tip = training.itemData(training.findData(INHERIT), Qt.ToolTipRole)
    assert tip == f"As in your profile (Only with conditions: {long.strip()})"
    # the answer takes the panel's width, never widens it (the panel would scroll sideways)
    assert training.sizeHint().width() < training.fontMetrics().horizontalAdvance(shown)


def test_a_selection_too_large_to_set_terms_together_says_so(qtbot, window, monkeypatch):
    from colophon.gui import inspector, work_terms_section

    section = window.inspector.terms_section
    select(qtbot, window, range(6))  # the whole library: read at once, terms can be set
    assert section.isEnabled() and len(window.inspector.works) == 6
    for module in (inspector, work_terms_section):
        monkeypatch.setattr(module, "MAX_LOADED", 4)
    window.view.select_work_ids([])
    qtbot.waitUntil(lambda: window.inspector.work_ids == [])
    select(qtbot, window, range(6))
    assert not section.isEnabled()
    assert section.note.text().startswith("6 works are selected, more than the 4 whose terms")
