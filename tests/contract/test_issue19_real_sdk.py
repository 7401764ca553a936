"""Issue 19 with the real SDKs: ObjectIds, updateAndReturn and the backend's error codes.

The real wx-server-sdk (4.0.2, 2.6.3) in a cloud function answers the same as the embedded
shim for ObjectIds; a missing function reaches each as its own SDK words it. @cloudbase/node-sdk
used directly (the layer under wx-server-sdk, installed with it) gets updateAndReturn's answer,
the FUNCTION_NOT_FOUND code and the server's INVALID_PARAM for 51 fileIDs over the gateway.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from app.core.functions.sdk import call_function
from app.core.http.gateway_server import Gateway
from app.core.workspace import Workspace
from tests.contract.conftest import NEEDS_NODE, SDK_VERSIONS, install_sdk, run_node

pytestmark = NEEDS_NODE
OID, OTHER = "5f1b2c3d4e5f60718293a4b5", "65aa00000000000000000001"

OBJECT_IDS = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
const oid = (id) => ({ $oid: id }) // wx-server-sdk's db has no ObjectId(); the EJSON wrapper goes through
exports.main = async () => {
  const c = db.collection('refs')
  const out = {}
  out.add = await c.add({ data: { _id: oid('%(oid)s'), ref: oid('%(other)s'), n: 1 } })
  const more = [{ ref: oid('%(oid)s'), n: 2 }, { _id: 'plain', ref: '%(oid)s', n: 3 }]
  out.addMany = (await c.add({ data: more }))._ids.length
  out.byId = (await c.where({ _id: oid('%(oid)s') }).get()).data
  out.byIn = (await c.where({ ref: _.in([oid('%(oid)s')]) }).field({ n: true, _id: false }).get()).data
  out.byGt = (await c.where({ ref: _.gt(oid('%(oid)s')) }).field({ n: true, _id: false }).get()).data
  out.ordered = (await c.orderBy('ref', 'desc').field({ n: true, _id: false }).get()).data
  out.missing = await cloud.callFunction({ name: 'no-such-function' })
    .catch((e) => ({ errCode: e.errCode, errMsg: e.errMsg }))
  return out
}
""" % {"oid": OID, "other": OTHER}

# What a missing function is to each: the embedded shim as the cloud's wx-server-sdk reports
# the platform's -501000; the real SDKs over the gateway read the FUNCTION_NOT_FOUND code.
MISSING = {
    "v8": {"errCode": -501000, "errMsg": "callFunction:fail -501000 unknown error. FunctionName parameter could "
                                         "not be found."},
    ("node", "4.0.2"): {"errCode": -1, "errMsg": "callFunction:fail FunctionName parameter could not be found."},
    ("node", "2.6.3"): {"errCode": -501001, "errMsg": "callFunction:fail -501001 resource system error. "
                                                      "requestID {id}, FunctionName parameter could not be found."},
}


def _project(root: Path, node_modules: Path) -> Path:
    folder = root / "cloudfunctions" / "oids"
    folder.mkdir(parents=True)
    (folder / "index.js").write_text(OBJECT_IDS, encoding="utf-8")
    os.symlink(node_modules, folder / "node_modules")
    (root / "project.config.json").write_text(json.dumps(
        {"appid": "wx0123456789abcdef", "projectname": "oids", "cloudfunctionRoot": "cloudfunctions/"}))
    return root


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_objectids_answer_the_same_in_both_runtimes(version, tmp_path):
    """{$oid} values as _id and in fields: stored, matched, ordered, answered as 24-hex strings."""
    node_modules = install_sdk(version)
    answers = {}
    for runtime in ("v8", "node"):
        ws = Workspace.open(tmp_path / runtime / "d", _project(tmp_path / runtime / "p", node_modules))
        try:
            ws.database.create_collection("refs")
            ws.state.set_function_runtime("oids", runtime)
            outcome = call_function(ws.handle, ws.client_caller("学生A"), "oids", {})
            assert outcome.ok, outcome.value
            answers[runtime] = outcome.value["result"]
        finally:
            ws.close()
    missing = {runtime: answers[runtime].pop("missing") for runtime in answers}
    assert missing["v8"] == MISSING["v8"]
    request_id = re.search(r"requestID (\w+), ", missing["node"]["errMsg"])  # 2.x names the request
    expected = MISSING[("node", version)]
    errmsg = expected["errMsg"].replace("{id}", request_id[1] if request_id else "")
    assert missing["node"] == {**expected, "errMsg": errmsg}
    assert answers["node"] == answers["v8"]
    result = answers["node"]
    assert result["add"] == {"_id": OID, "errMsg": "collection.add:ok"} and result["addMany"] == 2
    assert result["byId"] == [{"_id": OID, "ref": OTHER, "n": 1}]
    assert result["byIn"] == [{"n": 2}] and result["byGt"] == [{"n": 1}]
    # desc: ObjectIds above strings, the larger ObjectId first
    assert result["ordered"] == [{"n": 1}, {"n": 2}, {"n": 3}]


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_node_sdk_directly(version, tmp_path):
    """updateAndReturn, ObjectIds, FUNCTION_NOT_FOUND and 51 fileIDs through the gateway."""
    ws = Workspace.open(tmp_path / "d")
    gateway = Gateway(ws.handle, ws.settings.env_id, appid=ws.settings.appid)
    try:
        ws.database.create_collection("c")
        gateway.start()
        out = run_node("node_sdk.js", gateway.node_env("wx_client"), install_sdk(version), "c")
    finally:
        gateway.stop()
        ws.close()
    assert out["add"] == {"ok": {"ids": 2}}
    first = out["andReturn"]["ok"]
    assert first["updated"] == 1 and {k: v for k, v in first["doc"].items() if k != "_id"} == {"a": 2, "n": 1}
    assert out["sameValue"]["ok"] == first  # the match counts though nothing changed
    assert out["noMatch"] == {"ok": {"updated": 0, "doc": None}}
    assert out["inTransaction"] == {"ok": {"updated": 1, "a": 3, "before": 0, "after": 1}}
    assert out["addOid"]["ok"]["id"] == OID
    assert out["getOid"] == {"ok": [{"_id": OID, "ref": OID}]}
    assert out["missingFunction"] == {"err": {"code": "FUNCTION_NOT_FOUND",
                                              "message": "FunctionName parameter could not be found."}}
    assert out["deleteTooMany"] == {"err": {"code": "INVALID_PARAM",
                                            "message": "fileid_list has 51 files; at most 50 per call"}}
