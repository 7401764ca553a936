"""What the JS and Node.js pools share: warm instances per function, spares, limits, timeouts."""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

from app.core.errors import SimulatorError
from app.core.functions.runtime.outcome import JsError, JsOutcome, LogLine
from app.core.functions.runtime.process import PipeWorker, WorkerExited
from app.core.functions.runtime.slots import WorkerSlots
from app.core.reasons import Reason

__all__ = ["IDLE_TTL_S", "REFILL_DELAY_S", "WATCH_INTERVAL_S", "Host", "PoolStats", "WorkerPool"]

Host = Callable[[str, dict], dict]
REFILL_DELAY_S = 0.3
IDLE_TTL_S = 15 * 60
# How often idle workers whose last call left timers (or host calls) pending are checked: one
# that spins in a timer burns a core for about this long, plus the ping timeout, before it dies.
WATCH_INTERVAL_S = 1.0


@dataclass(frozen=True)
class PoolStats:
    """What a pool holds now, and how often it had to check or replace idle workers."""

    busy: int
    idle: int
    spares: int
    pings: int  # responsiveness checks of idle workers whose last call left work pending
    recycled_unresponsive: int  # idle workers killed because they did not answer one

    @property
    def processes(self) -> int:
        return self.busy + self.idle + self.spares

W = TypeVar("W", bound=PipeWorker)


def timed_out(timeout_s: float) -> Reason:
    """A run that did not end within its time limit."""
    return Reason("functions.timed_out", "Task timed out after {seconds:.2f} seconds", seconds=timeout_s)


