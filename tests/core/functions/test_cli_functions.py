"""§9.9 F1–F6 end to end through `wxsim call` and `wxsim run-client` (DESIGN §5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.functions.test_runner import make_project

ROOT = Path(__file__).resolve().parents[3]

FUNCTIONS = {
    "add": "exports.main = async (e) => e.a + e.b",
    "nothing": "exports.main = async () => {}",
    "boom": "exports.main = async () => { throw new Error('boom') }",
    "who": "const cloud = require('wx-server-sdk'); cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })\n"
           "exports.main = async (e) => ({ e, c: cloud.getWXContext() })",
    "callsAdd": "const cloud = require('wx-server-sdk'); cloud.init()\n"
                "exports.main = async () => { const r = await cloud.callFunction({ name: 'add', data: { a: 1, b: 2 } })\n"
                "  const w = await cloud.callFunction({ name: 'who', data: {} }); return { r, source: w.result.c.SOURCE } }",
    "usesDep": "const pad = require('left-pad'); exports.main = async () => pad('7', 3, '0')",
    "usesFs": "exports.main = async () => require('fs').readFileSync('/etc/passwd', 'utf8')",
    "hog": "exports.main = async () => { const a = []; while (true) a.push(new Array(1e6).fill(1)) }",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("cli") / "p", FUNCTIONS)
    dep = root / "cloudfunctions" / "usesDep" / "node_modules" / "left-pad"
    dep.mkdir(parents=True)
    (dep / "package.json").write_text('{"name": "left-pad", "main": "index.js"}')
    (dep / "index.js").write_text(
        "module.exports = (s, n, c) => { s = String(s); while (s.length < n) s = c + s; return s }")
    return root


def wxsim(project, tmp_path, *args):
    out = subprocess.run(
        [sys.executable, "-m", "app", *args, "--project", str(project), "--data-dir", str(tmp_path / "d")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    return out.returncode, json.loads(out.stdout) if out.stdout.strip() else None, out.stderr


def test_f1_f2_f3_f4(project, tmp_path):
    code, value, _ = wxsim(project, tmp_path, "call", "add", "--data", '{"a": 1, "b": 2}', "--as", "学生A")
    assert code == 0 and value["result"] == 3 and value["errMsg"] == "cloud.callFunction:ok"
    code, value, _ = wxsim(project, tmp_path, "call", "nothing", "--as", "学生A")
    assert code == 0 and value["result"] is None
    code, value, _ = wxsim(project, tmp_path, "call", "boom", "--as", "学生A")
    assert code == 1 and value["errCode"] == -404011 and "-504002" in value["errMsg"] and "boom" in value["errMsg"]
    code, value, _ = wxsim(project, tmp_path, "call", "nope")
    assert code == 1 and "-501000" in value["errMsg"] and "FunctionName parameter could not be found" in value["errMsg"]


def test_f5_context_through_run_client(project, tmp_path):
    script = tmp_path / "f5.js"
    script.write_text("exports.main = async () => (await wx.cloud.callFunction({ name: 'who', data: { x: 1 } })).result")
    code, value, err = wxsim(project, tmp_path, "run-client", str(script), "--openid", "oAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert code == 0, err
    assert value["e"] == {"x": 1, "userInfo": {"appId": "wxabc0123456789def", "openId": "oAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}
    assert value["c"]["OPENID"] == "oAAAAAAAAAAAAAAAAAAAAAAAAAAA" and value["c"]["APPID"] == "wxabc0123456789def"
    assert value["c"]["SOURCE"] == "wx_client" and value["c"]["ENV"].startswith("fntest-")


def test_f6_and_the_source_chain(project, tmp_path):
    code, value, err = wxsim(project, tmp_path, "call", "callsAdd", "--as", "学生B")
    assert code == 0, err
    assert value["result"]["r"]["result"] == 3 and value["result"]["r"]["errMsg"] == "callFunction:ok"
    assert value["result"]["source"] == "wx_client,scf"


def test_run_client_rejection_is_errcode_errmsg(project, tmp_path):
    script = tmp_path / "missing.js"
    script.write_text("exports.main = async () => wx.cloud.database().collection('nosuch').get()")
    code, value, _ = wxsim(project, tmp_path, "run-client", str(script))
    assert code == 1 and value["errCode"] == -502005
    assert value["errMsg"].startswith("collection.get:fail -502005 database collection not exists")


def test_node_modules_dependency_and_unavailable_builtin(project, tmp_path):
    assert wxsim(project, tmp_path, "call", "usesDep")[1]["result"] == "007"
    code, value, _ = wxsim(project, tmp_path, "call", "usesFs")
    assert code == 1 and "Cannot find module 'fs'" in value["errMsg"]


def test_runaway_allocation_is_stopped(project, tmp_path):
    code, value, _ = wxsim(project, tmp_path, "call", "hog")
    assert code == 1 and value["errCode"] == -404011
    assert wxsim(project, tmp_path, "call", "add", "--data", '{"a": 2, "b": 3}')[1]["result"] == 5


def test_concurrent_invocations_do_not_corrupt_the_database(tmp_path):
    """Four functions writing at once through the SDK: every document lands, once."""
    import threading

    from app.core.functions.sdk import call_function
    from app.core.requests import Caller
    from app.core.workspace import Workspace

    code = ("const cloud = require('wx-server-sdk'); cloud.init(); const db = cloud.database()\n"
            "exports.main = async (e) => { for (let i = 0; i < 20; i++) await db.collection('c').add({ data: { w: e.w, i } }); return 1 }")
    ws = Workspace.open(tmp_path / "d", make_project(tmp_path / "p", {"writer": code}))
    try:
        ws.database.create_collection("c")
        results = []
        threads = [threading.Thread(target=lambda w=w: results.append(
            call_function(ws.handle, Caller.admin(), "writer", {"w": w}).value)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [r.get("result") for r in results] == [1, 1, 1, 1], results
        docs = ws.database.browse("c")
        assert len(docs) == 80 and len({(d["w"], d["i"]) for d in docs}) == 80
    finally:
        ws.close()


def test_sdk_assertions_are_worded_as_wx_server_sdk_words_them(tmp_path):
    """A cloud function (JS shim) gets the SDK's own errors: the backend's words for 不能更新_id的值
    and update operator complicit, the bare reason for an SDK assertion."""
    from app.core.functions.sdk import call_function
    from app.core.requests import Caller
    from app.core.workspace import Workspace

    code = ("const cloud = require('wx-server-sdk'); cloud.init(); const db = cloud.database()\n"
            "const s = (p) => p.then((ok) => ({ ok }), (e) => ({ errCode: e.errCode, errMsg: e.errMsg }))\n"
            "exports.main = async () => ({\n"
            "  idUpd: await s(db.collection('c').doc('a').update({ data: { _id: 'x', a: 1 } })),\n"
            "  empty: await s(db.collection('c').doc('a').update({ data: {} })),\n"
            "  setOp: await s(db.collection('c').doc('a').set({ data: { a: db.command.inc(1) } })) })")
    ws = Workspace.open(tmp_path / "d", make_project(tmp_path / "p", {"f": code}))
    try:
        ws.database.create_collection("c")
        assert call_function(ws.handle, Caller.admin(), "f").value["result"] == {
            "idUpd": {"errCode": -501007, "errMsg": "document.update:fail -501007 invalid parameters. 不能更新_id的值"},
            "empty": {"errCode": -1, "errMsg": "options.data must not be empty"},
            "setOp": {"errCode": -502001, "errMsg": "document.set:fail -502001 database request fail. update operator complicit"},
        }
    finally:
        ws.close()
