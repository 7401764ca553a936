"""The document store: in-memory collections journaled to db/, compacted into TinyDB files."""

from __future__ import annotations

import json
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from tinydb import TinyDB

from app.core.database.journal import CorruptFileError, read_collection
from app.core.database.store import DocumentStore, DuplicateIdError
from app.core.errors import CloudError
from app.core.jsonfile import TEMP_PREFIX

NEVER = 1 << 40  # a compaction threshold no test reaches


@pytest.fixture
def open_store(tmp_path):
    """Open stores on folders under tmp_path (background thread off); all closed at the end."""
    opened = []

    def _open(folder: Path = tmp_path / "db", **options) -> DocumentStore:
        options.setdefault("background", False)
        options.setdefault("compact_after_bytes", NEVER)
        store = DocumentStore(folder, **options)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


def crash_copy(folder: Path, tmp_path: Path) -> Path:
    """The folder as a kill -9 would leave it right now (every returned write is in the files).

    Only valid while no background compaction is changing files, i.e. with background=False.
    """
    target = tmp_path / f"crash-{len(list(tmp_path.glob('crash-*')))}"
    shutil.copytree(folder, target)
    return target


def journal_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("_journal.*.log"))


def state(store: DocumentStore) -> dict[str, list[dict]]:
    return {name: store.documents(name) for name in store.collection_names()}


def test_crud(open_store):
    """Create, insert, get, count, replace, remove and drop do what they say."""
    store = open_store()
    assert store.create_collection("todos") is True
    assert store.create_collection("todos") is False
    store.create_collection("a-b_2")
    assert store.collection_names() == ["a-b_2", "todos"]
    store.insert("todos", [{"_id": "t1", "title": "one"}, {"_id": "t2", "title": "two"}])
    assert store.get("todos", "t1") == {"_id": "t1", "title": "one"}
    assert store.get("todos", "nope") is None
    assert store.count("todos") == 2
    store.replace("todos", [{"_id": "t1", "title": "uno", "done": True}])
    assert store.documents("todos") == [
        {"_id": "t1", "title": "uno", "done": True},
        {"_id": "t2", "title": "two"},
    ]
    assert store.remove("todos", ["t2", "missing", "t2"]) == 1
    assert store.remove("todos", ["missing"]) == 0
    assert [d["_id"] for d in store.documents("todos")] == ["t1"]
    assert store.drop_collection("todos") is True
    assert store.drop_collection("todos") is False
    assert store.has_collection("todos") is False


def test_missing_collection_is_502005(open_store):
    """Reads and writes on a collection that does not exist raise the cloud's -502005."""
    store = open_store()
    for call in (
        lambda: store.get("ghost", "x"),
        lambda: store.documents("ghost"),
        lambda: store.insert("ghost", [{"_id": 1}]),
        lambda: store.remove("ghost", [1]),
    ):
        with pytest.raises(CloudError) as info:
            call()
        assert info.value.code == -502005


def test_replace_of_a_missing_document_writes_nothing(open_store, tmp_path):
    """replace() needs every _id to exist; one missing and nothing changes."""
    store = open_store()
    store.create_collection("c")
    store.insert("c", [{"_id": "a", "v": 1}])
    with pytest.raises(KeyError):
        store.replace("c", [{"_id": "a", "v": 2}, {"_id": "b", "v": 2}])
    assert store.get("c", "a") == {"_id": "a", "v": 1}
    assert state(open_store(crash_copy(tmp_path / "db", tmp_path))) == state(store)


@pytest.mark.parametrize("reopen", ["journal", "compacted"])
def test_order_and_values_survive_reopen(open_store, tmp_path, reopen):
    """Insertion order, replaced-in-place order and field order come back after a reopen."""
    store = open_store()
    store.create_collection("c")
    store.insert(
        "c", [{"_id": f"d{i}", "z": i, "a": [i, {"y": None, "b": 1.5}]} for i in range(50)]
    )
    store.replace("c", [{"_id": "d10", "changed": True, "_x": "中文"}])
    store.remove("c", ["d0", "d49"])
    store.insert("c", [{"_id": "d0", "back": "at the end"}])
    if reopen == "compacted":
        store.flush()
        assert (
            journal_files(tmp_path / "db") == []
            or journal_files(tmp_path / "db")[0].stat().st_size == 0
        )
    again = open_store(crash_copy(tmp_path / "db", tmp_path))
    assert json.dumps(state(again)) == json.dumps(state(store))
    assert [d["_id"] for d in again.documents("c")][:3] == ["d1", "d2", "d3"]
    assert again.documents("c")[-1] == {"_id": "d0", "back": "at the end"}
    assert list(again.get("c", "d10")) == ["_id", "changed", "_x"]


