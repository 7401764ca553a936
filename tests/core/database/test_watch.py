"""Realtime listeners over a real workspace (spec §3.12, §9.9 WA1–WA6): snapshots, limits,
permissions, ordering and delivery. Waits are conditions (poll with a timeout), never sleeps."""

from __future__ import annotations

import threading

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller, Request
from tests.support.database_sdk import SdkDatabase

T = [
    {"_id": "t1", "title": "Alpha", "done": False, "progress": 50},
    {"_id": "t2", "title": "beta", "done": True, "progress": 100},
    {"_id": "t3", "title": "Gamma", "done": False, "progress": 20},
]
WAIT = 5.0


@pytest.fixture
def server(workspace) -> SdkDatabase:
    db = SdkDatabase(workspace.handle, Caller.admin("scf"))
    db.create_collection("todos").raise_for_error()
    db.add("todos", T).raise_for_error()
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "READONLY"},
                             Caller.console()))
    return db


def open_(workspace, query=None, persona="学生A", **params) -> tuple[str, dict]:
    caller = workspace.client_caller(persona) if persona else Caller.console()
    result = workspace.handle(Request("database.watchOpen", {"collectionName": "todos", "query": query, **params},
                                      caller))
    return result["listenerId"], result["snapshot"]


def next_snapshot(workspace, listener_id) -> dict:
    snapshots, error = workspace.watch.poll(listener_id, WAIT)
    assert error is None and len(snapshots) == 1, (snapshots, error)
    return snapshots[0].to_wire()


def test_wa1_an_empty_result_still_fires_init_once(workspace, server):
    listener, init = open_(workspace, {"done": "none"})
    assert init["docChanges"] == [] and init["docs"] == [] and init["type"] == "init"
    server.doc_update("todos", "t1", {"progress": 1}).raise_for_error()
    assert workspace.watch.wait_idle(WAIT)
    assert workspace.watch.poll(listener, 0) == ([], None)


def test_wa2_to_wa6_the_documented_snapshots(workspace, server):
    listener, init = open_(workspace, {"done": True})
    assert [d["_id"] for d in init["docs"]] == ["t2"]
    assert init["docChanges"] == [{"id": 1, "queueType": "init", "dataType": "init", "docId": "t2",
                                   "doc": init["docs"][0]}]
    server.doc_update("todos", "t2", {"progress": 99}).raise_for_error()  # WA3
    wa3 = next_snapshot(workspace, listener)
    assert "type" not in wa3 and wa3["id"] == init["id"] + 1
    (change,) = wa3["docChanges"]
    assert (change["queueType"], change["dataType"], change["docId"]) == ("update", "update", "t2")
    assert change["updatedFields"] == {"progress": 99} and change["removedFields"] == []
    assert wa3["docs"][0]["progress"] == 99
    new_id = server.add("todos", {"done": True}).value["_id"]  # WA4
    wa4 = next_snapshot(workspace, listener)
    assert [(c["queueType"], c["dataType"], c["docId"]) for c in wa4["docChanges"]] == [("enqueue", "add", new_id)]
    assert len(wa4["docs"]) == 2
    server.doc_update("todos", "t2", {"done": False}).raise_for_error()  # WA6
    wa6 = next_snapshot(workspace, listener)
    assert [(c["queueType"], c["dataType"]) for c in wa6["docChanges"]] == [("dequeue", "update")]
    server.doc_remove("todos", new_id).raise_for_error()  # WA5
    wa5 = next_snapshot(workspace, listener)
    assert [(c["queueType"], c["dataType"], c["docId"]) for c in wa5["docChanges"]] == [("dequeue", "remove", new_id)]
    assert wa5["docs"] == []


def test_set_is_replace_and_a_change_outside_the_query_sends_nothing(workspace, server):
    listener, _ = open_(workspace, {"done": False})
    server.doc_update("todos", "t2", {"progress": 1}).raise_for_error()  # t2 is done: not in the result
    server.doc_set("todos", "t1", {"done": False, "title": "A"}).raise_for_error()
    snapshot = next_snapshot(workspace, listener)
    assert [(c["dataType"], c["docId"]) for c in snapshot["docChanges"]] == [("replace", "t1")]
    assert "updatedFields" not in snapshot["docChanges"][0]


def test_a_limit_window_dequeues_the_pushed_out_and_enqueues_the_next(workspace, server):
    server.add("todos", [{"_id": "t4", "done": False, "progress": 70}]).raise_for_error()
    listener, init = open_(workspace, None, order={"progress": "desc"}, limit=3)
    assert [d["_id"] for d in init["docs"]] == ["t2", "t4", "t1"]
    server.add("todos", {"_id": "t5", "progress": 80}).raise_for_error()
    pushed = next_snapshot(workspace, listener)
    assert [(c["queueType"], c["dataType"], c["docId"]) for c in pushed["docChanges"]] == [
        ("enqueue", "add", "t5"), ("dequeue", "limit", "t1")]
    assert [d["_id"] for d in pushed["docs"]] == ["t2", "t5", "t4"]
    server.doc_remove("todos", "t2").raise_for_error()
    refilled = next_snapshot(workspace, listener)
    assert [(c["queueType"], c["dataType"], c["docId"]) for c in refilled["docChanges"]] == [
        ("dequeue", "remove", "t2"), ("enqueue", "limit", "t1")]


