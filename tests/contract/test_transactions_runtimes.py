"""Transactions answer the same in the embedded shim and in real Node with the real wx-server-sdk
(4.0.2 and 2.6.3) over the gateway: conflicts and runTransaction's retries, where() inside a
transaction, 1,001 adds in one transaction, requests after commit. In Node, @cloudbase/node-sdk
used directly (the layer under wx-server-sdk) retries a conflict met at the update itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.functions.sdk import call_function
from app.core.requests import Caller
from tests.contract.conftest import NODE, NPM, SDK_VERSIONS, on_both_runtimes

CONFLICT = ("[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. "
            "Please check your request, but if the problem persists, contact us.")
GONE = ("[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be "
        "commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.")

TX = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
const todos = db.collection('todos')
const failure = (e) => ({ errCode: e.errCode === undefined ? null : e.errCode, errMsg: e.errMsg === undefined ? null : e.errMsg,
  code: e.code === undefined ? null : e.code, message: e.errMsg === undefined ? e.message : null })
exports.main = async () => {
  const out = {}
  // A plain write under the transaction's write: the commit conflicts and runTransaction runs again.
  let attempts = 0
  out.retried = await db.runTransaction(async (t) => {
    attempts++
    await t.collection('todos').doc('t1').update({ data: { n: _.inc(10) } })
    if (attempts === 1) await todos.doc('t1').update({ data: { plain: true } })
    return attempts
  })
  out.afterRetry = (await todos.doc('t1').get()).data
  // Two transactions on one document: the second writer conflicts at its update.
  const first = await db.startTransaction()
  const second = await db.startTransaction()
  await second.collection('todos').doc('t2').update({ data: { n: 20 } })
  out.writeConflict = await first.collection('todos').doc('t2').update({ data: { n: 10 } }).then(() => 'no conflict', failure)
  out.conflictedCommit = await first.commit().then(() => 'committed', failure)
  await second.commit()
  out.t2 = (await todos.doc('t2').get()).data
  // Snapshot reads and where() inside a transaction.
  const snap = await db.startTransaction()
  await snap.collection('todos').doc('t3').update({ data: { n: 33 } })
  await todos.doc('t4').update({ data: { n: 44 } })
  out.whereInside = (await snap.collection('todos').where({ tag: 'a' }).orderBy('_id', 'asc').get()).data
  out.docInside = (await snap.collection('todos').doc('t4').get()).data
  // where().update() in a transaction: the SDK sends it without the transaction's id.
  out.whereUpdate = (await snap.collection('todos').where({ tag: 'b' }).update({ data: { seen: true } })).stats
  await snap.rollback()
  out.afterRollback = (await todos.where({ tag: _.in(['a', 'b']) }).orderBy('_id', 'asc').get()).data
  // Every attempt conflicts: three retries, then the conflict itself.
  let tries = 0
  out.exhausted = await db.runTransaction(async (t) => {
    tries++
    await t.collection('todos').doc('t1').update({ data: { n: _.inc(1) } })
    await todos.doc('t1').update({ data: { plain: tries } })
  }).then(() => 'committed', failure)
  out.tries = tries
  // 1,001 adds in one transaction.
  out.bulk = await db.runTransaction(async (t) => {
    const data = []
    for (let i = 0; i < 1001; i++) data.push({ i, tag: 'bulk' })
    const added = await t.collection('todos').add({ data })
    const inside = await t.collection('todos').where({ tag: 'bulk' }).limit(1000).get()
    return { ids: added._ids.length, inside: inside.data.length, outside: (await todos.where({ tag: 'bulk' }).count()).total }
  })
  out.bulkAfter = (await todos.where({ tag: 'bulk' }).count()).total
  // Requests on an ended transaction.
  const done = await db.startTransaction()
  await done.commit()
  out.setAfterCommit = await done.collection('todos').doc('t1').set({ data: { n: 0 } }).then(() => 'set', failure)
  out.commitAgain = await done.commit().then(() => 'committed', failure)
  return out
}
"""

