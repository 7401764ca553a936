"""Subscription messages (openapi.md §4.1–§4.2, §8.2 #4; OA13–OA24): the client's
``wx.requestSubscribeMessage`` through ``client.runScript``, ``subscribeMessage.send`` inside
the function ``oa`` run as 学生A, quotas and the inbox."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.errors import CloudError, InputError
from app.core.requests import Caller, Request
from tests.core.openapi.conftest import one, run

ROOT = Path(__file__).resolve().parents[3]
RID = r" rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"
T1 = {"templateId": "T1", "title": "取件提醒", "kind": "once",
      "keywords": {"thing1": "物品名称", "time2": "送达时间", "phrase3": "状态"}}
DATA = {"thing1": {"value": "取件提醒"}, "time2": {"value": "2024年5月1日 10:00"}, "phrase3": {"value": "已送达"}}


def console(ws, action: str, **params) -> dict:
    return ws.handle(Request(action, params, Caller.console()))


def openid(ws, persona: str = "学生A") -> str:
    return ws.identity.persona(persona).openid


def send(ws, **overrides) -> dict:
    params = {"touser": openid(ws), "templateId": "T1", "page": "pages/index/index", "data": DATA, **overrides}
    return one(ws, "subscribeMessage.send", {k: v for k, v in params.items() if v is not None})


def quota(ws, template: str = "T1", persona: str = "学生A") -> int:
    states = console(ws, "openapi.subscriptions", persona=persona)["subscriptions"]
    return next(s["count"] for s in states if s["templateId"] == template)


def inbox(ws, persona: str = "学生A") -> list[dict]:
    return console(ws, "openapi.inbox", persona=persona)["messages"]


def subscribe(ws, tmpl_ids, tmp_path, persona: str = "学生A") -> dict:
    """``wx.requestSubscribeMessage({tmplIds})`` as the persona's mini program: its result or failure."""
    script = tmp_path / "subscribe.js"
    script.write_text("exports.main = async (ids) => wx.requestSubscribeMessage({ tmplIds: ids })"
                      ".then((ok) => ({ ok }), (fail) => ({ fail, plain: !(fail instanceof Error) }))\n"
                      f"exports.main = ((main) => () => main({json.dumps(tmpl_ids, ensure_ascii=False)}))(exports.main)",
                      encoding="utf-8")
    answer = console(ws, "client.runScript", localPath=str(script), persona=persona)
    assert answer["ok"], answer
    return answer["value"]


@pytest.fixture
def t1(ws):
    console(ws, "openapi.setTemplate", **T1)
    return ws


def test_oa13_an_accept_grants_one_send(t1, tmp_path):
    assert subscribe(t1, ["T1"], tmp_path) == {"ok": {"errMsg": "requestSubscribeMessage:ok", "T1": "accept"}}
    assert quota(t1) == 1
    (event,) = [e for e in t1.events.recent() if e.action == "wx.requestSubscribeMessage"]
    assert event.caller_kind == "client" and event.target == "T1: accept"


def test_oa14_a_send_spends_it_and_lands_in_the_inbox(t1, tmp_path):
    subscribe(t1, ["T1"], tmp_path)
    result = send(t1)["ok"]
    assert result["keys"] == ["msgid", "errMsg", "errCode"]
    assert result["errMsg"] == "openapi.subscribeMessage.send:ok" and result["errCode"] == 0
    assert type(result["msgid"]) is int and 0 < result["msgid"] < 2 ** 53
    assert quota(t1) == 0
    (message,) = inbox(t1)
    (event,) = [e for e in t1.events.recent() if e.action == "wx.openApi"]
    assert message["msgid"] == result["msgid"] and message["kind"] == "subscribe"
    assert (message["title"], message["page"], message["function"], message["eventId"]) == (
        "取件提醒", "pages/index/index", "oa", event.id)
    assert [(f["name"], f["value"]) for f in message["fields"]] == [
        ("物品名称", "取件提醒"), ("送达时间", "2024年5月1日 10:00"), ("状态", "已送达")]
    assert event.target == "subscribeMessage.send → 学生A"
    assert inbox(t1, "学生B") == []


