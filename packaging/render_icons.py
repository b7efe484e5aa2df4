"""Render the app icon (``resources/icons/colophon.svg``) at the sizes desktops ask for.

    python packaging/render_icons.py OUT_DIR [--ico] [--icns]

Writes ``OUT_DIR/hicolor/<n>x<n>/apps/org.colophon.Colophon.png`` for each size in `SIZES` and
copies the SVG to ``OUT_DIR/hicolor/scalable/apps/``: the freedesktop icon-theme layout, ready to
go under ``share/icons``. ``--ico`` adds ``OUT_DIR/colophon.ico`` (Windows) and ``--icns``
``OUT_DIR/colophon.icns`` (macOS), assembled by Pillow from the same renders.

Every size is rendered from the vector drawing by Qt's own SVG renderer (offscreen, no display
needed), never scaled down from a big bitmap, so small sizes stay crisp.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

APP_ID = "org.colophon.Colophon"
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "colophon.svg"
#: the hicolor sizes desktops look up (menus 16-24, panels and docks 32-64, stores 128-512)
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico holds
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)  # 1024 is 512 at Retina density


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The drawing at ``size`` x ``size`` pixels, on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def render_all(out: Path, *, ico: bool = False, icns: bool = False) -> list[Path]:
    """Write every icon file under ``out``; returns the paths written."""
    app = QGuiApplication.instance() or QGuiApplication(["render_icons"])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {SOURCE} is not a drawing Qt can read")
    written: list[Path] = []
    pngs: dict[int, Path] = {}
    for size in sorted(
        set(SIZES) | set(ICO_SIZES if ico else ()) | set(ICNS_SIZES if icns else ())
    ):
        if size in SIZES:
            path = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        else:
            path = out / "sizes" / f"{size}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(path), "PNG"):
            raise SystemExit(f"render_icons: could not write {path}")
        pngs[size] = path
        written.append(path)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    written.append(scalable)
    if ico:
        written.append(_pack(pngs, ICO_SIZES, out / "colophon.ico", "ICO"))
    if icns:
        written.append(_pack(pngs, ICNS_SIZES, out / "colophon.icns", "ICNS"))
    del app
    return written


def _pack(pngs: dict[int, Path], sizes: tuple[int, ...], path: Path, fmt: str) -> Path:
    """One multi-size icon file: each size is its own render, not a resampled copy."""
    from PIL import Image

    images = [Image.open(pngs[size]) for size in sizes]
    largest = images[-1]
    largest.save(path, format=fmt, sizes=[(s, s) for s in sizes], append_images=images[:-1])
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write into")
    parser.add_argument("--ico", action="store_true", help="also write colophon.ico (Windows)")
    parser.add_argument("--icns", action="store_true", help="also write colophon.icns (macOS)")
    args = parser.parse_args(argv)
    for path in render_all(args.out, ico=args.ico, icns=args.icns):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
