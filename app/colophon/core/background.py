"""Worker threads for the work that runs outside the interpreter lock, done alongside parsing.

Hashing (hashlib) and checking an Ed25519 signature (cryptography, in OpenSSL) release the lock
for large inputs, so while the main thread parses a large claim, another core can check its
signature and hash its other files. The threads are made as work overlaps (a pipeline verifying
many claims at once) and then reused.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor


@functools.cache
def workers() -> ThreadPoolExecutor:
    """The process's pool of worker threads."""
    return ThreadPoolExecutor(thread_name_prefix="colophon-worker")


if hasattr(os, "register_at_fork"):  # a forked child has no worker thread: it makes its own
    os.register_at_fork(after_in_child=workers.cache_clear)
