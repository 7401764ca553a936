"""The cloud-call model (openapi.md §1–§2, OA9–OA12): who may call, the three error shapes, name
conversion, the lenient setting, determinism, and `wxsim call` / `wxsim run-client` end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.errors import CloudError
from app.core.openapi.errors import PlatformError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.openapi.conftest import one, run

ROOT = Path(__file__).resolve().parents[3]
NO_PERMISSION = {
    "errCode": -604101, "errMsg": "system error: error code: -604101",
    "message": "errCode: -604101 function has no permission to call this API | errMsg: system error: error code: -604101",
    "json": {"errCode": -604101, "errMsg": "system error: error code: -604101"},
}


def test_oa9_an_undeclared_api_is_refused_with_604101(ws):
    assert one(ws, "security.imgSecCheck", {"media": {}})["err"] == NO_PERMISSION
    (event,) = [e for e in ws.events.recent() if e.action == "wx.openApi"]
    assert event.error_code == -604101 and event.error_reason["id"] == "openapi.not_declared"
    assert event.error_reason["params"] == {"function": "oa", "api": "security.imgSecCheck"}


def test_permissions_are_read_on_every_call(ws, project):
    config = project / "cloudfunctions" / "oa" / "config.json"
    config.write_text(json.dumps({"permissions": {"openapi": ["urllink.generate"]}}))
    assert one(ws, "urlscheme.generate", {})["err"]["errCode"] == -604101
    config.write_text(json.dumps({"permissions": {"openapi": ["urlscheme.generate"]}}))
    assert one(ws, "urlscheme.generate", {})["ok"]["errCode"] == 0
    config.unlink()
    assert one(ws, "urlscheme.generate", {})["err"]["errCode"] == -604101


def test_oa10_an_unknown_api_is_604100(ws):
    assert one(ws, "wxacode.getUnlimitd", {"scene": "x"})["err"] == {
        "errCode": -604100, "errMsg": "system error: error code: -604100",
        "message": "errCode: -604100 API not found | errMsg: system error: error code: -604100",
        "json": {"errCode": -604100, "errMsg": "system error: error code: -604100"}}


def test_e1_is_an_error_whose_only_enumerable_keys_are_errcode_and_errmsg(ws):
    err = one(ws, "urlscheme.generate", {"jumpWxa": {"path": "pages/nope/nope"}})["err"]
    assert list(err["json"]) == ["errCode", "errMsg"] and err["json"]["errCode"] == 40165
    assert re.fullmatch(r"openapi.urlscheme.generate:fail invalid weapp pagepath rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}",
                        err["errMsg"])


def test_a_console_test_run_without_a_user_gets_e3_but_a_timer_may_call(ws):
    expected = "openapi.urllink.generate:fail -501007 invalid parameters. Invalid request param"
    assert one(ws, "urllink.generate", {}, persona=None)["err"] == {
        "errCode": -501007, "errMsg": expected, "message": expected,
        "json": {"errCode": -501007, "errMsg": expected}}
    assert one(ws, "urllink.generate", {}, caller=Caller.admin("wx_trigger"))["ok"]["errCode"] == 0


def test_lenient_skips_the_platform_checks_as_devtools_local_debugging(ws):
    console = Caller.console()
    assert ws.handle(Request("openapi.settings", {}, console)) == {"lenient": False}  # strict by default (§10 #15)
    assert ws.handle(Request("openapi.settings", {"lenient": True}, console)) == {"lenient": True}
    assert one(ws, "security.imgSecCheck", {})["err"]["errCode"] == 41005  # undeclared, yet its handler answers
    assert one(ws, "urllink.generate", {}, persona=None)["ok"]["errCode"] == 0  # no user: allowed
    outside = Request("wx.openApi", {"apiName": "urllink.generate", "data": {}}, Caller.admin("wx_devtools"))
    assert ws.handle(outside)["url_link"].startswith("https://wxaurl.cn/")
    with pytest.raises(CloudError):
        ws.handle(Request("openapi.settings", {"lenient": "yes"}, console))
    with pytest.raises(CloudError):  # a setting only the person at wxsim may change
        ws.handle(Request("openapi.settings", {"lenient": False}, Caller.admin()))


def test_only_a_running_function_may_call(ws):
    data = {"apiName": "urllink.generate", "apiType": 0, "data": {}}
    with pytest.raises(PlatformError) as outside:
        ws.handle(Request("wx.openApi", data, Caller.admin("wx_devtools")))
    assert outside.value.code == -604104
    with pytest.raises(PlatformError) as client:
        ws.handle(Request("wx.openApi", data, ws.client_caller("学生A")))
    assert client.value.code == -604104 and client.value.reason.id == "openapi.client_source"
    assert [e.error_code for e in ws.events.recent() if e.action == "wx.openApi"] == [-604104, -604104]


def test_names_convert_both_ways_and_convert_case_false_keeps_them(ws):
    camel, snake, raw = run(ws, ["urlscheme.generate", {"jumpWxa": {"path": "pages/detail/detail", "envVersion": "trial"}}],
                            ["urlscheme.generate", {"jump_wxa": {"path": "pages/detail/detail", "env_version": "trial"}}],
                            ["urllink.generate", {"path": "pages/index/index"}, {"convertCase": False}])
    assert list(camel["ok"]) == ["openlink", "errMsg", "errCode", "keys"]
    assert camel["ok"]["openlink"] != snake["ok"]["openlink"]  # two tickets, both accepted
    assert raw["ok"]["keys"] == ["url_link", "errMsg", "errCode"]
    sent = [e.params["data"] for e in ws.events.recent() if e.action == "wx.openApi"]
    assert sent[0] == sent[1] == {"jump_wxa": {"path": "pages/detail/detail", "env_version": "trial"}}
    links = ws.handle(Request("openapi.links", {}, Caller.console()))["links"]
    assert [(link["kind"], link["path"], link["envVersion"]) for link in links] == [
        ("urlscheme", "pages/detail/detail", "trial"), ("urlscheme", "pages/detail/detail", "trial"),
        ("urllink", "pages/index/index", "release")]


def test_the_same_calls_give_the_same_tokens_in_a_fresh_workspace(project, tmp_path):
    calls = (["urlscheme.generate", {"jumpWxa": {"path": "pages/detail/detail", "query": "id=1"},
                                     "expireType": 1, "expireInterval": 7}],
             ["wxacode.getUnlimited", {"scene": "x", "page": "pages/nope/nope"}],
             ["wxacode.getUnlimited", {"scene": "id=42", "page": "pages/detail/detail"}],
             ["subscribeMessage.send", {"touser": "oX", "templateId": "T1"}])
    answers = []
    for folder in ("a", "b"):
        workspace = Workspace.open(tmp_path / folder, project)
        try:
            answers.append(run(workspace, *calls))
        finally:
            workspace.close()
    assert answers[0] == answers[1]
    scheme, refused, code, sent = answers[0]
    assert re.fullmatch(r"weixin://dl/business/\?t=[0-9A-Za-z]{11}", scheme["ok"]["openlink"])
    assert refused["err"]["errCode"] == 41030 and code["ok"]["isBuffer"]
    assert sent["err"]["errCode"] == 40003  # oX is no persona's: the same rid in both workspaces


def test_oa11_a_returned_buffer_reaches_the_client_as_type_buffer_data(ws, tmp_path):
    script = tmp_path / "oa11.js"
    script.write_text("exports.main = async () => (await wx.cloud.callFunction({ name: 'qr' })).result")
    answer = ws.handle(Request("client.runScript", {"localPath": str(script), "persona": "学生A"}, Caller.console()))
    assert answer["ok"], answer
    result = answer["value"]
    assert list(result) == ["contentType", "buffer", "errMsg", "errCode"] and result["errCode"] == 0
    assert result["buffer"]["type"] == "Buffer" and result["buffer"]["data"][:4] == [137, 80, 78, 71]


def test_oa12_the_mini_program_has_no_openapi(ws, tmp_path):
    script = tmp_path / "oa12.js"
    script.write_text("exports.main = async () => { wx.cloud.init(); "
                      "try { wx.cloud.openapi.wxacode.getUnlimited({ scene: 'x' }); return 'called' } "
                      "catch (e) { return { name: e.name, message: e.message } } }")
    answer = ws.handle(Request("client.runScript", {"localPath": str(script), "persona": "学生A"}, Caller.console()))
    assert answer["value"]["name"] == "TypeError" and "wxacode" in answer["value"]["message"]
    assert [e for e in ws.events.recent() if e.action == "wx.openApi"] == []


def test_oa1_through_wxsim_call(project, tmp_path):
    data = json.dumps({"calls": [["wxacode.getUnlimited", {"scene": "id=42", "page": "pages/detail/detail"}],
                                 ["wxacode.getUnlimitd", {"scene": "x"}]]})
    done = subprocess.run([sys.executable, "-m", "app", "call", "oa", "--as", "学生A", "--data", data,
                           "--project", str(project), "--data-dir", str(tmp_path / "d")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    made, typo = json.loads(done.stdout)["result"]
    assert made["ok"]["contentType"] == "image/png" and made["ok"]["buffer"].startswith("iVBORw0KGgo")
    assert typo["err"]["errCode"] == -604100


def test_every_api_handler_named_in_dispatch_exists():
    """Handlers are imported on first call: a misspelt one must fail here, not in a class."""
    from app.core.openapi.dispatch import HANDLERS, KNOWN_APIS, SVRKIT_HANDLERS, handler_of

    assert set(HANDLERS) <= KNOWN_APIS
    for name in [*HANDLERS.values(), *SVRKIT_HANDLERS.values()]:
        assert callable(handler_of(name)), name
