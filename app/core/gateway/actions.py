"""Actions the gateway adds to the dispatcher: ``wx.wxPayApi``, and a clear refusal for the
wire actions the workspace does not implement yet (so they still show in the timeline).

``wx.openApi`` (cloud calls) is served by ``app/core/openapi`` for every front end; WeChat Pay
needs WeChat's servers, so ``wx.wxPayApi`` fails with -604100, worded as the embedded SDK words it.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Request, Trace

PAY_API = "wx.wxPayApi"
OFFLINE_CODE = -604100
# Wire actions of tcb-wire §4 that the workspace may not serve yet: what to tell the user.
# (Empty since aggregation, database.aggregateDocuments, is served by database/aggregate.)
PENDING: dict[str, str] = {}
_PENDING_CODE = -502001  # DATABASE_REQUEST_FAILED: never DATABASE_TRANSACTION_CONFLICT, which retries


def gateway_actions(registered: Iterable[str] = (), *, pending: bool = True) -> dict[str, Action]:
    """Handlers to register; ``registered`` (the actions already served) are left alone.

    With ``pending``, the ``PENDING`` actions nobody serves get a refusal in words (and a
    database code, so the SDK's runTransaction does not retry) instead of the dispatcher's
    generic "action … is not supported"; it applies to every front end, not only HTTP.
    """
    taken = set(registered)
    actions = {PAY_API: Action(_pay_api)} if PAY_API not in taken else {}
    for name, reason in PENDING.items() if pending else ():
        if name not in taken:
            actions[name] = Action(_pending(name, reason))
    return actions


def _pay_api(request: Request, trace: Trace) -> dict:
    api = request.params.get("apiName")
    trace.target = str(api or "")
    raise CloudError(OFFLINE_CODE, Reason("gateway.offline_api", "{api} is not available offline in wxsim",
                                          api=f"cloud.cloudPay.{api}"))


def _pending(name: str, reason: str):
    def refuse(request: Request, trace: Trace) -> dict:
        trace.target = str(request.params.get("collectionName") or request.params.get("transactionId") or "")
        raise CloudError(_PENDING_CODE, f"{reason} ({name})")

    return refuse


def gateway_console_actions(gateway, data_dir) -> dict[str, Action]:
    """``gateway.describe``: start the gateway (on ``port`` if free) and say how to reach it,
    as ``wxsim serve`` prints it; console only (it hands out the workspace secret)."""

    def describe(request: Request, trace: Trace) -> dict:
        port = request.params.get("port") or 0
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise CloudError(-501007, Reason("gateway.bad_port", "port must be a number from 0 to 65535"))
        if gateway.url is None:
            gateway.start(port)
        info = gateway.serve_info(data_dir)
        trace.target = info["url"]
        return info

    return {"gateway.describe": Action(describe, console_only=True)}