def test_under_private_a_student_sees_only_their_documents(workspace, server):
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "PRIVATE"},
                             Caller.console()))
    a, b = (SdkDatabase(workspace.handle, workspace.client_caller(name)) for name in ("学生A", "学生B"))
    listener, init = open_(workspace, None, "学生A")
    assert init["docs"] == []
    b.add("todos", {"_id": "b1", "text": "from B"}).raise_for_error()
    a.add("todos", {"_id": "a1", "text": "from A"}).raise_for_error()
    snapshot = next_snapshot(workspace, listener)
    assert [c["docId"] for c in snapshot["docChanges"]] == ["a1"]
    # READONLY now: A's listener is read again and B's document enters it.
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "READONLY"},
                             Caller.console()))
    widened = next_snapshot(workspace, listener)
    assert {c["docId"] for c in widened["docChanges"] if c["queueType"] == "enqueue"} == {"t1", "t2", "t3", "b1"}


def test_losing_read_permission_mid_listen_closes_with_an_error(workspace, server):
    listener, _ = open_(workspace)
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "ADMINONLY"},
                             Caller.console()))
    snapshots, error = workspace.watch.poll(listener, WAIT)
    assert snapshots == [] and error.code == -402006
    assert workspace.watch.listeners() == []


def test_a_doc_listener_is_held_to_the_rule_on_each_new_version(workspace, server):
    """CUSTOM read: only your own. 学生A watches doc('x') before it exists (nothing to judge);
    学生B then creates x: A is not sent B's document, the listener ends with -402006."""
    rules = {"read": "doc._openid == auth.openid", "write": "doc._openid == auth.openid"}
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "CUSTOM", "rules": rules},
                             Caller.console()))
    listener, init = open_(workspace, {"_id": "x"}, queryType="DOC")
    assert init["docs"] == []
    SdkDatabase(workspace.handle, workspace.client_caller("学生B")).add("todos", {"_id": "x", "n": 1}).raise_for_error()
    snapshots, error = workspace.watch.poll(listener, WAIT)
    assert snapshots == [] and error.code == -402006


def test_refused_openings(workspace, server):
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "ADMINONLY"},
                             Caller.console()))
    with pytest.raises(CloudError) as refused:
        open_(workspace)
    assert refused.value.code == -402002
    with pytest.raises(CloudError) as server_side:
        workspace.handle(Request("database.watchOpen", {"collectionName": "todos"}, Caller.admin("scf")))
    assert server_side.value.code == -601004
    with pytest.raises(CloudError) as field:
        open_(workspace, None, None, projection={"title": 1})
    assert field.value.code == -402002


def test_a_thousand_rapid_writes_arrive_in_order_once_each(workspace, server):
    listener, _ = open_(workspace, None, None, order={"n": "asc"})
    for n in range(1000):
        server.add("todos", {"_id": f"w{n}", "n": n}).raise_for_error()
    seen = []
    while len(seen) < 1000:
        snapshots, error = workspace.watch.poll(listener, WAIT)
        assert error is None and snapshots
        seen.extend(c["docId"] for s in snapshots for c in s.doc_changes if c["dataType"] == "add")
    assert seen == [f"w{n}" for n in range(1000)]
    assert workspace.watch.wait_idle(WAIT) and workspace.watch.poll(listener, 0) == ([], None)


def test_a_listener_closed_while_a_change_is_in_flight_gets_nothing_more(workspace, server):
    entered, release, got, released = threading.Event(), threading.Event(), [], []

    def slow(snapshot):
        got.append(snapshot)
        if len(got) == 2:
            entered.set()
            released.append(release.wait(WAIT))  # False if closing had to wait for this delivery

    listener, _ = workspace.watch.open(Caller.console(), "todos", None, on_snapshot=slow)
    # The writer's thread is delivering the first change when the listener is closed.
    writer = threading.Thread(target=lambda: server.doc_update("todos", "t1", {"progress": 1}).raise_for_error())
    writer.start()
    assert entered.wait(WAIT)
    assert workspace.watch.close(listener)
    release.set()
    writer.join()
    server.doc_update("todos", "t1", {"progress": 2}).raise_for_error()
    assert workspace.watch.wait_idle(WAIT)
    assert len(got) == 2 and released == [True]
    assert workspace.watch.listeners() == []


