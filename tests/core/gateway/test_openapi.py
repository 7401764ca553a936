"""``wx.openApi``: a multipart form with a protobuf request, answered in protobuf (tcb-wire §4,
openapi.md §1.5). These requests come from no function run, so most tests turn on the lenient
setting (as DevTools' local debugging); tests/core/openapi has the cloud-call model itself."""

from __future__ import annotations

import json
import re

import pytest

from app.core.requests import Caller, Request
from tests.core.gateway.conftest import CREDENTIALS, post
from tests.core.openapi.png import read_png

BOUNDARY = "--------------------------515890814546601021194782"


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def comm_api_data(params: dict, api_type: int = 0, appid: str = "") -> bytes:
    """What wx-server-sdk encodes: one KeyValuePair per param, its value the param's JSON."""
    pairs = b"".join(_field(1, _field(1, key.encode()) + _field(2, json.dumps(value).encode()))
                     for key, value in params.items())
    return _varint(1 << 3) + _varint(api_type) + _field(2, pairs) + (_field(6, appid.encode()) if appid else b"")


def read_message(blob: bytes) -> dict[int, int | bytes]:
    fields, pos = {}, 0
    while pos < len(blob):
        key, pos = _read_varint(blob, pos)
        if key & 7 == 0:
            fields[key >> 3], pos = _read_varint(blob, pos)
        else:
            size, pos = _read_varint(blob, pos)
            fields[key >> 3], pos = blob[pos:pos + size], pos + size
    return fields


def _read_varint(blob: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = blob[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def form(fields: dict[str, str | bytes]) -> bytes:
    """A multipart body as the form-data package writes it (binary parts as octet-stream)."""
    out = b""
    for name, value in fields.items():
        if isinstance(value, bytes):
            head = f'Content-Disposition: form-data; name="{name}"\r\nContent-Type: application/octet-stream\r\n'
        else:
            head, value = f'Content-Disposition: form-data; name="{name}"\r\n', value.encode()
        out += f"--{BOUNDARY}\r\n{head}\r\n".encode() + value + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def open_api(url: str, api: str, params: dict, *, action: str = "wx.openApi", api_type: int = 0):
    fields = {"action": action, "apiName": api, "requestData": comm_api_data(params, api_type),
              "envName": "demo-x", "wxCloudApiToken": "", "tcb_sessionToken": "",
              "sessionToken": CREDENTIALS.session_token}
    status, content_type, answer = post(url, form(fields), query="?env=demo-x&seqId=18c0f_1", params=fields, headers={
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "X-TCB-Source": "wx_client,scf"})
    assert status == 200
    return content_type, answer


@pytest.fixture
def lenient(workspace):
    workspace.handle(Request("openapi.settings", {"lenient": True}, Caller.console()))


def test_a_json_answer_travels_in_the_protobuf_and_is_logged(gateway, workspace, lenient):
    content_type, answer = open_api(gateway.url, "urllink.generate", {"path": "pages/index/index"})
    assert content_type == "application/octet-stream"  # never exactly JSON: that would mean an error
    response = read_message(answer)
    assert (response[2], response[4]) == (b"application/json; charset=utf-8", 200)
    body = json.loads(response[1])
    assert body["errcode"] == 0 and body["errmsg"] == "ok" and body["url_link"].startswith("https://wxaurl.cn/")
    (event,) = [e for e in workspace.events.recent() if e.action == "wx.openApi"]
    assert (event.outcome, event.source) == ("ok", "wx_client,scf")
    assert event.params["data"] == {"path": "pages/index/index"}
    assert event.result == body


@pytest.mark.parametrize(("params", "errcode"), [({"template_id": "T1"}, 40003), ({"touser": "学生A"}, 40037)])
def test_wechat_errors_travel_as_the_json_body(gateway, workspace, lenient, params, errcode):
    if params.get("touser") == "学生A":  # a persona's openid: the unknown template is what fails
        params = {"touser": workspace.client_caller("学生A").openid, "template_id": "NOPE"}
    response = read_message(open_api(gateway.url, "subscribeMessage.send", params)[1])
    body = json.loads(response[1])
    assert body["errcode"] == errcode and re.search(r" rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$", body["errmsg"])
    assert 3 not in response  # no platform error code


def test_a_binary_answer_is_the_png_with_its_content_type(gateway, lenient):
    response = read_message(open_api(gateway.url, "wxacode.getUnlimited", {"scene": "a=1", "width": 300})[1])
    assert response[2] == b"image/png" and 3 not in response
    assert read_png(response[1]).width == 300


def test_a_platform_refusal_is_the_error_code_with_no_body(gateway, workspace):
    """Strict (the default): a call from no function run is -604104, sent as CommOpenApiResp.errorCode."""
    response = read_message(open_api(gateway.url, "wxacode.getUnlimited", {"scene": "a=1"})[1])
    assert response[1] == b"" and response[3] == (-604104) & ((1 << 64) - 1)
    assert [e.error_code for e in workspace.events.recent() if e.action == "wx.openApi"] == [-604104]


def test_svrkit_and_pay_apis_fail_with_a_json_error(gateway):
    """getCloudCallSign & co. (getOpenData is simulated: tests/core/openapi/test_opendata.py) and
    cloudPay read a JSON error only with exactly this content type."""
    for action, api, api_type in (("wx.openApi", "GetCloudCallSign", 2), ("wx.wxPayApi", "unifiedOrder", 0)):
        content_type, answer = open_api(gateway.url, api, {}, action=action, api_type=api_type)
        assert content_type == "application/json; charset=utf-8"
        error = json.loads(answer)
        assert error["code"] == "SYS_ERR" and re.search("not (available offline in|simulated by) wxsim", error["message"])


def test_a_broken_request_data_is_invalid_param(gateway):
    fields = {"action": "wx.openApi", "apiName": "x", "requestData": b"\x0a\xff\xff"}
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    _, content_type, answer = post(gateway.url, form(fields), headers=headers, params=fields)
    assert content_type == "application/json; charset=utf-8"
    assert json.loads(answer)["code"] == "INVALID_PARAM"