def test_oa15_without_a_send_left_43101_and_the_inbox_is_unchanged(t1, tmp_path):
    subscribe(t1, ["T1"], tmp_path)
    send(t1)
    refused = send(t1)["err"]
    assert refused["errCode"] == 43101
    assert re.fullmatch("openapi.subscribeMessage.send:fail user refuse to accept the msg" + RID, refused["errMsg"])
    assert len(inbox(t1)) == 1


def test_oa16_accepts_accumulate(t1, tmp_path):
    subscribe(t1, ["T1"], tmp_path)
    subscribe(t1, ["T1"], tmp_path)
    outcomes = run(t1, *[["subscribeMessage.send", {"touser": openid(t1), "templateId": "T1", "data": DATA}]] * 3)
    assert [o.get("ok", o.get("err"))["errCode"] for o in outcomes] == [0, 0, 43101]


def test_oa17_a_rejecting_persona(t1, tmp_path):
    console(t1, "openapi.setSubscription", persona="学生A", templateId="T1", policy="reject")
    assert subscribe(t1, ["T1"], tmp_path)["ok"] == {"errMsg": "requestSubscribeMessage:ok", "T1": "reject"}
    assert send(t1)["err"]["errCode"] == 43101


def test_ban_and_filter_and_a_reject_keeps_what_was_granted(t1, tmp_path):
    console(t1, "openapi.setTemplate", **{**T1, "templateId": "T1copy"})  # the same title
    console(t1, "openapi.setTemplate", **{**T1, "templateId": "T2", "title": "上课提醒"})
    console(t1, "openapi.setSubscription", persona="学生A", templateId="T2", policy="ban")
    assert subscribe(t1, ["T1", "T1copy", "T2"], tmp_path)["ok"] == {
        "errMsg": "requestSubscribeMessage:ok", "T1": "accept", "T1copy": "filter", "T2": "ban"}
    console(t1, "openapi.setSubscription", persona="学生A", templateId="T1", policy="reject", keep=True)
    subscribe(t1, ["T1"], tmp_path)
    state = next(s for s in console(t1, "openapi.subscriptions", persona="学生A")["subscriptions"]
                 if s["templateId"] == "T1")
    assert state == {"templateId": "T1", "policy": "reject", "keep": True, "count": 1}


def test_oa18_empty_and_too_many_ids(t1, tmp_path):
    assert subscribe(t1, [], tmp_path) == {
        "fail": {"errMsg": "requestSubscribeMessage:fail TmplIds can't be empty", "errCode": 10001}, "plain": True}
    for n in range(2, 7):
        console(t1, "openapi.setTemplate", **{**T1, "templateId": f"T{n}", "title": f"提醒{n}"})
    six = [f"T{n}" for n in range(1, 7)]
    assert subscribe(t1, six, tmp_path)["fail"] == {
        "errMsg": "requestSubscribeMessage:fail Templates count out of max bounds", "errCode": 20003}
    assert "ok" in subscribe(t1, six[:5], tmp_path)
    console(t1, "openapi.messageSettings", maxSubscribeIds=3)  # §10 #6: the older pages' limit
    assert subscribe(t1, six[:4], tmp_path)["fail"]["errCode"] == 20003


def test_oa19_an_unknown_template_and_mixed_kinds(t1, tmp_path):
    assert subscribe(t1, ["NOPE"], tmp_path)["fail"] == {
        "errMsg": "requestSubscribeMessage:fail No template data return, verify the template id exist",
        "errCode": 20001}
    console(t1, "openapi.setTemplate", **{**T1, "templateId": "L1", "title": "长期", "kind": "long"})
    assert subscribe(t1, ["T1", "L1"], tmp_path)["fail"] == {
        "errMsg": "requestSubscribeMessage:fail Templates type must be same", "errCode": 20002}
    assert quota(t1) == 0  # nothing was granted by a refused request


def test_oa20_oa21_bad_values_are_47003_and_spend_nothing(t1, tmp_path):
    subscribe(t1, ["T1"], tmp_path)
    long = send(t1, data={**DATA, "thing1": {"value": "一二三四五六七八九十一二三四五六七八九十一"}})["err"]
    assert long["errCode"] == 47003
    assert re.fullmatch(r"openapi.subscribeMessage.send:fail argument invalid! data.thing1.value invalid" + RID,
                        long["errMsg"])
    empty = send(t1, data={**DATA, "thing1": {"value": ""}})["err"]
    assert re.fullmatch(r"openapi.subscribeMessage.send:fail argument invalid! data.thing1.value is empty" + RID,
                        empty["errMsg"])
    phrase = send(t1, data={**DATA, "phrase3": {"value": "已经送达了"}})["ok"]  # five 汉字 is a phrase
    assert phrase["errCode"] == 0 and quota(t1) == 0
    subscribe(t1, ["T1"], tmp_path)
    assert send(t1, data={**DATA, "time2": {"value": "明天上午"}})["err"]["errCode"] == 47003
    assert quota(t1) == 1
    event = [e for e in t1.events.recent() if e.action == "wx.openApi"][-1]
    assert event.error_reason["id"] == "openapi.data_invalid"


