"""Transactions (spec §3.13, §9.9 X1–X3): through the embedded wx-server-sdk and the dispatcher."""

from __future__ import annotations

import json

import pytest

from app.core.database import ejson
from app.core.errors import CloudError
from app.core.functions.sdk import call_function
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.functions.test_runner import make_project

PRELUDE = "const cloud = require('wx-server-sdk'); cloud.init(); const db = cloud.database(); const _ = db.command\n"
FUNCTIONS = {
    "x1": PRELUDE + "exports.main = async () => db.runTransaction(async (t) => {\n"
          "  await t.collection('todos').doc('t1').update({ data: { progress: _.inc(1) } }); return 42 })",
    "x2": PRELUDE + "exports.main = async () => db.runTransaction(async (t) => {\n"
          "  await t.collection('todos').doc('t1').update({ data: { progress: 0 } }); await t.rollback('nope') })"
          ".catch((reason) => ({ rejected: reason }))",
    "x3": PRELUDE + "exports.main = async () => db.runTransaction(async (t) => (await t.collection('todos').doc('t1').get()).data)",
}
ADMIN = Caller.admin("scf")


@pytest.fixture
def ws(tmp_path):
    workspace = Workspace.open(tmp_path / "d", make_project(tmp_path / "p", FUNCTIONS))
    workspace.database.create_collection("todos")
    workspace.database.import_documents("todos", [{"_id": "t1", "title": "Alpha", "progress": 50}],
                                        upsert=False, atomic=True)
    yield workspace
    workspace.close()


def progress(ws) -> int:
    return ws.database.store.get("todos", "t1")["progress"]


def test_x1_commit(ws):
    assert call_function(ws.handle, ADMIN, "x1").value["result"] == 42
    assert progress(ws) == 51


def test_x2_rollback_rejects_with_the_reason(ws):
    assert call_function(ws.handle, ADMIN, "x2").value["result"] == {"rejected": "nope"}
    assert progress(ws) == 50


def test_x3_get_in_a_transaction_is_an_object(ws):
    assert call_function(ws.handle, ADMIN, "x3").value["result"] == {"_id": "t1", "title": "Alpha", "progress": 50}


def wire(ws, action, **params):
    return ws.handle(Request(action, params, ADMIN))


def doc(doc_id):
    return {"collectionName": "todos", "queryType": "DOC", "query": ejson.encode({"_id": doc_id}), "multi": False}


def test_writes_are_invisible_until_commit_and_land_together(ws):
    tx = wire(ws, "database.startTransaction")["transactionId"]
    wire(ws, "database.modifyDocument", **doc("t1"), data=ejson.encode({"$set": {"progress": 70}}), merge=True, transactionId=tx)
    wire(ws, "database.insertDocument", collectionName="todos", data=[ejson.encode({"_id": "t2", "n": 1})], transactionId=tx)
    assert progress(ws) == 50 and ws.database.store.get("todos", "t2") is None
    inside = wire(ws, "database.getDocument", **doc("t1"), transactionId=tx)["list"][0]
    assert inside["progress"] == 70  # a transaction reads its own writes
    wire(ws, "database.commitTransaction", transactionId=tx)
    assert progress(ws) == 70 and ws.database.store.get("todos", "t2") == {"_id": "t2", "n": 1}


def test_a_change_underneath_is_a_conflict_at_the_write(ws):
    tx = wire(ws, "database.startTransaction")["transactionId"]
    wire(ws, "database.getDocument", **doc("t1"), transactionId=tx)
    wire(ws, "database.modifyDocument", **doc("t1"), data=ejson.encode({"$set": {"progress": 1}}), merge=True)
    with pytest.raises(CloudError) as info:
        wire(ws, "database.modifyDocument", **doc("t1"), data=ejson.encode({"$set": {"progress": 2}}), merge=True,
             transactionId=tx)
    assert info.value.tcb_code == "DATABASE_TRANSACTION_CONFLICT"
    assert progress(ws) == 1


def test_where_queries_in_a_transaction_and_only_servers(ws):
    tx = wire(ws, "database.startTransaction")["transactionId"]
    assert len(wire(ws, "database.getDocument", collectionName="todos", queryType="WHERE", transactionId=tx)["list"]) == 1
    client = ws.client_caller("学生A")
    with pytest.raises(CloudError) as info:
        ws.handle(Request("database.getDocument", {**doc("t1"), "transactionId": tx}, client))
    assert info.value.code == -601004
    with pytest.raises(CloudError, match="TransactionNotExist") as info:
        wire(ws, "database.commitTransaction", transactionId="wxsim-tx-nope")
    assert info.value.tcb_code == "DATABASE_TRANSACTION_FAIL"
