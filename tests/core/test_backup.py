"""Backups: opened by standard tools, restored exactly, refused clearly, and never in plaintext."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from colophon.core import backup, keys
from colophon.core.backup import (
    BackupMismatch,
    NotAKeyFile,
    UnencryptedBackup,
    WeakPassphrase,
    WrongPassphrase,
    check_new_passphrase,
    inspect_backup,
    read_backup,
    write_backup,
)
from colophon.core.errors import NotFoundError, UsageError
from colophon.core.keystore import KeyLocation, KeyStore

PASSPHRASE = "violet orchard compass 7"
needs_openssl = pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl tool")
needs_ssh_keygen = pytest.mark.skipif(not shutil.which("ssh-keygen"), reason="needs ssh-keygen")


@pytest.fixture
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheaper KDF for tests about something else than the cost (which the others check)."""
    monkeypatch.setattr(backup, "KDF_ROUNDS", 4)


def _seed(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _openssl(*args: str, passphrase: str = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PASS": passphrase}
    return subprocess.run(["openssl", *args], capture_output=True, text=True, env=env)


def _ssh_keygen_public(path: Path, passphrase: str) -> subprocess.CompletedProcess[str]:
    """What ``ssh-keygen -y`` (print the public key of a private key file) makes of ``path``."""
    return subprocess.run(
        ["ssh-keygen", "-y", "-f", str(path), "-P", passphrase],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )


def _openssh_blob(path: Path) -> bytes:
    return base64.b64decode("".join(path.read_text().splitlines()[1:-1]))


def _write_openssh_blob(path: Path, blob: bytes) -> None:
    body = base64.encodebytes(blob).decode()
    path.write_text(
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}-----END OPENSSH PRIVATE KEY-----\n"
    )


@needs_ssh_keygen
def test_backup_opens_with_ssh_keygen_and_restores_exactly(tmp_path: Path) -> None:
    private = keys.generate()
    path = tmp_path / "backup.key"
    write_backup(private, path, PASSPHRASE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----")
    # the documented container: AES-256-CTR under bcrypt_pbkdf with KDF_ROUNDS rounds
    blob = _openssh_blob(path)
    assert blob.startswith(b"openssh-key-v1\x00\x00\x00\x00\naes256-ctr\x00\x00\x00\x06bcrypt")
    assert backup._openssh_header(path.read_bytes())[:3] == (
        "aes256-ctr",
        "bcrypt",
        backup.KDF_ROUNDS,
    )

    out = _ssh_keygen_public(path, PASSPHRASE)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == keys.public_ssh_line(private.public_key()).split()

    restored = read_backup(path, PASSPHRASE)
    assert keys.key_id(restored.public_key()) == keys.key_id(private.public_key())
    assert keys.fingerprint(restored.public_key()) == keys.fingerprint(private.public_key())
    private.public_key().verify(restored.sign(b"claim"), b"claim")
    assert inspect_backup(path) == backup.BackupInfo("openssh", True)


@needs_ssh_keygen
def test_ssh_keygen_refuses_a_wrong_passphrase_too(tmp_path: Path) -> None:
    path = tmp_path / "backup.key"
    write_backup(keys.generate(), path, PASSPHRASE)
    out = _ssh_keygen_public(path, "nope nope nope")
    assert out.returncode != 0
    assert "ssh-ed25519" not in out.stdout


@needs_ssh_keygen
def test_passphrase_changed_by_ssh_keygen_still_opens_in_colophon(tmp_path: Path) -> None:
    private = keys.generate()
    path = tmp_path / "backup.key"
    write_backup(private, path, PASSPHRASE)
    new = "amber tide willow 93"
    done = subprocess.run(
        ["ssh-keygen", "-p", "-f", str(path), "-P", PASSPHRASE, "-N", new],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    with pytest.raises(WrongPassphrase):
        read_backup(path, PASSPHRASE)
    restored = read_backup(path, new)
    assert keys.key_id(restored.public_key()) == keys.key_id(private.public_key())


@pytest.mark.usefixtures("quick_kdf")
def test_wrong_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "backup.key"
    write_backup(keys.generate(), path, PASSPHRASE)
    for wrong in ("violet orchard compass 8", "x"):
        with pytest.raises(WrongPassphrase, match="does not open") as info:
            read_backup(path, wrong)
        assert info.value.exit_code not in (0, 1)
    with pytest.raises(WrongPassphrase, match="enter it"):
        read_backup(path, None)
    with pytest.raises(WrongPassphrase):
        read_backup(path, "")


@pytest.mark.usefixtures("quick_kdf")
def test_passphrase_is_unicode_normalized(tmp_path: Path) -> None:
    path = tmp_path / "backup.key"
    phrase = "crème brûlée à la maison"
    write_backup(keys.generate(), path, unicodedata.normalize("NFC", phrase))
    read_backup(path, unicodedata.normalize("NFD", phrase))


@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("short1!", "shorter than 10"),
        ("aaaaaaaaaaaaaa", "one character repeated"),
        ("abababababab", "fewer than 4 different"),
        ("abcdefghijkl", "sequence"),
        ("9876543210", "sequence"),
        ("qwertyuiop", "common"),
        ("Password2024!", "common"),
        ("correct horse battery staple", "common"),
    ],
)
def test_weak_passphrases_are_refused_with_the_reason(
    tmp_path: Path, passphrase: str, reason: str
) -> None:
    with pytest.raises(WeakPassphrase, match=reason) as info:
        check_new_passphrase(passphrase)
    assert isinstance(info.value, UsageError)
    path = tmp_path / "backup.key"
    with pytest.raises(WeakPassphrase):
        write_backup(keys.generate(), path, passphrase)
    assert not path.exists()


@pytest.mark.parametrize("passphrase", [PASSPHRASE, "Tr0ub4dor&3x", "東京の夜はとても静かです"])
def test_reasonable_passphrases_pass(passphrase: str) -> None:
    check_new_passphrase(passphrase)


@pytest.mark.usefixtures("quick_kdf")
def test_existing_file_is_not_replaced_by_accident(tmp_path: Path) -> None:
    path = tmp_path / "backup.key"
    first, second = keys.generate(), keys.generate()
    write_backup(first, path, PASSPHRASE)
    before = path.read_bytes()
    with pytest.raises(UsageError, match="already exists"):
        write_backup(second, path, PASSPHRASE)
    assert path.read_bytes() == before
    write_backup(second, path, PASSPHRASE, overwrite=True)
    assert keys.key_id(read_backup(path, PASSPHRASE).public_key()) == keys.key_id(
        second.public_key()
    )
    assert [p.name for p in tmp_path.iterdir()] == ["backup.key"]  # no temp files left


@pytest.mark.usefixtures("quick_kdf")
def test_expected_fingerprint_is_checked(tmp_path: Path) -> None:
    private = keys.generate()
    path = tmp_path / "backup.key"
    write_backup(private, path, PASSPHRASE)
    mine = keys.fingerprint(private.public_key())
    read_backup(path, PASSPHRASE, expected_fingerprint=mine.lower().replace(" ", ""))
    other = keys.fingerprint(keys.generate().public_key())
    with pytest.raises(BackupMismatch, match=mine):
        read_backup(path, PASSPHRASE, expected_fingerprint=other)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "not a private-key file"),
        (b"hello world\n", "not a private-key file"),
        (b"\x00\xff" * 100, "not a private-key file"),
        (b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB comment\n", "public key"),
        (
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "damaged",
        ),
        (
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
            "damaged",
        ),
        (b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + b"A" * 70000, "too large"),
    ],
)
def test_not_a_key_file(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "file"
    path.write_bytes(content)
    with pytest.raises(NotAKeyFile, match=match):
        read_backup(path, PASSPHRASE)


def test_public_pem_is_recognized_as_public(tmp_path: Path) -> None:
    path = tmp_path / "key.pub.pem"
    path.write_text(keys.public_pem(keys.generate().public_key()))
    with pytest.raises(NotAKeyFile, match="public key"):
        read_backup(path, PASSPHRASE)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        read_backup(tmp_path / "nothing.pem", PASSPHRASE)
    with pytest.raises(UsageError):
        read_backup(tmp_path, PASSPHRASE)
    with pytest.raises(UsageError):
        write_backup(keys.generate(), tmp_path, PASSPHRASE, overwrite=True)


@pytest.mark.usefixtures("quick_kdf")
def test_a_damaged_secret_never_gives_another_key(tmp_path: Path) -> None:
    # The cipher has no integrity check: a changed byte in the secret seed would decrypt to a
    # different key. Colophon compares the key found with the public key the file states.
    private = keys.generate()
    path = tmp_path / "backup.key"
    write_backup(private, path, PASSPHRASE)
    blob = bytearray(_openssh_blob(path))
    public = backup._openssh_header(path.read_bytes()).public
    assert public == base64.b64decode(keys.public_ssh_line(private.public_key()).split()[1])
    # encrypted part: after the public key and its length; the seed follows two check numbers,
    # the key type and the public key (4 + 4 + 15 + 36 + 4 bytes)
    secret = blob.index(public) + len(public) + 4
    blob[secret + 63] ^= 0x01
    damaged = tmp_path / "damaged.key"
    _write_openssh_blob(damaged, bytes(blob))
    with pytest.raises(NotAKeyFile, match="does not match"):
        read_backup(damaged, PASSPHRASE)


@pytest.mark.usefixtures("quick_kdf")
def test_damaged_ciphertext_or_header(tmp_path: Path) -> None:
    path = tmp_path / "backup.key"
    write_backup(keys.generate(), path, PASSPHRASE)
    lines = path.read_text().splitlines()
    truncated = tmp_path / "truncated.pem"
    truncated.write_text("\n".join([lines[0], lines[1][:40], lines[-1]]) + "\n")
    with pytest.raises(NotAKeyFile, match="damaged"):
        read_backup(truncated, PASSPHRASE)


def test_non_ed25519_key_is_refused(tmp_path: Path) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "ec.pem"
    path.write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    with pytest.raises(keys.UnsupportedKeyType, match="Ed25519"):
        read_backup(path, PASSPHRASE)


def test_unencrypted_file_needs_explicit_consent(tmp_path: Path) -> None:
    private = keys.generate()
    path = tmp_path / "plain.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    assert inspect_backup(path) == backup.BackupInfo("pkcs8", False)
    with pytest.raises(UnencryptedBackup, match="not protected"):
        read_backup(path, PASSPHRASE)
    restored = read_backup(path, None, allow_unencrypted=True)
    assert keys.key_id(restored.public_key()) == keys.key_id(private.public_key())


def test_hostile_bcrypt_rounds_are_refused_before_any_work(tmp_path: Path) -> None:
    path = tmp_path / "backup.key"
    write_backup(keys.generate(), path, PASSPHRASE)
    blob = _openssh_blob(path)
    rounds = backup.KDF_ROUNDS.to_bytes(4, "big")
    assert blob.count(rounds + b"\x00\x00\x00\x01") == 1  # KDF options end, then "1 key"
    # 2^31 rounds: years of work
    evil = tmp_path / "evil.key"
    _write_openssh_blob(
        evil, blob.replace(rounds + b"\x00\x00\x00\x01", b"\x80\x00\x00\x00\x00\x00\x00\x01")
    )
    started = time.monotonic()
    with pytest.raises(NotAKeyFile, match="costly"):
        read_backup(evil, PASSPHRASE)
    assert time.monotonic() - started < 1


def _pkcs8_header_with(kdf_oid: str, kdf_params: bytes) -> bytes:
    """An encrypted PKCS#8 file whose PBES2 header names the given KDF parameters."""
    from cryptography.hazmat import asn1
    from cryptography.x509 import ObjectIdentifier

    aes = backup._AlgorithmIdentifier(
        algorithm=ObjectIdentifier("2.16.840.1.101.3.4.1.42"),
        parameters=asn1.decode_der(asn1.TLV, asn1.encode_der(b"\x00" * 16)),
    )
    kdf = backup._AlgorithmIdentifier(
        algorithm=ObjectIdentifier(kdf_oid), parameters=asn1.decode_der(asn1.TLV, kdf_params)
    )
    pbes2 = backup._PBES2Params(kdf=kdf, encryption_scheme=aes)
    info = backup._EncryptedPrivateKeyInfo(
        algorithm=backup._AlgorithmIdentifier(
            algorithm=ObjectIdentifier("1.2.840.113549.1.5.13"),
            parameters=asn1.decode_der(asn1.TLV, asn1.encode_der(pbes2)),
        ),
        encrypted_data=b"\x00" * 48,
    )
    body = base64.encodebytes(asn1.encode_der(info)).decode()
    label = "ENCRYPTED PRIVATE KEY"
    return f"-----BEGIN {label}-----\n{body}-----END {label}-----\n".encode()


@pytest.mark.parametrize(
    ("kdf", "params"),
    [
        # scrypt N=2^20, r=8: 1 GiB of memory
        ("scrypt", {"salt": b"s" * 16, "cost": 2**20, "block_size": 8, "parallelization": 1}),
        # scrypt r=127, p=127: about 34 billion block operations, hours of work
        ("scrypt", {"salt": b"s" * 16, "cost": 2**14, "block_size": 127, "parallelization": 127}),
        ("pbkdf2", {"salt": b"s" * 16, "iterations": 2**31}),
    ],
)
def test_hostile_pkcs8_kdf_cost_is_refused_before_any_work(
    tmp_path: Path, kdf: str, params: dict[str, object]
) -> None:
    from cryptography.hazmat import asn1

    if kdf == "scrypt":
        oid = "1.3.6.1.4.1.11591.4.11"
        der = asn1.encode_der(backup._ScryptParams(**params, key_length=None))
    else:
        oid = "1.2.840.113549.1.5.12"
        salt = asn1.decode_der(asn1.TLV, asn1.encode_der(params.pop("salt")))
        der = asn1.encode_der(backup._PBKDF2Params(salt=salt, **params, key_length=None, prf=None))
    evil = tmp_path / "evil.pem"
    evil.write_bytes(_pkcs8_header_with(oid, der))
    started = time.monotonic()
    with pytest.raises(NotAKeyFile, match="costly"):
        read_backup(evil, PASSPHRASE)
    assert time.monotonic() - started < 1


@needs_openssl
@pytest.mark.parametrize(
    "options",
    [
        ["-v2", "aes-256-cbc", "-scrypt"],
        ["-v2", "aes-256-cbc", "-iter", "100000"],
    ],
)
def test_reads_files_encrypted_by_openssl(tmp_path: Path, options: list[str]) -> None:
    private = keys.generate()
    plain = tmp_path / "plain.pem"
    plain.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    out_path = tmp_path / "openssl.pem"
    args = ["pkcs8", "-topk8", *options, "-in", str(plain), "-out", str(out_path)]
    out = _openssl(*args, "-passout", "env:PASS")
    assert out.returncode == 0, out.stderr
    restored = read_backup(out_path, PASSPHRASE)
    assert keys.key_id(restored.public_key()) == keys.key_id(private.public_key())


def _ssh_keygen(path: Path, passphrase: str) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "t", "-f", str(path)],
        check=True,
    )
    return path.with_suffix(".pub").read_text().split()[1]


