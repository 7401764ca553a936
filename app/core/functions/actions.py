"""``functions.invokeFunction`` (tcb-wire §4) over the runner."""

from __future__ import annotations

import json
import uuid
from typing import Any, Callable

from app.core import jsontext
from app.core.dispatcher import Action
from app.core.errors import CloudError
from app.core.functions.runner import FunctionRunner, run_failed
from app.core.reasons import Reason
from app.core.requests import Caller, Request, Trace


def function_actions(runner: FunctionRunner, client_event: Callable[[Any, Caller], Any] | None = None
                     ) -> dict[str, Action]:
    """``client_event(data, caller)``: what a mini program user's data becomes on its way to the
    function, whichever runtime runs it (openapi.md §7.2: wx.cloud.CloudID values are opened)."""

    def invoke(request: Request, trace: Trace) -> dict:
        params = request.params
        name = params.get("function_name")
        trace.target = str(name or "")
        if not isinstance(name, str) or not name:
            raise CloudError(-501007, Reason("functions.name_not_string", "function_name should be string"))
        data = params.get("data")
        if "request_data" in params:
            # From the gateway, a function or the console: read strictly, so an event the
            # function's JS could not parse (NaN, …) is refused here instead of hanging it.
            raw = params["request_data"] or "{}"
            if not isinstance(raw, str):
                raise CloudError(-501007, Reason("functions.data_not_json_string", "request_data must be a JSON string"))
            try:
                data = jsontext.loads(raw, what="request_data")
            except jsontext.JsonTextError as exc:
                raise CloudError(-501007, exc.reason or str(exc)) from None
        else:
            try:  # an event given as a value rather than JSON text: the same rules
                jsontext.check_value(data, what="data")
            except jsontext.JsonTextError as exc:
                raise CloudError(-501007, exc.reason or str(exc)) from None
        if client_event is not None and request.caller.is_client:
            data = client_event(data, request.caller)
        # The invocation's requestID is its event id, so the timeline and the history agree.
        request_id = str(uuid.UUID(trace.id))
        invocation = runner.invoke(name, data, request.caller, request_id=request_id, parent_id=request.parent_id)
        if invocation.error is not None:
            code = -604001 if "result size exceed" in invocation.error else -504002
            raise CloudError(code, run_failed(request_id, invocation))
        return {"response_data": json.dumps(invocation.result, ensure_ascii=False), "requestID": request_id}

    return {"functions.invokeFunction": Action(invoke)}
