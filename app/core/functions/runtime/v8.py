"""A pool of JS worker processes that runs cloud functions with warm reuse, timeouts and limits."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

from app.core.errors import CloudError
from app.core.functions.runtime.process import WorkerExited
from app.core.functions.runtime.v8_process import WorkerProcess
from app.core.functions.runtime.worker_start import DEFAULT_HEAP_MB, start_worker_process, take_early
from app.core.functions.runtime.outcome import JsError, JsOutcome, LogLine
from app.core.functions.runtime.pool import WATCH_INTERVAL_S, Host, WorkerPool
from app.core.functions.runtime.slots import WorkerSlots
from app.core.reasons import Reason

__all__ = ["Host", "JsError", "JsOutcome", "JsPool", "LogLine"]

# How long an idle worker whose last call left timers pending may take to answer a ping before
# it is taken for spinning and killed. A healthy V8 answers in well under a millisecond; a
# timer that merely does some work first only costs its instance when it is slower than this.
PING_TIMEOUT_S = 0.5
# Host calls that wait for something to happen rather than do something: each is answered from
# its own thread (sdk/watch.js long-polls a listener's next snapshot).
WAITING_HOST_CALLS = frozenset({"database.watchPoll"})


class JsPool(WorkerPool[WorkerProcess]):
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
        slots: the workspace's cap on worker processes, shared with its other pool; None gives
            this pool a cap of its own sized to the machine.
        watch_interval_s: how often idle workers with pending timers are pinged (None: only
            before reuse).
    """

    CLOSED = Reason("functions.v8_closed", "The JavaScript runtime is closed.")
    CLOSED_DURING_CALL = Reason("functions.v8_closed_during_call", "The JavaScript runtime was closed during the call.")
    FAILED_TO_START = Reason("functions.v8_failed_to_start", "The JavaScript runtime failed to start.")
    OOM_MARKER = "out of memory"

    def __init__(
        self,
        *,
        heap_mb: int = DEFAULT_HEAP_MB,
        spare_workers: int = 1,
        max_idle_per_function: int = 2,
        max_idle: int = 8,
        builtins: Mapping[str, Path] | None = None,
        start_timeout_s: float = 30.0,
        slots: WorkerSlots | None = None,
        watch_interval_s: float | None = WATCH_INTERVAL_S,
    ) -> None:
        self._init = {
            "type": "init",
            "builtins": {name: str(path) for name, path in (builtins or {}).items()},
        }
        super().__init__(
            heap_mb=heap_mb,
            spare_workers=spare_workers,
            max_idle_per_function=max_idle_per_function,
            max_idle=max_idle,
            start_timeout_s=start_timeout_s,
            slots=slots,
            watch_interval_s=watch_interval_s,
        )

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
        nested: bool = False,
    ) -> JsOutcome:
        """Run ``exports[handler](event, context)`` of the function in ``function_dir``.

        ``prelude`` names built-ins loaded before the entry, e.g. one that installs the
        mini program's global ``wx`` for client scripts. ``nested``: called by a running
        function (it cannot wait for a worker under the cap; see workerslots.py).

        Raises:
            CloudError: -501004, no worker process may be started under the cap.
        """
        key = str(Path(function_dir).resolve())
        message = {
            "type": "invoke",
            "id": self._new_call_id(),
            "function_dir": key,
            "entry": entry,
            "handler": handler,
            "prelude": list(prelude),
            "event": event,
            "context": context,
            "env": env,
            "timeout_ms": round(timeout_s * 1000),
        }
        return self._call(key, message, timeout_s, host, nested)

    # --- the embedded runtime's side of the pool ---------------------------------------------

    def _spawn(self) -> WorkerProcess:
        return WorkerProcess(self._init, start_worker_process(self._heap_mb))

    def _adopt_early(self) -> WorkerProcess | None:
        proc = take_early(self._heap_mb)
        try:
            return None if proc is None else WorkerProcess(self._init, proc)
        except WorkerExited:
            return None  # it died meanwhile; the pool starts its own

    def _reusable(self, worker: WorkerProcess) -> bool:
        return not worker.is_stale()

    def _responsive(self, worker: WorkerProcess) -> bool:
        return worker.ping(PING_TIMEOUT_S)

    def _logs_in(self, msg: dict) -> list[LogLine]:
        return _log_lines(msg["logs"]) if msg.get("type") == "logs" else []

    def _serve(self, worker: WorkerProcess, msg: dict, host: Host | None) -> None:
        if msg["type"] != "call":
            return
        if msg.get("action") in WAITING_HOST_CALLS:
            # It waits for something to happen (a listener's next snapshot): answered from its
            # own thread, so the code's other requests are not held up behind it.
            threading.Thread(target=_answer_later, args=(worker, host, msg), name="wxsim-host-wait",
                             daemon=True).start()
            return
        worker.send(_answer(host, msg))

    def _finish(
        self, worker: WorkerProcess, done: dict, logs: list[LogLine], started: float
    ) -> JsOutcome | None:
        logs.extend(_log_lines(done["logs"]))
        worker.files.update(done["files"])  # what to stat before reusing it
        return super()._finish(worker, done, logs, started)


def _answer_later(worker: WorkerProcess, host: Host, call: dict) -> None:
    reply = _answer(host, call)
    try:
        worker.send(reply)
    except WorkerExited:
        pass  # the run ended meanwhile and its worker is gone: nobody waits for this reply


def _answer(host: Host, call: dict) -> dict:
    """Run one host call; a CloudError becomes the error reply the JS helper turns into a throw."""
    if "refused" in call:  # its line was refused by the strict reader (workerprocess._stand_in)
        error = CloudError(-501007, call["refused"])
        return {"type": "reply", "id": call["id"], "error": {"code": error.code, "message": str(error)}}
    try:
        return {"type": "reply", "id": call["id"], "result": host(call["action"], call["params"])}
    except CloudError as e:
        return {"type": "reply", "id": call["id"], "error": {"code": e.code, "message": str(e), "tcb": e.tcb_code}}


def _log_lines(raw: list[dict]) -> list[LogLine]:
    return [LogLine(line["level"], line["text"], line["time"]) for line in raw]
