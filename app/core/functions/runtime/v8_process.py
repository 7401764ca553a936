"""The parent's handle on one embedded-V8 worker process: how to start it, when it is stale."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.core.functions.runtime.process import STDERR_TAIL_BYTES, PipeWorker, WorkerExited

__all__ = ["STDERR_TAIL_BYTES", "WorkerExited", "WorkerProcess", "worker_command"]


def worker_command() -> list[str]:
    """The argv that starts a worker: ``-m`` from source, a flag of the one-file binary when frozen.

    The frozen binary's entry point must call ``app.core.functions.runtime.child.v8_worker.main()`` when its
    first argument is ``--wxsim-js-worker``; the child then reuses the parent's unpacked bundle.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, "--wxsim-js-worker"]
    # -P: `-m` would otherwise put the working directory first on sys.path, so an `app/`
    # folder wherever wxsim was started (say, inside a project being tested) would run as us.
    return [sys.executable, "-P", "-m", "app.core.functions.runtime.child.v8_worker"]


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        # -m must find the `app` package whatever the parent's working directory is.
        source_root = str(Path(__file__).resolve().parents[4])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (source_root, env.get("PYTHONPATH")) if p)
    return env


class WorkerProcess(PipeWorker):
    """One embedded-V8 worker process; used by one invocation at a time (the pool guarantees that)."""

    label = "JS worker"

    def __init__(self, init: dict) -> None:
        self.files: dict[str, list[int]] = {}  # what its instance loaded: path -> [mtime_ns, size]
        self._pings = 0
        super().__init__(worker_command(), _worker_env(), init)

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
