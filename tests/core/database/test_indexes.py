"""Indexes (索引管理, issue 20): definitions, persistence, unique keys on every write path, multikey,
null/missing, limits, snapshots and scenarios, and the plan the timeline shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.core.database.index_specs import MAX_INDEXES
from app.core.database.journal import read_collection
from app.core.database.service import DatabaseService
from app.core.database.store import DocumentStore
from app.core.database.transaction_view import in_transaction
from app.core.database.transactions import Transactions
from app.core.errors import CloudError
from app.core.requests import Caller, Request, Trace, current_trace
from app.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[3]
CONSOLE = Caller.console()
ADMIN = Caller.admin("scf")


@pytest.fixture
def ws(tmp_path):
    workspace = Workspace.open(tmp_path / "d")
    workspace.database.create_collection("people")
    workspace.database.import_documents("people", [
        {"_id": "p1", "name": "Ann", "city": "sh", "age": 30, "tags": ["a", "b"], "profile": {"vip": True}},
        {"_id": "p2", "name": "Bob", "city": "bj", "age": 25, "tags": ["b"], "profile": {"vip": False}},
        {"_id": "p3", "name": "Cid", "city": "sh", "age": 41},
    ], upsert=False, atomic=True)
    yield workspace
    workspace.close()


def console(ws, action: str, **params) -> dict:
    return ws.handle(Request(action, params, CONSOLE))


def create(ws, *keys, unique=False, name=None, collection="people") -> dict:
    params = {"collectionName": collection, "unique": unique,
              "keys": [{"field": f, "direction": d} for f, d in keys]}
    if name:
        params["name"] = name
    return console(ws, "database.createIndex", **params)["index"]


def names(ws, collection="people") -> list[str]:
    return [i["name"] for i in console(ws, "database.listIndexes", collectionName=collection)["indexes"]]


def refused(call) -> CloudError:
    with pytest.raises(CloudError) as caught:
        call()
    return caught.value


# -- definitions -------------------------------------------------------------------------------


def test_the_id_index_is_listed_and_cannot_be_dropped(ws):
    assert console(ws, "database.listIndexes", collectionName="people") == {"indexes": [
        {"name": "_id_", "keys": [{"field": "_id", "direction": 1}], "unique": True, "builtin": True}]}
    error = refused(lambda: console(ws, "database.dropIndex", collectionName="people", name="_id_"))
    assert error.code == -501007 and "_id_" in str(error)


def test_create_names_as_mongodb_and_drop(ws):
    assert create(ws, ("city", 1), ("age", -1)) == {
        "name": "city_1_age_-1", "unique": False, "builtin": False,
        "keys": [{"field": "city", "direction": 1}, {"field": "age", "direction": -1}]}
    assert create(ws, ("profile.vip", 1), name="vip")["name"] == "vip"
    assert names(ws) == ["_id_", "city_1_age_-1", "vip"]
    assert console(ws, "database.dropIndex", collectionName="people", name="vip") == {"dropped": "vip"}
    assert names(ws) == ["_id_", "city_1_age_-1"]


@pytest.mark.parametrize("keys", [[], [{"field": "a", "direction": 2}], [{"field": "$a", "direction": 1}],
                                  [{"field": "a..b", "direction": 1}], [{"field": "a"}, {"field": "a"}], "a"])
def test_bad_keys_are_refused(ws, keys):
    error = refused(lambda: console(ws, "database.createIndex", collectionName="people", keys=keys))
    assert error.code == -501007 and names(ws) == ["_id_"]


def test_names_and_keys_twice_unknown_names_and_collections_are_refused(ws):
    create(ws, ("city", 1))
    assert refused(lambda: create(ws, ("age", 1), name="city_1")).code == -501007
    assert refused(lambda: create(ws, ("city", 1), name="other")).code == -501007
    assert refused(lambda: create(ws, ("_id", 1))).code == -501007
    assert refused(lambda: console(ws, "database.dropIndex", collectionName="people", name="nope")).code == -501007
    assert refused(lambda: console(ws, "database.listIndexes", collectionName="nowhere")).code == -502005


def test_at_most_twenty_indexes_with_id(ws):
    for n in range(MAX_INDEXES - 1):
        create(ws, (f"f{n}", 1))
    error = refused(lambda: create(ws, ("one_more", 1)))
    assert error.code == -502004 and f"at most {MAX_INDEXES} indexes" in str(error)
    assert len(names(ws)) == MAX_INDEXES


def test_only_the_console_manages_indexes(ws):
    params = {"collectionName": "people", "keys": [{"field": "city", "direction": 1}]}
    error = refused(lambda: ws.handle(Request("database.createIndex", params, ADMIN)))
    assert error.code == -601004


# -- persistence -------------------------------------------------------------------------------


def test_definitions_survive_restart_and_compaction(tmp_path):
    store = DocumentStore(tmp_path / "db", background=False)
    service = DatabaseService(store, lambda c: "ADMINONLY")
    service.create_collection("t")
    store.insert("t", [{"_id": 1, "k": "x"}, {"_id": 2, "k": "y"}])
    _write_index(store, "t", "k_1", "k", unique=True)
    _write_index(store, "t", "other_1", "other")
    store.write_index(("di", "t", "other_1"))
    store.close()  # compacts: the definition is in the file's meta now
    docs, _seq = read_collection(tmp_path / "db" / "t.json")
    assert docs.indexes == [{"name": "k_1", "keys": [{"field": "k", "direction": 1}], "unique": True}]
    store = DocumentStore(tmp_path / "db", background=False)
    assert [s.name for s in store.indexes.specs("t")] == ["k_1"]
    assert refused(lambda: store.insert("t", [{"_id": 3, "k": "x"}])).code == -502001
    store.close()


def _write_index(store, collection, name, field, unique=False):
    store.write_index(("ci", collection, {"name": name, "keys": [{"field": field, "direction": 1}], "unique": unique}))


def test_a_created_index_survives_kill_9(tmp_path):
    """The create is a journal record: killed before any compaction, it is there at the next open."""
    child = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from app.core.database.store import DocumentStore
        store = DocumentStore({str(tmp_path / 'db')!r}, background=False, compact_after_bytes=1 << 30)
        store.create_collection("t")
        store.insert("t", [{{"_id": 1, "k": "x"}}])
        store.write_index(("ci", "t", {{"name": "k_1", "keys": [{{"field": "k", "direction": 1}}], "unique": True}}))
        print("created", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "created" and out.returncode == -9
    assert not (tmp_path / "db" / "t.json").exists()  # only the journal holds it
    store = DocumentStore(tmp_path / "db", background=False)
    assert [s.name for s in store.indexes.specs("t")] == ["k_1"]
    assert refused(lambda: store.insert("t", [{"_id": 2, "k": "x"}])).code == -502001
    store.close()


def test_a_dropped_collection_takes_its_indexes_along(ws):
    create(ws, ("city", 1))
    ws.database.drop_collection("people")
    ws.database.create_collection("people")
    assert names(ws) == ["_id_"]


# -- unique keys on every write path -----------------------------------------------------------


def test_unique_refuses_a_duplicate_insert_with_the_backends_error(ws):
    create(ws, ("name", 1), unique=True)
    before = ws.database.store.documents("people")
    error = refused(lambda: ws.database.insert(ADMIN, "people", [{"name": "Dan"}, {"name": "Ann"}]))
    assert error.code == -502001
    assert str(error).endswith('E11000 duplicate key error collection: people index: name_1 dup key: { name: "Ann" }')
    assert ws.database.store.documents("people") == before  # not even Dan


def test_unique_over_existing_duplicates_is_refused_and_nothing_created(ws):
    error = refused(lambda: create(ws, ("city", 1), unique=True))
    assert error.code == -502001 and 'index: city_1 dup key: { city: "sh" }' in str(error)
    assert names(ws) == ["_id_"]


def test_a_unique_index_admits_one_document_without_the_field(tmp_path):
    workspace = Workspace.open(tmp_path / "d")
    try:
        workspace.database.create_collection("u")
        workspace.database.insert(ADMIN, "u", [{"_id": 1, "email": "a@x"}, {"_id": 2}])
        create(workspace, ("email", 1), unique=True, collection="u")
        error = refused(lambda: workspace.database.insert(ADMIN, "u", [{"_id": 3, "other": 1}]))
        assert "dup key: { email: null }" in str(error)
        error = refused(lambda: workspace.database.insert(ADMIN, "u", [{"_id": 4, "email": None}]))
        assert "dup key: { email: null }" in str(error)
        workspace.database.insert(ADMIN, "u", [{"_id": 5, "email": "b@x"}])
    finally:
        workspace.close()


def test_unique_refuses_an_update_or_set_that_duplicates(ws):
    create(ws, ("name", 1), unique=True)
    error = refused(lambda: ws.database.modify(ADMIN, "people", {"_id": "p2"}, {"$set": {"name": "Ann"}},
                                               multi=False, merge=True, upsert=False))
    assert error.code == -502001
    assert ws.database.store.get("people", "p2")["name"] == "Bob"
    refused(lambda: ws.database.modify(ADMIN, "people", {"_id": "p3"}, {"name": "Bob"}, multi=False, merge=False,
                                       upsert=False))
    assert ws.database.store.get("people", "p3")["name"] == "Cid"
    # The document keeps its own key: an update that leaves it alone is fine.
    ws.database.modify(ADMIN, "people", {"_id": "p1"}, {"$set": {"name": "Ann", "age": 31}}, multi=False,
                       merge=True, upsert=False)
    assert ws.database.store.get("people", "p1")["age"] == 31


def test_unique_refuses_an_import_and_nothing_is_imported(ws):
    create(ws, ("name", 1), unique=True)
    error = refused(lambda: ws.database.import_documents("people", [{"_id": "n1", "name": "Eve"},
                                                                    {"_id": "n2", "name": "Bob"}],
                                                         upsert=False, atomic=True))
    assert error.code == -502001
    assert ws.database.store.get("people", "n1") is None
    ws.database.import_documents("people", [{"_id": "n1", "name": "Eve"}], upsert=False, atomic=True)
    assert ws.database.store.get("people", "n1")["name"] == "Eve"


def test_unique_refuses_a_transaction_at_commit_and_nothing_is_committed(ws):
    create(ws, ("name", 1), unique=True)
    transactions = Transactions(ws.database.store)
    tid = transactions.start()
    inside = in_transaction(ws.database, transactions, tid)
    inside.insert(ADMIN, "people", [{"_id": "x1", "name": "Fay"}])
    inside.modify(ADMIN, "people", {"_id": "p3"}, {"$set": {"name": "Ann"}}, multi=False, merge=True, upsert=False)
    error = refused(lambda: transactions.commit(tid))
    assert error.code == -502001
    assert ws.database.store.get("people", "x1") is None
    assert ws.database.store.get("people", "p3")["name"] == "Cid"
    # The entries were rolled back too: Fay and a new Cid are still free.
    ws.database.insert(ADMIN, "people", [{"_id": "x2", "name": "Fay"}])


def test_multikey_unique_and_queries(ws):
    create(ws, ("tags", 1), unique=False)
    docs, _ = ws.database.get(ADMIN, "people", {"tags": "b"})
    assert [d["_id"] for d in docs] == ["p1", "p2"]
    ws.database.create_collection("m")
    ws.database.insert(ADMIN, "m", [{"_id": 1, "t": [1, 2, 2]}])  # one document may repeat its own key
    create(ws, ("t", 1), unique=True, collection="m")
    assert "dup key: { t: 2 }" in str(refused(lambda: ws.database.insert(ADMIN, "m", [{"_id": 2, "t": [3, 2]}])))
    ws.database.insert(ADMIN, "m", [{"_id": 3, "t": [3, 4]}])


def test_a_compound_index_takes_one_array_per_document(ws):
    ws.database.create_collection("m")
    ws.database.insert(ADMIN, "m", [{"_id": 1, "a": [1, 2], "b": 1}])
    create(ws, ("a", 1), ("b", 1), collection="m")
    error = refused(lambda: ws.database.insert(ADMIN, "m", [{"_id": 2, "a": [1, 2], "b": [3, 4]}]))
    assert error.code == -502001 and "cannot index parallel arrays" in str(error)
    assert ws.database.store.get("m", 2) is None


def test_removed_and_replaced_documents_free_their_keys(ws):
    create(ws, ("name", 1), unique=True)
    ws.database.remove(ADMIN, "people", {"_id": "p1"}, multi=False)
    ws.database.modify(ADMIN, "people", {"_id": "p2"}, {"$set": {"name": "Bo"}}, multi=False, merge=True, upsert=False)
    ws.database.insert(ADMIN, "people", [{"_id": "a1", "name": "Ann"}, {"_id": "b1", "name": "Bob"}])


# -- snapshots and scenarios -------------------------------------------------------------------


def test_snapshot_restore_brings_the_indexes_back(ws):
    create(ws, ("name", 1), unique=True)
    console(ws, "snapshot.save", name="with-index")
    console(ws, "database.dropIndex", collectionName="people", name="name_1")
    create(ws, ("age", 1))
    console(ws, "snapshot.restore", name="with-index")
    assert names(ws) == ["_id_", "name_1"]
    assert refused(lambda: ws.database.insert(ADMIN, "people", [{"name": "Ann"}])).code == -502001


def test_a_scenario_carries_the_indexes(ws, tmp_path):
    create(ws, ("city", 1), ("age", -1))
    create(ws, ("name", 1), unique=True)
    file = tmp_path / "s.wxsim"
    console(ws, "snapshot.export", localPath=str(file))
    opened = Workspace.from_scenario(file, tmp_path / "other")
    try:
        assert names(opened) == ["_id_", "city_1_age_-1", "name_1"]
        assert refused(lambda: opened.database.insert(ADMIN, "people", [{"name": "Bob"}])).code == -502001
    finally:
        opened.close()


# -- the plan on the timeline ------------------------------------------------------------------


def _get(ws, query: dict, **extra) -> dict:
    params = {"collectionName": "people", "query": json.dumps(query), **extra}
    ws.handle(Request("database.getDocument", params, ADMIN))
    return ws.events.recent()[-1].plan


def test_the_event_names_the_index_or_a_full_scan(ws):
    assert _get(ws, {"city": "sh"}) == {"collection": "people", "index": None, "examined": 3, "sorted": False}
    create(ws, ("city", 1))
    assert _get(ws, {"city": "sh"}) == {"collection": "people", "index": "city_1", "examined": 2, "sorted": False}
    assert _get(ws, {"_id": "p2"})["index"] == "_id_"
    create(ws, ("age", -1))
    plan = _get(ws, {}, order=json.dumps({"age": -1}), limit=1)
    assert plan["index"] == "age_-1" and plan["sorted"] and plan["examined"] == 1
    assert ws.events.recent()[-1].to_json().count('"plan"') == 1


def test_a_refused_batch_leaves_the_entries_as_they_were(ws):
    """A transaction whose second write breaks a unique index: the first write's entries go too,
    and documents of other collections keep theirs."""
    create(ws, ("name", 1), unique=True)
    ws.database.create_collection("other")
    ws.database.insert(ADMIN, "other", [{"_id": 1, "k": "x"}])
    create(ws, ("k", 1), unique=True, collection="other")
    store = ws.database.store
    with pytest.raises(CloudError):
        with store.batch():
            store.insert("other", [{"_id": 2, "k": "y"}])
            store.replace("people", [{**store.get("people", "p2"), "name": "Ann"}])
    assert store.get("other", 2) is None
    ws.database.insert(ADMIN, "other", [{"_id": 3, "k": "y"}])  # y is free again
    assert "dup key: { k: \"x\" }" in str(refused(lambda: ws.database.insert(ADMIN, "other", [{"_id": 4, "k": "x"}])))
    docs, _ = ws.database.get(ADMIN, "other", {"k": "y"})
    assert [d["_id"] for d in docs] == [3]


def test_a_partial_import_skips_what_a_unique_index_refuses(ws):
    create(ws, ("name", 1), unique=True)
    report = ws.database.import_documents("people", [
        {"_id": "n1", "name": "Eve"}, {"_id": "n2", "name": "Ann"}, {"_id": "n3", "name": "Eve"},
        {"_id": "p2", "name": "Bobby"}, {"_id": "n4", "name": "Bob"}, {"_id": "n5", "name": "Fay"},
    ], upsert=True, atomic=False)
    # Ann is p1's; the second Eve is n1's now; Bob is still p2's (its replacement is not counted
    # as freeing the key before it is written: the import refuses rather than guess).
    assert report.conflicts == ["n2", "n3", "n4"]
    assert [d["_id"] for d in ws.database.store.documents("people")] == ["p1", "p2", "p3", "n1", "n5"]
    assert ws.database.store.get("people", "p2")["name"] == "Bobby"


def test_a_refused_batch_is_undone_write_by_write_not_rebuilt(ws, monkeypatch):
    create(ws, ("name", 1), unique=True)
    store = ws.database.store
    rebuilt = []
    monkeypatch.setattr("app.core.database.indexes.CollectionIndexes.build", lambda *args: rebuilt.append(args))
    with pytest.raises(CloudError):
        with store.batch():
            store.insert("people", [{"_id": "z1", "name": "Zed"}])
            store.remove("people", ["p3"])
            store.replace("people", [{"_id": "p1", "name": "Ann2"}])
            store.insert("people", [{"_id": "z2", "name": "Bob"}])  # refused
    assert rebuilt == []
    ws.database.insert(ADMIN, "people", [{"_id": "z3", "name": "Zed"}])  # free again
    assert "dup key: { name: \"Cid\" }" in str(refused(lambda: ws.database.insert(ADMIN, "people", [{"name": "Cid"}])))
    docs, _ = ws.database.get(ADMIN, "people", {"name": {"$in": ["Ann", "Ann2", "Cid"]}})
    assert [d["_id"] for d in docs] == ["p1", "p3"]


def test_a_dry_run_reads_through_the_live_indexes(ws):
    create(ws, ("city", 1))
    trace = Trace()
    token = current_trace.set(trace)
    try:
        docs, _ = ws.database.dry_run().get(ADMIN, "people", {"city": "sh"})
    finally:
        current_trace.reset(token)
    assert [d["_id"] for d in docs] == ["p1", "p3"] and trace.plan["index"] == "city_1"


def test_an_or_whose_every_branch_has_an_index_unites_them(ws):
    create(ws, ("city", 1))
    query = {"$or": [{"city": "bj"}, {"age": {"$gt": 40}}]}
    assert _get(ws, query)["index"] is None  # age has no index: a scan
    create(ws, ("age", -1))
    assert _get(ws, query) == {"collection": "people", "index": "city_1, age_-1", "examined": 2, "sorted": False}
    docs, _ = ws.database.get(ADMIN, "people", query)
    assert [d["_id"] for d in docs] == ["p2", "p3"]
