"""``colophon identity ...`` through main([...]) as a user would type it, plus a few real
subprocesses where a terminal (or its absence) matters."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from terminal import converse, terminal_env

from colophon.cli import exitcodes
from colophon.cli.main import main
from colophon.core import backup, fsutil, keyevents, keys
from colophon.core.card import parse_card
from memory_keyring import MemoryKeyring

PASSPHRASE = "heron meadow lattice 58"
BACKUP_PASSPHRASE = "copper canyon drizzle 12"
needs_ssh_keygen = pytest.mark.skipif(not shutil.which("ssh-keygen"), reason="needs ssh-keygen")
needs_openssl = pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real OpenSSH key files with a cheaper KDF, so in-process runs stay fast.

    Subprocess tests below run with the documented cost; tests/core/test_backup.py checks it.
    """
    monkeypatch.setattr(backup, "KDF_ROUNDS", 4)
    for name in ("COLOPHON_PASSPHRASE", "COLOPHON_BACKUP_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, *argv, "--json")
    assert code == exitcodes.OK, err
    return json.loads(out)


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("colophon: error: "), err
    return lines[0]


def _init(capsys: pytest.CaptureFixture[str], home: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    return _json(capsys, "--home", str(home), "identity", "init", "--name", "Ada Lovelace", *extra)


# --- init and show -----------------------------------------------------------------------------


def test_init_in_the_keyring_and_show(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    home = str(tmp_path / "home")
    code, out, err = run(
        capsys,
        *("--home", home, "identity", "init", "--name", "Ada Lovelace"),
        *("--email", "ada@example.org", "--website", "https://ada.example"),
        *("--handle", "mastodon=@ada@example.social", "--wallet", "https://wallet.example/ada"),
        *("--payto", "payto://iban/DE75512108001245126199", "--url", "https://ada.example/pay"),
        *("--term", "inference=allowed", "--term", "training=constrained:licence needed"),
        *("--term", "cawg.data_mining=notAllowed"),
        *("--compensation", "perUse", "--amount", "0.05", "--currency", "eur"),
    )
    assert code == exitcodes.OK, err
    assert "Created the identity of Ada Lovelace." in out
    assert "backup" in out  # reminded to back the key up

    shown = _json(capsys, "--home", home, "identity", "show")
    key = shown["active_key"]
    assert key["status"] == "active" and key["location"] == "keyring" and key["present"] is True
    assert ("colophon", key["keyid"]) in memory_keyring.secrets
    assert key["fingerprint"] in out
    profile = shown["profile"]
    assert profile["displayName"] == "Ada Lovelace"
    assert profile["handles"] == {"mastodon": "@ada@example.social"}
    assert [c["kind"] for c in profile["paymentChannels"]] == ["openPayments", "payto", "url"]
    assert profile["terms"] == {
        "cawg.ai_training": {"use": "constrained", "constraint_info": "licence needed"},
        "cawg.ai_generative_training": {"use": "notAllowed"},
        "cawg.ai_inference": {"use": "allowed"},
        "cawg.data_mining": {"use": "notAllowed"},
    }
    assert profile["compensation"] == {"model": "perUse", "amount": "0.05", "currency": "EUR"}
    assert [k["keyid"] for k in shown["keys"]] == [key["keyid"]] and shown["events"] == []

    code, out, _ = run(capsys, "--home", home, "identity", "show")
    assert code == exitcodes.OK
    assert key["fingerprint"] in out and "the system keyring" in out
    assert "constrained (licence needed)" in out

    code, _, err = run(capsys, "--home", home, "identity", "init", "--name", "Ada")
    assert code == exitcodes.USAGE and "already exists" in _one_error_line(err)


def test_no_keyring_names_key_file_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_keyring: None
) -> None:
    home = tmp_path / "home"
    code, out, err = run(capsys, "--home", str(home), "identity", "init", "--name", "Ada")
    assert code == exitcodes.ENVIRONMENT and out == ""
    line = _one_error_line(err)
    assert "keyring" in line and "--key-file PATH" in line
    assert not home.exists()


def test_init_with_a_key_file_and_the_passphrase_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    key_file = tmp_path / "ada.key"
    monkeypatch.setenv("COLOPHON_PASSPHRASE", PASSPHRASE)
    made = _init(capsys, home, "--key-file", str(key_file))
    assert made["key"]["location"] == f"file:{key_file}"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert backup.inspect_backup(key_file) == backup.BackupInfo("openssh", True)
    shown = _json(capsys, "--home", str(home), "identity", "show")
    assert shown["active_key"]["present"] is True
    # a card needs the key, so the passphrase: from the environment here
    code, out, err = run(capsys, "--home", str(home), "identity", "card")
    assert code == exitcodes.OK, err
    assert parse_card(json.loads(out)).key.keyid == made["key"]["keyid"]


@pytest.mark.parametrize(
    ("options", "passphrase", "says"),
    [
        (["--name", "Ada"], "password", "shorter than 10 characters"),  # a weak passphrase
        (["--name", "Ada", "--website", "ftp://ada.example"], PASSPHRASE, "--website"),
        ([], PASSPHRASE, "Give your name with --name NAME."),
    ],
)
def test_a_refused_init_leaves_no_catalog_behind(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    passphrase: str,
    says: str,
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("COLOPHON_PASSPHRASE", passphrase)
    code, out, err = run(
        capsys, "--home", str(home), "identity", "init", *options, "--key-file",
        str(tmp_path / "ada.key"),
    )  # fmt: skip
    assert code == exitcodes.USAGE and out == ""
    assert says in _one_error_line(err)
    assert not home.exists()  # bad input changes nothing
    assert not (tmp_path / "ada.key").exists()


def test_a_key_file_replaced_by_another_key_is_an_environment_problem(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLOPHON_PASSPHRASE", PASSPHRASE)
    ada, other = tmp_path / "ada.key", tmp_path / "other.key"
    _init(capsys, tmp_path / "ada", "--key-file", str(ada))
    _init(capsys, tmp_path / "other", "--key-file", str(other))
    shutil.copy(other, ada)  # the file now holds someone else's key
    code, out, err = run(capsys, "--home", str(tmp_path / "ada"), "identity", "card")
    assert code == exitcodes.ENVIRONMENT and out == ""
    assert "another key" in _one_error_line(err)


def test_weak_or_missing_passphrase_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    key_file = tmp_path / "ada.key"
    argv = ("--home", str(home), "identity", "init", "--name", "Ada", "--key-file", str(key_file))
    code, _, err = run(capsys, *argv)  # pytest's stdin is not a terminal
    line = _one_error_line(err)
    assert code == exitcodes.USAGE
    assert "--passphrase-file FILE" in line and "COLOPHON_PASSPHRASE" in line
    monkeypatch.setenv("COLOPHON_PASSPHRASE", "password123")
    code, _, err = run(capsys, *argv)
    assert code == exitcodes.USAGE and "most common" in _one_error_line(err)
    assert not key_file.exists()
    code, _, err = run(capsys, "--home", str(home), "identity", "show")
    assert code == exitcodes.NOT_FOUND and "identity init" in _one_error_line(err)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--email", "ada at example"], "error: --email: "),
        (["--website", "ada.example"], "error: --website: "),
        (["--wallet", "$wallet.example/ada"], "error: --wallet: "),
        (["--url", "https://ada.example/pay", "--wallet", "http://w.example/a"], "--wallet: "),
        (["--payto", "https://ada.example"], "error: --payto: "),
        (["--term", "training=maybe"], "allowed, notAllowed or constrained"),
        (["--term", "painting=allowed"], "USE one of training"),
        (["--term", "training=constrained"], "the condition"),
        (["--compensation", "flatFee", "--amount", "10"], "error: --currency: "),
        (["--compensation", "flatFee", "--amount", "0,05"], "error: --amount: "),
        (
            ["--compensation", "perUse", "--amount", "0.05", "--currency", "EUO"],
            "error: --currency: 'EUO' is not a currency code of ISO 4217",
        ),
        (["--handle", "mastodon"], "SERVICE=HANDLE"),
        (["--name", "A\x1bB"], "error: --name: "),
    ],
)
def test_bad_profile_options_are_named(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    options: list[str],
    message: str,
) -> None:
    home = str(tmp_path / "home")
    code, _, err = run(capsys, "--home", home, "identity", "init", "--name", "Ada", *options)
    assert code == exitcodes.USAGE
    assert message in _one_error_line(err)
    assert memory_keyring.secrets == {}


def test_edit_changes_only_what_is_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    _init(capsys, home, "--email", "ada@example.org", "--handle", "mastodon=@ada@x.social")
    edited = _json(
        capsys,
        *("--home", str(home), "identity", "edit", "--website", "https://ada.example"),
        *("--term", "generative-training=allowed", "--handle", "mastodon=", "--email", ""),
    )
    assert edited["website"] == "https://ada.example" and "email" not in edited
    assert edited["handles"] == {}
    assert edited["terms"]["cawg.ai_generative_training"] == {"use": "allowed"}
    assert edited["displayName"] == "Ada Lovelace"
    code, _, err = run(capsys, "--home", str(home), "identity", "edit")
    assert code == exitcodes.USAGE and "Nothing to change" in err
    code, _, err = run(capsys, "--home", str(home), "identity", "edit", "--email", "nope")
    assert code == exitcodes.USAGE and "email:" in err
    shown = _json(capsys, "--home", str(home), "identity", "show")
    assert "email" not in shown["profile"]


def test_another_compensation_model_does_not_inherit_the_old_amount(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A fee of 0.05 EUR is not a 0.05 % revenue share, and "negotiate" takes no amount at all.
    home = tmp_path / "home"
    _init(capsys, home, *("--compensation", "perUse", "--amount", "0.05", "--currency", "EUR"))
    edit = ("--home", str(home), "identity", "edit")
    edited = _json(capsys, *edit, "--compensation", "negotiate", "--contact", "ada@example.org")
    assert edited["compensation"] == {"model": "negotiate", "contact": "ada@example.org"}
    edited = _json(capsys, *edit, "--compensation", "revenueShare", "--amount", "5")
    assert edited["compensation"] == {
        "model": "revenueShare",
        "amount": "5",
        "contact": "ada@example.org",
    }
    edited = _json(capsys, *edit, "--amount", "7.5")  # the same model keeps the rest
    assert edited["compensation"]["amount"] == "7.5"
    code, _, err = run(capsys, *edit, "--compensation", "negotiate", "--amount", "500")
    assert code == exitcodes.USAGE and "no amount goes with compensation 'negotiate'" in err


def test_identity_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["identity"])
    assert info.value.code == exitcodes.USAGE
    assert "ACTION" in capsys.readouterr().err


# --- sharing the public side ---------------------------------------------------------------------


@needs_ssh_keygen
@needs_openssl
def test_export_public_is_read_by_standard_tools(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    made = _init(capsys, home)
    path = tmp_path / "ada.pub"
    code, _, err = run(capsys, "--home", str(home), "identity", "export-public", "-o", str(path))
    assert code == exitcodes.OK, err
    public = keys.load_public(path.read_text().split("ssh-ed25519")[0])
    assert keys.key_id(public) == made["key"]["keyid"]

    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(path)], capture_output=True, text=True, timeout=30
    )
    assert listed.returncode == 0, listed.stderr
    blob = base64.b64decode(keys.public_ssh_line(public).split()[1])
    expected = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    assert f"SHA256:{expected}" in listed.stdout and "Ada Lovelace (Colophon)" in listed.stdout
    pem = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(path)], capture_output=True, text=True, timeout=30
    )
    assert pem.returncode == 0 and pem.stdout == keys.public_pem(public)

    code, _, err = run(capsys, "--home", str(home), "identity", "export-public", "-o", str(path))
    assert code == exitcodes.USAGE and "--force" in _one_error_line(err)
    code, out, _ = run(capsys, "--home", str(home), "identity", "export-public")
    assert code == exitcodes.OK and out == path.read_text()


