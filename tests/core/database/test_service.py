"""The database service through the dispatcher, as the SDKs see it (spec §9.4, §9.6, §9.8)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.database_sdk import SdkDatabase
from app.core.requests import Caller, Request

T = [
    {"_id": "t1", "title": "Alpha", "done": False, "progress": 50, "tags": ["cloud", "db"],
     "style": {"color": "red", "size": "L"}, "numbers": [10, 20, 30]},
    {"_id": "t2", "title": "beta", "done": True, "progress": 100, "tags": ["mini-program"],
     "style": {"color": "blue"}, "numbers": [50, 60, 70]},
    {"_id": "t3", "title": "Gamma", "done": False, "progress": 20, "style": {"color": "red"}},
    {"_id": "t4", "title": "delta", "done": False, "progress": None, "tags": [], "numbers": [5]},
]


@pytest.fixture
def server(workspace) -> SdkDatabase:
    db = SdkDatabase(workspace.handle, Caller.admin("scf"))
    db.create_collection("todos").raise_for_error()
    db.add("todos", T).raise_for_error()
    return db


def client(workspace, persona: str | None, **kw) -> SdkDatabase:
    return SdkDatabase(workspace.handle, workspace.client_caller(persona), **kw)


def ids(outcome) -> list:
    return [doc["_id"] for doc in outcome.raise_for_error()["data"]]


# -- §9.4 ----------------------------------------------------------------------------------------

def test_count_ignores_skip_and_limit(server):
    """Q53/Q54."""
    assert server.count("todos", {"done": False}).value == {"total": 3, "errMsg": "collection.count:ok"}


@pytest.mark.parametrize("order, expected", [
    ([("progress", 1)], ["t4", "t3", "t1", "t2"]),
    ([("progress", -1)], ["t2", "t1", "t3", "t4"]),
    ([("done", 1), ("progress", -1)], ["t1", "t3", "t4", "t2"]),
    ([("title", 1)], ["t1", "t3", "t2", "t4"]),
    ([("numbers", 1)], ["t3", "t4", "t1", "t2"]),
])
def test_order_by(server, order, expected):
    """Q55–Q58, Q60."""
    assert ids(server.get("todos", order=order)) == expected


def test_skip_limit(server):
    """Q59."""
    assert ids(server.get("todos", order=[("title", 1)], skip=1, limit=2)) == ["t3", "t2"]


def test_server_default_and_max_limit(server, workspace):
    """Q65/Q66: the server gets 100 by default and at most 1000."""
    server.create_collection("many")
    server.add("many", [{"i": i} for i in range(1001)]).raise_for_error()
    assert len(ids(server.get("many"))) == 100
    assert len(ids(server.get("many", limit=1001))) == 1000
    assert len(ids(server.get("many", limit=101))) == 101


def test_client_default_and_max_limit(server, workspace):
    """Q67: the mini program gets 20, asked or not."""
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "READONLY"}, Caller.console()))
    server.add("todos", [{"i": i} for i in range(150)])
    a = client(workspace, "学生A")
    assert len(ids(a.get("todos"))) == 20
    assert len(ids(a.get("todos", limit=50))) == 20


def test_projection(server):
    """Q68/Q69/Q70/Q71."""
    assert all(set(d) == {"_id", "title"} for d in server.get("todos", field={"title": 1}).value["data"])
    assert server.get("todos", field={"title": 1, "_id": 0}).value["data"][0] == {"title": "Alpha"}
    assert server.doc_get("todos", "t1", field={"style": 0, "numbers": 0, "tags": 0}).value == {
        "data": {"_id": "t1", "title": "Alpha", "done": False, "progress": 50},
        "errMsg": "document.get:ok",
    }
    assert server.doc_get("todos", "t1", field={"numbers": {"$slice": 1}}).value["data"]["numbers"] == [10]


def test_doc_get_shapes(server, workspace):
    """Q73–Q76: an object for doc().get(); the three missing-document answers."""
    assert server.doc_get("todos", "t1").value == {"data": T[0], "errMsg": "document.get:ok"}
    assert server.doc_get("todos", "nope").value == {
        "errCode": -1, "errMsg": "document.get:fail document with _id nope does not exist"}
    quiet = SdkDatabase(workspace.handle, Caller.admin("scf"), throw_on_not_found=False)
    assert quiet.doc_get("todos", "nope").value == {"data": None, "errMsg": "document.get:ok"}
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "READONLY"}, Caller.console()))
    assert client(workspace, "学生A").doc_get("todos", "nope").value == {
        "errCode": -1,
        "errMsg": "document.get:fail document.get:fail cannot find document with _id nope, please make "
        "sure that the document exists and you have the corresponding Read permission",
    }


def test_missing_collection(server):
    """Q77/W15: -502005, and add does not create the collection."""
    outcome = server.get("nosuch")
    assert outcome.value["errCode"] == -502005
    assert outcome.value["errMsg"].startswith("collection.get:fail -502005 database collection not exists.")
    assert server.add("nosuch", {"a": 1}).value["errCode"] == -502005
    assert server.count("nosuch").value["errCode"] == -502005


# -- §9.6 ----------------------------------------------------------------------------------------

def test_set_creates_then_replaces(server):
    """W1/W2."""
    assert server.doc_set("todos", "t9", {"a": 1}).value == {
        "_id": "t9", "stats": {"updated": 0, "created": 1}, "errMsg": "document.set:ok"}
    assert server.doc_get("todos", "t9").value["data"] == {"_id": "t9", "a": 1}
    assert server.doc_set("todos", "t1", {"title": "X"}).value == {
        "_id": "t1", "stats": {"updated": 1, "created": 0}, "errMsg": "document.set:ok"}
    assert server.doc_get("todos", "t1").value["data"] == {"_id": "t1", "title": "X"}


def test_set_refuses_operators_and_id(server):
    """W3/W4."""
    out = server.doc_set("todos", "t1", {"progress": {"$inc": 1}})
    assert out.value["errCode"] == -502001 and "update operator complicit" in out.value["errMsg"]
    assert "不能更新_id的值" in server.doc_set("todos", "t1", {"_id": "t1", "a": 1}).value["errMsg"]
    assert server.doc_get("todos", "t1").value["data"] == T[0]


def test_server_add_has_no_openid_and_a_real_id(server):
    """W5."""
    out = server.add("todos", {"title": "e"}).raise_for_error()
    assert re.fullmatch(r"[0-9a-f]{32}", out["_id"]) and out["errMsg"] == "collection.add:ok"
    assert server.doc_get("todos", out["_id"]).value["data"] == {"_id": out["_id"], "title": "e"}


def test_client_add_stamps_openid_never_forged(server, workspace):
    """W6."""
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "READONLY"}, Caller.console()))
    a = client(workspace, "学生A")
    new_id = a.add("todos", {"title": "e", "_openid": "fake"}).raise_for_error()["_id"]
    assert server.doc_get("todos", new_id).value["data"]["_openid"] == workspace.identity.persona("学生A").openid


def test_duplicate_id(server):
    """W7: -502001 with duplicate key; t1 unchanged; a batch with a duplicate adds nothing."""
    out = server.add("todos", {"_id": "t1", "title": "dup"})
    assert out.value["errCode"] == -502001 and "duplicate key" in out.value["errMsg"]
    assert server.doc_get("todos", "t1").value["data"] == T[0]
    assert not server.add("todos", [{"_id": "n1"}, {"_id": "t2"}]).ok
    assert server.doc_get("todos", "n1").ok is False


def test_server_array_add(server):
    """W8."""
    out = server.add("todos", [{"a": 1}, {"a": 2}]).raise_for_error()
    assert len(out["_ids"]) == 2 and out["errMsg"] == "collection.add:ok"


def test_batch_update_and_remove(server):
    """W9–W12."""
    assert server.update("todos", {"done": False}, {"flag": True}).value == {
        "stats": {"updated": 3}, "errMsg": "collection.update:ok"}
    assert ids(server.get("todos", {"flag": True})) == ["t1", "t3", "t4"]
    assert server.update("todos", {"done": False}, {"other": 1}, multi=False).value["stats"] == {"updated": 1}
    assert server.remove("todos", {"done": False}).value == {"stats": {"removed": 3}, "errMsg": "collection.remove:ok"}
    assert server.doc_remove("todos", "t2").value == {"stats": {"removed": 1}, "errMsg": "document.remove:ok"}
    assert server.doc_remove("todos", "t2").value == {"stats": {"removed": 0}, "errMsg": "document.remove:ok"}


def test_update_missing_doc_creates_nothing(server):
    assert server.doc_update("todos", "nope", {"a": 1}).value == {"stats": {"updated": 0}, "errMsg": "document.update:ok"}
    assert server.doc_get("todos", "nope").ok is False


def test_server_date(server, workspace, clock):
    """W13: serverDate({offset}) becomes the server's time plus the offset, as a Date."""
    server.doc_update("todos", "t1", {"ts": {"$tcb_server_date": {"offset": 3600000}}}).raise_for_error()
    stored = workspace.database.store.get("todos", "t1")["ts"]
    assert stored == datetime.fromtimestamp(clock.now, timezone.utc) + timedelta(hours=1)
    assert server.doc_get("todos", "t1").value["data"]["ts"] == {"$date": stored.strftime("%Y-%m-%dT%H:%M:%S.000Z")}