def test_oa22_unknown_recipient_and_template(t1, tmp_path):
    nobody = send(t1, touser="oNOBODY")["err"]
    assert nobody["errCode"] == 40003
    assert re.fullmatch("openapi.subscribeMessage.send:fail invalid openid" + RID, nobody["errMsg"])
    nope = send(t1, templateId="NOPE")["err"]
    assert nope["errCode"] == 40037
    assert re.fullmatch("openapi.subscribeMessage.send:fail invalid template_id" + RID, nope["errMsg"])


def test_the_checks_run_in_wechats_order(t1, tmp_path):
    bad = {"page": "pages/nope/nope", "data": {"thing1": {"value": ""}}}
    assert send(t1, touser="oNOBODY", templateId="NOPE", **bad)["err"]["errCode"] == 40003
    assert send(t1, templateId="NOPE", **bad)["err"]["errCode"] == 40037
    assert send(t1, **bad)["err"]["errCode"] == 41030
    assert send(t1, data={"thing1": {"value": ""}})["err"]["errCode"] == 47003
    assert send(t1)["err"]["errCode"] == 43101  # all valid: only now the quota
    assert send(t1, data="thing1")["err"]["errCode"] == 47001
    assert inbox(t1) == []


def test_oa23_snake_case_keys_and_a_page_with_a_query(t1, tmp_path):
    subscribe(t1, ["T1"], tmp_path)
    result = one(t1, "subscribeMessage.send", {"touser": openid(t1), "template_id": "T1",
                                               "miniprogram_state": "developer",
                                               "page": "pages/detail/detail?id=1", "data": DATA})["ok"]
    assert result["errCode"] == 0 and result["keys"] == ["msgid", "errMsg", "errCode"]
    (message,) = inbox(t1)
    assert (message["page"], message["miniprogramState"]) == ("pages/detail/detail?id=1", "developer")


def test_a_long_term_template_is_never_spent(t1, tmp_path):
    console(t1, "openapi.setTemplate", **{**T1, "templateId": "L1", "title": "长期提醒", "kind": "long"})
    assert send(t1, templateId="L1")["err"]["errCode"] == 43101  # still needs an accept
    subscribe(t1, ["L1"], tmp_path)
    outcomes = run(t1, *[["subscribeMessage.send", {"touser": openid(t1), "templateId": "L1", "data": DATA}]] * 3)
    assert [o["ok"]["errCode"] for o in outcomes] == [0, 0, 0] and quota(t1, "L1") == 1


def add_remind(project: Path) -> None:
    """A function that sends T1 to its caller and returns the refusal it catches (OA24's pattern)."""
    folder = project / "cloudfunctions" / "remind"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"permissions": {"openapi": ["subscribeMessage.send"]}}))
    (folder / "index.js").write_text(
        "const cloud = require('wx-server-sdk')\ncloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })\n"
        "exports.main = async () => {\n  try {\n    return await cloud.openapi.subscribeMessage.send({\n"
        "      touser: cloud.getWXContext().OPENID, templateId: 'T1',\n"
        f"      data: {json.dumps(DATA, ensure_ascii=False)} }})\n"
        "  } catch (e) { return e }\n}\n", encoding="utf-8")


def test_oa24_a_caught_refusal_returned_to_the_client(t1, project, tmp_path):
    add_remind(project)
    script = tmp_path / "oa24.js"
    script.write_text("exports.main = async () => (await wx.cloud.callFunction({ name: 'remind' })).result")
    result = console(t1, "client.runScript", localPath=str(script), persona="学生A")["value"]
    assert list(result) == ["errCode", "errMsg"] and result["errCode"] == 43101
    assert re.fullmatch("openapi.subscribeMessage.send:fail user refuse to accept the msg" + RID, result["errMsg"])


