"""Mini program codes through a cloud function on the embedded runtime: OA1–OA8 (openapi.md §3, §9)."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import segno

from app.core.requests import Caller, Request
from tests.core.openapi.conftest import one, run
from tests.core.openapi.png import Image, read_png

RID = r"rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$"


def codes(ws) -> list[dict]:
    return ws.handle(Request("openapi.codes", {}, Caller.console()))["codes"]


def modules_of(image: Image, payload: str) -> tuple[list[list[bool]], list[list[bool]]]:
    """The dark modules read from the image (at each module's centre) and those segno draws for
    ``payload``: equal when the image is the QR code of exactly that text."""
    expected = [[bool(cell) for cell in row] for row in segno.make(payload, error="m", micro=False).matrix_iter(border=4)]
    count = len(expected)
    scale = image.width // count
    offset = (image.width - count * scale) // 2
    seen = [[image.pixel(offset + x * scale + scale // 2, offset + y * scale + scale // 2)[:3] == (0, 0, 0)
             for x in range(count)] for y in range(count)]
    return seen, expected


def test_oa1_get_unlimited_answers_a_png_of_the_page_and_scene(ws):
    result = one(ws, "wxacode.getUnlimited", {"scene": "id=42", "page": "pages/detail/detail"})["ok"]
    assert result["keys"] == ["contentType", "buffer", "errMsg", "errCode"]
    assert (result["contentType"], result["isBuffer"], result["errMsg"], result["errCode"]) == (
        "image/png", True, "openapi.wxacode.getUnlimited:ok", 0)
    png = base64.b64decode(result["buffer"])
    image = read_png(png)
    assert (image.width, image.height, image.channels) == (430, 430, 3)
    (code,) = codes(ws)
    payload = code["payload"]
    query = parse_qs(urlsplit(payload).query)
    assert "page=pages/detail/detail" in payload and "scene=id%3D42" in payload
    assert (query["page"], query["scene"], query["env"], query["appid"]) == (
        ["pages/detail/detail"], ["id=42"], ["release"], ["wx0000000000000001"])
    seen, expected = modules_of(image, payload)
    assert seen == expected
    assert image.pixel(0, 0) == (255, 255, 255)
    assert code["api"] == "wxacode.getUnlimited" and code["scene"] == "id=42" and code["function"] == "oa"
    assert code["openid"] == ws.identity.persona("学生A").openid and code["width"] == 430
    assert code["sha256"] == hashlib.sha256(png).hexdigest()


def test_oa1_is_one_logged_request_under_the_invocation(ws):
    one(ws, "wxacode.getUnlimited", {"scene": "id=42", "page": "pages/detail/detail"})
    events = ws.events.recent()
    (call,) = [e for e in events if e.action == "wx.openApi"]
    (invocation,) = [e for e in events if e.action == "functions.invokeFunction"]
    assert uuid.UUID(call.parent_id).hex == invocation.id and call.outcome == "ok"
    assert call.target == "wxacode.getUnlimited → pages/detail/detail scene=id=42"
    assert call.params["data"] == {"scene": "id=42", "page": "pages/detail/detail"}
    assert call.result["contentType"] == "image/png" and call.result["codeId"] == 1
    assert codes(ws)[0]["eventId"] == call.id  # the registry links back to the timeline row


def test_oa2_to_oa5_scene_and_page_checks(ws):
    too_long, bad_char, nope, unchecked, slash, no_page = run(
        ws, ["wxacode.getUnlimited", {"scene": "a" * 33}],
        ["wxacode.getUnlimited", {"scene": "中文"}],
        ["wxacode.getUnlimited", {"scene": "x", "page": "pages/nope/nope"}],
        ["wxacode.getUnlimited", {"scene": "x", "page": "pages/nope/nope", "checkPath": False}],
        ["wxacode.getUnlimited", {"scene": "x", "page": "/pages/index/index"}],
        ["wxacode.getUnlimited", {"scene": "x"}])
    assert too_long["err"]["errCode"] == 40169
    assert re.fullmatch("openapi.wxacode.getUnlimited:fail invalid length for scene, or the data is not json string "
                        + RID, too_long["err"]["errMsg"])
    assert too_long["err"]["message"] == f"errCode: 40169  | errMsg: {too_long['err']['errMsg']}"
    assert bad_char["err"]["errCode"] == 40129 and "fail invalid scene rid: " in bad_char["err"]["errMsg"]
    for refused in (nope, slash):
        assert refused["err"]["errCode"] == 41030
        assert re.fullmatch("openapi.wxacode.getUnlimited:fail invalid page " + RID, refused["err"]["errMsg"])
    assert unchecked["ok"]["contentType"] == "image/png"
    assert no_page["ok"]["errCode"] == 0
    assert [c.get("page") for c in codes(ws)] == ["pages/nope/nope", "pages/index/index"]  # no page: the home page


def test_oa6_hyaline_code_is_transparent(ws):
    result = one(ws, "wxacode.getUnlimited", {"scene": "x", "isHyaline": True, "width": 280})["ok"]
    image = read_png(base64.b64decode(result["buffer"]))
    assert (image.width, image.height, image.channels) == (280, 280, 4)
    assert image.pixel(0, 0)[3] == 0 and image.pixel(279, 279)[3] == 0
    seen, expected = modules_of(image, codes(ws)[0]["payload"])
    assert seen == expected  # the dark modules are opaque black
    alphas = {row[i] for row in image.rows for i in range(3, len(row), 4)}
    assert alphas == {0, 255}


def test_oa7_get_with_a_path_and_an_empty_path(ws):
    big, empty = run(ws, ["wxacode.get", {"path": "pages/detail/detail?id=1", "width": 1000}],
                     ["wxacode.get", {"path": ""}])
    image = read_png(base64.b64decode(big["ok"]["buffer"]))
    assert (image.width, image.height) == (1000, 1000)
    payload = codes(ws)[0]["payload"]
    assert parse_qs(urlsplit(payload).query)["path"] == ["pages/detail/detail?id=1"]
    assert modules_of(image, payload)[0] == modules_of(image, payload)[1]
    assert empty["err"]["errCode"] == 40159
    assert re.fullmatch("openapi.wxacode.get:fail invalid length for path or the data is not json string " + RID,
                        empty["err"]["errMsg"])


def test_oa8_create_qr_code_and_its_page_check(ws):
    made, unknown = run(ws, ["wxacode.createQRCode", {"path": "pages/index/index"}],
                        ["wxacode.createQRCode", {"path": "pages/nope/nope?x=1"}])
    assert {k: v for k, v in made["ok"].items() if k != "buffer"} == {
        "contentType": "image/png", "errMsg": "openapi.wxacode.createQRCode:ok", "errCode": 0,
        "isBuffer": True, "keys": ["contentType", "buffer", "errMsg", "errCode"]}
    assert read_png(base64.b64decode(made["ok"]["buffer"])).width == 430
    assert unknown["err"]["errCode"] == 41030


def test_width_is_clamped_and_wrong_types_are_47001(ws):
    small, large, colour, wrong = run(
        ws, ["wxacode.getUnlimited", {"scene": "x", "width": 10}],
        ["wxacode.getUnlimited", {"scene": "x", "width": 5000}],
        ["wxacode.getUnlimited", {"scene": "x", "lineColor": {"r": 200, "g": 0, "b": 0}}],
        ["wxacode.getUnlimited", {"scene": "x", "width": "big"}])
    assert read_png(base64.b64decode(small["ok"]["buffer"])).width == 280
    assert read_png(base64.b64decode(large["ok"]["buffer"])).width == 1280
    image = read_png(base64.b64decode(colour["ok"]["buffer"]))
    assert (200, 0, 0) in {image.pixel(x, 215) for x in range(430)}  # line_color draws the modules
    assert wrong["err"]["errCode"] == 47001 and "fail data format error rid: " in wrong["err"]["errMsg"]
