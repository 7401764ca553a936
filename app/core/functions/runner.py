"""Runs cloud functions as the real platform would: event, context, getWXContext, limits."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from app.core.errors import CloudError, InputError, SimulatorError, WxApiError
from app.core.functions.catalog import Catalog, FunctionInfo
from app.core.functions.error_location import error_location
from app.core.functions.runtime.v8 import JsError, JsOutcome, JsPool
from app.core.functions.runtime.node import NodePool, find_node, sdk_reason
from app.core.functions.runtime.pool import timed_out
from app.core.functions.runtime.slots import WorkerSlots
from app.core.jsonfile import open_log
from app.core.reasons import Reason
from app.core.requests import Caller, Request
from app.core.storage.cloudpaths import numeric_app_id

MAX_RESULT_BYTES = 1024 * 1024  # spec §2.6
HISTORY = 500
JS_DIR = Path(__file__).resolve().parent / "js"
CLIENT_SCRIPT_TIMEOUT_S = 60.0  # a mini program script has no platform limit; this one is ours


@dataclass(frozen=True)
class Invocation:
    """One run of a function, as the console's 日志 page lists it."""

    request_id: str
    function: str
    source: str
    persona: str | None
    openid: str | None
    started: float
    duration_ms: float
    event: Any
    result: Any = None
    error: str | None = None  # "Error: boom", or the timeout
    timed_out: bool = False
    stack: str | None = None
    logs: list[dict] = field(default_factory=list)  # {level, text, time}
    location: dict | None = None  # where the error happened on this computer: {path, line, column}
    error_why: dict | None = None  # ``error`` as a Reason's dict when wxsim wrote it (a timeout …)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class _Active:
    function: FunctionInfo
    source: str
    openid: str | None
    unionid: str | None


