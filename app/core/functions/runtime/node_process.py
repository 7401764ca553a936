"""Node.js worker processes (js/node/worker.js), finding ``node``, checking a function's packages."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from app.core import host_os
from app.core.functions.runtime.process import PipeWorker
from app.core.functions.runtime.worker_start import spawn_piped
from app.core.reasons import Reason

WORKER_JS = Path(__file__).resolve().parents[1] / "js" / "node" / "worker.js"

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
    exe = host_os.node_executable_name()
    name = configured or "node"
    if not any(sep and sep in name for sep in (os.sep, os.altsep)) and not name.startswith("~"):
        found = shutil.which(name)
        if found or name != "node":
            return found
        # An app started from a desktop launcher (macOS Finder above all) has no shell PATH.
        return next((str(p) for p in host_os.node_install_places() if _runnable(p)), None)
    path = Path(name).expanduser()
    if path.is_dir():
        path = path / exe
    return str(path) if _runnable(path) else None


def _runnable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def sdk_problem(function_dir: Path) -> str | None:
    """Why the function cannot run on Node.js as it is (a package not installed), or None."""
    reason = sdk_reason(function_dir)
    return None if reason is None else str(reason)


def sdk_reason(function_dir: Path) -> Reason | None:
    """:func:`sdk_problem` as a Reason, for the app to say in the person's language.

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
        return Reason("functions.package_json_unreadable", "{where}/package.json cannot be read ({detail}); "
                      "fix it and run `npm install` there.", where=where, detail=str(exc))
    if not isinstance(declared, dict):
        return Reason("functions.package_json_bad_dependencies", '{where}/package.json: "dependencies" must be '
                      "an object; fix it and run `npm install` there.", where=where)
    wanted = ["wx-server-sdk", *(name for name in declared if name != "wx-server-sdk")]
    missing = [n for n in wanted if not (folder / "node_modules" / n / "package.json").is_file()]
    if not missing:
        return None
    if len(missing) == 1:
        return Reason("functions.sdk_missing_one", "Cloud function {function} cannot run on Node.js: {names} is not "
                      "installed in its folder. Run `npm install` in {where}, or use the embedded runtime.",
                      function=folder.name, names=missing[0], where=where)
    return Reason("functions.sdk_missing", "Cloud function {function} cannot run on Node.js: {names} are not "
                  "installed in its folder. Run `npm install` in {where}, or use the embedded runtime.",
                  function=folder.name, names=", ".join(missing), where=where)


def worker_env() -> dict[str, str]:
    """The environment a worker starts with (per-call variables come with each invoke)."""
    inherited = {k: v for k, v in os.environ.items() if k.upper() in INHERITED_ENV}
    return {**inherited, **SDK_ENV_DEFAULTS}


class NodeProcess(PipeWorker):
    """One ``node worker.js`` process; one invocation at a time (the pool guarantees that)."""

    label = "Node.js worker"

    def __init__(self, node: str, heap_mb: int, init: dict) -> None:
        self.node_version = ""
        argv = [node, f"--max-old-space-size={heap_mb}", str(WORKER_JS)]
        super().__init__(spawn_piped(argv, worker_env()), init)

    def _on_ready(self, msg: dict) -> None:
        self.node_version = str(msg.get("node", ""))
        super()._on_ready(msg)
