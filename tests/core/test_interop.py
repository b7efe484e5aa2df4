"""Claims and an independent DSSE implementation (securesystemslib) read each other.

A data team must be able to check a Colophon claim without Colophon, and Colophon must accept a
claim written without it: the envelope, the PAE, the key id and the fingerprint are standard.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bundle_factory import Party, make_party, read_zip
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from colophon.core.assets import read_text
from colophon.core.bundle import ENVELOPE
from colophon.core.claimant import PublicKeyInfo
from colophon.core.contacts import add_contact
from colophon.core.verify import Outcome, verify

SPEC = read_text("spec/claim-bundle.md")
INTOTO = "application/vnd.in-toto+json"


def spec_example(label: str, language: str) -> str:
    match = re.search(rf"<!-- example: {label} -->\n```{language}\n(.*?)\n```", SPEC, re.DOTALL)
    assert match, f"the spec has no example {label!r}"
    return match.group(1)


@pytest.fixture
def ada(tmp_path: Path) -> Iterator[Party]:
    party = make_party(tmp_path / "ada")
    party.add_works()
    yield party
    party.close()


def public_key(party: Party) -> Any:
    return party.identity.require_key().info.key


# -- Colophon writes, securesystemslib reads -----------------------------------------------------
def test_an_exported_envelope_verifies_with_securesystemslib(ada: Party) -> None:
    envelope = json.loads(read_zip(ada.export().path)[ENVELOPE])
    key = SSlibKey.from_crypto(public_key(ada))

    parsed = Envelope.from_dict(envelope)  # (it rewrites the dict it is given)
    accepted = parsed.verify([key], 1)

    assert list(accepted) == [key.keyid] == [ada.identity.require_key().keyid]
    statement = json.loads(parsed.payload)
    assert statement["predicate"]["claimant"]["publicKey"]["keyid"] == key.keyid


def test_securesystemslib_refuses_an_altered_exported_envelope(ada: Party) -> None:
    envelope = json.loads(read_zip(ada.export().path)[ENVELOPE])
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["terms"]["cawg.ai_training"] = {"use": "allowed"}
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()

    with pytest.raises(VerificationError):
        Envelope.from_dict(envelope).verify([SSlibKey.from_crypto(public_key(ada))], 1)


def test_securesystemslib_refuses_an_exported_envelope_for_another_key(
    ada: Party, tmp_path: Path
) -> None:
    envelope = json.loads(read_zip(ada.export().path)[ENVELOPE])
    stranger = SSlibKey.from_crypto(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(VerificationError):
        Envelope.from_dict(envelope).verify([stranger], 1)


def test_the_spec_example_program_reads_an_exported_claim(
    ada: Party, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = ada.catalog.work_ids()
    ada.catalog.update_work(ids[0], title="Harbour at dawn")
    members = read_zip(ada.export().path)
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "claim.intoto.json").write_bytes(members[ENVELOPE])
    (folder / "ada.pub.pem").write_text(ada.public_pem())
    (folder / "example.py").write_text(spec_example("verify-with-securesystemslib", "python"))
    monkeypatch.chdir(folder)

    runpy.run_path(str(folder / "example.py"))

    output = capsys.readouterr().out
    assert "Harbour at dawn" in output
    assert output.count("\n") == len(ids)


# -- securesystemslib writes, Colophon reads -----------------------------------------------------
def independent_key_fields(private: Ed25519PrivateKey) -> dict[str, str]:
    """pem, keyid and fingerprint computed as keys.md says, without Colophon's code."""
    public = private.public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    fingerprint = base64.b32encode(hashlib.sha256(raw).digest()[:20]).decode()
    return {
        "pem": pem,
        "keyid": SSlibKey.from_crypto(public).keyid,
        "fingerprint": " ".join(fingerprint[i : i + 4] for i in range(0, 32, 4)),
    }


def independent_claim(private: Ed25519PrivateKey) -> dict[str, Any]:
    """The spec's example claim, for two made-up works, naming ``private``'s key."""
    predicate = json.loads(spec_example("predicate", "json"))
    predicate["claimant"]["publicKey"] = independent_key_fields(private)
    predicate["claimant"]["displayName"] = "Grace Independent"
    predicate["claimant"].pop("email")
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [
            {"name": f"work-{i}.bin", "digest": dict(work["digest"])}
            for i, work in enumerate(predicate["works"])
        ],
        "predicateType": "https://colophon.example/claim/v1",
        "predicate": predicate,
    }


def sslib_envelope(private: Ed25519PrivateKey, statement: dict[str, Any]) -> dict[str, Any]:
    # Written the way another tool would: pretty-printed JSON, not Colophon's canonical form.
    envelope = Envelope(
        payload=json.dumps(statement, indent=2).encode(), payload_type=INTOTO, signatures={}
    )
    envelope.sign(CryptoSigner(private))
    return envelope.to_dict()


def test_a_claim_signed_by_securesystemslib_verifies_as_an_unknown_signer(
    ada: Party, tmp_path: Path
) -> None:
    grace = Ed25519PrivateKey.generate()
    path = tmp_path / "grace.intoto.json"
    path.write_text(json.dumps(sslib_envelope(grace, independent_claim(grace)), indent=2))

    result = verify(path, ada.catalog)

    assert result.outcome is Outcome.UNKNOWN_SIGNER, result.message
    assert result.bare
    assert result.claim is not None
    assert result.claim.works[0]["title"] == "Sunrise over the harbour"
    assert result.signer is not None
    assert result.signer.fingerprint == independent_key_fields(grace)["fingerprint"]


def test_a_claim_signed_by_securesystemslib_is_valid_once_its_key_is_pinned(
    ada: Party, tmp_path: Path
) -> None:
    grace = Ed25519PrivateKey.generate()
    path = tmp_path / "grace.intoto.json"
    path.write_text(json.dumps(sslib_envelope(grace, independent_claim(grace))))
    add_contact(ada.catalog, PublicKeyInfo.of(grace.public_key()), "Grace")

    result = verify(path, ada.catalog)

    assert result.outcome is Outcome.VALID, result.message
    assert result.signer is not None and result.signer.contact == "Grace"


def test_a_securesystemslib_claim_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    grace, mallory = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    path = tmp_path / "forged.intoto.json"
    path.write_text(json.dumps(sslib_envelope(mallory, independent_claim(grace))))

    assert verify(path, None).outcome is Outcome.SIGNATURE_INVALID


def test_the_key_names_agree_with_securesystemslib_and_keys_md(ada: Party) -> None:
    info = ada.identity.require_key().info
    assert info.keyid == SSlibKey.from_crypto(info.key).keyid
    raw = info.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    expected = base64.b32encode(hashlib.sha256(raw).digest()[:20]).decode()
    assert info.fingerprint.replace(" ", "") == expected
