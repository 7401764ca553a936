"""What a JS invocation produces: the outcome, its log lines, the error it threw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.reasons import Reason


@dataclass(frozen=True)
class LogLine:
    """One console line of an invocation."""

    level: str  # log | info | warn | error | debug
    text: str
    time: float  # seconds since the epoch


@dataclass(frozen=True)
class JsError:
    """What a failed invocation threw (or the runtime's own error in the same shape)."""

    name: str
    message: str
    stack: str
    code: int | None = None  # the errCode the thrown error carried, if any
    err_msg: str | None = None  # and its errMsg (the SDKs' errors carry both)
    reason: Reason | None = None  # ``message`` as a Reason when the runtime itself wrote it


@dataclass(frozen=True)
class JsOutcome:
    """The result of one invocation."""

    result: Any  # JSON-able; None for undefined or on error
    error: JsError | None
    timed_out: bool
    logs: list[LogLine]
    duration_ms: float  # parent wall time from sending the call to its end (start-up excluded)
