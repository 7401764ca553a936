"""Realtime listeners from mini program code (spec §3.12, §9.9 WA1–WA6), run as ``wxsim
run-client`` runs it (``client.runScript``): the shim's ``watch()``, its snapshots in
``onChange``, errors in ``onError``, ``close()``, and a run that lasts while it listens.

The "server" writes of the examples are a cloud function the script calls between snapshots,
so every step waits on the snapshot it expects, never on time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.core.errors import CloudError, InputError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.openapi.project import make_project
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
T = [
    {"_id": "t1", "title": "Alpha", "done": False, "progress": 50},
    {"_id": "t2", "title": "beta", "done": True, "progress": 100},
    {"_id": "t3", "title": "Gamma", "done": False, "progress": 20},
]
# `server`: one write as the backend does it, e.g. {op: 'update', id: 't2', data: {progress: 99}}.
SERVER = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
exports.main = async ({ op, id, data }) => {
  const todos = db.collection('todos')
  if (op === 'add') return todos.add({ data })
  if (op === 'update') return todos.doc(id).update({ data })
  if (op === 'stamp') return todos.doc(id).update({ data: { due: new Date(data.due) } })  // a date, not JSON's string
  if (op === 'remove') return todos.doc(id).remove()
  if (op === 'watch') {  // a function may not listen: the platform refuses it
    return new Promise((resolve) => todos.watch({ onChange: () => {}, onError: (e) => resolve({ errCode: e.errCode }) }))
  }
}
"""
# What each script starts with: `seen` (every snapshot, or {error}) and `waitFor(n)`.
HELPERS = """
const db = wx.cloud.database()
const server = (data) => wx.cloud.callFunction({ name: 'server', data })
const seen = []
const waiters = []
const waitFor = (n) => new Promise((resolve) => { const check = () => (seen.length >= n ? resolve() : waiters.push(check)); check() })
const record = (item) => { seen.push(item); waiters.splice(0).forEach((check) => check()) }
const handlers = { onChange: record, onError: (e) => record({ error: e.errCode, message: e.errMsg, isError: e instanceof Error }) }
"""


@pytest.fixture
def ws(tmp_path):
    project = make_project(tmp_path / "project")
    folder = project / "cloudfunctions" / "server"
    folder.mkdir()
    (folder / "index.js").write_text(SERVER, encoding="utf-8")
    workspace = Workspace.open(tmp_path / "data", project)
    console = Caller.console()
    workspace.handle(Request("database.addCollection", {"collectionName": "todos"}, console))
    workspace.handle(Request("database.insertDocument", {"collectionName": "todos",
                                                         "data": [json.dumps(doc) for doc in T]}, console))
    workspace.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "READONLY"}, console))
    yield workspace
    workspace.close()


def run(ws: Workspace, tmp_path: Path, code: str, persona: str = "学生A", **params) -> dict:
    script = tmp_path / f"watch-{abs(hash(code))}.js"
    script.write_text(HELPERS + code, encoding="utf-8")
    return ws.handle(Request("client.runScript", {"localPath": str(script), "persona": persona, **params},
                             Caller.console()))


def ok(answer: dict):
    assert answer["ok"], answer
    return answer["value"]


def test_wa1_an_empty_result_fires_init_once(ws, tmp_path):
    seen = ok(run(ws, tmp_path, """
exports.main = async () => {
  const watcher = db.collection('todos').where({ done: 'none' }).watch(handlers)
  await waitFor(1)
  await server({ op: 'update', id: 't1', data: { progress: 1 } })  // outside the query: nothing
  await watcher.close()
  return seen
}"""))
    assert len(seen) == 1
    assert seen[0]["docChanges"] == [] and seen[0]["docs"] == [] and seen[0]["type"] == "init"


