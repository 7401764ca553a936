"""Holes: a client takes another user's _openid; code reaches simulator-only actions."""

from __future__ import annotations

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller, Request
from tests.security.conftest import RAW, UNTRUSTED, run, untrusted_caller

# What a client's update may send to plant or steal an identity (the wire's Mongo operators).
FORGERIES = [
    pytest.param({"$rename": {"x": "_openid"}}, id="rename-into"),
    pytest.param({"$rename": {"x": "_openid.y"}}, id="rename-into-dotted"),
    pytest.param({"$rename": {"_openid": "x"}}, id="rename-away"),
    pytest.param({"$set": {"_openid": "oVICTIM"}}, id="set"),
    pytest.param({"$set": {"_openid.x": 1}}, id="set-dotted"),
    pytest.param({"$unset": {"_openid": ""}}, id="unset"),
    pytest.param({"_openid": "oVICTIM"}, id="plain-key"),
    pytest.param({"$max": {"_openid": "zzz"}}, id="max"),
    pytest.param({"$push": {"_openid": 1}}, id="push"),
]


def todos_of(ws, persona: str) -> list[dict]:
    caller = ws.client_caller(persona)
    return ws.handle(Request("database.getDocument", {"collectionName": "todos", "query": "{}", "limit": 100},
                             caller))["list"]


def add_as(ws, persona: str, data: dict) -> str:
    answer = ws.handle(Request("database.insertDocument", {"collectionName": "todos", "data": [data]},
                               ws.client_caller(persona)))
    return answer["inserted_ids"][0] if "inserted_ids" in answer else answer["_id"]


@pytest.fixture
def todos(workspace):
    workspace.handle(Request("database.addCollection", {"collectionName": "todos"}, Caller.console()))
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "PRIVATE"},
                             Caller.console()))
    return workspace


@pytest.mark.parametrize("update", FORGERIES)
def test_no_client_update_changes_openid(todos, update):
    """Every operator and path that would write _openid is refused; the document keeps its owner."""
    ws = todos
    a = ws.client_caller("学生A")
    ws.handle(Request("database.insertDocument",
                      {"collectionName": "todos", "data": [{"_id": "d1", "x": ws.client_caller("学生B").openid}]}, a))
    import json
    with pytest.raises(CloudError) as raised:
        ws.handle(Request("database.modifyDocument", {
            "collectionName": "todos", "query": json.dumps({"_id": "d1"}), "data": json.dumps(update),
            "multi": False, "merge": True, "upsert": False}, a))
    assert raised.value.code in (-502003, -502001, -501007)
    doc = ws.handle(Request("database.getDocument", {"collectionName": "todos", "query": '{"_id": "d1"}'},
                            Caller.console()))["list"][0]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    assert doc["_openid"] == a.openid


def test_a_renamed_openid_never_plants_a_document_in_another_view(todos):
    """The review's attack: x holds B's openid, then $rename x → _openid. B must not see it."""
    import json
    ws = todos
    a, b = ws.client_caller("学生A"), ws.client_caller("学生B")
    ws.handle(Request("database.insertDocument", {"collectionName": "todos", "data": [{"_id": "p", "x": b.openid}]}, a))
    with pytest.raises(CloudError):
        ws.handle(Request("database.modifyDocument", {
            "collectionName": "todos", "query": '{"_id": "p"}', "data": json.dumps({"$rename": {"x": "_openid"}}),
            "multi": False, "merge": True, "upsert": False}, a))
    seen_by_b = ws.handle(Request("database.getDocument", {"collectionName": "todos", "query": "{}"}, b))["list"]
    assert seen_by_b == []


def test_add_and_set_stamp_the_caller_whatever_the_data_says(todos):
    import json
    ws = todos
    a, b = ws.client_caller("学生A"), ws.client_caller("学生B")
    ws.handle(Request("database.insertDocument",
                      {"collectionName": "todos", "data": [{"_id": "n", "_openid": b.openid}]}, a))
    ws.handle(Request("database.modifyDocument", {
        "collectionName": "todos", "query": '{"_id": "n"}', "data": json.dumps({"_openid": b.openid, "v": 2}),
        "multi": False, "merge": False, "upsert": True}, a))
    docs = ws.handle(Request("database.getDocument", {"collectionName": "todos", "query": "{}"}, Caller.console()))
    owners = {(json.loads(d) if isinstance(d, str) else d)["_openid"] for d in docs["list"]}
    assert owners == {a.openid}


SIMULATOR_ONLY = [
    ("personas.add", {"name": "mallory"}),
    ("personas.rename", {"name": "学生A", "newName": "x"}),
    ("personas.recolor", {"name": "学生A", "color": "#000000"}),
    ("personas.remove", {"name": "老师"}),
    ("database.setPermission", {"collectionName": "todos", "mode": "READONLY"}),
    ("database.importDocuments", {"collectionName": "todos", "documents": [{"_id": "i"}]}),
    ("database.deleteCollection", {"collectionName": "todos"}),
    ("storage.setPermission", {"mode": "PUBLIC"}),
    ("storage.listFiles", {"prefix": ""}),
]


@pytest.mark.parametrize(("action", "params"), SIMULATOR_ONLY, ids=[a for a, _ in SIMULATOR_ONLY])
@pytest.mark.parametrize("caller", UNTRUSTED)
def test_simulator_only_actions_are_the_consoles(todos, action, params, caller):
    """A mini program user, a cloud function and a gateway caller are all refused, by name."""
    ws = todos
    who = untrusted_caller(ws, caller)
    with pytest.raises(CloudError, match="is a wxsim console operation") as raised:
        ws.handle(Request(action, params, who))
    assert raised.value.code == -601004
    assert ws.events.recent()[-1].action == action  # refused, and still in the timeline


def test_function_code_cannot_add_a_persona(hostile):
    """Through the shims' own transport, as a hostile function would try it."""
    ws = hostile({"grab": RAW + "exports.main = async () => send('personas.add', { name: 'mallory' })"})
    out = run(ws, "grab")
    assert "is a wxsim console operation" in out["errMsg"]
    assert "mallory" not in [p.name for p in ws.identity.personas()]


def test_client_code_cannot_add_a_persona(workspace, tmp_path):
    script = tmp_path / "c" / "main.js"
    script.parent.mkdir()
    script.write_text(RAW + "exports.main = async () => send('personas.add', { name: 'mallory' })"
                      ".then(() => 'added', (e) => e.errMsg || e.message)")
    outcome = workspace.functions.run_client(script, workspace.client_caller("学生A"), tmp_path)
    assert "is a wxsim console operation" in str(outcome.result or outcome.error)
    assert "mallory" not in [p.name for p in workspace.identity.personas()]


def test_the_console_still_manages_personas(workspace):
    workspace.handle(Request("personas.add", {"name": "家长"}, Caller.console()))
    assert "家长" in [p.name for p in workspace.identity.personas()]
