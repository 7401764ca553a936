"""Runs cloud functions in real Node.js processes, with their own node_modules (wx-server-sdk).

The counterpart of :class:`~app.core.functions.runtime.v8.JsPool`: the same ``invoke`` and the same
:class:`JsOutcome`, so the runner can pick either per function. The function's database,
storage and nested-call requests do not come back through the pool: the real wx-server-sdk
sends them over HTTP to the URL in ``TCB_CONTEXT_CNFG``, which the caller puts in ``env``
(tcb-wire §1-§2). That is why ``invoke`` accepts ``host`` but does not use it.
"""

from __future__ import annotations

from pathlib import Path

from app.core.errors import CloudError, SimulatorError
from app.core.functions.runtime.outcome import JsOutcome, LogLine
from app.core.functions.runtime.node_process import (
    SDK_ENV_DEFAULTS,
    NodeProcess,
    find_node,
    sdk_problem,
    sdk_reason,
)
from app.core.functions.runtime.pool import Host, WorkerPool
from app.core.functions.runtime.slots import WorkerSlots
from app.core.reasons import Reason

__all__ = ["SDK_ENV_DEFAULTS", "NodePool", "find_node", "sdk_problem", "sdk_reason"]

LOG_LIMIT_BYTES = 4 * 1024 * 1024
RESULT_LIMIT_BYTES = 1024 * 1024  # spec §2.6


class NodePool(WorkerPool[NodeProcess]):
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
        slots: the workspace's cap on worker processes, shared with its other pool; None gives
            this pool a cap of its own sized to the machine.

    Raises:
        SimulatorError: ``node`` cannot be found.
    """

    CLOSED = Reason("functions.node_closed", "The Node.js runtime is closed.")
    CLOSED_DURING_CALL = Reason("functions.node_closed_during_call", "The Node.js runtime was closed during the call.")
    FAILED_TO_START = Reason("functions.node_failed_to_start", "Node.js failed to start.")
    OOM_MARKER = "heap out of memory"  # Node's "FATAL ERROR: ... JavaScript heap out of memory"
    FINAL_TYPES = ("done", "stale")

    def __init__(
        self,
        node: str = "node",
        *,
        heap_mb: int = 256,
        spare_workers: int = 1,
        max_idle_per_function: int = 2,
        max_idle: int = 8,
        start_timeout_s: float = 30.0,
        slots: WorkerSlots | None = None,
    ) -> None:
        found = find_node(node)
        if found is None:
            raise SimulatorError(Reason(
                "functions.node_missing", "Node.js was not found ({node}). Install Node.js, set its path in the "
                "workspace settings, or use the embedded runtime.", node=node))
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
        super().__init__(
            heap_mb=heap_mb,
            spare_workers=spare_workers,
            max_idle_per_function=max_idle_per_function,
            max_idle=max_idle,
            start_timeout_s=start_timeout_s,
            slots=slots,
        )

    def invoke(
        self,
        function_dir: Path,
        event: dict,
        context: dict,
        env: dict,
        timeout_s: float,
        host: Host | None = None,
        *,
        entry: str = "index.js",
        handler: str = "main",
        prelude: tuple[str, ...] = (),
        nested: bool = False,
    ) -> JsOutcome:
        """Run ``exports[handler](event, context)`` of the function in ``function_dir``.

        ``env`` is applied to ``process.env`` for this call (over :data:`SDK_ENV_DEFAULTS`).
        ``host`` is ignored: the SDK reaches the simulator over HTTP. ``prelude`` names
        modules (resolved from the function folder) required before the entry. ``nested``:
        called by a running function (it cannot wait for a worker under the cap).

        Raises:
            CloudError: -501004, no worker process may be started under the cap.
        """
        key = str(Path(function_dir).resolve())
        message = {
            "type": "invoke", "id": self._new_call_id(), "dir": key, "entry": entry,
            "handler": handler, "prelude": list(prelude), "event": event,
            "context": context, "env": {k: str(v) for k, v in env.items()},
        }  # fmt: skip
        return self._call(key, message, timeout_s, host, nested)

    # --- the Node.js side of the pool -------------------------------------------------------

    def _spawn(self) -> NodeProcess:
        try:
            return NodeProcess(self.node, self._heap_mb, self._init)
        except OSError as e:  # the executable went away or cannot run here
            raise SimulatorError(Reason("functions.node_cannot_start", "Node.js ({node}) could not be started: {detail}",
                                        node=self.node, detail=str(e))) from e

    # A warm instance is always reusable here: its worker checks its own files before running
    # the call and answers "stale" if they changed (see worker.js), which _finish retries.

    def _logs_in(self, msg: dict) -> list[LogLine]:
        return [LogLine(msg["level"], msg["text"], msg["time"])] if msg.get("type") == "log" else []

    def _finish(
        self, worker: NodeProcess, done: dict, logs: list[LogLine], started: float
    ) -> JsOutcome | None:
        if done["type"] == "stale":
            self._discard(worker)
            return None  # it ran nothing; the next instance is fresh
        return super()._finish(worker, done, logs, started)