def test_duplicate_ids_write_nothing(open_store, tmp_path):
    """A duplicate against stored documents or inside the batch rejects the whole insert."""
    store = open_store()
    store.create_collection("c")
    store.insert("c", [{"_id": "a"}])
    size = journal_files(tmp_path / "db")[-1].stat().st_size
    with pytest.raises(DuplicateIdError) as info:
        store.insert("c", [{"_id": "new1"}, {"_id": "a"}])
    assert info.value.doc_id == "a"
    with pytest.raises(DuplicateIdError) as info:
        store.insert("c", [{"_id": "new2"}, {"_id": 7}, {"_id": 7}])
    assert info.value.doc_id == 7
    assert [d["_id"] for d in store.documents("c")] == ["a"]
    assert journal_files(tmp_path / "db")[-1].stat().st_size == size


def test_id_types_stay_distinct(open_store, tmp_path):
    """ "1" and 1 are two documents, as are true and 1; 1 and 1.0 are one _id, as in Mongo."""
    store = open_store()
    store.create_collection("c")
    store.insert(
        "c", [{"_id": "1", "k": "str"}, {"_id": 1, "k": "int"}, {"_id": True, "k": "bool"}]
    )
    assert store.get("c", "1")["k"] == "str"
    assert store.get("c", 1)["k"] == "int"
    assert store.get("c", True)["k"] == "bool"
    assert store.get("c", 1.0)["k"] == "int"
    with pytest.raises(DuplicateIdError):
        store.insert("c", [{"_id": 1.0}])
    store.flush()
    again = open_store(crash_copy(tmp_path / "db", tmp_path))
    assert [(type(d["_id"]), d["_id"]) for d in again.documents("c")] == [
        (str, "1"),
        (int, 1),
        (bool, True),
    ]
    assert again.remove("c", [1]) == 1 and again.get("c", "1") is not None


