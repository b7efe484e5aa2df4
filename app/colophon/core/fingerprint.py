"""Content fingerprints: ISCC Content-Codes (ISO 24138) for images and plain text.

A SHA-256 digest finds exact copies only. A fingerprint survives the changes a file goes through
on its way into a training set (resizing, re-encoding, a format change) so that a claimed work can
still be recognised. Colophon computes the ISCC Content-Code, an open standard with an independent
reference implementation (``iscc-core``), so anyone can recompute and check a claimed code:

- image: the 64-bit Content-Code Image, a DCT hash of the picture brought to 32x32 gray pixels the
  way the reference ``iscc-sdk`` does it (EXIF orientation applied, transparency on white, uniform
  border trimmed, grayscale, bicubic resize);
- text: the 64-bit Content-Code Text, a MinHash over character 13-grams of the collapsed text.

An image with a uniform border gets a second code computed without cropping that border, because
the reference crop does not survive resizing (see `image_codes`). Two codes of the same family are
compared by the Hamming distance of their 64-bit bodies; ``match_index`` searches many at once.
Everything here runs offline on Pillow and iscc-core, with no external program and no download.

Hostile files are expected: decoding is restricted to common raster formats, images above a pixel
cap are refused before their pixels are read, and any decoder failure becomes a reason, never a
crash. See ``resources/spec/fingerprints.md`` for the full description.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import iscc_core as ic
from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from colophon.core.errors import ColophonError, MalformedError, UsageError
from colophon.core.fsutil import open_regular

#: fingerprint families; a code is only ever compared with codes of its own family
FAMILY_IMAGE: Final = "image"
FAMILY_TEXT: Final = "text"
FAMILIES: Final = (FAMILY_IMAGE, FAMILY_TEXT)

#: fingerprints are 64-bit ISCC units; distances range over 0..64
CODE_BITS: Final = 64

#: Images larger than this are refused before decoding (the reference SDK's own cap; a 128 Mpx RGB
#: image already takes about 400 MB of memory while it is normalised).
MAX_IMAGE_PIXELS: Final = 128_000_000

#: Raster formats Pillow may decode here. The rest of Pillow's readers (EPS, which starts
#: Ghostscript, and a long tail of rarely used formats) are left out of hostile-input reach.
IMAGE_FORMATS: Final = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "AVIF")

#: A 32x32 gray image whose pixels span fewer levels than this is blank to the hash: its code
#: would be the same for every plain image, so none is given.
MIN_IMAGE_CONTRAST: Final = 4

#: Plain-text files above this size are not fingerprinted: iscc-core's MinHash runs at about
#: 0.3 MB/s on one core, so this bounds one file to some 15 s.
MAX_TEXT_BYTES: Final = 4 * 1024 * 1024

#: Texts that collapse to fewer characters than this are too short to tell apart.
MIN_TEXT_CHARS: Final = 32

#: keys of the in-toto subject annotations that carry fingerprints
ANNOTATION_ISCC: Final = "iscc"
ANNOTATION_UNTRIMMED: Final = "iscc_untrimmed"

_MAX_CODE_CHARS: Final = 64
_SUBTYPE_OF_FAMILY: Final = {FAMILY_IMAGE: ic.ST_CC.IMAGE, FAMILY_TEXT: ic.ST_CC.TEXT}
_FAMILY_OF_SUBTYPE: Final = {int(st): family for family, st in _SUBTYPE_OF_FAMILY.items()}
# The two header bytes of a 64-bit v0 Content-Code of each family, as the reference encodes them.
_HEADER_OF_FAMILY: Final = {
    family: base64.b32decode(
        ic.encode_component(ic.MT.CONTENT, st, ic.VS.V0, CODE_BITS, bytes(CODE_BITS // 8))
    )[:2]
    for family, st in _SUBTYPE_OF_FAMILY.items()
}
_FAMILY_OF_HEADER: Final = {header: family for family, header in _HEADER_OF_FAMILY.items()}
_UNIT_CHARS: Final = 16  # base32 characters of 2 header bytes and 8 body bytes


#: normalised gray pixels: the reference (trimmed) ones, and the untrimmed ones if they differ
_Pixels = tuple[list[int], list[int] | None]


class FingerprintError(ColophonError):
    """A file or a text cannot be given a fingerprint (undecodable, too large, too plain)."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The outcome of fingerprinting one file: its codes, or the reason there are none.

    ``codes[0]`` is the reference ISCC code. An image that has a uniform border gets a second
    code computed without trimming that border (see `image_codes`); every other file has one.
    """

    codes: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def code(self) -> str | None:
        """The reference ISCC code, or None."""
        return self.codes[0] if self.codes else None


def image_codes(source: str | os.PathLike[str] | Image.Image) -> tuple[str, ...]:
    """Return the ISCC Content-Code(s) Image (``"ISCC:EEA..."``) of an image file or Pillow image.

    The first code is the reference one: the image is normalised exactly as ``iscc-sdk`` does,
    which includes cropping a border of exactly uniform colour. That crop is fragile: after a
    resize or a lossy re-encoding the border is no longer exactly uniform, or is cropped a pixel
    differently, and the code moves by up to a quarter of its bits. So when a border was cropped
    a second code of the whole, uncropped picture follows, which survives those changes (measured
    in ``tests/core/test_fingerprint.py``). Match a file when any of its codes is near any code of
    a claimed work.

    Raises `FingerprintError` when the image cannot be decoded, is over `MAX_IMAGE_PIXELS`, or is
    blank. A Pillow image passed in is not modified.
    """
    if isinstance(source, Image.Image):
        _check_size(source)
        trimmed, whole = _decode_guarded(lambda: _normalized_pixels(source))
    else:
        trimmed, whole = _decode_guarded(lambda: _pixels_of_file(Path(source)))
    if _is_blank(trimmed):
        raise FingerprintError("The image is blank or nearly so; it has no usable fingerprint.")
    codes = [_image_code_of_pixels(trimmed)]
    if whole is not None and not _is_blank(whole):
        untrimmed = _image_code_of_pixels(whole)
        if untrimmed != codes[0]:
            codes.append(untrimmed)
    return tuple(codes)


def image_code(source: str | os.PathLike[str] | Image.Image) -> str:
    """Return the reference ISCC Content-Code Image of an image; see `image_codes`."""
    return image_codes(source)[0]


def text_code(text: str) -> str:
    """Return the ISCC Content-Code Text (``"ISCC:EAA..."``) of a plain text.

    The text is cleaned and collapsed exactly as the reference does (Unicode normalisation, no
    whitespace, punctuation or case), so reformatting alone does not change the code. Raises
    `FingerprintError` for a text that collapses to fewer than `MIN_TEXT_CHARS` characters.
    """
    collapsed = ic.text_collapse(ic.text_clean(text))
    if len(collapsed) < MIN_TEXT_CHARS:
        raise FingerprintError("The text is too short to fingerprint.")
    # Equivalent to ic.gen_text_code_v0, which would collapse the text a second time.
    unit = ic.encode_component(
        mtype=ic.MT.CONTENT,
        stype=ic.ST_CC.TEXT,
        version=ic.VS.V0,
        bit_length=CODE_BITS,
        digest=ic.soft_hash_text_v0(collapsed),
    )
    return "ISCC:" + unit


def compute_fingerprint(path: str | os.PathLike[str], kind: str, head: bytes = b"") -> Fingerprint:
    """Fingerprint the file at ``path`` of media ``kind`` (as `colophon.core.media.classify` says).

    ``head`` is the file's first bytes if the caller already read them (used to skip binary
    files posing as text). Never raises for a bad or hostile file: the reason is returned instead.
    Kinds other than image and text get no fingerprint (yet).
    """
    try:
        if kind == "image":
            return Fingerprint(image_codes(path))
        if kind == "text":
            return Fingerprint((text_code(_read_text(Path(path), head)),))
    except FingerprintError as exc:
        return Fingerprint((), exc.message)
    return Fingerprint((), f"Files of kind '{kind}' are not fingerprinted.")


def fingerprint_file(path: str | os.PathLike[str], kind: str, head: bytes = b"") -> str | None:
    """Return the reference ISCC code of the file, or None (see `compute_fingerprint`)."""
    return compute_fingerprint(path, kind, head).code


def subject_annotations(codes: Sequence[str]) -> dict[str, str]:
    """Return the in-toto subject ``annotations`` entries that carry a work's fingerprints.

    ``{"iscc": <reference code>}``, plus ``"iscc_untrimmed"`` for an image's second code.
    """
    if not codes:
        return {}
    out = {ANNOTATION_ISCC: codes[0]}
    if len(codes) > 1:
        out[ANNOTATION_UNTRIMMED] = codes[1]
    return out


def codes_from_annotations(annotations: Mapping[str, object]) -> tuple[str, ...]:
    """Return the fingerprint codes in a subject's ``annotations``, each one checked.

    Codes come back in canonical form. Raises `MalformedError` if an entry is present but is not
    an ISCC Content-Code Image or Text, if ``iscc_untrimmed`` comes without ``iscc`` or is not an
    image code.
    """
    parsed: list[tuple[str, int]] = []
    for name in (ANNOTATION_ISCC, ANNOTATION_UNTRIMMED):
        value = annotations.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise MalformedError(f"annotations.{name}", "must be a string.")
        parsed.append(parse_code(value))
    if ANNOTATION_UNTRIMMED in annotations and (
        ANNOTATION_ISCC not in annotations or {fam for fam, _b in parsed} != {FAMILY_IMAGE}
    ):
        raise MalformedError(
            f"annotations.{ANNOTATION_UNTRIMMED}", "must come with an image code in 'iscc'."
        )
    return tuple(int_to_code(body, family) for family, body in parsed)


def parse_code(code: str) -> tuple[str, int]:
    """Return ``(family, body)`` of an ISCC Content-Code Image or Text; see `code_to_int`."""
    return _decode(code)


def code_family(code: str) -> str:
    """Return the family ("image" or "text") of an ISCC Content-Code; see `code_to_int`."""
    return _decode(code)[0]


def code_to_int(code: str) -> int:
    """Return the 64-bit body of an ISCC Content-Code Image or Text as an unsigned integer.

    Accepts the canonical ``ISCC:`` form (and the same without prefix). Raises `MalformedError`
    for anything else, since codes usually arrive in bundles from strangers.
    """
    return _decode(code)[1]


def int_to_code(body: int, family: str) -> str:
    """Return the ISCC code of a 64-bit ``body`` in ``family``: the inverse of `code_to_int`."""
    if family not in _SUBTYPE_OF_FAMILY:
        raise UsageError(f"Unknown fingerprint family '{family}'.")
    if not 0 <= body < 1 << CODE_BITS:
        raise UsageError("A fingerprint body must be an unsigned 64-bit integer.")
    # The canonical form of a 64-bit unit: base32 (RFC 4648, no padding) of 2 header bytes and
    # the body; identical to ic.encode_component, about twenty times faster.
    raw = _HEADER_OF_FAMILY[family] + body.to_bytes(CODE_BITS // 8, "big")
    return "ISCC:" + base64.b32encode(raw).decode("ascii")


def hamming(a: int | str, b: int | str) -> int:
    """Return the number of differing bits between two fingerprints (bodies or ISCC codes).

    Two code strings of different families cannot be compared and raise `UsageError`.
    """
    if isinstance(a, str) and isinstance(b, str) and code_family(a) != code_family(b):
        raise UsageError("An image fingerprint cannot be compared with a text fingerprint.")
    x = code_to_int(a) if isinstance(a, str) else a
    y = code_to_int(b) if isinstance(b, str) else b
    return (x ^ y).bit_count()


# -- internals ------------------------------------------------------------------------------------


def _decode(code: str) -> tuple[str, int]:
    if not isinstance(code, str) or len(code) > _MAX_CODE_CHARS:
        raise MalformedError("iscc", "This is not an ISCC content code.")
    text = code.strip().removeprefix("ISCC:")
    if len(text) == _UNIT_CHARS:  # fast path for the canonical 64-bit unit
        try:
            raw = base64.b32decode(text)
        except (ValueError, binascii.Error):
            raw = b""
        family = _FAMILY_OF_HEADER.get(raw[:2])
        if family is not None:
            return family, int.from_bytes(raw[2:], "big")
    try:
        mtype, stype, version, _length, body = ic.iscc_decode("ISCC:" + text)
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error) as exc:
        raise MalformedError("iscc", f"'{code}' is not a valid ISCC code.") from exc
    if mtype != ic.MT.CONTENT or int(stype) not in _FAMILY_OF_SUBTYPE or version != ic.VS.V0:
        raise MalformedError("iscc", f"'{code}' is not an ISCC Content-Code Image or Text.")
    if len(body) != CODE_BITS // 8:
        raise MalformedError("iscc", f"'{code}' is not a 64-bit ISCC code.")
    return _FAMILY_OF_SUBTYPE[int(stype)], int.from_bytes(body, "big")


def _decode_guarded(work: Callable[[], _Pixels]) -> _Pixels:
    """Run a decoding step, turning every decoder failure into a `FingerprintError`.

    Pillow's readers raise a wide variety of exceptions on damaged or hostile data (OSError,
    ValueError, SyntaxError, struct.error, EOFError, MemoryError, its decompression-bomb error
    and warning...), so all of them are caught here, at the boundary.
    """
    try:
        return work()
    except FingerprintError:
        raise
    except UnidentifiedImageError as exc:
        raise FingerprintError("The image format is not one Colophon reads.") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own cap (about 89 Mpx by default) warns; twice that, it refuses.
        raise FingerprintError("The image is too large to fingerprint.", details=str(exc)) from exc
    except Exception as exc:  # hostile input: see the docstring
        raise FingerprintError(
            "The image cannot be decoded.", details=f"{type(exc).__name__}: {exc}"
        ) from exc


def _pixels_of_file(path: Path) -> _Pixels:
    try:
        fh = open_regular(path)  # closed below, after Pillow is done with it
    except OSError as exc:
        raise FingerprintError("The file cannot be read.", details=str(exc)) from exc
    with fh, Image.open(fh, formats=IMAGE_FORMATS) as img:
        _check_size(img)  # before any pixel is decoded
        return _normalized_pixels(img)


def _check_size(img: Image.Image) -> None:
    width, height = img.size
    if width <= 0 or height <= 0:
        raise FingerprintError("The image is empty.")
    if width * height > MAX_IMAGE_PIXELS:
        raise FingerprintError(
            f"The image is too large to fingerprint ({width}x{height} pixels).",
            details=f"limit {MAX_IMAGE_PIXELS} pixels",
        )


def _normalized_pixels(img: Image.Image) -> _Pixels:
    """Bring an image to the 1024 gray levels the ISCC image hash takes, as the reference SDK does.

    Order matters for reproducibility: orientation, then white under transparency, then border
    trim, then grayscale, then a 32x32 bicubic resize. Returns the trimmed pixels and, when a
    border was trimmed, the untrimmed ones too.
    """
    if img.getexif().get(_ORIENTATION) in _TURNED:  # otherwise the same pixels, not copied
        img = ImageOps.exif_transpose(img)
    img = _on_white(img)
    trimmed = _trim_uniform_border(img)
    whole = _gray_32x32(img) if trimmed is not img else None
    return _gray_32x32(trimmed), whole


_ORIENTATION = 0x0112  # the EXIF tag
_TURNED = frozenset(range(2, 9))  # the orientations `ImageOps.exif_transpose` turns or mirrors


def _gray_32x32(img: Image.Image) -> list[int]:
    return list(img.convert("L").resize((32, 32), Image.Resampling.BICUBIC).tobytes())


def _is_blank(pixels: list[int]) -> bool:
    return max(pixels) - min(pixels) < MIN_IMAGE_CONTRAST


def _image_code_of_pixels(pixels: list[int]) -> str:
    return str(ic.gen_image_code_v0(pixels, bits=CODE_BITS)["iscc"])


def _on_white(img: Image.Image) -> Image.Image:
    """Return an RGB image, with any transparent area shown over white."""
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img if img.mode in ("RGBA", "LA") else img.convert("RGBA")
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def _trim_uniform_border(img: Image.Image) -> Image.Image:
    """Crop away a border of exactly the colour of the top-left pixel, if there is one."""
    corner = img.getpixel((0, 0))
    if not _has_plain_edge(img, corner):  # most photographs: nothing to trim, known in a blink
        return img
    plain = Image.new(img.mode, img.size, corner)
    box = ImageChops.difference(img, plain).getbbox()
    if box is None or box == (0, 0, *img.size):
        return img
    return img.crop(box)


def _has_plain_edge(img: Image.Image, colour: Any) -> bool:
    """Whether a whole edge (a top or bottom row, a left or right column) is ``colour``.

    If no edge is, every edge holds another colour, so the box around everything that differs
    from the corner is the whole picture: there is no border to trim, and comparing every pixel
    (most of the time spent on a photograph) would only confirm it.
    """
    width, height = img.size
    wanted = colour if isinstance(colour, tuple) else (colour,)
    for box in ((0, 0, width, 1), (0, height - 1, width, height), (0, 0, 1, height),
                (width - 1, 0, width, height)):  # fmt: skip
        extrema = img.crop(box).getextrema()
        bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
        if all(low == high == value for (low, high), value in zip(bands, wanted, strict=True)):
            return True
    return False


def _read_text(path: Path, head: bytes) -> str:
    if b"\x00" in head:
        raise FingerprintError("The file holds binary data, not text.")
    try:
        with open_regular(path) as fh:
            data = fh.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise FingerprintError("The file cannot be read.", details=str(exc)) from exc
    if len(data) > MAX_TEXT_BYTES:
        raise FingerprintError(
            f"The text is too large to fingerprint (over {MAX_TEXT_BYTES // (1024 * 1024)} MiB)."
        )
    if b"\x00" in data:
        raise FingerprintError("The file holds binary data, not text.")
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")