def test_wa2_to_wa6_the_documented_snapshots(ws, tmp_path):
    answer = run(ws, tmp_path, """
exports.main = async () => {
  const watcher = db.collection('todos').where({ done: true }).watch(handlers)
  await waitFor(1)
  await server({ op: 'update', id: 't2', data: { progress: 99 } }); await waitFor(2)   // WA3
  const added = await server({ op: 'add', data: { title: 'new', done: true } }); await waitFor(3)  // WA4
  await server({ op: 'remove', id: added.result._id }); await waitFor(4)                 // WA5 (the new one)
  await server({ op: 'update', id: 't2', data: { done: false } }); await waitFor(5)     // WA6
  await watcher.close()
  return { seen, added: added.result._id, sizes: seen.map((s) => s.docs.length) }
}""")
    value = ok(answer)
    init, wa3, wa4, wa5, wa6 = value["seen"]
    assert init["type"] == "init" and [d["_id"] for d in init["docs"]] == ["t2"]
    (change,) = init["docChanges"]
    assert (change["queueType"], change["dataType"], change["docId"], change["doc"]) == ("init", "init", "t2", init["docs"][0])
    assert [s["id"] for s in value["seen"]] == list(range(init["id"], init["id"] + 5))  # increasing ids
    assert "type" not in wa3
    (change,) = wa3["docChanges"]
    assert (change["queueType"], change["dataType"], change["docId"]) == ("update", "update", "t2")
    assert change["updatedFields"] == {"progress": 99} and change["removedFields"] == []
    assert wa3["docs"][0]["progress"] == 99
    (change,) = wa4["docChanges"]
    assert (change["queueType"], change["dataType"], change["docId"]) == ("enqueue", "add", value["added"])
    assert len(wa4["docs"]) == 2 and change["doc"]["title"] == "new"
    (change,) = wa5["docChanges"]
    assert (change["queueType"], change["dataType"], change["docId"]) == ("dequeue", "remove", value["added"])
    (change,) = wa6["docChanges"]
    assert (change["queueType"], change["dataType"], change["docId"]) == ("dequeue", "update", "t2")
    assert wa6["docs"] == [] and value["sizes"] == [1, 1, 2, 1, 0]
    # Every delivery is in what run-client prints, in order, after the init of the opening.
    assert [d["snapshot"]["id"] for d in answer["snapshots"]] == [s["id"] for s in value["seen"]]


def test_a_doc_listener_and_dates_arrive_as_js_values(ws, tmp_path):
    seen = ok(run(ws, tmp_path, """
exports.main = async () => {
  const watcher = db.collection('todos').doc('t1').watch(handlers)
  await waitFor(1)
  await server({ op: 'stamp', id: 't1', data: { due: Date.UTC(2026, 0, 2) } }); await waitFor(2)
  await watcher.close()
  return seen.map((s) => ({ ids: s.docs.map((d) => d._id), due: s.docs[0].due instanceof Date ? s.docs[0].due.toISOString() : null }))
}"""))
    assert seen == [{"ids": ["t1"], "due": None}, {"ids": ["t1"], "due": "2026-01-02T00:00:00.000Z"}]


def test_a_listener_keeps_the_run_alive_until_it_closes_itself(ws, tmp_path):
    """main returns before the change happens; the run lasts until onChange closes the watcher."""
    answer = run(ws, tmp_path, """
let watcher
exports.main = async () => {
  watcher = db.collection('todos').where({ done: true }).watch({
    onChange: (s) => { if (!s.type) watcher.close() },
    onError: () => {} })
  server({ op: 'update', id: 't2', data: { progress: 7 } })  // not awaited: lands after main returned
  return 'returned'
}""")
    assert ok(answer) == "returned"
    assert [d["snapshot"].get("type") for d in answer["snapshots"]] == ["init", None]
    assert ws.watch.listeners() == []
    polls = [e for e in ws.events.recent() if e.action == "database.watchPoll"]
    opening = next(e for e in ws.events.recent() if e.action == "database.watchOpen")
    assert len(polls) == 1 and polls[0].parent_id == opening.id  # one row per delivery, under its listener


def test_watch_seconds_ends_a_run_that_never_closes_its_listener(ws, tmp_path):
    answer = run(ws, tmp_path, """
exports.main = async () => { db.collection('todos').watch(handlers); await waitFor(1); return seen.length }""",
                 watchSeconds=0)
    assert ok(answer) == 1 and len(answer["snapshots"]) == 1
    assert ws.watch.listeners() == []  # the shim closed it
    with pytest.raises(InputError) as refused:
        run(ws, tmp_path, "exports.main = async () => 1", watchSeconds=-1)
    assert refused.value.reason.id == "client.watch_seconds_invalid"


def test_refusals_reach_on_error(ws, tmp_path):
    """field() is refused (-402002), a function may not listen (-601004), and a listener whose
    reader loses the right to read ends with -402006; none throws out of watch()."""
    value = ok(run(ws, tmp_path, """
exports.main = async () => {
  db.collection('todos').field({ title: true }).watch(handlers); await waitFor(1)
  const fromFunction = (await server({ op: 'watch' })).result
  const missing = (() => { try { db.collection('todos').watch({ onChange () {} }) } catch (e) { return e.message } })()
  return { seen, fromFunction, missing }
}"""))
    (refused,) = value["seen"]
    assert refused["error"] == -402002 and refused["isError"] and "field" in refused["message"]
    assert value["fromFunction"] == {"errCode": -601004}
    assert "onError" in value["missing"]


