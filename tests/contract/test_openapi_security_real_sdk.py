"""Content security from the REAL wx-server-sdk (4.0.2 and 2.6.3) in Node over the gateway gives
exactly what the embedded shim gives (openapi.md §5, OA25–OA31): msgSecCheck v1 and v2, and
imgSecCheck, whose media parameter travels as the protobuf form's file pair (§1.1).

Each runtime runs in a fresh workspace on the same project, so rids and traceIds match too.
"""

from __future__ import annotations

import hashlib

import pytest

from app.core.functions.sdk import call_function
from app.core.openapi.qrpng import qr_png
from app.core.requests import Caller, Request
from tests.contract.conftest import NODE, NPM, SDK_VERSIONS, on_both_runtimes
from tests.core.openapi.conftest import run
from tests.core.openapi.project import make_project
from tests.core.openapi.security_project import add_security_functions, media

TEST_STRING = "特3456书yuuo莞6543李zxcz蒜7782法fgnv级"
CLEAN = qr_png("clean", 280, (0, 0, 0), False)
LISTED = qr_png("listed", 280, (200, 0, 0), False)


def calls(openid: str) -> list:
    v2 = {"openid": openid, "scene": 2, "version": 2}
    return [
        ["security.msgSecCheck", {"content": "你好"}],  # OA25
        ["security.msgSecCheck", {"content": TEST_STRING}],  # OA26
        ["security.msgSecCheck", {**v2, "content": "这是违禁示例"}],  # OA27
        ["security.msgSecCheck", {**v2, "content": "今天天气不错"}],  # OA28
        ["security.msgSecCheck", {**v2, "content": "待审示例"}],  # OA29
        ["security.msgSecCheck", {**v2, "scene": 5, "content": "你好"}],
        ["security.msgSecCheck", {**v2, "openid": "oNOBODY", "content": "你好"}],
        ["security.mediaCheckAsync", {"mediaUrl": "https://example.com/a.png", "mediaType": 2, **v2}],  # OA31
    ]


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_the_real_sdk_gets_what_the_shim_gets(version, tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    answers = {}

    def security_project(root):
        add_security_functions(make_project(root))
        return root

    for runtime, workspace in on_both_runtimes(tmp_path, version, security_project, ("oa", "img")):
        workspace.handle(Request("openapi.securityLists", {"images": hashlib.sha256(LISTED).hexdigest()},
                                 Caller.console()))
        texts = run(workspace, *calls(workspace.client_caller("学生A").openid))
        images = call_function(workspace.handle, workspace.client_caller("学生A"), "img",
                               {"calls": [{"media": media(CLEAN)}, {"media": media(LISTED, "image/jpeg")}]})
        assert images.ok, images.value
        sent = [e.params["data"]["media"]["$file"] for e in workspace.events.recent()
                if e.action == "wx.openApi" and e.target.startswith("security.imgSecCheck")]
        answers[runtime] = (texts, images.value["result"], sent)
    assert answers["node"] == answers["v8"]
    (clean, risky, v2_risky, v2_pass, review, scene, nobody, media_check), (image_ok, image_risky), sent = answers["node"]
    assert clean["ok"]["keys"] == ["errMsg", "errCode"]
    assert risky["err"]["errCode"] == 87014 and risky["err"]["message"].startswith("errCode: 87014  | errMsg: ")
    assert v2_risky["ok"]["keys"] == ["result", "detail", "traceId", "errMsg", "errCode"]
    assert v2_risky["ok"]["detail"][1]["keyword"] == "违禁示例"
    assert v2_pass["ok"]["detail"][1] == {"strategy": "keyword", "errcode": 0}
    assert review["ok"]["result"] == {"suggest": "review", "label": 21000}
    assert (scene["err"]["errCode"], nobody["err"]["errCode"]) == (40129, 40003)
    assert media_check["ok"]["keys"] == ["traceId", "errMsg", "errCode"]
    assert image_ok == {"ok": {"errMsg": "openapi.security.imgSecCheck:ok", "errCode": 0}}
    assert image_risky["err"]["errCode"] == 87014
    assert sent == ["media.png", "media.jpeg"]  # mime-db's first extension, as the SDK names the pair
