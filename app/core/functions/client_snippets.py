"""The client console: mini program code typed by a trainer, run as a persona's wx.cloud."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.functions.runner import FunctionRunner
from app.core.requests import Caller

SNIPPET = "snippet.js"


@dataclass(frozen=True)
class ConsoleRun:
    """What a snippet gave: a value, or the rejection the mini program would see."""

    ok: bool
    value: Any  # the resolved value, or {"errCode", "errMsg"}
    logs: list[str]
    duration_ms: float


def wrap(code: str, as_expression: bool) -> str:
    """Make a module of the typed code: a whole module, one expression, or statements."""
    if "exports.main" in code or "module.exports" in code:
        return code
    if as_expression:
        return f"exports.main = async () => (\n{code}\n)\n"
    return f"exports.main = async () => {{\n{code}\n}}\n"


def run_snippet(runner: FunctionRunner, code: str, caller: Caller, folder: Path, *,
                parent_id: str | None = None) -> ConsoleRun:
    """Run ``code`` with a global ``wx`` as ``caller``; an expression's value is returned."""
    folder.mkdir(parents=True, exist_ok=True)
    outcome = None
    for as_expression in (True, False):
        (folder / SNIPPET).write_text(wrap(code.strip().rstrip(";"), as_expression), encoding="utf-8")
        outcome = runner.run_client(folder / SNIPPET, caller, folder, parent_id=parent_id)
        # A SyntaxError is found before anything runs, so trying the other form is safe.
        if not (outcome.error and outcome.error.name == "SyntaxError" and as_expression):
            break
    return console_run(outcome, "the code did not finish within 60 seconds", name_the_error=True)


def console_run(outcome, timeout_message: str, *, name_the_error: bool = False) -> ConsoleRun:
    """What a run of client code gave, as the console shows it: the value, or the rejection
    the mini program would see (``name_the_error``: "TypeError: …" rather than "…")."""
    logs = [f"[{line.level}] {line.text}" for line in outcome.logs]
    if outcome.timed_out:
        return ConsoleRun(False, {"errCode": -1, "errMsg": timeout_message}, logs, outcome.duration_ms)
    if outcome.error is not None:
        error = outcome.error
        text = f"{error.name}: {error.message}" if name_the_error else error.message
        return ConsoleRun(False, {"errCode": error.code if error.code is not None else -1,
                                  "errMsg": error.err_msg or text}, logs, outcome.duration_ms)
    return ConsoleRun(True, outcome.result, logs, outcome.duration_ms)
