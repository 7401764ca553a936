"""Node.js worker processes (js/node/worker.js), finding ``node``, checking a function's packages."""

from __future__ import annotations

import collections
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

from app.core.functions.jsprocess import WorkerExited

WORKER_JS = Path(__file__).resolve().parent / "js" / "node" / "worker.js"
STDERR_TAIL_BYTES = 4096
_EOF = object()

# What a function process inherits from ours: enough to run tools and find temp/home, nothing
# that changes Node itself (NODE_OPTIONS, NODE_PATH) or leaks the user's shell into the function.
INHERITED_ENV = frozenset(
    {
        "PATH", "HOME", "USERPROFILE", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
        "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "APPDATA", "LOCALAPPDATA", "PROGRAMDATA",
    }
)  # fmt: skip

# Baseline for wx-server-sdk (tcb-wire §2); the runner's per-call env overrides any of them.
# Without SECRETID/SECRETKEY the SDK dies of an unhandled rejection; without RUNENV=SCF it
# probes metadata.tencentyun.com; without TCB_CONTEXT_CNFG it would call Tencent's servers, so
# the default points at a closed local port whose path says what is wrong.
SDK_ENV_DEFAULTS = {
    "TENCENTCLOUD_RUNENV": "SCF",
    "TENCENTCLOUD_REGION": "ap-shanghai",
    "TENCENTCLOUD_SECRETID": "wxsim-local",
    "TENCENTCLOUD_SECRETKEY": "wxsim-local",
    "TENCENTCLOUD_SESSIONTOKEN": "wxsim-local",
    "TCB_CONTEXT_CNFG": json.dumps({"URL": "http://127.0.0.1:9/wxsim-gateway-not-configured"}),
    "SILENCE": "true",  # no 3 s "slow request" timer outliving a failed call (tcb-wire §2)
}