def test_templates_are_seeded_from_the_projects_code_then_edited(project, tmp_path):
    folder = project / "cloudfunctions" / "remind"
    folder.mkdir()
    (folder / "index.js").write_text(
        "await cloud.openapi.subscribeMessage.send({\n  touser: OPENID,\n"
        "  templateId: 'Class-Reminder-01', // 上课提醒\n  data: {\n    thing1: { value: c }, // 课程名称\n"
        "    time2: { value: t },\n  }\n})\n", encoding="utf-8")
    (folder / "node_modules" / "x").mkdir(parents=True)
    (folder / "node_modules" / "x" / "index.js").write_text(
        "const a = { templateId: 'Vendored-0001', data: { thing1: {} } }")
    from app.core.workspace import Workspace
    ws = Workspace.open(tmp_path / "seeded", project)
    try:
        assert console(ws, "openapi.templates")["templates"] == [{
            "templateId": "Class-Reminder-01", "title": "上课提醒", "kind": "once",
            "keywords": {"thing1": "课程名称", "time2": "时间"}}]
        console(ws, "openapi.setTemplate", templateId="Class-Reminder-02", replaces="Class-Reminder-01",
                title="上课提醒", kind="long", keywords={"thing1": "课程名称", "time2": "上课时间"})
        assert [t["templateId"] for t in console(ws, "openapi.templates")["templates"]] == ["Class-Reminder-02"]
        saved = json.loads((tmp_path / "seeded" / "openapi" / "templates.json").read_text(encoding="utf-8"))
        assert saved["Class-Reminder-02"]["keywords"]["time2"] == "上课时间"
        with pytest.raises(InputError):
            console(ws, "openapi.setTemplate", templateId="X", title="x", keywords={"colour1": "颜色"})
        for broken in ({"title": "", "keywords": {"thing1": "a"}}, {"title": "x", "keywords": {}},
                       {"title": "x", "kind": "twice", "keywords": {"thing1": "a"}}):
            with pytest.raises(InputError) as refused:
                console(ws, "openapi.setTemplate", templateId="X", **broken)
            assert "X" in str(refused.value)
        with pytest.raises(InputError):
            console(ws, "openapi.setSubscription", persona="学生A", templateId="X", policy="accept")
        console(ws, "openapi.removeTemplate", templateId="Class-Reminder-02")
        assert console(ws, "openapi.templates")["templates"] == []  # not seeded again
    finally:
        ws.close()


def test_the_console_actions_are_the_consoles_and_the_subscribe_request_a_signed_in_users(t1):
    with pytest.raises(CloudError):
        t1.handle(Request("openapi.inbox", {}, t1.client_caller("学生A")))
    with pytest.raises(CloudError) as signed_out:
        t1.handle(Request("wx.requestSubscribeMessage", {"tmplIds": ["T1"]}, t1.client_caller(None)))
    assert signed_out.value.code == 10005


def test_oa13_oa14_through_wxsim_run_client_and_call(project, tmp_path):
    add_remind(project)
    data_dir = tmp_path / "d"

    def wxsim(*args: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "app", *args, "--project", str(project),
                               "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    (data_dir / "openapi").mkdir(parents=True)  # templates declared by hand, as a trainer would
    (data_dir / "openapi" / "templates.json").write_text(
        json.dumps({"T1": {k: v for k, v in T1.items() if k != "templateId"}}), encoding="utf-8")
    script = tmp_path / "oa13.js"
    script.write_text("exports.main = () => wx.requestSubscribeMessage({ tmplIds: ['T1'] })")
    assert wxsim("run-client", str(script), "--as", "学生A") == {"errMsg": "requestSubscribeMessage:ok",
                                                                 "T1": "accept"}
    sent = wxsim("call", "remind", "--as", "学生A")["result"]
    assert sent["errCode"] == 0 and sent["errMsg"] == "openapi.subscribeMessage.send:ok" and sent["msgid"] > 0
    assert wxsim("call", "remind", "--as", "学生A")["result"]["errCode"] == 43101
    (message,) = [json.loads(line) for line in (data_dir / "openapi" / "inbox.jsonl").read_text("utf-8").splitlines()]
    assert (message["persona"], message["function"], message["msgid"]) == ("学生A", "remind", sent["msgid"])
