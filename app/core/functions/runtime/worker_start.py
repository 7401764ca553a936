"""How a JS worker process is started, and one started early for a terminal ``wxsim call``.

Standard library and ``host_os`` only: ``app/__main__.py`` and the frozen entry point import this before the
app's own modules, so that ``start_early()`` can start the worker that ``wxsim call`` is about
to need while the main process is still importing (about 0.2 s of the call's run time on
either side, now spent side by side). The pool's first ``WorkerProcess`` adopts it; an early
worker that nothing adopts (the workspace was attached to a running app, or the function runs
on Node.js) is killed when the process exits.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from pathlib import Path

from app.core import host_os

WORKER_FLAG = "--wxsim-js-worker"
DEFAULT_HEAP_MB = 256  # the platform's default memory per instance
_early: subprocess.Popen | None = None  # started with DEFAULT_HEAP_MB


def worker_command(heap_mb: int = DEFAULT_HEAP_MB) -> list[str]:
    """The argv that starts a worker: ``-m`` from source, a flag of the one-file binary when frozen.

    The frozen binary's entry point must call ``app.core.functions.runtime.child.v8_worker.main()`` when its
    first argument is ``--wxsim-js-worker``; the child then reuses the parent's unpacked bundle.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_FLAG, "--heap-mb", str(heap_mb)]
    # -P: `-m` would otherwise put the working directory first on sys.path, so an `app/`
    # folder wherever wxsim was started (say, inside a project being tested) would run as us.
    return [sys.executable, "-P", "-m", "app.core.functions.runtime.child.v8_worker", "--heap-mb", str(heap_mb)]


def worker_env() -> dict[str, str]:
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        # -m must find the `app` package whatever the parent's working directory is.
        source_root = str(Path(__file__).resolve().parents[4])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (source_root, env.get("PYTHONPATH")) if p)
    return env


def spawn_piped(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    """A worker process (embedded V8 or Node.js) with pipes on stdin, stdout and stderr."""
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **host_os.child_process_options(),
    )


def start_worker_process(heap_mb: int = DEFAULT_HEAP_MB) -> subprocess.Popen:
    """A new embedded-V8 worker: it sets V8 up, then waits for its ``init`` line."""
    return spawn_piped(worker_command(heap_mb), worker_env())


def start_early(argv: list[str]) -> None:
    """Start one worker now if ``argv`` is a ``call`` command (its function most likely runs on V8)."""
    global _early
    if argv[:1] != ["call"] or _early is not None or "-h" in argv or "--help" in argv:
        return
    try:
        _early = start_worker_process()
    except OSError:
        return  # the pool will start one itself and report what is wrong
    atexit.register(_kill_unadopted)


def take_early(heap_mb: int) -> subprocess.Popen | None:
    """The early worker if it has this heap limit and is still running (once); else None."""
    global _early
    if _early is None or heap_mb != DEFAULT_HEAP_MB:
        return None
    proc, _early = _early, None
    return proc if proc.poll() is None else None


def _kill_unadopted() -> None:
    global _early
    proc, _early = _early, None
    if proc is not None:
        host_os.kill_process_tree(proc)
        proc.wait()