class FunctionRunner:
    """Invokes the project's functions in the JS worker pool and keeps their history.

    Args:
        catalog: where the functions are.
        env_id, appid: the environment the functions run in.
        dispatch: handles the requests a function makes (database, storage, nested calls).
        history_file: invocations.jsonl, so the history survives a restart.
        max_workers: how many worker processes (JS and Node.js together) may run at once; None
            sizes the cap to the machine (workerslots.default_worker_cap).
    """

    def __init__(
        self,
        catalog: Catalog,
        env_id: str,
        appid: str,
        dispatch: Callable[[Request], dict],
        history_file: Path,
        clock: Callable[[], float] = time.time,
        *,
        runtime_for: Callable[[str], str] = lambda _name: "v8",
        node_path: Callable[[], str | None] = lambda: None,
        gateway=None,
        max_workers: int | None = None,
    ) -> None:
        self.catalog = catalog
        self._env_id = env_id
        self._appid = appid
        self._dispatch = dispatch
        self._history_file = history_file
        self._clock = clock
        self._lock = threading.Lock()
        self._pool: JsPool | None = None
        self._node_pool: NodePool | None = None
        self._runtime_for = runtime_for
        self._node_path = node_path
        self._gateway = gateway
        self._runtime_override: dict[str, str] = {}  # e.g. `wxsim call --runtime node`, not saved
        self._active: dict[str, _Active] = {}  # request id -> who is running, for nested calls
        self._slots = WorkerSlots(max_workers)  # one cap for both pools: they share the machine
        self._history: deque[Invocation] = deque(_load(history_file), maxlen=HISTORY)

    @property
    def appid(self) -> str:
        return self._appid

    def functions(self) -> list[FunctionInfo]:
        return self.catalog.functions()

    @property
    def max_workers(self) -> int:
        return self._slots.limit

    def set_max_workers(self, limit: int) -> None:
        """Change the cap on worker processes (a setting); busy workers above it finish first."""
        self._slots.set_limit(limit)

    def history(self, name: str | None = None) -> list[Invocation]:
        """Invocations, newest first."""
        with self._lock:
            items = list(self._history)
        return [i for i in reversed(items) if name is None or i.function == name]

    def invoke(self, name: str, data: Any, caller: Caller, *, request_id: str, parent_id: str | None) -> Invocation:
        """Run ``name`` for ``caller``; the Invocation says how it went (no exception for user errors)."""
        info = self.catalog.find(name)
        if info is None:
            raise FunctionNotFound(not_found())
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise CloudError(-501007, Reason("functions.data_not_object", "parameter.data should be object"))
        source, openid, unionid, nested = self._who(caller, parent_id)
        event = dict(data)
        if caller.is_client or (parent_id and openid):
            # The platform injects userInfo for calls that began in the mini program, nested
            # ones included (the user is carried along, §10 #14); a forged one is overwritten.
            event["userInfo"] = {"appId": self._appid, "openId": openid}
        started = self._clock()
        with self._lock:
            self._active[request_id] = _Active(info, source, openid, unionid)
        try:
            outcome = self._run(info, event, request_id, source, openid, unionid, nested)
        finally:
            with self._lock:
                self._active.pop(request_id, None)
        invocation = self._record(info, caller, source, openid, started, event, request_id, outcome)
        return invocation

    def running(self, request_id: str | None) -> FunctionInfo | None:
        """The function whose run ``request_id`` is, while it runs (a cloud call's permissions
        are the calling function's own)."""
        with self._lock:
            active = self._active.get(request_id) if request_id else None
        return active.function if active else None

    def _who(self, caller: Caller, parent_id: str | None) -> tuple[str, str | None, str | None, bool]:
        """SOURCE, the user a run acts for, and whether a running function made the call.

        A nested call keeps its caller's user (§10 #14).
        """
        with self._lock:
            parent = self._active.get(parent_id) if parent_id else None
        if parent is not None:
            return f"{parent.source},scf", parent.openid, parent.unionid, True
        if caller.is_client:
            return "wx_client", caller.openid, caller.unionid, False
        if caller.source == "wx_trigger":
            return "wx_trigger", None, None, False
        return "wx_devtools", None, None, False  # a console or command-line test run

    def _run(self, info: FunctionInfo, event: dict, request_id: str, source: str,
             openid: str | None, unionid: str | None, nested: bool):
        context = {
            "callbackWaitsForEmptyEventLoop": False,
            "memory_limit_in_mb": 256,
            "time_limit_in_ms": int(info.timeout_s * 1000),
            "request_id": request_id,
            "function_version": "$LATEST",
            "function_name": info.name,
            "namespace": self._env_id,
            "tencentcloud_region": "ap-shanghai",
            "tencentcloud_appid": int(numeric_app_id(self._appid)),  # the one in fileIDs too
            "tencentcloud_uin": int(numeric_app_id(self._appid)),
        }
        caller = Caller("admin", source, openid, self._appid, unionid)
        if self.runtime(info.name) == "node":
            return self._run_node(info, event, context, request_id, source, openid, unionid, caller, nested)
        env = {**info.env_variables, **self._platform_env(source, openid, unionid, request_id)}
        context["environment"] = json.dumps(env)

        def host(action: str, params: dict) -> dict:
            return _as_cloud_error(self._dispatch, Request(action, params, caller, parent_id=request_id))

        return self.pool().invoke(info.folder, event, context, env, info.timeout_s, host, nested=nested)

    def runtime(self, name: str) -> str:
        return self._runtime_override.get(name) or self._runtime_for(name)

    def set_runtime_override(self, name: str, runtime: str | None) -> None:
        """Run ``name`` on ``runtime`` in this process only (the saved choice stays)."""
        if runtime is None:
            self._runtime_override.pop(name, None)
        else:
            self._runtime_override[name] = runtime

    def _run_node(self, info, event, context, request_id, source, openid, unionid, caller, nested) -> JsOutcome:
        """Real Node.js and the function's own wx-server-sdk, talking to our gateway over HTTP."""
        problem: Reason | str | None = sdk_reason(info.folder)
        try:
            pool = None if problem else self.node_pool()
        except SimulatorError as exc:
            problem = exc.reason or str(exc)
        if problem:
            why = problem if isinstance(problem, Reason) else None
            return JsOutcome(None, JsError("Error", str(problem), "", reason=why), False, [], 0.0)
        self._gateway.url or self._gateway.start()
        env = {**info.env_variables, **self._gateway.node_env(source, openid, self._appid, unionid, request_id)}
        context["environment"] = json.dumps(env)
        with self._gateway.register_invocation(request_id, caller, request_id):
            return pool.invoke(info.folder, event, context, env, info.timeout_s, None, nested=nested)

    def node_pool(self) -> NodePool:
        with self._lock:
            if self._node_pool is None:
                node = find_node(self._node_path())
                if node is None:
                    raise SimulatorError(Reason("functions.node_not_found", "Node.js was not found; install it or "
                                                "use the embedded runtime."))
                self._node_pool = NodePool(node, slots=self._slots)
            return self._node_pool

    def reset_node_pool(self) -> None:
        """Forget the Node pool, e.g. after the Node.js path changed."""
        with self._lock:
            pool, self._node_pool = self._node_pool, None
        if pool is not None:
            pool.close()

    def run_client(self, script: Path, caller: Caller, temp_dir: Path, *, parent_id: str | None = None,
                   failures: list[CloudError] | None = None, watch_seconds: float | None = 0,
                   listeners: ClientListeners | None = None, hand_over: bool = False):
        """Run a mini program script (``exports.main``) with a global ``wx``, as ``caller``.

        Its requests are the mini program's: permissions apply, and ``wx.cloud.init``'s
        ``traceUser`` decides whether they count as visits. ``failures`` collects the
        CloudErrors its requests were refused with (the console says them in its language).
        Realtime listeners keep the run going after ``main`` returns until they are closed or
        ``watch_seconds`` have passed since it began (None: until closed, within the run's
        time limit); with ``hand_over`` the run ends with main and leaves them open (the client
        console reads them on). ``listeners`` records what they were given and which are open.
        """
        script = script.expanduser().resolve()
        if not script.is_file():
            raise InputError(Reason("functions.script_not_a_file", "{script} is not a file.", script=str(script)))
        state = {"caller": caller}
        # The mini program's local files: the script's own folder tree and the temp folder.
        roots = (script.parent, temp_dir.expanduser().resolve())

        def host(action: str, params: dict) -> dict:
            if action == "auth.initCloud":
                state["caller"] = replace(state["caller"], trace_user=bool(params.get("traceUser")))
            request = Request(action, params, state["caller"], parent_id=parent_id, local_roots=roots)
            try:
                answer = _as_cloud_error(self._dispatch, request)
            except CloudError as exc:
                if failures is not None:
                    failures.append(exc)
                raise
            if listeners is not None:
                listeners.record(action, params, answer)
            return answer

        env = {"TCB_ENV": self._env_id, "WXSIM_TMPDIR": str(temp_dir),
               "WXSIM_WATCH_SECONDS": "" if watch_seconds is None else f"{watch_seconds:g}",
               "WXSIM_WATCH_HANDOVER": "1" if hand_over else ""}
        return self.pool().invoke(script.parent, {}, {}, env, CLIENT_SCRIPT_TIMEOUT_S + (watch_seconds or 0), host,
                                  entry=script.name, prelude=("wxsim-client-global",))

    def _platform_env(self, source: str, openid: str | None, unionid: str | None, request_id: str) -> dict:
        """What SCF puts in process.env; wx-server-sdk's getWXContext reads it (tcb-wire §2)."""
        env = {
            "TENCENTCLOUD_RUNENV": "SCF",
            "SCF_NAMESPACE": self._env_id,
            "TCB_ENV": self._env_id,
            "TCB_SOURCE": source,
            "TCB_SEQID": request_id,
            "TCB_CONTEXT_KEYS": "TCB_ENV,TCB_SEQID,TCB_SOURCE",
            "WX_CONTEXT_KEYS": "WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6",
            "WX_APPID": self._appid,
            "WX_CLIENTIP": "127.0.0.1",
            "WX_CLIENTIPV6": "::1",
        }
        if openid:
            env["WX_OPENID"] = openid
        if unionid:
            env["WX_UNIONID"] = unionid
        if source == "wx_trigger":
            env["TRIGGER_SRC"] = "timer"
        return env

    def _record(self, info, caller, source, openid, started, event, request_id, outcome) -> Invocation:
        error = stack = why = None
        if outcome.timed_out:
            why = timed_out(info.timeout_s)
            error = str(why)
        elif outcome.error is not None:
            error = f"{outcome.error.name}: {outcome.error.message}"
            stack = outcome.error.stack
            if outcome.error.reason is not None:
                why = Reason("functions.run_error", "{name}: {message}", name=outcome.error.name,
                             message=outcome.error.reason)
        result = outcome.result if error is None else None
        if error is None and len(json.dumps(result, ensure_ascii=False).encode()) > MAX_RESULT_BYTES:
            why = Reason("functions.result_too_large", "cloudfunction result size exceed limit (1MB)")
            error, result = str(why), None
        invocation = Invocation(
            request_id=request_id, function=info.name, source=source, persona=caller.persona,
            openid=openid, started=started, duration_ms=outcome.duration_ms, event=event,
            result=result, error=error, timed_out=outcome.timed_out, stack=stack,
            logs=[{"level": line.level, "text": line.text, "time": line.time} for line in outcome.logs],
            location=error_location(stack, info.folder),
            error_why=why.to_dict() if why is not None else None,
        )
        with self._lock:
            self._history.append(invocation)
            try:
                with open_log(self._history_file) as handle:
                    handle.write(json.dumps(asdict(invocation), ensure_ascii=False, default=str) + "\n")
            except OSError:
                pass  # the history is a convenience; the run itself already happened
        return invocation

    def pool(self) -> JsPool:
        with self._lock:
            if self._pool is None:
                self._pool = JsPool(builtins=sdk_builtins(), slots=self._slots)
            return self._pool

    def close(self) -> None:
        with self._lock:
            pools = [self._pool, self._node_pool]
            self._pool = self._node_pool = None
        for pool in pools:
            if pool is not None:
                pool.close()


