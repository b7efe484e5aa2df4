"""The verdict a person reads first: a damaged file is said in plain words before the detail."""

from __future__ import annotations

import zipfile

from gui_helpers import export_from, make_creator
from PySide6.QtWidgets import QApplication

from colophon.gui.plain_words import MALFORMED_IN_WORDS
from colophon.gui.verify_window import VerifyWindow


def test_a_damaged_bundle_is_said_in_plain_words_then_in_detail(qtbot, home, sync_runner, tmp_path):
    creator, _ids = make_creator(tmp_path / "ada")
    bundle = export_from(creator, tmp_path / "ada.colophon")
    damaged = tmp_path / "damaged.colophon"
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as archive:
        info = archive.getinfo("envelope.intoto.json")  # stored: its bytes are in the file
    middle = info.header_offset + 30 + len(info.filename) + info.file_size // 2
    data[middle] ^= 0x20  # one letter of the envelope changed on the way: its CRC fails
    damaged.write_bytes(bytes(data))

    window = VerifyWindow(damaged, home, sync_runner)
    qtbot.addWidget(window)
    window.show()
    QApplication.processEvents()

    text = window.banner.message.text()
    assert window.banner.level == "red"
    assert text.startswith(MALFORMED_IN_WORDS)
    assert "\nDetails: " in text and "envelope.intoto.json" in text
    assert "Not a valid claim" not in text
