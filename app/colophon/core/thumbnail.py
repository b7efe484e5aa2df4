"""Small PNG previews of image works, for bundles (Pillow; the GUI draws its own with Qt).

A preview is at most 256 pixels on its longer side and at most 1 MiB, as the bundle format
requires, in 256 colours chosen for the picture: a preview, light enough that a portfolio of
thousands of pictures stays a bundle one can send. A file Pillow cannot read, or one too
large to decode safely, simply has no preview.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from .fsutil import open_regular

MAX_SIDE = 256
MAX_BYTES = 1024 * 1024
#: refuse to decode pictures larger than this many pixels (decompression bombs)
MAX_PIXELS = 100_000_000


def make_thumbnail(
    path: str | os.PathLike[str], max_side: int = MAX_SIDE, *, sha256: str | None = None
) -> bytes | None:
    """PNG bytes of a preview of the image at ``path``, or None if there can be none.

    With ``sha256``, the file is first read whole for its digest, and has no preview unless
    that is the digest: a preview signed as showing a work must come from that very content,
    not from a file edited since in a way its size and time do not show.
    """
    try:
        with warnings.catch_warnings():
            # Pillow warns about damaged metadata (corrupt EXIF, truncated tags) and still
            # decodes; those would only be noise on the terminal. A bomb, though, is refused.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_regular(path) as fh:
                if sha256 is not None:
                    if hashlib.file_digest(fh, "sha256").hexdigest() != sha256:
                        return None
                    fh.seek(0)
                return _preview(fh, max_side)
    except (
        OSError,
        UnidentifiedImageError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        SyntaxError,
    ):
        return None


def _preview(fh: BinaryIO, max_side: int) -> bytes | None:
    """The preview of the picture in ``fh``; Pillow's errors are the caller's to catch."""
    with Image.open(fh) as image:
        if image.width * image.height > MAX_PIXELS:
            return None
        image.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced size
        picture = ImageOps.exif_transpose(image)
        picture.thumbnail((max_side, max_side))
        if picture.mode not in ("RGB", "RGBA", "L", "LA"):
            picture = picture.convert("RGBA")
        if picture.mode in ("RGB", "RGBA"):
            # 256 colours chosen for this picture, dithered: a third of the size of a
            # full-colour PNG for a photo (about 35 kB instead of 100), a tenth of the time
            picture = picture.quantize(256, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        picture.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    return data if len(data) <= MAX_BYTES else None
