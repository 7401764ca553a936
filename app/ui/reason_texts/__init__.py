"""Core's reasons and errors in the person's language.

Core gives a ``Reason`` (a message id, its English template, its params; ``app/core/reasons.py``)
and the UI says it: in English with the template core sent, in Chinese with the template here,
filled with the same params. One module a part of core (``general``, ``database``,
``database_query``, ``aggregate_stages``, ``aggregate_expressions``, ``storage``, ``functions``,
``rules``), each a dict ``ZH`` from message id to Chinese template; ``codes`` names
WeChat's error codes. ``tests/ui/test_reason_texts.py`` checks that every id core uses has a
Chinese text with the same placeholders.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale

from app.core.api import CODE_WORDS, CloudError, Reason, SimulatorError, WxApiError
from app.ui.reason_texts import (
    aggregate_expressions,
    aggregate_stages,
    codes,
    database,
    database_query,
    functions,
    general,
    geo,
    indexes,
    openapi,
    openapi_messages,
    openapi_opendata,
    openapi_security,
    rules,
    snapshots,
    storage,
    transactions,
    watch,
)

ZH: dict[str, str] = {}
for _part in (general, database, database_query, aggregate_stages, aggregate_expressions, storage, functions, rules,
              openapi, openapi_opendata, openapi_messages, openapi_security, watch, snapshots, geo, transactions,
              indexes):
    _overlap = ZH.keys() & _part.ZH.keys()
    assert not _overlap, f"message ids defined twice: {sorted(_overlap)}"
    ZH.update(_part.ZH)


def chinese() -> bool:
    """Whether the UI speaks Chinese now (``Translations.install`` sets the default locale)."""
    return QLocale().name().startswith("zh")


def say(reason: Reason | dict | None, fallback: str = "") -> str:
    """``reason`` in the UI's language; ``fallback`` (core's English) when there is none.

    Accepts a Reason or its dict (as events and the event log keep it)."""
    if isinstance(reason, dict):
        reason = Reason.from_dict(reason)
    if reason is None:
        return fallback
    if not chinese():
        return reason.text
    return reason.render(_chinese_template)


def _chinese_template(reason: Reason) -> str:
    if reason.id == CODE_WORDS:  # an error code's words, as the console words them
        code = reason.params.get("code")
        return codes.ZH.get(code, reason.template) if isinstance(code, int) else reason.template
    return ZH.get(reason.id, reason.template)


def error_text(error: BaseException) -> str:
    """An expected error as the person reads it where they acted."""
    if isinstance(error, CloudError):
        return code_text(error.code, say(error.reason, error.detail))
    if isinstance(error, WxApiError):
        return str(error)  # the open API's own errcode and errmsg, as WeChat shows them
    if isinstance(error, SimulatorError):
        return say(error.reason, str(error))
    return str(error)


def code_text(code: Any, detail: str = "") -> str:
    """A WeChat error code with its words and ``detail`` (``数据库权限不足（-502003）：…``)."""
    if not chinese():
        english = CloudError(code if isinstance(code, int) else -1).text
        return f"{english} ({code})" + (f": {detail}" if detail else "")
    words = codes.ZH.get(code, codes.ZH[-1]) if isinstance(code, int) else codes.ZH[-1]
    return f"{words}（{code}）" + (f"：{detail}" if detail else "")


def event_why(event) -> str:
    """An event's permission decision in the UI's language ("" when it had none)."""
    if not event.permission_reason:
        return ""
    return say((event.permission or {}).get("why"), event.permission_reason)


def event_error(event) -> str:
    """An event's error in the UI's language (its code's words and core's reason)."""
    if event.error_message is None:
        return ""
    reason = Reason.from_dict(event.error_reason)
    if isinstance(event.error_code, int) and event.error_code < 0:
        if reason is None and chinese():
            # WeChat's own English errMsg: its code in words here, the raw answer in the details.
            return code_text(event.error_code)
        return code_text(event.error_code, say(reason, _detail_of(event.error_message, event.error_code)))
    return say(reason, event.error_message)


def _detail_of(message: str, code: int) -> str:
    """What follows the code's own English words in a CloudError's text."""
    words = CloudError(code).text
    if message.startswith(words):
        return message[len(words):].lstrip(". ")
    return message
