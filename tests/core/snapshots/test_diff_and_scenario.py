"""Diffs between states, scenario files, and how little disk repeated snapshots take."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import paths
from app.core.database.ejson import to_ejson
from app.core.errors import InputError
from app.core.requests import Caller, Request
from app.core.snapshots.scenario import ScenarioError
from app.core.workspace import Workspace
from tests.support.console import console


def test_a_diff_lists_documents_fields_files_personas_and_settings(demo, tmp_path):
    store = demo.database.store
    demo.handle(console("snapshot.save", name="a"))
    todo = store.documents("todos")[0]
    store.replace("todos", [{**{k: v for k, v in todo.items() if k != "tags"}, "title": "new title",
                             "meta": {"by": "老师", "at": datetime(2026, 1, 2, tzinfo=UTC)}}])
    gone = store.documents("todos")[1]["_id"]
    store.remove("todos", [gone])
    store.insert("todos", [{"_id": "added", "done": True}])
    demo.handle(console("database.deleteCollection", collectionName="grades"))
    demo.handle(console("database.addCollection", collectionName="fresh"))
    demo.handle(console("database.setPermission", collectionName="notices", mode="ADMINONLY"))
    source = tmp_path / "f.txt"
    source.write_bytes(b"hello")
    changed = demo.storage.files()[0]
    demo.storage.upload(Caller.console("test"), "added.txt", source)
    demo.storage.upload(Caller.console("test"), changed.path, source)
    demo.identity.add_persona("学生C")
    demo.state.set_triggers_paused(True)

    diff = demo.handle(console("snapshot.diff", **{"from": "a"}))

    assert diff["from"] == "a" and diff["to"] == "now" and not diff["same"]
    by_name = {c["name"]: c for c in diff["collections"]}
    assert by_name["grades"]["status"] == "removed" and by_name["grades"]["removed"] == 2
    assert by_name["fresh"]["status"] == "added" and by_name["fresh"]["count"] == {"before": 0, "after": 0}
    assert by_name["notices"]["mode"]["after"] == "ADMINONLY" and by_name["notices"]["changed"] == 0
    todos = by_name["todos"]
    assert (todos["added"], todos["removed"], todos["changed"]) == (1, 1, 1)
    edited = next(d for d in todos["documents"] if d["change"] == "changed")
    assert edited["_id"] == todo["_id"]
    fields = {f["path"]: f for f in edited["fields"]}
    assert fields["title"] == {"path": "title", "before": todo["title"], "after": "new title"}
    assert fields["tags"] == {"path": "tags", "before": to_ejson(todo["tags"])}  # removed: no after
    assert fields["meta"]["after"] == {"by": "老师", "at": {"$date": "2026-01-02T00:00:00.000Z"}}
    assert {d["_id"] for d in todos["documents"] if d["change"] == "removed"} == {gone}
    assert diff["storage"]["added"] == ["added.txt"]
    assert [c["path"] for c in diff["storage"]["changed"]] == [changed.path]
    assert diff["personas"]["added"] == ["学生C"]
    assert diff["settings"] == [{"setting": "triggers_paused", "before": False, "after": True}]
    assert diff["summary"]["documentsAdded"] == 1 and diff["summary"]["filesAdded"] == 1

    demo.handle(console("snapshot.save", name="b"))
    between = demo.handle(console("snapshot.diff", **{"from": "a", "to": "b"}))
    assert {k: v for k, v in between.items() if k != "to"} == {k: v for k, v in diff.items() if k != "to"}
    assert demo.handle(console("snapshot.diff", **{"from": "b"}))["same"] is True


def test_a_diff_of_a_deep_field_names_its_path_and_numbers_keep_their_type(demo):
    store = demo.database.store
    store.insert("todos", [{"_id": "deep", "a": {"b": {"c": 1, "d": [1, 2]}}, "flag": 1}])
    demo.handle(console("snapshot.save", name="a"))
    store.replace("todos", [{"_id": "deep", "a": {"b": {"c": 2, "d": [1, 2]}}, "flag": True}])
    diff = demo.handle(console("snapshot.diff", **{"from": "a"}))
    doc = next(d for d in diff["collections"][0]["documents"] if d["_id"] == "deep")
    assert doc["fields"] == [{"path": "a.b.c", "before": 1, "after": 2},
                             {"path": "flag", "before": 1, "after": True}]


def query_answers(ws: Workspace) -> dict:
    """What a class would see: each collection queried, each file's bytes, the roster."""
    answers = {}
    for name in ws.database.store.collection_names():
        answer = ws.handle(Request("database.getDocument", {"collectionName": name, "queryType": "WHERE",
                                                            "query": "{}", "limit": 1000}, Caller.admin("test")))
        answers[name] = answer
    files = {r.path: (r.owner, r.content_type, ws.storage.disk(r.path).read_bytes()) for r in ws.storage.files()}
    return {"db": answers, "files": files, "personas": [(p.name, p.openid) for p in ws.identity.personas()],
            "modes": ws.state.portable(), "fileIds": [ws.storage.file_id(p) for p in sorted(files)]}