def not_found() -> Reason:
    """The platform's words for a function that does not exist."""
    return Reason("functions.not_found", "FunctionName parameter could not be found.")


class FunctionNotFound(CloudError):
    """No function by that name: -501000 to the SDKs in the cloud, FUNCTION_NOT_FOUND on the
    wire (the code node-sdk callers check; wx-server-sdk has no number for it)."""

    def __init__(self, detail: str | Reason) -> None:
        super().__init__(-501000, detail)

    @property
    def tcb_code(self) -> str:
        return "FUNCTION_NOT_FOUND"


def run_failed(request_id: str, invocation: Invocation) -> Reason:
    """A failed run as the caller's CloudError detail: ``requestID <id>, <error>``."""
    error = Reason.from_dict(invocation.error_why) or invocation.error
    return Reason("functions.run_failed", "requestID {request_id}, {error}", request_id=request_id, error=error)


class ClientListeners:
    """What a client run's realtime listeners were given, in order (``deliveries``: the init
    snapshot of each opening, then what each poll brought, ``{"listenerId", "snapshot" |
    "error"}``), and which of them are still open (``open_ids``, in opening order)."""

    def __init__(self, on_delivery: Callable[[dict], None] | None = None) -> None:
        self.deliveries: list[dict] = []
        self.open_ids: list[str] = []
        self._on_delivery = on_delivery  # told each delivery as it happens (run-client prints it)

    def record(self, action: str, params: dict, answer: dict) -> None:
        listener_id = params.get("listenerId")
        if action == "database.watchOpen":
            self.open_ids.append(answer["listenerId"])
            self._add({"listenerId": answer["listenerId"], "snapshot": answer["snapshot"]})
        elif action == "database.watchPoll":
            for snapshot in answer["snapshots"]:
                self._add({"listenerId": listener_id, "snapshot": snapshot})
            if answer.get("error"):
                self._add({"listenerId": listener_id, "error": answer["error"]})
                self._forget(listener_id)
        elif action == "database.watchClose":
            self._forget(listener_id)

    def _add(self, delivery: dict) -> None:
        self.deliveries.append(delivery)
        if self._on_delivery is not None:
            self._on_delivery(delivery)

    def _forget(self, listener_id: str) -> None:
        if listener_id in self.open_ids:
            self.open_ids.remove(listener_id)


def sdk_builtins() -> dict[str, Path]:
    """The SDK shims, require()-able in every function: wx-server-sdk and the client's wx."""
    builtins = {p.stem: p for p in (JS_DIR / "builtins").glob("w*.js")}  # wx-server-sdk, wxsim-*
    builtins.update({f"wxsim:sdk/{p.stem}": p for p in (JS_DIR / "sdk").glob("*.js")})
    return builtins


def _as_cloud_error(dispatch: Callable[[Request], dict], request: Request) -> dict:
    """The JS runtime forwards CloudErrors to the SDK; other expected errors must be one."""
    try:
        return dispatch(request)
    except CloudError:
        raise
    except WxApiError as exc:
        raise CloudError(exc.errcode, exc.errmsg) from None
    except SimulatorError as exc:
        raise CloudError(-1, exc.reason or str(exc)) from None


def _load(path: Path) -> list[Invocation]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[-HISTORY:]
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for line in lines:
        try:
            out.append(Invocation(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return out
