"""Runs cloud functions in real Node.js processes, with their own node_modules (wx-server-sdk).

The counterpart of :class:`~app.core.functions.jspool.JsPool`: the same ``invoke`` and the same
:class:`JsOutcome`, so the runner can pick either per function. The function's database,
storage and nested-call requests do not come back through the pool: the real wx-server-sdk
sends them over HTTP to the URL in ``TCB_CONTEXT_CNFG``, which the caller puts in ``env``
(tcb-wire §1-§2). That is why ``invoke`` accepts ``host`` but does not use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from app.core.errors import CloudError, SimulatorError
from app.core.functions.jsprocess import WorkerExited
from app.core.functions.jsrecords import JsError, JsOutcome, LogLine
from app.core.functions.nodeprocess import SDK_ENV_DEFAULTS, NodeProcess, find_node, sdk_problem

__all__ = ["SDK_ENV_DEFAULTS", "NodePool", "find_node", "sdk_problem"]

REFILL_DELAY_S = 0.3
IDLE_TTL_S = 15 * 60
LOG_LIMIT_BYTES = 4 * 1024 * 1024
RESULT_LIMIT_BYTES = 1024 * 1024  # spec §2.6
CLOSED_DURING_CALL = "The Node.js runtime was closed during the call."


class NodePool:
    """Runs functions in ``node`` worker processes, keeping warm instances per function folder.

    Like the platform (and JsPool), an instance runs one invocation at a time and is reused
    while the files it loaded are unchanged, so module state persists between warm calls.
    Spare processes are started ahead so a cold call skips Node's ~50 ms start-up. Timeouts
    kill the process. ``invoke`` is synchronous and may be called from any thread.

    Args:
        node: the executable; a name on PATH, a path, or a folder (see :func:`find_node`).
        heap_mb: ``--max-old-space-size`` per instance (the platform's default memory, 256 MB).
        spare_workers: started processes kept ready for the next cold call.
        max_idle_per_function, max_idle: how many warm instances to keep (LRU beyond).
        start_timeout_s: how long a process may take to start before the call fails.

    Raises:
        SimulatorError: ``node`` cannot be found.
    """

    def __init__(
        self,
        node: str = "node",
        *,
        heap_mb: int = 256,
        spare_workers: int = 1,
        max_idle_per_function: int = 2,
        max_idle: int = 8,
        start_timeout_s: float = 30.0,
    ) -> None:
        found = find_node(node)
        if found is None:
            raise SimulatorError(
                f"Node.js was not found ({node}). Install Node.js, set its path in the "
                "workspace settings, or use the embedded runtime."
            )
        self.node = found
        limit = CloudError(-604001)
        self._init = {
            "type": "init",
            "log_limit": LOG_LIMIT_BYTES,
            "result_limit": {
                "bytes": RESULT_LIMIT_BYTES,
                "code": limit.code,
                "message": limit.text,
            },
        }
        self._heap_mb = heap_mb
        self._spare_count = spare_workers
        self._max_idle_per_function = max_idle_per_function
        self._max_idle = max_idle
        self._start_timeout_s = start_timeout_s
        self._lock = threading.Lock()
        self._idle: list[NodeProcess] = []  # warm, least recently used first
        self._spares: list[NodeProcess] = []
        self._busy: set[NodeProcess] = set()
        self._closed = False
        self._refilling = False
        self._next_id = 0
        self._refill_soon(delay_s=0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def invoke(
        self,
        function_dir: Path,
        event: dict,
        context: dict,
        env: dict,
        timeout_s: float,
        host: Callable[[str, dict], dict] | None = None,
        *,
        entry: str = "index.js",
        handler: str = "main",
        prelude: tuple[str, ...] = (),
    ) -> JsOutcome:
        """Run ``exports[handler](event, context)`` of the function in ``function_dir``.

        ``env`` is applied to ``process.env`` for this call (over :data:`SDK_ENV_DEFAULTS`).
        ``host`` is ignored: the SDK reaches the simulator over HTTP. ``prelude`` names
        modules (resolved from the function folder) required before the entry.
        """
        key = str(Path(function_dir).resolve())
        with self._lock:
            self._next_id += 1
            message = {
                "type": "invoke", "id": self._next_id, "dir": key, "entry": entry,
                "handler": handler, "prelude": list(prelude), "event": event,
                "context": context, "env": {k: str(v) for k, v in env.items()},
            }  # fmt: skip
        try:
            while True:
                outcome = self._run(self._acquire(key), message, timeout_s)
                if outcome is not None:
                    return outcome
                # The instance saw its files changed and ran nothing; the next one is fresh.
        finally:
            self._refill_soon()  # after the call: a booting node would slow it down

    def close(self) -> None:
        """Kill every process; later invokes raise."""
        with self._lock:
            self._closed = True
            workers = self._idle + self._spares + list(self._busy)
            self._idle, self._spares = [], []
        for worker in workers:
            worker.kill()

    # --- one conversation with a process ------------------------------------------------------

    def _start(self, worker: NodeProcess) -> None:
        """Wait until a (maybe still booting) process is up; failing that is ours, not the user's."""
        try:
            worker.wait_ready(self._start_timeout_s)
        except (WorkerExited, TimeoutError) as e:
            self._discard(worker)
            if self._closed:
                raise SimulatorError(CLOSED_DURING_CALL) from e
            detail = e.stderr_tail if isinstance(e, WorkerExited) else str(e)
            raise SimulatorError(f"Node.js failed to start. {detail}".strip()) from e

    def _run(self, worker: NodeProcess, message: dict, timeout_s: float) -> JsOutcome | None:
        """Send the call and wait for done, timeout or crash; None if the instance was stale."""
        self._start(worker)
        started = time.monotonic()  # process start-up is ours, not the function's time
        deadline = started + timeout_s
        logs: list[LogLine] = []
        try:
            worker.send(message)
            while True:
                msg = worker.receive(deadline - time.monotonic())
                if msg is None or msg["type"] in ("done", "stale"):
                    break
                if msg["type"] == "log":
                    logs.append(LogLine(msg["level"], msg["text"], msg["time"]))
        except WorkerExited as e:
            self._discard(worker)
            if self._closed:
                raise SimulatorError(CLOSED_DURING_CALL) from e
            return _outcome(None, self._crash_error(e), False, logs, started)
        except BaseException:
            self._discard(worker)  # e.g. KeyboardInterrupt: don't leave it half-way through
            raise
        if msg is None:
            self._discard(worker)  # the only way to stop JS that is past an await or in a timer
            logs += [
                LogLine(m["level"], m["text"], m["time"])
                for m in worker.drain()
                if m.get("type") == "log"
            ]
            error = JsError("Error", f"Task timed out after {timeout_s:.2f} seconds", "")
            return _outcome(None, error, True, logs, started)
        if msg["type"] == "stale":
            self._discard(worker)
            return None
        self._release(worker, recycle=msg["recycle"])
        raw = msg["error"]
        error = (
            JsError(raw["name"], raw["message"], raw["stack"], raw.get("code"), raw.get("errMsg"))
            if raw
            else None
        )
        return _outcome(msg["result"], error, False, logs, started)

    def _crash_error(self, e: WorkerExited) -> JsError:
        if "heap out of memory" in e.stderr_tail:
            message = f"JavaScript heap out of memory (the limit is {self._heap_mb} MB)"
        else:
            message = (
                f"The function's runtime process exited unexpectedly (exit code {e.returncode})"
            )
        return JsError("Error", message, e.stderr_tail)

    # --- process bookkeeping ------------------------------------------------------------------

    def _new_process(self) -> NodeProcess:
        try:
            return NodeProcess(self.node, self._heap_mb, self._init)
        except OSError as e:  # the executable went away or cannot run here
            raise SimulatorError(f"Node.js ({self.node}) could not be started: {e}") from e

    def _acquire(self, key: str) -> NodeProcess:
        with self._lock:
            if self._closed:
                raise SimulatorError("The Node.js runtime is closed.")
            warm = next(
                (w for w in reversed(self._idle) if w.function_dir == key and w.alive()), None
            )
            if warm is not None:
                self._idle.remove(warm)
                self._busy.add(warm)
                return warm  # its worker checks its own files before running (see worker.js)
            spares, self._spares = self._spares, []
        alive = [w for w in spares if w.alive()]  # one may have died while it waited
        for dead in (w for w in spares if w not in alive):
            dead.kill()
        worker = alive.pop(0) if alive else self._new_process()  # the oldest is likeliest up
        worker.function_dir = key
        with self._lock:
            self._spares = alive + self._spares
            self._busy.add(worker)
        return worker

    def _release(self, worker: NodeProcess, recycle: bool) -> None:
        evicted: list[NodeProcess] = []
        with self._lock:
            self._busy.discard(worker)
            if recycle or self._closed:
                evicted.append(worker)
            else:
                now = time.monotonic()
                worker.last_used = now
                self._idle.append(worker)
                # Like the platform, reclaim instances nobody called for a while (~45 MB each).
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

    def _discard(self, worker: NodeProcess) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.kill()

    def _refill_soon(self, delay_s: float = REFILL_DELAY_S) -> None:
        with self._lock:
            if self._closed or len(self._spares) >= self._spare_count or self._refilling:
                return
            self._refilling = True
        # Calls come in bursts (a warm call right after a cold one): let the burst pass first.
        timer = threading.Timer(delay_s, self._refill)
        timer.daemon = True
        timer.start()

    def _refill(self) -> None:
        """Start spare processes until there are enough; one refill thread runs at a time."""
        try:
            while True:
                with self._lock:
                    if self._closed or len(self._spares) >= self._spare_count:
                        return
                try:
                    worker = self._new_process()
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


def _outcome(
    result: Any, error: JsError | None, timed_out: bool, logs: list[LogLine], started: float
) -> JsOutcome:
    return JsOutcome(result, error, timed_out, logs, (time.monotonic() - started) * 1000)