def test_create_collection(server):
    """W14, and a second create fails."""
    assert server.create_collection("newcoll").value == {"errMsg": "createCollection:ok"}
    assert server.count("newcoll").value == {"total": 0, "errMsg": "collection.count:ok"}
    assert server.create_collection("newcoll").value["errCode"] == -502001
    assert server.create_collection("bad name!").value["errCode"] == -501007


def test_update_cannot_touch_id(server):
    out = server.doc_update("todos", "t1", {"_id": "x"})
    assert "不能更新_id的值" in out.value["errMsg"]


# -- §9.8 permissions ----------------------------------------------------------------------------

@pytest.fixture
def notes(workspace):
    admin = SdkDatabase(workspace.handle, Caller.admin("scf"))
    admin.create_collection("notes")
    a = workspace.identity.persona("学生A").openid
    b = workspace.identity.persona("学生B").openid
    admin.add("notes", [{"_id": "a1", "_openid": a, "v": 1}, {"_id": "b1", "_openid": b, "v": 2}, {"_id": "z1", "v": 3}])
    return admin


def set_mode(workspace, mode: str) -> None:
    workspace.handle(Request("database.setPermission", {"collectionName": "notes", "mode": mode}, Caller.console()))


def test_code_created_collections_start_private(workspace, notes):
    assert workspace.state.db_mode("notes") == "PRIVATE"


