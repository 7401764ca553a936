"""A pool of JS worker processes that runs cloud functions with warm reuse, timeouts and limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Self

from app.core.errors import CloudError, SimulatorError
from app.core.functions.jsprocess import WorkerExited, WorkerProcess
from app.core.functions.jsrecords import JsError, JsOutcome, LogLine

__all__ = ["Host", "JsError", "JsOutcome", "JsPool", "LogLine"]

Host = Callable[[str, dict], dict]
REFILL_DELAY_S = 0.3
IDLE_TTL_S = 15 * 60
CLOSED_DURING_CALL = "The JavaScript runtime was closed during the call."


class JsPool:
    """Runs functions in worker processes, keeping warm instances per function directory.

    Like the real platform, an instance (one process, one V8 context) runs one invocation at a
    time and is reused while its function's files are unchanged, so module state persists
    between warm calls. Spare processes are started ahead so a cold call does not pay for
    Python and V8 start-up. ``invoke`` is synchronous and may be called from any thread.

    Args:
        heap_mb: V8 heap limit per instance (the platform's default memory is 256 MB).
        spare_workers: started processes kept ready for the next cold call.
        max_idle_per_function, max_idle: how many warm instances to keep (LRU beyond).
        builtins: extra ``require()``-able modules, name -> JS file (e.g. the SDK shim);
            they win over ``node_modules`` and may ``require('wxsim:host')``.
        start_timeout_s: how long a worker may take to start before the call fails.
    """

    def __init__(
        self,
        *,
        heap_mb: int = 256,
        spare_workers: int = 1,
        max_idle_per_function: int = 2,
        max_idle: int = 8,
        builtins: Mapping[str, Path] | None = None,
        start_timeout_s: float = 30.0,
    ) -> None:
        self._init = {
            "type": "init",
            "heap_mb": heap_mb,
            "builtins": {name: str(path) for name, path in (builtins or {}).items()},
        }
        self._heap_mb = heap_mb
        self._spare_count = spare_workers
        self._max_idle_per_function = max_idle_per_function
        self._max_idle = max_idle
        self._start_timeout_s = start_timeout_s
        self._lock = threading.Lock()
        self._idle: list[WorkerProcess] = []  # warm, least recently used first
        self._spares: list[WorkerProcess] = []
        self._busy: set[WorkerProcess] = set()
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
        host: Host,
        *,
        entry: str = "index.js",
        handler: str = "main",
        prelude: tuple[str, ...] = (),
    ) -> JsOutcome:
        """Run ``exports[handler](event, context)`` of the function in ``function_dir``.

        ``prelude`` names built-ins loaded before the entry, e.g. one that installs the
        mini program's global ``wx`` for client scripts.
        """
        key = str(Path(function_dir).resolve())
        with self._lock:
            self._next_id += 1
            invocation = self._next_id
        message = {
            "type": "invoke",
            "id": invocation,
            "function_dir": key,
            "entry": entry,
            "handler": handler,
            "prelude": list(prelude),
            "event": event,
            "context": context,
            "env": env,
            "timeout_ms": round(timeout_s * 1000),
        }
        worker = self._acquire(key)
        try:
            return self._run(worker, message, timeout_s, host)
        finally:
            self._refill_soon()  # after the call: a booting worker would slow it down

    def _start(self, worker: WorkerProcess) -> None:
        """Wait until a (maybe still booting) worker is up; failing that is ours, not the user's."""
        try:
            worker.wait_ready(self._start_timeout_s)
        except (WorkerExited, TimeoutError) as e:
            self._discard(worker)
            if self._closed:
                raise SimulatorError(CLOSED_DURING_CALL) from e
            detail = e.stderr_tail if isinstance(e, WorkerExited) else str(e)
            raise SimulatorError(f"The JavaScript runtime failed to start. {detail}".strip()) from e

    def _run(self, worker: WorkerProcess, message: dict, timeout_s: float, host: Host) -> JsOutcome:
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
                raise SimulatorError(CLOSED_DURING_CALL) from e
            return self._outcome(None, self._crash_error(e), False, logs, started)
        except BaseException:
            self._discard(worker)  # a host bug: don't leave the instance half-way through a call
            raise
        if done is None:
            self._discard(worker)  # the only way to stop JS that is past an await or in a timer
            for msg in worker.drain():
                logs.extend(_log_lines(msg["logs"]) if msg.get("type") == "logs" else [])
            error = JsError("Error", f"Task timed out after {timeout_s:.2f} seconds", "")
            return self._outcome(None, error, True, logs, started)
        logs.extend(_log_lines(done["logs"]))
        worker.files.update(done["files"])
        self._release(worker, recycle=done["recycle"])
        raw = done["error"]
        error = JsError(raw["name"], raw["message"], raw["stack"], raw.get("code"), raw.get("errMsg")) if raw else None
        return self._outcome(done["result"], error, False, logs, started)

    def close(self) -> None:
        """Kill every worker; later invokes raise."""
        with self._lock:
            self._closed = True
            workers = self._idle + self._spares + list(self._busy)
            self._idle, self._spares = [], []
        for worker in workers:
            worker.kill()

    # --- one conversation with a worker -----------------------------------------------------

    def _converse(
        self, worker: WorkerProcess, deadline: float, host: Host, logs: list[LogLine]
    ) -> dict | None:
        """Serve host calls and collect logs until done (the message) or the deadline (None)."""
        while True:
            msg = worker.receive(deadline - time.monotonic())
            if msg is None:
                return None
            kind = msg["type"]
            if kind == "done":
                return msg
            if kind == "logs":
                logs.extend(_log_lines(msg["logs"]))
            elif kind == "call":
                worker.send(_answer(host, msg))

    def _crash_error(self, e: WorkerExited) -> JsError:
        if "out of memory" in e.stderr_tail:
            message = f"JavaScript heap out of memory (the limit is {self._heap_mb} MB)"
        else:
            message = (
                f"The function's runtime process exited unexpectedly (exit code {e.returncode})"
            )
        return JsError("Error", message, e.stderr_tail)

    @staticmethod
    def _outcome(
        result: Any, error: JsError | None, timed_out: bool, logs: list[LogLine], started: float
    ) -> JsOutcome:
        return JsOutcome(result, error, timed_out, logs, (time.monotonic() - started) * 1000)

    # --- worker bookkeeping -----------------------------------------------------------------

    def _acquire(self, key: str) -> WorkerProcess:
        while True:
            with self._lock:
                if self._closed:
                    raise SimulatorError("The JavaScript runtime is closed.")
                warm = next((w for w in reversed(self._idle) if w.function_dir == key), None)
                if warm is not None:
                    self._idle.remove(warm)
                    self._busy.add(warm)
            if warm is None:
                break
            # Stat outside the lock: a big function's file list takes a moment.
            if warm.alive() and not warm.is_stale():
                return warm
            self._discard(warm)  # edited since it loaded, or died while idle: start afresh
        with self._lock:
            spares, self._spares = self._spares, []
        alive = [w for w in spares if w.alive()]  # one may have been killed while it waited
        for dead in (w for w in spares if w not in alive):
            dead.kill()
        worker = alive.pop(0) if alive else WorkerProcess(self._init)  # the oldest is likeliest up
        with self._lock:
            self._spares = alive + self._spares
        worker.function_dir = key
        with self._lock:
            self._busy.add(worker)
        return worker

    def _release(self, worker: WorkerProcess, recycle: bool) -> None:
        evicted: list[WorkerProcess] = []
        with self._lock:
            self._busy.discard(worker)
            if recycle or self._closed:
                evicted.append(worker)
            else:
                now = time.monotonic()
                worker.last_used = now
                self._idle.append(worker)
                # Like the platform, reclaim instances nobody called for a while (~26 MB each).
                evicted += [w for w in self._idle if now - w.last_used > IDLE_TTL_S]
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

    def _discard(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.kill()

    def _refill_soon(self, delay_s: float = REFILL_DELAY_S) -> None:
        with self._lock:
            if self._closed or len(self._spares) >= self._spare_count or self._refilling:
                return
            self._refilling = True
        # A booting Python + V8 competes for the CPU with whatever runs next; calls tend to come
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
                worker = WorkerProcess(self._init)
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


def _answer(host: Host, call: dict) -> dict:
    """Run one host call; a CloudError becomes the error reply the JS helper turns into a throw."""
    try:
        return {"type": "reply", "id": call["id"], "result": host(call["action"], call["params"])}
    except CloudError as e:
        return {"type": "reply", "id": call["id"], "error": {"code": e.code, "message": str(e)}}


def _log_lines(raw: list[dict]) -> list[LogLine]:
    return [LogLine(line["level"], line["text"], line["time"]) for line in raw]
