"""Key ids, fingerprints and public-key formats, checked against independent implementations."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st
from securesystemslib.signer import SSlibKey

from colophon.core import keys
from colophon.core.errors import UsageError

# RFC 8032, section 7.1, test 1
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


def _public(seed: bytes = RFC8032_SEED) -> Ed25519PublicKey:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key()


def test_generate_gives_distinct_working_keys() -> None:
    a, b = keys.generate(), keys.generate()
    assert keys.public_raw(a.public_key()) != keys.public_raw(b.public_key())
    a.public_key().verify(a.sign(b"hello"), b"hello")


def test_known_answer_for_rfc8032_key() -> None:
    public = _public()
    assert keys.public_hex(public) == RFC8032_PUBLIC
    assert keys.key_id(public) == SSlibKey.from_crypto(public).keyid
    # pinned (also in resources/spec/keys.md) so neither name can change unnoticed
    assert keys.key_id(public) == (
        "74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916"
    )
    assert keys.fingerprint(public) == "EH7D DX5B KSRG CYTL 7BKA I36S E4NX X3KL"


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_key_id_matches_securesystemslib(seed: bytes) -> None:
    public = _public(seed)
    sslib = SSlibKey.from_crypto(public)
    assert keys.key_id(public) == sslib.keyid
    assert keys.sslib_key(public) == {
        "keytype": sslib.keytype,
        "scheme": sslib.scheme,
        "keyval": sslib.keyval,
    }


def test_fingerprint_format_and_definition() -> None:
    public = keys.generate().public_key()
    text = keys.fingerprint(public)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", text)
    expected = base64.b32encode(hashlib.sha256(keys.public_raw(public)).digest()[:20]).decode()
    assert text.replace(" ", "") == expected


@pytest.mark.skipif(
    not (shutil.which("openssl") and shutil.which("base32")), reason="needs openssl and base32"
)
def test_fingerprint_recipe_from_the_spec_works_with_standard_tools(tmp_path: Path) -> None:
    public = keys.generate().public_key()
    pem = tmp_path / "key.pub.pem"
    pem.write_text(keys.public_pem(public))
    recipe = (
        f"openssl pkey -pubin -in '{pem}' -outform DER | tail -c 32 "
        "| openssl dgst -sha256 -binary | head -c 20 | base32"
    )
    out = subprocess.run(["sh", "-c", recipe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == keys.fingerprint(public).replace(" ", "")
    spec = Path(__file__).parents[2] / "resources" / "spec" / "keys.md"
    assert "openssl dgst -sha256 -binary | head -c 20 | base32" in spec.read_text()


def test_normalize_and_match_fingerprints() -> None:
    text = keys.fingerprint(_public())
    typed = text.lower().replace(" ", "-")
    assert keys.normalize_fingerprint(typed) == text
    assert keys.fingerprints_match(typed, text.replace(" ", ""))
    assert not keys.fingerprints_match(text, keys.fingerprint(keys.generate().public_key()))
    for bad in ("", "ABCD", text + "A", text[:-1] + "1", text[:-1] + "8"):
        with pytest.raises(UsageError):
            keys.normalize_fingerprint(bad)


def test_pem_round_trip_and_openssl_reads_it(tmp_path: Path) -> None:
    public = keys.generate().public_key()
    pem = keys.public_pem(public)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert keys.public_raw(keys.load_public(pem)) == keys.public_raw(public)
    assert keys.public_raw(keys.load_public(pem.encode())) == keys.public_raw(public)
    if shutil.which("openssl"):
        path = tmp_path / "k.pem"
        path.write_text(pem)
        out = subprocess.run(
            ["openssl", "pkey", "-pubin", "-in", str(path), "-text", "-noout"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "ED25519 Public-Key" in out.stdout


def test_ssh_line_round_trip_and_ssh_keygen_reads_it(tmp_path: Path) -> None:
    public = keys.generate().public_key()
    line = keys.public_ssh_line(public, "Ada Lovelace\n(colophon)")
    assert line.startswith("ssh-ed25519 AAAA")
    assert line.endswith(" Ada Lovelace (colophon)")
    assert "\n" not in line
    assert keys.public_ssh_line(public).count(" ") == 1
    assert keys.public_raw(keys.load_public(line)) == keys.public_raw(public)
    if shutil.which("ssh-keygen"):
        path = tmp_path / "k.pub"
        path.write_text(line + "\n")
        out = subprocess.run(
            ["ssh-keygen", "-l", "-f", str(path)], capture_output=True, text=True, check=True
        )
        assert "(ED25519)" in out.stdout


def test_load_public_accepts_hex_base64_and_raw() -> None:
    public = keys.generate().public_key()
    raw = keys.public_raw(public)
    for form in (
        raw,
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        f"  {raw.hex()}\n",
    ):
        assert keys.public_raw(keys.load_public(form)) == raw


def _ssh_public(key: object) -> str:
    return (
        key.public_key()
        .public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        .decode()
    )


def test_load_public_refuses_other_key_types() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ec_pem = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for text in (ec_pem.decode(), _ssh_public(rsa_key), _ssh_public(ec_key)):
        with pytest.raises(keys.UnsupportedKeyType, match="Ed25519"):
            keys.load_public(text)


def test_load_public_refuses_private_keys_with_a_clear_message() -> None:
    private = keys.generate()
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.OpenSSH):
        pem = private.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
        with pytest.raises(keys.KeyFormatError, match="private key"):
            keys.load_public(pem)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "ab" * 31,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----",
        "ssh-ed25519 AAAAbroken",
        "ssh-ed25519 AAAA\nssh-ed25519 AAAA",
        "x" * 20000,
        b"\xff\xfe" * 20,
    ],
)
def test_load_public_refuses_garbage(text: str | bytes) -> None:
    with pytest.raises(keys.KeyFormatError) as info:
        keys.load_public(text)
    assert isinstance(info.value, UsageError)
    assert "Traceback" not in info.value.message
