"""The parent's end of a worker process that speaks JSON lines: spawn, send, receive, kill."""

from __future__ import annotations

import collections
import json
import queue
import re
import subprocess
import threading
import time
from collections.abc import Callable

from app.core import host_os, jsontext

__all__ = ["STDERR_TAIL_BYTES", "PipeWorker", "WorkerExited"]

STDERR_TAIL_BYTES = 4096
_EOF = object()
# A message holds a result or a host call's params one or two levels down.
_MESSAGE_DEPTH = jsontext.MAX_DEPTH + jsontext.WRAPPER_LEVELS
# The start of each message the workers write: jsworker.py's json.dumps has spaces, JS's
# JSON.stringify (worker.js, the V8 host call line) has none.
_HEAD = re.compile(rb'\{"type": ?"(call|done|logs|log)", ?"id": ?(\d+)')


class WorkerExited(Exception):
    """The worker process ended (crash, kill, or failed start)."""

    def __init__(self, returncode: int | None, stderr_tail: str) -> None:
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        super().__init__(f"JS worker exited with code {returncode}")


class PipeWorker:
    """One worker process: JSON lines in on stdin, out on stdout, its last words on stderr.

    Used by one invocation at a time (the pool guarantees that). Subclasses say what to start;
    the first message a worker sends is ``ready``.
    """

    label = "Worker"  # names the process in start-up errors, e.g. "JS worker"

    def __init__(self, proc: subprocess.Popen, init: dict) -> None:
        self._proc = proc  # started by spawn_piped() (worker_start.py)
        self._messages: queue.SimpleQueue = queue.SimpleQueue()
        self._stderr: collections.deque[bytes] = collections.deque()
        self._stderr_lock = threading.Lock()
        self.ready = False
        self.function_dir: str | None = None  # set when the pool binds it to a function
        self.last_used = 0.0  # monotonic time its last call ended (the pool's LRU)
        # Its last call returned with timers or host calls still pending: they may run (or spin)
        # while it is idle, so the pool checks that it answers before reusing it.
        self.has_pending_work = False
        self.on_kill: Callable[[], None] | None = None  # run once, at the first kill (frees its slot)
        self._kill_lock = threading.Lock()
        self._send_lock = threading.Lock()  # a slow host call's reply may come from its own thread
        self._stderr_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_thread.start()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.send(init)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _read_stdout(self) -> None:
        # Parsing here keeps JSON decoding off the invoking thread's critical path. The lines
        # carry what user code made, so they are read strictly: a result or a host call too
        # deep for the parser, or holding a lone surrogate, must not kill this thread (the
        # call would then hang to its timeout) nor reach the database or the logs.
        for line in self._proc.stdout:
            try:
                msg = jsontext.loads(line, what=f"A message from the {self.label}", max_depth=_MESSAGE_DEPTH)
            except jsontext.JsonTextError as exc:
                msg = _stand_in(line, exc.problem)
                if msg is None:
                    continue  # a line cut short by a kill, or stray output that is not ours
            self._messages.put(msg)
        self._messages.put(_EOF)

    def _read_stderr(self) -> None:
        size = 0
        for chunk in iter(lambda: self._proc.stderr.read1(4096), b""):
            with self._stderr_lock:
                self._stderr.append(chunk)
                size += len(chunk)
                while size > STDERR_TAIL_BYTES and len(self._stderr) > 1:
                    size -= len(self._stderr.popleft())

    def stderr_tail(self) -> str:
        """The last few KB the worker wrote to stderr (the runtime's last words on a crash)."""
        with self._stderr_lock:
            data = b"".join(self._stderr)
        return data.decode("utf-8", "replace")[-STDERR_TAIL_BYTES:]

    def send(self, msg: dict) -> None:
        """Write one message; raises WorkerExited if the process is gone."""
        line = json.dumps(msg).encode("ascii") + b"\n"  # escapes everything outside ASCII, lone surrogates too
        try:
            with self._send_lock:
                self._proc.stdin.write(line)
                self._proc.stdin.flush()
        except (OSError, ValueError):
            raise self._exited() from None

    def _next(self, timeout: float) -> dict | None:
        try:
            msg = self._messages.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        if msg is _EOF:
            self._messages.put(_EOF)  # every later receive must see the end too
            raise self._exited()
        return msg

    def receive(self, timeout: float) -> dict | None:
        """The next message other than ``ready``, or None when ``timeout`` passes first."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next(deadline - time.monotonic())
            if msg is None or msg.get("type") != "ready":
                return msg
            self._on_ready(msg)

    def drain(self) -> list[dict]:
        """Messages already received, without waiting (e.g. logs of a worker we just killed)."""
        out = []
        while True:
            try:
                msg = self._messages.get_nowait()
            except queue.Empty:
                return out
            if msg is not _EOF:
                out.append(msg)

    def wait_ready(self, timeout: float) -> None:
        """Block until the worker said ready; raises WorkerExited or TimeoutError."""
        deadline = time.monotonic() + timeout
        while not self.ready:
            msg = self._next(deadline - time.monotonic())
            if msg is None:
                raise TimeoutError(f"{self.label} {self.pid} did not start within {timeout:.0f} s")
            if msg.get("type") != "ready":
                raise RuntimeError(f"{self.label} spoke before it was ready: {msg.get('type')}")
            self._on_ready(msg)

    def _on_ready(self, msg: dict) -> None:
        """Note that the worker is up; subclasses also keep what it said about itself."""
        self.ready = True

    def alive(self) -> bool:
        return self._proc.poll() is None

    def kill(self) -> None:
        """Stop the process wherever its JS is (SIGKILL), with any process it started; reaping
        happens off the caller's thread."""
        with self._kill_lock:
            on_kill, self.on_kill = self.on_kill, None
        host_os.kill_process_tree(self._proc)
        if on_kill is not None:
            on_kill()
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        # Tearing down a JS runtime takes a few ms; a call that evicts an idle instance or
        # times out should not wait for that.
        threading.Thread(target=self._proc.wait, daemon=True).start()

    def _exited(self) -> WorkerExited:
        try:
            code = self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        self._stderr_thread.join(timeout=1)  # its last words explain the crash
        return WorkerExited(code, self.stderr_tail())


def _stand_in(line: bytes, problem: str) -> dict | None:
    """A message the pool understands in place of one the strict reader refused.

    A host call is answered with the refusal (the pool replies an error the function can
    catch), a final message becomes the call's error, a log message a warning line. A line
    that is not one of ours gives None.
    """
    head = _HEAD.match(line)
    if head is None:
        return None
    kind, call_id = head.group(1).decode(), int(head.group(2))
    text = f"wxsim refused what the function sent: {problem}"
    if kind == "call":
        return {"type": "call", "id": call_id, "refused": text}
    if kind == "done":
        error = {"name": "Error", "message": text, "stack": f"Error: {text}"}
        # Its files list is lost with the line, so the instance cannot be checked: recycle it.
        return {"type": "done", "id": call_id, "result": None, "error": error,
                "logs": [], "files": {}, "recycle": True}
    line_out = {"level": "warn", "text": f"{text} (a console line was dropped)", "time": time.time()}
    if kind == "log":  # Node: one line per message
        return {"type": "log", "id": call_id, **line_out}
    return {"type": "logs", "id": call_id, "logs": [line_out]}
