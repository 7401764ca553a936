"""The parent's handle on one embedded-V8 worker process: how to start it, when it is stale."""

from __future__ import annotations

import os
import subprocess

from app.core.functions.runtime.process import STDERR_TAIL_BYTES, PipeWorker, WorkerExited

__all__ = ["STDERR_TAIL_BYTES", "WorkerExited", "WorkerProcess"]


class WorkerProcess(PipeWorker):
    """One embedded-V8 worker process; used by one invocation at a time (the pool guarantees that)."""

    label = "JS worker"

    def __init__(self, init: dict, proc: subprocess.Popen) -> None:
        self.files: dict[str, list[int]] = {}  # what its instance loaded: path -> [mtime_ns, size]
        self._pings = 0
        super().__init__(proc, init)  # started by worker_start.start_worker_process()

    def ping(self, timeout: float) -> bool:
        """Whether its V8 answers within ``timeout`` (asked while idle, between calls).

        The worker answers from inside the engine, so a timer spinning there leaves the ping
        unanswered even though the worker's own I/O loop is fine. The answer also says whether
        timers or host calls are still pending (if not, the worker is clean again).
        """
        self._pings += 1
        try:
            self.send({"type": "ping", "id": self._pings})
            answer = self.receive(timeout)
        except WorkerExited:
            return False
        if answer is None or answer.get("type") != "pong" or answer.get("id") != self._pings:
            return False  # silent, or out of step with us: either way not fit to reuse
        self.has_pending_work = bool(answer.get("pending"))
        return True

    def is_stale(self) -> bool:
        """True if any file this instance loaded changed since (it must not be reused)."""
        for path, (mtime_ns, size) in self.files.items():
            try:
                st = os.stat(path)
            except OSError:
                return True
            if st.st_mtime_ns != mtime_ns or st.st_size != size:
                return True
        return False
