"""Fingerprints: agreement with the ISCC reference, robustness to hostile files, and match quality.

The quality test at the end builds a corpus on disk (claimed images and texts, their transformed
copies, and over a thousand unrelated files), runs it through fingerprinting and `match_one` as a
scan would, and prints precision and recall (run with ``pytest -s`` to see the figures).
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import iscc_core as ic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from colophon.core.errors import MalformedError, UsageError
from colophon.core.fingerprint import (
    FAMILY_IMAGE,
    FAMILY_TEXT,
    Fingerprint,
    FingerprintError,
    code_family,
    code_to_int,
    codes_from_annotations,
    compute_fingerprint,
    fingerprint_file,
    hamming,
    image_code,
    image_codes,
    int_to_code,
    parse_code,
    subject_annotations,
    text_code,
)
from colophon.core.match_index import DEFAULT_THRESHOLD, ClaimIndex, match_one

# -- agreement with the reference -----------------------------------------------------------------


def circle_on_transparent() -> Image.Image:
    """The image iscc-sdk's own tests normalise (a gray disc on a transparent canvas)."""
    img = Image.new("RGBA", (100, 100), (255, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((25, 25, 75, 75), fill=(126, 126, 126))
    return img


def test_image_normalisation_matches_the_reference_sdk() -> None:
    from colophon.core.fingerprint import _normalized_pixels

    pixels, untrimmed = _normalized_pixels(circle_on_transparent())
    # The values iscc-sdk's test suite expects for this image.
    assert pixels[:14] == [255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 242, 203, 205, 141]
    assert pixels[-14:] == [141, 205, 203, 242, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255]
    assert untrimmed is not None  # the white around the disc is a uniform border
    assert image_code(circle_on_transparent()) == ic.gen_image_code_v0(pixels)["iscc"]


def test_text_code_matches_the_reference() -> None:
    text = "  Ein Fluss, ein Berg, café.\n\nThe river — and the MOUNTAIN!  " * 5
    assert text_code(text) == ic.gen_text_code_v0(ic.text_clean(text))["iscc"]
    assert text_code(text.upper().replace(" ", "\n")) == text_code(text)  # case, layout ignored


def test_image_file_and_pillow_image_give_the_same_code(tmp_path: Path) -> None:
    img = make_image(7, (200, 160))
    path = tmp_path / "a.png"
    img.save(path)
    assert fingerprint_file(path, "image") == image_code(img) == image_code(path)
    assert img.size == (200, 160) and img.mode == "RGB"  # the caller's image is untouched


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    upright = make_image(11, (240, 160))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # a camera's sideways pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    path = tmp_path / "sideways.png"
    stored.save(path, exif=exif)
    assert image_code(path) == image_code(upright)
    assert image_code(stored) != image_code(upright)


def test_transparency_is_seen_as_white() -> None:
    rgba = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle((0, 0, 59, 119), fill=(20, 60, 200, 255))
    ImageDraw.Draw(rgba).ellipse((70, 20, 110, 100), fill=(200, 20, 20, 255))
    rgb = Image.new("RGB", (120, 120), (255, 255, 255))
    ImageDraw.Draw(rgb).rectangle((0, 0, 59, 119), fill=(20, 60, 200))
    ImageDraw.Draw(rgb).ellipse((70, 20, 110, 100), fill=(200, 20, 20))
    assert image_codes(rgba) == image_codes(rgb)


def test_a_bordered_image_gets_a_second_untrimmed_code() -> None:
    plain = Image.new("RGB", (300, 300), (250, 250, 250))
    draw = ImageDraw.Draw(plain)
    draw.ellipse((60, 80, 200, 230), fill=(30, 90, 160))
    draw.rectangle((150, 40, 240, 150), fill=(220, 120, 30))
    codes = image_codes(plain)
    assert len(codes) == 2 and codes[0] != codes[1]
    assert codes[0] == image_code(plain.crop((60, 40, 241, 231)))  # the reference trims
    assert len(image_codes(make_image(3, (200, 200)))) in (1, 2)
    full_bleed = make_image(4, (200, 200))
    ImageDraw.Draw(full_bleed).point((0, 0), fill=(1, 2, 3))  # a lone corner pixel: no border
    assert len(image_codes(full_bleed)) == 1


@pytest.mark.parametrize("side", ["top", "bottom", "left", "right", "none", "all", "corner"])
def test_a_border_on_any_one_side_is_trimmed_as_the_reference_trims(side: str) -> None:
    from PIL import ImageChops

    from colophon.core.fingerprint import _trim_uniform_border

    img = make_image(5, (90, 70))
    edge = {
        "top": (0, 0, 89, 9),
        "bottom": (0, 60, 89, 69),
        "left": (0, 0, 9, 69),
        "right": (80, 0, 89, 69),
        "all": (0, 0, 89, 69),
    }
    draw = ImageDraw.Draw(img)
    if side in edge:
        draw.rectangle(edge[side], fill=(240, 240, 240))
        if side == "all":
            draw.rectangle((20, 20, 60, 50), fill=(10, 20, 30))
    draw.point((0, 0), fill=(240, 240, 240) if side != "corner" else (1, 2, 3))
    # the reference: the box around every pixel that differs from the top-left one
    box = ImageChops.difference(img, Image.new("RGB", img.size, img.getpixel((0, 0)))).getbbox()
    trimmed = _trim_uniform_border(img)
    assert trimmed.size == (img.size if box in (None, (0, 0, 90, 70)) else img.crop(box).size)
    assert trimmed.tobytes() == (img if box in (None, (0, 0, 90, 70)) else img.crop(box)).tobytes()
    assert (trimmed.size != img.size) == (side in edge)


def test_an_upright_exif_orientation_gives_the_same_code(tmp_path: Path) -> None:
    img = make_image(12, (160, 120))
    exif = Image.Exif()
    exif[0x0112] = 1  # "as stored"
    path = tmp_path / "upright.png"
    img.save(path, exif=exif)
    assert image_code(path) == image_code(img)


# -- codes --------------------------------------------------------------------------------------


def test_code_round_trip_and_hamming() -> None:
    body = 0xC343309E3C9E8E67
    code = int_to_code(body, FAMILY_IMAGE)
    assert code == "ISCC:EEA4GQZQTY6J5DTH"  # the reference sample image's code
    assert code_to_int(code) == body and code_family(code) == FAMILY_IMAGE
    assert parse_code("EEA4GQZQTY6J5DTH") == (FAMILY_IMAGE, body)  # prefix optional
    text = int_to_code(body ^ 0b1011, FAMILY_TEXT)
    assert code_family(text) == FAMILY_TEXT and text.startswith("ISCC:EAA")
    assert hamming(body, body ^ 0b1011) == 3
    assert hamming(code, int_to_code(body ^ 0b1011, FAMILY_IMAGE)) == 3
    with pytest.raises(UsageError):
        hamming(code, text)
    with pytest.raises(UsageError):
        int_to_code(1 << 64, FAMILY_IMAGE)
    with pytest.raises(UsageError):
        int_to_code(1, "audio")


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ISCC:",
        "ISCC:KACYPXW46UOGYH3C",  # an ISCC-ID, not a content code
        "ISCC:EEA4GQZQTY6J5DT",  # cut short
        "ISCC:EEBQGQZQTY6J5DTHGQZQTY6J5DTH",  # 128-bit
        "ISCC:AAAWN77F727NXSUS",  # a Meta-Code
        "ISCC:EEA4GQZQTY6J5DT!",
        "ISCC:" + "A" * 500,
    ],
)
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(MalformedError):
        code_to_int(bad)