def test_a_file_to_write_in_a_missing_folder_is_not_found_and_nothing_is_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_keyring: None
) -> None:
    home, missing = tmp_path / "home", tmp_path / "no-such-folder"
    code, out, err = run(
        capsys,
        *("--home", str(home), "identity", "init", "--name", "Ada"),
        *("--key-file", str(missing / "ada.key")),
    )
    assert code == exitcodes.NOT_FOUND and out == ""
    assert _one_error_line(err).endswith(f"The folder {missing} does not exist.")
    assert not home.exists() and not missing.exists()

    made = tmp_path / "a-file"
    made.write_text("not a folder")
    code, _, err = run(
        capsys,
        *("--home", str(home), "identity", "init", "--name", "Ada"),
        *("--key-file", str(made / "ada.key")),
    )
    assert code == exitcodes.USAGE and "is a file, not a folder" in _one_error_line(err)


def test_export_public_into_a_missing_folder_is_not_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home, missing = tmp_path / "home", tmp_path / "no-such-folder"
    _init(capsys, home)
    for command in ("export-public", "card"):
        code, out, err = run(
            capsys, "--home", str(home), "identity", command, "-o", str(missing / "ada.pub")
        )
        assert code == exitcodes.NOT_FOUND and out == ""
        assert _one_error_line(err).endswith(f"The folder {missing} does not exist.")
    assert not missing.exists()


