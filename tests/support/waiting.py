"""Waiting on a condition from a plain (loop-less) test: another thread or process will make it
true. The limit is a bound for a broken build, not a budget: a busy machine only waits longer.
(Inside a running asyncio loop, tests/ui/conftest.py's ``eventually`` is the one to await.)"""

from __future__ import annotations

import time
from collections.abc import Callable

LIMIT_S = 120.0


def wait_until(condition: Callable[[], object], what: str = "the condition", limit: float = LIMIT_S) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.01)