@needs_ssh_keygen
def test_reads_unencrypted_openssh_key_with_consent(tmp_path: Path) -> None:
    path = tmp_path / "id_ed25519"
    public_b64 = _ssh_keygen(path, "")
    assert inspect_backup(path) == backup.BackupInfo("openssh", False)
    with pytest.raises(UnencryptedBackup):
        read_backup(path, None)
    restored = read_backup(path, None, allow_unencrypted=True)
    assert keys.public_ssh_line(restored.public_key()).split()[1] == public_b64


@needs_ssh_keygen
def test_reads_encrypted_openssh_key_made_by_ssh_keygen(tmp_path: Path) -> None:
    path = tmp_path / "id_ed25519"
    public_b64 = _ssh_keygen(path, PASSPHRASE)
    assert inspect_backup(path) == backup.BackupInfo("openssh", True)
    restored = read_backup(path, PASSPHRASE)
    assert keys.public_ssh_line(restored.public_key()).split()[1] == public_b64
    with pytest.raises(WrongPassphrase):
        read_backup(path, "not the passphrase")


@needs_ssh_keygen
def test_openssh_key_of_another_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "id_ecdsa"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ecdsa", "-N", PASSPHRASE, "-C", "t", "-f", str(path)],
        check=True,
    )
    with pytest.raises(keys.UnsupportedKeyType, match="Ed25519"):
        read_backup(path, PASSPHRASE)


