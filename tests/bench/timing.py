"""What the small benchmarks share: the best time of a few calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(runs: int, func: Callable[[], Any]) -> float:
    """The shortest wall-clock time of ``runs`` calls of ``func``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best