@given(st.text(max_size=40))
def test_any_string_is_a_code_or_malformed(value: str) -> None:
    try:
        family, body = parse_code(value)
    except MalformedError:
        return
    assert family in (FAMILY_IMAGE, FAMILY_TEXT) and 0 <= body < 1 << 64


def test_annotations_round_trip() -> None:
    codes = (int_to_code(5, FAMILY_IMAGE), int_to_code(9, FAMILY_IMAGE))
    annotations = subject_annotations(codes)
    assert annotations == {"iscc": codes[0], "iscc_untrimmed": codes[1]}
    assert codes_from_annotations({**annotations, "other": 1}) == codes
    assert codes_from_annotations({}) == () and subject_annotations(()) == {}
    with pytest.raises(MalformedError):
        codes_from_annotations({"iscc": 42})
    with pytest.raises(MalformedError):
        codes_from_annotations({"iscc": codes[0], "iscc_untrimmed": int_to_code(9, FAMILY_TEXT)})
    with pytest.raises(MalformedError):
        codes_from_annotations({"iscc_untrimmed": codes[1]})
    with pytest.raises(MalformedError):
        codes_from_annotations({"iscc": "ISCC:EEA4GQZQTY6J5DTHX"})
    text = int_to_code(7, FAMILY_TEXT)
    assert codes_from_annotations({"iscc": text.removeprefix("ISCC:")}) == (text,)  # canonical


