"""How many worker processes a workspace may run at once, shared by its JS and Node.js pools.

Every worker process (busy, warm-idle or spare) holds one slot from its start until it is
killed. A call that needs a new process and finds every slot taken first reclaims one from a
worker nobody is using (a spare, else the least recently used idle instance; its own pool
first, then the other). If all of them are busy it waits for one to come free, within its own timeout, unless it is a
nested call: a call made while its caller holds a worker (a function's ``callFunction``, or a
mini program script's). Such a call fails at once, because the workers it would wait for may be
its own callers, which wait for it; callers therefore never wait on each other, and the cap
cannot deadlock.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.core.errors import CloudError
from app.core.reasons import Reason

__all__ = ["CAP_CODE", "WorkerSlots", "default_worker_cap"]

# EXCEED_CONCURRENT_REQUEST_LIMIT: what the platform answers when a function is past its
# concurrency quota, the closest to "no instance can be started for this call".
CAP_CODE = -501004
_MIN_CAP, _MAX_CAP = 4, 32
# A worker is ~70 MB when idle and may grow to its 256 MB heap limit plus the runtime: about
# 330 MB at worst. Let all of them together use at most half the machine's memory at worst.
_WORST_CASE_WORKER_BYTES = 330 * 1024 * 1024
_CPU_SHARE = 4  # workers per core: most of their time they wait on host calls, timers or input


def default_worker_cap() -> int:
    """The cap sized to this machine: 4 per core, within half the memory; never under 4 or over 32.

    For example 8 on 2 cores and 24 GB (cores limit it), 24 on 8 cores and 16 GB (memory does).
    """
    cap = _CPU_SHARE * (os.cpu_count() or 1)
    memory = _physical_memory()
    if memory is not None:
        cap = min(cap, memory // 2 // _WORST_CASE_WORKER_BYTES)
    return max(_MIN_CAP, min(_MAX_CAP, cap))


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):  # Windows has no sysconf: cores decide
        return None


Reclaim = Callable[[], bool]  # a pool kills one idle or spare worker; False if it had none


class WorkerSlots:
    """A counting limit on worker processes, with reclaiming of unused ones and bounded waits.

    Args:
        limit: how many processes may exist at once; None sizes it to the machine.
    """

    def __init__(self, limit: int | None = None) -> None:
        self._limit = _checked(limit) if limit is not None else default_worker_cap()
        self._used = 0
        self._changed = threading.Condition()
        self._version = 0  # bumped whenever a slot may have become available
        self._waiters = 0
        self._reclaimers: list[Reclaim] = []
        self._calls = threading.local()  # how many workers calls on this thread hold

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def used(self) -> int:
        return self._used

    @property
    def waiters(self) -> int:
        """Calls waiting for a slot right now."""
        return self._waiters

    def set_limit(self, limit: int) -> None:
        """Change the cap; running workers above a lowered cap finish and are not replaced."""
        with self._changed:
            self._limit = _checked(limit)
            self._bump()

    def add_reclaimer(self, reclaim: Reclaim) -> None:
        """Register a pool's way of freeing a slot held by a worker nobody is using."""
        with self._changed:
            self._reclaimers.append(reclaim)

    def remove_reclaimer(self, reclaim: Reclaim) -> None:
        with self._changed:
            if reclaim in self._reclaimers:
                self._reclaimers.remove(reclaim)

    # --- taking and giving back -------------------------------------------------------------

    def try_take(self) -> bool:
        """Take a slot if one is free now (for spares: they never evict or wait)."""
        with self._changed:
            if self._used < self._limit:
                self._used += 1
                return True
            return False

    def give_back(self) -> None:
        """A worker process is gone: its slot is free."""
        with self._changed:
            self._used -= 1
            self._bump()

    def freed_up(self) -> None:
        """A worker became idle, so it can be reclaimed: wake the calls waiting for a slot."""
        with self._changed:
            self._bump()

    def version(self) -> int:
        with self._changed:
            return self._version

    def reclaim(self, first: Reclaim) -> bool:
        """Kill one unused worker to free a slot, trying ``first`` (the caller's pool) first."""
        with self._changed:
            others = [r for r in self._reclaimers if r != first]  # bound methods: equal, not identical
        return any(reclaim() for reclaim in (first, *others))

    def wait_for_change(self, seen: int, deadline: float) -> bool:
        """Block until a slot may be free (``version`` moved on from ``seen``); False at the deadline."""
        with self._changed:
            self._waiters += 1
            try:
                while self._version == seen:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
                return True
            finally:
                self._waiters -= 1

    def _bump(self) -> None:
        self._version += 1
        self._changed.notify_all()

    # --- nesting ----------------------------------------------------------------------------

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Mark this thread as running a call on a worker (a call it makes now is nested)."""
        self._calls.depth = getattr(self._calls, "depth", 0) + 1
        try:
            yield
        finally:
            self._calls.depth -= 1

    def held_by_this_thread(self) -> bool:
        return getattr(self._calls, "depth", 0) > 0

    # --- the errors -------------------------------------------------------------------------

    def nested_refusal(self) -> CloudError:
        return CloudError(CAP_CODE, Reason(
            "functions.cap_nested", "All {limit} cloud function instances the simulator runs at once (its worker "
            "process cap) are busy, and this nested call cannot wait for one: the calls it was "
            "made from hold some of them. Nest fewer calls, or raise the cap (max_workers).", limit=self._limit))

    def wait_refusal(self, waited_s: float) -> CloudError:
        return CloudError(CAP_CODE, Reason(
            "functions.cap_wait", "No cloud function instance came free within {seconds:.2f} seconds: all "
            "{limit} the simulator runs at once (its worker process cap) stayed busy. "
            "Try again later, or raise the cap (max_workers).", seconds=waited_s, limit=self._limit))


def _checked(limit: int) -> int:
    if type(limit) is not int or limit < 1:
        raise ValueError(f"the worker cap must be a positive integer, not {limit!r}")
    return limit
