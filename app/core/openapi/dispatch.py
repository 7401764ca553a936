"""``wx.openApi``: every cloud call, from the embedded SDK shim and from the real SDK over the
gateway alike (openapi.md §8.2 #1), and the console's view of the openapi state.

Params are the wire's: ``{apiName, apiType, appid?, data: {snake_case parameter: value}}``. The
checks run in this order (§2): who may call at all (server code of a cloud function: a client
is refused with -604104; a program outside any function too, unless lenient), a console test
run with no user (E3 -501007), an API WeChat does not have (-604100), the calling function's
``config.json`` ``permissions.openapi`` read afresh on every call (-604101); then the API's
own handler. The lenient setting skips the platform's checks, as DevTools' local debugging does.

The result is WeChat's answer: its JSON body, or a binary answer marked by ``base64``
(``calls.Binary``); the shim and the gateway each shape it as the SDK expects.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from app.core import jsontext
from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.functions.catalog import FunctionInfo
from app.core.openapi.opendata import SVRKIT_GET_OPEN_DATA
from app.core.openapi.calls import API_TYPE_OPEN, API_TYPE_SVRKIT, OPEN_API, Binary, Call, Handler, Services
from app.core.openapi.errors import API_NOT_FOUND, ILLEGAL_SOURCE, NO_PERMISSION, PlatformError
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace

# Each API's handler as "module:function" in app.core.openapi, imported on the first call: QR
# drawing (segno), the message rules and the word lists cost start-up time a session may never use.
HANDLERS: dict[str, str] = {
    "wxacode.get": "wxacode:get",
    "wxacode.getUnlimited": "wxacode:get_unlimited",
    "wxacode.createQRCode": "wxacode:create_qr_code",
    "urlscheme.generate": "links:generate_scheme",
    "urllink.generate": "links:generate_link",
    "subscribeMessage.send": "messages:send_subscribe_message",
    "customerServiceMessage.send": "messages:send_customer_service_message",
    "templateMessage.send": "messages:send_template_message",
    "uniformMessage.send": "messages:send_uniform_message",
    "security.msgSecCheck": "security:msg_sec_check",
    "security.imgSecCheck": "security:img_sec_check",
    "security.mediaCheckAsync": "security:media_check_async",
    "phonenumber.getPhoneNumber": "opendata:get_phone_number",
    "cloudbase.getOpenData": "opendata:cloudbase_get_open_data",
}
# Every cloud call of openapi.md §3–§7: a name outside this list is WeChat's -604100.
KNOWN_APIS = frozenset(HANDLERS)
# SVRKIT calls (apiType 2): cloud.getOpenData, which needs no permissions.openapi entry (§2.1).
SVRKIT_HANDLERS: dict[str, str] = {SVRKIT_GET_OPEN_DATA: "opendata:svrkit_get_open_data"}


def handler_of(name: str) -> Handler:
    """The handler a ``HANDLERS`` entry names, its module imported now if not yet."""
    module, function = name.split(":")
    return getattr(importlib.import_module(f"app.core.openapi.{module}"), function)


def openapi_actions(services: Services, running: Callable[[str | None], FunctionInfo | None]) -> dict[str, Action]:
    """``running(request_id)``: the function whose run that request is, if one is running."""
    store = services.store

    def open_api(request: Request, trace: Trace) -> dict:
        params = request.params
        api = params.get("apiName")
        if not isinstance(api, str) or not api:
            raise CloudError(-501007, Reason("gateway.api_name_missing", "apiName is required"))
        trace.target = api
        svrkit = params.get("apiType", API_TYPE_OPEN) != API_TYPE_OPEN
        if svrkit and (params.get("apiType") != API_TYPE_SVRKIT or api not in SVRKIT_HANDLERS):
            raise PlatformError(API_NOT_FOUND, _not_simulated(api))
        function = running(request.parent_id)
        _check_source(request.caller, function, api, lenient := store.lenient())
        if api not in KNOWN_APIS and not svrkit:
            raise PlatformError(API_NOT_FOUND, Reason("openapi.api_not_found", "WeChat has no open API {api}.",
                                                      api=api))
        if not svrkit and not lenient and function is not None and api not in declared_apis(function.folder):
            raise PlatformError(NO_PERMISSION, Reason(
                "openapi.not_declared", "The function {function} does not list {api} in the permissions.openapi "
                "of its config.json.", function=function.name, api=api))
        handler = handler_of(SVRKIT_HANDLERS[api] if svrkit else HANDLERS[api])
        data = params.get("data")
        call = Call(api, data if isinstance(data, dict) else {}, request.caller,
                    function.name if function else None, trace, services)
        answer = handler(call)
        return answer.to_result() if isinstance(answer, Binary) else answer

    def settings(request: Request, trace: Trace) -> dict:
        """Read, or with ``lenient`` change, the permission setting (saved in the workspace)."""
        lenient = request.params.get("lenient")
        if lenient is not None:
            if not isinstance(lenient, bool):
                raise CloudError(-501007, Reason("openapi.lenient_not_bool", "lenient must be true or false"))
            store.set_lenient(lenient)
        trace.target = "lenient" if store.lenient() else "strict"
        return {"lenient": store.lenient()}

    def registry(name: str):
        def entries(request: Request, trace: Trace) -> dict:
            found = store.entries(name)
            trace.target = f"{len(found)} {name}"
            return {name: found}
        return entries

    return {
        OPEN_API: Action(open_api),
        "openapi.settings": Action(settings, console_only=True),
        "openapi.codes": Action(registry("codes"), console_only=True),
        "openapi.links": Action(registry("links"), console_only=True),
    }


def _check_source(caller: Caller, function: FunctionInfo | None, api: str, lenient: bool) -> None:
    """Only a cloud function's run may call; without lenient, only one acting for a user or a timer."""
    if caller.is_client:
        raise PlatformError(ILLEGAL_SOURCE, Reason(
            "openapi.client_source", "Mini program code cannot call {api}: cloud calls are made from cloud functions.",
            api=api))
    if lenient:
        return
    if function is None:
        raise PlatformError(ILLEGAL_SOURCE, Reason(
            "openapi.outside_function", "{api} was called from outside a cloud function run; turn on the lenient "
            "setting to allow it, as DevTools' local debugging does.", api=api))
    if not caller.openid and caller.source.split(",")[0] != "wx_trigger":
        # The console's test run (云端测试) has no user: TCB refuses the call (§2.2, §10 #14).
        raise CloudError(-501007, Reason("openapi.console_test", "Invalid request param"))


def declared_apis(folder: Path) -> frozenset[str]:
    """``permissions.openapi`` of a function's config.json (none when it is missing or bad)."""
    try:
        config = jsontext.loads((folder / "config.json").read_text(encoding="utf-8"), what="config.json")
    except (OSError, UnicodeDecodeError, jsontext.JsonTextError):
        return frozenset()
    permissions = config.get("permissions") if isinstance(config, dict) else None
    listed = permissions.get("openapi") if isinstance(permissions, dict) else None
    return frozenset(name for name in listed if isinstance(name, str)) if isinstance(listed, list) else frozenset()


def _not_simulated(api: str) -> Reason:
    return Reason("openapi.not_simulated", "{api} is not simulated by wxsim yet.", api=api)