def test_losing_read_permission_mid_listen_ends_with_on_error(ws, tmp_path):
    """The console makes todos ADMINONLY while 学生A listens: onError gets -402006 and the run ends."""
    outcome: dict = {}
    runner = threading.Thread(target=lambda: outcome.update(answer=run(ws, tmp_path, """
exports.main = async () => {
  db.collection('todos').watch(handlers)
  await waitFor(2)
  return seen.map((s) => s.error || s.docs.length)
}""")))
    runner.start()
    wait_until(lambda: ws.watch.listeners())
    ws.handle(Request("database.setPermission", {"collectionName": "todos", "mode": "ADMINONLY"}, Caller.console()))
    runner.join()
    assert ok(outcome["answer"]) == [3, -402006]
    assert ws.watch.listeners() == []


# A script for `wxsim run-client` (the demo project): a listener it never closes.
LISTEN_UNTIL_STOPPED = """
exports.main = async () => {
  wx.cloud.database().collection('todos').watch({ onChange () {}, onError () {} })
  return 'listening'
}"""


def test_run_client_prints_each_snapshot_as_a_json_line_before_the_result(tmp_path):
    script = tmp_path / "listen.js"
    script.write_text(LISTEN_UNTIL_STOPPED, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"),  # the demo project
                          "run-client", str(script), "--watch-seconds", "0"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = out.stdout.splitlines()
    assert out.returncode == 0, out.stderr
    first = json.loads(lines[0])
    assert set(first) == {"listenerId", "snapshot"} and first["snapshot"]["type"] == "init"
    assert json.loads(lines[-1]) == "listening"


def test_a_console_run_ends_with_its_code_and_leaves_its_listener_open_for_the_console(ws, tmp_path):
    """The client console: the run answers as soon as its code returns; the listener it opened
    stays open, named in the answer, and the console reads its next snapshots itself."""
    answer = ws.handle(Request("client.runSnippet", {"persona": "学生A", "code": (
        "wx.cloud.database().collection('todos').where({done: true}).watch({onChange () {}, onError () {}})\n"
        "return 'listening'")}, Caller.console()))
    assert answer["ok"] and answer["value"] == "listening"
    (listener,) = answer["listeners"]
    assert [d["snapshot"]["type"] for d in answer["snapshots"]] == ["init"]
    (listed,) = ws.watch.listeners()
    assert listed["id"] == listener and listed["persona"] == "学生A"
    console = Caller.console()
    ws.handle(Request("database.modifyDocument", {"collectionName": "todos", "query": json.dumps({"_id": "t2"}),
                                                  "queryType": "DOC", "multi": False,
                                                  "data": json.dumps({"$set": {"progress": 5}})}, console))
    got: list = []
    wait_until(lambda: got.extend(ws.handle(Request("database.watchPoll", {"listenerId": listener, "waitMs": 200},
                                                    console))["snapshots"]) or got)
    assert got[0]["docChanges"][0]["updatedFields"] == {"progress": 5}
    # Another user may neither read nor close it; the console may close it.
    other = ws.client_caller("学生B")
    with pytest.raises(CloudError):
        ws.handle(Request("database.watchPoll", {"listenerId": listener}, other))
    assert ws.handle(Request("database.watchClose", {"listenerId": listener}, other)) == {"closed": False}
    assert ws.handle(Request("database.watchClose", {"listenerId": listener}, console)) == {"closed": True}
    assert ws.watch.listeners() == []


def test_a_waiting_poll_does_not_hold_up_the_script_s_other_requests(ws, tmp_path):
    """The shim's long poll waits on the host for a snapshot; the script's write, sent while it
    waits, is answered at once (not after the poll gives up), so the poll gets its snapshot."""
    got = ok(run(ws, tmp_path, """
const transport = require('wxsim:sdk/transport')
exports.main = async () => {
  const { listenerId } = await transport.send('database.watchOpen', { collectionName: 'todos', queryType: 'WHERE' })
  const poll = transport.send('database.watchPoll', { listenerId, waitMs: 2000 })
  await server({ op: 'update', id: 't2', data: { progress: 1 } })
  const answer = await poll
  await transport.send('database.watchClose', { listenerId })
  return answer.snapshots.map((s) => s.docChanges[0].updatedFields)
}"""))
    assert got == [{"progress": 1}]


def test_run_client_prints_a_snapshot_as_soon_as_its_listener_gets_it(tmp_path):
    """A QA tester watching a listener for a minute sees each snapshot when it arrives: the
    init snapshot's line comes while the script is still listening."""
    script = tmp_path / "listen.js"
    script.write_text(LISTEN_UNTIL_STOPPED, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"),
                             "run-client", str(script), "--watch-seconds", "120"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = json.loads(proc.stdout.readline())
        assert first["snapshot"]["type"] == "init"
        assert proc.poll() is None  # still listening: the line did not wait for the end
    finally:
        proc.kill()
        proc.communicate()

