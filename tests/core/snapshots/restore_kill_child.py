"""Child of test_restore_kill: restores snapshots in forked grandchildren that kill themselves.

    python restore_kill_child.py

Reads one trial per line on stdin, ``{"data_dir": …, "snapshot": …, "kill_at": n, "delay_us": d}``,
and answers one JSON line per trial once its grandchild is gone: ``{"status": …, "ops": …}``.
The server imports everything once and forks a single-threaded grandchild per trial, so a trial
costs a fork, not an interpreter start. The grandchild opens the workspace, then counts every
file-system change the restore makes (rename, replace, link, unlink, rmdir, mkdir, a file
opened for writing) and SIGKILLs itself just before change number ``kill_at`` (0: never), or
after ``delay_us`` microseconds from a timer thread (0: no timer). If it lives, it writes the
number of changes it counted to ``<data_dir>.ops`` and exits 0.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

from app.core.requests import Caller, Request
from app.core.workspace import Workspace

_counted = {"n": 0, "kill_at": 0, "on": False}


def _counting(function):
    def wrapper(*args, **kwargs):
        if _counted["on"]:
            _counted["n"] += 1
            if _counted["n"] == _counted["kill_at"]:
                os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)

    return wrapper


def _patch() -> None:
    for name in ("rename", "replace", "link", "unlink", "rmdir", "mkdir", "fsync"):
        setattr(os, name, _counting(getattr(os, name)))
    real_open = builtins.open

    def counting_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            return _counting(real_open)(file, mode, *args, **kwargs)
        return real_open(file, mode, *args, **kwargs)

    builtins.open = counting_open
    shutil.rmtree = _counting(shutil.rmtree)


def _trial(spec: dict) -> None:
    data_dir = Path(spec["data_dir"])
    workspace = Workspace.open(data_dir)
    _patch()
    _counted["kill_at"] = spec["kill_at"]
    if spec["delay_us"]:
        timer = threading.Timer(spec["delay_us"] / 1e6, os.kill, (os.getpid(), signal.SIGKILL))
        timer.daemon = True
        timer.start()
    _counted["on"] = True
    workspace.handle(Request("snapshot.restore", {"name": spec["snapshot"]}, Caller.console("test")))
    _counted["on"] = False
    Path(f"{data_dir}.ops").write_text(str(_counted["n"]))
    os._exit(0)  # no close: a restore must be durable when it answers


def main() -> None:
    for line in sys.stdin:
        spec = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _trial(spec)
            except BaseException as exc:  # noqa: BLE001 (reported, then the grandchild ends)
                sys.stderr.write(f"trial failed: {exc!r}\n")
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        sys.stdout.write(json.dumps({"killed": killed, "exit": code}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    time.sleep(0)
    main()
