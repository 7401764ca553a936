"""What an API handler gets and gives back (openapi.md §1.2, §1.5).

A handler takes a ``Call`` (the API name, its snake_case parameters as WeChat receives them, who
called from which function) and returns WeChat's answer: a JSON body (``{"errcode": 0,
"errmsg": "ok", …}``) or ``Binary`` bytes such as a PNG. It raises ``WeChatError`` for WeChat's
own refusals, via ``Call.fail`` so each carries a deterministic rid.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Callable

from app.core.openapi.errors import WeChatError
from app.core.openapi.mailbox import Mailbox
from app.core.openapi.pages import Pages
from app.core.openapi.store import OpenApiStore
from app.core.reasons import Reason
from app.core.requests import Caller, Trace

DATA_FORMAT_ERROR = 47001
OPEN_API = "wx.openApi"  # the one action every cloud call is, from the shim and the gateway alike
API_TYPE_OPEN = 0  # CommApiData.apiType: an open API (wxacode.get …)
API_TYPE_SVRKIT = 2  # … or an internal SVRKIT call (cloud.getOpenData)


@dataclass(frozen=True)
class Binary:
    """A binary answer: its content type and bytes, and ``note``, what the timeline shows of it."""

    content_type: str
    data: bytes
    note: dict[str, Any] = field(default_factory=dict)

    def to_result(self) -> dict[str, Any]:
        """The request's result: ``base64`` marks a binary answer (WeChat's JSON has no such key)."""
        return {"contentType": self.content_type, "base64": base64.b64encode(self.data).decode("ascii"), **self.note}


def binary_answer(result: dict[str, Any]) -> bytes | None:
    """The bytes of a ``wx.openApi`` result that is a binary answer, else None."""
    encoded = result.get("base64")
    return base64.b64decode(encoded) if isinstance(encoded, str) else None


@dataclass(frozen=True)
class Services:
    """What handlers share: the workspace's openapi state, its pages, appid and clock, and
    ``persona_name``: whose openid one is (None for an openid no persona has)."""

    store: OpenApiStore
    pages: Pages
    appid: str
    clock: Callable[[], float]
    mailbox: Mailbox  # the messages' templates, subscriptions and inbox (mailbox.py)
    persona_name: Callable[[str], str | None] = lambda _openid: None


@dataclass(frozen=True)
class Call:
    """One cloud call: ``data`` holds the parameters by their wire (snake_case) names."""

    api: str
    data: dict[str, Any]
    caller: Caller
    function: str | None  # the calling function; None for a program outside any (lenient only)
    trace: Trace
    services: Services

    def fail(self, errcode: int, text: str, why: Reason) -> WeChatError:
        """WeChat's refusal ``errcode``/``text`` with the next rid; ``why`` explains it to a person."""
        return WeChatError(errcode, text, self.services.store.rid(), why)

    def format_error(self, name: str) -> WeChatError:
        """47001: a parameter of the wrong type (the body WeChat could not read)."""
        return self.fail(DATA_FORMAT_ERROR, "data format error",
                         Reason("openapi.bad_parameter_type", "The parameter {name} has the wrong type.", name=name))

    def record(self) -> dict[str, Any]:
        """Who issued a registry entry, and when: so a view can link it to its timeline row."""
        return {"createdAt": self.services.clock(), "function": self.function, "openid": self.caller.openid,
                "eventId": self.trace.id}


Handler = Callable[[Call], "dict[str, Any] | Binary"]
