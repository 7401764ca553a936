"""The project's cloud functions: folders under ``cloudfunctionRoot`` and their config.json."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from app.core import jsontext
from app.core.functions.cron import Cron, CronError
from app.core.reasons import Reason

DEFAULT_TIMEOUT_S = 3.0  # spec §2.6
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 1.0, 60.0
ENTRY = "index.js"


@dataclass(frozen=True)
class TimerTrigger:
    name: str
    cron: Cron


@dataclass(frozen=True)
class FunctionInfo:
    """One cloud function as the pane and the runner see it."""

    name: str
    folder: Path
    timeout_s: float = DEFAULT_TIMEOUT_S
    trigger: TimerTrigger | None = None
    env_variables: dict[str, str] = field(default_factory=dict)
    modified: float = 0.0  # newest mtime of its own files (node_modules aside)
    problem: str | None = None  # what is wrong with its config.json, in words
    problem_why: Reason | None = None  # the same as a Reason, for the app to say


class Catalog:
    """Finds functions on every call, so edits on disk are seen by the next invocation."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def functions(self) -> list[FunctionInfo]:
        if self.root is None or not self.root.is_dir():
            return []
        return [
            read_function(folder)
            for folder in sorted(self.root.iterdir())
            if folder.is_dir() and (folder / ENTRY).is_file()
        ]

    def find(self, name: str) -> FunctionInfo | None:
        if self.root is None or not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        folder = self.root / name
        return read_function(folder) if (folder / ENTRY).is_file() else None


def read_function(folder: Path) -> FunctionInfo:
    """Read a function folder; a bad config.json is reported, defaults are used meanwhile."""
    modified = _newest_mtime(folder)
    config_file = folder / "config.json"
    if not config_file.is_file():
        return FunctionInfo(folder.name, folder, modified=modified)
    try:
        config = jsontext.loads(config_file.read_text(encoding="utf-8"), what="")  # project code: untrusted
        if not isinstance(config, dict):
            raise _Bad(Reason("functions.config_not_object", "it must hold a JSON object"))
        timeout = _timeout(config.get("timeout", DEFAULT_TIMEOUT_S))
        env = config.get("envVariables") or {}
        if not isinstance(env, dict):
            raise _Bad(Reason("functions.config_env_not_object", "envVariables must be an object"))
        trigger = _trigger(config.get("triggers") or [])
    except (ValueError, CronError, UnicodeDecodeError) as exc:
        inner = getattr(exc, "reason", None) if isinstance(exc, (_Bad, CronError, jsontext.JsonTextError)) else None
        why = Reason("functions.config_problem", "config.json: {problem}", problem=inner or str(exc))
        return FunctionInfo(folder.name, folder, modified=modified, problem=str(why), problem_why=why)
    return FunctionInfo(
        folder.name, folder, timeout, trigger, {str(k): str(v) for k, v in env.items()}, modified
    )


def _timeout(value: object) -> float:
    if type(value) not in (int, float) or not MIN_TIMEOUT_S <= value <= MAX_TIMEOUT_S:
        raise _Bad(Reason("functions.config_bad_timeout", "timeout must be a number of seconds from 1 to 60, "
                          "not {value}", value=repr(value)))
    return float(value)


def _trigger(triggers: object) -> TimerTrigger | None:
    if not isinstance(triggers, list):
        raise _Bad(Reason("functions.config_triggers_not_list", "triggers must be a list"))
    timers = [t for t in triggers if isinstance(t, dict) and t.get("type") == "timer"]
    if len(timers) > 1:
        raise _Bad(Reason("functions.config_one_trigger", "only one trigger is allowed per function"))
    if not timers:
        return None
    return TimerTrigger(str(timers[0].get("name") or "timer"), Cron.parse(str(timers[0].get("config", ""))))


class _Bad(ValueError):
    """What is wrong with a config.json, as a Reason."""

    def __init__(self, reason: Reason) -> None:
        self.reason = reason
        super().__init__(str(reason))


def _newest_mtime(folder: Path) -> float:
    # node_modules is pruned, not filtered: the pane rescans every few seconds, and an
    # installed wx-server-sdk alone is hundreds of files.
    newest = 0.0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "node_modules"]
        for name in files:
            try:
                newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
            except OSError:
                continue
    return newest
