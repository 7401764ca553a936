"""The functions console's own operations: the list with runtimes, history, saved test events,
the Node.js choice, pausing the timer triggers, and running mini program code (a script file or
a typed snippet) as a user.

Only the console may ask for them. Client code run here makes its requests as the chosen
user, nested under the console's request in the timeline.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Callable

from app.core.dispatcher import Action
from app.core.errors import CloudError, InputError
from app.core.functions.catalog import FunctionInfo
from app.core.events import Event
from app.core.functions.client_snippets import ConsoleRun, console_run, explained_requests, run_snippet
from app.core.functions.runner import CLIENT_SCRIPT_TIMEOUT_S, ClientListeners, FunctionRunner, not_found
from app.core.functions.runtime.node import find_node, sdk_reason
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace
from app.core.workspace_state import WorkspaceState

MAX_WATCH_SECONDS = 900  # a client run may keep listening this long (an attached CLI waits 1,000 s)


def function_console_actions(runner: FunctionRunner, state: WorkspaceState,
                             caller_for: Callable[[str | None], Caller], data_dir: Path,
                             events: Callable[[], list[Event]]) -> dict[str, Action]:
    """``caller_for(persona)`` is a persona's mini program caller; ``data_dir`` holds the
    client console's scratch folder; ``events()`` the timeline's (a run's own requests are
    logged under it before it answers, so its answer can explain them)."""

    def node_problem(info: FunctionInfo) -> Reason | None:
        """Why ``info`` cannot run on Node.js here; None if it can."""
        node_path = state.node_path()
        if find_node(node_path) is None:
            if node_path:
                return Reason("functions.node_not_found_at", "Node.js was not found at {path}. Install it, or run "
                              "this function on the embedded runtime.", path=node_path)
            return Reason("functions.node_not_on_path", "Node.js was not found on the PATH. Install it, or run "
                          "this function on the embedded runtime.")
        return sdk_reason(info.folder)

    def node_fields(info: FunctionInfo, runtime: str) -> dict:
        """``nodeProblem`` in English and ``nodeProblemWhy`` as a Reason's dict (None on v8)."""
        why = node_problem(info) if runtime == "node" else None
        return {"nodeProblem": str(why) if why else None, "nodeProblemWhy": why.to_dict() if why else None}

    def function(name: object) -> FunctionInfo:
        info = runner.catalog.find(name) if isinstance(name, str) and name else None
        if info is None:
            raise CloudError(-501000, not_found())
        return info

    def list_functions(request: Request, trace: Trace) -> dict:
        """Every function, or with ``name`` only that one (a command asking about one function
        should not read every function's config.json)."""
        name = request.params.get("name")
        if name is not None:
            found = runner.catalog.find(name) if isinstance(name, str) and name else None
            infos = [found] if found else []
            trace.target = str(name)
        else:
            infos = runner.functions()
            trace.target = f"{len(infos)} function(s)"
        return {"triggersPaused": state.triggers_paused(), "functions": [{
            "name": info.name, "folder": str(info.folder), "timeoutSeconds": info.timeout_s,
            "trigger": {"name": info.trigger.name, "cron": info.trigger.cron.text} if info.trigger else None,
            "modified": info.modified, "problem": info.problem,
            "problemWhy": info.problem_why.to_dict() if info.problem_why else None,
            "runtime": state.function_runtime(info.name), **node_fields(info, state.function_runtime(info.name)),
            "presets": state.function_presets(info.name),
        } for info in infos]}

    def history(request: Request, trace: Trace) -> dict:
        name, wanted = request.params.get("name"), request.params.get("requestId")
        trace.target = str(name or "")
        runs = runner.history(name if isinstance(name, str) and name else None)
        if wanted is not None:
            runs = [run for run in runs if run.request_id == wanted]
        return {"invocations": [asdict(run) for run in runs]}

    def set_runtime(request: Request, trace: Trace) -> dict:
        """Save a function's runtime; with ``thisRunOnly`` only until it is set back to null
        (``wxsim call --runtime``: the saved choice stays)."""
        info = function(request.params.get("name"))
        trace.target = info.name
        runtime = request.params.get("runtime")
        if request.params.get("thisRunOnly"):
            if runtime not in (None, "v8", "node"):
                raise InputError(Reason("workspace.bad_runtime", "The runtime must be v8 or node, not {runtime}.",
                                        runtime=repr(runtime)))
            runner.set_runtime_override(info.name, runtime)
        else:
            state.set_function_runtime(info.name, runtime)  # InputError for anything but v8/node
        effective = runner.runtime(info.name)
        return {"name": info.name, "runtime": effective, **node_fields(info, effective)}

    def save_preset(request: Request, trace: Trace) -> dict:
        info = function(request.params.get("name"))
        trace.target = info.name
        label, payload = request.params.get("label"), request.params.get("payload")
        if not isinstance(label, str) or not isinstance(payload, str):
            raise CloudError(-501007, Reason("functions.preset_not_strings", "label and payload must be strings"))
        state.save_function_preset(info.name, label, payload)
        return {"presets": state.function_presets(info.name)}

    def delete_preset(request: Request, trace: Trace) -> dict:
        name = str(request.params.get("name") or "")
        trace.target = name
        state.delete_function_preset(name, str(request.params.get("label") or ""))
        return {"presets": state.function_presets(name)}

    def set_node_path(request: Request, trace: Trace) -> dict:
        path = request.params.get("path")
        if path is not None and not isinstance(path, str):
            raise CloudError(-501007, Reason("functions.node_path_not_string", "path must be a string or null"))
        trace.target = path or "PATH"
        state.set_node_path(path)
        runner.reset_node_pool()  # the next Node call starts the chosen Node.js
        return {"path": state.node_path(), "found": find_node(state.node_path()) is not None}

    def user(request: Request) -> Caller:
        """The mini program user a client run acts as: a persona, an openid, or signed out."""
        params = request.params
        if params.get("openid"):
            return Caller.client(str(params["openid"]), runner.appid)
        return caller_for(params.get("persona"))

    def run_client(request: Request, trace: Trace) -> dict:
        script = request.params.get("localPath")
        if not isinstance(script, str) or not script:
            raise CloudError(-501007, Reason("client.script_path_missing", "localPath must be the path of the script"))
        trace.target = Path(script).name
        temp = request.params.get("tempDir")
        temp_dir = Path(temp) if isinstance(temp, str) and temp else data_dir / "client-temp"
        temp_dir.mkdir(parents=True, exist_ok=True)
        failures: list[CloudError] = []
        watch_seconds = request.params.get("watchSeconds")
        if watch_seconds is not None and (isinstance(watch_seconds, bool) or not isinstance(watch_seconds, (int, float))
                                          or not 0 <= watch_seconds <= MAX_WATCH_SECONDS):
            raise InputError(Reason("client.watch_seconds_invalid", "watchSeconds must be a number of seconds from 0 "
                                    "to {most}", most=MAX_WATCH_SECONDS))
        listeners = ClientListeners(on_delivery=request.progress)  # run-client prints each as it comes
        outcome = runner.run_client(Path(script), user(request), temp_dir, parent_id=trace.id, failures=failures,
                                    watch_seconds=watch_seconds, listeners=listeners)
        if listeners.open_ids and watch_seconds is None:  # it was still listening: say how to end that
            timed_out = Reason("client.script_kept_listening", "{script} was still listening after {seconds:.0f} "
                               "seconds: close its watchers (watcher.close()) or give --watch-seconds N",
                               script=Path(script).name, seconds=CLIENT_SCRIPT_TIMEOUT_S)
        else:
            timed_out = Reason("client.script_timed_out", "{script} did not finish within {seconds:.0f} seconds",
                               script=Path(script).name, seconds=CLIENT_SCRIPT_TIMEOUT_S)
        run = console_run(outcome, timed_out, failures=failures)
        trace.failure = _failure(run)
        return {**_run_answer(run, outcome), "snapshots": listeners.deliveries}

    def run_typed(request: Request, trace: Trace) -> dict:
        code = request.params.get("code")
        if not isinstance(code, str) or not code.strip():
            raise InputError(Reason("client.no_code", "Type some mini program code first."))
        trace.target = code.strip().splitlines()[0][:60]
        listeners = ClientListeners()
        run = run_snippet(runner, code, user(request), data_dir / "client-console", parent_id=trace.id,
                          listeners=listeners)
        trace.failure = _failure(run)
        # ``explained``: its requests that were denied or came back empty, with why (the
        # console shows them under the result; ``eventId`` is the run's own event).
        # ``listeners``: those it left open, which the console reads on; ``snapshots``: what
        # its listeners were given while it ran.
        return _with_failure({"ok": run.ok, "value": run.value, "logs": run.logs, "durationMs": run.duration_ms,
                              "eventId": trace.id, "explained": explained_requests(events(), trace.id),
                              "snapshots": listeners.deliveries, "listeners": listeners.open_ids}, run)

    def pause_triggers(request: Request, trace: Trace) -> dict:
        """Stop (or resume) every timer trigger, e.g. for a class; saved in workspace.json."""
        paused = request.params.get("paused")
        if not isinstance(paused, bool):
            raise CloudError(-501007, Reason("functions.paused_not_bool", "paused must be true or false"))
        state.set_triggers_paused(paused)
        trace.target = "paused" if paused else "running"
        return {"paused": paused}

    return {
        "functions.list": Action(list_functions, console_only=True),
        "functions.pauseTriggers": Action(pause_triggers, console_only=True),
        "functions.history": Action(history, console_only=True),
        "functions.setRuntime": Action(set_runtime, console_only=True),
        "functions.savePreset": Action(save_preset, console_only=True),
        "functions.deletePreset": Action(delete_preset, console_only=True),
        "functions.setNodePath": Action(set_node_path, console_only=True),
        "client.runScript": Action(run_client, console_only=True),
        "client.runSnippet": Action(run_typed, console_only=True),
    }


def _failure(run: ConsoleRun) -> CloudError | None:
    """The rejection the code met, for the event log (the console's request itself answered)."""
    if run.ok:
        return None
    value = run.value if isinstance(run.value, dict) else {}
    return CloudError(value.get("errCode", -1), str(value.get("errMsg", "")))


def _run_answer(run: ConsoleRun, outcome) -> dict:
    answer = {"ok": run.ok, "value": run.value, "logs": [
        {"level": line.level, "text": line.text} for line in outcome.logs], "durationMs": run.duration_ms}
    if outcome.error is not None and outcome.error.code is None and outcome.error.stack:
        answer["stack"] = outcome.error.stack  # a thrown Error (not an SDK failure): where it was
    return _with_failure(answer, run)


def _with_failure(answer: dict, run: ConsoleRun) -> dict:
    """``failure``: the rejection in core's words (code, English detail, the Reason's dict), so
    the app can say it in the person's language; ``value`` keeps the errMsg the code saw."""
    if run.failure is not None:
        answer["failure"] = run.failure
    return answer
