"""What an inserted document's field names may be, and how its new ids go back on the wire."""

from __future__ import annotations

from typing import Any

from app.core.database.failures import request_failed
from app.core.database.values import is_object_id
from app.core.reasons import Reason


def refuse_dollar_fields(docs: list) -> None:
    """DATABASE_REQUEST_FAILED (-502001) for a ``$``-prefixed field name at any depth, in
    MongoDB's words: such a name would be read back as an operator. EJSON wrappers
    (``$date``, ``$oid``…) and ``$tcb_server_date`` are values by now, not fields."""
    for doc in docs:
        name = _dollar_field(doc)
        if name is not None:
            raise request_failed(Reason("database.dollar_field", "Document can't have $ prefixed field names: "
                                        "{name}", name=name))


def _dollar_field(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key.startswith("$"):
                return key
            found = _dollar_field(item)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _dollar_field(item)
            if found is not None:
                return found
    return None


def ids_as_text(result: dict) -> dict:
    """``insertedIds`` with each ObjectId as its 24-hex string, as the backend answers them."""
    ids = result.get("insertedIds")
    if ids and any(is_object_id(doc_id) for doc_id in ids):
        return {**result, "insertedIds": [str(doc_id) if is_object_id(doc_id) else doc_id for doc_id in ids]}
    return result