@pytest.mark.parametrize("reopen", ["journal", "compacted"])
def test_dates_round_trip(open_store, tmp_path, reopen):
    """Aware datetimes (also nested, also naive-as-UTC) come back as aware UTC datetimes."""
    moment = datetime(2024, 2, 29, 23, 59, 58, 123000, tzinfo=UTC)
    other = datetime(2024, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    store = open_store()
    store.create_collection("c")
    store.insert(
        "c", [{"_id": "a", "at": moment, "log": [{"when": other}], "n": datetime(2020, 1, 1)}]
    )
    if reopen == "compacted":
        store.flush()
        text = (tmp_path / "db" / "c.json").read_text(encoding="utf-8")
        assert '"at":{"$date":"2024-02-29T23:59:58.123Z"}' in text
    doc = open_store(crash_copy(tmp_path / "db", tmp_path)).get("c", "a")
    assert doc["at"] == moment and doc["at"].tzinfo == UTC
    assert doc["log"][0]["when"] == other
    assert doc["n"] == datetime(2020, 1, 1, tzinfo=UTC)


def test_batch_is_one_record_and_visible_inside(open_store, tmp_path):
    """Writes in a batch are seen at once inside it and land as a single journal record."""
    store = open_store()
    store.create_collection("a")
    store.create_collection("b")
    folder = tmp_path / "db"
    before = journal_files(folder)[-1].read_bytes().count(b"\n")
    with store.batch():
        store.insert("a", [{"_id": 1}])
        assert store.get("a", 1) == {"_id": 1}
        with store.batch():  # nested batches join the outer one
            store.insert("b", [{"_id": 2}])
        store.replace("a", [{"_id": 1, "v": 2}])
        store.remove("b", [2])
        store.insert("b", [{"_id": 3}])
    assert journal_files(folder)[-1].read_bytes().count(b"\n") == before + 1
    again = open_store(crash_copy(folder, tmp_path))
    assert state(again) == {"a": [{"_id": 1, "v": 2}], "b": [{"_id": 3}]}


def test_batch_that_raises_is_undone(open_store, tmp_path):
    """An exception inside batch() reverts every write of it, order included, and writes nothing."""
    store = open_store()
    store.create_collection("a")
    store.insert("a", [{"_id": i} for i in range(5)])
    store.create_collection("old")
    before = json.dumps(state(store))
    size = journal_files(tmp_path / "db")[-1].stat().st_size
    with pytest.raises(LookupError, match="caller gave up"):
        with store.batch():
            store.remove("a", [1, 3])
            store.insert("a", [{"_id": 9}, {"_id": 1, "back": True}])
            store.replace("a", [{"_id": 0, "v": "new"}])
            store.drop_collection("old")
            store.create_collection("new")
            store.insert("new", [{"_id": "x"}])
            raise LookupError("caller gave up")
    assert json.dumps(state(store)) == before
    assert journal_files(tmp_path / "db")[-1].stat().st_size == size
    store.insert("a", [{"_id": 9}])  # the store still works afterwards


def test_torn_batch_record_is_all_or_nothing(open_store, tmp_path):
    """A batch whose record was cut short by a kill is wholly absent after the reopen."""
    store = open_store()
    store.create_collection("a")
    store.create_collection("b")
    store.insert("a", [{"_id": "kept"}])
    with store.batch():
        store.insert("a", [{"_id": "x", "pad": "p" * 500}])
        store.insert("b", [{"_id": "y"}])
    copy = crash_copy(tmp_path / "db", tmp_path)
    journal = journal_files(copy)[-1]
    data = journal.read_bytes()
    journal.write_bytes(data[: len(data) - 300])  # the kill hit the middle of the last write()
    assert state(open_store(copy)) == {"a": [{"_id": "kept"}], "b": []}


@pytest.mark.parametrize("damage", ["truncated", "bad checksum", "no newline"])
def test_torn_record_is_dropped_and_later_writes_survive(open_store, tmp_path, damage):
    """Replay drops a damaged last record, cuts it off, and appends after it stay readable."""
    store = open_store()
    store.create_collection("c")
    for i in range(3):
        store.insert("c", [{"_id": i, "text": "x" * 40}])
    copy = crash_copy(tmp_path / "db", tmp_path)
    journal = journal_files(copy)[-1]
    data = journal.read_bytes()
    if damage == "truncated":
        data = data[:-25]
    elif damage == "bad checksum":
        data = data[:-10] + b"y" + data[-9:]
    else:
        data = data[:-1]
    journal.write_bytes(data)
    reopened = open_store(copy)
    assert [d["_id"] for d in reopened.documents("c")] == [0, 1]
    reopened.insert("c", [{"_id": "after"}])
    again = open_store(crash_copy(copy, tmp_path))
    assert [d["_id"] for d in again.documents("c")] == [0, 1, "after"]


def test_replay_over_compacted_files_is_idempotent(open_store, tmp_path):
    """A kill between replacing the files and deleting the journal replays nothing twice."""
    folder = tmp_path / "db"
    store = open_store()
    store.create_collection("c")
    store.create_collection("gone")
    store.insert("c", [{"_id": i} for i in range(5)])
    store.flush()
    store.insert("c", [{"_id": "new"}])
    store.remove("c", [2])
    store.insert("c", [{"_id": 2, "again": True}])  # re-applying the remove would lose this
    store.replace("c", [{"_id": 0, "v": 1}])
    store.drop_collection("gone")
    store.create_collection("fresh")
    saved = {path.name: path.read_bytes() for path in journal_files(folder)}
    store.insert("c", [{"_id": "after-flush"}])
    store.flush()
    expected = json.dumps(state(store))
    copy = crash_copy(folder, tmp_path)
    for name, data in saved.items():  # the journal the compaction had covered, back in place
        (copy / name).write_bytes(data)
    assert json.dumps(state(open_store(copy))) == expected
    assert not (folder / "gone.json").exists()


def test_compaction_writes_a_file_stock_tinydb_reads(open_store, tmp_path):
    """The compacted file is a TinyDB database: doc_ids 1..n in order, our fields in our order."""
    store = open_store()
    store.create_collection("users")
    docs = [
        {"_id": f"u{i}", "name": f"学生{i}", "age": 20 + i, "at": datetime(2024, 1, 1, tzinfo=UTC)}
        for i in range(1500)
    ]
    store.insert("users", docs)
    store.remove("users", ["u0"])
    store.flush()
    db = TinyDB(tmp_path / "db" / "users.json")
    try:
        rows = db.table("_default").all()
    finally:
        db.close()
    assert [row.doc_id for row in rows] == list(range(1, 1500))
    assert list(rows[0]) == ["_id", "name", "age", "at"]
    assert dict(rows[0]) == {
        "_id": "u1",
        "name": "学生1",
        "age": 21,
        "at": {"$date": "2024-01-01T00:00:00.000Z"},
    }


def test_a_stock_tinydb_file_opens(open_store, tmp_path):
    """A collection file written by stock TinyDB loads; a document without _id gets its doc_id."""
    folder = tmp_path / "db"
    folder.mkdir()
    db = TinyDB(folder / "seed.json")
    db.insert_multiple([{"_id": "a", "n": 1}, {"n": 2}])
    db.close()
    store = open_store(folder)
    assert store.documents("seed") == [{"_id": "a", "n": 1}, {"_id": "2", "n": 2}]


def test_insert_never_rewrites_the_collection_file(open_store, tmp_path):
    """Below the compaction threshold a write only appends to the journal."""
    store = open_store()
    store.create_collection("c")
    store.insert("c", [{"_id": i} for i in range(1000)])
    store.flush()
    file = tmp_path / "db" / "c.json"
    before = (file.stat().st_mtime_ns, file.stat().st_ino, file.read_bytes())
    for i in range(1000, 1100):
        store.insert("c", [{"_id": i}])
    after = (file.stat().st_mtime_ns, file.stat().st_ino, file.read_bytes())
    assert after == before
    assert store.count("c") == 1100


def test_drop_removes_the_file_and_survives_a_crash(open_store, tmp_path):
    """A dropped collection stays dropped whether the kill comes before or after compaction."""
    folder = tmp_path / "db"
    store = open_store()
    store.create_collection("c")
    store.insert("c", [{"_id": 1}])
    store.flush()
    store.drop_collection("c")
    assert open_store(crash_copy(folder, tmp_path)).collection_names() == []
    store.flush()
    assert not (folder / "c.json").exists()
    store.create_collection("c")
    assert open_store(crash_copy(folder, tmp_path)).documents("c") == []


def test_open_removes_stale_temp_files_and_refuses_a_corrupt_file(open_store, tmp_path):
    """Temp files of a killed compaction are deleted; a damaged collection file is an error."""
    folder = tmp_path / "db"
    folder.mkdir()
    (folder / f"{TEMP_PREFIX}abc").write_text('{"_default": {"1": {"_id"')
    open_store(folder)
    assert not (folder / f"{TEMP_PREFIX}abc").exists()
    (folder / "broken.json").write_text('{"_default": {"1": ')
    with pytest.raises(CorruptFileError, match="broken.json"):
        DocumentStore(folder, background=False)


def test_on_change_reports_committed_writes_outside_the_lock(open_store):
    """Listeners hear each committed write once per collection, after the lock is released."""
    store = open_store()
    heard, free = [], []

    def listener(name):
        heard.append(name)
        other = threading.Thread(
            target=lambda: free.append(
                store.lock.acquire(timeout=2) and store.lock.release() is None
            )
        )
        other.start()
        other.join()

    unsubscribe = store.on_change(listener)
    store.on_change(lambda name: 1 / 0)  # a broken listener does not break writes
    store.create_collection("a")
    store.create_collection("b")
    store.insert("a", [{"_id": 1}])
    with pytest.raises(DuplicateIdError):
        store.insert("a", [{"_id": 1}])
    store.remove("a", ["none"])
    with store.batch():
        store.insert("a", [{"_id": 2}])
        store.insert("b", [{"_id": 3}])
        store.insert("a", [{"_id": 4}])
        assert heard == ["a", "b", "a"]  # nothing until the batch commits
    assert heard == ["a", "b", "a", "a", "b"]
    assert all(free)
    unsubscribe()
    store.insert("a", [{"_id": 5}])
    assert len(heard) == 5


def test_concurrent_inserts_from_threads_all_land(open_store, tmp_path):
    """Eight threads inserting at once, with background compaction running, lose nothing."""
    store = open_store(background=True, compact_after_bytes=16_384)
    store.create_collection("c")
    errors = []

    def worker(t):
        try:
            for i in range(400):
                store.insert("c", [{"_id": f"{t}-{i}", "t": t, "i": i}])
                if i % 50 == 0:
                    assert store.get("c", f"{t}-{i}")["i"] == i
        except Exception as exc:  # surfaced below; an assert in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count("c") == 3200
    for t in range(8):  # each thread's own inserts kept their relative order
        mine = [d["i"] for d in store.documents("c") if d["t"] == t]
        assert mine == list(range(400))
    store.close()  # (a copy now could race the background compaction's file changes)
    assert open_store(tmp_path / "db").count("c") == 3200


def test_background_thread_compacts_past_the_threshold(open_store, tmp_path):
    """Once the journal passes compact_after_bytes the background thread folds it into the file."""
    folder = tmp_path / "db"
    store = open_store(background=True, compact_after_bytes=4096)
    store.create_collection("c")
    for i in range(100):
        store.insert("c", [{"_id": i, "pad": "x" * 100}])  # ~16 KB of journal in all

    def journal_bytes() -> int:
        return sum(path.stat().st_size for path in journal_files(folder) if path.exists())

    deadline = time.monotonic() + 120  # a bound for a broken build, not a budget
    while journal_bytes() >= 4096 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert journal_bytes() < 4096
    docs, _ = read_collection(folder / "c.json")
    assert len(docs) > 70  # the rest is in the journal, below the threshold


def test_inline_compaction_without_background_thread(open_store, tmp_path):
    """With background=False, the write that crosses the threshold compacts before returning."""
    folder = tmp_path / "db"
    store = open_store(compact_after_bytes=2048)
    store.create_collection("c")
    for i in range(30):
        store.insert("c", [{"_id": i, "pad": "x" * 100}])
        assert journal_files(folder)[-1].stat().st_size < 2048
    assert (folder / "c.json").exists()


def test_close_leaves_only_collection_files_and_refuses_writes(open_store, tmp_path):
    """close() compacts, removes the empty journal, and later writes raise."""
    folder = tmp_path / "db"
    store = DocumentStore(folder)
    store.create_collection("c")
    store.insert("c", [{"_id": 1}])
    store.close()
    store.close()
    assert sorted(p.name for p in folder.iterdir()) == ["c.json"]
    with pytest.raises(RuntimeError):
        store.insert("c", [{"_id": 2}])
    assert open_store(folder).documents("c") == [{"_id": 1}]


def test_flush_inside_batch_is_refused(open_store):
    """Compacting an uncommitted batch would break its atomicity, so flush() refuses."""
    store = open_store()
    store.create_collection("c")
    with pytest.raises(RuntimeError):
        with store.batch():
            store.insert("c", [{"_id": 1}])
            store.flush()
    assert store.count("c") == 0


def test_a_value_that_cannot_be_stored_writes_nothing(open_store, tmp_path):
    """A document JSON cannot hold is refused before anything changes, alone or in a batch."""
    store = open_store()
    store.create_collection("c")
    size = journal_files(tmp_path / "db")[-1].stat().st_size
    with pytest.raises(TypeError):
        store.insert("c", [{"_id": 1, "bad": {1, 2}}])
    with pytest.raises(TypeError):
        with store.batch():
            store.insert("c", [{"_id": 2}])
            store.insert("c", [{"_id": 3, "bad": object()}])
    assert store.count("c") == 0
    assert journal_files(tmp_path / "db")[-1].stat().st_size == size
