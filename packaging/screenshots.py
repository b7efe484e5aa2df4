"""Screenshots of the main window, for the README, the AppStream metainfo and for review.

    python packaging/screenshots.py [OUTPUT_FOLDER]        (default: build/screenshots)

Runs offscreen unless a display is set (``xvfb-run python packaging/screenshots.py`` works too).
It makes a throw-away Colophon home with a few generated pictures and texts, and saves:
``empty.png``, ``library.png`` (table, a work selected), ``sorted.png`` (by title), ``grid.png``,
``several.png`` (three works selected), ``import.png`` (an import under way, with its report of
skipped files) and ``dark.png`` (the library in the dark palette); then the identity and claims:
``wizard-*.png`` (first-run wizard pages), ``identity-*.png`` (identity window), ``export.png``
and ``export-done.png``, ``trust.png``, and ``verify-valid.png``, ``verify-unknown.png``,
``verify-tampered.png``, and ``contacts.png``. Keys are kept in an in-memory keyring, never the
real one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QPointF, QTimer
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

from colophon.core.catalog import Catalog, Contributor
from colophon.core.progress import Progress
from colophon.core.register import register
from colophon.gui.app import create_application
from colophon.gui.library_model import COL_TITLE
from colophon.gui.main_window import MainWindow
from colophon.gui.theme import dark_palette

PICTURES = [
    ("Harbour at dawn", "#f4a261", "#264653"),
    ("Fern study", "#a7c957", "#386641"),
    ("Night market", "#3a0ca3", "#f72585"),
    ("Salt flats", "#e9f5f9", "#8ecae6"),
    ("Clay vessel", "#bc6c25", "#fefae0"),
    ("Winter orchard", "#dfe7fd", "#7f8fa6"),
]
TEXTS = ["Field notes", "Liner notes", "Interview transcript", "Draft chapter one"]


def settle(seconds: float = 0.6) -> None:
    """Let background work (loading, thumbnails, status) finish and the window repaint."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def picture(path: Path, top: str, bottom: str) -> None:
    image = QImage(640, 440, QImage.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(0, 440))
    gradient.setColorAt(0, QColor(top))
    gradient.setColorAt(1, QColor(bottom))
    painter.fillRect(image.rect(), gradient)
    painter.setBrush(QColor(255, 255, 255, 90))
    painter.setPen(QColor(0, 0, 0, 0))
    painter.drawEllipse(QPointF(440, 150), 80, 80)
    painter.end()
    image.save(str(path), "PNG")


def make_works(folder: Path) -> list[str]:
    folder.mkdir(parents=True)
    for title, top, bottom in PICTURES:
        picture(folder / f"{title}.png", top, bottom)
    for title in TEXTS:
        (folder / f"{title}.txt").write_text(f"{title}\n\nSome words.\n")
    (folder / "theme.mp3").write_bytes(b"ID3" + bytes(200))
    (folder / "cut.mp4").write_bytes(bytes(4) + b"ftypisom" + bytes(200))
    (folder / "score.pdf").write_bytes(b"%PDF-1.7\n" + bytes(100))
    (folder / "synth.py").write_text("print('hello')\n")
    return [str(folder)]


def shoot(window: MainWindow, out: Path, name: str) -> None:
    settle()
    window.grab().save(str(out / name))
    print(out / name)


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "build/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory(prefix="colophon-shots-") as tmp:
        home = Path(tmp, "home")
        window = MainWindow(home=home)
        window.resize(1180, 720)
        window.show()
        shoot(window, out, "empty.png")

        with Catalog.open(home) as catalog:
            register(catalog, make_works(Path(tmp, "My works")))
            ids = {w.title: w.id for w in catalog.list_works()}
            catalog.update_work(
                ids["Harbour at dawn"],
                description="Early light over the old harbour, from the sea wall.",
                tags=["harbour", "series"],
                contributors=[
                    Contributor("Mina Okafor", "photographer", 70),
                    Contributor("Jon Berg", "editor", 30),
                ],
            )
        window.model.refresh()
        settle()
        window.view.select_work_ids([ids["Harbour at dawn"]])
        shoot(window, out, "library.png")
        window.view.sort_by(COL_TITLE)
        shoot(window, out, "sorted.png")
        window.view.sort_by(-1)

        window.grid_action.trigger()
        shoot(window, out, "grid.png")
        window.view.select_work_ids([ids["Fern study"], ids["Field notes"], ids["Night market"]])
        shoot(window, out, "several.png")
        window.table_action.trigger()

        progress = Progress()
        progress.start(total=10_000, total_bytes=2_400_000_000, label="Registering")
        progress.advance(3_512, 905_000_000)
        window.progress_panel.start("Adding files")
        window.progress_panel.update_progress(progress)
        window.report_panel.show_report(
            "Added 12 works; 2 skipped. These files were skipped:",
            [
                f"{tmp}/My works/link-to-elsewhere — link points outside the chosen folder",
                f"{tmp}/My works/locked.psd — not readable (permission denied)",
            ],
        )
        shoot(window, out, "import.png")
        window.progress_panel.finish()
        window.report_panel.hide()

        app.setPalette(dark_palette())
        window.view.select_work_ids([ids["Harbour at dawn"]])
        shoot(window, out, "dark.png")
        app.setPalette(app.style().standardPalette())
        from screenshots_claims import shoot_claims  # beside this file

        shoot_claims(window, out, Path(tmp), ids)
        window.close()
        time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
