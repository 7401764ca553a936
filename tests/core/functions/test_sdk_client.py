"""The mini program's wx.cloud (wxsim-client): calling convention, init, client limits and
errMsgs, callFunction shapes, and the run-client helpers (install, runMain)."""

from __future__ import annotations

import re

import pytest

import app.core.functions.runner as runner_module
from tests.support.database_sdk import SdkDatabase
from app.core.errors import CloudError
from app.core.functions.sdk import call_function
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.functions.test_sdk_harness import (  # noqa: F401
    FakeHost, ok, run_js, sdk_builtins, sdk_pool, workspace_host,
)

PRELUDE = """const client = require('wxsim-client')
const settle = (p) => p.then((ok) => ({ ok }), (e) => ({ err: { errCode: e.errCode, errMsg: e.errMsg } }))
"""


def client_main(body: str, *, init: str = "{ traceUser: true }") -> str:
    """A mini program script: wx installed (and initialised unless ``init`` is empty), then ``body``."""
    install = f"client.install({{ env: 'test-env'{', init: ' + init if init else ''} }})"
    return PRELUDE + install + "\nexports.main = async () => {\n" + body + "\n}\n"


@pytest.fixture
def user_a(workspace):
    return workspace.client_caller("学生A")


def admin(workspace, action: str, params: dict) -> dict:
    return workspace.handle(Request(action, params, Caller.console()))


def test_promise_without_callbacks_callbacks_otherwise(run_js):
    """§1.1: a Promise when no success/fail/complete; else callbacks, complete after either."""
    host = FakeHost({"database.getDocument": lambda p: CloudError(-502005, "Db or Table not exist: missing")
                     if p["collectionName"] == "missing" else {"list": []}})
    result = ok(run_js(client_main("""
      const db = wx.cloud.database()
      const promise = db.collection('todos').count()
      const seen = []
      const returned = await new Promise((resolve) => {
        const r = db.collection('todos').get({ success: (res) => seen.push(['success', res.errMsg]),
          complete: (res) => { seen.push(['complete', res.errMsg]); resolve(r) } })
      })
      await new Promise((resolve) => db.collection('missing').get({ success: () => seen.push(['success?']),
        fail: (e) => seen.push(['fail', e.errMsg]), complete: (e) => { seen.push(['complete', e.errCode]); resolve() } }))
      await new Promise((resolve) => wx.cloud.callFunction({ name: '', complete: (e) => { seen.push(['complete', e.errMsg]); resolve() } }))
      return { isPromise: promise instanceof Promise, returned: returned === undefined, seen }"""), host=host))
    missing = "collection.get:fail -502005 database collection not exists | errMsg: Db or Table not exist: missing"
    assert result == {"isPromise": True, "returned": True, "seen": [
        ["success", "collection.get:ok"], ["complete", "collection.get:ok"],
        ["fail", missing], ["complete", -502005],
        ["complete", "cloud.callFunction:fail parameter.name should be string"],
    ]}


def test_a_throwing_callback_is_not_swallowed(run_js):
    """An exception in success() surfaces as the run's error, as an uncaught one would."""
    outcome = run_js(client_main("""await new Promise((resolve) => {
      wx.cloud.database().collection('t').count({ success: () => { throw new Error('in callback') } })
      setTimeout(resolve, 50) })"""))
    assert outcome.error is not None and outcome.error.message == "in callback"


def test_init_first_call_wins_and_announces_trace_user(run_js):
    """Only the first init counts; it sends auth.initCloud {traceUser}; calls use its env."""
    host = FakeHost()
    ok(run_js(client_main("""wx.cloud.init({ env: 'first', traceUser: true }); wx.cloud.init({ env: 'second' })
      await wx.cloud.database().collection('t').count()
      const other = new wx.cloud.Cloud({ resourceEnv: 'other' })
      await other.init()
      await other.database().collection('t').count()""", init=""), host=host))
    assert [(a, p) for a, p in host.calls] == [
        ("auth.initCloud", {"traceUser": True, "envName": "first"}),
        ("database.calculateDocument", {"collectionName": "t", "queryType": "WHERE", "envName": "first"}),
        ("auth.initCloud", {"traceUser": False, "envName": "other"}),
        ("database.calculateDocument", {"collectionName": "t", "queryType": "WHERE", "envName": "other"}),
    ]