def test_private_reads_only_own(workspace, notes):
    """R1–R3."""
    a = client(workspace, "学生A")
    assert ids(a.get("notes")) == ["a1"]
    assert a.count("notes").value == {"total": 1, "errMsg": "collection.count:ok"}
    assert "cannot find document with _id b1" in a.doc_get("notes", "b1").value["errMsg"]


def test_readonly_reads_all_writes_own(workspace, notes):
    """R4–R7."""
    set_mode(workspace, "READONLY")
    a = client(workspace, "学生A")
    assert sorted(ids(a.get("notes"))) == ["a1", "b1", "z1"]
    assert a.doc_update("notes", "b1", {"v": 9}).value == {"stats": {"updated": 0}, "errMsg": "document.update:ok"}
    assert a.doc_remove("notes", "z1").value == {"stats": {"removed": 0}, "errMsg": "document.remove:ok"}
    assert a.doc_update("notes", "a1", {"v": 9}).value["stats"] == {"updated": 1}
    assert notes.doc_get("notes", "b1").value["data"]["v"] == 2


def test_adminonly_refuses_clients_with_reason(workspace, notes):
    """R8: -502003, and the timeline event says why."""
    set_mode(workspace, "ADMINONLY")
    out = client(workspace, "学生A").get("notes")
    assert out.value == {
        "errCode": -502003,
        "errMsg": "collection.get:fail -502003 database permission denied | errMsg: Permission denied",
    }
    event = workspace.events.recent()[-1]
    assert event.outcome == "denied" and event.permission_allowed is False
    assert "ADMINONLY" in event.permission_reason and "neither read nor write" in event.permission_reason


