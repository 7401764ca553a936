"""Content security: ``msgSecCheck`` v1/v2, ``imgSecCheck``, ``mediaCheckAsync`` (openapi.md §5,
OA25–OA31), judged against the workspace's word and image lists, which the console edits."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.errors import InputError
from app.core.functions.sdk import call_function
from app.core.openapi.errors import WeChatError
from app.core.openapi.qrpng import qr_png
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.conftest import FakeClock
from tests.core.openapi.conftest import one, run
from tests.core.openapi.project import make_project
from tests.core.openapi.security_project import add_security_functions, media
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
RID = r" rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"
TRACE = r"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"
TEST_STRING = "特3456书yuuo莞6543李zxcz蒜7782法fgnv级"


@pytest.fixture
def clock():
    return FakeClock(1_700_000_000.0)


@pytest.fixture
def ws(tmp_path, clock):
    project = make_project(tmp_path / "project")
    add_security_functions(project)
    workspace = Workspace.open(tmp_path / "data", project, clock=clock)
    yield workspace
    workspace.close()


def console(ws, action: str, params: dict | None = None) -> dict:
    return ws.handle(Request(action, params or {}, Caller.console()))


def openid(ws, persona: str = "学生A") -> str:
    return ws.client_caller(persona).openid


def img(ws, *calls: dict) -> list:
    """Each imgSecCheck call's ``{ok}``/``{err}`` as the function ``img`` saw it (run as 学生A)."""
    outcome = call_function(ws.handle, ws.client_caller("学生A"), "img", {"calls": list(calls)})
    assert outcome.ok, outcome.value
    return outcome.value["result"]


def v2(ws, content: str, **params) -> dict:
    return one(ws, "security.msgSecCheck", {"openid": openid(ws), "scene": 2, "version": 2, "content": content, **params})


def test_oa25_clean_text_passes_v1(ws):
    result = one(ws, "security.msgSecCheck", {"content": "你好"})["ok"]
    assert result == {"errMsg": "openapi.security.msgSecCheck:ok", "errCode": 0, "keys": ["errMsg", "errCode"]}


def test_oa26_the_docs_test_string_is_risky_in_v1(ws):
    err = one(ws, "security.msgSecCheck", {"content": TEST_STRING})["err"]
    assert err["errCode"] == 87014
    assert re.fullmatch(r"openapi\.security\.msgSecCheck:fail risky content" + RID, err["errMsg"])
    (event,) = [e for e in ws.events.recent() if e.action == "wx.openApi"]
    assert (event.error_reason["id"], event.error_reason["params"]) == ("openapi.risky_word", {"word": TEST_STRING})
    # a review entry does not reject in v1 (§5.5)
    assert one(ws, "security.msgSecCheck", {"content": "一段待审示例"})["ok"]["errCode"] == 0


def test_oa27_v2_resolves_with_the_risky_verdict_and_its_keyword(ws):
    result = v2(ws, "这是违禁示例")["ok"]
    assert re.fullmatch(TRACE, result.pop("traceId"))
    assert result == {
        "result": {"suggest": "risky", "label": 20001},
        "detail": [{"strategy": "content_model", "errcode": 0, "suggest": "risky", "label": 20001, "prob": 90},
                   {"strategy": "keyword", "errcode": 0, "suggest": "risky", "label": 20001, "level": 90,
                    "keyword": "违禁示例"}],
        "errMsg": "openapi.security.msgSecCheck:ok", "errCode": 0,
        "keys": ["result", "detail", "traceId", "errMsg", "errCode"]}


def test_oa28_v2_clean_text_passes_with_an_empty_keyword_item(ws):
    result = v2(ws, "今天天气不错")["ok"]
    assert result["result"] == {"suggest": "pass", "label": 100}
    assert result["detail"][1] == {"strategy": "keyword", "errcode": 0}
    assert TEST_STRING not in json.dumps(result)


def test_oa29_review_bad_scene_and_unknown_openid(ws):
    assert v2(ws, "待审示例")["ok"]["result"] == {"suggest": "review", "label": 21000}
    scene = v2(ws, "你好", scene=5)["err"]
    assert scene["errCode"] == 40129 and re.fullmatch(r"openapi\.security\.msgSecCheck:fail invalid scene" + RID,
                                                       scene["errMsg"])
    nobody = v2(ws, "你好", openid="oNOBODY")["err"]
    assert nobody["errCode"] == 40003 and "invalid openid" in nobody["errMsg"]
    # the strongest hit wins, whichever field it is in; empty and over-long content are refused
    assert v2(ws, "待审示例", nickname="违禁示例")["ok"]["result"]["suggest"] == "risky"
    assert v2(ws, "")["err"]["errCode"] == 44002
    assert v2(ws, "长" * 2501)["err"]["errCode"] == 47001


