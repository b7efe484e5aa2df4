"""Running colophon as a person at a terminal would: a pseudo-terminal, a fresh environment."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path


def terminal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a person with the home ``tmp_path`` and no keyring, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLOPHON_") and k != "HOME"}
    env.update(
        HOME=str(tmp_path),
        COLOPHON_HOME=str(tmp_path / "home"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **extra,
    )
    return env


def converse(argv: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run colophon on a pseudo-terminal, typing each answer after each new prompt."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "colophon", *argv],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    seen, unanswered = b"", b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the other side closed
                break
            seen += chunk
            unanswered += chunk
            if answers and unanswered.rstrip().endswith(b":"):
                time.sleep(0.1)  # let the prompt turn echo off before typing
                os.write(controller, answers.pop(0).encode() + b"\n")
                unanswered = b""
        return process.wait(timeout=10), seen.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