def test_writes_from_a_transaction_an_import_and_the_console_are_delivered(workspace, server):
    listener, _ = open_(workspace, None, None)
    tx = workspace.handle(Request("database.startTransaction", {}, Caller.admin("scf")))["transactionId"]
    workspace.handle(Request("database.modifyDocument", {"collectionName": "todos", "queryType": "DOC",
                                                         "query": {"_id": "t1"}, "data": {"progress": 7},
                                                         "transactionId": tx}, Caller.admin("scf")))
    workspace.handle(Request("database.commitTransaction", {"transactionId": tx}, Caller.admin("scf")))
    in_tx = next_snapshot(workspace, listener)
    assert [(c["dataType"], c["docId"]) for c in in_tx["docChanges"]] == [("update", "t1")]
    workspace.handle(Request("database.importDocuments", {"collectionName": "todos", "conflict": "upsert",
                                                          "documents": [{"_id": "t3", "x": 1}, {"_id": "i1"}]},
                             Caller.console()))
    imported = next_snapshot(workspace, listener)
    assert [(c["dataType"], c["docId"]) for c in imported["docChanges"]] == [("replace", "t3"), ("add", "i1")]
    workspace.handle(Request("database.removeDocument", {"collectionName": "todos", "queryType": "DOC",
                                                         "query": {"_id": "i1"}}, Caller.console()))
    assert next_snapshot(workspace, listener)["docChanges"][0]["dataType"] == "remove"


def test_listing_and_closing_with_the_workspace(workspace, server):
    listener, _ = open_(workspace, {"done": True})
    (entry,) = workspace.handle(Request("database.watchList", {}, Caller.console()))["listeners"]
    assert entry["id"] == listener and entry["persona"] == "学生A" and entry["query"] == {"done": True}
    workspace.watch.close_all()
    assert workspace.watch.listeners() == []
    with pytest.raises(CloudError) as gone:
        workspace.watch.poll(listener, 0)
    assert gone.value.code == -402009


def test_with_no_listener_the_write_path_builds_no_changes(workspace, server, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the change feed was built with no listener")

    monkeypatch.setattr("app.core.database.changes.changes_of", refuse)
    server.doc_update("todos", "t1", {"progress": 3}).raise_for_error()
    listener, _ = open_(workspace)
    workspace.watch.close(listener)
    server.add("todos", {"x": 1}).raise_for_error()
    assert workspace.database.store._feed == []


@pytest.mark.parametrize("order", [None, {"score": "desc"}, {"group": "asc", "score": "asc"}])
def test_after_random_writes_the_listener_s_docs_are_what_a_fresh_query_gets(workspace, server, order):
    """400 seeded random adds, updates (of the ordering field or not) and removes under a
    where + orderBy + limit(5) listener: after each, its current docs equal a new get()."""
    import random

    rng = random.Random(17)
    listener, _ = open_(workspace, {"kind": "x"}, None, order=order, limit=5)
    sort = [(key, 1 if way == "asc" else -1) for key, way in (order or {"_id": "desc"}).items()]
    current = None
    ids = []
    for step in range(400):
        roll = rng.random()
        if roll < 0.3 or not ids:
            ids.append(f"r{step}")
            server.add("todos", {"_id": ids[-1], "kind": rng.choice("xy"), "score": rng.randrange(10),
                                 "group": rng.randrange(3)}).raise_for_error()
        elif roll < 0.85:
            change = rng.choice([{"score": rng.randrange(10)}, {"label": step}, {"kind": rng.choice("xy")},
                                 {"group": rng.randrange(3)}])
            server.doc_update("todos", rng.choice(ids), change).raise_for_error()
        else:
            server.doc_remove("todos", ids.pop(rng.randrange(len(ids)))).raise_for_error()
        assert workspace.watch.wait_idle(WAIT)
        snapshots, error = workspace.watch.poll(listener, 0)
        assert error is None
        if snapshots:
            current = snapshots[-1].to_wire()["docs"]
        if current is not None:
            fresh = server.get("todos", {"kind": "x"}, order=sort, limit=5).raise_for_error()["data"]
            assert [d["_id"] for d in current] == [d["_id"] for d in fresh], step


def test_waking_a_listener_ends_its_reader_s_wait_and_keeps_it_open(workspace, server):
    """The client console's hand-over: the shim's poll under way returns at once, empty, and the
    listener stays open for the console (another user may not wake it)."""
    listener, _ = open_(workspace)
    answers = []
    reader = threading.Thread(target=lambda: answers.append(workspace.watch.poll(listener, 300)))
    reader.start()
    assert not workspace.watch.wake(listener, workspace.client_caller("学生B"))
    assert workspace.handle(Request("database.watchHandOver", {"listenerId": listener},
                                    workspace.client_caller("学生A"))) == {"handedOver": True}
    reader.join(120)  # a bound for a broken build: without the wake it would wait 300 s
    assert not reader.is_alive() and answers == [([], None)]
    assert [entry["id"] for entry in workspace.watch.listeners()] == [listener]
