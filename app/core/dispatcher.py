"""The one request dispatcher: every operation, from any front end, goes through here."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from app.core.errors import CloudError, SimulatorError, WxApiError
from app.core.events import OUTCOME_DENIED, OUTCOME_ERROR, OUTCOME_OK, Event, EventLog, clip
from app.core.requests import Request, Trace, current_trace

Handler = Callable[[Request, Trace], dict]


@dataclass(frozen=True)
class Action:
    """A handler, whether a client call to it counts as a visit (traceUser), and whether only
    the person at the console may ask for it (simulator-only actions: personas, settings,
    imports, collection admin)."""

    handler: Handler
    counts_as_visit: bool = True
    console_only: bool = False


class Dispatcher:
    """Routes requests to their handlers and logs one event for each."""

    def __init__(self, events: EventLog, on_visit: Callable[[Request], None],
                 before: Callable[[Request, Trace], None] | None = None) -> None:
        self._actions: dict[str, Action] = {}
        self._events = events
        self._on_visit = on_visit
        self.before = before  # runs before each permitted handler (the automatic checkpoints)

    def register(self, actions: dict[str, Action]) -> None:
        duplicated = self._actions.keys() & actions.keys()
        if duplicated:
            raise ValueError(f"actions registered twice: {sorted(duplicated)}")
        self._actions.update(actions)

    def actions(self) -> list[str]:
        return sorted(self._actions)

    def handle(self, request: Request) -> dict:
        """Run the request; returns the result dict or raises a SimulatorError."""
        event_id = uuid.uuid4().hex
        started = time.perf_counter()
        trace = Trace(id=event_id)
        result: dict | None = None
        error: BaseException | None = None
        action = self._actions.get(request.action)
        token = current_trace.set(trace)
        try:
            if action is None:
                raise CloudError(-501007, f"action {request.action} is not supported")
            if action.console_only and not request.caller.is_console:
                raise CloudError(-601004, f"{request.action} is a wxsim console operation; "
                                          "cloud functions and mini program code cannot call it")
            if request.caller.is_client and request.caller.trace_user and action.counts_as_visit:
                self._on_visit(request)
            if self.before is not None:
                self.before(request, trace)
            result = action.handler(request, trace)
            return result
        except BaseException as exc:
            error = exc
            raise
        finally:
            current_trace.reset(token)
            if not (trace.unlogged and error is None):
                self._log(event_id, request, trace, started, result, error)

    def _log(
        self,
        event_id: str,
        request: Request,
        trace: Trace,
        started: float,
        result: dict | None,
        error: BaseException | None,
    ) -> None:
        failure = error if error is not None else trace.failure
        code, message = _describe(failure)
        reason = getattr(failure, "reason", None) if isinstance(failure, SimulatorError) else None
        outcome = _outcome(trace, failed=error is not None or trace.failure is not None)
        caller = request.caller
        self._events.append(
            Event(
                id=event_id,
                time=time.time(),
                action=request.action,
                caller_kind=caller.kind,
                persona=caller.persona,
                openid=caller.openid,
                source=caller.source,
                target=trace.target,
                duration_ms=(time.perf_counter() - started) * 1000,
                outcome=outcome,
                params=clip(request.params),
                result=clip(result) if result is not None else None,
                error_code=code,
                error_message=message,
                permission_allowed=trace.decision.allowed if trace.decision else None,
                permission_reason=trace.decision.reason if trace.decision else None,
                parent_id=trace.parent_id or request.parent_id,
                permission=trace.decision.details() if trace.decision else None,
                error_reason=reason.to_dict() if reason is not None else None,
                plan=trace.plan,
            )
        )


def _outcome(trace: Trace, *, failed: bool) -> str:
    """Denied whenever the permission decision was a refusal, even if the call answered (a
    batch whose items are refused one by one still answers); else error or ok."""
    if trace.decision is not None and not trace.decision.allowed:
        return OUTCOME_DENIED
    return OUTCOME_ERROR if failed else OUTCOME_OK


def _describe(error: BaseException | None) -> tuple[Any, str | None]:
    if error is None:
        return None, None
    if isinstance(error, CloudError):
        return error.code, str(error)
    if isinstance(error, WxApiError):
        return error.errcode, error.errmsg
    if isinstance(error, SimulatorError):
        return None, str(error)
    return type(error).__name__, f"internal error: {error!r}"
