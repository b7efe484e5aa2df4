"""What the small benchmarks share: the best time of a few calls, and a world to verify in."""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(_TESTS), str(_TESTS / "core")]  # memory_keyring, bundle_factory


def best_of(runs: int, func: Callable[[], Any]) -> float:
    """The shortest wall-clock time of ``runs`` calls of ``func``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


@contextlib.contextmanager
def verifying_world(prefix: str) -> Iterator[Any]:
    """A signer's bundle and a verifier's catalog (`bundle_factory.World`) in a temporary folder.

    Keys live in an in-memory keyring, never the real one; the folder goes when the block ends.
    """
    import keyring
    from bundle_factory import make_world

    from memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        world = make_world(root / "world")
        try:
            yield world
        finally:
            world.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
