"""Worker process: one V8 context (mini-racer) running one cloud function, driven over pipes.

Start it with ``worker_command()`` (``python -m app.core.functions.runtime.child.v8_worker``; in the PyInstaller
build ``<app> --wxsim-js-worker``, which the app's entry point must hand to ``main()``). It runs
user code in a process of its own because mini-racer cannot stop a busy loop that runs after an
``await`` or in a timer (feasibility §6): the parent enforces timeouts by killing the process.

Protocol: one JSON object per line; the parent writes to our stdin, we write to our stdout
(stderr is free for diagnostics). Parent -> worker:

- ``{"type":"init","builtins":{name: path}}`` first, once. The heap limit comes on the command
  line (``--heap-mb N``, see ``worker_start.worker_command``), so V8 and the Node globals are
  set up before this line arrives: a worker started ahead of need is ready the moment it does.
- ``{"type":"invoke","id":…,"function_dir":…,"entry":"index.js","handler":"main",
  "event":{…},"context":{…},"env":{…},"timeout_ms":…}``; one at a time. ``timeout_ms`` is
  informational: the parent enforces it by killing us.
- ``{"type":"reply","id":…,"result":{…}}`` or
  ``{"type":"reply","id":…,"error":{"code":int,"message":str}}``, answering a call.

Worker -> parent:

- ``{"type":"ready"}`` once V8 and the Node globals are up.
- ``{"type":"call","id":…,"action":"…","params":{…}}``: a host call; the parent must reply.
- ``{"type":"logs","id":…,"logs":[{"level","text","time"}]}``: new console lines, every 50 ms
  while the call runs, so lines written before a runaway loop survive the kill.
- ``{"type":"done","id":…,"result":…,"error":null|{"name","message","stack","code"?},
  "logs":[…the rest…],"files":{path:[mtime_ns,size]},"recycle":bool,"pending":N}``. ``files``
  lists what the instance read since its last done, so the parent can spot edits; ``recycle``
  says this instance must not be reused (heap limit hit, uncaught exception, failed
  initialisation); ``pending`` counts the timers and host calls still outstanding, which may
  run while the instance is idle.

Between calls the parent may also send ``{"type":"ping","id":…}``; the worker answers
``{"type":"pong","id":…,"pending":N}`` from inside V8, so no answer means the engine is busy
(e.g. a timer spinning after its call returned) and the parent replaces the worker.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import threading
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, BinaryIO

from app.core.errors import CloudError
from app.core.functions.runtime.child.function_files import FunctionFiles
from app.core.functions.runtime.worker_start import DEFAULT_HEAP_MB

JS_DIR = Path(__file__).resolve().parents[2] / "js"  # app/core/functions/js
PRELUDE = ("buffer.js", "inspect.js", "globals.js", "loader.js")
NODE_BUILTINS = ("path", "util", "events", "crypto", "buffer")  # order shows in error messages
RESULT_LIMIT = 1024 * 1024
POLL_S = 0.05  # how often a running call is checked for new logs and the heap limit
SPOOL_HEADER = 8  # see globals.js: an Int32 byte count, then the lines


class Worker:
    """Owns the V8 context and answers the parent's messages on one asyncio loop."""

    def __init__(self, heap_mb: int, stdin: BinaryIO, out: BinaryIO) -> None:
        self._heap_mb = heap_mb
        self._stdin = stdin
        self._out = out
        self._mr: Any = None
        self._files: FunctionFiles | None = None
        self._invocation: Any = None  # the running invocation's id, or None
        self._finished: asyncio.Future[str] | None = None
        self._calls: dict[int, asyncio.Future[str]] = {}
        self._next_call = 0
        self._spool: memoryview | None = None
        self._spool_read = 0

    async def serve(self) -> None:
        """Set up V8, say ready, then serve until the parent closes our stdin."""
        from py_mini_racer import MiniRacer

        self._loop = asyncio.get_running_loop()
        self._mr = MiniRacer()
        heap = self._heap_mb * 1024 * 1024
        self._mr.set_hard_memory_limit(heap)
        self._mr.set_soft_memory_limit(heap * 3 // 4)
        async with AsyncExitStack() as stack:
            await self._install(stack)
            # Nothing else runs yet, so a blocking read is fine: the parent's one init line.
            init = json.loads(self._stdin.readline() or b"{}")
            self._add_builtins({n: Path(p) for n, p in init.get("builtins", {}).items()})
            threading.Thread(target=self._read_stdin, daemon=True).start()
            self._send({"type": "ready"})
            await asyncio.Event().wait()  # the stdin thread exits the process on EOF

    async def _install(self, stack: AsyncExitStack) -> None:
        """The hidden ``__wxsim`` object with our callbacks, the Node globals and the built-ins."""
        seed = os.urandom(32).hex()  # for crypto.randomBytes: bare V8 has no CSPRNG
        hidden_value = f"{{ lib: {{ seed: '{seed}' }} }}"
        self._mr.eval(f"Object.defineProperty(globalThis, '__wxsim', {{ value: {hidden_value} }})")
        hidden = self._mr.eval("__wxsim")
        callbacks = {"callRaw": self._js_call, "fsRaw": self._js_fs, "doneRaw": self._js_done}
        for name, fn in callbacks.items():
            hidden[name] = await stack.enter_async_context(self._mr.wrap_py_function(fn))
        for name in PRELUDE:
            self._mr.eval((JS_DIR / name).read_text("utf-8") + f"\n//# sourceURL=wxsim:{name}")
        # mini-racer hands a SharedArrayBuffer over as a memoryview on its fixed backing store.
        self._spool = self._mr.eval("__wxsim.spool")
        self._add_builtins({n: JS_DIR / "builtins" / f"{n}.js" for n in NODE_BUILTINS})

    def _add_builtins(self, builtins: dict[str, Path]) -> None:
        """``require()``-able modules by name; later ones win (the SDK shims over Node's)."""
        for name, path in builtins.items():
            source = json.dumps(path.read_text("utf-8"))
            self._mr.eval(f"__wxsim.addBuiltin({json.dumps(name)}, {source})")

    def _read_stdin(self) -> None:
        for line in self._stdin:
            self._loop.call_soon_threadsafe(self._on_message, line)
        os._exit(0)  # the parent went away (or closed us): nothing left to do

    def _on_message(self, line: bytes) -> None:
        msg = json.loads(line)
        if msg["type"] == "invoke":
            asyncio.ensure_future(self._invoke(msg))
        elif msg["type"] == "ping":
            asyncio.ensure_future(self._pong(msg["id"]))
        elif msg["type"] == "reply":
            future = self._calls.pop(msg["id"], None)
            if future is not None and not future.done():
                future.set_result(line.decode("utf-8", "surrogatepass"))

    def _send(self, msg: dict | str) -> None:
        line = msg if isinstance(msg, str) else json.dumps(msg)
        self._out.write(line.encode("utf-8", "surrogatepass") + b"\n")
        self._out.flush()

    async def _pong(self, ping_id: Any) -> None:
        # Through V8, not just this loop: if a timer spins in the isolate, this never answers.
        pending = await self._mr.eval_cancelable("__wxsim.pendingWork()")
        self._send({"type": "pong", "id": ping_id, "pending": int(pending)})

    async def _invoke(self, msg: dict) -> None:
        """Run one call: start the JS, watch it until it reports back, then send done."""
        if self._files is None:
            self._files = FunctionFiles(Path(msg["function_dir"]))
        self._invocation = msg["id"]
        finished = self._finished = self._loop.create_future()
        self._spool[0:4] = bytes(4)  # JS is idle between calls: no line is being written
        self._spool_read = 0
        keys = ("entry", "handler", "prelude", "event", "context", "env")
        payload = json.dumps({k: msg.get(k) for k in keys})
        # Not awaited: the JS reports through doneRaw, and a busy loop may hold this eval forever.
        code = f"__wxsim.run({json.dumps(payload)})"
        started = asyncio.ensure_future(self._mr.eval_cancelable(code))
        started.add_done_callback(lambda task: self._on_started(task, finished))
        await self._watch(msg["id"], finished)
        await self._send_done(msg["id"], finished.result())
        self._invocation = None

    async def _watch(self, invocation: Any, finished: asyncio.Future[str]) -> None:
        """Forward new console lines and enforce the heap limit until the call finishes."""
        while not finished.done():
            await asyncio.wait({finished}, timeout=POLL_S)
            if finished.done():
                return
            logs = self._new_logs()
            if logs != "[]":
                self._send(f'{{"type":"logs","id":{json.dumps(invocation)},"logs":{logs}}}')
            if self._mr.was_hard_memory_limit_reached():
                # V8 stops the script at the limit but leaves its promise pending; say it ourselves.
                self._finish_with_error(finished, "Error", self._oom_message(), recycle=True)

    def _new_logs(self) -> str:
        """Console lines JS wrote since the last look, as a JSON array text."""
        end = int.from_bytes(self._spool[0:4], sys.byteorder)
        chunk = bytes(self._spool[SPOOL_HEADER + self._spool_read : SPOOL_HEADER + end])
        self._spool_read = end
        # Lines are JSON objects ending in "\n"; JSON.stringify never writes a raw newline.
        return "[" + chunk.decode("utf-8", "replace").rstrip("\n").replace("\n", ",") + "]"

    def _on_started(self, task: asyncio.Future, finished: asyncio.Future[str]) -> None:
        """The eval that starts a call failed (heap limit in synchronous code, or our bug)."""
        error = task.exception() if not task.cancelled() else None
        if error is not None and not finished.done():
            oom = self._mr.was_hard_memory_limit_reached()
            message = self._oom_message() if oom else f"{type(error).__name__}: {error}"
            self._finish_with_error(finished, "Error", message, recycle=True)

    def _oom_message(self) -> str:
        return f"JavaScript heap out of memory (the limit is {self._heap_mb} MB)"

    @staticmethod
    def _finish_with_error(
        finished: asyncio.Future[str], name: str, message: str, recycle: bool
    ) -> None:
        error = {"name": name, "message": message, "stack": f"{name}: {message}"}
        finished.set_result(json.dumps({"error": error, "recycle": recycle}) + "\nnull")

    async def _send_done(self, invocation: Any, text: str) -> None:
        meta_json, _, result = text.partition("\n")
        meta = json.loads(meta_json)
        error = meta["error"]
        if error is None and len(result.encode("utf-8", "surrogatepass")) > RESULT_LIMIT:
            limit = CloudError(-604001)
            error = {
                "name": "Error",
                "message": limit.text,
                "stack": f"Error: {limit.text}",
                "code": limit.code,
            }
            result = "null"
        if error is not None and error.get("name") == "SyntaxError" and "file" in error:
            error = await self._locate_syntax_error(error)
        if error is not None:
            error.pop("source", None)  # compiled again above if it mattered; too big to send on
        done = {
            "type": "done",
            "id": invocation,
            "error": error,
            "files": self._files.take_seen() if self._files else {},
            "recycle": meta["recycle"],
            # Timers left behind and host calls not yet answered: JS that may run while idle.
            "pending": meta.get("pending", 0),
        }
        self._send(
            json.dumps(done)[:-1] + ',"logs":' + self._new_logs() + ',"result":' + result + "}"
        )

    async def _locate_syntax_error(self, error: dict) -> dict:
        """Adds Node's ``file:line``, source line and caret, which V8 omits for eval'd code.

        The error's file is wrapped as the loader wraps a module; code compiled at run time
        instead (the database console's boxes, see builtins/wxsim-console.js) comes as
        ``source``, a function body, and is given to ``new Function`` again, as it was. Either
        way V8 only compiles it: it failed to compile before, and a body is never called.
        """
        source = error.get("source")
        if isinstance(source, str):
            code, first_line = f"new Function({json.dumps(source)})", 3  # the body's line 1
        else:
            path = self._files.real_path(error["file"]) if self._files else None
            if path is None:
                return error
            code = (
                "(function (exports, require, module, __filename, __dirname) {"
                + path.read_text("utf-8", "replace")
                + "\n})"
            )
            first_line = 1
        try:
            await asyncio.wait_for(self._mr.eval_cancelable(code), 1.0)  # compiles; runs nothing
        except Exception as parse_error:  # noqa: BLE001 - we want V8's text, whatever the type
            found = re.match(r"[^\n]*?:(\d+): [^\n]*\n(.*?)\n\n", str(parse_error), re.DOTALL)
            if found:
                line = int(found.group(1)) - first_line + 1
                where = f"{error['file']}:{line}\n{found.group(2)}"
                return {**error, "stack": f"{where}\n\n{error['name']}: {error['message']}"}
        return error

    # --- callbacks from JS (mini-racer passes primitives only, so JSON strings travel) -------

    async def _js_call(self, action: str, params_json: str) -> str:
        if self._invocation is None:
            return json.dumps(
                {"error": {"code": -1, "message": "host call made outside an invocation"}}
            )
        self._next_call += 1
        call_id = self._next_call
        future: asyncio.Future[str] = self._loop.create_future()
        self._calls[call_id] = future
        self._send(
            f'{{"type":"call","id":{call_id},"action":{json.dumps(action)},"params":{params_json}}}'
        )
        return await future  # the parent's reply line, parsed in JS

    async def _js_fs(self, vdir: str) -> str:
        return json.dumps(
            self._files.listing(vdir) if self._files else {"dirs": {vdir: {}}, "files": {}}
        )

    async def _js_done(self, text: str) -> None:
        if self._finished is not None and not self._finished.done():
            self._finished.set_result(text)


def heap_from_argv(args: list[str]) -> int:
    """The heap limit in MB the parent gave as ``--heap-mb N``; the platform's 256 without it."""
    if "--heap-mb" in args[:-1]:
        return int(args[args.index("--heap-mb") + 1])
    return DEFAULT_HEAP_MB


def main() -> int:
    """Entry point of the worker process."""
    # Workers have a process group of their own (host_os.child_process_options), so a terminal's
    # Ctrl-C should not reach us; should one anyway, the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Raw fds, not sys.std*: a windowed (frozen) app may have set those to None. And fd 1 is
    # pointed at stderr so that stray prints from anywhere cannot corrupt the protocol.
    stdin = os.fdopen(0, "rb")
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    from py_mini_racer import DEFAULT_V8_FLAGS, init_mini_racer

    # Backstop above the hard limit: mini-racer's limit stops scripts cleanly; this one makes V8
    # abort the process if an allocation outruns it, which the parent reports as a crash.
    heap_mb = heap_from_argv(sys.argv[1:])
    init_mini_racer(flags=(*DEFAULT_V8_FLAGS, f"--max-old-space-size={heap_mb * 2}"))
    asyncio.run(Worker(heap_mb, stdin, out).serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
