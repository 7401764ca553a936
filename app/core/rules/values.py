"""What the rule operators do with values, and how a value is shown in a decision.

Strict where JavaScript would coerce: ``1 == '1'`` is false, and ``<`` between a number and a
string is false rather than a guess. Dates compare as milliseconds, so ``doc.due > now`` works
on a stored Date. Missing fields read as null.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

from app.core.reasons import Reason

_PREVIEW_CHARS = 300


class EvalError(Exception):
    """A rule could not be evaluated (``auth.openid`` when signed out, get() over its limit):
    the rule is then false, and ``message`` says why (``reason``: the same as a Reason)."""

    def __init__(self, message: str | Reason) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.reason: Reason | None = message if isinstance(message, Reason) else None


def is_number(value: Any) -> bool:
    return type(value) in (int, float)


def comparable(value: Any) -> Any:
    """Dates become milliseconds since the epoch, as ``now`` is."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.timestamp() * 1000
    return value


def equal(a: Any, b: Any) -> bool:
    a, b = comparable(a), comparable(b)
    if is_number(a) and is_number(b):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return a == b


def compare(op: str, a: Any, b: Any) -> bool:
    """``a op b`` for numbers (and dates) or for strings; anything else is false."""
    a, b = comparable(a), comparable(b)
    if not ((is_number(a) and is_number(b)) or (type(a) is str and type(b) is str)):
        return False
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def contains(collection: Any, item: Any) -> bool:
    """``item in collection``: a list's element, or an object's key."""
    if isinstance(collection, list):
        return any(equal(item, element) for element in collection)
    if isinstance(collection, dict):
        return isinstance(item, str) and item in collection
    raise EvalError(Reason("rules.in_needs_list", "'in' needs a list on its right, not {kind}",
                           kind=kind_reason(collection)))


def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if is_number(value):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def member(base: Any, key: Any, shown: str) -> Any:
    """``base[key]``: a key of an object, an index of a list; reading from null is an error."""
    if base is None:
        raise EvalError(Reason("rules.null_has_no_field", "{shown} is null, so it has no field {key}",
                               shown=shown, key=repr(key)))
    if isinstance(base, dict):
        if not isinstance(key, str):
            key = text_of(key)
        return base.get(key)
    if isinstance(base, list):
        if isinstance(key, str) and key.isdigit():
            key = int(key)
        if type(key) is int and 0 <= key < len(base):
            return base[key]
        return None
    return None  # a field of a string or a number: undefined in JavaScript, null here


def text_of(value: Any) -> str:
    """A value inside a template string, as JavaScript's String() writes it."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(shown(value), ensure_ascii=False, separators=(",", ":"))
    return str(value)


def kind_reason(value: Any) -> Reason:
    """The words a message names a value's type with: "a number", "null" …"""
    if value is None:
        return Reason("rules.kind_null", "null")
    if isinstance(value, bool):
        return Reason("rules.kind_boolean", "a boolean")
    if is_number(value):
        return Reason("rules.kind_number", "a number")
    if isinstance(value, str):
        return Reason("rules.kind_string", "a string")
    if isinstance(value, list):
        return Reason("rules.kind_list", "a list")
    if isinstance(value, dict):
        return Reason("rules.kind_object", "an object")
    return Reason("rules.kind_other", "{name}", name=type(value).__name__)


def shown(value: Any, budget: list[int] | None = None) -> Any:
    """A JSON-able copy of a value for a decision, cut short when it is long."""
    budget = budget if budget is not None else [_PREVIEW_CHARS]
    if budget[0] <= 0:
        return "…"
    if value is None or isinstance(value, bool):
        return value
    if is_number(value):
        budget[0] -= 8
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        cut = value[:max(budget[0], 16)]
        budget[0] -= len(cut)
        return cut if len(cut) == len(value) else cut + "…"
    if isinstance(value, datetime):
        budget[0] -= 30
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return {"$date": moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    if isinstance(value, list):
        out = []
        for item in value:
            if budget[0] <= 0:
                out.append("…")
                break
            out.append(shown(item, budget))
        return out
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if budget[0] <= 0:
                result["…"] = "…"
                break
            budget[0] -= len(str(key))
            result[str(key)] = shown(item, budget)
        return result
    text = str(value)[:80]
    budget[0] -= len(text)
    return text


def literal(value: Any) -> str:
    """A value as it would be typed in mini program code: ``'oA…'``, ``true``, ``[1, 2]``."""
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, datetime):
        return f"new Date({int(comparable(value))})"
    return json.dumps(shown(value), ensure_ascii=False)
