"""Cloud calls from the REAL wx-server-sdk (4.0.2 and 2.6.3) in Node, through the gateway's
protobuf ``wx.openApi``, give exactly what the embedded shim gives (openapi.md §1.5, §9).

Each runtime runs in a fresh workspace on the same project, so both draw the same tokens: rids,
tickets and PNG bytes must match byte for byte, not only in shape.
"""

from __future__ import annotations

import base64
import re

import pytest

from tests.contract.conftest import NODE, NPM, SDK_VERSIONS, on_both_runtimes
from tests.core.openapi.conftest import run
from tests.core.openapi.png import read_png
from tests.core.openapi.project import make_project

CALLS = (
    ["wxacode.getUnlimited", {"scene": "id=42", "page": "pages/detail/detail"}],  # OA1
    ["wxacode.getUnlimited", {"scene": "x", "page": "pages/nope/nope"}],  # OA3
    ["wxacode.createQRCode", {"path": "pages/index/index"}],  # OA8
    ["security.imgSecCheck", {"media": {}}],  # OA9
    ["wxacode.getUnlimitd", {"scene": "x"}],  # OA10
    ["urlscheme.generate", {"jumpWxa": {"path": "pages/detail/detail", "query": "id=1"},
                            "expireType": 1, "expireInterval": 7}],  # OA32
    ["urllink.generate", {"path": "pages/index/index", "query": "a=1"}],  # OA34
    ["urllink.generate", {"path": "pages/index/index"}, {"convertCase": False}],
)


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_the_real_sdk_gets_what_the_shim_gets(version, tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    answers = {}
    for runtime, workspace in on_both_runtimes(tmp_path, version, make_project):
        answers[runtime] = run(workspace, *CALLS)
        events = [e for e in workspace.events.recent() if e.action == "wx.openApi"]
        assert len(events) == len(CALLS) and all(e.parent_id for e in events)  # nested under the run
    assert answers["node"] == answers["v8"]
    made, refused, qr, undeclared, typo, scheme, link, raw = answers["node"]
    assert made["ok"]["keys"] == ["contentType", "buffer", "errMsg", "errCode"] and made["ok"]["isBuffer"]
    assert read_png(base64.b64decode(made["ok"]["buffer"])).width == 430
    assert refused["err"]["errCode"] == 41030 and refused["err"]["message"].startswith("errCode: 41030  | errMsg: ")
    assert qr["ok"]["errMsg"] == "openapi.wxacode.createQRCode:ok"
    assert undeclared["err"]["message"] == ("errCode: -604101 function has no permission to call this API | "
                                            "errMsg: system error: error code: -604101")
    assert typo["err"]["json"] == {"errCode": -604100, "errMsg": "system error: error code: -604100"}
    assert re.fullmatch(r"weixin://dl/business/\?t=[0-9A-Za-z]{11}", scheme["ok"]["openlink"])
    assert link["ok"]["keys"] == ["urlLink", "errMsg", "errCode"]
    assert raw["ok"]["keys"] == ["url_link", "errMsg", "errCode"]