# -- hostile and unsuitable files -----------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header announces ``width`` x ``height`` pixels, with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_hostile_and_broken_images_give_a_reason_not_a_crash(tmp_path: Path) -> None:
    good = io.BytesIO()
    make_image(5, (200, 200)).save(good, "PNG")
    cases = {
        "bomb.png": png_header_only(20_000, 20_000),
        "big.png": png_header_only(11_000, 12_000),  # over the 128 Mpx cap
        "truncated.png": good.getvalue()[: len(good.getvalue()) // 2],
        "garbage.jpg": random.Random(1).randbytes(5000),
        "empty.png": b"",
        "fake.eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        started = time.perf_counter()
        result = compute_fingerprint(tmp_path / name, "image")
        assert result.code is None and result.reason, name
        assert time.perf_counter() - started < 2, name
    assert "too large" in compute_fingerprint(tmp_path / "bomb.png", "image").reason
    assert "too large" in compute_fingerprint(tmp_path / "big.png", "image").reason
    assert compute_fingerprint(tmp_path / "missing.png", "image").reason
    with pytest.raises(FingerprintError):
        image_code(tmp_path / "truncated.png")


def test_blank_images_and_short_or_binary_texts_have_no_code(tmp_path: Path) -> None:
    Image.new("RGB", (300, 200), (128, 128, 128)).save(tmp_path / "gray.png")
    assert "blank" in compute_fingerprint(tmp_path / "gray.png", "image").reason
    (tmp_path / "short.txt").write_text("Hello there.")
    assert "short" in compute_fingerprint(tmp_path / "short.txt", "text").reason
    (tmp_path / "bin.txt").write_bytes(b"abc\x00def" * 100)
    assert compute_fingerprint(tmp_path / "bin.txt", "text").code is None
    assert compute_fingerprint(tmp_path / "bin.txt", "text", head=b"abc\x00").code is None
    (tmp_path / "song.mp3").write_bytes(b"ID3" + bytes(100))
    assert compute_fingerprint(tmp_path / "song.mp3", "audio") == Fingerprint(
        (), "Files of kind 'audio' are not fingerprinted."
    )


def test_text_files_are_read_as_utf8_with_replacement(tmp_path: Path) -> None:
    words = make_text(3, 120)
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf" + words.encode("utf-8"))  # with a BOM
    (tmp_path / "b.txt").write_bytes(words.encode("utf-8") + b"\xff\xfe")  # stray bytes
    assert fingerprint_file(tmp_path / "a.txt", "text") == text_code(words)
    assert hamming(fingerprint_file(tmp_path / "b.txt", "text"), text_code(words)) <= 2


# -- corpus generator -----------------------------------------------------------------------------

_PROSE = (
    "the of and to in is was he for it with as his on be at by had are but from or have an "
    "they which one you were all her she there would their we him been has when who will no "
    "more if out so up said what its about than into them can only other time new some could "
    "these two may first then do any like my now over such our man me even most made after "
    "also did many off before must well back through years much where your way down should "
    "because long each just state people those too how little good world very make still own "
    "see men work between house light river stone winter garden letter morning mountain "
    "island window summer road water forest city night harbor storm silver paper music colour "
    "engine market village bridge mirror shadow thunder meadow lantern orchard canyon glacier "
    "prairie sparrow violin copper"
)
WORDS = tuple(_PROSE.split())


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def _background(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    width, height = size
    style = rng.randrange(5)
    if style == 0:  # flat colour: often leaves a uniform border around the shapes
        return Image.new("RGB", size, _colour(rng))
    if style in (1, 2):  # linear or radial gradient at a random angle
        ramp = Image.linear_gradient("L") if style == 1 else Image.radial_gradient("L")
        ramp = ramp.rotate(rng.uniform(0, 360), resample=Image.Resampling.BILINEAR)
        ramp = ramp.resize(size, Image.Resampling.BILINEAR)
        return Image.composite(Image.new("RGB", size, _colour(rng)), _flat(rng, size), ramp)
    if style == 3:  # checkerboard
        cell = rng.randrange(6, 40)
        img, other = _flat(rng, size), _colour(rng)
        draw = ImageDraw.Draw(img)
        for y in range(0, height, cell):
            for x in range(0, width, cell):
                if (x // cell + y // cell) % 2:
                    draw.rectangle((x, y, x + cell - 1, y + cell - 1), fill=other)
        return img
    # soft noise, like clouds or texture
    small = (max(4, width // 8), max(4, height // 8))
    noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    noise = noise.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    return Image.composite(Image.new("RGB", size, _colour(rng)), _flat(rng, size), noise)


def _flat(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    return Image.new("RGB", size, _colour(rng))


def make_image(seed: int, size: tuple[int, int]) -> Image.Image:
    """A distinct picture: a background, then 3-11 shapes, lines and words, sometimes blurred."""
    rng = random.Random(seed)
    img = _background(rng, size)
    draw = ImageDraw.Draw(img)
    width, height = size
    for _ in range(rng.randrange(3, 12)):
        x0, y0 = rng.randrange(-width // 4, width), rng.randrange(-height // 4, height)
        x1 = x0 + rng.randrange(width // 10, width // 2 + 2)
        y1 = y0 + rng.randrange(height // 10, height // 2 + 2)
        fill, shape = _colour(rng), rng.randrange(5)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        elif shape == 2:
            count = rng.randrange(3, 7)
            corners = [(rng.randrange(width), rng.randrange(height)) for _ in range(count)]
            draw.polygon(corners, fill=fill)
        elif shape == 3:
            draw.line((x0, y0, x1, y1), fill=fill, width=rng.randrange(1, max(2, width // 20)))
        else:
            points = rng.randrange(max(8, height // 16), max(9, height // 5))
            font = ImageFont.load_default(size=points)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4)))
            draw.text((x0, y0), words, fill=fill, font=font)
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.5)))
    return img


def make_text(seed: int, words: int) -> str:
    """Prose-like text: sentences of common words in paragraphs of about 300 characters."""
    rng = random.Random(seed)
    sentences: list[str] = []
    sentence: list[str] = []
    for _ in range(words):
        sentence.append(rng.choice(WORDS))
        if len(sentence) > rng.randrange(6, 18):
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    sentences.append(" ".join(sentence).capitalize() + ".")
    paragraphs, current = [], ""
    for s in sentences:
        current = f"{current} {s}".strip()
        if len(current) > 300:
            paragraphs.append(current)
            current = ""
    paragraphs.append(current)
    return "\n\n".join(paragraphs) + "\n"


def edit_text(text: str, seed: int) -> str:
    """A light edit: 1 % of words replaced, one typo, paragraphs reflowed, a heading added."""
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(max(1, len(words) // 100)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    i = rng.randrange(len(words))
    if len(words[i]) > 2:
        words[i] = words[i][:-1]
    return "Chapter One\n\n" + " ".join(words).replace("\n\n", "\n")


# -- quality ------------------------------------------------------------------------------------

CLAIMED_IMAGES = 60
UNRELATED_IMAGES = 1000
CLAIMED_TEXTS = 30
UNRELATED_TEXTS = 200

Transform = Callable[[Image.Image], tuple[Image.Image, str, dict[str, object]]]
TRANSFORMS: dict[str, Transform] = {
    "resized 50%": lambda im: (
        im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS),
        "JPEG",
        {"quality": 90},
    ),
    "JPEG q60": lambda im: (im, "JPEG", {"quality": 60}),
    "PNG": lambda im: (im, "PNG", {"compress_level": 1}),
}
# Reported, not asserted: harder changes, to show where the limits are.
EXTRA_TRANSFORMS: dict[str, Transform] = {
    "resized 33% + WebP q50": lambda im: (
        im.resize((im.width // 3, im.height // 3), Image.Resampling.BILINEAR),
        "WEBP",
        {"quality": 50},
    ),
    "cropped 5% each side": lambda im: (
        im.crop((im.width // 20, im.height // 20, im.width * 19 // 20, im.height * 19 // 20)),
        "PNG",
        {"compress_level": 1},
    ),
}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scan_record(path: Path, kind: str) -> dict[str, Any]:
    """What a scan of the dataset records for one file."""
    return {"sha256": sha256_of(path), "fingerprints": list(compute_fingerprint(path, kind).codes)}


def test_quality_on_a_generated_corpus(tmp_path: Path) -> None:
    started = time.perf_counter()
    claimed_dir, data_dir = tmp_path / "claimed", tmp_path / "dataset"
    claimed_dir.mkdir()
    data_dir.mkdir()
    index = ClaimIndex()
    reference_only = ClaimIndex()  # the same works with the reference image code alone
    # (path in the dataset, expected key or None, group label)
    dataset: list[tuple[Path, str, str | None, str]] = []

    for i in range(CLAIMED_IMAGES):
        rng = random.Random(1000 + i)
        original = make_image(1000 + i, (rng.randrange(256, 513), rng.randrange(256, 513)))
        work = claimed_dir / f"work{i}.jpg"
        original.save(work, "JPEG", quality=92)
        key = f"image-{i}"
        codes = compute_fingerprint(work, "image").codes
        index.add(key, sha256_of(work), codes)
        reference_only.add(key, sha256_of(work), codes[:1])
        copy = data_dir / f"exact-{i}.jpg"
        copy.write_bytes(work.read_bytes())
        dataset.append((copy, "image", key, "exact copy"))
        with Image.open(work) as decoded:
            pixels = decoded.convert("RGB")
        for name, transform in {**TRANSFORMS, **EXTRA_TRANSFORMS}.items():
            changed, fmt, options = transform(pixels)
            out = data_dir / f"{name.replace(' ', '_').replace('%', 'pc')}-{i}{EXTENSIONS[fmt]}"
            changed.save(out, fmt, **options)
            dataset.append((out, "image", key, name))

    for j in range(UNRELATED_IMAGES):
        rng = random.Random(50_000 + j)
        img = make_image(50_000 + j, (rng.randrange(64, 257), rng.randrange(64, 257)))
        fmt = rng.choice(("PNG", "JPEG"))
        out = data_dir / f"unrelated-{j}{EXTENSIONS[fmt]}"
        img.save(out, fmt, **({"compress_level": 1} if fmt == "PNG" else {}))
        dataset.append((out, "image", None, "unrelated image"))

    for i in range(CLAIMED_TEXTS):
        text = make_text(7000 + i, random.Random(i).randrange(150, 1200))
        work = claimed_dir / f"text{i}.txt"
        work.write_text(text, encoding="utf-8")
        key = f"text-{i}"
        index.add(key, sha256_of(work), compute_fingerprint(work, "text").codes)
        copy = data_dir / f"exact-text-{i}.txt"
        copy.write_bytes(work.read_bytes())
        dataset.append((copy, "text", key, "exact copy"))
        edited = data_dir / f"edited-text-{i}.txt"
        edited.write_text(edit_text(text, i), encoding="utf-8")
        dataset.append((edited, "text", key, "edited text"))

    for j in range(UNRELATED_TEXTS):
        out = data_dir / f"unrelated-text-{j}.txt"
        out.write_text(make_text(90_000 + j, random.Random(j).randrange(50, 400)), encoding="utf-8")
        dataset.append((out, "text", None, "unrelated text"))

    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # group -> [found, total]
    distances: dict[str, list[int]] = defaultdict(list)
    false_matches: list[str] = []
    found_by_reference: dict[str, int] = defaultdict(int)
    reported = correct = 0
    index.freeze()
    unrelated_codes: list[str] = []
    for path, kind, expected, group in dataset:
        record = scan_record(path, kind)
        if expected is None:
            unrelated_codes += record["fingerprints"]
        matches = match_one(record, index, DEFAULT_THRESHOLD)
        reported += len(matches)
        hits = [m for m in matches if m["key"] == expected]
        correct += len(hits)
        false_matches += [f"{path.name}: {m}" for m in matches if m["key"] != expected]
        found[group][1] += 1
        if group == "exact copy":
            found[group][0] += any(m["match"] == "exact" for m in hits)
        elif hits:
            found[group][0] += 1
            distances[group].append(hits[0]["distance"])
        if kind == "image" and expected is not None and group != "exact copy":
            near = match_one({"fingerprints": record["fingerprints"][:1]}, reference_only)
            found_by_reference[group] += any(m["key"] == expected for m in near)

    # How close did unrelated files come to any claimed work? (the safety margin)
    nearest = {FAMILY_IMAGE: 64, FAMILY_TEXT: 64}
    for q, _key, distance in index.match_fingerprints(unrelated_codes, 24):
        family = code_family(unrelated_codes[q])
        nearest[family] = min(nearest[family], distance)
    elapsed = time.perf_counter() - started

    print(f"\nfingerprint quality, threshold {DEFAULT_THRESHOLD} bits of 64, {len(dataset)} files:")
    for group, (hit, total) in found.items():
        if group.startswith("unrelated"):
            print(f"  {group:24s} {total - hit:5d} / {total:<5d} without any match")
        else:
            worst = max(distances[group], default=0)
            print(f"  {group:24s} {hit:5d} / {total:<5d} found (farthest at {worst} bits)")
    transformed = [*TRANSFORMS, "edited text"]
    t_hit = sum(found[g][0] for g in transformed)
    t_total = sum(found[g][1] for g in transformed)
    precision = correct / reported if reported else 1.0
    print(f"  recall, exact copies      {found['exact copy'][0] / found['exact copy'][1]:.1%}")
    print(f"  recall, transformed       {t_hit / t_total:.1%}  ({t_hit}/{t_total}, asserted set)")
    print("  images found with the reference code alone (no untrimmed code): ", end="")
    print(", ".join(f"{g} {n}/{found[g][1]}" for g, n in found_by_reference.items()))
    print(f"  precision                 {precision:.1%}  ({correct}/{reported} reported matches)")
    print(f"  nearest unrelated image / text to a claimed one: {nearest[FAMILY_IMAGE]} / ", end="")
    print(f"{nearest[FAMILY_TEXT]} bits")
    print(f"  time {elapsed:.1f} s")

    assert found["exact copy"][0] == found["exact copy"][1]
    assert t_hit / t_total >= 0.95
    for group in TRANSFORMS:
        assert found[group][0] / found[group][1] >= 0.95, group
    assert found["edited text"][0] / found["edited text"][1] >= 0.95
    assert not false_matches, false_matches