def test_card_file_verifies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    made = _init(capsys, home, "--email", "ada@example.org")
    path = tmp_path / "ada.card.json"
    code, _, err = run(capsys, "--home", str(home), "identity", "card", "-o", str(path))
    assert code == exitcodes.OK, err
    card = parse_card(json.loads(path.read_text()))
    assert card.key.fingerprint == made["key"]["fingerprint"]
    assert card.profile.email == "ada@example.org"


# --- backup and restore --------------------------------------------------------------------------


@needs_ssh_keygen
def test_backup_and_restore_in_a_fresh_home(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    made = _init(capsys, home)["key"]
    path = tmp_path / "ada-backup.key"
    argv = ("--home", str(home), "identity", "backup", "-o", str(path))
    code, _, err = run(capsys, *argv)
    assert code == exitcodes.USAGE and "COLOPHON_BACKUP_PASSPHRASE" in _one_error_line(err)
    assert not path.exists()

    monkeypatch.setenv("COLOPHON_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    code, out, err = run(capsys, *argv)
    assert code == exitcodes.OK, err
    assert made["fingerprint"] in out and stat.S_IMODE(path.stat().st_mode) == 0o600
    opened = subprocess.run(
        ["ssh-keygen", "-y", "-f", str(path), "-P", BACKUP_PASSPHRASE],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    assert opened.returncode == 0, opened.stderr
    assert keys.key_id(keys.load_public(opened.stdout)) == made["keyid"]
    code, _, err = run(capsys, *argv)
    assert code == exitcodes.USAGE and "already exists" in err

    memory_keyring.secrets.clear()  # another machine, whose keyring has never seen the key
    code, _, err = run(
        capsys, "--home", str(home), "identity", "restore", str(path), "--name", "Mallory"
    )
    assert code == exitcodes.USAGE and "profile already" in _one_error_line(err)
    assert _json(capsys, "--home", str(home), "identity", "show")["profile"]["displayName"] == (
        "Ada Lovelace"
    )
    fresh = tmp_path / "fresh"
    code, _, err = run(capsys, "--home", str(fresh), "identity", "restore", str(path))
    assert code == exitcodes.USAGE and "--name" in _one_error_line(err)
    other = "AAAA BBBB CCCC DDDD EEEE FFFF GGGG HHHH"  # not the key in the backup
    code, _, err = run(
        capsys,
        *("--home", str(fresh), "identity", "restore", str(path), "--name", "Ada"),
        *("--fingerprint", other),
    )
    assert code == exitcodes.KEY_MISMATCH and made["fingerprint"] in _one_error_line(err)
    assert memory_keyring.secrets == {}
    restored = _json(
        capsys,
        *("--home", str(fresh), "identity", "restore", str(path), "--name", "Ada Lovelace"),
        *("--fingerprint", made["fingerprint"].replace(" ", "").lower()),
    )["key"]
    assert (restored["keyid"], restored["fingerprint"]) == (made["keyid"], made["fingerprint"])
    assert ("colophon", made["keyid"]) in memory_keyring.secrets
    code, out, err = run(capsys, "--home", str(fresh), "identity", "card")
    assert code == exitcodes.OK, err
    assert parse_card(json.loads(out)).key.keyid == made["keyid"]

    # or into a key file, on a machine without a keyring
    monkeypatch.setenv("COLOPHON_PASSPHRASE", PASSPHRASE)
    third = tmp_path / "third"
    key_file = tmp_path / "third.key"
    restored = _json(
        capsys,
        *("--home", str(third), "identity", "restore", str(path), "--name", "Ada"),
        *("--key-file", str(key_file)),
    )["key"]
    assert restored["location"] == f"file:{key_file}" and restored["keyid"] == made["keyid"]


def test_wrong_passphrase_is_exit_3_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    key_file = tmp_path / "ada.key"
    monkeypatch.setenv("COLOPHON_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("COLOPHON_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    _init(capsys, home, "--key-file", str(key_file))
    path = tmp_path / "backup.key"
    assert run(capsys, "--home", str(home), "identity", "backup", "-o", str(path))[0] == 0

    monkeypatch.setenv("COLOPHON_PASSPHRASE", "heron meadow lattice 59")
    before = key_file.read_bytes()
    for argv in (
        ["card"],
        ["backup", "-o", str(tmp_path / "b2.key")],
        ["rotate", "--key-file", str(tmp_path / "n.key")],
    ):
        code, out, err = run(capsys, "--home", str(home), "identity", *argv)
        assert code == exitcodes.WRONG_PASSPHRASE == 3, err
        assert _one_error_line(err).endswith(
            "The passphrase does not open this key file; nothing was changed."
        )
        assert out == ""
    assert key_file.read_bytes() == before
    assert not (tmp_path / "b2.key").exists() and not (tmp_path / "n.key").exists()

    monkeypatch.setenv("COLOPHON_BACKUP_PASSPHRASE", "copper canyon drizzle 13")
    fresh = tmp_path / "fresh"
    code, _, err = run(
        capsys, "--home", str(fresh), "identity", "restore", str(path), "--name", "A"
    )
    assert code == exitcodes.WRONG_PASSPHRASE
    assert _one_error_line(err).endswith(
        "The passphrase does not open this backup; nothing was changed."
    )
    assert memory_keyring.secrets == {}
    code, _, _ = run(capsys, "--home", str(fresh), "identity", "show")
    assert code == exitcodes.NOT_FOUND


def test_passphrase_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_keyring: None
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o600)
    home = tmp_path / "home"
    key_file = tmp_path / "ada.key"
    made = _init(capsys, home, "--key-file", str(key_file), "--passphrase-file", str(secret))
    backup.read_backup(key_file, PASSPHRASE)  # the line break is not part of the passphrase
    secret.chmod(0o644)
    code, out, err = run(
        capsys, "--home", str(home), "identity", "card", "--passphrase-file", str(secret)
    )
    assert code == exitcodes.OK
    assert parse_card(json.loads(out)).key.keyid == made["key"]["keyid"]
    assert "can be read by other users" in err
    code, _, err = run(
        capsys, "--home", str(home), "identity", "card", "--passphrase-file", str(tmp_path / "x")
    )
    assert code == exitcodes.NOT_FOUND and "passphrase file" in err


# --- rotation and revocation ---------------------------------------------------------------------


def test_rotate_prints_both_fingerprints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = str(tmp_path / "home")
    old = _init(capsys, tmp_path / "home")["key"]
    code, out, err = run(capsys, "--home", home, "identity", "rotate", "--comment", "new laptop")
    assert code == exitcodes.OK, err
    shown = _json(capsys, "--home", home, "identity", "show")
    new = shown["active_key"]
    assert old["fingerprint"] in out and new["fingerprint"] in out
    assert new["keyid"] != old["keyid"]
    assert [(k["keyid"], k["status"]) for k in shown["keys"]] == [
        (old["keyid"], "retired"),
        (new["keyid"], "active"),
    ]
    (event,) = shown["events"]
    assert event["event"] == "rotation" and event["newKeyid"] == new["keyid"]
    assert event["comment"] == "new laptop"

    rotated = _json(capsys, "--home", home, "identity", "rotate")
    assert rotated["old"]["keyid"] == new["keyid"]
    code, out, _ = run(capsys, "--home", home, "identity", "events")
    events = keyevents.parse_events_file(out.encode())
    assert keyevents.reachable(old["keyid"], rotated["new"]["keyid"], events)


def test_a_retired_key_lost_with_its_keyring_is_revoked_from_its_backup(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = str(tmp_path / "home")
    old = _init(capsys, tmp_path / "home")["key"]
    monkeypatch.setenv("COLOPHON_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    saved = tmp_path / "old-backup.key"
    assert run(capsys, "--home", home, "identity", "backup", "-o", str(saved))[0] == 0
    assert run(capsys, "--home", home, "identity", "rotate")[0] == 0
    new = _json(capsys, "--home", home, "identity", "show")["active_key"]
    del memory_keyring.secrets[("colophon", old["keyid"])]  # gone with the old computer
    revoke = ("--home", home, "identity", "revoke", "--yes", "--key", old["fingerprint"])
    revoke += ("--reason", "compromised")

    code, _, err = run(capsys, *revoke, "-o", str(tmp_path / "a.json"))
    assert code == exitcodes.NOT_FOUND and "--from-backup FILE" in _one_error_line(err)
    newer = tmp_path / "new-backup.key"
    assert run(capsys, "--home", home, "identity", "backup", "-o", str(newer))[0] == 0
    code, _, err = run(capsys, *revoke, "--from-backup", str(newer), "-o", str(tmp_path / "b.json"))
    assert code == exitcodes.KEY_MISMATCH and new["fingerprint"] in _one_error_line(err)
    assert not (tmp_path / "a.json").exists() and not (tmp_path / "b.json").exists()

    done = tmp_path / "revoked.json"
    code, out, err = run(capsys, *revoke, "--from-backup", str(saved), "-o", str(done))
    assert code == exitcodes.OK, err
    assert out.startswith(f"Revoked the key {old['fingerprint']} (compromised).")
    event = keyevents.parse_event(json.loads(done.read_text()))
    assert (event.keyid, event.reason) == (old["keyid"], "compromised")
    first = _json(capsys, "--home", home, "identity", "show")["keys"][0]
    assert (first["status"], first["reason"]) == ("revoked", "compromised")


def test_rotate_from_a_key_file_needs_a_new_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLOPHON_PASSPHRASE", PASSPHRASE)
    home = str(tmp_path / "home")
    key_file = tmp_path / "ada.key"
    _init(capsys, tmp_path / "home", "--key-file", str(key_file))
    code, _, err = run(capsys, "--home", home, "identity", "rotate")
    assert code == exitcodes.USAGE and "--key-file PATH" in _one_error_line(err)
    code, _, err = run(capsys, "--home", home, "identity", "rotate", "--key-file", str(key_file))
    assert code == exitcodes.USAGE and "already exists" in err
    rotated = _json(
        capsys, "--home", home, "identity", "rotate", "--key-file", str(tmp_path / "ada-2.key")
    )
    assert rotated["new"]["location"] == f"file:{tmp_path / 'ada-2.key'}"


def test_revoke_writes_a_statement_others_can_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = str(tmp_path / "home")
    made = _init(capsys, tmp_path / "home")["key"]
    path = tmp_path / "revocation.json"
    argv = ("--home", home, "identity", "revoke", "--reason", "compromised", "-o", str(path))
    code, _, err = run(capsys, *argv)  # not a terminal: no way to confirm
    assert code == exitcodes.USAGE and "--yes" in _one_error_line(err)
    assert not path.exists()
    assert _json(capsys, "--home", home, "identity", "show")["active_key"]["status"] == "active"

    code, out, err = run(capsys, *argv, "--comment", "laptop stolen", "--yes")
    assert code == exitcodes.OK, err
    assert made["fingerprint"] in out and str(path) in out
    event = keyevents.parse_event(json.loads(path.read_text()))
    assert event.event == "revocation" and event.reason == "compromised"
    assert event.keyid == made["keyid"] and event.comment == "laptop stolen"

    shown = _json(capsys, "--home", home, "identity", "show")
    assert shown["active_key"] is None
    assert shown["keys"][0]["status"] == "revoked" and shown["keys"][0]["reason"] == "compromised"
    code, _, err = run(capsys, "--home", home, "identity", "card")
    assert code == exitcodes.NOT_FOUND and "revoked" in _one_error_line(err)
    code, _, err = run(capsys, *argv, "--yes", "--force")
    assert code == exitcodes.NOT_FOUND and "revoked" in err

    # a new key for the same person: the profile is kept
    again = _json(capsys, "--home", home, "identity", "init")
    assert again["profile"]["displayName"] == "Ada Lovelace"
    assert again["key"]["keyid"] != made["keyid"]


def test_a_retired_key_that_leaked_later_is_revoked_again_as_compromised(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = str(tmp_path / "home")
    made = _init(capsys, tmp_path / "home")["key"]
    revoke = ("--home", home, "identity", "revoke", "--yes", "--key", made["fingerprint"])
    retired, leaked = tmp_path / "retired.json", tmp_path / "leaked.json"
    assert run(capsys, *revoke, "--reason", "retired", "-o", str(retired))[0] == exitcodes.OK
    code, _, err = run(capsys, *revoke, "--reason", "retired", "-o", str(tmp_path / "x.json"))
    assert code == exitcodes.USAGE and "revoke it again as compromised" in _one_error_line(err)

    code, out, err = run(capsys, *revoke, "--reason", "compromised", "-o", str(leaked))
    assert code == exitcodes.OK, err
    assert out.startswith(f"Revoked the key {made['fingerprint']} (compromised).")
    assert keyevents.parse_event(json.loads(leaked.read_text())).reason == "compromised"
    shown = _json(capsys, "--home", home, "identity", "show")
    assert shown["keys"][0]["reason"] == "compromised"
    code, _, err = run(capsys, *revoke, "--reason", "compromised", "-o", str(tmp_path / "y.json"))
    assert code == exitcodes.USAGE and "already revoked as compromised" in _one_error_line(err)
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "y.json").exists()


def test_a_revocation_that_could_not_be_saved_is_not_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Revoking cannot be undone: a folder whose disk is full is said first, and the key stays.
    home = str(tmp_path / "home")
    _init(capsys, tmp_path / "home")
    out = tmp_path / "out"
    out.mkdir()

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil, "os", SimpleNamespace(**{**vars(os), "write": full}))
    path = out / "revocation.json"
    code, _, err = run(
        capsys,
        "--home",
        home,
        "identity",
        "revoke",
        "--reason",
        "superseded",
        "--yes",
        "-o",
        str(path),
    )
    monkeypatch.undo()
    assert code == exitcodes.ENVIRONMENT
    assert "disk space" in _one_error_line(err) and "revoked" not in err
    assert list(out.iterdir()) == []  # not even the trial file
    assert _json(capsys, "--home", home, "identity", "show")["active_key"]["status"] == "active"


# --- without a terminal, and with one ---------------------------------------------------------


def test_without_a_terminal_a_missing_passphrase_fails_at_once(tmp_path: Path) -> None:
    key_file = tmp_path / "ada.key"
    colophon = [sys.executable, "-m", "colophon"]
    started = time.monotonic()
    done = subprocess.run(
        [*colophon, "identity", "init", "--name", "Ada", "--key-file", str(key_file)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=terminal_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == exitcodes.USAGE, done.stderr
    line = _one_error_line(done.stderr)
    assert "no terminal" in line and "--passphrase-file FILE" in line
    assert "COLOPHON_PASSPHRASE" in line
    assert not key_file.exists()
    assert time.monotonic() - started < 30

    done = subprocess.run(
        [*colophon, "identity", "init", "--name", "Ada"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=terminal_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == exitcodes.ENVIRONMENT
    assert "--key-file PATH" in _one_error_line(done.stderr)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_passphrases_are_asked_and_may_be_retyped(tmp_path: Path) -> None:
    env = terminal_env(tmp_path)
    key_file = tmp_path / "ada.key"
    code, text = converse(
        ["identity", "init", "--name", "Ada", "--key-file", str(key_file)],
        ["short", PASSPHRASE, "heron meadow lattice 5", PASSPHRASE, PASSPHRASE],
        env,
    )
    assert code == 0, text
    assert "shorter than 10" in text and "differ" in text
    assert PASSPHRASE not in text  # never echoed
    backup.read_backup(key_file, PASSPHRASE)

    card = tmp_path / "card.json"
    code, text = converse(
        ["identity", "card", "-o", str(card)], ["heron meadow lattice 59", PASSPHRASE], env
    )
    assert code == 0, text
    assert text.count("Passphrase for the Colophon key file") == 2
    assert "wrong; please try again" in text
    parse_card(json.loads(card.read_text()))

    code, text = converse(["identity", "card", "--force", "-o", str(card)], ["wrong one"] * 3, env)
    assert code == exitcodes.WRONG_PASSPHRASE, text
    assert text.count("Passphrase for the Colophon key file") == 3

    revocation = tmp_path / "revocation.json"
    argv = ["identity", "revoke", "--reason", "retired", "-o", str(revocation)]
    code, text = converse(argv, ["no"], env)
    assert code == exitcodes.CANCELLED and "cannot be undone" in text
    assert not revocation.exists()
    code, text = converse(argv, ["revoke", PASSPHRASE], env)
    assert code == 0, text
    assert keyevents.parse_event(json.loads(revocation.read_text())).reason == "retired"