def test_adminwrite_refuses_client_writes(workspace, notes):
    set_mode(workspace, "ADMINWRITE")
    a = client(workspace, "学生A")
    assert sorted(ids(a.get("notes"))) == ["a1", "b1", "z1"]
    assert a.add("notes", {"v": 4}).value["errCode"] == -502003
    assert a.doc_update("notes", "a1", {"v": 4}).value["errCode"] == -502003


def test_admin_bypasses_every_mode(workspace, notes):
    """R9."""
    for mode in ("READONLY", "PRIVATE", "ADMINWRITE", "ADMINONLY"):
        set_mode(workspace, mode)
        assert sorted(ids(notes.get("notes"))) == ["a1", "b1", "z1"]


def test_private_add_is_owned(workspace, notes):
    """R12."""
    new_id = client(workspace, "学生A").add("notes", {"v": 4}).raise_for_error()["_id"]
    assert new_id in ids(client(workspace, "学生A").get("notes"))
    assert new_id not in ids(client(workspace, "学生B").get("notes"))


def test_signed_out_sees_nothing_private_and_cannot_write(workspace, notes):
    anon = client(workspace, None)
    assert ids(anon.get("notes")) == []  # z1 has no _openid, but that is not "owned" by anonymity
    set_mode(workspace, "READONLY")
    assert anon.add("notes", {"v": 1}).value["errCode"] == -502003


def test_client_cannot_change_openid(workspace, notes):
    set_mode(workspace, "READONLY")
    out = client(workspace, "学生A").doc_update("notes", "a1", {"_openid": "x"})
    assert out.value["errCode"] == -502003


def test_client_cannot_create_collections(workspace):
    out = client(workspace, "学生A").create_collection("x")
    assert out.value["errCode"] == -601004


def test_permission_mode_validation(workspace, notes):
    with pytest.raises(Exception, match="CUSTOM needs the security rules"):
        set_mode(workspace, "CUSTOM")  # no rules given and none saved (tests/core/rules cover the rest)
    with pytest.raises(Exception, match="must be one of"):
        set_mode(workspace, "OPEN")


def test_modes_persist_and_drop_forgets(tmp_path):
    from app.core.workspace import Workspace

    ws = Workspace.open(tmp_path)
    SdkDatabase(ws.handle, Caller.admin()).create_collection("c")
    ws.handle(Request("database.setPermission", {"collectionName": "c", "mode": "READONLY"}, Caller.console()))
    ws.close()
    again = Workspace.open(tmp_path)
    assert again.state.db_mode("c") == "READONLY"
    again.handle(Request("database.deleteCollection", {"collectionName": "c"}, Caller.console()))
    assert again.state.db_mode("c") == "PRIVATE"
    again.close()


def test_update_argument_checks_u42_u43(server):
    """U42/U43 as the SDK reports them; the document is unchanged."""
    assert "不能更新_id的值" in server.doc_update("todos", "t1", {"_id": "x", "a": 1}).value["errMsg"]
    out = server.doc_update("todos", "t1", {})
    assert out.value["errMsg"].endswith("options.data must not be empty") and not out.ok
    assert server.doc_get("todos", "t1").value["data"] == T[0]


def test_inc_on_null_is_a_database_error_u44(server):
    out = server.doc_update("todos", "t4", {"progress": {"$inc": 1}})
    assert out.value["errCode"] == -502001 and "Cannot apply $inc to a value of non-numeric type null" in out.value["errMsg"]
    assert server.doc_get("todos", "t4").value["data"]["progress"] is None
