"""wx-server-sdk outside the database: init, getWXContext, callFunction, aggregate,
transactions, logger and the cloud-only APIs; a recording FakeHost plays the backend."""

from __future__ import annotations

from app.core.errors import CloudError
from app.core.requests import Caller
from tests.core.functions.test_sdk_harness import (  # noqa: F401
    FakeHost, function_env, ok, run_js, sdk_pool, server_main, workspace_host,
)

NOT_INITED = (
    "Cloud API isn't enabled, please call init first\n"
    "请先调用 init 完成初始化后再调用其他云 API。init 方法可传入一个对象用于设置默认配置，详见文档。"
)


def test_get_wx_context_reads_the_invocation_env(run_js):
    """WX_CONTEXT_KEYS names the variables; WX_ is stripped, digits become numbers, tokens are hidden."""
    env = function_env(
        WX_CONTEXT_KEYS="WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_API_TOKEN,WX_TRIGGER_API_TOKEN_V0,WX_NUM,OTHER,",
        WX_UNIONID="oUnion", WX_API_TOKEN="secret", WX_TRIGGER_API_TOKEN_V0="secret", WX_NUM="-42", OTHER="007",
        TCB_SOURCE="wx_client,scf",
    )
    source = "const cloud = require('wx-server-sdk')\nexports.main = async () => cloud.getWXContext()"
    assert ok(run_js(source, env=env)) == {
        "OPENID": "oUser0000000000000000000001",
        "APPID": "wx1234567890abcdef",
        "UNIONID": "oUnion",
        "CLIENTIP": "127.0.0.1",
        "NUM": -42,
        "OTHER": 7,
        "ENV": "test-env",
        "SOURCE": "wx_client,scf",
    }
    assert ok(run_js(source, env={"TCB_ENV": "x"})) == {}  # no WX_CONTEXT_KEYS: nothing at all
    console = {"WX_CONTEXT_KEYS": "WX_APPID", "WX_APPID": "wx1", "SCF_NAMESPACE": "ns"}
    assert ok(run_js(source, env=console)) == {"APPID": "wx1", "ENV": "ns"}


def test_apis_before_init_throw_like_4x(run_js):
    """database/storage/functions before init throw synchronously; getWXContext needs no init."""
    result = ok(run_js("""const cloud = require('wx-server-sdk')
    const fail = (f) => { try { f(); return 'no throw' } catch (e) { return { errCode: e.errCode, errMsg: e.errMsg, message: e.message } } }
    exports.main = async () => ({ db: fail(() => cloud.database()), fn: fail(() => cloud.callFunction({ name: 'x' })),
      up: fail(() => cloud.uploadFile({})), openapi: fail(() => cloud.openapi.a.b({})), ctx: cloud.getWXContext().ENV })"""))
    expected = {"errCode": -1, "errMsg": NOT_INITED, "message": f"errCode: -1 unknown error | errMsg: {NOT_INITED}"}
    assert result == {"db": expected, "fn": expected, "up": expected, "openapi": expected, "ctx": "test-env"}


def test_init_first_call_wins_and_update_config_changes_env(run_js):
    """A second init is ignored; updateConfig replaces the config; instances use resourceEnv."""
    host = FakeHost()
    result = ok(run_js("""const cloud = require('wx-server-sdk')
    exports.main = async () => {
      cloud.init({ env: 'first' }); cloud.init({ env: 'second' })
      await cloud.database().collection('t').count()
      cloud.updateConfig({ env: 'third' })
      await cloud.database().collection('t').count()
      const other = new cloud.Cloud({ resourceEnv: 'other' })
      let before = null
      try { other.database() } catch (e) { before = e.errMsg.split('\\n')[0] }
      await other.init()
      await other.database({ env: 'ignored' }).collection('t').count()
      let missing = null
      try { new cloud.Cloud({}) } catch (e) { missing = e.message }
      return { before, missing }
    }""", host=host))
    assert [p["envName"] for _, p in host.calls] == ["first", "third", "other"]
    assert result == {"before": "Cloud API isn't enabled, please call init first", "missing": "missing resourceEnv"}


