"""Make claim bundles to check a build of Colophon with: one valid bundle and damaged copies.

    python packaging/make_test_bundle.py OUT_DIR

Uses the installed package's core API (not the command line), so the bundles come from the
code in the Python that runs this; a frozen build or an installed wheel is then checked against
them. Writes into OUT_DIR (created; it must be empty if it exists), and prints each file with the
exit status ``colophon verify`` should give:

- ``claim.colophon``: valid. With ``--home OUT_DIR/signer`` (the signer's own key): 0; with a
  fresh home: 10, intact but signed by a key not trusted yet.
- ``tampered.colophon``: the same bundle with one byte of ``summary.html`` changed: 13.
- ``bad-signature.intoto.json``: its envelope alone, the signature one bit off: 14.
- ``malformed.colophon``: the bundle cut in half: 16.
- ``signer/``: the signer's Colophon home, with an identity whose key is in a passphrase-protected
  key file (``signer/key.pem``, passphrase `PASSPHRASE`), so no keyring is needed.
- ``works/``: the signed works: three small texts and a picture.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import zipfile
from pathlib import Path

from PIL import Image

from colophon.core.bundle import ENVELOPE, SUMMARY, export_bundle
from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation, PassphraseRequest
from colophon.core.profile import Profile
from colophon.core.register import register

PASSPHRASE = "correct horse battery staple, for testing only"
WORKS = {
    "harbour-at-dawn.txt": b"A harbour at dawn, in words rather than pixels.\n",
    "liner-notes.md": b"# Liner notes\n\nRecorded in one take.\n",
    "synth.py": b"print('a small synthesizer')\n",
}
PICTURE = "fern-study.png"  # a picture, so that an export makes a thumbnail (Pillow at work)
#: file name -> (which home to verify with, expected exit status of `colophon verify`)
EXPECTED = {
    "claim.colophon": (("signer", 0), ("fresh", 10)),
    "tampered.colophon": (("fresh", 13),),
    "bad-signature.intoto.json": (("fresh", 14),),
    "malformed.colophon": (("fresh", 16),),
}


def make_bundles(out: Path) -> dict[str, Path]:
    """Write the signer's home and every test file under ``out``; returns them by name."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"make_test_bundle: {out} is not empty")
    home = out / "signer"
    works = out / "works"
    works.mkdir()
    for name, data in WORKS.items():
        (works / name).write_bytes(data)
    (works / PICTURE).write_bytes(_png())
    claim = out / "claim.colophon"
    with Catalog.open(home) as catalog:
        register(catalog, [works], workers=1)
        identity = Identity(catalog)
        identity.create(
            Profile(display_name="Mina Okafor", email="mina@example.org"),
            KeyLocation.file(home / "key.pem"),
            passphrase=PASSPHRASE,
        )
        export_bundle(catalog, identity, catalog.work_ids(), claim, passphrase=_passphrase)
    return {
        "signer": home,
        "claim.colophon": claim,
        "tampered.colophon": _tampered(claim, out / "tampered.colophon"),
        "bad-signature.intoto.json": _bad_signature(claim, out / "bad-signature.intoto.json"),
        "malformed.colophon": _cut_in_half(claim, out / "malformed.colophon"),
    }


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (96, 64), (56, 102, 65)).save(out, format="PNG")
    return out.getvalue()


def _passphrase(request: PassphraseRequest) -> str:
    return PASSPHRASE


def _tampered(claim: Path, path: Path) -> Path:
    """The bundle rebuilt member by member, with one byte of the summary page changed."""
    with zipfile.ZipFile(claim) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == SUMMARY:
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
            target.writestr(info, data, compress_type=info.compress_type)
    return path


def _bad_signature(claim: Path, path: Path) -> Path:
    """The bundle's envelope on its own, its signature changed by one bit (still valid base64)."""
    with zipfile.ZipFile(claim) as source:
        envelope = json.loads(source.read(ENVELOPE))
    signature = bytearray(base64.b64decode(envelope["signatures"][0]["sig"], validate=True))
    signature[0] ^= 0x01
    envelope["signatures"][0]["sig"] = base64.b64encode(bytes(signature)).decode("ascii")
    path.write_text(json.dumps(envelope, indent=2), encoding="utf-8")
    return path


def _cut_in_half(claim: Path, path: Path) -> Path:
    data = claim.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    made = make_bundles(Path(argv[0]))
    for name, checks in EXPECTED.items():
        for home, code in checks:
            print(f"{made[name]}\t--home {home}\texpect {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
