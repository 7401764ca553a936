"""ObjectId values (node-sdk's ``db.ObjectId``, ``{"$oid": "24hex"}`` on the wire): stored as
``_id`` or in any field, matched, ordered in BSON type order, kept across restarts and
compaction, and answered as 24-hex strings (issue 19)."""

from __future__ import annotations

import json

import pytest
from bson.objectid import ObjectId

from app.core.database import ejson, journal
from app.core.errors import CloudError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

ADMIN = Caller.admin("scf")
A, B, C = "5f1b2c3d4e5f60718293a4b5", "5f1b2c3d4e5f60718293a4b6", "65aa00000000000000000001"


def oid(hex_id: str) -> dict:
    return {"$oid": hex_id}


def wire(ws: Workspace, action: str, **params) -> dict:
    return ws.handle(Request(action, {"collectionName": "c", **params}, ADMIN))


def insert(ws: Workspace, *docs: dict) -> list:
    return wire(ws, "database.insertDocument", data=[json.dumps(doc) for doc in docs])["insertedIds"]


def find(ws: Workspace, query: dict | None = None, order: dict | None = None) -> list[dict]:
    params = {"queryType": "WHERE", "limit": 100}
    if query is not None:
        params["query"] = json.dumps(query)
    if order is not None:
        params["order"] = json.dumps(order)
    return wire(ws, "database.getDocument", **params)["list"]


@pytest.fixture
def ws(tmp_path):
    workspace = Workspace.open(tmp_path / "d")
    workspace.database.create_collection("c")
    yield workspace
    workspace.close()


def test_an_objectid_id_is_stored_and_answered_as_its_hex_string(ws):
    """insertedIds and returned documents carry the 24-hex string, not a wrapper."""
    assert insert(ws, {"_id": oid(A), "n": 1}) == [A]
    assert find(ws, {"_id": oid(A)}) == [{"_id": A, "n": 1}]
    assert isinstance(ws.database.store.get("c", ObjectId(A))["_id"], ObjectId)


def test_objectids_in_other_fields(ws):
    """An ObjectId field is matched by equality, $in, $ne and comparisons, never by its string."""
    insert(ws, {"_id": "x", "ref": oid(A)}, {"_id": "y", "ref": oid(B)}, {"_id": "z", "ref": A})
    ids = lambda q: [d["_id"] for d in find(ws, q)]  # noqa: E731
    assert ids({"ref": oid(A)}) == ["x"]
    assert ids({"ref": {"$in": [oid(B), "nothing"]}}) == ["y"]
    assert ids({"ref": {"$gt": oid(A)}}) == ["y"]
    assert ids({"ref": {"$lte": oid(B)}}) == ["x", "y"]
    assert ids({"ref": {"$ne": oid(A)}}) == ["y", "z"]
    assert ids({"ref": A}) == ["z"]  # a string is not an ObjectId (BSON)
    assert find(ws, {"_id": "x"}) == [{"_id": "x", "ref": A}]


def test_mixed_ids_sort_in_bson_type_order(ws):
    """Numbers < strings < ObjectId < date; ObjectIds by their bytes; desc reverses."""
    insert(ws, {"_id": oid(C)}, {"_id": "s"}, {"_id": 3}, {"_id": oid(A)},
           {"_id": "t", "k": {"$date": "2024-01-01T00:00:00Z"}})
    rows = find(ws, order={"_id": 1})
    assert [d["_id"] for d in rows] == [3, "s", "t", A, C]
    assert [d["_id"] for d in find(ws, order={"_id": -1})] == [C, A, "t", "s", 3]
    insert(ws, {"_id": "k1", "k": oid(B)}, {"_id": "k2", "k": 5})
    keyed = [d["_id"] for d in find(ws, {"k": {"$exists": True}}, order={"k": -1})]
    assert keyed == ["t", "k1", "k2"]


def test_objectids_survive_restart_and_compaction(tmp_path):
    """The journal and the collection files keep ObjectIds as ObjectIds."""
    ws = Workspace.open(tmp_path / "d")
    ws.database.create_collection("c")
    insert(ws, {"_id": oid(A), "ref": oid(B), "list": [oid(C)]})
    ws.close()
    ws = Workspace.open(tmp_path / "d")
    try:
        assert find(ws, {"list": oid(C)}) == [{"_id": A, "ref": B, "list": [C]}]
        ws.database.store.flush()
    finally:
        ws.close()
    ws = Workspace.open(tmp_path / "d")
    try:
        doc = ws.database.store.get("c", ObjectId(A))
        assert doc == {"_id": ObjectId(A), "ref": ObjectId(B), "list": [ObjectId(C)]}
    finally:
        ws.close()


def test_journal_text_round_trips():
    """dumps writes the {"$oid"} wrapper and loads reads it back."""
    doc = {"_id": ObjectId(A), "a": [ObjectId(B)]}
    text = journal.dumps(doc)
    assert text == '{"_id":{"$oid":"%s"},"a":[{"$oid":"%s"}]}' % (A, B)
    assert journal.loads(text) == doc


def test_ejson_keeps_wrappers_only_for_round_trips():
    """encode (text that is decoded again) keeps {"$oid"}; to_ejson (answers) gives strings."""
    assert ejson.decode(ejson.encode({"r": ObjectId(A)})) == {"r": ObjectId(A)}
    assert ejson.to_ejson({"r": ObjectId(A)}) == {"r": A}


def test_a_duplicate_objectid_id_is_a_duplicate_key(ws):
    insert(ws, {"_id": oid(A)})
    with pytest.raises(CloudError) as caught:
        insert(ws, {"_id": oid(A)})
    assert caught.value.code == -502001 and "duplicate key" in caught.value.detail


def test_update_and_remove_by_objectid(ws):
    """Writes reach the document by its ObjectId; $set stores a new one."""
    insert(ws, {"_id": oid(A), "n": 1})
    answer = wire(ws, "database.modifyDocument", queryType="WHERE", query=json.dumps({"_id": oid(A)}),
                  data=json.dumps({"$set": {"n": 2, "other": oid(B)}}), multi=True)
    assert answer["updated"] == 1
    assert find(ws, {"other": oid(B)}) == [{"_id": A, "n": 2, "other": B}]
    assert wire(ws, "database.removeDocument", queryType="WHERE", query=json.dumps({"_id": oid(A)}),
                multi=True)["deleted"] == 1


def test_an_export_with_objectids_imports_again():
    """The console's JSON Lines export keeps {"$oid"}, and its import reads it back."""
    import io

    from app.core.database.transfer import export_documents, parse_import

    docs = [{"_id": ObjectId(A), "ref": [ObjectId(B)]}]
    out = io.StringIO()
    export_documents(docs, "jsonl", out)
    assert json.loads(out.getvalue()) == {"_id": oid(A), "ref": [oid(B)]}
    assert parse_import(io.StringIO(out.getvalue()), "jsonl").documents == docs
