"""``wx.openApi`` on the wire (tcb-wire §4): a multipart form whose ``requestData`` is protobuf.

Only the few protobuf fields the SDK uses are read and written, by hand (varints and
length-delimited fields), so no protobuf package is needed:

    CommApiData     { 1: apiType int32 (0 OPEN_API, 2 SVRKIT_API), 2: openapiData OpenApiData,
                      4: svrkitData { 1: apiName string, 2: reqData bytes }, 6: appid string }
    OpenApiData     { 1: repeated KeyValuePair }
    KeyValuePair    { 1: key string, 2: value bytes (the JSON of one parameter),
                      3: contenttype string, 4: filename string }
    CommOpenApiResp { 1: respData bytes, 2: contentType string, 3: errorCode int32, 4: httpCode uint32 }
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

from app.core import jsontext
from app.core.errors import SimulatorError, WxApiError
from app.core.http.body import BadBody, MultipartReader, Reader
from app.core.openapi.calls import API_TYPE_OPEN, API_TYPE_SVRKIT, OPEN_API, binary_answer
from app.core.openapi.errors import PlatformError
from app.core.openapi.opendata import SVRKIT_GET_OPEN_DATA

JSON_TYPE = "application/json; charset=utf-8"
_FIELD_LIMIT = 16 << 20


class BadProtobuf(ValueError):
    """``requestData`` is not a CommApiData message."""


def read_form(body: Reader, boundary: str) -> dict[str, bytes]:
    """Every field of a multipart form, as bytes (parameters, and at most a media parameter's image)."""
    fields: dict[str, bytes] = {}
    total = 0
    for part in MultipartReader(body, boundary).parts():
        chunks = []
        while data := part.read():
            total += len(data)
            if total > _FIELD_LIMIT:
                raise BadBody(f"the openapi form is over {_FIELD_LIMIT} bytes")
            chunks.append(data)
        fields[part.name] = b"".join(chunks)
    return fields


def decode_request(blob: bytes) -> dict[str, Any]:
    """A CommApiData message as ``{"apiType", "appid", "data": {param: value}}``.

    Each OPEN_API parameter's value is its JSON, decoded; a file pair (with a contenttype or
    filename) is ``{"$file": filename, "size": n, "base64": bytes}``.
    """
    out: dict[str, Any] = {"apiType": API_TYPE_OPEN, "data": {}}
    for number, value in _fields(blob):
        if number == 1 and isinstance(value, int):
            out["apiType"] = value
        elif number == 2 and isinstance(value, bytes):
            for pair_number, pair in _fields(value):
                if pair_number == 1 and isinstance(pair, bytes):
                    key, item = _pair(pair)
                    out["data"][key] = item
        elif number == 4 and isinstance(value, bytes):
            svrkit = dict(_fields(value))
            out["svrkitApi"] = _text(svrkit.get(1, b""))
            if out["svrkitApi"] == SVRKIT_GET_OPEN_DATA and isinstance(svrkit.get(2), bytes):
                # ApiGetOpenDataByCloudIdReq { 2: repeated cloudid_list string, 3: appid string }
                out["data"] = {"cloudid_list": [_text(item) for n, item in _fields(svrkit[2]) if n == 2]}
        elif number == 6 and isinstance(value, bytes):
            out["appid"] = _text(value)
    return out


def _pair(blob: bytes) -> tuple[str, Any]:
    fields = dict(_fields(blob))
    key, raw = _text(fields.get(1, b"")), fields.get(2, b"")
    content_type, filename = fields.get(3), fields.get(4)
    if content_type or filename:  # a media parameter's bytes (openapi.md §1.1), as the shim carries them too
        return key, {"$file": _text(filename or b""), "size": len(raw), "base64": base64.b64encode(raw).decode("ascii")}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return key, raw.decode("utf-8", errors="replace")
    try:
        return key, jsontext.loads(text, what=f"the value of {key!r}",
                                   max_depth=jsontext.MAX_DEPTH + jsontext.WRAPPER_LEVELS)
    except jsontext.JsonTextError as exc:
        if exc.decode_error is not None:
            return key, text  # not JSON: the API takes it as text
        raise BadProtobuf(str(exc)) from None  # JSON we refuse (NaN, too deep, …): say so


def encode_response(resp_data: bytes, content_type: str = JSON_TYPE, http_code: int = 200,
                    error_code: int = 0) -> bytes:
    """A CommOpenApiResp: the API's answer body, its content type and HTTP status, or the
    platform's ``error_code`` (then no body)."""
    return (
        _length_delimited(1, resp_data)
        + _length_delimited(2, content_type.encode("utf-8"))
        + (_key(3, 0) + _varint(error_code) if error_code else b"")
        + _key(4, 0) + _varint(http_code)
    )


def encode_answer(result: dict) -> bytes:
    """The CommOpenApiResp of a ``wx.openApi`` result (openapi.md §1.5): WeChat's JSON body, or
    the bytes of a binary answer with their content type, or getOpenData's protobuf (SVRKIT);
    the real SDK shapes it for the user."""
    if result.get("svrkit") == SVRKIT_GET_OPEN_DATA:
        # ApiGetOpenDataByCloudIdResp { 1: repeated OpDataItem { 1: cloudId string, 2: json string } }
        return encode_response(b"".join(_length_delimited(1, _length_delimited(1, str(item["cloudId"]).encode())
                                                          + _length_delimited(2, item["json"].encode()))
                                        for item in result["dataList"]), "")
    data = binary_answer(result)
    if data is not None:
        return encode_response(data, result["contentType"])
    return encode_response(json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def encode_refusal(error: SimulatorError) -> bytes | None:
    """The CommOpenApiResp of a failed cloud call: WeChat's errcode/errmsg as its JSON body (E1),
    or the platform's code (E2). None for the rest (E3 …): they travel as the backend's JSON error."""
    if isinstance(error, PlatformError):
        return encode_response(b"", "", error_code=error.code)
    if isinstance(error, WxApiError):
        return encode_response(json.dumps(error.to_dict(), ensure_ascii=False).encode("utf-8"))
    return None


# -- protobuf wire format -------------------------------------------------------------------------


def _fields(blob: bytes) -> Iterator[tuple[int, int | bytes]]:
    """``(field number, value)`` of a message: ints for varints, bytes for length-delimited."""
    pos = 0
    while pos < len(blob):
        key, pos = _read_varint(blob, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = _read_varint(blob, pos)
            yield number, value
        elif wire_type == 2:
            size, pos = _read_varint(blob, pos)
            if pos + size > len(blob):
                raise BadProtobuf("a field runs past the end of the message")
            yield number, blob[pos:pos + size]
            pos += size
        elif wire_type in (1, 5):
            pos += 8 if wire_type == 1 else 4
        else:
            raise BadProtobuf(f"unsupported wire type {wire_type}")


def _read_varint(blob: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(blob) or shift > 63:
            raise BadProtobuf("a varint is cut short")
        byte = blob[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int32s are sent as 10-byte two's complement
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _key(number: int, wire_type: int) -> bytes:
    return _varint(number << 3 | wire_type)


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _key(number, 2) + _varint(len(payload)) + payload


def _text(value: int | bytes) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
