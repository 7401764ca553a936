"""The Node.js runtime with real npm packages: dependencies, the real wx-server-sdk, sdk_problem.

These tests install packages with ``npm install`` (network, ~10 s the first time); a failed
install fails the test, since running real packages is the point of this runtime.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from app.core.functions.runtime.node import NodePool, find_node, sdk_problem

pytestmark = pytest.mark.skipif(
    find_node() is None, reason="Node.js (node) is not installed: the Node runtime needs it"
)

DEPS_FUNCTION = """const dayjs = require('dayjs')
const { v4, validate } = require('uuid')
const loadedAt = Date.now()
exports.main = async (event) => {
  const id = v4()
  return { date: dayjs(event.date).add(1, 'day').format('YYYY-MM-DD'), valid: validate(id), id, loadedAt }
}
"""

SDK_FUNCTION = """const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
exports.main = async (event) => {
  const { OPENID, ENV, SOURCE } = cloud.getWXContext()
  const res = await db.collection('todos').where({ done: false }).get()
  return { OPENID, ENV, SOURCE, data: res.data }
}
"""


def npm_install(folder: Path, *packages: str) -> Path:
    """``npm install`` into ``folder`` (created with a package.json); fails the test on error."""
    npm = shutil.which("npm")
    assert npm, "npm is not on PATH: these tests need it to install real packages"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(
        json.dumps({"name": folder.name, "version": "1.0.0", "private": True})
    )
    done = subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
            *packages,
        ],
        check=False,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (
        f"npm install {' '.join(packages)} failed:\n{done.stdout}\n{done.stderr}"
    )
    return folder


@pytest.fixture(scope="module")
def deps_function(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = npm_install(tmp_path_factory.mktemp("cloudfunctions") / "deps", "dayjs@1", "uuid@9")
    (folder / "index.js").write_text(DEPS_FUNCTION)
    return folder


@pytest.fixture(scope="module")
def sdk_function(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = npm_install(tmp_path_factory.mktemp("cloudfunctions") / "sdk", "wx-server-sdk@4")
    (folder / "index.js").write_text(SDK_FUNCTION)
    return folder


@pytest.fixture(scope="module")
def pool() -> Iterator[NodePool]:
    with NodePool(spare_workers=1) as p:
        yield p


class _Gateway(BaseHTTPRequestHandler):
    """A stand-in for the simulator's HTTP gateway: records requests, answers getDocument."""

    seen: ClassVar[list[dict]] = []

    def do_POST(self) -> None:  # http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append({"path": self.path, **body})
        doc = json.dumps({"_id": "t1", "title": "write tests", "done": False})
        reply = json.dumps({"requestId": "req-gw", "data": {"list": [doc]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[tuple[str, list[dict]]]:
    _Gateway.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/admin", _Gateway.seen
    server.shutdown()
    server.server_close()


def test_real_npm_dependencies_run(deps_function, pool):
    """dayjs (pure JS) and uuid (Node's crypto) installed by npm work as in Node."""
    outcome = pool.invoke(deps_function, {"date": "2024-02-28"}, {}, {}, 10.0)
    assert outcome.error is None, outcome.error
    assert outcome.result["date"] == "2024-02-29"
    assert outcome.result["valid"] is True
    again = pool.invoke(deps_function, {"date": "2024-12-31"}, {}, {}, 10.0).result
    assert again["date"] == "2025-01-01"
    assert again["id"] != outcome.result["id"] and again["loadedAt"] == outcome.result["loadedAt"]


def test_reinstalling_packages_recycles_the_instance(deps_function, pool):
    """An npm install (it rewrites node_modules/.package-lock.json) loads the packages afresh."""
    first = pool.invoke(deps_function, {"date": "2024-01-01"}, {}, {}, 10.0).result
    lock = deps_function / "node_modules" / ".package-lock.json"
    later = time.time_ns() + 10**9
    os.utime(lock, ns=(later, later))
    second = pool.invoke(deps_function, {"date": "2024-01-01"}, {}, {}, 10.0).result
    assert second["loadedAt"] > first["loadedAt"]


def test_real_wx_server_sdk_talks_to_the_gateway(sdk_function, pool, gateway):
    """The unmodified SDK reads getWXContext and the gateway URL per call (a URL per invocation
    lets the gateway tell whose request it is) and sends its database call there."""
    url, seen = gateway
    env = {
        "SCF_NAMESPACE": "env-1",
        "TCB_ENV": "env-1",
        "TCB_SOURCE": "wx_client",
        "TCB_CONTEXT_KEYS": "TCB_ENV,TCB_SEQID,TCB_SOURCE",
        "WX_CONTEXT_KEYS": "WX_OPENID,WX_APPID",
        "WX_APPID": "wx0123456789abcdef",
    }
    results = []
    for openid in ("oA", "oB"):
        per_call = {
            "WX_OPENID": openid,
            "TCB_SEQID": f"req-{openid}",
            "TCB_CONTEXT_CNFG": json.dumps({"URL": f"{url}/req-{openid}"}),
        }
        outcome = pool.invoke(sdk_function, {}, {}, {**env, **per_call}, 15.0)
        assert outcome.error is None, (outcome.error, [line.text for line in outcome.logs])
        results.append(outcome.result)
    assert [r["OPENID"] for r in results] == ["oA", "oB"]
    assert results[0]["ENV"] == "env-1" and results[0]["SOURCE"] == "wx_client"
    assert results[0]["data"] == [{"_id": "t1", "title": "write tests", "done": False}]
    assert [(r["action"], r["collectionName"], r["envName"]) for r in seen] == [
        ("database.getDocument", "todos", "env-1")
    ] * 2
    assert seen[0]["path"].startswith("/admin/req-oA?env=env-1&seqId=req-oA")
    assert seen[1]["path"].startswith("/admin/req-oB?env=env-1&seqId=req-oB")


def test_sdk_problem_names_what_to_install(tmp_path: Path, deps_function, sdk_function):
    """No node_modules/wx-server-sdk (or a declared package missing) says to run npm install."""
    bare = tmp_path / "cloudfunctions" / "login"
    bare.mkdir(parents=True)
    (bare / "index.js").write_text("exports.main = () => 1")
    assert sdk_problem(bare) == (
        "Cloud function login cannot run on Node.js: wx-server-sdk is not installed in its folder. "
        "Run `npm install` in cloudfunctions/login, or use the embedded runtime."
    )
    (bare / "package.json").write_text(
        json.dumps({"dependencies": {"wx-server-sdk": "~2.6.3", "dayjs": "^1"}})
    )
    assert "wx-server-sdk, dayjs are not installed" in sdk_problem(bare)
    assert "wx-server-sdk is not installed" in sdk_problem(
        deps_function
    )  # dayjs and uuid are there
    assert sdk_problem(sdk_function) is None
    (bare / "package.json").write_text("{ not json")
    assert "package.json cannot be read" in sdk_problem(bare)


def test_find_node_honours_an_explicit_setting(tmp_path: Path):
    """A configured file or folder is used as given; one that does not exist is not replaced."""
    on_path = find_node()
    assert find_node(on_path) == on_path
    assert find_node(str(Path(on_path).parent)) == str(Path(on_path).parent / Path(on_path).name)
    assert find_node(str(tmp_path / "nowhere" / "node")) is None
    assert find_node("no-such-node-binary") is None