# @cloudbase/node-sdk used directly, as it runs under wx-server-sdk (Node only): its errors keep the
# backend's string code, so a conflict at the update is retried by its runTransaction.
DIRECT = r"""
const tcb = require('@cloudbase/node-sdk')
const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV })
const db = app.database()
const _ = db.command
exports.main = async () => {
  const blocker = await db.startTransaction()
  await blocker.collection('todos').doc('t1').update({ n: 100 })
  let attempts = 0
  const errors = []
  const result = await db.runTransaction(async (t) => {
    attempts++
    try {
      await t.collection('todos').doc('t1').update({ n: _.inc(1) })
    } catch (e) {
      errors.push({ code: e.code, message: e.message })
      await blocker.commit() // the next attempt starts after it
      throw e
    }
    return 'ok'
  })
  const doc = await db.collection('todos').doc('t1').get()
  return { result, attempts, errors, n: doc.data[0].n }
}
"""

TODOS = [{"_id": "t1", "n": 1, "tag": "a"}, {"_id": "t2", "n": 2, "tag": "a"}, {"_id": "t3", "n": 3, "tag": "b"},
         {"_id": "t4", "n": 4, "tag": "b"}]


def make_project(root: Path) -> Path:
    for name, code in (("tx", TX), ("direct", DIRECT)):
        (root / "cloudfunctions" / name).mkdir(parents=True)
        (root / "cloudfunctions" / name / "index.js").write_text(code, encoding="utf-8")
    (root / "project.config.json").write_text(json.dumps(
        {"appid": "wx0123456789abcdef", "projectname": "tx", "cloudfunctionRoot": "cloudfunctions/"}))
    return root


def seeded(workspace) -> None:
    workspace.database.create_collection("todos")
    workspace.database.import_documents("todos", TODOS, upsert=False, atomic=True)


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_transactions_in_both_runtimes(version, tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    answers = {}
    for runtime, workspace in on_both_runtimes(tmp_path, version, make_project, functions=("tx", "direct")):
        seeded(workspace)
        outcome = call_function(workspace.handle, Caller.admin("scf"), "tx")
        assert outcome.ok, outcome.value
        answers[runtime] = outcome.value["result"]
        if runtime == "node":
            assert workspace.database.store.count("todos") == 4 + 1001
    assert answers["node"] == answers["v8"]
    out = answers["node"]
    assert out["retried"] == 2 and out["afterRetry"] == {"_id": "t1", "n": 11, "tag": "a", "plain": True}
    assert out["writeConflict"] == {"errCode": -501001, "code": None, "message": None,
                                    "errMsg": f"document.update:fail -501001 resource system error. {CONFLICT}"}
    assert out["conflictedCommit"] == {"errCode": None, "errMsg": None, "code": "DATABASE_TRANSACTION_FAIL",
                                       "message": GONE}  # the conflict ended the first transaction
    assert out["t2"]["n"] == 20
    assert [d["n"] for d in out["whereInside"]] == [1 + 10, 20]  # the snapshot, as of its start
    assert out["docInside"]["n"] == 4  # not the plain write made after the start
    assert out["whereUpdate"] == {"updated": 2}
    assert [(d["_id"], d["n"], d.get("seen")) for d in out["afterRollback"]] == [
        ("t1", 11, None), ("t2", 20, None), ("t3", 3, True), ("t4", 44, True)]  # t3's update rolled back
    assert out["exhausted"] == {"errCode": None, "errMsg": None, "code": "DATABASE_TRANSACTION_CONFLICT",
                                "message": CONFLICT} and out["tries"] == 4
    assert out["bulk"] == {"ids": 1001, "inside": 1000, "outside": 0} and out["bulkAfter"] == 1001
    assert out["setAfterCommit"] == {"errCode": -501001, "code": None, "message": None,
                                     "errMsg": f"document.set:fail -501001 resource system error. {GONE}"}
    assert out["commitAgain"] == {"errCode": None, "errMsg": None, "code": "DATABASE_TRANSACTION_FAIL",
                                  "message": GONE}


def test_node_sdk_retries_a_conflict_at_the_update(tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    for runtime, workspace in on_both_runtimes(tmp_path, "4.0.2", make_project, functions=("tx", "direct")):
        if runtime != "node":
            continue
        seeded(workspace)
        outcome = call_function(workspace.handle, Caller.admin("scf"), "direct")
        assert outcome.ok, outcome.value
        assert outcome.value["result"] == {"result": "ok", "attempts": 2, "n": 101, "errors": [
            {"code": "DATABASE_TRANSACTION_CONFLICT", "message": CONFLICT}]}
