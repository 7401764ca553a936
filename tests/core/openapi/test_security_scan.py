"""Scanning an issued code and opening an issued link as a persona (openapi.md §3.4, §6.3): the
console actions behind the Cloud calls pane, on the registries the first slice keeps."""

from __future__ import annotations

import base64
import hashlib

import pytest

from app.core.errors import InputError
from app.core.openapi.qrpng import qr_png
from app.core.requests import Caller, Request
from tests.core.openapi.conftest import run
from tests.core.openapi.test_security import clock, console, ws  # noqa: F401  (fixtures)


def test_a_code_scanned_from_the_registry_or_chosen_as_a_picture(ws):
    made, plain = run(ws, ["wxacode.getUnlimited", {"scene": "id=42", "page": "pages/detail/detail"}],
                      ["wxacode.createQRCode", {"path": "pages/index/index?from=poster"}])
    code_id = console(ws, "openapi.codes")["codes"][0]["id"]
    scanned = console(ws, "openapi.scanCode", {"persona": "学生B", "codeId": code_id})
    assert scanned["opens"] == {"path": "pages/detail/detail", "query": {"scene": "id%3D42"}, "scene": 1047}
    assert (scanned["persona"], scanned["openid"]) == ("学生B", ws.client_caller("学生B").openid)
    png = base64.b64decode(made["ok"]["buffer"])
    assert base64.b64decode(scanned["png"]) == png  # the same picture the function got
    chosen = console(ws, "openapi.scanCode", {"persona": "学生A", "image": made["ok"]["buffer"]})
    assert chosen["entry"]["id"] == code_id and chosen["opens"]["scene"] == 1049  # from the album
    qr = console(ws, "openapi.scanCode", {"persona": None, "image": plain["ok"]["buffer"]})
    assert qr["opens"] == {"path": "pages/index/index", "query": {"from": "poster"}, "scene": 1013}
    assert qr["persona"] is None and qr["openid"] is None
    event = [e for e in ws.events.recent() if e.action == "openapi.scanCode"][0]
    assert event.target == "学生B → #1 → pages/detail/detail?scene=id%3D42 · 1047"


def test_a_picture_that_is_no_issued_code_is_refused_with_its_digest(ws):
    stranger = qr_png("https://example.com", 280, (0, 0, 0), False)
    with pytest.raises(InputError) as refused:
        console(ws, "openapi.scanCode", {"persona": "学生A", "image": base64.b64encode(stranger).decode()})
    assert refused.value.reason.id == "openapi.scan_unknown"
    assert refused.value.reason.params["digest"] == hashlib.sha256(stranger).hexdigest()
    for bad in ({"image": "%%%"}, {"codeId": 99}):
        with pytest.raises(InputError):
            console(ws, "openapi.scanCode", {"persona": "学生A", **bad})
    with pytest.raises(Exception):
        ws.handle(Request("openapi.scanCode", {"codeId": 1}, Caller.admin()))  # the console's alone


def test_a_link_opens_its_page_and_query_until_it_expires(ws, clock):
    scheme, link = run(ws, ["urlscheme.generate", {"jumpWxa": {"path": "pages/detail/detail", "query": "id=1&x="},
                                                   "expireType": 1, "expireInterval": 1}],
                       ["urllink.generate", {"path": "pages/index/index"}])
    opened = console(ws, "openapi.openLink", {"persona": "学生A", "link": scheme["ok"]["openlink"]})
    assert opened["opens"] == {"path": "pages/detail/detail", "query": {"id": "1", "x": ""}, "scene": 1065}
    by_id = console(ws, "openapi.openLink", {"persona": "学生B", "linkId": 2})
    assert by_id["entry"]["link"] == link["ok"]["urlLink"] and by_id["opens"]["scene"] == 1194
    clock.now += 86400
    with pytest.raises(InputError) as expired:
        console(ws, "openapi.openLink", {"persona": "学生A", "linkId": 1})
    assert expired.value.reason.id == "openapi.link_expired"
    with pytest.raises(InputError) as unknown:
        console(ws, "openapi.openLink", {"persona": "学生A", "link": "weixin://dl/business/?t=nope"})
    assert unknown.value.reason.id == "openapi.link_unknown"
