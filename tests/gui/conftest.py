"""Fixtures for the GUI tests: a Colophon home, real files on disk, windows that clean up."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from colophon.core.catalog import Catalog
from colophon.core.register import register
from colophon.gui.main_window import MainWindow
from colophon.gui.tasks import SyncTaskRunner, TaskRunner


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """The Colophon home of this test (``$COLOPHON_HOME``, set by the top-level conftest)."""
    return Path(os.environ["COLOPHON_HOME"])


def write_files(folder: Path, count: int, prefix: str = "note", size: int = 64) -> list[Path]:
    """``count`` small text files with distinct content."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}-{i:05d}.txt"
        path.write_text(f"{prefix} {i}\n" + "x" * size)
        paths.append(path)
    return paths


def write_image(path: Path, width: int = 300, height: int = 200, color: str = "#3366cc") -> Path:
    image = QImage(width, height, QImage.Format_RGB32)
    image.fill(QColor(color))
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path), "PNG")
    return path


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., list[Path]]:
    """Make files in a fresh folder: ``files(count, prefix=...)``."""
    return lambda count, **kw: write_files(tmp_path / "works", count, **kw)


@pytest.fixture
def registered(home: Path, tmp_path: Path) -> list[Path]:
    """Five text files and one image, registered in the catalog (ids 1-6 in this order)."""
    paths = write_files(tmp_path / "library", 5, prefix="poem")
    paths.append(write_image(tmp_path / "library" / "sunset.png"))
    with Catalog.open(home) as catalog:
        register(catalog, [str(p) for p in paths])
    return paths


@pytest.fixture
def sync_runner(qapp) -> Iterator[SyncTaskRunner]:
    runner = SyncTaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def make_window(qtbot, home: Path) -> Callable[..., MainWindow]:
    """Open a main window on this test's home: ``make_window(runner=None)``."""

    def make(runner: TaskRunner | None = None) -> MainWindow:
        window = MainWindow(home=home, runner=runner)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()  # keyboard shortcuts reach only the active window
        qtbot.waitUntil(lambda: window.isActiveWindow() and not window.model.loading)
        return window

    return make
