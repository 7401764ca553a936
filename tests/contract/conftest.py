"""The real wx-server-sdk, installed once per version, against a gateway on a real workspace.

``npm install`` runs only when ``.cache/npm-sdk-<version>/`` lacks that exact version, into a
staging folder renamed into place when complete, so an interrupted install is never reused.
No ``node``/``npm`` on the machine skips the contract tests; a failing install fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.events import Event
from app.core.http.gateway_server import Gateway
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
NODE_DIR = Path(__file__).resolve().parent / "node"
SDK_VERSIONS = ("4.0.2", "2.6.3")  # the latest, and the pin of older WeChat DevTools templates
NODE = shutil.which("node")
NPM = shutil.which("npm")
NEEDS_NODE = pytest.mark.skipif(
    not (NODE and NPM), reason="the contract tests run the real wx-server-sdk: they need node and npm on PATH"
)
APPID = "wx0123456789abcdef"
ECHO = """\
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  if (event.fail) throw new Error('boom')
  const { OPENID, SOURCE } = cloud.getWXContext()
  return { got: event.x, openid: OPENID || null, source: SOURCE, userInfo: event.userInfo || null }
}
"""
TODOS = [
    {"_id": "t1", "title": "a", "done": False, "progress": 20},
    {"_id": "t2", "title": "b", "done": False, "progress": 50},
    {"_id": "t3", "title": "c", "done": True, "progress": 90},
    {"_id": "t4", "title": "d", "done": False, "progress": 5},
]


def install_sdk(version: str) -> Path:
    """The ``node_modules`` holding ``wx-server-sdk@version``, installed on first use.

    npm has now and then left a package without its ``dist/`` here (seen twice in fresh
    clones, never reproduced on demand), so an install counts only once Node can load the SDK;
    otherwise it is tried again from a clean folder, the last time bypassing npm's cache.
    """
    target = CACHE / f"npm-sdk-{version}"
    if _installed(target) == version and _loads(target):
        return target / "node_modules"
    problems = []
    for attempt in range(3):
        staging = CACHE / f"npm-sdk-{version}.partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "package.json").write_text(json.dumps({"name": "wxsim-sdk-cache", "private": True}), encoding="utf-8")
        command = [NPM, "install", "--no-audit", "--no-fund", "--ignore-scripts", f"wx-server-sdk@{version}"]
        if attempt == 2:
            command.append("--prefer-online")
        try:
            done = subprocess.run(command, cwd=staging, capture_output=True, text=True, timeout=900, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            pytest.fail(f"`{' '.join(command)}` could not run: {exc}", pytrace=False)
        if done.returncode == 0 and _installed(staging) == version and _loads(staging):
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
            return target / "node_modules"
        problems.append(f"`{' '.join(command)}` (exit {done.returncode}):\n{done.stderr[-2000:]}")
        shutil.rmtree(staging, ignore_errors=True)
    pytest.fail("wx-server-sdk could not be installed:\n" + "\n".join(problems), pytrace=False)


def _loads(folder: Path) -> bool:
    """Whether Node can load the installed SDK (every file its packages point at is there)."""
    done = subprocess.run([NODE, "-e", "require('wx-server-sdk')"], cwd=folder, capture_output=True,
                          text=True, timeout=120, check=False)
    return done.returncode == 0


def _installed(folder: Path) -> str | None:
    try:
        manifest = json.loads((folder / "node_modules" / "wx-server-sdk" / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("version")


def run_node(script: str, env: dict[str, str], node_path: Path, *args: str) -> dict:
    """Run ``tests/contract/node/<script>`` and return the one JSON object it prints."""
    done = subprocess.run(
        [NODE, str(NODE_DIR / script), *args], env={**os.environ, **env, "NODE_PATH": str(node_path)},
        capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def open_workspace(folder: Path) -> Workspace:
    """A workspace on a project with one function (``echo``) and a ``todos`` collection."""
    project = folder / "project"
    (project / "cloudfunctions" / "echo").mkdir(parents=True)
    config = {"appid": APPID, "projectname": "contract", "cloudfunctionRoot": "cloudfunctions/"}
    (project / "project.config.json").write_text(json.dumps(config), encoding="utf-8")
    (project / "cloudfunctions" / "echo" / "index.js").write_text(ECHO, encoding="utf-8")
    workspace = Workspace.open(folder / "data", project)
    admin = Caller.admin("console")
    workspace.handle(Request("database.addCollection", {"collectionName": "todos"}, admin))
    workspace.handle(Request("database.insertDocument", {"collectionName": "todos", "data": TODOS}, admin))
    return workspace


@dataclass
class ContractRun:
    """One SDK version's run of contract.js, and the workspace it ran against."""

    version: str
    node_path: Path
    workspace: Workspace
    gateway: Gateway
    caller: Caller
    parent_id: str
    results: dict
    events: list[Event]  # the requests the run made, in order

    def file_id(self, path: str) -> str:
        return self.workspace.storage.file_id(path)


PARENT_ID = "contract-parent-event"
SEQ_ID = "contract-run-1"


@pytest.fixture(scope="module", params=SDK_VERSIONS, ids=lambda v: f"sdk{v}")
def contract_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractRun]:
    """contract.js run once per SDK version, as a registered run of the first persona."""
    if not (NODE and NPM):
        pytest.skip("the contract tests run the real wx-server-sdk: they need node and npm on PATH")
    node_path = install_sdk(request.param)
    workspace = open_workspace(tmp_path_factory.mktemp(f"contract-{request.param}"))
    gateway = Gateway(workspace.handle, workspace.settings.env_id, appid=workspace.settings.appid)
    try:
        gateway.start()
        persona = workspace.identity.personas()[0]
        caller = Caller("admin", "wx_client", persona.openid, workspace.settings.appid, persona.unionid, persona.name)
        env = gateway.node_env("wx_client", persona.openid, workspace.settings.appid, persona.unionid, SEQ_ID)
        script_input = {"fileContent": "hello gateway 你好", "templateId": "T1",
                        "missingFileID": workspace.storage.file_id("contract/missing.txt")}
        with gateway.register_invocation(SEQ_ID, caller, PARENT_ID):
            results = run_node("contract.js", env, node_path, json.dumps(script_input))
        events = [e for e in workspace.events.recent() if e.parent_id == PARENT_ID]
        yield ContractRun(request.param, node_path, workspace, gateway, caller, PARENT_ID, results, events)
    finally:
        gateway.stop()
        workspace.close()


def on_both_runtimes(tmp_path: Path, version: str, make_project: Callable[[Path], Path],
                     functions: tuple[str, ...] = ("oa",), **open_options) -> Iterator[tuple[str, Workspace]]:
    """("v8" | "node", workspace): the same project in two fresh workspaces, its ``functions`` run
    by the embedded shim, then by real Node with wx-server-sdk@version; each closed after use.
    Fresh workspaces draw the same tokens, so the two runs' answers can be compared exactly."""
    node_modules = install_sdk(version)
    for runtime in ("v8", "node"):
        project = make_project(tmp_path / runtime / "project")
        workspace = Workspace.open(tmp_path / runtime / "data", project, **open_options)
        try:
            for function in functions:
                os.symlink(node_modules, project / "cloudfunctions" / function / "node_modules")
                workspace.state.set_function_runtime(function, runtime)
            yield runtime, workspace
        finally:
            workspace.close()
