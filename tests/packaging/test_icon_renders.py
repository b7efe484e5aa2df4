"""packaging/render_icons.py: every size rendered from the SVG, sharp and in the right place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "org.colophon.Colophon"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def test_renders_every_hicolor_size_and_a_windows_icon(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "render_icons.py"), str(tmp_path), "--ico"],
        check=True,
        capture_output=True,
    )
    for size in SIZES:
        path = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with Image.open(path) as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            rgba = image.convert("RGBA")
            # drawn, not blank: the middle is opaque, a corner of the rounded square is not
            assert rgba.getpixel((size // 2, size // 2))[3] == 255
            assert rgba.getpixel((0, 0))[3] < 255
    svg = tmp_path / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert svg.read_bytes() == (ROOT / "resources" / "icons" / "colophon.svg").read_bytes()
    with Image.open(tmp_path / "colophon.ico") as ico:
        assert {(16, 16), (32, 32), (256, 256)} <= set(ico.info["sizes"])