def test_calls_before_init_fail(run_js):
    """Without wx.cloud.init the APIs fail the client way and nothing is sent."""
    host = FakeHost()
    result = ok(run_js(client_main("""let db = null
      try { wx.cloud.database() } catch (e) { db = e.message }
      return { db, fn: await settle(wx.cloud.callFunction({ name: 'f' })),
        file: await settle(wx.cloud.deleteFile({ fileList: ['x'] })) }""", init=""), host=host))
    reason = "Cloud API isn't enabled, please call wx.cloud.init() first"
    assert result == {
        "db": reason,
        "fn": {"err": {"errCode": -1, "errMsg": f"cloud.callFunction:fail {reason}"}},
        "file": {"err": {"errCode": -1, "errMsg": f"cloud.deleteFile:fail {reason}"}},
    }
    assert host.calls == []


def test_client_limit_is_20(run_js):
    """The mini program sends limit 20 by default and caps larger limits at 20 (spec §3.6)."""
    host = FakeHost()
    ok(run_js(client_main("""const t = wx.cloud.database().collection('t')
      await t.get(); await t.limit(50).get(); await t.limit(5).skip(3).get()"""), host=host))
    assert [(p["limit"], p.get("offset")) for a, p in host.wire("database.getDocument")] == [(20, None), (20, None), (5, 3)]


def test_client_database_matches_the_mirror(run_js, workspace, user_a):
    """Against the real workspace, as a user: the same objects and errMsgs as the Python oracle (tests/support/database_sdk.py)."""
    admin(workspace, "database.addCollection", {"collectionName": "notes"})
    admin(workspace, "database.addCollection", {"collectionName": "secret"})
    admin(workspace, "database.setPermission", {"collectionName": "secret", "mode": "ADMINONLY"})
    admin(workspace, "database.insertDocument", {"collectionName": "notes", "data": ['{"_id":"z1","v":3}']})
    result = ok(run_js(client_main("""const db = wx.cloud.database()
      const notes = db.collection('notes')
      const added = await notes.add({ data: { v: 1, _openid: 'forged' } })
      return { added, mine: await notes.doc(added._id).get(),
        missing: await settle(notes.doc('nope').get()), others: await settle(notes.doc('z1').get()),
        denied: await settle(db.collection('secret').get()), noColl: await settle(db.collection('nosuch').get()),
        many: await settle(notes.add({ data: [{ v: 1 }, { v: 2 }] })),
        empty: await settle(notes.doc('z1').update({ data: {} })) }"""), host=workspace_host(workspace, user_a)))
    mirror = SdkDatabase(workspace.handle, user_a)
    openid = user_a.openid
    assert result["added"]["errMsg"] == "collection.add:ok"
    assert result["mine"] == {"data": {"_id": result["added"]["_id"], "v": 1, "_openid": openid}, "errMsg": "document.get:ok"}
    for key, outcome in (("missing", mirror.doc_get("notes", "nope")), ("others", mirror.doc_get("notes", "z1")),
                         ("denied", mirror.get("secret")), ("noColl", mirror.get("nosuch")),
                         ("many", mirror.add("notes", [{"v": 1}, {"v": 2}])), ("empty", mirror.doc_update("notes", "z1", {}))):
        assert not outcome.ok
        assert result[key] == {"err": outcome.value}, key
    assert result["missing"]["err"]["errMsg"] == (
        "document.get:fail document.get:fail cannot find document with _id nope, please make sure that the "
        "document exists and you have the corresponding Read permission")
    assert result["denied"]["err"]["errCode"] == -502003


def test_client_callfunction_through_the_workspace(run_js, workspace, user_a):
    """A user's callFunction: userInfo injected by the platform; shapes as app/core/functions/sdk.py."""
    result = ok(run_js(client_main("""return { login: await wx.cloud.callFunction({ name: 'login', data: { x: 1 } }),
      missing: await settle(wx.cloud.callFunction({ name: 'nope' })) }"""), host=workspace_host(workspace, user_a)))
    mirror = call_function(workspace.handle, user_a, "login", {"x": 1}).value
    assert result["login"]["errMsg"] == mirror["errMsg"] == "cloud.callFunction:ok"
    assert result["login"]["result"] == mirror["result"] == {"openid": user_a.openid}
    assert re.fullmatch(r"[0-9a-f-]{36}", result["login"]["requestID"])
    assert result["missing"]["err"]["errCode"] == -501000
    assert re.fullmatch(r"cloud\.callFunction:fail Error: errCode: -501000  \| errMsg: FunctionName parameter could "
                        r"not be found\. \(callId: \d+-[0-9a-f]{14}\)", result["missing"]["err"]["errMsg"])


