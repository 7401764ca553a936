"""Multi-document transactions (issue 19): snapshot reads, first-writer-wins conflicts at the write,
one journal record per commit, ended transactions, the time limit; over the wire actions and
through the embedded wx-server-sdk's runTransaction/startTransaction."""

from __future__ import annotations

import pytest

from app.core.database import ejson
from app.core.database.transactions import LIFETIME_S, TransactionConflict, TransactionGone
from app.core.errors import CloudError
from app.core.functions.sdk import call_function
from app.core.gateway.envelope import failure
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.functions.test_runner import make_project

ADMIN = Caller.admin("scf")
CONFLICT_TEXT = ("[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by "
                 "others. Please check your request, but if the problem persists, contact us.")
GONE_TEXT = ("[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must "
             "be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.")
TODOS = [{"_id": "t1", "n": 1, "tag": "a"}, {"_id": "t2", "n": 2, "tag": "a"}, {"_id": "t3", "n": 3, "tag": "b"}]

PRELUDE = "const cloud = require('wx-server-sdk'); cloud.init(); const db = cloud.database(); const _ = db.command\n"
FUNCTIONS = {
    # A plain write under the transaction's own write: the commit conflicts, and runTransaction runs again.
    "retry": PRELUDE + """exports.main = async () => {
  let attempts = 0
  const result = await db.runTransaction(async (t) => {
    attempts++
    await t.collection('todos').doc('t1').update({ data: { n: _.inc(10) } })
    if (attempts === 1) await db.collection('todos').doc('t1').update({ data: { plain: true } })
    return 'done'
  })
  return { result, attempts, doc: (await db.collection('todos').doc('t1').get()).data }
}""",
    # Every attempt conflicts: 1 + 3 retries, then the last conflict rejects, as node-sdk's TcbError.
    "exhausted": PRELUDE + """exports.main = async () => {
  let attempts = 0
  try {
    await db.runTransaction(async (t) => {
      attempts++
      await t.collection('todos').doc('t1').update({ data: { n: _.inc(1) } })
      await db.collection('todos').doc('t1').update({ data: { plain: attempts } })
    })
  } catch (e) { return { attempts, code: e.code, message: e.message, errCode: e.errCode === undefined ? null : e.errCode } }
}""",
    # A conflict at a document write: wx-server-sdk reports it as document.update:fail -501001 (no
    # string code), so runTransaction does not retry it; the backend has aborted the transaction.
    "write_conflict": PRELUDE + """exports.main = async () => {
  const first = await db.startTransaction()
  await first.collection('todos').doc('t1').update({ data: { n: 100 } })
  let attempts = 0
  let caught
  try {
    await db.runTransaction(async (t) => { attempts++; await t.collection('todos').doc('t1').update({ data: { n: 200 } }) })
  } catch (e) { caught = { errCode: e.errCode, errMsg: e.errMsg, code: e.code === undefined ? null : e.code } }
  await first.commit()
  return { attempts, caught, doc: (await db.collection('todos').doc('t1').get()).data }
}""",
    "after_end": PRELUDE + """exports.main = async () => {
  const t = await db.startTransaction()
  await t.commit()
  const out = {}
  try { await t.collection('todos').doc('t1').set({ data: { n: 0 } }) } catch (e) { out.set = { errCode: e.errCode, errMsg: e.errMsg } }
  try { await t.commit() } catch (e) { out.commit = { code: e.code, message: e.message } }
  const r = await db.startTransaction()
  await r.rollback()
  try { await r.rollback() } catch (e) { out.rollback = { code: e.code } }
  return out
}""",
    "bulk": PRELUDE + """exports.main = async () => db.runTransaction(async (t) => {
  const data = []
  for (let i = 0; i < 1001; i++) data.push({ i })
  const res = await t.collection('todos').add({ data })
  const inside = await t.collection('todos').where({ i: _.gte(0) }).count()
  const seen = await t.collection('todos').where({ i: _.gte(500) }).limit(1000).get()
  return { ids: res._ids.length, seenInside: seen.data.length, countOutside: inside.total }
})""",
}


