"""Killing Colophon in the middle of an import never damages the catalog."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from colophon.core.catalog import CATALOG_FILE, Catalog

pytestmark = pytest.mark.slow


def count_works(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM works").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_sigkill_during_import_leaves_a_consistent_catalog_and_rerun_completes(tmp_path):
    src = tmp_path / "src"
    files = 4000
    for i in range(files):
        folder = src / f"d{i % 40:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:05}.txt").write_bytes(os.urandom(64) + f"work {i}".encode() * 200)
    home = tmp_path / "home"
    cmd = [sys.executable, "-m", "colophon", "--home", str(home), "add", str(src), "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while count_works(home / CATALOG_FILE) == 0:
        assert proc.poll() is None, "the import finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    with Catalog.open(home) as cat:
        assert cat.integrity_ok()
        partial = cat.count_works()
        assert 0 < partial < files
        for work in cat.list_works():
            assert len(work.paths) == 1, "a work was recorded without its path"
            assert hashlib.sha256(Path(work.paths[0]).read_bytes()).hexdigest() == work.digest
        orphans = cat.conn.execute(
            "SELECT count(*) FROM paths WHERE work_id NOT IN (SELECT id FROM works)"
        ).fetchone()[0]
        assert orphans == 0

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    with Catalog.open(home) as cat:
        assert cat.count_works() == files and cat.count_paths() == files
        assert cat.integrity_ok()
