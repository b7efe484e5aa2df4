"""Making identities, works and claim bundles quickly for tests, and taking bundles apart.

A `Party` is one person's Colophon: a catalog in its own folder, an identity whose key lives in
the test's in-memory keyring, and a folder of works. Bundles are real files written by
`export_bundle`; `read_zip`/`write_zip` open and rebuild them with the standard `zipfile` so a
test can alter one member and nothing else, and `resign` signs an altered Statement with the
party's own key (a forgery that only the members, schema or trust checks can catch).
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from colophon.core import dsse, strictjson
from colophon.core.bundle import ENVELOPE, ExportResult, export_bundle
from colophon.core.catalog import Catalog
from colophon.core.identity import Identity
from colophon.core.keystore import KeyLocation
from colophon.core.profile import Profile
from colophon.core.register import register
from colophon.core.verify import Outcome, VerifyResult, verify

Statement = dict[str, Any]


def png_bytes(
    color: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (64, 48)
) -> bytes:
    """A small, real PNG picture (distinct colors give distinct digests)."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


#: a default portfolio: two pictures, a text and a piece of code
DEFAULT_WORKS: dict[str, bytes] = {
    "harbour.png": png_bytes((10, 80, 160)),
    "sunrise.png": png_bytes((240, 160, 20)),
    "poem.txt": b"The sea, the sea, the endless sea.\n",
    "tool.py": b"print('hello')\n",
}


@dataclass
class Party:
    """One person's Colophon: catalog, identity and works, all under ``root``."""

    root: Path
    catalog: Catalog
    identity: Identity

    @property
    def works_dir(self) -> Path:
        return self.root / "works"

    def add_works(self, files: Mapping[str, bytes] | None = None) -> list[int]:
        """Write ``files`` into the works folder and register them; returns their work ids."""
        files = DEFAULT_WORKS if files is None else files
        self.works_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in files.items():
            path = self.works_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            paths.append(path)
        report = register(self.catalog, paths, workers=1)
        ids = []
        for path in paths:
            known = self.catalog.known_path(str(path))
            assert known is not None, f"{path} was not registered ({report.skipped})"
            ids.append(known.work_id)
        return ids

    def export(
        self, work_ids: Iterable[int] | None = None, name: str = "portfolio.colophon", **kwargs: Any
    ) -> ExportResult:
        """Export ``work_ids`` (all works by default) to ``root/out/name``."""
        out = self.root / "out"
        out.mkdir(exist_ok=True)
        ids = list(work_ids) if work_ids is not None else self.catalog.work_ids()
        return export_bundle(self.catalog, self.identity, ids, out / name, **kwargs)

    def private_key(self) -> Ed25519PrivateKey:
        """The active private key (tests only: the app lends it for one operation at a time)."""
        with self.identity.signing() as private:
            return private

    def public_pem(self) -> str:
        return self.identity.require_key().info.to_dict()["pem"]

    def close(self) -> None:
        self.catalog.close()


def make_party(
    root: Path,
    name: str = "Ada Lovelace",
    *,
    email: str | None = "ada@example.org",
    profile: Profile | None = None,
    with_identity: bool = True,
) -> Party:
    """A fresh catalog under ``root`` with (by default) an identity for ``name``."""
    root.mkdir(parents=True, exist_ok=True)
    catalog = Catalog.open(root / "home")
    identity = Identity(catalog)
    if with_identity:
        identity.create(profile or Profile(name, email=email), KeyLocation.keyring())
    return Party(root, catalog, identity)


# -- taking bundles apart ------------------------------------------------------------------------
def read_zip(path: Path) -> dict[str, bytes]:
    """Every member of a (trusted, test-made) zip, in archive order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, members: Mapping[str, bytes]) -> Path:
    """A plain zip of ``members`` in the given order (deflated, regular files)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return path


def envelope_of(members: Mapping[str, bytes]) -> dict[str, Any]:
    return json.loads(members[ENVELOPE])


def statement_of(members: Mapping[str, bytes]) -> Statement:
    return json.loads(base64.b64decode(envelope_of(members)["payload"]))


def resign(
    statement: Statement,
    private: Ed25519PrivateKey,
    payload_type: str = dsse.PAYLOAD_TYPE_INTOTO,
) -> bytes:
    """The envelope (serialized) of ``statement`` signed by ``private``."""
    return strictjson.dumps(dsse.sign(strictjson.dumps(statement), payload_type, private))


def with_payload(members: Mapping[str, bytes], payload: bytes) -> dict[str, bytes]:
    """The members with the envelope's payload swapped for ``payload``, signature untouched."""
    envelope = envelope_of(members)
    envelope["payload"] = base64.b64encode(payload).decode("ascii")
    return {**members, ENVELOPE: strictjson.dumps(envelope)}


def rebuild(
    source: Path,
    target: Path,
    *,
    edit: Callable[[Statement], None] | None = None,
    private: Ed25519PrivateKey | None = None,
    members: Callable[[dict[str, bytes]], None] | None = None,
) -> Path:
    """Copy the bundle at ``source`` to ``target`` with changes.

    ``edit`` changes the Statement in place; it is then signed again with ``private`` if given
    (a consistent forgery), else put back under the old signature. ``members`` changes the
    dict of zip members in place (after the envelope was rebuilt).
    """
    content = read_zip(source)
    if edit is not None:
        statement = statement_of(content)
        edit(statement)
        if private is not None:
            content[ENVELOPE] = resign(statement, private)
        else:
            content = with_payload(content, strictjson.dumps(statement))
    if members is not None:
        members(content)
    return write_zip(target, content)


# -- a signer, a verifier and a bundle -----------------------------------------------------------
@dataclass
class World:
    """Ada, who signs; Vera, who verifies; a bundle Ada exported (all four default works)."""

    ada: Party
    vera: Party
    bundle: Path
    root: Path

    def out(self, name: str) -> Path:
        return self.root / name

    def rebuild(self, **kwargs: Any) -> Path:
        """The bundle rebuilt with changes (see `rebuild`) as ``forged.colophon``."""
        return rebuild(self.bundle, self.out("forged.colophon"), **kwargs)

    def forge(self, edit: Callable[[Statement], None]) -> Path:
        """The bundle with its Statement edited and signed again by Ada's own key."""
        return self.rebuild(edit=edit, private=self.ada.private_key())

    def close(self) -> None:
        self.ada.close()
        self.vera.close()


def make_world(root: Path) -> World:
    ada = make_party(root / "ada")
    vera = make_party(root / "vera", "Vera Verifier", email="vera@example.org")
    ada.add_works()
    return World(ada, vera, ada.export().path, root)


def check(path: Path, catalog: Catalog | None, expected: Outcome, **kwargs: Any) -> VerifyResult:
    """Verify ``path`` and insist on the ``expected`` outcome (the message explains a failure)."""
    result = verify(path, catalog, **kwargs)
    assert result.outcome is expected, result.message
    assert result.to_dict()["outcome"] == expected.value
    return result