@pytest.fixture
def ws(tmp_path, clock):
    workspace = Workspace.open(tmp_path / "d", make_project(tmp_path / "p", FUNCTIONS), clock=clock)
    workspace.database.create_collection("todos")
    workspace.database.import_documents("todos", TODOS, upsert=False, atomic=True)
    yield workspace
    workspace.close()


def wire(ws, action, **params):
    return ws.handle(Request(action, params, ADMIN))


def start(ws) -> str:
    return wire(ws, "database.startTransaction")["transactionId"]


def by_id(doc_id):
    return {"collectionName": "todos", "queryType": "DOC", "query": ejson.encode({"_id": doc_id}), "multi": False}


def where(query, **more):
    return {"collectionName": "todos", "queryType": "WHERE", "query": ejson.encode(query), **more}


def update(ws, doc_id, fields, tx=None):
    extra = {"transactionId": tx} if tx else {}
    return wire(ws, "database.modifyDocument", **by_id(doc_id), data=ejson.encode({"$set": fields}), merge=True,
                upsert=False, **extra)


def read(ws, doc_id, tx=None):
    extra = {"transactionId": tx} if tx else {}
    found = wire(ws, "database.getDocument", **by_id(doc_id), **extra)["list"]
    return found[0] if found else None


def stored(ws, doc_id):
    return ws.database.store.get("todos", doc_id)


def test_two_transactions_on_one_document_the_second_conflicts_at_its_update(ws):
    first, second = start(ws), start(ws)
    assert read(ws, "t1", first)["n"] == 1  # the first only read it so far
    update(ws, "t1", {"n": 20}, second)  # the second writes first: it wins
    with pytest.raises(TransactionConflict) as info:
        update(ws, "t1", {"n": 10}, first)
    assert info.value.tcb_code == "DATABASE_TRANSACTION_CONFLICT" and info.value.detail == CONFLICT_TEXT
    assert failure("r1", info.value) == {"code": "DATABASE_TRANSACTION_CONFLICT", "message": CONFLICT_TEXT,
                                         "requestId": "r1"}  # what the gateway answers the real SDK
    with pytest.raises(TransactionGone):  # a write conflict aborts the transaction (as Mongo does)
        read(ws, "t2", first)
    wire(ws, "database.commitTransaction", transactionId=second)
    assert stored(ws, "t1")["n"] == 20


def test_snapshot_reads_no_read_skew(ws):
    tx = start(ws)
    assert read(ws, "t1", tx)["n"] == 1
    update(ws, "t1", {"n": 11})  # plain writes after the transaction started
    update(ws, "t2", {"n": 22})
    wire(ws, "database.insertDocument", collectionName="todos", data=[ejson.encode({"_id": "t4", "tag": "a"})])
    assert read(ws, "t1", tx)["n"] == 1 and read(ws, "t2", tx)["n"] == 2 and read(ws, "t4", tx) is None
    listed = wire(ws, "database.getDocument", **where({"tag": "a"}), transactionId=tx)["list"]
    assert [d["n"] for d in listed] == [1, 2]
    assert wire(ws, "database.calculateDocument", **where({"tag": "a"}), transactionId=tx)["total"] == 2
    # Another transaction's commit is not seen either.
    other = start(ws)
    update(ws, "t3", {"n": 33}, other)
    wire(ws, "database.commitTransaction", transactionId=other)
    assert read(ws, "t3", tx)["n"] == 3
    with pytest.raises(TransactionConflict):  # writing what changed since the snapshot
        update(ws, "t2", {"n": 0}, tx)
    assert stored(ws, "t2")["n"] == 22