def test_call_function_result_shapes(run_js):
    """{result, errMsg, requestID}; response_data is JSON-parsed (twice, as the SDK does) or kept raw."""
    answers = {
        "add": {"response_data": '{"sum":3}', "requestID": "rid-1"},
        "text": {"response_data": "not json", "requestID": "rid-2"},
        "nested": {"response_data": '"{\\"a\\":1}"', "requestID": "rid-3"},
        "nothing": {"response_data": "null", "requestID": "rid-4"},
    }
    host = FakeHost({"functions.invokeFunction": lambda p: answers[p["function_name"]]})
    result = ok(run_js(server_main("""return Promise.all(['add', 'text', 'nested', 'nothing'].map((name) =>
      cloud.callFunction(name === 'add' ? { name, data: { a: 1, b: 2 } } : { name })))"""), host=host))
    assert result == [
        {"result": {"sum": 3}, "errMsg": "callFunction:ok", "requestID": "rid-1"},
        {"result": "not json", "errMsg": "callFunction:ok", "requestID": "rid-2"},
        {"result": {"a": 1}, "errMsg": "callFunction:ok", "requestID": "rid-3"},
        {"result": None, "errMsg": "callFunction:ok", "requestID": "rid-4"},
    ]
    sent = [p for a, p in host.wire("functions.invokeFunction")]
    assert sent[0] == {"function_name": "add", "request_data": '{"a":1,"b":2}'}
    assert sent[1] == {"function_name": "text", "request_data": "{}"}


def test_call_function_errors(run_js):
    """Failures as app/core/functions/sdk.py shapes them for cloud functions; SDK checks first."""
    def invoke(params):
        if params["function_name"] == "missing":
            return CloudError(-501000, "FunctionName parameter could not be found.")
        return CloudError(-504002, "requestID 0a1b2c3d-0000-4000-8000-000000000000, Error: boom")

    host = FakeHost({"functions.invokeFunction": invoke})
    result = ok(run_js(server_main("""return {
      boom: await settle(cloud.callFunction({ name: 'boom' })), missing: await settle(cloud.callFunction({ name: 'missing' })),
      badName: await settle(cloud.callFunction({ name: 1 })), badData: await settle(cloud.callFunction({ name: 'f', data: 'x' })),
      none: await settle(cloud.callFunction()) }"""), host=host))
    boom = "callFunction:fail -504002 functions execute fail. requestID 0a1b2c3d-0000-4000-8000-000000000000, Error: boom"
    assert result["boom"] == {"err": {"errCode": -504002, "errMsg": boom, "message": boom}}
    missing = "callFunction:fail -501000 unknown error. FunctionName parameter could not be found."
    assert result["missing"] == {"err": {"errCode": -501000, "errMsg": missing, "message": missing}}
    assert result["badName"]["err"]["errMsg"] == "parameter.name should be string instead of number;"
    assert result["badData"]["err"]["errMsg"] == "parameter.data should be object instead of string;"
    assert result["none"]["err"]["errMsg"] == "callFunction:fail Params for callFunction must be an object instead of undefined"
    assert len(host.calls) == 2  # the checks send nothing


def test_call_function_through_the_workspace(run_js, workspace):  # noqa: F811
    """A real nested call: the runner runs the demo `login`, which answers a caller without a
    user (no event.userInfo) from getWXContext(): null, where it used to throw a TypeError."""
    host = workspace_host(workspace, Caller.admin("scf"))
    result = ok(run_js(server_main("return settle(cloud.callFunction({ name: 'login', data: { x: 1 } }))"), host=host))
    assert result["ok"]["result"] == {"openid": None}
    assert result["ok"]["errMsg"] == "callFunction:ok"


def test_aggregate_serializes_and_decodes(run_js):
    """end() sends the stages; the list's EJSON comes back as JS values (dates as Date)."""
    host = FakeHost({"database.aggregateDocuments": {"list": [
        {"_id": {"$numberInt": "1"}, "n": 3, "at": {"$date": "2020-01-01T00:00:00Z"}}, '{"_id":2,"n":{"$numberLong":"5"}}']}})
    result = ok(run_js(server_main("""
      const res = await db.collection('t').aggregate().match({ a: _.gte(1) }).group({ _id: '$a', n: $.sum(1) }).end()
      return { res, isDate: res.list[0].at instanceof Date }"""), host=host))
    assert result == {
        "res": {"list": [{"_id": 1, "n": 3, "at": "2020-01-01T00:00:00.000Z"}, {"_id": 2, "n": 5}],
                "errMsg": "collection.aggregate:ok"},
        "isDate": True,
    }
    assert host.params("database.aggregateDocuments") == {"collectionName": "t", "stages": [
        {"stageKey": "$match", "stageValue": '{"a":{"$gte":{"$numberInt":"1"}}}'},
        {"stageKey": "$group", "stageValue": '{"_id":"$a","n":{"$sum":{"$numberInt":"1"}}}'},
    ]}


