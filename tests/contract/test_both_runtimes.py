"""The same cloud function, unmodified, answers the same in the embedded and the Node runtime."""

from __future__ import annotations

import json
import os

import pytest

from app.core.functions.sdk import call_function
from app.core.workspace import Workspace
from tests.contract.conftest import NODE, NPM, SDK_VERSIONS, install_sdk

# Database, storage and function operations, with the user-visible results a test can compare.
SAME = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
exports.main = async (event) => {
  const out = {}
  const todos = db.collection('todos')
  out.added = (await todos.add({ data: { _id: 'n-' + event.tag, title: 'x', progress: 10, tags: [] } })).errMsg
  out.updated = await todos.doc('n-' + event.tag).update({ data: { progress: _.inc(5), tags: _.push(['a']) } })
  out.get = await todos.where({ progress: _.gte(15) }).orderBy('progress', 'asc').field({ title: true, progress: true }).get()
  out.count = await todos.where({ done: _.neq(true) }).count()
  out.missing = await todos.doc('nope').get().catch((e) => ({ errCode: e.errCode, errMsg: e.errMsg }))
  out.noColl = await db.collection('nosuch').get().catch((e) => ({ errCode: e.errCode }))
  const up = await cloud.uploadFile({ cloudPath: 'same/' + event.tag + '.txt', fileContent: Buffer.from('hi ' + event.tag) })
  out.upload = { fileID: up.fileID, errMsg: up.errMsg }
  out.download = (await cloud.downloadFile({ fileID: up.fileID })).fileContent.toString()
  out.deleted = (await cloud.deleteFile({ fileList: [up.fileID] })).fileList
  out.called = (await cloud.callFunction({ name: 'echo', data: { x: 1 } })).result
  out.ctx = cloud.getWXContext()
  await todos.doc('n-' + event.tag).remove()
  return out
}
"""
ECHO = "exports.main = async (e) => ({ x: e.x, user: e.userInfo ? e.userInfo.openId : null })"


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_same_results_in_both_runtimes(version, tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    node_modules = install_sdk(version)
    root = tmp_path / "p"
    for name, code in (("same", SAME), ("echo", ECHO)):
        folder = root / "cloudfunctions" / name
        folder.mkdir(parents=True)
        (folder / "index.js").write_text(code, encoding="utf-8")
        os.symlink(node_modules, folder / "node_modules")  # what `npm install` in the folder gives
    (root / "project.config.json").write_text(json.dumps(
        {"appid": "wx0123456789abcdef", "projectname": "same", "cloudfunctionRoot": "cloudfunctions/"}))
    ws = Workspace.open(tmp_path / "d", root)
    try:
        ws.database.create_collection("todos")
        ws.database.import_documents("todos", [{"_id": "t1", "progress": 20, "title": "t", "done": False}],
                                     upsert=False, atomic=True)
        caller = ws.client_caller("学生A")
        answers = {}
        for runtime in ("v8", "node"):
            ws.state.set_function_runtime("same", runtime)
            outcome = call_function(ws.handle, caller, "same", {"tag": "run"})
            assert outcome.ok, outcome.value
            answers[runtime] = outcome.value["result"]
        assert answers["node"] == answers["v8"]
        result = answers["node"]
        assert result["get"]["errMsg"] == "collection.get:ok" and [d["_id"] for d in result["get"]["data"]] == ["n-run", "t1"]
        assert result["missing"]["errMsg"] == "document.get:fail document with _id nope does not exist"
        assert result["download"] == "hi run" and result["called"]["user"] == ws.identity.persona("学生A").openid
        assert result["ctx"]["OPENID"] == ws.identity.persona("学生A").openid and result["ctx"]["SOURCE"] == "wx_client"
        node_events = [e for e in ws.events.recent() if e.action.startswith(("database.", "storage.")) and e.parent_id]
        assert node_events, "the Node run's requests nest under its call in the timeline"
    finally:
        ws.close()