def test_the_word_list_is_edited_by_the_console_and_counts_at_once(ws):
    assert "违禁示例\t20001\trisky" in console(ws, "openapi.securityLists")["words"]  # the default list
    saved = console(ws, "openapi.securityLists", {"words": "作弊\t20006\trisky\nCHEAT"})
    assert saved["words"] == "作弊\t20006\trisky\nCHEAT\n"
    assert one(ws, "security.msgSecCheck", {"content": "违禁示例"})["ok"]["errCode"] == 0  # no longer listed
    assert v2(ws, "考试作弊")["ok"]["result"] == {"suggest": "risky", "label": 20006}
    assert v2(ws, "let's cheat")["ok"]["detail"][1]["keyword"] == "CHEAT"  # case-insensitive, default label
    assert v2(ws, "let's cheat")["ok"]["result"] == {"suggest": "risky", "label": 21000}
    for bad, reason in (("a\tlabel", "openapi.words_label"), ("a\t1\tmaybe", "openapi.words_suggest"),
                        ("\t1\trisky", "openapi.words_line")):
        with pytest.raises(InputError) as refused:
            console(ws, "openapi.securityLists", {"words": f"ok\n{bad}"})
        assert refused.value.reason.id == reason and refused.value.reason.params["line"] == 2
    assert console(ws, "openapi.securityLists")["words"] == "作弊\t20006\trisky\nCHEAT\n"  # nothing saved
    with pytest.raises(InputError) as refused:
        console(ws, "openapi.securityLists", {"images": "not a digest"})
    assert refused.value.reason.id == "openapi.images_line"
    with pytest.raises(Exception):
        ws.handle(Request("openapi.securityLists", {"words": ""}, Caller.admin()))  # the console's alone


def test_oa30_an_image_passes_unless_its_bytes_are_listed(ws):
    clean, listed = qr_png("clean", 280, (0, 0, 0), False), qr_png("listed", 280, (200, 0, 0), False)
    console(ws, "openapi.securityLists", {"images": f"{hashlib.sha256(listed).hexdigest()}\tred square\n"})
    ok, risky, big, missing = img(ws, {"media": media(clean)}, {"media": media(listed)},
                                  {"media": media(b"x" * ((1 << 20) + 1))}, {"media": media(b"")})
    assert ok == {"ok": {"errMsg": "openapi.security.imgSecCheck:ok", "errCode": 0}}
    assert risky["err"]["errCode"] == 87014 and risky["err"]["errMsg"].startswith(
        "openapi.security.imgSecCheck:fail risky content rid: ")
    assert big["err"]["errCode"] == 40006 and "data exceed max size" in big["err"]["errMsg"]
    assert missing["err"]["errCode"] == 41005  # an empty Buffer: no image to check
    first = next(e for e in ws.events.recent() if e.action == "wx.openApi")
    assert first.params["data"]["media"]["$file"] == "media.png" and first.params["data"]["media"]["size"] == len(clean)


def test_an_image_named_risky_is_risky(ws):
    clean = qr_png("clean", 280, (0, 0, 0), False)
    (named,) = img(ws, {"media": media(clean, fileName="risky.png")})
    # case conversion renames fileName to file_name, so the SDK names the file media.png: it passes
    assert named["ok"]["errCode"] == 0
    console(ws, "openapi.settings", {"lenient": True})
    call = {"apiName": "security.imgSecCheck", "data": {"media": {"$file": "Risky-cat.gif", "size": 3, "base64": "R0lG"}}}
    with pytest.raises(WeChatError) as refused:
        ws.handle(Request("wx.openApi", call, Caller.admin()))
    assert refused.value.errcode == 87014 and refused.value.reason.id == "openapi.risky_image_name"