def test_client_callfunction_failures(run_js):
    """A throwing function is -404011 with the -504002 text; other codes pass through."""
    def invoke(params):
        if params["function_name"] == "boom":
            return CloudError(-504002, "requestID 0a1b2c3d-0000-4000-8000-000000000000, Error: boom")
        if params["function_name"] == "big":
            return CloudError(-604001, "requestID 0a1b2c3d-0000-4000-8000-000000000001, too big")
        return {"response_data": "not json", "requestID": "r1"}

    result = ok(run_js(client_main("""return { boom: await settle(wx.cloud.callFunction({ name: 'boom' })),
      big: await settle(wx.cloud.callFunction({ name: 'big' })), raw: await wx.cloud.callFunction({ name: 'raw' }),
      message: await wx.cloud.callFunction({ name: 'boom' }).catch((e) => e.message) }"""),
        host=FakeHost({"functions.invokeFunction": invoke})))
    assert result["boom"] == {"err": {"errCode": -404011, "errMsg": (
        "cloud.callFunction:fail requestID 0a1b2c3d-0000-4000-8000-000000000000, cloud function service error code "
        "-504002, error message Error: boom")}}
    assert result["big"]["err"]["errCode"] == -404011  # any failed run reports as a function error
    assert result["raw"] == {"errMsg": "cloud.callFunction:ok", "result": "not json", "requestID": "r1"}
    assert result["message"].startswith("errCode: -404011 cloud function execution error | errMsg: cloud.callFunction:fail")


def test_trace_user_records_a_visit(run_js, workspace, user_a):
    """init({traceUser: true}) makes the user appear in 用户管理; traceUser false does not."""
    user_b = workspace.client_caller("学生B")
    ok(run_js(client_main("await wx.cloud.callFunction({ name: 'login' })"), host=workspace_host(workspace, user_a)))
    ok(run_js(client_main("await wx.cloud.callFunction({ name: 'login' })", init="{ traceUser: false }"),
              host=workspace_host(workspace, user_b)))
    visited = {u.openid for u in workspace.identity.users()}
    assert user_a.openid in visited and user_b.openid not in visited


def test_run_main_reports_values_and_failures(run_js):
    """runMain: {ok, value} or {ok:false, errCode, errMsg} for `wxsim run-client` to print."""
    result = ok(run_js(PRELUDE + """client.install({ env: 'test-env', init: { traceUser: true } })
      exports.main = async () => ({
        value: await client.runMain(async () => 42), none: await client.runMain(async () => {}),
        failed: await client.runMain(() => wx.cloud.database().collection('nosuch').doc('x').get()),
        thrown: await client.runMain(() => { throw new TypeError('bad') }) })""",
        host=FakeHost({"database.getDocument": CloudError(-502005, "Db or Table not exist: nosuch")})))
    assert result["value"] == {"ok": True, "value": 42}
    assert result["none"] == {"ok": True, "value": None}
    failed = result["failed"]
    assert (failed["ok"], failed["errCode"]) == (False, -502005)
    assert failed["errMsg"] == "document.get:fail -502005 database collection not exists | errMsg: Db or Table not exist: nosuch"
    assert (result["thrown"]["errCode"], result["thrown"]["errMsg"]) == (-1, "bad")


def test_cloud_only_client_apis(run_js):
    """CDN and callContainer need WeChat's servers: they fail with -604100 (watch has its own
    tests in tests/core/database/test_watch_client.py)."""
    result = ok(run_js(client_main("""let cdn = null
      try { wx.cloud.CDN('x') } catch (e) { cdn = { errCode: e.errCode, errMsg: e.errMsg } }
      return { cdn, container: await settle(wx.cloud.callContainer({ path: '/' })) }""")))
    assert result["cdn"] == {"errCode": -604100, "errMsg": "cloud.CDN:fail wx.cloud.CDN is not available offline in wxsim"}
    assert result["container"]["err"]["errCode"] == -604100


OUTER = """const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
exports.main = async (event) => {
  await db.createCollection('visits').catch(() => null)
  const { _id } = await db.collection('visits').add({ data: { openid: cloud.getWXContext().OPENID, at: db.serverDate() } })
  const visit = (await db.collection('visits').doc(_id).get()).data
  const inner = await cloud.callFunction({ name: 'inner', data: { from: 'outer' } })
  return { event, context: cloud.getWXContext(), inner: inner.result, visit: { ...visit, isDate: visit.at instanceof Date } }
}
"""


