"""Extended JSON as the real SDK speaks it (tcb-wire §5), via pymongo's ``bson.json_util``.

Decoded values are what the engine works on: int/float/bool/str/None/list/dict, aware UTC
``datetime`` for dates and compiled ``re.Pattern`` for regexes. ``$tcb_server_date`` is left
as a dict for the service to resolve.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from bson import json_util
from bson.int64 import Int64
from bson.objectid import ObjectId
from bson.regex import Regex

from app.core import jsontext
from app.core.database.regex import compile_regex
from app.core.reasons import Reason

_DECODE = json_util.JSONOptions(tz_aware=True, tzinfo=timezone.utc)
_PATTERN = type(re.compile(""))
_PY_TO_JS_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


def decode(text: str | None, *, encoded_here: bool = False) -> Any:
    """Parse an EJSON string (canonical or relaxed) into engine values.

    The text comes from outside (the wire, a function, an import), so it is read strictly
    (``jsontext``): JsonTextError, a ValueError, for NaN, deep nesting, lone surrogates. The
    depth allows for EJSON's own wrappers; the store holds documents to the real limit.
    ``encoded_here``: the text is :func:`encode` of a value in this process (see
    ``jsontext.loads(scan=False)``).
    """
    if text is None:
        return None
    value = jsontext.loads(text, what="Extended JSON", max_depth=jsontext.MAX_DEPTH + jsontext.WRAPPER_LEVELS,
                           object_pairs_hook=_hook, scan=not encoded_here)
    return _plain(value)


def decode_unchecked_numbers(text: str, *, what: str) -> Any:
    """:func:`decode` that keeps a NaN or an infinity as a float instead of refusing it.

    For EJSON that wxsim's own JS just made from a value someone typed (the document editor's
    text): the caller checks the value with ``jsontext.check_value``, whose message names the
    field that holds the bad number.
    """
    value = jsontext.loads(text, what=what, max_depth=jsontext.MAX_DEPTH + jsontext.WRAPPER_LEVELS,
                           object_pairs_hook=_any_number_hook)
    return _plain(value)


def _any_number_hook(pairs: list[tuple[str, Any]]) -> Any:
    return json_util.object_pairs_hook(pairs, _DECODE)


def _hook(pairs: list[tuple[str, Any]]) -> Any:
    value = json_util.object_pairs_hook(pairs, _DECODE)
    # {"$numberDouble": "NaN"} is valid EJSON, but no JSON can carry the value back out.
    if value.__class__ is float and value - value != 0.0:
        raise jsontext.JsonTextError("Extended JSON", Reason(
            "json.ejson_not_finite", "{value} is not a finite number; use null or a finite number",
            value=repr(pairs[0][1])))
    return value


def _plain(value: Any) -> Any:
    # bson hands back its own wrapper types; the engine wants plain Python values.
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Int64):
        return int(value)
    if isinstance(value, Regex):
        return compile_regex(value.pattern, value.flags if isinstance(value.flags, str) else _flags(value.flags))
    return value


def _flags(python_flags: int) -> str:
    return "".join(letter for flag, letter in _PY_TO_JS_FLAGS if python_flags & flag)


def encode(value: Any) -> str:
    """Relaxed EJSON text of engine values: dates as ``{"$date": "…Z"}``, the SDK parses it.

    ObjectIds keep their ``{"$oid"}`` wrapper, so the text decodes back to the same values.
    """
    return json.dumps(to_ejson(value, object_ids=True), ensure_ascii=False, separators=(",", ":"))


def to_ejson(value: Any, *, object_ids: bool = False) -> Any:
    """Engine values → JSON-ready values with EJSON wrappers for dates and regexes.

    An ObjectId becomes its 24-hex string, as the backend answers it, unless ``object_ids``
    asks for the ``{"$oid"}`` wrapper (text that must decode back to an ObjectId).
    """
    if isinstance(value, dict):
        return {key: to_ejson(item, object_ids=object_ids) for key, item in value.items()}
    if isinstance(value, list):
        return [to_ejson(item, object_ids=object_ids) for item in value]
    if isinstance(value, datetime):
        return {"$date": iso_date(value)}
    if isinstance(value, _PATTERN):
        return {"$regularExpression": {"pattern": value.pattern, "options": _flags(value.flags)}}
    if isinstance(value, ObjectId):
        return {"$oid": str(value)} if object_ids else str(value)
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_ejson_shared(value: Any, *, object_ids: bool = False) -> Any:
    """:func:`to_ejson` that returns the parts needing no wrapper as they are, not copied.

    A collection of plain documents comes back as the very same objects, which makes listing
    100k of them cheap; the result shares them, so it must be treated as read-only.
    """
    kind = type(value)
    if kind is dict or kind is list:
        copy = None
        for key, item in value.items() if kind is dict else enumerate(value):
            if type(item) in _PLAIN:
                continue
            wrapped = to_ejson_shared(item, object_ids=object_ids)
            if wrapped is not item:
                if copy is None:
                    copy = dict(value) if kind is dict else list(value)
                copy[key] = wrapped
        return value if copy is None else copy
    return to_ejson(value, object_ids=object_ids)


def iso_date(moment: datetime) -> str:
    """``2018-08-31T17:30:00.882Z``: the console's export form, millisecond precision."""
    if moment.tzinfo is timezone.utc and moment.year >= 1000:  # the usual case, in C (truncates, as below)
        return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
