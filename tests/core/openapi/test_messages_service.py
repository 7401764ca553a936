"""Customer-service replies (openapi.md §4.3, OA40) and the legacy template and uniform messages
(§4.4, §8.2 #6), through the function ``oa`` run as 学生A."""

from __future__ import annotations

import re

import pytest

from app.core.errors import InputError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.conftest import FakeClock
from tests.core.openapi.conftest import one, run

RID = r" rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"
HOUR = 3600.0
LEGACY = {"templateId": "K1", "title": "订单提醒", "kind": "once", "keywords": {"keyword1": "订单号", "keyword2": "状态"}}
LEGACY_DATA = {"keyword1": {"value": "A-1"}, "keyword2": {"value": "已发货"}}


@pytest.fixture
def clocked(project, tmp_path):
    clock = FakeClock(1_700_000_000.0)
    workspace = Workspace.open(tmp_path / "clocked", project, clock=clock)
    yield workspace, clock
    workspace.close()


def console(ws, action: str, **params) -> dict:
    return ws.handle(Request(action, params, Caller.console()))


def text(ws, content: str = "hi") -> dict:
    return {"touser": ws.identity.persona("学生A").openid, "msgtype": "text", "text": {"content": content}}


def codes(outcomes: list[dict]) -> list[int]:
    return [o.get("ok", o.get("err"))["errCode"] for o in outcomes]


def test_oa40_the_window_a_personas_message_opens(clocked):
    ws, _ = clocked
    closed = one(ws, "customerServiceMessage.send", text(ws))["err"]
    assert closed["errCode"] == 45015
    assert re.fullmatch("openapi.customerServiceMessage.send:fail response out of time limit or subscription "
                        "is canceled" + RID, closed["errMsg"])
    opened = console(ws, "openapi.customerMessage", persona="学生A")["session"]
    assert opened["left"] == 5
    outcomes = run(ws, *[["customerServiceMessage.send", text(ws, f"第{n}条")] for n in range(1, 7)])
    assert codes(outcomes) == [0, 0, 0, 0, 0, 45047]
    assert outcomes[0]["ok"] == {"errCode": 0, "errMsg": "openapi.customerServiceMessage.send:ok",
                                 "keys": ["errMsg", "errCode"]}
    assert re.fullmatch("openapi.customerServiceMessage.send:fail out of response count limit" + RID,
                        outcomes[5]["err"]["errMsg"])
    messages = console(ws, "openapi.inbox", persona="学生A")["messages"]
    assert [(m["kind"], m["content"]) for m in messages] == [("customer", {"content": f"第{n}条"}) for n in range(1, 6)]
    assert console(ws, "openapi.subscriptions", persona="学生A")["session"]["left"] == 0


def test_the_window_closes_after_48_hours_and_a_new_message_reopens_it(clocked):
    ws, clock = clocked
    console(ws, "openapi.customerMessage", persona="学生A")
    clock.now += 47 * HOUR
    assert one(ws, "customerServiceMessage.send", text(ws))["ok"]["errCode"] == 0
    clock.now += 2 * HOUR
    assert one(ws, "customerServiceMessage.send", text(ws))["err"]["errCode"] == 45015
    assert console(ws, "openapi.subscriptions", persona="学生A")["session"] is None
    console(ws, "openapi.customerMessage", persona="学生A")
    assert one(ws, "customerServiceMessage.send", text(ws))["ok"]["errCode"] == 0


def test_customer_service_checks_the_recipient_and_the_body_first(clocked):
    ws, _ = clocked
    console(ws, "openapi.customerMessage", persona="学生A")
    nobody, no_body, page = run(ws, ["customerServiceMessage.send", {**text(ws), "touser": "oNOBODY"}],
                                ["customerServiceMessage.send", {**text(ws), "msgtype": "voice"}],
                                ["customerServiceMessage.send", {"touser": text(ws)["touser"], "msgtype": "miniprogrampage",
                                                                 "miniprogrampage": {"title": "看看",
                                                                                     "pagepath": "pages/index/index"}}])
    assert codes([nobody, no_body, page]) == [40003, 47001, 0]
    (message,) = console(ws, "openapi.inbox", persona="学生A")["messages"]
    assert (message["msgtype"], message["page"]) == ("miniprogrampage", "pages/index/index")
    assert console(ws, "openapi.subscriptions", persona="学生A")["session"]["left"] == 4