def test_where_update_and_remove_inside_see_own_writes_and_land_at_commit(ws):
    tx = start(ws)
    modified = wire(ws, "database.modifyDocument", **where({"tag": "a"}), data=ejson.encode({"$inc": {"n": 100}}),
                    multi=True, merge=True, upsert=False, transactionId=tx)
    assert modified["updated"] == 2
    assert wire(ws, "database.removeDocument", **where({"tag": "b"}), multi=True, transactionId=tx) == {"deleted": 1}
    inside = wire(ws, "database.getDocument", collectionName="todos", queryType="WHERE", transactionId=tx)["list"]
    assert [d["n"] for d in inside] == [101, 102]
    assert [d["n"] for d in ws.database.store.documents("todos")] == [1, 2, 3]  # nothing yet outside
    wire(ws, "database.commitTransaction", transactionId=tx)
    assert [d["n"] for d in ws.database.store.documents("todos")] == [101, 102]


def test_abort_discards_and_any_request_after_commit_or_abort_fails(ws):
    tx = start(ws)
    update(ws, "t1", {"n": 5}, tx)
    wire(ws, "database.abortTransaction", transactionId=tx)
    assert stored(ws, "t1")["n"] == 1
    done = start(ws)
    wire(ws, "database.commitTransaction", transactionId=done)
    for ended in (tx, done):
        for call in (lambda t: read(ws, "t1", t), lambda t: update(ws, "t1", {"n": 9}, t),
                     lambda t: wire(ws, "database.commitTransaction", transactionId=t),
                     lambda t: wire(ws, "database.abortTransaction", transactionId=t)):
            with pytest.raises(TransactionGone) as info:
                call(ended)
            assert info.value.tcb_code == "DATABASE_TRANSACTION_FAIL" and info.value.detail == GONE_TEXT
    assert failure("r", TransactionGone())["code"] == "DATABASE_TRANSACTION_FAIL"


def test_a_transaction_past_its_time_limit_is_aborted_and_frees_its_documents(ws, clock):
    tx = start(ws)
    update(ws, "t1", {"n": 7}, tx)
    clock.advance(LIFETIME_S - 1)
    assert read(ws, "t1", tx)["n"] == 7  # still open
    clock.advance(2)
    with pytest.raises(TransactionGone):
        wire(ws, "database.commitTransaction", transactionId=tx)
    assert stored(ws, "t1")["n"] == 1
    later = start(ws)  # the expired transaction's write no longer blocks anyone
    update(ws, "t1", {"n": 8}, later)
    wire(ws, "database.commitTransaction", transactionId=later)
    assert stored(ws, "t1")["n"] == 8


def test_a_plain_write_under_an_open_write_makes_the_commit_conflict(ws):
    tx = start(ws)
    update(ws, "t1", {"n": 5}, tx)
    update(ws, "t1", {"n": 6})  # not held up by the transaction
    with pytest.raises(TransactionConflict):
        wire(ws, "database.commitTransaction", transactionId=tx)
    assert stored(ws, "t1")["n"] == 6


def test_1001_inserts_commit_as_one_journal_record(ws):
    tx = start(ws)
    docs = [ejson.encode({"_id": f"bulk{i}", "i": i}) for i in range(1001)]
    assert len(wire(ws, "database.insertDocument", collectionName="todos", data=docs, transactionId=tx)
               ["insertedIds"]) == 1001
    for i in range(3):  # and single inserts, one request each
        wire(ws, "database.insertDocument", collectionName="todos", data=[ejson.encode({"_id": f"one{i}"})],
             transactionId=tx)
    assert ws.database.store.count("todos") == 3
    before, _ = ws.database.store.freeze()
    wire(ws, "database.commitTransaction", transactionId=tx)
    after, _ = ws.database.store.freeze()
    assert after == before + 1  # one journal record
    assert ws.database.store.count("todos") == 3 + 1004


def test_duplicate_ids_inside_and_inserts_racing_a_transaction(ws):
    tx = start(ws)
    with pytest.raises(CloudError, match="duplicate key"):
        wire(ws, "database.insertDocument", collectionName="todos", data=[ejson.encode({"_id": "t1"})],
             transactionId=tx)
    other, third = start(ws), start(ws)
    wire(ws, "database.insertDocument", collectionName="todos", data=[ejson.encode({"_id": "new"})], transactionId=other)
    wire(ws, "database.commitTransaction", transactionId=other)
    wire(ws, "database.insertDocument", collectionName="todos", data=[ejson.encode({"_id": "x"})], transactionId=third)
    with pytest.raises(TransactionConflict):  # "new" appeared after third's snapshot
        wire(ws, "database.insertDocument", collectionName="todos", data=[ejson.encode({"_id": "new"})],
             transactionId=third)


