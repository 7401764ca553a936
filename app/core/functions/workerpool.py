"""What the JS and Node.js pools share: warm instances per function, spares, limits, timeouts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar, Generic, Self, TypeVar

from app.core.errors import SimulatorError
from app.core.functions.jsrecords import JsError, JsOutcome, LogLine
from app.core.functions.workerprocess import PipeWorker, WorkerExited

__all__ = ["IDLE_TTL_S", "REFILL_DELAY_S", "Host", "WorkerPool"]

Host = Callable[[str, dict], dict]
REFILL_DELAY_S = 0.3
IDLE_TTL_S = 15 * 60

W = TypeVar("W", bound=PipeWorker)


class WorkerPool(Generic[W]):
    """Runs calls in worker processes, keeping warm instances per function directory.

    Like the real platform, an instance runs one invocation at a time and is reused while its
    function's files are unchanged, so module state persists between warm calls. Spares are
    started ahead so a cold call skips the runtime's start-up; a call past its timeout kills its
    process, and a crashed one is replaced by the next call.

    A subclass brings the runtime: ``_spawn`` starts a worker, ``_logs_in``/``_serve``/``_finish``
    read its messages, and the class constants word its errors. It sets up whatever ``_spawn``
    needs before calling ``__init__``, because ``__init__`` starts the first spare at once.
    """

    CLOSED: ClassVar[str]  # invoke after close()
    CLOSED_DURING_CALL: ClassVar[str]
    FAILED_TO_START: ClassVar[str]  # followed by the worker's stderr or the timeout
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
        for worker in workers:
            worker.kill()

    # --- what the runtime supplies ----------------------------------------------------------

    def _spawn(self) -> W:
        """Start a new worker (it may still be booting when this returns)."""
        raise NotImplementedError

    def _reusable(self, worker: W) -> bool:
        """Whether a live warm instance may run this function again (its files unchanged)."""
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
        self._release(worker, recycle=done["recycle"])
        return _outcome(done["result"], _error(done["error"]), False, logs, started)

    # --- one call ---------------------------------------------------------------------------

    def _new_call_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    def _call(self, key: str, message: dict, timeout_s: float, host: Host | None) -> JsOutcome:
        """Run ``message`` on an instance of the function ``key`` until it has an outcome."""
        try:
            while True:
                outcome = self._run(self._acquire(key), message, timeout_s, host)
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
            raise SimulatorError(f"{self.FAILED_TO_START} {detail}".strip()) from e

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
            error = JsError("Error", f"Task timed out after {timeout_s:.2f} seconds", "")
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
            message = f"JavaScript heap out of memory (the limit is {self._heap_mb} MB)"
        else:
            message = (
                f"The function's runtime process exited unexpectedly (exit code {e.returncode})"
            )
        return JsError("Error", message, e.stderr_tail)

    # --- worker bookkeeping -----------------------------------------------------------------

    def _acquire(self, key: str) -> W:
        """The newest warm instance of ``key`` that may be reused, else a spare, else a new one."""
        while True:
            with self._lock:
                if self._closed:
                    raise SimulatorError(self.CLOSED)
                warm = next((w for w in reversed(self._idle) if w.function_dir == key), None)
                if warm is not None:
                    self._idle.remove(warm)
                    self._busy.add(warm)
            if warm is None:
                break
            # Check outside the lock: statting a big function's file list takes a moment.
            if warm.alive() and self._reusable(warm):
                return warm
            self._discard(warm)  # edited since it loaded, or died while idle: start afresh
        with self._lock:
            spares, self._spares = self._spares, []
        alive = [w for w in spares if w.alive()]  # one may have died while it waited
        for dead in (w for w in spares if w not in alive):
            dead.kill()
        worker = alive.pop(0) if alive else self._spawn()  # the oldest is likeliest up
        worker.function_dir = key
        with self._lock:
            self._spares = alive + self._spares
            self._busy.add(worker)
        return worker

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
                try:
                    worker = self._spawn()
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


def _error(raw: dict | None) -> JsError | None:
    """The function's own error as the worker reported it (None if it returned normally)."""
    if not raw:
        return None
    return JsError(raw["name"], raw["message"], raw["stack"], raw.get("code"), raw.get("errMsg"))


def _outcome(
    result: Any, error: JsError | None, timed_out: bool, logs: list[LogLine], started: float
) -> JsOutcome:
    return JsOutcome(result, error, timed_out, logs, (time.monotonic() - started) * 1000)