def test_legacy_template_messages_take_a_form_id_once(clocked):
    ws, _ = clocked
    console(ws, "openapi.setTemplate", **LEGACY)
    message = {"touser": ws.identity.persona("学生A").openid, "templateId": "K1", "page": "pages/index/index",
               "data": LEGACY_DATA}
    outcomes = run(ws, ["templateMessage.send", {**message, "formId": "form-1"}],
                   ["templateMessage.send", {**message, "formId": "form-1"}],
                   ["templateMessage.send", {**message, "formId": ""}],
                   ["templateMessage.send", {**message, "formId": "form-2", "templateId": "NOPE"}],
                   ["templateMessage.send", {**message, "formId": "form-3", "page": "pages/nope/nope"}])
    assert codes(outcomes) == [0, 41029, 41028, 40037, 41030]
    assert outcomes[0]["ok"] == {"errCode": 0, "errMsg": "openapi.templateMessage.send:ok", "keys": ["errMsg", "errCode"]}
    assert re.fullmatch("openapi.templateMessage.send:fail invalid form id" + RID, outcomes[2]["err"]["errMsg"])
    (sent,) = console(ws, "openapi.inbox", persona="学生A")["messages"]
    assert (sent["kind"], sent["title"], [f["value"] for f in sent["fields"]]) == ("template", "订单提醒", ["A-1", "已发货"])


def test_strict_answers_45103_as_todays_wechat(clocked):
    ws, _ = clocked
    console(ws, "openapi.setTemplate", **LEGACY)
    assert console(ws, "openapi.messageSettings", legacy="strict") == {"legacy": "strict", "maxSubscribeIds": 5}
    touser = ws.identity.persona("学生A").openid
    template, uniform = run(ws, ["templateMessage.send", {"touser": touser, "templateId": "K1", "formId": "f",
                                                          "data": LEGACY_DATA}],
                            ["uniformMessage.send", {"touser": touser, "weappTemplateMsg": {
                                "templateId": "K1", "formId": "f", "data": LEGACY_DATA}}])
    assert codes([template, uniform]) == [45103, 45103]
    assert re.fullmatch("openapi.templateMessage.send:fail This API has been unsupported" + RID,
                        template["err"]["errMsg"])
    with pytest.raises(InputError):
        console(ws, "openapi.messageSettings", legacy="lax")


def test_uniform_messages_of_an_official_account(clocked):
    ws, _ = clocked
    console(ws, "openapi.setTemplate", **LEGACY)
    touser = ws.identity.persona("学生A").openid
    mp = {"appid": "wx00000000000000oa", "templateId": "K1", "url": "https://example.com",
          "miniprogram": {"appid": "wx0000000000000001", "pagepath": "pages/index/index"}, "data": LEGACY_DATA}
    outcomes = run(ws, ["uniformMessage.send", {"touser": touser, "mpTemplateMsg": mp}],
                   ["uniformMessage.send", {"touser": touser, "mpTemplateMsg": {**mp, "appid": ""}}],
                   ["uniformMessage.send", {"touser": touser, "mpTemplateMsg": {**mp, "templateId": "NOPE"}}],
                   ["uniformMessage.send", {"touser": "oNOBODY", "mpTemplateMsg": mp}],
                   ["uniformMessage.send", {"touser": touser}])
    assert codes(outcomes) == [0, 40013, 40037, 40003, 47001]
    (sent,) = console(ws, "openapi.inbox", persona="学生A")["messages"]
    assert (sent["kind"], sent["page"], sent["function"]) == ("mp_template", "pages/index/index", "oa")