class WorkerPool(Generic[W]):
    """Runs calls in worker processes, keeping warm instances per function directory.

    Like the real platform, an instance runs one invocation at a time and is reused while its
    function's files are unchanged, so module state persists between warm calls. Spares are
    started ahead so a cold call skips the runtime's start-up; a call past its timeout kills its
    process, and a crashed one is replaced by the next call.

    A subclass brings the runtime: ``_spawn`` starts a worker, ``_logs_in``/``_serve``/``_finish``
    read its messages, ``_responsive`` checks an idle one, and the class constants word its
    errors. It sets up whatever ``_spawn`` needs before calling ``__init__``, because
    ``__init__`` starts the first spare at once.

    Processes are capped by ``slots`` (shared by a workspace's pools, see workerslots.py). A
    call whose function returned with timers or host calls still pending leaves a "dirty"
    worker: that JS may run while it is idle. It is pinged before reuse, and a watchdog pings
    it while idle; one that does not answer (a timer spinning after the call returned) is
    killed and replaced. Clean workers are never pinged.
    """

    CLOSED: ClassVar[Reason]  # invoke after close()
    CLOSED_DURING_CALL: ClassVar[Reason]
    FAILED_TO_START: ClassVar[Reason]  # followed by the worker's stderr or the timeout
    OOM_MARKER: ClassVar[str]  # what the runtime writes to stderr when the heap limit is hit
    FINAL_TYPES: ClassVar[tuple[str, ...]] = ("done",)  # messages that end a call

    def __init__(
        self,
        *,
        heap_mb: int,
        spare_workers: int,
        max_idle_per_function: int,
        max_idle: int,
        start_timeout_s: float,
        slots: WorkerSlots | None = None,
        watch_interval_s: float | None = WATCH_INTERVAL_S,
    ) -> None:
        self._heap_mb = heap_mb
        self._spare_count = spare_workers
        self._max_idle_per_function = max_idle_per_function
        self._max_idle = max_idle
        self._start_timeout_s = start_timeout_s
        self._lock = threading.Lock()
        self._idle: list[W] = []  # warm, least recently used first
        self._spares: list[W] = []
        self._busy: set[W] = set()
        self._closed = False
        self._refilling = False
        self._next_id = 0
        self._slots = slots if slots is not None else WorkerSlots()
        self._slots.add_reclaimer(self._reclaim_one)
        self._watch_interval_s = watch_interval_s  # None: no watchdog (tests of the reuse check)
        self._watching = False
        self._stop_watching = threading.Event()
        self._pings = 0
        self._recycled_unresponsive = 0
        early = self._adopt_early()
        if early is not None and self._slots.try_take():
            early.on_kill = self._slots.give_back
            self._spares.append(early)  # the first call takes it, however soon it comes
        elif early is not None:
            early.kill()
        self._refill_soon(delay_s=0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill every worker; later invokes raise."""
        with self._lock:
            self._closed = True
            workers = self._idle + self._spares + list(self._busy)
            self._idle, self._spares = [], []
        self._stop_watching.set()
        self._slots.remove_reclaimer(self._reclaim_one)
        for worker in workers:
            worker.kill()
        self._slots.freed_up()  # calls waiting for a slot wake up and see the pool closed

    def stats(self) -> PoolStats:
        with self._lock:
            return PoolStats(
                busy=len(self._busy), idle=len(self._idle), spares=len(self._spares),
                pings=self._pings, recycled_unresponsive=self._recycled_unresponsive,
            )  # fmt: skip

    # --- what the runtime supplies ----------------------------------------------------------

    def _spawn(self) -> W:
        """Start a new worker (it may still be booting when this returns)."""
        raise NotImplementedError

    def _adopt_early(self) -> W | None:
        """A worker process started before the pool existed (worker_start.py), if any."""
        return None

    def _reusable(self, worker: W) -> bool:
        """Whether a live warm instance may run this function again (its files unchanged)."""
        return True

    def _responsive(self, worker: W) -> bool:
        """Whether an idle worker's engine answers promptly (only asked of dirty workers)."""
        return True

    def _logs_in(self, msg: dict) -> list[LogLine]:
        """The function's log lines a message carries, if any."""
        return []

    def _serve(self, worker: W, msg: dict, host: Host | None) -> None:
        """Answer a message that asks something of the parent mid-call (none by default)."""

    def _finish(
        self, worker: W, done: dict, logs: list[LogLine], started: float
    ) -> JsOutcome | None:
        """Turn the call's final message into its outcome; None runs it again on a fresh worker."""
        worker.has_pending_work = bool(done.get("pending"))
        self._release(worker, recycle=done["recycle"])
        return _outcome(done["result"], _error(done["error"]), False, logs, started)

    # --- one call ---------------------------------------------------------------------------

    def _new_call_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    def _call(
        self, key: str, message: dict, timeout_s: float, host: Host | None, nested: bool
    ) -> JsOutcome:
        """Run ``message`` on an instance of the function ``key`` until it has an outcome.

        ``nested``: the call is made by another call that holds a worker (see workerslots.py);
        one made from a host call on this thread is recognised as nested anyway.
        """
        try:
            while True:
                worker = self._acquire(key, nested=nested, wait_s=timeout_s)
                with self._slots.holding():
                    outcome = self._run(worker, message, timeout_s, host)
                if outcome is not None:
                    return outcome
        finally:
            self._refill_soon()  # after the call: a booting worker would slow it down

    def _start(self, worker: W) -> None:
        """Wait until a (maybe still booting) worker is up; failing that is ours, not the user's."""
        try:
            worker.wait_ready(self._start_timeout_s)
        except (WorkerExited, TimeoutError) as e:
            self._discard(worker)
            if self._closed:
                raise SimulatorError(self.CLOSED_DURING_CALL) from e
            detail = e.stderr_tail if isinstance(e, WorkerExited) else str(e)
            if not detail.strip():
                raise SimulatorError(self.FAILED_TO_START) from e
            raise SimulatorError(Reason("functions.failed_to_start_detail", "{problem} {detail}",
                                        problem=self.FAILED_TO_START, detail=detail.rstrip())) from e

    def _run(
        self, worker: W, message: dict, timeout_s: float, host: Host | None
    ) -> JsOutcome | None:
        """One conversation with a worker, until done, timeout or crash."""
        self._start(worker)
        started = time.monotonic()  # worker start-up is ours, not the function's time
        logs: list[LogLine] = []
        try:
            worker.send(message)
            done = self._converse(worker, started + timeout_s, host, logs)
        except WorkerExited as e:
            self._discard(worker)
            if self._closed:
                raise SimulatorError(self.CLOSED_DURING_CALL) from e
            return _outcome(None, self._crash_error(e), False, logs, started)
        except BaseException:
            self._discard(worker)  # a host bug or Ctrl-C: don't leave it half-way through a call
            raise
        if done is None:
            self._discard(worker)  # the only way to stop JS that is past an await or in a timer
            for msg in worker.drain():
                logs.extend(self._logs_in(msg))
            why = timed_out(timeout_s)
            error = JsError("Error", str(why), "", reason=why)
            return _outcome(None, error, True, logs, started)
        return self._finish(worker, done, logs, started)

    def _converse(
        self, worker: W, deadline: float, host: Host | None, logs: list[LogLine]
    ) -> dict | None:
        """Collect logs and serve requests until a final message, or the deadline (None)."""
        while True:
            msg = worker.receive(deadline - time.monotonic())
            if msg is None or msg["type"] in self.FINAL_TYPES:
                return msg
            logs.extend(self._logs_in(msg))
            self._serve(worker, msg, host)

    def _crash_error(self, e: WorkerExited) -> JsError:
        if self.OOM_MARKER in e.stderr_tail:
            why = Reason("functions.out_of_memory", "JavaScript heap out of memory (the limit is {mb} MB)",
                         mb=self._heap_mb)
        else:
            why = Reason("functions.runtime_exited",
                         "The function's runtime process exited unexpectedly (exit code {code})", code=e.returncode)
        return JsError("Error", str(why), e.stderr_tail, reason=why)

    # --- worker bookkeeping -----------------------------------------------------------------

    def _acquire(self, key: str, *, nested: bool, wait_s: float) -> W:
        """A warm instance of ``key`` that may be reused, else a spare, else a new process.

        A new process needs a free slot under the cap: one held by an unused worker is
        reclaimed; if every worker is busy, a top-level call waits up to ``wait_s`` and a nested
        one fails at once (CloudError -501004).
        """
        nested = nested or self._slots.held_by_this_thread()
        deadline = time.monotonic() + wait_s
        while True:
            seen = self._slots.version()  # anything freed after this wakes the wait below
            worker = self._warm(key) or self._spare(key)
            if worker is not None:
                return worker
            if self._slots.try_take():
                return self._spawn_for(key)
            if self._slots.reclaim(self._reclaim_one):
                continue
            if nested:
                raise self._slots.nested_refusal()
            if not self._slots.wait_for_change(seen, deadline):
                raise self._slots.wait_refusal(wait_s)

    def _warm(self, key: str) -> W | None:
        """The newest warm instance of ``key`` that is fit to run it again, if any."""
        while True:
            with self._lock:
                if self._closed:
                    raise SimulatorError(self.CLOSED)
                warm = next((w for w in reversed(self._idle) if w.function_dir == key), None)
                if warm is None:
                    return None
                self._idle.remove(warm)
                self._busy.add(warm)
            # Check outside the lock: statting a big function's file list takes a moment.
            if warm.alive() and self._reusable(warm) and self._answers(warm):
                return warm
            self._discard(warm)  # edited, died, or spinning in a timer while idle: start afresh

    def _answers(self, worker: W) -> bool:
        """True for a worker whose last call left nothing running; else it must answer a ping."""
        if not worker.has_pending_work:
            return True  # the hot path: well-behaved functions are never pinged
        with self._lock:
            self._pings += 1
        if self._responsive(worker):
            return True
        with self._lock:
            self._recycled_unresponsive += 1
        return False

    def _spare(self, key: str) -> W | None:
        """A started spare process, bound to ``key`` now."""
        with self._lock:
            spares, self._spares = self._spares, []
        alive = [w for w in spares if w.alive()]  # one may have died while it waited
        for dead in (w for w in spares if w not in alive):
            dead.kill()
        worker = alive.pop(0) if alive else None  # the oldest is likeliest up
        with self._lock:
            self._spares = alive + self._spares
            if worker is not None:
                worker.function_dir = key
                self._busy.add(worker)
        return worker

    def _spawn_for(self, key: str) -> W:
        """A new process for ``key``, on a slot the caller has taken."""
        worker = self._spawn_holding_slot()
        worker.function_dir = key
        with self._lock:
            self._busy.add(worker)
        return worker

    def _spawn_holding_slot(self) -> W:
        """Start a process on a slot already taken; killing it gives the slot back."""
        try:
            worker = self._spawn()
        except BaseException:
            self._slots.give_back()
            raise
        worker.on_kill = self._slots.give_back
        return worker

    def _make_room_for_spare(self) -> bool:
        """At the cap, trade this pool's least recently used idle instance for a spare; True
        if that freed a slot and this took it.

        A spare saves the next cold call its ~100 ms start, which is worth more than the oldest
        of several warm instances (as under max_idle). It never takes a slot a call waits
        for, another pool's worker, or the last warm instance (that would make a function called
        in a loop start cold every time).
        """
        with self._lock:
            if self._slots.waiters or len(self._idle) < 2:
                return False
            victim = self._idle.pop(0)
        victim.kill()
        return self._slots.try_take()

    def _reclaim_one(self) -> bool:
        """Kill a spare, else the least recently used idle worker, to free a slot; False if none."""
        with self._lock:
            if self._spares:
                victim = self._spares.pop(0)
            elif self._idle:
                victim = self._idle.pop(0)
            else:
                return False
        victim.kill()
        return True

    def _release(self, worker: W, recycle: bool) -> None:
        evicted: list[W] = []
        with self._lock:
            self._busy.discard(worker)
            if recycle or self._closed:
                evicted.append(worker)
            else:
                now = time.monotonic()
                worker.last_used = now
                self._idle.append(worker)
                # Like the platform, reclaim instances nobody called for a while (tens of MB each).
                evicted += [
                    w for w in self._idle if now - w.last_used > IDLE_TTL_S or not w.alive()
                ]
                same = [
                    w
                    for w in self._idle
                    if w.function_dir == worker.function_dir and w not in evicted
                ]
                evicted += same[: max(0, len(same) - self._max_idle_per_function)]
                self._idle = [w for w in self._idle if w not in evicted]
                overflow = max(0, len(self._idle) - self._max_idle)
                evicted += self._idle[:overflow]  # least recently used first
                self._idle = self._idle[overflow:]
        for w in evicted:
            w.kill()
        if not recycle:
            self._slots.freed_up()  # an idle worker can be reclaimed by a call waiting for a slot
            if worker.has_pending_work:
                self._watch_soon()

    def _discard(self, worker: W) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.kill()

    def _refill_soon(self, delay_s: float = REFILL_DELAY_S) -> None:
        with self._lock:
            if self._closed or len(self._spares) >= self._spare_count or self._refilling:
                return
            self._refilling = True
        # A booting runtime competes for the CPU with whatever runs next; calls tend to come
        # in bursts (a warm call right after a cold one), so let the burst pass first.
        timer = threading.Timer(delay_s, self._refill)
        timer.daemon = True
        timer.start()

    def _refill(self) -> None:
        """Start spare workers until there are enough; one refill thread runs at a time."""
        try:
            while True:
                with self._lock:
                    if self._closed or len(self._spares) >= self._spare_count:
                        return
                if not self._slots.try_take() and not self._make_room_for_spare():
                    return
                try:
                    worker = self._spawn_holding_slot()
                except SimulatorError:
                    return  # the next call starts its own and reports the problem
                with self._lock:
                    closed = self._closed
                    if not closed:
                        self._spares.append(worker)
                if closed:
                    worker.kill()
                    return
        finally:
            with self._lock:
                self._refilling = False

    # --- the watchdog of idle workers with pending timers -----------------------------------

    def _watch_soon(self) -> None:
        with self._lock:
            if self._watching or self._closed or self._watch_interval_s is None:
                return
            self._watching = True
        threading.Thread(target=self._watch, name="wxsim-idle-watchdog", daemon=True).start()

    def _watch(self) -> None:
        """Ping the idle workers whose timers may still run; kill those that do not answer.

        Runs while there are such workers. A timer that spins after its call returned would
        otherwise burn a core until the worker is next used or evicted.
        """
        while not self._stop_watching.wait(self._watch_interval_s):
            with self._lock:
                dirty = [w for w in self._idle if w.has_pending_work]
                if not dirty:
                    self._watching = False
                    return
                # Out of the idle list while being checked, so no call picks one up meanwhile.
                self._idle = [w for w in self._idle if not w.has_pending_work]
                self._busy.update(dirty)
            for worker in dirty:
                if worker.alive() and self._answers(worker):
                    self._back_to_idle(worker)
                else:
                    self._discard(worker)
        with self._lock:
            self._watching = False

    def _back_to_idle(self, worker: W) -> None:
        """Return a checked worker to its place in the LRU order."""
        with self._lock:
            self._busy.discard(worker)
            closed = self._closed
            if not closed:
                keys = [w.last_used for w in self._idle]
                self._idle.insert(bisect.bisect(keys, worker.last_used), worker)
        if closed:
            worker.kill()
        else:
            self._slots.freed_up()


def _error(raw: dict | None) -> JsError | None:
    """The function's own error as the worker reported it (None if it returned normally)."""
    if not raw:
        return None
    return JsError(raw["name"], raw["message"], raw["stack"], raw.get("code"), raw.get("errMsg"))


def _outcome(
    result: Any, error: JsError | None, timed_out: bool, logs: list[LogLine], started: float
) -> JsOutcome:
    return JsOutcome(result, error, timed_out, logs, (time.monotonic() - started) * 1000)
