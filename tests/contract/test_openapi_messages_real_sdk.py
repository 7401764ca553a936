"""Message sends from the REAL wx-server-sdk (4.0.2 and 2.6.3) in Node, through the gateway's
protobuf ``wx.openApi``, give exactly what the embedded shim gives (openapi.md §4, OA14–OA24,
OA40): the same msgids, rids and refusals, and the same inbox.

Each runtime runs in a fresh workspace on the same project with the same template, the same
accepted subscription and the same customer-service window, so both draw the same tokens.
"""

from __future__ import annotations


import pytest

from app.core.requests import Caller, Request
from tests.contract.conftest import NODE, NPM, SDK_VERSIONS, on_both_runtimes
from tests.core.openapi.conftest import run
from tests.core.openapi.project import make_project

T1 = {"templateId": "T1", "title": "取件提醒", "kind": "once",
      "keywords": {"thing1": "物品名称", "time2": "送达时间", "phrase3": "状态"}}
K1 = {"templateId": "K1", "title": "订单提醒", "kind": "once", "keywords": {"keyword1": "订单号"}}
DATA = {"thing1": {"value": "取件提醒"}, "time2": {"value": "2024年5月1日 10:00"}, "phrase3": {"value": "已送达"}}


def calls(touser: str) -> tuple:
    send = {"touser": touser, "templateId": "T1", "page": "pages/index/index", "data": DATA}
    text = {"touser": touser, "msgtype": "text", "text": {"content": "hi"}}
    return (
        ["subscribeMessage.send", send],  # OA14: two accepts granted below
        ["subscribeMessage.send", {"touser": touser, "template_id": "T1", "miniprogram_state": "developer",
                                   "data": DATA}],  # OA23
        ["subscribeMessage.send", send],  # OA15
        ["subscribeMessage.send", {**send, "data": {**DATA, "thing1": {"value": "一" * 21}}}],  # OA20
        ["subscribeMessage.send", {**send, "touser": "oNOBODY"}],  # OA22
        ["subscribeMessage.send", send, {"convertCase": False}],
        ["customerServiceMessage.send", text],  # OA40: within the window
        ["templateMessage.send", {"touser": touser, "templateId": "K1", "formId": "f1",
                                  "data": {"keyword1": {"value": "A-1"}}}],
        ["templateMessage.send", {"touser": touser, "templateId": "K1", "formId": "f1",
                                  "data": {"keyword1": {"value": "A-1"}}}],
    )


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_the_real_sdk_sends_what_the_shim_sends(version, tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    answers, inboxes = {}, {}
    for runtime, workspace in on_both_runtimes(tmp_path, version, make_project):
        for action, params in (("openapi.setTemplate", T1), ("openapi.setTemplate", K1),
                               ("openapi.setSubscription", {"persona": "学生A", "templateId": "T1", "count": 2}),
                               ("openapi.customerMessage", {"persona": "学生A"})):
            workspace.handle(Request(action, params, Caller.console()))
        answers[runtime] = run(workspace, *calls(workspace.identity.persona("学生A").openid))
        inboxes[runtime] = [{k: v for k, v in m.items() if k not in ("sentAt", "eventId")} for m in
                            workspace.handle(Request("openapi.inbox", {}, Caller.console()))["messages"]]
    assert answers["node"] == answers["v8"] and inboxes["node"] == inboxes["v8"]
    sent, snake, spent, too_long, nobody, raw, replied, legacy, reused = answers["node"]
    assert sent["ok"]["keys"] == ["msgid", "errMsg", "errCode"] and type(sent["ok"]["msgid"]) is int
    assert sent["ok"]["errMsg"] == "openapi.subscribeMessage.send:ok"
    assert snake["ok"]["errCode"] == 0 and snake["ok"]["msgid"] != sent["ok"]["msgid"]
    assert spent["err"]["errCode"] == 43101 and spent["err"]["message"].startswith(
        "errCode: 43101  | errMsg: openapi.subscribeMessage.send:fail user refuse to accept the msg rid: ")
    assert list(spent["err"]["json"]) == ["errCode", "errMsg"]
    # convertCase false: templateId reaches WeChat unconverted, so template_id is missing.
    assert (too_long["err"]["errCode"], nobody["err"]["errCode"], raw["err"]["errCode"]) == (47003, 40003, 40037)
    assert replied["ok"]["keys"] == ["errMsg", "errCode"]
    assert legacy["ok"]["errMsg"] == "openapi.templateMessage.send:ok" and reused["err"]["errCode"] == 41029
    assert [m["kind"] for m in inboxes["node"]] == ["subscribe", "subscribe", "customer", "template"]
