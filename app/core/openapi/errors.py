"""The two ways a cloud call fails (openapi.md §1.3), as core raises them.

- ``WeChatError`` (E1): WeChat's own answer, ``{errcode, errmsg}`` with a `` rid: …`` suffix.
  The SDK turns it into ``openapi.<api>:fail <errmsg>``. Its ``reason`` says in the person's
  language why wxsim answered so (the errmsg stays WeChat's English words).
- ``PlatformError`` (E2): the cloud platform refuses before WeChat is asked (-6041xx): no body,
  only the code; the SDK says ``system error: error code: <code>``.

A TCB refusal (E3, -501007 for a console test run) is a plain ``CloudError``: it travels as the
backend's JSON error, like any other request's.
"""

from __future__ import annotations

from app.core.errors import CloudError, WxApiError
from app.core.reasons import Reason

API_NOT_FOUND = -604100
NO_PERMISSION = -604101
ILLEGAL_SOURCE = -604104


class WeChatError(WxApiError):
    """E1: ``errmsg`` is WeChat's text, ``rid`` the request id appended to it."""

    def __init__(self, errcode: int, text: str, rid: str, why: Reason) -> None:
        super().__init__(errcode, f"{text} rid: {rid}")
        self.reason = why


class PlatformError(CloudError):
    """E2: the platform's -6041xx refusal; the gateway sends it as CommOpenApiResp.errorCode."""
