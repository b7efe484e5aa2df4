"""Integration: the keystore against a real Secret Service (gnome-keyring on a private D-Bus).

The probe (``secret_service_probe.py``) runs under ``dbus-run-session`` with a keyring daemon
unlocked by a test password, HOME and XDG folders inside ``tmp_path``. Nothing touches the
session of the person running the tests.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
APP = HERE.parents[1] / "app"

pytestmark = pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
    reason="needs dbus-run-session and gnome-keyring-daemon (Debian: dbus-daemon, gnome-keyring)",
)

_LAUNCH = (
    'eval "$(printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"'
    ' && exec "$PROBE_PYTHON" "$PROBE_SCRIPT"'
)


def _environment(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    for folder in (home, runtime):
        folder.mkdir(mode=0o700)
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_RUNTIME_DIR=str(runtime),
        PYTHONPATH=str(APP),
        KEYRING_PASSWORD="test keyring password",
        PROBE_PYTHON=sys.executable,
        PROBE_SCRIPT=str(HERE / "secret_service_probe.py"),
    )
    return env


def test_store_load_sign_and_delete_under_secret_service(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    try:
        done = subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", _LAUNCH],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the Secret Service probe did not finish: {exc.stderr!r}")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert "SecretService" in result["backend"]
    assert result["same_key"] and result["signature_ok"]
    assert result["entry_is_base64_seed"]
    assert result["other_key_kept"] and result["deleted"]

    # The keyring's own files must not hold the key in the clear, in any common spelling.
    seed = bytes.fromhex(result["seed_hex"])
    needles = [
        seed,
        seed.hex().encode(),
        seed.hex().upper().encode(),
        base64.b64encode(seed),
        base64.b64encode(seed).rstrip(b"="),
        base64.urlsafe_b64encode(seed).rstrip(b"="),
    ]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".keyring" for p in files), "gnome-keyring wrote no keyring file"
    for file in files:
        data = file.read_bytes()
        for needle in needles:
            assert needle not in data, f"private key found in plaintext in {file}"
