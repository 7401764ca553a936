"""``database.modifyAndReturnDoc`` (node-sdk's ``where().updateAndReturn()``, findAndModify):
the first match is updated and answered as ``{updated, doc: "<EJSON text>"}`` (issue 19)."""

from __future__ import annotations

import json

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

ADMIN = Caller.admin("scf")


@pytest.fixture
def ws(tmp_path):
    workspace = Workspace.open(tmp_path / "d")
    workspace.database.create_collection("c")
    workspace.database.import_documents("c", [{"_id": "a1", "a": 1, "n": 0}, {"_id": "a2", "a": 1, "n": 0},
                                              {"_id": "b", "a": 5}], upsert=False, atomic=True)
    yield workspace
    workspace.close()


def modify(ws, query, data, caller=ADMIN, **extra) -> dict:
    params = {"collectionName": "c", "queryType": "WHERE", "data": json.dumps(data), **extra}
    if query is not None:
        params["query"] = json.dumps(query)
    return ws.handle(Request("database.modifyAndReturnDoc", params, caller))


def test_the_first_match_is_updated_and_returned_as_it_is_after(ws):
    """As node-sdk's test "验证findAndModify": the answer's doc is the new document, as text."""
    answer = modify(ws, {"a": 1}, {"$set": {"a": 2}, "$inc": {"n": {"$numberInt": "3"}}})
    assert answer["updated"] == 1 and json.loads(answer["doc"]) == {"_id": "a1", "a": 2, "n": 3}
    assert ws.database.store.get("c", "a1") == {"_id": "a1", "a": 2, "n": 3}
    assert ws.database.store.get("c", "a2") == {"_id": "a2", "a": 1, "n": 0}  # only one document


def test_setting_the_same_value_still_counts_the_match(ws):
    """node-sdk's "更新相同值": updated is 1 though nothing changed."""
    answer = modify(ws, {"_id": "b"}, {"$set": {"a": 5}})
    assert answer == {"updated": 1, "doc": '{"_id":"b","a":5}'}


def test_no_match_answers_zero_and_null(ws):
    """node-sdk's "更新失败": {updated: 0, doc: null}, and nothing is created."""
    assert modify(ws, {"a": -1}, {"$set": {"a": 1}}) == {"updated": 0, "doc": None}
    assert len(ws.database.store.documents("c")) == 3


def test_plain_data_is_a_set_and_no_query_takes_the_first_document(ws):
    answer = modify(ws, None, {"z": {"k": "v"}})
    assert json.loads(answer["doc"]) == {"_id": "a1", "a": 1, "n": 0, "z": {"k": "v"}}


def test_return_new_false_and_upsert(ws):
    """Options the SDK does not send but the backend takes: the old document; an upsert."""
    old = modify(ws, {"_id": "b"}, {"$set": {"a": 6}}, returnNew=False)
    assert json.loads(old["doc"]) == {"_id": "b", "a": 5}
    made = modify(ws, {"_id": "u1", "kind": "x", "n": {"$gt": 1}}, {"$set": {"v": 1}}, upsert=True)
    assert made["updated"] == 0 and json.loads(made["doc"]) == {"_id": "u1", "kind": "x", "v": 1}
    assert ws.database.store.get("c", "u1") == {"_id": "u1", "kind": "x", "v": 1}


def test_dates_and_objectids_in_the_answer(ws):
    modify(ws, {"_id": "b"}, {"$set": {"d": {"$date": {"$numberLong": "86400000"}},
                                       "o": {"$oid": "5f1b2c3d4e5f60718293a4b5"}}})
    answer = modify(ws, {"_id": "b"}, {"$set": {"a": 7}})
    assert json.loads(answer["doc"]) == {"_id": "b", "a": 7, "d": {"$date": "1970-01-02T00:00:00.000Z"},
                                         "o": "5f1b2c3d4e5f60718293a4b5"}


@pytest.mark.parametrize(("data", "code"), [({}, -501007), ({"$set": {"_id": "x"}}, -501007),
                                            ({"$bogus": {"a": 1}}, -502002)])
def test_bad_updates_are_refused(ws, data, code):
    with pytest.raises(CloudError) as caught:
        modify(ws, {"_id": "b"}, data)
    assert caught.value.code == code
    assert ws.database.store.get("c", "b") == {"_id": "b", "a": 5}


def test_a_missing_collection_and_a_mini_program_are_refused(ws):
    with pytest.raises(CloudError) as caught:
        ws.handle(Request("database.modifyAndReturnDoc", {"collectionName": "nope", "queryType": "WHERE",
                                                         "data": '{"$set":{"a":1}}'}, ADMIN))
    assert caught.value.code == -502005
    client = ws.client_caller(ws.identity.personas()[0].name)
    with pytest.raises(CloudError) as caught:
        modify(ws, {"_id": "b"}, {"$set": {"a": 1}}, caller=client)
    assert caught.value.code == -601004


def test_inside_a_transaction_it_writes_at_commit(ws):
    """node-sdk's "modifyAndReturnDoc" in a transaction: answered at once, seen by others at commit."""
    tx = ws.handle(Request("database.startTransaction", {}, ADMIN))["transactionId"]
    answer = modify(ws, {"a": 5}, {"$set": {"a": 6}}, transactionId=tx)
    assert answer == {"updated": 1, "doc": '{"_id":"b","a":6}'}
    assert ws.database.store.get("c", "b") == {"_id": "b", "a": 5}  # not yet
    assert modify(ws, {"a": 6}, {"$set": {"seen": True}}, transactionId=tx)["updated"] == 1  # its own write
    ws.handle(Request("database.commitTransaction", {"transactionId": tx}, ADMIN))
    assert ws.database.store.get("c", "b") == {"_id": "b", "a": 6, "seen": True}


def test_an_aborted_transaction_leaves_the_document(ws):
    tx = ws.handle(Request("database.startTransaction", {}, ADMIN))["transactionId"]
    modify(ws, {"_id": "b"}, {"$set": {"a": 9}}, transactionId=tx)
    ws.handle(Request("database.abortTransaction", {"transactionId": tx}, ADMIN))
    assert ws.database.store.get("c", "b") == {"_id": "b", "a": 5}


def test_an_upsert_on_a_taken_id_is_a_duplicate_key(ws):
    with pytest.raises(CloudError) as caught:
        modify(ws, {"_id": "b", "a": 99}, {"$set": {"v": 1}}, upsert=True)
    assert caught.value.code == -502001 and "duplicate key" in caught.value.detail
