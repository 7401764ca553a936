"""The envelope of every ``/admin`` call (tcb-wire §3): what arrives, and how we answer.

Requests are ``POST <url>?env=<env>&seqId=<id>`` (SDK 4.x) or ``?&eventId=<id>&seqId=<id>``
(2.x/3.x, env in the body's ``envName``) with a JSON body of the action's params plus common
fields. Answers are always HTTP 200 JSON: ``{"requestId", "data": {...}}`` on success,
``{"code": "<TCB code>", "message", "requestId"}`` on error; the SDK reads nothing else.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.core import jsontext
from app.core.errors import CloudError, SimulatorError, WxApiError

# Fields node-sdk adds to every action's params (tcb-wire §3); none is a parameter of ours.
COMMON_FIELDS = frozenset({
    "action", "envName", "eventId", "wxCloudApiToken", "wxCloudbaseAccesstoken",
    "tcb_sessionToken", "sessionToken", "crossAuthorizationToken",
})
# What one JSON body may be: server.py's MAX_BODY, which refuses a longer body before it is
# read (the SDK's own limits are far below it); and a document's depth plus what wraps it.
MAX_BODY_BYTES = jsontext.MAX_TEXT_BYTES
BODY_DEPTH = jsontext.MAX_DEPTH + jsontext.WRAPPER_LEVELS
SYS_ERR = "SYS_ERR"
INVALID_PARAM = "INVALID_PARAM"
# functions.invokeFunction errors carry "requestID <id>, <message>" for the embedded SDK;
# wx-server-sdk 2.x/3.x prepends that itself, so the wire message must not.
_REQUEST_ID_PREFIX = re.compile(r"^requestID (\S+), (.*)$", re.DOTALL)


class BadEnvelope(Exception):
    """The HTTP request is not an SDK call we can read (answered as INVALID_PARAM)."""


@dataclass(frozen=True)
class WireCall:
    """One decoded SDK call: the action, its own params, and where it came from."""

    action: str
    params: dict[str, Any]
    env: str | None
    seq_id: str | None


def query_of(target: str) -> dict[str, str]:
    """The first value of each query parameter of a request target (``/admin?&a=1``)."""
    return {key: values[0] for key, values in parse_qs(urlsplit(target).query).items()}


def split_params(fields: dict[str, Any], query: dict[str, str]) -> WireCall:
    """Separate the action and the common fields from the action's own params."""
    action = fields.get("action")
    if not isinstance(action, str) or not action:
        raise BadEnvelope("the request has no action")
    params = {key: value for key, value in fields.items() if key not in COMMON_FIELDS}
    env = query.get("env") or fields.get("envName") or None
    return WireCall(action, params, env if isinstance(env, str) else None, query.get("seqId") or None)


def parse_json_call(target: str, body: bytes) -> WireCall:
    """A JSON-bodied call (every action except ``wx.openApi``); raises only BadEnvelope.

    The body is untrusted: it is read strictly (``jsontext``), so NaN, lone surrogates,
    nesting past the limit (a 10,000-level body would overflow the parser's stack) and
    bodies over MAX_BODY_BYTES become a BadEnvelope, which the server answers as an
    INVALID_PARAM error like any other, instead of dropping the connection.
    """
    try:
        fields = jsontext.loads(body, what="the request body", max_depth=BODY_DEPTH,
                                max_bytes=MAX_BODY_BYTES) if body else None
    except jsontext.JsonTextError as exc:
        raise BadEnvelope(str(exc)) from None
    if not isinstance(fields, dict):
        raise BadEnvelope("the body must be a JSON object")
    return split_params(fields, query_of(target))


def new_request_id() -> str:
    return uuid.uuid4().hex


def success(request_id: str, data: dict, top: dict | None = None) -> dict:
    """``{"requestId", "data"}``, plus the few top-level fields some actions need."""
    return {"requestId": request_id, "data": data, **(top or {})}


def failure(request_id: str, error: BaseException) -> dict:
    """``{"code", "message", "requestId"}`` for an error raised while handling a call."""
    code, message = describe(error)
    match = _REQUEST_ID_PREFIX.match(message)
    if match:
        request_id, message = match.groups()
    return {"code": code, "message": message, "requestId": request_id}


def describe(error: BaseException) -> tuple[str, str]:
    """The TCB code string and the message the SDK shows after its own text for that code.

    wx-server-sdk renders ``<errCode> <text of code>. <message>``, so a mapped code sends only
    the detail; a code the wire has no string for becomes SYS_ERR and keeps its number and
    text in the message, so nothing the user needs is lost.
    """
    if isinstance(error, CloudError):
        if error.tcb_code != SYS_ERR or error.code == -501001:
            return error.tcb_code, error.detail or error.text
        return SYS_ERR, f"{error.code} {error}"
    if isinstance(error, WxApiError):
        return SYS_ERR, f"{error.errcode} {error.errmsg}"
    if isinstance(error, BadEnvelope):
        return INVALID_PARAM, str(error)
    if isinstance(error, SimulatorError):
        return SYS_ERR, str(error)
    return SYS_ERR, f"internal error in wxsim: {error!r}"


def encode(answer: dict) -> bytes:
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