def test_aggregate_backend_refusal_surfaces(run_js, workspace):  # noqa: F811
    """A backend error reaches the caller as wx-server-sdk 4.x reports it for aggregate: errCode -1."""
    host = FakeHost({"database.aggregateDocuments": CloudError(-501007, "aggregation is not supported yet")})
    result = ok(run_js(server_main("return settle(db.collection('t').aggregate().limit(1).end())"), host=host))
    message = "collection.aggregate:fail aggregation is not supported yet"
    assert result == {"err": {"errCode": -1, "errMsg": message, "message": message}}


def test_transactions_send_their_actions(run_js):
    """runTransaction: start, the calls with transactionId, commit; rollback(reason) rejects with it."""
    host = FakeHost({
        "database.startTransaction": {"transactionId": "tx-1"},
        "database.commitTransaction": {},
        "database.abortTransaction": {},
        "database.getDocument": {"list": [{"_id": "t1", "n": 1}]},
    })
    result = ok(run_js(server_main("""
      const value = await db.runTransaction(async (t) => {
        const got = await t.collection('todos').doc('t1').get()
        await t.collection('todos').doc('t1').update({ data: { n: _.inc(1) } })
        return got.data
      })
      const rolled = await db.runTransaction(async (t) => { await t.rollback('nope') }).catch((e) => ({ rejected: e }))
      return { value, rolled }"""), host=host))
    assert result == {"value": {"_id": "t1", "n": 1}, "rolled": {"rejected": "nope"}}
    assert [a for a, _ in host.wire()] == [
        "database.startTransaction", "database.getDocument", "database.modifyDocument", "database.commitTransaction",
        "database.startTransaction", "database.abortTransaction",
    ]
    assert host.wire()[1][1]["transactionId"] == host.wire()[2][1]["transactionId"] == "tx-1"


def test_transactions_against_the_workspace(run_js, workspace):  # noqa: F811
    """runTransaction against the real workspace resolves with the callback's value."""
    host = workspace_host(workspace, Caller.admin("scf"))
    result = ok(run_js(server_main("return settle(db.runTransaction(async () => 1))"), host=host))
    assert result == {"ok": 1}


def test_openapi_sends_wx_open_api_and_other_cloud_only_apis_reject(run_js):
    """cloud.openapi.* (any path, also after cloud.openapi({appid})) sends ``wx.openApi`` with
    snake_case params (tests/core/openapi has the answers), getOpenData its SVRKIT form; cloudPay
    rejects with -604100."""
    host = FakeHost({"wx.openApi": {"errcode": 0, "errmsg": "ok", "url_link": "https://wxaurl.cn/x"}})
    result = ok(run_js(server_main("""return {
      send: await settle(cloud.openapi.urllink.generate({ envVersion: 'trial', skip: undefined })),
      withOptions: await settle(cloud.openapi({ appid: 'wx1' }).wxacode.getUnlimited({ scene: 'a' })),
      openData: await settle(cloud.getOpenData({ list: [] })), pay: await settle(cloud.cloudPay.unifiedOrder({})),
      json: JSON.stringify({ o: cloud.openapi }) }"""), host=host))
    assert result["send"] == {"ok": {"urlLink": "https://wxaurl.cn/x", "errMsg": "openapi.urllink.generate:ok",
                                     "errCode": 0}}
    assert host.wire("wx.openApi") == [
        ("wx.openApi", {"apiName": "urllink.generate", "apiType": 0, "data": {"env_version": "trial"}}),
        ("wx.openApi", {"apiName": "wxacode.getUnlimited", "apiType": 0, "data": {"scene": "a"}, "appid": "wx1"}),
        ("wx.openApi", {"apiName": "ApiGetOpenDataByCloudId", "apiType": 2, "data": {"cloudid_list": []}})]
    assert result["pay"]["err"]["errCode"] == -604100
    assert result["json"] == '{"o":{}}'
    assert [action for action, _ in host.calls] == ["wx.openApi"] * 3  # nothing else reaches the host


def test_logger_writes_with_levels(run_js):
    """cloud.logger() logs objects to the console at their level; anything else is refused."""
    outcome = run_js(server_main("""const log = cloud.logger()
      log.info({ a: 1 }); log.warn({ b: 'x' }); log.error({ c: true }); log.log({ d: null })
      try { log.info('text') } catch (e) { return e.message }"""))
    assert ok(outcome) == "log msg must be an object"
    assert [(line.level, line.text) for line in outcome.logs] == [
        ("info", "{ a: 1 }"), ("warn", "{ b: 'x' }"), ("error", "{ c: true }"), ("log", "{ d: null }"),
    ]
