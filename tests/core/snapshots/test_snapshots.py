"""Snapshots of a whole workspace: save, restore, reset, checkpoints, undo, delete."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import paths
from app.core.database.ejson import to_ejson
from app.core.errors import CloudError, InputError
from app.core.requests import Caller, Request
from app.core.snapshots.store import CHECKPOINT_RING
from app.core.workspace import Workspace
from tests.support.console import console


def state_of(ws: Workspace) -> dict:
    """Everything a snapshot keeps, as plain values."""
    store = ws.database.store
    return {
        "collections": {name: to_ejson(store.documents(name)) for name in store.collection_names()},
        "files": {r.path: (r.owner, r.content_type, ws.storage.disk(r.path).read_bytes()) for r in ws.storage.files()},
        "state": ws.state.portable(),
        "auth": ws.identity.auth_state(),
        "personas": [(p.name, p.openid) for p in ws.identity.personas()],
    }


def change_everything(ws: Workspace, tmp_path: Path) -> None:
    handle = ws.handle
    handle(console("database.deleteCollection", collectionName="grades"))
    handle(console("database.addCollection", collectionName="fresh"))
    handle(console("database.setPermission", collectionName="todos", mode="CUSTOM",
                   rules={"read": True, "write": "doc._openid == auth.openid"}))
    todos = ws.database.store.documents("todos")
    ws.database.store.replace("todos", [{**todos[0], "title": "edited", "nested": {"a": 1}}])
    ws.database.store.insert("fresh", [{"_id": "x", "n": 1}])
    ws.identity.add_persona("学生C")
    ws.identity.rename_persona("学生A", "小明")
    ws.identity.record_visit(ws.identity.persona("学生C").openid, ws.settings.appid)
    ws.identity.issue_code(ws.identity.persona("学生B").openid)
    source = tmp_path / "upload.bin"
    source.write_bytes(os.urandom(5000))
    ws.storage.upload(Caller.console("test"), "new/upload.bin", source)
    first = ws.storage.files()[0]
    ws.handle(console("storage.batchDeleteFile", fileid_list=[ws.storage.file_id(first.path)]))
    ws.state.set_storage_mode("ADMINONLY")
    ws.state.set_function_runtime("sum", "node")
    ws.state.save_function_preset("sum", "big numbers", '{"a": 1e9}')
    ws.state.set_triggers_paused(True)


def test_a_restore_brings_back_every_part_of_the_state(demo, tmp_path):
    demo.identity.record_visit(demo.identity.persona("学生A").openid, demo.settings.appid)
    saved = state_of(demo)
    demo.handle(console("snapshot.save", name="课前", note="before class"))
    change_everything(demo, tmp_path)
    changed = state_of(demo)
    for part in saved:
        assert changed[part] != saved[part], part

    answer = demo.handle(console("snapshot.restore", name="课前"))

    assert answer["restored"]["name"] == "课前"
    assert answer["checkpoint"]["kind"] == "checkpoint"
    assert state_of(demo) == saved
    # And the services read what is on disk: a restart shows the same.
    data_dir = demo.data_dir
    demo.close()
    again = Workspace.open(data_dir, paths.demo_project())
    try:
        assert state_of(again) == saved
        # Writes after a restore land in the new journal and survive a restart too.
        again.database.store.insert("todos", [{"_id": "after", "n": 2}])
    finally:
        again.close()
    third = Workspace.open(data_dir, paths.demo_project())
    try:
        assert third.database.store.get("todos", "after") == {"_id": "after", "n": 2}
    finally:
        third.close()
    demo.close = lambda: None  # the fixture's close: already closed


def test_the_checkpoint_taken_before_a_restore_undoes_it(demo, tmp_path):
    demo.handle(console("snapshot.save", name="start"))
    change_everything(demo, tmp_path)
    changed = state_of(demo)
    demo.handle(console("snapshot.restore", name="start"))
    assert state_of(demo) != changed

    answer = demo.handle(console("snapshot.undo"))

    assert answer["restored"]["trigger"]["id"] == "snapshot.trigger_restore"
    assert state_of(demo) == changed


def test_reset_returns_the_demo_to_its_sample_data(demo, tmp_path):
    fresh = state_of(demo)
    assert "grades" in fresh["collections"]
    change_everything(demo, tmp_path)

    answer = demo.handle(console("snapshot.reset"))

    assert answer["restored"]["kind"] == "initial"
    assert state_of(demo) == fresh
    assert answer["checkpoint"]["trigger"]["id"] == "snapshot.trigger_reset"


def test_reset_of_a_workspace_made_before_snapshots_rebuilds_its_start(tmp_path, clock):
    data_dir = tmp_path / "old"
    ws = Workspace.open(data_dir, paths.demo_project(), demo_data=paths.resource("demo-data"), clock=clock)
    fresh = state_of(ws)
    ws.handle(console("snapshot.delete", name="initial"))  # as a workspace from an older wxsim has none
    ws.handle(console("database.deleteCollection", collectionName="todos"))
    ws.identity.add_persona("学生C")

    ws.handle(console("snapshot.reset"))

    rebuilt = state_of(ws)
    assert rebuilt["collections"] == fresh["collections"]
    assert rebuilt["personas"] == fresh["personas"]
    assert {p: f[:2] for p, f in rebuilt["files"].items()} == {p: f[:2] for p, f in fresh["files"].items()}
    assert [s["kind"] for s in ws.handle(console("snapshot.list"))["snapshots"]].count("initial") == 1
    ws.close()


@pytest.mark.parametrize("action, params, trigger", [
    ("database.deleteCollection", {"collectionName": "todos"}, "snapshot.trigger_delete_collection"),
    ("database.removeDocument", {"collectionName": "todos", "queryType": "WHERE", "query": "{}", "multi": True},
     "snapshot.trigger_bulk_delete"),
])
def test_destructive_console_operations_take_a_checkpoint_first(demo, action, params, trigger):
    before = state_of(demo)

    demo.handle(Request(action, params, Caller.console("test")))

    listing = demo.handle(console("snapshot.list"))
    assert listing["undo"]["trigger"]["id"] == trigger
    event = next(e for e in demo.events.recent() if e.action == "snapshot.checkpoint")
    parent = next(e for e in demo.events.recent() if e.action == action)
    assert event.parent_id == parent.id  # nested under the operation in the timeline
    demo.handle(console("snapshot.undo"))
    assert state_of(demo) == before


def test_an_import_that_replaces_documents_and_a_bulk_file_delete_take_checkpoints(demo, tmp_path):
    lines = tmp_path / "todos.jsonl"
    lines.write_text('{"_id": "todo-a1", "title": "replaced"}\n', encoding="utf-8")
    demo.handle(console("database.importFile", collectionName="todos", localPath=str(lines), format="jsonl",
                        conflict="upsert"))
    assert demo.handle(console("snapshot.list"))["undo"]["trigger"]["id"] == "snapshot.trigger_import_upsert"
    ids = [demo.storage.file_id(r.path) for r in demo.storage.files()[:2]]
    demo.handle(console("storage.batchDeleteFile", fileid_list=ids))
    assert demo.handle(console("snapshot.list"))["undo"]["trigger"] == {
        "id": "snapshot.trigger_delete_files", "template": "before deleting {count} files", "params": {"count": 2}}


def test_plain_writes_and_project_code_take_no_checkpoint(demo):
    demo.handle(console("database.removeDocument", collectionName="todos", queryType="DOC",
                        query='{"_id": "todo-a1"}', multi=False))
    client = demo.client_caller("学生A")
    with pytest.raises(CloudError):  # a mini program cannot drop a collection, and takes no checkpoint
        demo.handle(Request("database.deleteCollection", {"collectionName": "todos"}, client))
    assert demo.handle(console("snapshot.list"))["undo"] is None


def test_project_code_cannot_reach_snapshots(demo):
    for caller in (demo.client_caller("学生A"), Caller.admin("function")):
        for action in ("snapshot.list", "snapshot.save", "snapshot.restore", "snapshot.reset", "snapshot.export"):
            with pytest.raises(CloudError) as raised:
                demo.handle(Request(action, {"name": "x", "localPath": "/tmp/x"}, caller))
            assert raised.value.code == -601004


def test_checkpoints_are_kept_in_a_ring_of_twenty(demo):
    for number in range(CHECKPOINT_RING + 5):
        demo.handle(console("database.addCollection", collectionName=f"c{number}"))
        demo.handle(console("database.deleteCollection", collectionName=f"c{number}"))
    names = [s["name"] for s in demo.handle(console("snapshot.list"))["snapshots"] if s["kind"] == "checkpoint"]
    assert len(names) == CHECKPOINT_RING
    assert names[0] == f"checkpoint-{CHECKPOINT_RING + 5}" and names[-1] == "checkpoint-6"


def test_names_are_checked_where_the_person_typed_them(demo):
    demo.handle(console("snapshot.save", name="a"))
    for bad in ("", "   ", "a", "x/y", ".hidden", "x" * 65):
        with pytest.raises(InputError):
            demo.handle(console("snapshot.save", name=bad))
    with pytest.raises(InputError, match="no snapshot named nope"):
        demo.handle(console("snapshot.restore", name="nope"))
    assert [s["name"] for s in demo.handle(console("snapshot.list"))["snapshots"]] == ["a", "initial"]


def test_deleting_snapshots_frees_their_blobs_but_not_shared_ones(demo, tmp_path):
    demo.handle(console("snapshot.save", name="one"))
    source = tmp_path / "only-in-two.bin"
    source.write_bytes(os.urandom(10_000))
    demo.storage.upload(Caller.console("test"), "two.bin", source)
    demo.handle(console("snapshot.save", name="two"))
    blobs = demo.snapshots.store.blobs
    count = lambda: sum(1 for _ in blobs.rglob("*") if _.is_file())  # noqa: E731
    before = count()
    demo.storage.delete(Caller.console("test"), ["two.bin"])
    demo.handle(console("snapshot.delete", name="two"))
    assert count() == before - 1
    demo.handle(console("snapshot.restore", name="one"))  # its blobs are all still there


def test_a_restore_says_which_functions_changed_since(tmp_path, clock):
    project = tmp_path / "project"
    shutil_copytree(paths.demo_project(), project)
    ws = Workspace.open(tmp_path / "data", project, clock=clock)
    try:
        ws.handle(console("snapshot.save", name="s"))
        function = next(p for p in (project / "cloudfunctions").iterdir() if (p / "index.js").exists())
        (function / "index.js").write_text("exports.main = async () => 2\n", encoding="utf-8")
        assert ws.handle(console("snapshot.restore", name="s"))["codeChanged"] == [function.name]
    finally:
        ws.close()


def shutil_copytree(source: Path, target: Path) -> None:
    import shutil

    shutil.copytree(source, target)


def test_a_live_file_edited_in_place_leaves_the_snapshot_whole(demo):
    demo.handle(console("snapshot.save", name="s"))
    record = demo.storage.files()[0]
    live = demo.storage.disk(record.path)
    original = live.read_bytes()
    with open(live, "r+b") as handle:  # `cp` over it, or an editor that saves in place
        handle.write(b"XX")
    demo.handle(console("snapshot.restore", name="s"))
    assert demo.storage.disk(record.path).read_bytes() == original


def test_a_blob_changed_in_the_snapshots_folder_is_refused_not_restored(demo):
    saved = demo.handle(console("snapshot.save", name="s"))["snapshot"]
    blob = next(p for p in demo.snapshots.store.blobs.rglob("*") if p.is_file())
    with open(blob, "r+b") as handle:
        handle.write(b"XX")
    with pytest.raises(InputError, match="changed since the snapshot"):
        demo.handle(console("snapshot.restore", name=saved["name"]))
    assert not (demo.data_dir / ".restore").exists()


def test_listeners_hear_the_collections_go_on_restore(demo):
    demo.handle(console("snapshot.save", name="s"))
    caller = demo.client_caller("学生A")
    opened = demo.handle(Request("database.watchOpen", {"collectionName": "messages", "query": "{}"}, caller))
    listener = opened.get("listenerId") or opened.get("id")
    demo.handle(console("snapshot.restore", name="s"))
    error = None
    while error is None:  # the restore's drop comes after any snapshot queued before it
        error = demo.handle(Request("database.watchPoll", {"listenerId": listener, "waitMs": 2000}, caller))["error"]
    assert error["errCode"] == -402006