def test_a_scenario_opened_on_another_data_dir_answers_the_same(demo, tmp_path):
    demo.identity.add_persona("学生C")
    demo.database.store.insert("todos", [{"_id": "dated", "at": datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
                                          "n": 2**40, "f": 1.5, "z": None}])
    demo.handle(console("database.setPermission", collectionName="todos", mode="CUSTOM",
                        rules={"read": "doc._openid == auth.openid", "write": False}))
    target = tmp_path / "class"
    answer = demo.handle(console("snapshot.export", localPath=str(target)))
    assert answer["localPath"].endswith("class.wxsim") and answer["documents"] > 0

    other = Workspace.from_scenario(Path(answer["localPath"]), tmp_path / "laptop-2", paths.demo_project())
    try:
        assert query_answers(other) == query_answers(demo)
        assert other.settings.env_id == demo.settings.env_id  # so fileIDs in documents still resolve
        # Reset on the other laptop goes back to the scenario, not to an empty workspace.
        other.handle(console("database.deleteCollection", collectionName="todos"))
        other.handle(console("snapshot.reset"))
        assert query_answers(other) == query_answers(demo)
    finally:
        other.close()


def test_a_scenario_is_stable_and_readable_unzipped(demo, tmp_path):
    first = demo.handle(console("snapshot.export", localPath=str(tmp_path / "one.wxsim")))["localPath"]
    second = demo.handle(console("snapshot.export", localPath=str(tmp_path / "two.wxsim")))["localPath"]
    one, two = zipfile.ZipFile(first), zipfile.ZipFile(second)
    assert one.namelist() == two.namelist()
    for name in one.namelist():
        if name != "manifest.json":  # its createdAt is the export's
            assert one.read(name) == two.read(name), name
    lines = one.read("database/todos.jsonl").decode().splitlines()
    assert [json.loads(line)["_id"] for line in lines] == [d["_id"] for d in demo.database.store.documents("todos")]
    manifest = json.loads(one.read("manifest.json"))
    assert manifest["format"] == "wxsim-scenario" and manifest["version"] == 1


def test_a_named_snapshot_exports_its_own_state(demo, tmp_path):
    demo.handle(console("snapshot.save", name="before"))
    demo.handle(console("database.deleteCollection", collectionName="todos"))
    path = demo.handle(console("snapshot.export", localPath=str(tmp_path / "s.wxsim"), name="before"))["localPath"]
    assert "database/todos.jsonl" in zipfile.ZipFile(path).namelist()


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _manifest(**overrides) -> bytes:
    return json.dumps({"format": "wxsim-scenario", "version": 1, "env": {"envId": "e", "appid": "wx1", "seed": "s"},
                       **overrides}).encode()


@pytest.mark.parametrize("entries, message", [
    (None, "not a usable wxsim scenario"),
    ({"a.txt": b"x"}, "manifest.json is missing"),
    ({"manifest.json": b'{"format": "other"}'}, "no wxsim scenario manifest"),
    ({"manifest.json": _manifest(version=2)}, "made by a newer wxsim"),
    ({"manifest.json": _manifest(), "workspace.json": b"{}", "users.json": b"{}",
      "database/todos.jsonl": b'{"_id": 1}\n{"_id": 1}\n'}, "line 2 of database/todos.jsonl repeats the _id 1"),
    ({"manifest.json": _manifest(), "workspace.json": b"{}", "users.json": b"{}",
      "database/todos.jsonl": b'{"_id": 1}\nnot json\n'}, "line 2 of database/todos.jsonl"),
    ({"manifest.json": _manifest(), "workspace.json": b"{}", "users.json": b"{}",
      "storage/files/../../escape": b"x"}, "it holds an entry named"),
    ({"manifest.json": _manifest(), "workspace.json": b"{}", "users.json": b"{}",
      "storage/index.json": b'{"a.txt": {"sha256": "00"}}', "storage/files/a.txt": b"x"}, "does not match its checksum"),
])
def test_a_bad_scenario_is_refused_and_leaves_nothing_behind(tmp_path, entries, message):
    file = tmp_path / "bad.wxsim"
    if entries is None:
        file.write_bytes(b"not a zip at all")
    else:
        _zip(file, entries)
    target = tmp_path / "target"
    with pytest.raises(ScenarioError, match=message):
        Workspace.from_scenario(file, target)
    assert not target.exists()


def test_a_scenario_never_opens_over_a_workspace(demo, tmp_path):
    path = demo.handle(console("snapshot.export", localPath=str(tmp_path / "s.wxsim")))["localPath"]
    with pytest.raises(InputError, match="not empty"):
        Workspace.from_scenario(Path(path), demo.data_dir)
    assert demo.database.store.collection_names()  # untouched


def test_ten_snapshots_of_unchanged_files_keep_one_copy_of_them(demo, tmp_path):
    big = tmp_path / "big.bin"
    for number in range(4):
        big.write_bytes(os.urandom(2 << 20))
        demo.storage.upload(Caller.console("test"), f"videos/{number}.bin", big)
    file_bytes = sum(r.size for r in demo.storage.files())

    def disk_usage() -> int:
        seen, total = set(), 0
        for path in demo.data_dir.rglob("*"):
            st = path.lstat()
            if path.is_file() and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
        return total

    demo.handle(console("snapshot.save", name="s0"))
    before = disk_usage()
    for number in range(1, 10):
        demo.handle(console("snapshot.save", name=f"s{number}"))
    added = disk_usage() - before
    listed = {s["name"]: s for s in demo.handle(console("snapshot.list"))["snapshots"]}
    assert added < file_bytes / 20, (added, file_bytes)  # collection files and manifests only
    assert all(listed[f"s{n}"]["size"] < file_bytes / 100 for n in range(1, 10))
    # The one copy is the blobs': separate files, so an edit in place of a live file reaches none.
    record = demo.storage.files()[-1]
    with open(demo.storage.disk(record.path), "r+b") as handle:
        handle.write(b"edited in place")
    demo.handle(console("snapshot.restore", name="s5"))
    assert demo.storage.disk(record.path).read_bytes()[:15] != b"edited in place"
