"""Our dispatcher's results in the shapes the real SDK reads (tcb-wire §4).

Most results are already the wire's ``data``; the differences are documents (the SDK
``EJSON.parse``s each element of ``data.list``, so they travel as strings), the requestId of
a function call (the user's ``requestID`` is the envelope's), and a transaction's id (read at
the top level).
"""

from __future__ import annotations

import json
import math
from typing import Any

from app.core.errors import ERROR_TEXTS, TCB_CODES

# Actions whose data.list holds documents, which the SDK wants as EJSON strings.
DOCUMENT_LISTS = frozenset({"database.getDocument", "database.aggregateDocuments"})
# Batch storage actions: the list of per-file outcomes in their data.
FILE_LISTS = {"storage.batchGetDownloadUrl": "download_list", "storage.batchDeleteFile": "delete_list"}
_TEXT_OF_CODE = {name: ERROR_TEXTS[number] for number, name in TCB_CODES.items()}


def to_wire(action: str, result: dict) -> tuple[dict, dict]:
    """``(data, top-level fields)`` of the answer to ``action`` that produced ``result``."""
    if action in DOCUMENT_LISTS:
        return {**result, "list": [ejson_string(doc) for doc in result.get("list") or []]}, {}
    if action == "functions.invokeFunction":
        top = {"requestId": result["requestID"]} if result.get("requestID") else {}
        return {"response_data": result.get("response_data", "")}, top
    if action in FILE_LISTS:
        key = FILE_LISTS[action]
        return {**result, key: [_file_outcome(item) for item in result.get(key) or []]}, {}
    if action == "database.startTransaction":
        return dict(result), {"transactionId": result.get("transactionId")}
    return dict(result), {}


def _file_outcome(item: Any) -> Any:
    """A per-file failure's message without the text of its code, which the SDK adds itself."""
    if not isinstance(item, dict) or not isinstance(item.get("message"), str):
        return item
    prefix = _TEXT_OF_CODE.get(item.get("code"), "\0") + ". "
    message = item["message"]
    return {**item, "message": message[len(prefix):]} if message.startswith(prefix) else item


def ejson_string(doc: Any) -> str:
    """One document (already relaxed-EJSON-ready, e.g. dates as ``{"$date": …}``) as text."""
    try:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        # NaN and ±Infinity are not JSON; EJSON spells them as $numberDouble.
        return json.dumps(_finite(doc), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return {"$numberDouble": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value
