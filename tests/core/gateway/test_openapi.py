"""``wx.openApi``: a multipart form with a protobuf request, answered in protobuf (tcb-wire §4)."""

from __future__ import annotations

import json

import pytest

from tests.core.gateway.conftest import CREDENTIALS, post

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


def test_subscribe_message_send_is_faked_and_logged(gateway, workspace):
    content_type, answer = open_api(gateway.url, "subscribeMessage.send", {
        "touser": "oUser", "template_id": "T1", "page": "index", "data": {"thing1": {"value": "hi"}}})
    assert content_type == "application/octet-stream"  # never exactly JSON: that would mean an error
    response = read_message(answer)
    assert (response[2], response[4]) == (b"application/json; charset=utf-8", 200)
    body = json.loads(response[1])
    assert body["errcode"] == 0 and body["errmsg"] == "ok" and isinstance(body["msgid"], int)
    (event,) = [e for e in workspace.events.recent() if e.action == "wx.openApi"]
    assert (event.outcome, event.target, event.source) == ("ok", "subscribeMessage.send → oUser", "wx_client,scf")
    assert event.params["data"] == {"touser": "oUser", "template_id": "T1", "page": "index",
                                    "data": {"thing1": {"value": "hi"}}}
    assert event.result == body


@pytest.mark.parametrize(("params", "errcode"), [({"template_id": "T1"}, 40003), ({"touser": "oUser"}, 40037)])
def test_subscribe_message_send_checks_its_parameters(gateway, params, errcode):
    _, answer = open_api(gateway.url, "subscribeMessage.send", params)
    assert json.loads(read_message(answer)[1])["errcode"] == errcode


def test_other_open_apis_are_not_available_offline(gateway, workspace):
    """Worded as the embedded SDK words it: the user sees ``openapi.<api>:fail <errmsg>``."""
    _, answer = open_api(gateway.url, "wxacode.getUnlimited", {"scene": "a=1"})
    assert json.loads(read_message(answer)[1]) == {
        "errcode": -604100,
        "errmsg": "-604100 API not found. cloud.openapi.wxacode.getUnlimited is not available offline in wxsim",
    }
    assert [e.error_code for e in workspace.events.recent() if e.action == "wx.openApi"] == [-604100]


def test_svrkit_and_pay_apis_fail_with_a_json_error(gateway):
    """getOpenData & co. and cloudPay read a JSON error only with exactly this content type."""
    for action, api, api_type in (("wx.openApi", "ApiGetOpenDataByCloudId", 2), ("wx.wxPayApi", "unifiedOrder", 0)):
        content_type, answer = open_api(gateway.url, api, {}, action=action, api_type=api_type)
        assert content_type == "application/json; charset=utf-8"
        error = json.loads(answer)
        assert error["code"] == "SYS_ERR" and "not available offline in wxsim" in error["message"]


def test_a_broken_request_data_is_invalid_param(gateway):
    fields = {"action": "wx.openApi", "apiName": "x", "requestData": b"\x0a\xff\xff"}
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    _, content_type, answer = post(gateway.url, form(fields), headers=headers, params=fields)
    assert content_type == "application/json; charset=utf-8"
    assert json.loads(answer)["code"] == "INVALID_PARAM"