@pytest.mark.usefixtures("quick_kdf")
def test_private_key_never_appears_in_plaintext_on_disk(tmp_path: Path) -> None:
    private = keys.generate()
    seed = _seed(private)
    pkcs8_der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pkcs8_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem_body = b"".join(pkcs8_pem.splitlines()[1:-1])
    openssh_body = b"".join(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        ).splitlines()[1:-1]
    )
    needles = {
        "raw": seed,
        "hex": seed.hex().encode(),
        "HEX": seed.hex().upper().encode(),
        "base64": base64.b64encode(seed),
        "base64 unpadded": base64.b64encode(seed).rstrip(b"="),
        "urlsafe base64": base64.urlsafe_b64encode(seed).rstrip(b"="),
        "pkcs8 der": pkcs8_der,
        "pkcs8 pem": pem_body,
        "openssh body": openssh_body[:60],
    }

    KeyStore().store(private, KeyLocation.file(tmp_path / "keys" / "id.key"), passphrase=PASSPHRASE)
    (tmp_path / "backups").mkdir()
    write_backup(private, tmp_path / "backups" / "backup.key", PASSPHRASE)

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 2
    for file in files:
        data = file.read_bytes()
        flat = data.replace(b"\n", b"")
        for name, needle in needles.items():
            assert needle not in data and needle not in flat, f"{name} found in {file}"