@pytest.fixture
def project_workspace(tmp_path, clock):
    """A workspace on a project whose function `outer` uses wx-server-sdk and calls `inner`."""
    project = tmp_path / "project"
    (project / "cloudfunctions" / "outer").mkdir(parents=True)
    (project / "cloudfunctions" / "inner").mkdir(parents=True)
    (project / "project.config.json").write_text('{"cloudfunctionRoot": "cloudfunctions/", "appid": "wx0123456789abcdef"}')
    (project / "cloudfunctions" / "outer" / "index.js").write_text(OUTER, encoding="utf-8")
    (project / "cloudfunctions" / "inner" / "index.js").write_text(
        "const cloud = require('wx-server-sdk')\nexports.main = async (event) => ({ event, source: cloud.getWXContext().SOURCE })")
    ws = Workspace.open(tmp_path / "data", project, clock=clock)
    yield ws
    ws.close()


def test_user_calls_a_function_that_uses_wx_server_sdk(run_js, project_workspace, monkeypatch):
    """End to end: mini program → `outer` (wx-server-sdk inside the runner: database, context,
    callFunction) → `inner`. The runner gets the registry of sdk_builtins(), which it must adopt
    (today it registers wx-server-sdk alone)."""
    original = runner_module.JsPool
    monkeypatch.setattr(runner_module, "JsPool", lambda builtins=None, **kw: original(
        builtins={**(builtins or {}), **sdk_builtins()}, **kw))
    ws = project_workspace
    user = ws.client_caller("学生A")
    result = ok(run_js(client_main("return wx.cloud.callFunction({ name: 'outer', data: { n: 1 } })"),
                       host=workspace_host(ws, user)))
    assert result["errMsg"] == "cloud.callFunction:ok"
    value = result["result"]
    assert value["event"] == {"n": 1, "userInfo": {"appId": ws.settings.appid, "openId": user.openid}}
    assert value["context"]["OPENID"] == user.openid and value["context"]["SOURCE"] == "wx_client"
    assert value["context"]["ENV"] == ws.settings.env_id and value["context"]["APPID"] == ws.settings.appid
    # A nested call keeps the user (§10 #14): getWXContext's OPENID and event.userInfo agree.
    assert value["inner"] == {"event": {"from": "outer", "userInfo": {"appId": ws.settings.appid, "openId": user.openid}},
                              "source": "wx_client,scf"}
    assert value["visit"]["openid"] == user.openid and value["visit"]["isDate"] is True


def test_client_aggregate_and_wx_login(run_js, workspace, user_a):
    """aggregate().end() with callbacks on the client; wx.login gives a code for code2Session."""
    host = FakeHost({"database.aggregateDocuments": {"list": [{"_id": "a", "n": {"$numberInt": "2"}}]}})
    result = ok(run_js(client_main("""const $ = wx.cloud.database().command.aggregate
      return new Promise((resolve) => wx.cloud.database().collection('t').aggregate().group({ _id: '$k', n: $.sum(1) })
        .end({ success: resolve }))"""), host=host))
    assert result == {"list": [{"_id": "a", "n": 2}], "errMsg": "collection.aggregate:ok"}
    login = ok(run_js(client_main("return wx.login()"), host=workspace_host(workspace, user_a)))
    assert login["errMsg"] == "login:ok"
    session = workspace.handle(Request("auth.code2Session", {"js_code": login["code"]}, Caller.admin("scf")))
    assert session["openid"] == user_a.openid


RUN_CLIENT_ENTRY = """const client = require('wxsim-client')
client.install({ env: 'test-env', init: { traceUser: true }, tempDir: '/tmp' })
const user = require('./user.js')
exports.main = (event) => client.runMain(() => user.main(event))
"""


def test_run_client_recipe(run_js, workspace, user_a):
    """How `wxsim run-client FILE` can run a script: an entry installs wx, then loads FILE,
    whose top level may already use wx.cloud; the run reports {ok, value} as JSON."""
    admin(workspace, "database.addCollection", {"collectionName": "todos"})
    user = """const db = wx.cloud.database()
    exports.main = async () => {
      await db.collection('todos').add({ data: { title: 'from the script' } })
      return (await db.collection('todos').get()).data.map((d) => d.title)
    }"""
    outcome = run_js(RUN_CLIENT_ENTRY, files={"user.js": user}, host=workspace_host(workspace, user_a))
    assert ok(outcome) == {"ok": True, "value": ["from the script"]}