def test_oa31_media_check_async_answers_a_trace_id_and_pushes_the_verdict_when_due(ws, clock):
    console(ws, "openapi.securitySettings", {"pushFunction": "push"})
    url = "https://example.com/cat.png"
    result = one(ws, "security.mediaCheckAsync", {"mediaUrl": url, "mediaType": 2, "version": 2,
                                                  "openid": openid(ws), "scene": 1})["ok"]
    assert result["keys"] == ["traceId", "errMsg", "errCode"] and re.fullmatch(TRACE, result["traceId"])
    assert console(ws, "openapi.deliverMediaChecks") == {"delivered": [], "next": 2.0}  # not due yet
    clock.now += 2
    answer = console(ws, "openapi.deliverMediaChecks")
    (pushed,) = answer["delivered"]
    assert answer["next"] is None and pushed["pushedTo"] == "push" and pushed["ok"] is True
    message = pushed["message"]
    assert (message["Event"], message["trace_id"], message["version"], message["result"]) == (
        "wxa_media_check", result["traceId"], 2, {"suggest": "pass", "label": 100})
    assert message["FromUserName"] == openid(ws) and message["detail"][0]["strategy"] == "content_model"
    # the receiver ran with the message as its event, nested under the delivery
    deliver = next(e for e in ws.events.recent() if e.action == "openapi.deliverMediaChecks" and e.target != "wxa_media_check → 0")
    assert deliver.target == f"wxa_media_check → {result['traceId']} pass"
    (run_event,) = [e for e in ws.events.recent() if e.action == "functions.invokeFunction" and e.parent_id == deliver.id]
    assert json.loads(run_event.result["response_data"]) == {
        "got": "wxa_media_check", "traceId": result["traceId"], "result": {"suggest": "pass", "label": 100}}
    assert console(ws, "openapi.deliverMediaChecks")["delivered"] == []  # pushed once


def test_the_trigger_scheduler_pushes_due_verdicts_even_with_triggers_paused(ws, clock):
    """No pane needed: the scheduler that runs in the app and in ``wxsim serve`` pushes them."""
    console(ws, "functions.pauseTriggers", {"paused": True})
    scheduler = ws.trigger_scheduler()
    one(ws, "security.mediaCheckAsync", {"mediaUrl": "https://example.com/cat.png", "mediaType": 2})

    def deliveries() -> list:
        return [e for e in ws.events.recent() if e.action == "openapi.deliverMediaChecks"]

    scheduler.tick()
    assert deliveries() == []  # nothing due: no request, no timeline row
    clock.now += 2
    scheduler.tick()  # the push goes out on its own thread, as a trigger's run does
    wait_until(lambda: deliveries() and deliveries()[0].result, "the due verdict pushed")
    (delivery,) = deliveries()
    assert delivery.result["delivered"][0]["message"]["Event"] == "wxa_media_check"
    scheduler.tick()
    assert len(deliveries()) == 1  # pushed once


def test_media_check_verdicts_without_a_receiver_only_show_in_the_timeline(ws, clock):
    console(ws, "openapi.securitySettings", {"delay": 30})
    calls = [["security.mediaCheckAsync", {"mediaUrl": "https://example.com/risky.jpg", "mediaType": 2, "version": 2,
                                           "openid": openid(ws), "scene": 2}],
             ["security.mediaCheckAsync", {"mediaUrl": "cloud://env.bucket/a.png", "mediaType": 2}],
             ["security.mediaCheckAsync", {"mediaUrl": "https://example.com/a.png", "mediaType": 2, "version": 2,
                                           "openid": "oNOBODY", "scene": 1}],
             ["security.mediaCheckAsync", {"mediaUrl": "https://example.com/a.png", "mediaType": 3}]]
    risky, cloud, nobody, bad_type = (r.get("ok") or r["err"] for r in run(ws, *calls))
    assert nobody["errCode"] == 40003 and bad_type["errCode"] == 47001
    clock.now += 29
    assert console(ws, "openapi.deliverMediaChecks")["next"] == 1.0
    clock.now += 1
    first, second = console(ws, "openapi.deliverMediaChecks")["delivered"]
    assert first["pushedTo"] is None and "ok" not in first
    assert first["message"]["result"] == {"suggest": "risky", "label": 21000}
    # version 1 (no version key): isrisky and status_code; a cloud:// URL cannot be downloaded (§5.4)
    assert (second["message"]["trace_id"], second["message"]["isrisky"], second["message"]["status_code"]) == (
        cloud["traceId"], 0, 4294966288)
    with pytest.raises(InputError) as refused:
        console(ws, "openapi.securitySettings", {"pushFunction": "nope"})
    assert refused.value.reason.id == "openapi.push_function_unknown"
    with pytest.raises(InputError):
        console(ws, "openapi.securitySettings", {"delay": -1})


def test_oa25_to_oa27_through_wxsim_call(tmp_path):
    project = make_project(tmp_path / "project")
    calls = [["security.msgSecCheck", {"content": "你好"}], ["security.msgSecCheck", {"content": TEST_STRING}]]
    data = json.dumps({"calls": calls})
    done = subprocess.run([sys.executable, "-m", "app", "call", "oa", "--as", "学生A", "--data", data,
                           "--project", str(project), "--data-dir", str(tmp_path / "d")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    clean, risky = json.loads(done.stdout)["result"]
    assert clean["ok"]["errMsg"] == "openapi.security.msgSecCheck:ok"
    assert risky["err"]["errCode"] == 87014 and "risky content rid: " in risky["err"]["errMsg"]