def find_node(configured: str | None = None) -> str | None:
    """The ``node`` executable, or None: ``configured`` may be a path, a folder holding node,
    or a name on PATH; unset (or plain ``node``) also looks in the usual install places.

    A configured path is honoured strictly: if it points nowhere the answer is None rather
    than some other node, so the user sees that the setting is wrong.
    """
    exe = "node.exe" if os.name == "nt" else "node"
    name = configured or "node"
    if not any(sep and sep in name for sep in (os.sep, os.altsep)) and not name.startswith("~"):
        found = shutil.which(name)
        if found or name != "node":
            return found
        # An app started from a desktop launcher (macOS Finder above all) has no shell PATH.
        return next((str(p) for p in _usual_places(exe) if _runnable(p)), None)
    path = Path(name).expanduser()
    if path.is_dir():
        path = path / exe
    return str(path) if _runnable(path) else None


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _usual_places(exe: str) -> list[Path]:
    if os.name == "nt":
        roots = [os.environ.get(v) for v in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA")]
        return [Path(r) / "nodejs" / exe for r in roots if r]
    home = Path.home()
    nvm = sorted((home / ".nvm" / "versions" / "node").glob("v*/bin/node"), key=_version_key)
    fixed = [
        "/usr/local/bin",
        "/usr/bin",
        "/opt/homebrew/bin",
        "/opt/local/bin",
        str(home / ".volta" / "bin"),
    ]
    return [Path(d) / exe for d in fixed] + nvm[::-1]


def _version_key(path: Path) -> tuple[int, ...]:
    digits = path.parts[-3].lstrip("v").split(".")
    return tuple(int(d) if d.isdigit() else 0 for d in digits)


def sdk_problem(function_dir: Path) -> str | None:
    """Why the function cannot run on Node.js as it is (a package not installed), or None.

    It needs ``node_modules/wx-server-sdk`` and every package its package.json depends on,
    installed in its own folder: that folder is all the platform deploys.
    """
    folder = Path(function_dir)
    where = f"{folder.parent.name}/{folder.name}"
    try:
        manifest = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        declared = manifest.get("dependencies") or {}
    except FileNotFoundError:
        declared = {}
    except (OSError, ValueError, AttributeError) as exc:
        return f"{where}/package.json cannot be read ({exc}); fix it and run `npm install` there."
    if not isinstance(declared, dict):
        return f'{where}/package.json: "dependencies" must be an object; fix it and run `npm install` there.'
    wanted = ["wx-server-sdk", *(name for name in declared if name != "wx-server-sdk")]
    missing = [n for n in wanted if not (folder / "node_modules" / n / "package.json").is_file()]
    if not missing:
        return None
    names = ", ".join(missing)
    verb = "is" if len(missing) == 1 else "are"
    return (
        f"Cloud function {folder.name} cannot run on Node.js: {names} {verb} not installed in its "
        f"folder. Run `npm install` in {where}, or use the embedded runtime."
    )


def worker_env() -> dict[str, str]:
    """The environment a worker starts with (per-call variables come with each invoke)."""
    inherited = {k: v for k, v in os.environ.items() if k.upper() in INHERITED_ENV}
    return {**inherited, **SDK_ENV_DEFAULTS}


class NodeProcess:
    """One ``node worker.js`` process; one invocation at a time (the pool guarantees that)."""

    def __init__(self, node: str, heap_mb: int, init: dict) -> None:
        self._proc = subprocess.Popen(
            [node, f"--max-old-space-size={heap_mb}", str(WORKER_JS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=worker_env(),
            # A console window per worker would flash up under the windowed app on Windows.
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        self._messages: queue.SimpleQueue = queue.SimpleQueue()
        self._stderr: collections.deque[bytes] = collections.deque()
        self._stderr_lock = threading.Lock()
        self.ready = False
        self.node_version = ""
        self.function_dir: str | None = None  # set when the pool binds it to a function
        self.last_used = 0.0  # monotonic time its last call ended (the pool's LRU)
        self._stderr_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_thread.start()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.send(init)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def _read_stdout(self) -> None:
        for line in self._proc.stdout:
            try:
                self._messages.put(json.loads(line))
            except ValueError:
                continue  # a line cut short by a kill
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
        """The last few KB the process wrote to stderr (Node's last words on a crash)."""
        with self._stderr_lock:
            data = b"".join(self._stderr)
        return data.decode("utf-8", "replace")[-STDERR_TAIL_BYTES:]

    def send(self, msg: dict) -> None:
        """Write one message; raises WorkerExited if the process is gone."""
        try:
            self._proc.stdin.write(json.dumps(msg).encode("ascii") + b"\n")
            self._proc.stdin.flush()
        except (OSError, ValueError):
            raise self._exited() from None

    def receive(self, timeout: float) -> dict | None:
        """The next message, or None when ``timeout`` passes first; raises WorkerExited."""
        try:
            msg = self._messages.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        if msg is _EOF:
            self._messages.put(_EOF)  # every later receive must see the end too
            raise self._exited()
        return msg

    def drain(self) -> list[dict]:
        """Messages already received, without waiting (e.g. logs of a process just killed)."""
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
            msg = self.receive(deadline - time.monotonic())
            if msg is None:
                raise TimeoutError(
                    f"Node.js worker {self.pid} did not start within {timeout:.0f} s"
                )
            if msg.get("type") != "ready":
                raise RuntimeError(f"Node.js worker spoke before it was ready: {msg.get('type')}")
            self.node_version = str(msg.get("node", ""))
            self.ready = True

    def alive(self) -> bool:
        return self._proc.poll() is None

    def kill(self) -> None:
        """Stop the process wherever its JS is (SIGKILL); reaping happens off this thread."""
        if self._proc.poll() is None:
            self._proc.kill()
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        threading.Thread(target=self._proc.wait, daemon=True).start()

    def _exited(self) -> WorkerExited:
        try:
            code = self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        self._stderr_thread.join(timeout=1)  # its last words explain the crash
        return WorkerExited(code, self.stderr_tail())
