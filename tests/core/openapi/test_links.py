"""Links: ``urlscheme.generate`` and ``urllink.generate`` (openapi.md §6, OA32–OA34)."""

from __future__ import annotations

import re
import time

from app.core.requests import Caller, Request
from tests.core.openapi.conftest import one, run

RID = r" rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"


def links(ws) -> list[dict]:
    return ws.handle(Request("openapi.links", {}, Caller.console()))["links"]


def test_oa32_a_scheme_with_a_seven_day_expiry(ws):
    before = time.time()
    result = one(ws, "urlscheme.generate", {"jumpWxa": {"path": "pages/detail/detail", "query": "id=1"},
                                            "expireType": 1, "expireInterval": 7})["ok"]
    assert re.fullmatch(r"weixin://dl/business/\?t=[0-9A-Za-z]{11}", result["openlink"])
    assert result["keys"] == ["openlink", "errMsg", "errCode"] and result["errMsg"] == "openapi.urlscheme.generate:ok"
    (link,) = links(ws)
    assert (link["kind"], link["link"], link["path"], link["query"]) == (
        "urlscheme", result["openlink"], "pages/detail/detail", "id=1")
    assert before + 7 * 86400 <= link["expireAt"] <= time.time() + 7 * 86400
    (event,) = [e for e in ws.events.recent() if e.action == "wx.openApi"]
    assert event.target == "urlscheme.generate → pages/detail/detail?id=1" and link["eventId"] == event.id


def test_oa33_unknown_page_and_too_short_expiry(ws):
    page, soon, long, query = run(
        ws, ["urlscheme.generate", {"jumpWxa": {"path": "pages/nope/nope"}}],
        ["urlscheme.generate", {"expireType": 0, "expireTime": int(time.time()) + 30}],
        ["urlscheme.generate", {"expireType": 1, "expireInterval": 31}],
        ["urlscheme.generate", {"jumpWxa": {"path": "pages/index/index", "query": "a=<b>"}}])
    assert page["err"]["errCode"] == 40165
    assert re.fullmatch("openapi.urlscheme.generate:fail invalid weapp pagepath" + RID, page["err"]["errMsg"])
    for refused in (soon, long):
        assert refused["err"]["errCode"] == 85401
        assert re.fullmatch("openapi.urlscheme.generate:fail time limit between 1min and 1year" + RID,
                            refused["err"]["errMsg"])
    assert query["err"]["errCode"] == 40212
    assert links(ws) == []  # nothing refused is registered


def test_oa34_a_url_link(ws):
    result = one(ws, "urllink.generate", {"path": "pages/index/index", "query": "a=1"})["ok"]
    assert re.fullmatch(r"https://wxaurl.cn/[0-9A-Za-z]{11}", result["urlLink"])
    assert result["keys"] == ["urlLink", "errMsg", "errCode"] and result["errMsg"] == "openapi.urllink.generate:ok"
    (link,) = links(ws)
    assert (link["kind"], link["path"], link["query"], link["function"]) == ("urllink", "pages/index/index", "a=1", "oa")


def test_a_leading_slash_is_tolerated_and_no_path_is_the_home_page(ws):
    slash, home = run(ws, ["urlscheme.generate", {"jumpWxa": {"path": "/pages/detail/detail"}}],
                      ["urllink.generate", {}])
    assert slash["ok"]["errCode"] == home["ok"]["errCode"] == 0
    assert [link["path"] for link in links(ws)] == ["pages/detail/detail", "pages/index/index"]