def test_runtransaction_retries_a_conflict_at_commit(ws):
    outcome = call_function(ws.handle, ADMIN, "retry").value["result"]
    assert outcome["result"] == "done" and outcome["attempts"] == 2
    assert outcome["doc"]["n"] == 11 and outcome["doc"]["plain"] is True


def test_runtransaction_gives_up_after_three_retries(ws):
    outcome = call_function(ws.handle, ADMIN, "exhausted").value["result"]
    assert outcome == {"attempts": 4, "code": "DATABASE_TRANSACTION_CONFLICT", "message": CONFLICT_TEXT,
                       "errCode": None}


def test_a_write_conflict_inside_runtransaction_is_reported_not_retried(ws):
    outcome = call_function(ws.handle, ADMIN, "write_conflict").value["result"]
    assert outcome["attempts"] == 1
    assert outcome["caught"] == {"errCode": -501001, "code": None,
                                 "errMsg": f"document.update:fail -501001 resource system error. {CONFLICT_TEXT}"}
    assert outcome["doc"]["n"] == 100


def test_requests_after_commit_in_the_shim(ws):
    outcome = call_function(ws.handle, ADMIN, "after_end").value["result"]
    assert outcome["set"] == {"errCode": -501001, "errMsg": f"document.set:fail -501001 resource system error. "
                                                            f"{GONE_TEXT}"}
    assert outcome["commit"] == {"code": "DATABASE_TRANSACTION_FAIL", "message": GONE_TEXT}
    assert outcome["rollback"] == {"code": "DATABASE_TRANSACTION_FAIL"}


def test_1001_adds_in_runtransaction(ws):
    outcome = call_function(ws.handle, ADMIN, "bulk").value["result"]
    # where().get() sends the transaction's id (it sees the adds); count() does not (the SDK's own choice).
    assert outcome == {"ids": 1001, "seenInside": 501, "countOutside": 0}
    assert ws.database.store.count("todos") == 3 + 1001


def test_concurrent_read_modify_write_loses_no_update(ws):
    """Threads each read n and write n + 1 in a transaction, retrying on conflicts: none is lost."""
    import threading

    def worker(times: int, retries: list) -> None:
        for _ in range(times):
            while True:
                tx = start(ws)
                try:
                    update(ws, "t1", {"n": read(ws, "t1", tx)["n"] + 1}, tx)
                    wire(ws, "database.commitTransaction", transactionId=tx)
                    break
                except TransactionConflict:
                    retries.append(1)

    retries: list = []
    threads = [threading.Thread(target=worker, args=(25, retries)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stored(ws, "t1")["n"] == 1 + 100


def test_set_upsert_and_remove_by_id_inside(ws):
    tx = start(ws)
    made = wire(ws, "database.modifyDocument", **by_id("fresh"), data=ejson.encode({"v": 1}), merge=False, upsert=True,
                transactionId=tx)
    assert made == {"updated": 0, "upsert_id": "fresh"}
    assert wire(ws, "database.removeDocument", **by_id("t2"), transactionId=tx) == {"deleted": 1}
    assert read(ws, "t2", tx) is None and read(ws, "fresh", tx) == {"_id": "fresh", "v": 1}
    assert stored(ws, "fresh") is None and stored(ws, "t2") is not None
    wire(ws, "database.commitTransaction", transactionId=tx)
    assert stored(ws, "fresh") == {"_id": "fresh", "v": 1} and stored(ws, "t2") is None


def test_open_transactions_are_capped(ws):
    from app.core.database.transactions import MAX_OPEN

    opened = [start(ws) for _ in range(MAX_OPEN)]
    with pytest.raises(CloudError) as info:
        start(ws)
    assert info.value.code == -501004
    wire(ws, "database.abortTransaction", transactionId=opened[0])
    start(ws)  # room again
