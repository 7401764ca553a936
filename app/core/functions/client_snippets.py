"""The client console: mini program code typed by a trainer, run as a persona's wx.cloud."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import CloudError
from app.core.events import OUTCOME_DENIED, OUTCOME_OK, Event
from app.core.functions.runner import ClientListeners, FunctionRunner
from app.core.reasons import Reason
from app.core.requests import Caller

SNIPPET = "snippet.js"


@dataclass(frozen=True)
class ConsoleRun:
    """What a snippet gave: a value, or the rejection the mini program would see."""

    ok: bool
    value: Any  # the resolved value, or {"errCode", "errMsg"}
    logs: list[str]
    duration_ms: float
    # Why it failed in core's words, when core said it: {"code", "detail", "why"} (the Reason's
    # dict); None for a JS error of the code's own or a success.
    failure: dict | None = None


def wrap(code: str, as_expression: bool) -> str:
    """Make a module of the typed code: a whole module, one expression, or statements."""
    if "exports.main" in code or "module.exports" in code:
        return code
    if as_expression:
        return f"exports.main = async () => (\n{code}\n)\n"
    return f"exports.main = async () => {{\n{code}\n}}\n"


def run_snippet(runner: FunctionRunner, code: str, caller: Caller, folder: Path, *,
                parent_id: str | None = None, listeners: ClientListeners | None = None) -> ConsoleRun:
    """Run ``code`` with a global ``wx`` as ``caller``; an expression's value is returned. The
    run ends with its code: realtime listeners it opened stay open (``listeners`` says which)."""
    folder.mkdir(parents=True, exist_ok=True)
    outcome = None
    failures: list[CloudError] = []
    for as_expression in (True, False):
        (folder / SNIPPET).write_text(wrap(code.strip().rstrip(";"), as_expression), encoding="utf-8", newline="")
        failures.clear()
        outcome = runner.run_client(folder / SNIPPET, caller, folder, parent_id=parent_id, failures=failures,
                                    listeners=listeners, hand_over=True)
        # A SyntaxError is found before anything runs, so trying the other form is safe.
        if not (outcome.error and outcome.error.name == "SyntaxError" and as_expression):
            break
    timeout = Reason("client.snippet_timed_out", "the code did not finish within 60 seconds")
    return console_run(outcome, timeout, name_the_error=True, failures=failures)


def console_run(outcome, timeout_message: str | Reason, *, name_the_error: bool = False,
                failures: list[CloudError] = ()) -> ConsoleRun:
    """What a run of client code gave, as the console shows it: the value, or the rejection
    the mini program would see (``name_the_error``: "TypeError: …" rather than "…").

    ``failures`` are the CloudErrors core gave the code's requests: the one the code's error
    carries becomes the run's ``failure``, for the app to say in the person's language."""
    logs = [f"[{line.level}] {line.text}" for line in outcome.logs]
    if outcome.timed_out:
        failure = {"code": None, "detail": str(timeout_message),
                   "why": timeout_message.to_dict() if isinstance(timeout_message, Reason) else None}
        return ConsoleRun(False, {"errCode": -1, "errMsg": str(timeout_message)}, logs, outcome.duration_ms, failure)
    if outcome.error is not None:
        error = outcome.error
        text = f"{error.name}: {error.message}" if name_the_error else error.message
        err_msg = error.err_msg or text
        return ConsoleRun(False, {"errCode": error.code if error.code is not None else -1,
                                  "errMsg": err_msg}, logs, outcome.duration_ms, _failure_in(err_msg, failures))
    return ConsoleRun(True, outcome.result, logs, outcome.duration_ms)


def _failure_in(err_msg: str, failures: list[CloudError]) -> dict | None:
    """The last of core's CloudErrors whose words the errMsg carries (the one the code threw)."""
    for error in reversed(failures):
        if (error.detail or str(error)) in err_msg:
            return {"code": error.code, "detail": error.detail,
                    "why": error.reason.to_dict() if error.reason is not None else None}
    return None


EXPLAINED_SERVICES = ("database", "storage")


def explained_requests(events: list[Event], parent_id: str) -> list[dict]:
    """The run's own database and storage requests that were denied or came back empty, oldest
    first, each with its decision and error as core said them (Reason dicts, for the app to
    say in the person's language) and its event id (to re-run it as someone else)."""
    explained = []
    for event in events:
        if event.parent_id != parent_id or event.caller_kind != "client" or event.service not in EXPLAINED_SERVICES:
            continue
        empty = event.came_back_empty
        if event.outcome != OUTCOME_DENIED and not (event.outcome == OUTCOME_OK and empty):
            continue
        explained.append({
            "eventId": event.id, "action": event.action, "target": event.target, "persona": event.persona,
            "outcome": event.outcome, "empty": empty,
            "collection": event.params.get("collectionName") if isinstance(event.params, dict) else None,
            "permission": event.permission, "permissionReason": event.permission_reason,
            "errorCode": event.error_code, "errorMessage": event.error_message, "errorReason": event.error_reason,
        })
    return explained
