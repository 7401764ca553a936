"""``callFunction`` as the mini program and cloud functions see it (spec §1.3, §2.5)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from app.core.errors import CloudError
from app.core.requests import Caller, Request

_REQUEST_ID = re.compile(r"^requestID ([0-9a-f-]+), (.*)$", re.S)


@dataclass(frozen=True)
class SdkOutcome:
    """A resolved SDK call (``ok``) or its rejection, as the caller's code sees it."""

    ok: bool
    value: dict

    def raise_for_error(self) -> dict:
        if not self.ok:
            raise AssertionError(self.value["errMsg"])
        return self.value


def call_function(
    handle: Callable[[Request], dict], caller: Caller, name: str, data: Any = None,
    *, client_shape: bool | None = None,
) -> SdkOutcome:
    """``wx.cloud.callFunction`` (client caller) or ``cloud.callFunction`` (admin caller).

    ``client_shape`` forces the mini program's result shape, e.g. for a console test run.
    """
    client = caller.is_client if client_shape is None else client_shape
    params = {"function_name": name, "request_data": json.dumps(data if data is not None else {})}
    try:
        response = handle(Request("functions.invokeFunction", params, caller))
    except CloudError as error:
        return SdkOutcome(False, _error(error, client=client))
    raw = response["response_data"]
    try:
        result = json.loads(raw)
    except ValueError:
        result = raw  # the SDK falls back to the raw string
    api = "cloud.callFunction" if client else "callFunction"
    return SdkOutcome(True, {"errMsg": f"{api}:ok", "result": result, "requestID": response["requestID"]})


def _error(error: CloudError, *, client: bool) -> dict:
    match = _REQUEST_ID.match(error.detail)
    if error.code == -501000:
        text = f"errCode: -501000  | errMsg: {error.detail} (callId: {_call_id()})"
        return {"errCode": -501000, "errMsg": f"{'cloud.' if client else ''}callFunction:fail Error: {text}"}
    if match and client:
        request_id, message = match.groups()
        return {
            "errCode": -404011,
            "errMsg": f"cloud.callFunction:fail requestID {request_id}, cloud function service error "
            f"code {error.code}, error message {message}",
        }
    if client:
        return {"errCode": error.code, "errMsg": f"cloud.callFunction:fail {error.code} {error}"}
    return {"errCode": error.code, "errMsg": error.errmsg_for("callFunction")}


def _call_id() -> str:
    import secrets
    import time

    return f"{int(time.time() * 1000)}-{secrets.token_hex(7)}"
